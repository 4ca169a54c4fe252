//! Vietnamese letters taken apart into base letter, vowel-quality mark and tone.
//!
//! Everything above this module works on `Letter`s rather than on code points, so
//! NFC, NFD, marks in a non-canonical order (circumflex and tilde share combining
//! class 230, which NFC cannot reorder) and the deprecated tone marks U+0340/U+0341
//! all arrive at the same place without running a Unicode normaliser per name.

use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// The vowel-quality marks, plus the stroke of đ (which has no Unicode decomposition
/// but behaves like a mark for matching: "Dang" lacks what "Đặng" has).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Quality {
    Plain = 0,
    Circumflex = 1,
    Breve = 2,
    Horn = 3,
    Stroke = 4,
}

/// The six tones, in the order Vietnamese grammars list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tone {
    Level = 0,
    Grave = 1,
    Hook = 2,
    Tilde = 3,
    Acute = 4,
    Dot = 5,
}

/// One letter with its marks; `base` is an ASCII lowercase letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Letter {
    pub base: u8,
    pub quality: Quality,
    pub tone: Tone,
    pub upper: bool,
}

impl Letter {
    pub fn is_vowel(&self) -> bool {
        matches!(self.base, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
    }

    pub fn has_marks(&self) -> bool {
        self.quality != Quality::Plain || self.tone != Tone::Level
    }

    /// The letter as written lowercase without its tone, one byte per letter, so
    /// rhymes can be matched as short byte strings (see `syllable::code_of`).
    pub fn toneless(&self) -> Letter {
        Letter { tone: Tone::Level, upper: false, ..*self }
    }
}

/// What a combining mark contributes, if it is one Vietnamese uses.
pub enum Mark {
    Quality(Quality),
    Tone(Tone),
}

pub fn combining_mark(c: char) -> Option<Mark> {
    Some(match c {
        '\u{0302}' => Mark::Quality(Quality::Circumflex),
        '\u{0306}' => Mark::Quality(Quality::Breve),
        '\u{031B}' => Mark::Quality(Quality::Horn),
        '\u{0300}' | '\u{0340}' => Mark::Tone(Tone::Grave),
        '\u{0301}' | '\u{0341}' => Mark::Tone(Tone::Acute),
        '\u{0309}' => Mark::Tone(Tone::Hook),
        '\u{0303}' => Mark::Tone(Tone::Tilde),
        '\u{0323}' => Mark::Tone(Tone::Dot),
        _ => return None,
    })
}

/// Code points up to here may decompose into a Latin letter plus Vietnamese marks.
const TABLE_END: u32 = 0x1F00;

/// Packed per code point: bits 0–4 base letter (1 = 'a'), 5–7 quality, 8–10 tone,
/// bit 11 uppercase. Zero means "not a Vietnamese letter".
fn decomposition_table() -> &'static [u16] {
    static TABLE: OnceLock<Vec<u16>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![0u16; TABLE_END as usize];
        for cp in 0..TABLE_END {
            let Some(c) = char::from_u32(cp) else { continue };
            if let Some(letter) = decompose_slow(c) {
                table[cp as usize] = pack(letter);
            }
        }
        table
    })
}

fn pack(l: Letter) -> u16 {
    (l.base - b'a' + 1) as u16 | (l.quality as u16) << 5 | (l.tone as u16) << 8 | (l.upper as u16) << 11
}

fn unpack(v: u16) -> Letter {
    let quality = match (v >> 5) & 7 {
        0 => Quality::Plain,
        1 => Quality::Circumflex,
        2 => Quality::Breve,
        3 => Quality::Horn,
        _ => Quality::Stroke,
    };
    let tone = match (v >> 8) & 7 {
        0 => Tone::Level,
        1 => Tone::Grave,
        2 => Tone::Hook,
        3 => Tone::Tilde,
        4 => Tone::Acute,
        _ => Tone::Dot,
    };
    Letter { base: (v & 31) as u8 - 1 + b'a', quality, tone, upper: v & (1 << 11) != 0 }
}

fn decompose_slow(c: char) -> Option<Letter> {
    match c {
        // Ð (U+00D0, Icelandic eth) is what many keyboards and fonts put where Đ belongs.
        'Đ' | 'Ð' => return Some(Letter { base: b'd', quality: Quality::Stroke, tone: Tone::Level, upper: true }),
        'đ' | 'ð' => return Some(Letter { base: b'd', quality: Quality::Stroke, tone: Tone::Level, upper: false }),
        _ => {}
    }
    let mut parts = c.nfd();
    let first = parts.next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let mut letter = Letter {
        base: first.to_ascii_lowercase() as u8,
        quality: Quality::Plain,
        tone: Tone::Level,
        upper: first.is_ascii_uppercase(),
    };
    for mark in parts {
        match combining_mark(mark)? {
            Mark::Quality(q) if letter.quality == Quality::Plain => letter.quality = q,
            Mark::Tone(t) if letter.tone == Tone::Level => letter.tone = t,
            _ => return None,
        }
    }
    Some(letter)
}

/// The letter a precomposed character stands for, or None for anything that is not
/// a Latin letter carrying only Vietnamese marks.
#[inline]
pub fn decompose(c: char) -> Option<Letter> {
    // Most letters of a Vietnamese name are plain ASCII: skip the table for them.
    if c.is_ascii_alphabetic() {
        return Some(Letter {
            base: c.to_ascii_lowercase() as u8,
            quality: Quality::Plain,
            tone: Tone::Level,
            upper: c.is_ascii_uppercase(),
        });
    }
    let cp = c as u32;
    if cp < TABLE_END {
        let v = decomposition_table()[cp as usize];
        if v != 0 {
            return Some(unpack(v));
        }
    }
    None
}

fn composition_table() -> &'static [[[char; 6]; 5]; 26] {
    static TABLE: OnceLock<Box<[[[char; 6]; 5]; 26]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Box::new([[['\0'; 6]; 5]; 26]);
        for cp in 0..TABLE_END {
            let Some(c) = char::from_u32(cp) else { continue };
            if let Some(l) = decompose_slow(c) {
                if !l.upper && c != 'ð' {
                    table[(l.base - b'a') as usize][l.quality as usize][l.tone as usize] = c;
                }
            }
        }
        table
    })
}

/// The precomposed (NFC) character for a letter, or None where Unicode has none
/// (a tone on a consonant, a horn on an 'e'); such letters never come out of a
/// valid syllable.
#[inline]
pub fn compose(l: Letter) -> Option<char> {
    if l.quality == Quality::Plain && l.tone == Tone::Level {
        return Some(if l.upper { l.base.to_ascii_uppercase() } else { l.base } as char);
    }
    let c = composition_table()[(l.base - b'a') as usize][l.quality as usize][l.tone as usize];
    if c == '\0' {
        return None;
    }
    if l.upper {
        // Every Vietnamese lowercase letter has exactly one uppercase form.
        c.to_uppercase().next()
    } else {
        Some(c)
    }
}

/// Reads a token into letters, attaching loose combining marks to the letter before
/// them in whatever order they came. False when the token holds anything else
/// (digits, apostrophes, foreign marks): such a token is not a Vietnamese syllable.
pub fn letters_of(token: &str, out: &mut Vec<Letter>) -> bool {
    read_letters(token, out).is_some()
}

/// Like `letters_of`; `Some(true)` when a quality mark came after the tone on the
/// same letter. NFC keeps such text apart from the usual order (circumflex and
/// tilde share a combining class), so it is the same name but not the same spelling.
pub fn read_letters(token: &str, out: &mut Vec<Letter>) -> Option<bool> {
    out.clear();
    let mut out_of_order = false;
    for c in token.chars() {
        if let Some(l) = decompose(c) {
            out.push(l);
            continue;
        }
        let mark = combining_mark(c)?;
        let last = out.last_mut()?;
        match mark {
            Mark::Quality(q) if last.quality == Quality::Plain => {
                // Only a tone of the quality mark's own combining class (230) written
                // first stays apart under NFC. The dot below (220) comes first in NFD
                // itself ("Đặng", "Lộc"), and a horn (216) is sorted before any tone.
                out_of_order |=
                    !matches!(last.tone, Tone::Level | Tone::Dot) && matches!(q, Quality::Circumflex | Quality::Breve);
                last.quality = q;
            }
            Mark::Tone(t) if last.tone == Tone::Level => last.tone = t,
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out_of_order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precomposed_and_decomposed_agree() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        assert!(letters_of("Nguyễn", &mut a));
        assert!(letters_of(&"Nguyễn".nfd().collect::<String>(), &mut b));
        assert_eq!(a, b);
        assert_eq!(a[4].quality, Quality::Circumflex);
        assert_eq!(a[4].tone, Tone::Tilde);
    }

    #[test]
    fn mark_order_does_not_matter() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        assert!(letters_of("e\u{0303}\u{0302}", &mut a));
        assert!(letters_of("e\u{0302}\u{0303}", &mut b));
        assert_eq!(a, b);
        assert_eq!(compose(a[0]), Some('ễ'));
    }

    #[test]
    fn only_marks_nfc_keeps_apart_are_out_of_order() {
        let mut a = Vec::new();
        // NFD writes the dot below before the circumflex or breve: canonical, not out of order.
        for s in
            ["e\u{0323}\u{0302}", "a\u{0323}\u{0306}", "o\u{0323}\u{0302}", "o\u{0301}\u{031B}", "e\u{0302}\u{0303}"]
        {
            assert_eq!(read_letters(s, &mut a), Some(false), "{s:?}");
        }
        // Tilde before circumflex: both class 230, so NFC leaves them in this order.
        assert_eq!(read_letters("e\u{0303}\u{0302}", &mut a), Some(true));
        assert_eq!(read_letters("a\u{0300}\u{0306}", &mut a), Some(true));
    }

    #[test]
    fn deprecated_tone_marks_and_eth() {
        let mut a = Vec::new();
        assert!(letters_of("a\u{0341}", &mut a));
        assert_eq!(a[0].tone, Tone::Acute);
        assert!(letters_of("Ðặng", &mut a));
        assert_eq!(a[0].quality, Quality::Stroke);
        assert!(a[0].upper);
        assert_eq!(compose(a[0]), Some('Đ'));
    }

    #[test]
    fn foreign_marks_are_not_letters() {
        let mut a = Vec::new();
        assert!(!letters_of("ë", &mut a)); // diaeresis is not Vietnamese
        assert!(!letters_of("H'Hen", &mut a));
        assert!(!letters_of("a\u{0301}\u{0300}", &mut a)); // two tones
    }

    #[test]
    fn every_vietnamese_letter_round_trips() {
        let all = "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ";
        for c in all.chars().chain(all.to_uppercase().chars()) {
            let l = decompose(c).unwrap_or_else(|| panic!("{c}"));
            assert_eq!(compose(l), Some(c), "{c}");
        }
    }
}

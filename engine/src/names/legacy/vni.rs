//! VNI-Windows: a base letter then a mark character, or one character for đ, ơ,
//! ư, ỵ and the i's.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

use super::tables::{VNI_BREVE, VNI_CIRCUMFLEX, VNI_I, VNI_TONE};
use super::vietnamese::{vietnamese_letter, MARKED_LETTERS};
use crate::names::letters::{Quality, Tone};

/// The VNI spelling of one letter: first character and optional mark character.
fn vni_of(c: char) -> Option<(char, Option<char>)> {
    let l = vietnamese_letter(c)?;
    let u = l.upper as usize;
    let t = l.tone as usize;
    let ascii = (if l.upper { l.base.to_ascii_uppercase() } else { l.base }) as char;
    let tone = (t != 0).then(|| VNI_TONE[u][t]);
    Some(match (l.base, l.quality) {
        (b'd', Quality::Stroke) => (['ñ', 'Ñ'][u], None),
        (b'i', Quality::Plain) => (VNI_I[u][t], None),
        (b'y', Quality::Plain) if l.tone == Tone::Dot => (['î', 'Î'][u], None),
        (b'a' | b'e' | b'o', Quality::Circumflex) => (ascii, Some(VNI_CIRCUMFLEX[u][t])),
        (b'a', Quality::Breve) => (ascii, Some(VNI_BREVE[u][t])),
        (b'o', Quality::Horn) => (['ô', 'Ô'][u], tone),
        (b'u', Quality::Horn) => (['ö', 'Ö'][u], tone),
        (b'a' | b'e' | b'o' | b'u' | b'y', Quality::Plain) => (ascii, tone),
        _ => return None,
    })
}

struct VniTable {
    pairs: FxHashMap<(char, char), char>,
    singles: FxHashMap<char, char>,
}

fn vni_table() -> &'static VniTable {
    static T: OnceLock<VniTable> = OnceLock::new();
    T.get_or_init(|| {
        let mut pairs = FxHashMap::default();
        let mut singles = FxHashMap::default();
        for c in MARKED_LETTERS.chars() {
            match vni_of(c) {
                Some((first, Some(mark))) => {
                    pairs.insert((first, mark), c);
                    // Excel's PROPER() lowercases the mark byte of a capital: "AÙnh" → "Aùnh".
                    if c.is_uppercase() {
                        pairs.entry((first, mark.to_lowercase().next().unwrap_or(mark))).or_insert(c);
                    }
                }
                Some((first, None)) if !first.is_ascii() => {
                    singles.insert(first, c);
                }
                _ => {}
            }
        }
        VniTable { pairs, singles }
    })
}

/// A VNI token decoded; None when a character has no place in VNI.
pub(super) fn vni_decode(token: &str) -> Option<String> {
    let t = vni_table();
    let mut out = String::with_capacity(token.len() + 4);
    let mut chars = token.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(&next) = chars.peek() {
            if let Some(&l) = t.pairs.get(&(c, next)) {
                out.push(l);
                chars.next();
                continue;
            }
        }
        if let Some(&l) = t.singles.get(&c) {
            out.push(l);
        } else if c.is_ascii_alphabetic() {
            out.push(c);
        } else {
            return None;
        }
    }
    Some(out)
}

/// Unicode Vietnamese as VNI-Windows text shows it today ("Lương" → "Löông").
pub fn encode_vni(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.nfc() {
        match vni_of(c) {
            Some((first, mark)) => {
                out.push(first);
                out.extend(mark);
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoder_matches_the_reference() {
        assert_eq!(encode_vni("Trương Thị Mỹ Hạnh"), "Tröông Thò Myõ Haïnh");
        assert_eq!(encode_vni("Võ Đình Quảng"), "Voõ Ñình Quaûng");
        // Other characters pass through.
        for s in ["José Müller-Ñúñez 12", "Ksor H'Hen", "李"] {
            assert_eq!(encode_vni(s), s.replace("é", "eù").replace("ú", "uù"));
        }
    }
}

//! VIQR (RFC 1456): ASCII letters, each followed by the characters of its marks
//! ("Tru+o+ng").

use unicode_normalization::UnicodeNormalization;

use super::vietnamese::{plausible_syllable, vietnamese_letter};
use crate::names::letters::{compose, decompose, Letter, Quality, Tone};

/// Unicode Vietnamese in VIQR (RFC 1456): "Trương" → "Tru+o+ng", "Đ" → "DD". A
/// mark character that would attach to the letter before it is escaped ("A\.").
pub fn encode_viqr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut after_letter = false;
    for c in s.nfc() {
        let Some(l) = vietnamese_letter(c) else {
            if after_letter && is_viqr_mark(c) {
                out.push('\\');
            }
            out.push(c);
            after_letter = false;
            continue;
        };
        let base = (if l.upper { l.base.to_ascii_uppercase() } else { l.base }) as char;
        out.push(base);
        match l.quality {
            Quality::Circumflex => out.push('^'),
            Quality::Breve => out.push('('),
            Quality::Horn => out.push('+'),
            Quality::Stroke => out.push(base),
            Quality::Plain => {}
        }
        out.push_str(viqr_tone(l.tone));
        after_letter = true;
    }
    out
}

fn viqr_tone(t: Tone) -> &'static str {
    match t {
        Tone::Grave => "`",
        Tone::Acute => "'",
        Tone::Hook => "?",
        Tone::Tilde => "~",
        Tone::Dot => ".",
        Tone::Level => "",
    }
}

pub(super) fn is_viqr_mark(c: char) -> bool {
    matches!(c, '^' | '(' | '+' | '`' | '\'' | '?' | '~' | '.' | '\\')
}

enum Piece {
    Letter { letter: Letter, marked: bool },
    Literal(char),
}

pub(super) struct ViqrToken {
    pub(super) text: String,
    /// Only weak evidence: the one mark is a full stop closing the word ("A."), or
    /// the token only had escapes.
    pub(super) weak: bool,
}

pub(super) fn decode_viqr(token: &str) -> Option<ViqrToken> {
    let chars: Vec<char> = token.chars().collect();
    let mut pieces: Vec<Piece> = Vec::with_capacity(chars.len());
    let mut marks = 0usize;
    let mut escapes = 0usize;
    let mut last_mark_at = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            pieces.push(Piece::Literal(chars[i + 1]));
            escapes += 1;
            i += 2;
            continue;
        }
        if matches!(c, 'd' | 'D') && matches!(chars.get(i + 1), Some('d' | 'D')) {
            let letter = Letter { base: b'd', quality: Quality::Stroke, tone: Tone::Level, upper: c == 'D' };
            pieces.push(Piece::Letter { letter, marked: true });
            marks += 1;
            last_mark_at = i + 1;
            i += 2;
            continue;
        }
        if let Some(letter) = decompose(c) {
            pieces.push(Piece::Letter { letter, marked: false });
        } else if let Some(Piece::Letter { letter, marked }) = pieces.last_mut().filter(|_| is_viqr_mark(c)) {
            if apply_viqr_mark(letter, c) {
                *marked = true;
                marks += 1;
                last_mark_at = i;
            } else {
                pieces.push(Piece::Literal(c));
            }
        } else {
            pieces.push(Piece::Literal(c));
        }
        i += 1;
    }
    if marks == 0 && escapes == 0 {
        return None;
    }
    // Each run of letters that took a mark must be a syllable.
    let mut text = String::with_capacity(token.len());
    let mut run = String::new();
    let mut run_marked = false;
    let flush = |run: &mut String, run_marked: &mut bool, text: &mut String| -> bool {
        let ok = !*run_marked || plausible_syllable(run);
        text.push_str(run);
        run.clear();
        *run_marked = false;
        ok
    };
    for piece in &pieces {
        match piece {
            Piece::Letter { letter, marked } => {
                run.push(compose(*letter)?);
                run_marked |= marked;
            }
            Piece::Literal(c) => {
                if !flush(&mut run, &mut run_marked, &mut text) {
                    return None;
                }
                text.push(*c);
            }
        }
    }
    if !flush(&mut run, &mut run_marked, &mut text) {
        return None;
    }
    let trailing_punctuation = marks == 1 && last_mark_at + 1 == chars.len() && chars[last_mark_at] == '.';
    Some(ViqrToken { text, weak: marks == 0 || trailing_punctuation })
}

fn apply_viqr_mark(l: &mut Letter, mark: char) -> bool {
    let plain = l.quality == Quality::Plain;
    let toneless = l.is_vowel() && l.tone == Tone::Level;
    let (quality, tone) = match mark {
        '^' if plain && matches!(l.base, b'a' | b'e' | b'o') => (Quality::Circumflex, l.tone),
        '(' if plain && l.base == b'a' => (Quality::Breve, l.tone),
        '+' if plain && matches!(l.base, b'o' | b'u') => (Quality::Horn, l.tone),
        '`' if toneless => (l.quality, Tone::Grave),
        '\'' if toneless => (l.quality, Tone::Acute),
        '?' if toneless => (l.quality, Tone::Hook),
        '~' if toneless => (l.quality, Tone::Tilde),
        '.' if toneless => (l.quality, Tone::Dot),
        _ => return false,
    };
    l.quality = quality;
    l.tone = tone;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoder_matches_the_reference() {
        assert_eq!(encode_viqr("Trương Thị Mỹ Hạnh"), "Tru+o+ng Thi. My~ Ha.nh");
        assert_eq!(encode_viqr("Hà Văn Thắng"), "Ha` Va(n Tha('ng");
        assert_eq!(encode_viqr("Nguyễn Văn A."), "Nguye^~n Va(n A\\.");
        // Other characters pass through.
        for s in ["José Müller-Ñúñez 12", "Ksor H'Hen", "李"] {
            let kept = s.replace("'", "\\'").replace("é", "e'").replace("ú", "u'");
            assert_eq!(encode_viqr(s), kept);
        }
    }
}

//! Telex: Vietnamese typed as ASCII keys with no input method running
//! ("Nguyeenx" for Nguyễn).

use super::vietnamese::plausible_syllable;
use crate::names::letters::{compose, decompose, Letter, Quality, Tone};
use crate::names::syllable::is_valid_syllable;

/// The Vietnamese syllable a Telex-typed token stands for ("Nguyeenx" → "Nguyễn",
/// "Ddawngj" → "Đặng"), when the token is not one already and decodes to one.
pub fn telex_decode(token: &str) -> Option<String> {
    if token.is_empty()
        || token.len() > 16
        || !token.bytes().all(|b| b.is_ascii_alphabetic())
        || is_valid_syllable(token)
    {
        return None;
    }
    let lower = token.to_ascii_lowercase().into_bytes();
    let tone_of = |b: u8| match b {
        b's' => Some(Tone::Acute),
        b'f' => Some(Tone::Grave),
        b'r' => Some(Tone::Hook),
        b'x' => Some(Tone::Tilde),
        b'j' => Some(Tone::Dot),
        _ => None,
    };
    // The tone key usually ends the word; some typists press it right after the vowel.
    let mut tries: Vec<Option<usize>> = Vec::new();
    if tone_of(lower[lower.len() - 1]).is_some() {
        tries.push(Some(lower.len() - 1));
    }
    for i in (1..lower.len().saturating_sub(1)).rev() {
        if tone_of(lower[i]).is_some()
            && lower[..i].iter().any(|&b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w'))
        {
            tries.push(Some(i));
        }
    }
    tries.push(None);
    let all_upper = token.len() > 1 && token.bytes().all(|b| b.is_ascii_uppercase());
    let first_upper = token.as_bytes()[0].is_ascii_uppercase();
    for at in tries {
        let mut keys = lower.clone();
        let tone = at.and_then(|i| tone_of(keys.remove(i))).unwrap_or(Tone::Level);
        let Some(mut letters) = telex_letters(&keys, tone) else { continue };
        for (i, l) in letters.iter_mut().enumerate() {
            l.upper = all_upper || (i == 0 && first_upper);
        }
        let Some(out) = letters.iter().map(|l| compose(*l)).collect::<Option<String>>() else { continue };
        if plausible_syllable(&out) {
            return Some(out);
        }
    }
    None
}

/// Letters from Telex keys (dd, aa ee oo, aw ow uw uow, w alone), the tone put on a
/// vowel (syllable parsing moves it where it belongs). None when no key applied.
fn telex_letters(keys: &[u8], tone: Tone) -> Option<Vec<Letter>> {
    let mut letters: Vec<Letter> = Vec::with_capacity(keys.len());
    let mut changed = tone != Tone::Level;
    let mut i = 0;
    while i < keys.len() {
        let b = keys[i];
        let next = keys.get(i + 1).copied();
        let plain = |base: u8| Letter { base, quality: Quality::Plain, tone: Tone::Level, upper: false };
        match b {
            b'd' if next == Some(b'd') => {
                letters.push(Letter { quality: Quality::Stroke, ..plain(b'd') });
                i += 2;
                changed = true;
                continue;
            }
            b'a' | b'e' | b'o' if next == Some(b) => {
                letters.push(Letter { quality: Quality::Circumflex, ..plain(b) });
                i += 2;
                changed = true;
                continue;
            }
            b'w' => {
                // w marks the last vowels before it: uo → ươ, a → ă, o → ơ, u → ư; alone it is ư.
                let end = letters.iter().rposition(|l| l.is_vowel());
                match end {
                    None => letters.push(Letter { quality: Quality::Horn, ..plain(b'u') }),
                    Some(v) => {
                        let target = letters[v];
                        if target.quality != Quality::Plain {
                            return None;
                        }
                        match target.base {
                            b'a' => letters[v].quality = Quality::Breve,
                            b'o' | b'u' => {
                                letters[v].quality = Quality::Horn;
                                if target.base == b'o'
                                    && v > 0
                                    && letters[v - 1].base == b'u'
                                    && letters[v - 1].quality == Quality::Plain
                                {
                                    letters[v - 1].quality = Quality::Horn;
                                }
                            }
                            _ => return None,
                        }
                    }
                }
                i += 1;
                changed = true;
                continue;
            }
            _ => letters.push(decompose(b as char)?),
        }
        i += 1;
    }
    if !changed {
        return None;
    }
    if tone != Tone::Level {
        let v = letters
            .iter()
            .rposition(|l| l.is_vowel() && l.quality != Quality::Plain)
            .or_else(|| letters.iter().rposition(|l| l.is_vowel()))?;
        letters[v].tone = tone;
    }
    Some(letters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telex() {
        assert_eq!(telex_decode("Nguyeenx").as_deref(), Some("Nguyễn"));
        assert_eq!(telex_decode("Ddawngj").as_deref(), Some("Đặng"));
        assert_eq!(telex_decode("Truwowngf").as_deref(), Some("Trường"));
        assert_eq!(telex_decode("Truowngf").as_deref(), Some("Trường"));
        assert_eq!(telex_decode("Nguyeexn").as_deref(), Some("Nguyễn"));
        assert_eq!(telex_decode("HOAFNG").as_deref(), Some("HOÀNG"));
        assert_eq!(telex_decode("Tuaans").as_deref(), Some("Tuấn"));
        assert_eq!(telex_decode("Vawn").as_deref(), Some("Văn"));
        let thuy = telex_decode("Thuyr").expect("Thuyr");
        assert!(thuy == "Thuỷ" || thuy == "Thủy", "{thuy}");
        for s in [
            "Ksor",
            "Nguyen",
            "Hung",
            "H'Hen",
            "Niê",
            "Ktla",
            "Phen",
            "Y",
            "Mlo",
            "",
            "Nguyễn",
            "xxxxxxxxxxxxxxxxxxxxxx",
        ] {
            assert_eq!(telex_decode(s), None, "{s}");
        }
    }
}

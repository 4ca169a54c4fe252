//! Keystrokes: Vietnamese typed as the keys of an input method while none was
//! running. Telex puts the marks in letters ("Nguyeenx" for Nguyễn, "Vawn" for
//! Văn, "Hufng" for Hùng); VNI puts them in digits ("Nguye6n4", "Va8n", "Hu2ng").

use super::vietnamese::plausible_syllable;
use crate::names::letters::{compose, decompose, Letter, Quality, Tone};
use crate::names::syllable::{is_valid_syllable, parse_token, Syllable};

/// The Vietnamese syllable a token typed as Telex or VNI keys stands for, when the
/// token is not a syllable already, every reading of its keys that makes a syllable
/// makes the same one, and there is one. A token that is a syllable as typed ("Van",
/// "Long") is never a reading of keys; neither is one whose keys make no syllable
/// (Ksor, Ktla, and the other minority names built of ASCII letters).
pub fn keystrokes_decode(token: &str) -> Option<String> {
    if token.is_empty()
        || token.len() > 16
        || !token.bytes().all(|b| b.is_ascii_alphanumeric())
        || !token.as_bytes()[0].is_ascii_alphabetic()
        || is_valid_syllable(token)
    {
        return None;
    }
    let readings = if token.bytes().any(|b| b.is_ascii_digit()) { vni_readings(token) } else { telex_readings(token) };
    let (first, rest) = readings.split_first()?;
    rest.iter().all(|(s, _)| s == &first.0).then(|| first.1.clone())
}

/// A reading's letters, cased as the token was, with the syllable they make.
fn finish(token: &str, mut letters: Vec<Letter>, out: &mut Vec<(Syllable, String)>) {
    let alphabetic = || token.bytes().filter(u8::is_ascii_alphabetic);
    let all_upper = alphabetic().count() > 1 && alphabetic().all(|b| b.is_ascii_uppercase());
    let first_upper = token.as_bytes()[0].is_ascii_uppercase();
    for (i, l) in letters.iter_mut().enumerate() {
        l.upper = all_upper || (i == 0 && first_upper);
    }
    let Some(text) = letters.iter().map(|l| compose(*l)).collect::<Option<String>>() else { return };
    if !plausible_syllable(&text) {
        return;
    }
    if let Some(syllable) = parse_token(&text, &mut Vec::new()) {
        out.push((syllable, text));
    }
}

fn telex_readings(token: &str) -> Vec<(Syllable, String)> {
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
    let mut out = Vec::new();
    for at in tries {
        let mut keys = lower.clone();
        let tone = at.and_then(|i| tone_of(keys.remove(i))).unwrap_or(Tone::Level);
        if let Some(letters) = telex_letters(&keys, tone) {
            finish(token, letters, &mut out);
        }
    }
    out
}

/// VNI keys: 1–5 the tones (acute, grave, hook, tilde, dot), 6 the circumflex, 7 the
/// horn, 8 the breve, 9 the stroke of đ, each applied to the last letter before it
/// that takes it.
fn vni_readings(token: &str) -> Vec<(Syllable, String)> {
    let mut letters: Vec<Letter> = Vec::with_capacity(token.len());
    let mut tone = Tone::Level;
    for b in token.to_ascii_lowercase().bytes() {
        let applied = match b {
            b'1'..=b'5' if tone == Tone::Level && letters.iter().any(Letter::is_vowel) => {
                tone = [Tone::Acute, Tone::Grave, Tone::Hook, Tone::Tilde, Tone::Dot][(b - b'1') as usize];
                true
            }
            b'6' | b'8' => {
                let (bases, quality): (&[u8], _) =
                    if b == b'6' { (b"aeo", Quality::Circumflex) } else { (b"a", Quality::Breve) };
                match letters.iter().rposition(Letter::is_vowel).filter(|&i| bases.contains(&letters[i].base)) {
                    Some(i) if letters[i].quality == Quality::Plain => {
                        letters[i].quality = quality;
                        true
                    }
                    _ => false,
                }
            }
            b'7' => match letters.iter().rposition(Letter::is_vowel) {
                Some(i) if matches!(letters[i].base, b'o' | b'u') && letters[i].quality == Quality::Plain => {
                    letters[i].quality = Quality::Horn;
                    // uo7 is ươ, as Telex's uow.
                    if letters[i].base == b'o' && i > 0 && letters[i - 1].base == b'u' {
                        letters[i - 1].quality = Quality::Horn;
                    }
                    true
                }
                _ => false,
            },
            b'9' => match letters.iter().rposition(|l| l.base == b'd') {
                Some(i) if letters[i].quality == Quality::Plain => {
                    letters[i].quality = Quality::Stroke;
                    true
                }
                _ => false,
            },
            b'a'..=b'z' => match decompose(b as char) {
                Some(l) => {
                    letters.push(l);
                    true
                }
                None => false,
            },
            _ => false,
        };
        if !applied {
            return Vec::new();
        }
    }
    if tone != Tone::Level {
        let Some(v) = letters
            .iter()
            .rposition(|l| l.is_vowel() && l.quality != Quality::Plain)
            .or_else(|| letters.iter().rposition(Letter::is_vowel))
        else {
            return Vec::new();
        };
        letters[v].tone = tone;
    }
    let mut out = Vec::new();
    finish(token, letters, &mut out);
    out
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
        assert_eq!(keystrokes_decode("Nguyeenx").as_deref(), Some("Nguyễn"));
        assert_eq!(keystrokes_decode("Ddawngj").as_deref(), Some("Đặng"));
        assert_eq!(keystrokes_decode("Truwowngf").as_deref(), Some("Trường"));
        assert_eq!(keystrokes_decode("Truowngf").as_deref(), Some("Trường"));
        assert_eq!(keystrokes_decode("Nguyeexn").as_deref(), Some("Nguyễn"));
        assert_eq!(keystrokes_decode("HOAFNG").as_deref(), Some("HOÀNG"));
        assert_eq!(keystrokes_decode("Tuaans").as_deref(), Some("Tuấn"));
        assert_eq!(keystrokes_decode("Vawn").as_deref(), Some("Văn"));
        assert_eq!(keystrokes_decode("Hufng").as_deref(), Some("Hùng"));
        let thuy = keystrokes_decode("Thuyr").expect("Thuyr");
        assert!(thuy == "Thuỷ" || thuy == "Thủy", "{thuy}");
        for s in [
            // Syllables as typed, English-looking or not: never keys.
            "Van",
            "Long",
            "Lan",
            "Tan",
            "Nguyen",
            "Hung",
            // Not syllables, and their keys make none either.
            "Ross",
            "Chris",
            "Doris",
            // Minority names built of ASCII letters.
            "Ksor",
            "Ktla",
            "Phen",
            "Moan",
            "Kpor",
            "Rcom",
            "Adrong",
            "Bkrong",
            "Y",
            "Mlo",
            "H'Hen",
            "Niê",
            "",
            "Nguyễn",
            "xxxxxxxxxxxxxxxxxxxxxx",
        ] {
            assert_eq!(keystrokes_decode(s), None, "{s}");
        }
    }

    #[test]
    fn vni_keys() {
        assert_eq!(keystrokes_decode("Nguye6n4").as_deref(), Some("Nguyễn"));
        assert_eq!(keystrokes_decode("Nguye64n").as_deref(), Some("Nguyễn"));
        assert_eq!(keystrokes_decode("Nguye6n").as_deref(), Some("Nguyên"));
        assert_eq!(keystrokes_decode("Va8n").as_deref(), Some("Văn"));
        assert_eq!(keystrokes_decode("Hu2ng").as_deref(), Some("Hùng"));
        assert_eq!(keystrokes_decode("D9a85ng").as_deref(), Some("Đặng"));
        assert_eq!(keystrokes_decode("Truo7ng2").as_deref(), Some("Trường"));
        assert_eq!(keystrokes_decode("Tru7o7ng2").as_deref(), Some("Trường"));
        assert_eq!(keystrokes_decode("HU2NG").as_deref(), Some("HÙNG"));
        // A digit with nothing to mark, two tones, a digit first, keys that make no
        // syllable: none of these is a reading of keys.
        for s in ["Hung6", "Ha12", "1Ha", "Ksor2", "Nam0", "Li7", "Bi8"] {
            assert_eq!(keystrokes_decode(s), None, "{s}");
        }
    }

    #[test]
    fn keys_with_two_readings_are_not_read() {
        // Tone keys put in two places read alike here, so the reading stands.
        let readings = telex_readings("Nguyeexn");
        assert!(readings.len() == 1 && readings[0].1 == "Nguyễn");
        // "Sanf": s may be the onset or an acute key; only one reading is a syllable.
        assert_eq!(keystrokes_decode("Sanf").as_deref(), Some("Sàn"));
    }

    #[test]
    fn no_syllable_is_read_as_keys() {
        // Every valid syllable of one to four ASCII letters (and so most syllables of a
        // name typed without marks) is left alone, in lower, title and upper case.
        let letters = b"abcdeghiklmnopqrstuvxy";
        let mut checked = 0;
        for len in 1..=4usize {
            let mut index = vec![0usize; len];
            loop {
                let word: String = index.iter().map(|&i| letters[i] as char).collect();
                if is_valid_syllable(&word) {
                    checked += 1;
                    let title = word[..1].to_uppercase() + &word[1..];
                    for form in [word.clone(), title, word.to_uppercase()] {
                        assert_eq!(keystrokes_decode(&form), None, "{form}");
                    }
                }
                let Some(k) = index.iter().rposition(|&i| i + 1 < letters.len()) else { break };
                index[k] += 1;
                index[k + 1..].iter_mut().for_each(|i| *i = 0);
            }
        }
        assert!(checked > 300, "{checked}");
    }
}

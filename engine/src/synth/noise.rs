//! How names get written differently: forms that are the same name (tone style,
//! case, NFD, legacy encodings) and changes that are not (lost marks, typos, a
//! dropped middle name …). Each change is checked against the name layer before it
//! is recorded, so the truth file only claims what a comparison can see.

use rand::RngExt;
use rand_pcg::Pcg64Mcg;
use unicode_normalization::UnicodeNormalization;

use crate::names::legacy::{encode_tcvn3, encode_vni};
use crate::names::letters::{compose, decompose, Quality, Tone};
use crate::names::syllable::parse_token;
use crate::names::ToneStyle;
use crate::vocabulary::MatchKind;

/// A change that makes a name a different string, with the comparison it must produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentNoise {
    DiacriticsLost,
    Typo,
    MiddleMissing,
    Reordered,
    SpellingVariant,
    Mismatch,
}

impl ContentNoise {
    pub fn cause(self) -> &'static str {
        match self {
            ContentNoise::DiacriticsLost => "diacritics_lost",
            ContentNoise::Typo => "typo",
            ContentNoise::MiddleMissing => "middle_name_dropped",
            ContentNoise::Reordered => "given_name_first",
            ContentNoise::SpellingVariant => "spelling_variant",
            ContentNoise::Mismatch => "different_name",
        }
    }

    pub fn accepts(self, kind: MatchKind) -> bool {
        match self {
            ContentNoise::DiacriticsLost => kind == MatchKind::DiacriticsMissing,
            ContentNoise::Typo => kind == MatchKind::Typo,
            ContentNoise::MiddleMissing => kind == MatchKind::MiddleNameMissing,
            ContentNoise::Reordered => kind == MatchKind::Reordered,
            ContentNoise::SpellingVariant => kind == MatchKind::SpellingVariant,
            ContentNoise::Mismatch => matches!(kind, MatchKind::DifferentDiacritics | MatchKind::Different),
        }
    }
}

/// Ways of writing the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Form {
    pub style: Option<ToneStyle>,
    pub upper: bool,
    pub nfd: bool,
    pub legacy: Option<Legacy>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Legacy {
    Vni,
    Tcvn3,
}

/// Renders each token in `style` (tokens that are not Vietnamese syllables, such as
/// "Ksor" or "H'Hen", stay as written) and joins them with single spaces.
pub fn render(tokens: &[impl AsRef<str>], style: ToneStyle, out: &mut String) {
    let mut scratch = Vec::with_capacity(8);
    for (i, token) in tokens.iter().enumerate() {
        let token = token.as_ref();
        if i > 0 {
            out.push(' ');
        }
        let capitalized = token.chars().next().is_some_and(char::is_uppercase);
        match parse_token(token, &mut scratch) {
            Some(syllable) => syllable.render(style, capitalized, out),
            None => out.push_str(token),
        }
    }
}

/// Writes a name in a form: style first, then case, then encoding or NFD.
pub fn write_form(tokens: &[impl AsRef<str>], form: &Form, out: &mut String) {
    let mut text = String::with_capacity(48);
    render(tokens, form.style.unwrap_or(ToneStyle::Old), &mut text);
    if form.upper {
        text = text.to_uppercase();
    }
    match form.legacy {
        Some(Legacy::Vni) => text = encode_vni(&text),
        Some(Legacy::Tcvn3) => text = encode_tcvn3(&text),
        None if form.nfd => text = text.nfd().collect(),
        None => {}
    }
    out.push_str(&text);
}

/// Strips every mark: "Đặng Thị Thuỷ" → "Dang Thi Thuy".
pub fn strip_marks(token: &str) -> String {
    token
        .chars()
        .map(|c| match decompose(c) {
            Some(l) => {
                let base = l.base as char;
                if l.upper {
                    base.to_ascii_uppercase()
                } else {
                    base
                }
            }
            None => c,
        })
        .collect()
}

/// Keyboard neighbours of consonants, for substitution typos.
fn neighbour(c: char) -> Option<char> {
    let n = match c.to_ascii_lowercase() {
        'n' => 'm',
        'm' => 'n',
        'h' => 'g',
        'g' => 'h',
        't' => 'r',
        'r' => 't',
        'c' => 'v',
        'v' => 'c',
        'l' => 'k',
        'k' => 'l',
        's' => 'd',
        'd' => 's',
        'p' => 'o',
        'b' => 'n',
        'q' => 'w',
        'x' => 'z',
        _ => return None,
    };
    Some(if c.is_uppercase() { n.to_ascii_uppercase() } else { n })
}

/// One keyboard slip in one token: a consonant replaced, dropped or doubled, or two
/// letters swapped.
pub fn typo(tokens: &mut [String], r: &mut Pcg64Mcg) -> bool {
    if tokens.is_empty() {
        return false;
    }
    let t = r.random_range(0..tokens.len());
    let chars: Vec<char> = tokens[t].chars().collect();
    if chars.len() < 2 {
        return false;
    }
    let mut out = chars.clone();
    match r.random_range(0..4) {
        0 => {
            let spots: Vec<usize> = (0..chars.len()).filter(|&i| neighbour(chars[i]).is_some()).collect();
            let Some(&i) = spots.get(r.random_range(0..spots.len().max(1))) else { return false };
            out[i] = neighbour(chars[i]).unwrap_or(chars[i]);
        }
        1 => {
            let i = r.random_range(1..chars.len());
            out.remove(i);
        }
        2 => {
            let i = r.random_range(0..chars.len());
            if !chars[i].is_ascii_alphabetic() {
                return false;
            }
            out.insert(i, chars[i].to_ascii_lowercase());
        }
        _ => {
            let i = r.random_range(1..chars.len());
            out.swap(i - 1, i);
            if i == 1 {
                // Keep the capital at the front, as a typist would.
                let (a, b) = (out[0], out[1]);
                out[0] = a.to_uppercase().next().unwrap_or(a);
                out[1] = b.to_lowercase().next().unwrap_or(b);
            }
        }
    }
    let new: String = out.into_iter().collect();
    if new == tokens[t] {
        return false;
    }
    tokens[t] = new;
    true
}

/// Hoàng/Huỳnh and Vũ/Võ (North/South transcriptions), or y/i in a proper name
/// (Sỹ/Sĩ, Kỳ/Kì, Mỹ/Mĩ).
pub fn spelling_variant(tokens: &mut [String], r: &mut Pcg64Mcg) -> bool {
    let mut candidates = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let swapped = match t.as_str() {
            "Hoàng" => Some("Huỳnh".to_string()),
            "Huỳnh" => Some("Hoàng".to_string()),
            "Vũ" => Some("Võ".to_string()),
            "Võ" => Some("Vũ".to_string()),
            _ => y_i_swap(t),
        };
        if let Some(s) = swapped {
            candidates.push((i, s));
        }
    }
    if candidates.is_empty() {
        return false;
    }
    let (i, s) = candidates.swap_remove(r.random_range(0..candidates.len()));
    tokens[i] = s;
    true
}

/// "Sỹ" → "Sĩ", "Kì" → "Kỳ": a single-vowel syllable ending in y or i after a consonant.
fn y_i_swap(token: &str) -> Option<String> {
    let chars: Vec<char> = token.chars().collect();
    let last = *chars.last()?;
    let l = decompose(last)?;
    if chars.len() < 2 || !(l.base == b'y' || l.base == b'i') {
        return None;
    }
    // Only after a consonant: "Duy", "Quý", "Mai" end in a glide, not a lone vowel.
    if decompose(chars[chars.len() - 2])?.is_vowel() {
        return None;
    }
    let swapped = crate::names::letters::Letter { base: if l.base == b'y' { b'i' } else { b'y' }, ..l };
    let mut out: String = chars[..chars.len() - 1].iter().collect();
    out.push(compose(swapped)?);
    Some(out)
}

/// A name that is another one: a changed mark (Hùng → Hưng, Lan → Lân) or
/// another given name altogether.
pub fn different_name(tokens: &mut [String], given: usize, replacement: &str, r: &mut Pcg64Mcg) -> bool {
    if given >= tokens.len() {
        return false;
    }
    if r.random_bool(0.6) {
        let chars: Vec<char> = tokens[given].chars().collect();
        let vowels: Vec<usize> =
            (0..chars.len()).filter(|&i| decompose(chars[i]).is_some_and(|l| l.is_vowel())).collect();
        if vowels.is_empty() {
            return false;
        }
        let i = vowels[r.random_range(0..vowels.len())];
        let Some(mut l) = decompose(chars[i]) else { return false };
        if r.random_bool(0.5) {
            let tones = [Tone::Level, Tone::Grave, Tone::Hook, Tone::Tilde, Tone::Acute, Tone::Dot];
            let mut t = tones[r.random_range(0..tones.len())];
            if t == l.tone {
                t = if l.tone == Tone::Level { Tone::Acute } else { Tone::Level };
            }
            l.tone = t;
        } else {
            l.quality = match (l.base, l.quality) {
                (b'a', Quality::Plain) => Quality::Circumflex,
                (b'a', _) => Quality::Plain,
                (b'o', Quality::Plain) => Quality::Horn,
                (b'o', _) => Quality::Plain,
                (b'u', Quality::Plain) => Quality::Horn,
                (b'u', _) => Quality::Plain,
                (b'e', Quality::Plain) => Quality::Circumflex,
                (b'e', _) => Quality::Plain,
                _ => return false,
            };
        }
        let Some(c) = compose(l) else { return false };
        let mut out = chars;
        out[i] = c;
        tokens[given] = out.into_iter().collect();
    } else {
        if tokens[given] == replacement {
            return false;
        }
        tokens[given] = replacement.to_string();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::kind_and_score;

    #[test]
    fn forms_are_the_same_name() {
        let tokens = ["Nguyễn", "Thị", "Thuỷ"];
        let mut plain = String::new();
        render(&tokens, ToneStyle::New, &mut plain);
        assert_eq!(plain, "Nguyễn Thị Thuỷ");
        for form in [
            Form { style: Some(ToneStyle::Old), ..Form::default() },
            Form { upper: true, ..Form::default() },
            Form { nfd: true, ..Form::default() },
            Form { legacy: Some(Legacy::Vni), ..Form::default() },
            Form { legacy: Some(Legacy::Tcvn3), ..Form::default() },
        ] {
            let mut s = String::new();
            write_form(&tokens, &form, &mut s);
            assert!(kind_and_score(&s, &plain).0.is_same_name(), "{form:?}: {s}");
        }
        let mut old = String::new();
        render(&tokens, ToneStyle::Old, &mut old);
        assert_eq!(old, "Nguyễn Thị Thủy");
    }

    #[test]
    fn content_changes_compare_as_intended() {
        assert_eq!(strip_marks("Đặng"), "Dang");
        assert_eq!(y_i_swap("Sỹ").as_deref(), Some("Sĩ"));
        assert_eq!(y_i_swap("Quý"), None);
        assert_eq!(y_i_swap("Duy"), None);
        let base = "Nguyễn Văn Sỹ";
        assert_eq!(kind_and_score(base, "Nguyễn Văn Sĩ").0, MatchKind::SpellingVariant);
        assert_eq!(kind_and_score(base, "Nguyen Van Sy").0, MatchKind::DiacriticsMissing);
    }
}

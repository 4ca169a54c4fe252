//! Gender as records write it (Nam/Nữ, male/female, M/F, 1/0), and the short
//! coded values of the roster (status) read the same forgiving way.

use unicode_normalization::UnicodeNormalization;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gender {
    Male,
    Female,
}

/// Lowercase ASCII letters, digits and single spaces of a short value, marks
/// dropped (đ → d); None when it is too long to be a coded value.
pub fn fold_short(raw: &str, out: &mut String) -> bool {
    out.clear();
    let s = raw.trim();
    if s.len() > 96 {
        return false;
    }
    let mut space = false;
    for c in s.nfd() {
        let c = match c {
            'đ' | 'Đ' | 'ð' | 'Ð' => 'd',
            c if ('\u{0300}'..='\u{036F}').contains(&c) => continue,
            c => c,
        };
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            for l in c.to_lowercase() {
                out.push(l);
            }
        } else {
            space = true;
        }
    }
    true
}

/// Why a gender could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnreadableGender;

/// Reads one gender; `Ok(None)` for an empty value. 1 is male and 0 female, as in
/// the population database's exports.
pub fn parse_gender(raw: &str) -> Result<Option<Gender>, UnreadableGender> {
    let mut buf = String::new();
    parse_gender_with(raw, &mut buf)
}

pub fn parse_gender_with(raw: &str, buf: &mut String) -> Result<Option<Gender>, UnreadableGender> {
    // The values nearly every table uses, without folding.
    match raw.trim() {
        "Nam" | "nam" | "NAM" | "M" | "1" | "male" | "Male" => return Ok(Some(Gender::Male)),
        "Nữ" | "nữ" | "NỮ" | "F" | "0" | "female" | "Female" => return Ok(Some(Gender::Female)),
        _ => {}
    }
    if !fold_short(raw, buf) {
        return Err(UnreadableGender);
    }
    let value = buf.strip_suffix(" gioi").unwrap_or(buf);
    match value {
        // Blank is missing; a value of punctuation alone ("?", "-") is unreadable.
        "" if raw.trim().is_empty() => Ok(None),
        "nam" | "male" | "m" | "1" | "trai" | "man" => Ok(Some(Gender::Male)),
        "nu" | "female" | "f" | "0" | "gai" | "woman" => Ok(Some(Gender::Female)),
        _ => Err(UnreadableGender),
    }
}

pub fn gender_vi(g: Gender) -> &'static str {
    match g {
        Gender::Male => "Nam",
        Gender::Female => "Nữ",
    }
}

pub fn gender_en(g: Gender) -> &'static str {
    match g {
        Gender::Male => "male",
        Gender::Female => "female",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling() {
        for s in ["Nam", "NAM", " nam ", "male", "Male", "M", "m", "1", "Nam giới"] {
            assert_eq!(parse_gender(s), Ok(Some(Gender::Male)), "{s}");
        }
        for s in ["Nữ", "NỮ", "nữ", "Nu", "nư", "female", "F", "f", "0", "Nữ giới", "Nu\u{0303}"] {
            assert_eq!(parse_gender(s), Ok(Some(Gender::Female)), "{s}");
        }
        assert_eq!(parse_gender(""), Ok(None));
        assert_eq!(parse_gender("  "), Ok(None));
        assert_eq!(parse_gender("x"), Err(UnreadableGender));
        assert_eq!(parse_gender("2"), Err(UnreadableGender));
        assert_eq!(parse_gender(&"n".repeat(500)), Err(UnreadableGender));
    }

    #[test]
    fn fold() {
        let mut s = String::new();
        fold_short("  Đã  CHUYỂN-sinh hoạt ", &mut s);
        assert_eq!(s, "da chuyen sinh hoat");
    }
}

//! Splitting a raw name into tokens: whitespace of every kind, zero-width
//! characters, punctuation noise and honorifics in front.

use super::letters::Letter;
use super::syllable::{parse_token, ToneStyle};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Ends a token: whitespace, punctuation.
    Separator,
    /// Invisible inside a token: zero-width characters, a stray soft hyphen
    /// (legacy repair has already read TCVN3's soft-hyphen ư by now).
    Invisible,
    /// Any apostrophe; kept between letters only (H'Hen, K'Nơ).
    Apostrophe,
    Keep,
}

fn class(c: char) -> Class {
    match c {
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}' => Class::Invisible,
        '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | '`' | '´' | '′' => Class::Apostrophe,
        c if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) => Class::Keep,
        _ => Class::Separator,
    }
}

/// The tokens of one name, as byte ranges into a private copy of the text.
#[derive(Default)]
pub struct Tokens {
    text: String,
    /// start, end, and whether the token holds characters `get` must drop or map.
    ranges: Vec<(u32, u32, bool)>,
}

impl Tokens {
    pub fn split(&mut self, text: &str) {
        self.text.clear();
        self.text.push_str(text);
        self.ranges.clear();
        let mut start: Option<usize> = None;
        let mut dirty = false;
        for (i, c) in text.char_indices() {
            match class(c) {
                Class::Separator => {
                    self.close(start.take(), i, dirty);
                    dirty = false;
                }
                Class::Keep => {
                    start.get_or_insert(i);
                }
                Class::Invisible => dirty = true,
                Class::Apostrophe => {
                    start.get_or_insert(i);
                    dirty |= c != '\'';
                }
            }
        }
        self.close(start, text.len(), dirty);
    }

    fn close(&mut self, start: Option<usize>, end: usize, dirty: bool) {
        let Some(start) = start else { return };
        // Apostrophes at either end are quoting, not part of the name.
        let token = &self.text[start..end];
        let trimmed = token.trim_matches(|c| class(c) != Class::Keep);
        if trimmed.is_empty() {
            return;
        }
        let s = start + (token.len() - token.trim_start_matches(|c| class(c) != Class::Keep).len());
        self.ranges.push((s as u32, (s + trimmed.len()) as u32, dirty));
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Token `i`, with invisible characters dropped and apostrophes made ASCII.
    pub fn get<'a>(&'a self, i: usize, buf: &'a mut String) -> &'a str {
        let (s, e, dirty) = self.ranges[i];
        let raw = &self.text[s as usize..e as usize];
        if !dirty {
            return raw;
        }
        buf.clear();
        for c in raw.chars() {
            match class(c) {
                Class::Invisible => {}
                Class::Apostrophe => buf.push('\''),
                _ => buf.push(c),
            }
        }
        buf.as_str()
    }
}

/// Surnames an honorific can stand before. "Ông" is itself a surname (Ông Ích
/// Khiêm), so it is dropped only when a common surname follows it.
const SURNAMES: &[&str] = &[
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ", "ngô",
    "dương", "lý", "đào", "đoàn", "vương", "trịnh", "trương", "đinh", "lâm", "phùng", "mai", "tô", "hà", "tạ",
    "lương", "la", "cao", "châu", "thái", "quách", "lưu", "tăng", "kiều", "triệu", "hứa", "từ", "chu", "âu",
    "tôn", "văn", "nông", "lò", "lại", "khúc", "thân", "mạc", "diệp", "giang", "đàm", "quan", "hầu", "nghiêm",
];

fn key_of(tokens: &Tokens, i: usize, letters: &mut Vec<Letter>, out: &mut String) {
    out.clear();
    let mut buf = String::new();
    let token = tokens.get(i, &mut buf);
    match parse_token(token, letters) {
        Some(s) => s.render(ToneStyle::New, false, out),
        None => out.extend(token.chars().flat_map(char::to_lowercase)),
    }
}

/// How many leading tokens are an honorific (Ông, Bà, Anh, Chị, Đ/c, đồng chí).
pub fn honorific_prefix_len(tokens: &Tokens, letters: &mut Vec<Letter>) -> usize {
    if tokens.len() < 2 {
        return 0;
    }
    let mut first = String::new();
    let mut second = String::new();
    key_of(tokens, 0, letters, &mut first);
    key_of(tokens, 1, letters, &mut second);
    match (first.as_str(), second.as_str()) {
        ("đ", "c") | ("đồng", "chí") if tokens.len() >= 3 => 2,
        ("đc", _) => 1,
        ("ông" | "bà" | "anh" | "chị", surname) if tokens.len() >= 3 && SURNAMES.contains(&surname) => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<String> {
        let mut t = Tokens::default();
        t.split(s);
        let mut buf = String::new();
        (0..t.len()).map(|i| t.get(i, &mut buf).to_string()).collect()
    }

    #[test]
    fn whitespace_of_every_kind_separates() {
        assert_eq!(split(" Lê\u{00A0}Văn\tTám\u{3000}X "), ["Lê", "Văn", "Tám", "X"]);
    }

    #[test]
    fn invisible_characters_vanish_inside_tokens() {
        assert_eq!(split("Ng\u{200B}uyễn \u{FEFF}An"), ["Nguyễn", "An"]);
    }

    #[test]
    fn punctuation_separates_and_apostrophes_stay_between_letters() {
        assert_eq!(split("Nguyễn.Văn,An;"), ["Nguyễn", "Văn", "An"]);
        assert_eq!(split("H’Hen 'Niê'"), ["H'Hen", "Niê"]);
        assert_eq!(split("-- ' --"), Vec::<String>::new());
    }
}

//! Splitting a raw name into tokens: whitespace of every kind, zero-width
//! characters, punctuation noise and honorifics in front.

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

fn ascii_class(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => Class::Keep,
        b'\'' | b'`' => Class::Apostrophe,
        _ => Class::Separator,
    }
}

/// True for characters that end a token in the cleaned name.
pub(super) fn is_separator(c: char) -> bool {
    class(c) == Class::Separator
}

fn class(c: char) -> Class {
    if c.is_ascii_alphanumeric() || super::letters::decompose(c).is_some() {
        return Class::Keep;
    }
    match c {
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}' => Class::Invisible,
        '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | '`' | '´' | '′' => Class::Apostrophe,
        // Decomposed text's marks and the common spaces, before the slow table lookups.
        '\u{0300}'..='\u{036F}' => Class::Keep,
        '\u{00A0}' | '\u{3000}' | '\u{2000}'..='\u{200A}' => Class::Separator,
        c if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) => Class::Keep,
        _ => Class::Separator,
    }
}

/// The tokens of one name, as byte ranges into a private copy of the text.
#[derive(Default)]
pub struct Tokens {
    /// Set when the text held characters legacy encodings use as letters or marks
    /// that the clean-up would drop or split at (punctuation and symbols, the soft
    /// hyphen, ASCII apostrophes): such names need the full legacy check.
    pub suspicious: bool,
    text: String,
    /// start, end, and whether the token holds characters `get` must drop or map.
    ranges: Vec<(u32, u32, bool)>,
}

impl Tokens {
    pub fn split(&mut self, text: &str) {
        if self.split_as_typed(text) {
            let resolved = resolve_zero_width_spaces(text);
            self.split_as_typed(&resolved);
        }
    }

    /// One pass over `text`; true when it held a zero-width space.
    fn split_as_typed(&mut self, text: &str) -> bool {
        let mut zero_width_space = false;
        self.text.clear();
        self.text.push_str(text);
        self.ranges.clear();
        self.suspicious = false;
        let bytes = text.as_bytes();
        // A token runs from its first kept character to its last, so apostrophes
        // and invisible characters at either end fall away without a second scan.
        let mut first_keep: Option<usize> = None;
        let mut last_keep_end = 0;
        let mut dirty = false;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let (class, width) = if b < 0x80 {
                (ascii_class(b), 1)
            } else {
                let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
                (class(c), c.len_utf8())
            };
            match class {
                Class::Separator => {
                    self.close(first_keep.take(), last_keep_end, dirty);
                    dirty = false;
                    self.suspicious |= b != b' ' && !(b >= 0x80 && text[i..].starts_with(char::is_whitespace)) && b != b'\t';
                    // NBSP is byte 0xA0 of UTF-8 read as cp1252 ("OÃ\u{A0}n" is Oàn): after
                    // another non-ASCII character it may be mojibake, not a space.
                    self.suspicious |= i > 0 && bytes[i - 1] >= 0x80 && text[i..].starts_with('\u{A0}');
                }
                // A combining mark with no letter before it in the token has nothing
                // to sit on: noise, like a zero-width character ("\u{300}\tAn").
                Class::Keep if first_keep.is_none() && b >= 0x80 && text[i..].starts_with(unicode_normalization::char::is_combining_mark) => {}
                Class::Keep => {
                    first_keep.get_or_insert(i);
                    last_keep_end = i + width;
                }
                Class::Invisible => {
                    dirty = true;
                    self.suspicious |= text[i..].starts_with('\u{AD}');
                    zero_width_space |= text[i..].starts_with('\u{200B}');
                }
                Class::Apostrophe => {
                    dirty |= b != b'\'';
                    // After a non-ASCII letter, ´ ’ ‘ may be UTF-8 bytes B4, 92, 91 read
                    // as cp1252 ("Ã´n" is ôn), which making them ASCII would hide.
                    self.suspicious |= b < 0x80 || (i > 0 && bytes[i - 1] >= 0x80);
                }
            }
            i += width;
        }
        self.close(first_keep, last_keep_end, dirty);
        zero_width_space
    }

    fn close(&mut self, start: Option<usize>, end: usize, dirty: bool) {
        if let Some(start) = start {
            self.ranges.push((start as u32, end as u32, dirty));
        }
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Whether some token holds characters `get` drops or maps.
    pub fn any_dirty(&self) -> bool {
        self.ranges.iter().any(|&(_, _, dirty)| dirty)
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

/// A zero-width space is a word break nobody sees: "Nguyễn\u{200B}Văn" is two words
/// (the reference counts it as whitespace). Inside a word it is copy-paste debris
/// ("Ng\u{200B}uyễn"), so it stays invisible where the word without it is one syllable.
fn resolve_zero_width_spaces(text: &str) -> String {
    fn flush(word: &mut String, out: &mut String) {
        let letters: String = word.chars().filter(|&c| class(c) != Class::Invisible).collect();
        if word.contains('\u{200B}') && !super::syllable::is_valid_syllable(&letters) {
            out.extend(word.chars().map(|c| if c == '\u{200B}' { ' ' } else { c }));
        } else {
            out.push_str(word);
        }
        word.clear();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if class(c) == Class::Separator {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
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
    fn zero_width_space_separates_words_but_not_a_syllable() {
        assert_eq!(split("Nguyễn\u{200B}Văn\u{200B}Hùng"), ["Nguyễn", "Văn", "Hùng"]);
        assert_eq!(split("nguyễn\u{200B}văn \u{200B}an\u{200B}"), ["nguyễn", "văn", "an"]);
        assert_eq!(split("Ng\u{200B}uyễn Tr\u{200B}\u{200D}ần"), ["Nguyễn", "Trần"]);
        assert_eq!(split("\u{200B}"), Vec::<String>::new());
    }

    #[test]
    fn marks_without_a_letter_are_dropped() {
        assert_eq!(split("\u{300}"), Vec::<String>::new());
        assert_eq!(split("0:\u{897}"), ["0"]);
        assert_eq!(split("\u{300}\tAn"), ["An"]);
        assert_eq!(split("e\u{302}\u{303}"), ["e\u{302}\u{303}"]);
    }

    #[test]
    fn punctuation_separates_and_apostrophes_stay_between_letters() {
        assert_eq!(split("Nguyễn.Văn,An;"), ["Nguyễn", "Văn", "An"]);
        assert_eq!(split("H’Hen 'Niê'"), ["H'Hen", "Niê"]);
        assert_eq!(split("-- ' --"), Vec::<String>::new());
    }
}

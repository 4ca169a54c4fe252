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

/// `text` without the characters splitting drops (zero-width ones, the soft hyphen),
/// a zero-width space that breaks words made a space: what a reader of the name
/// sees, and what legacy text is recognised in.
pub(super) fn without_invisibles(text: &str) -> String {
    resolve_zero_width_spaces(text).chars().filter(|&c| class(c) != Class::Invisible).collect()
}

/// True for characters that end a token in the cleaned name.
pub(super) fn is_separator(c: char) -> bool {
    class(c) == Class::Separator
}

/// The characters a name reads as if they were not there: the zero-width
/// space, non-joiner, joiner and no-break space (BOM), the word joiner, the
/// Mongolian vowel separator and a stray soft hyphen. Splitting drops them
/// (a zero-width space between two words becomes a space); the verifier's
/// request rules let them through in name fields only, for this layer to drop.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}')
}

fn class(c: char) -> Class {
    if c.is_ascii_alphanumeric() || super::letters::decompose(c).is_some() {
        return Class::Keep;
    }
    match c {
        c if is_invisible(c) => Class::Invisible,
        '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | '`' | '´' | '′' => Class::Apostrophe,
        // Decomposed text's marks and the common spaces, before the slow table lookups.
        '\u{0300}'..='\u{036F}' => Class::Keep,
        '\u{00A0}' | '\u{3000}' | '\u{2000}'..='\u{200A}' => Class::Separator,
        c if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) => Class::Keep,
        _ => Class::Separator,
    }
}

/// Characters below this have their class in a table (Latin, the combining marks,
/// Vietnamese's precomposed letters, the general punctuation block).
const CLASS_TABLE_END: usize = 0x2100;

fn class_table() -> &'static [Class] {
    static TABLE: std::sync::OnceLock<Vec<Class>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0..CLASS_TABLE_END as u32).map(|cp| char::from_u32(cp).map_or(Class::Separator, class)).collect()
    })
}

/// The character starting at byte `i` of valid UTF-8, and its width.
#[inline]
fn decode_at(bytes: &[u8], i: usize) -> (char, usize) {
    let lead = bytes[i] as u32;
    let cont = |k: usize| bytes.get(i + k).map_or(0, |&b| b as u32 & 0x3F);
    let (cp, width) = if lead < 0xE0 {
        (((lead & 0x1F) << 6) | cont(1), 2)
    } else if lead < 0xF0 {
        (((lead & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3)
    } else {
        (((lead & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3), 4)
    };
    (char::from_u32(cp).unwrap_or('\u{FFFD}'), width)
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

    /// One pass over `text`; true when it held a zero-width space. ASCII letters,
    /// most of any name, take a two-comparison path; other characters are decoded
    /// here from the (valid) UTF-8 and classed by one table lookup.
    fn split_as_typed(&mut self, text: &str) -> bool {
        const NONE: usize = usize::MAX;
        let table = class_table();
        let mut zero_width_space = false;
        self.text.clear();
        self.text.push_str(text);
        self.ranges.clear();
        self.suspicious = false;
        let bytes = text.as_bytes();
        // A token runs from its first kept character to its last, so apostrophes
        // and invisible characters at either end fall away without a second scan.
        let mut first_keep = NONE;
        let mut last_keep_end = 0;
        let mut dirty = false;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_alphanumeric() {
                if first_keep == NONE {
                    first_keep = i;
                }
                i += 1;
                last_keep_end = i;
                continue;
            }
            let (c, width) = if b < 0x80 { (b as char, 1) } else { decode_at(bytes, i) };
            let class =
                if b < 0x80 { ascii_class(b) } else { table.get(c as usize).copied().unwrap_or_else(|| class(c)) };
            match class {
                Class::Separator => {
                    self.close((first_keep != NONE).then_some(first_keep), last_keep_end, dirty);
                    first_keep = NONE;
                    dirty = false;
                    self.suspicious |= b != b' ' && !(b >= 0x80 && c.is_whitespace()) && b != b'\t';
                    // NBSP is byte 0xA0 of UTF-8 read as cp1252 ("OÃ\u{A0}n" is Oàn): after
                    // another non-ASCII character it may be mojibake, not a space.
                    self.suspicious |= i > 0 && bytes[i - 1] >= 0x80 && c == '\u{A0}';
                }
                // A combining mark with no letter before it in the token has nothing
                // to sit on: noise, like a zero-width character ("\u{300}\tAn").
                Class::Keep if first_keep == NONE && b >= 0x80 && unicode_normalization::char::is_combining_mark(c) => {
                }
                Class::Keep => {
                    if first_keep == NONE {
                        first_keep = i;
                    }
                    last_keep_end = i + width;
                }
                Class::Invisible => {
                    dirty = true;
                    self.suspicious |= c == '\u{AD}';
                    zero_width_space |= c == '\u{200B}';
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
        self.close((first_keep != NONE).then_some(first_keep), last_keep_end, dirty);
        zero_width_space
    }

    /// The straightforward form of `split_as_typed`, kept to hold the fast one to.
    #[cfg(test)]
    fn split_as_typed_reference(&mut self, text: &str) -> bool {
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
                    self.suspicious |=
                        b != b' ' && !(b >= 0x80 && text[i..].starts_with(char::is_whitespace)) && b != b'\t';
                    // NBSP is byte 0xA0 of UTF-8 read as cp1252 ("OÃ\u{A0}n" is Oàn): after
                    // another non-ASCII character it may be mojibake, not a space.
                    self.suspicious |= i > 0 && bytes[i - 1] >= 0x80 && text[i..].starts_with('\u{A0}');
                }
                // A combining mark with no letter before it in the token has nothing
                // to sit on: noise, like a zero-width character ("\u{300}\tAn").
                Class::Keep
                    if first_keep.is_none()
                        && b >= 0x80
                        && text[i..].starts_with(unicode_normalization::char::is_combining_mark) => {}
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
    fn the_fast_split_is_the_reference_split() {
        // Every character class, every UTF-8 width, and random mixes of them.
        let alphabet: Vec<char> = "aZ9 \t\n.,;-'`’‘ʼ´\u{A0}\u{AD}\u{200B}\u{200D}\u{FEFF}\u{3000}\u{2003}\u{300}\u{301}\u{323}\u{897}ÃÂàáảãạăằẳẵắặâêôơưđĐÐ€™ŠĂĹ中ß\u{1F600}\u{E0001}\u{10FFFF}"
            .chars()
            .collect();
        let mut seed = 99u64;
        let mut next = |m: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % m
        };
        let (mut fast, mut reference) = (Tokens::default(), Tokens::default());
        for round in 0..50_000 {
            let text: String = if round < 0x3000 {
                // Each character on its own and between letters, up past the table.
                let c = char::from_u32(round as u32 * 7).unwrap_or('x');
                format!("{c}a{c} b{c}")
            } else {
                (0..next(24)).map(|_| alphabet[next(alphabet.len())]).collect()
            };
            let zw = (fast.split_as_typed(&text), reference.split_as_typed_reference(&text));
            assert_eq!(zw.0, zw.1, "{text:?}");
            assert_eq!(fast.ranges, reference.ranges, "{text:?}");
            assert_eq!(fast.suspicious, reference.suspicious, "{text:?}");
        }
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

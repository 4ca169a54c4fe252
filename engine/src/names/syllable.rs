//! The Vietnamese syllable: onset, nucleus (one to three vowels), coda and one tone.
//!
//! Parsing a token into these parts is what makes tone placement canonical ("Thủy"
//! and "Thuỷ", "Qúy" and "Quý" rebuild to the same letters) and what tells a real
//! syllable from a mis-decoded one when legacy encodings are repaired.

use super::letters::{compose, letters_of, Letter, Quality, Tone};

/// Where the tone of an open syllable ending in oa, oe or uy goes. Both styles are
/// in official use; the only place they differ is these three rhymes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToneStyle {
    /// hoà, khoẻ, thuỷ: the rule of Quyết định 1989/QĐ-BGDĐT (2018). doichieu's display form.
    New,
    /// hòa, khỏe, thủy: the older, still common placement.
    Old,
}

/// The longest valid syllable ("nghiêng", "khuếch") has 7 letters.
pub const MAX_SYLLABLE_LETTERS: usize = 8;

#[derive(Clone, Copy, Debug)]
pub struct Syllable {
    /// Lowercase, toneless letters: onset, then nucleus, then coda.
    letters: [Letter; MAX_SYLLABLE_LETTERS],
    /// The letters' codes (see `code_of`) packed one per byte, then the tone: two
    /// syllables are the same exactly when these agree, in one comparison.
    identity: u64,
    tone_code: u8,
    len: u8,
    onset_len: u8,
    nucleus_len: u8,
    pub tone: Tone,
}

impl PartialEq for Syllable {
    fn eq(&self, other: &Self) -> bool {
        self.identity == other.identity && self.tone_code == other.tone_code
    }
}

impl Eq for Syllable {}

impl std::hash::Hash for Syllable {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.identity.hash(state);
        self.tone_code.hash(state);
    }
}

/// One byte per toneless letter so rhymes match as short byte strings:
/// a ă â e ê i o ô ơ u ư y đ → a W A e E i o O P u U y D; consonants as themselves.
fn code_of(l: &Letter) -> u8 {
    match (l.base, l.quality) {
        (b'a', Quality::Breve) => b'W',
        (b'a', Quality::Circumflex) => b'A',
        (b'e', Quality::Circumflex) => b'E',
        (b'o', Quality::Circumflex) => b'O',
        (b'o', Quality::Horn) => b'P',
        (b'u', Quality::Horn) => b'U',
        (b'd', Quality::Stroke) => b'D',
        (base, Quality::Plain) => base,
        _ => b'?', // a mark Vietnamese never puts on that letter
    }
}

/// What may follow a nucleus. Written as byte codes (see `code_of`) so lookups
/// compile to a few comparisons; the test `tables_match_the_readable_lists` checks
/// them against the same lists written in Vietnamese.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum NucleusClass {
    /// Stands with or without a coda.
    Free,
    /// Needs a coda (ă, â, iê, uô, ươ …).
    ClosedOnly,
    /// Takes no coda: ia, ua, ưa and every rhyme ending in a glide.
    OpenOnly,
}

fn nucleus_class(nucleus: &[u8]) -> Option<NucleusClass> {
    Some(match nucleus {
        b"a" | b"e" | b"E" | b"i" | b"o" | b"O" | b"P" | b"u" | b"U" | b"y" | b"oa" | b"oe" | b"uE" | b"uy" => {
            NucleusClass::Free
        }
        b"W" | b"A" | b"iE" | b"yE" | b"uO" | b"UP" | b"uA" | b"oW" | b"uyE" | b"oo" => NucleusClass::ClosedOnly,
        b"ia" | b"ua" | b"Ua" | b"uya" | b"ai" | b"ao" | b"au" | b"ay" | b"Au" | b"Ay" | b"eo" | b"Eu" | b"iu"
        | b"oi" | b"Oi" | b"Pi" | b"ui" | b"Ui" | b"Uu" | b"iEu" | b"yEu" | b"oai" | b"oay" | b"oao" | b"oeo"
        | b"uAy" | b"uOi" | b"UPi" | b"UPu" | b"uyu" | b"uP" => NucleusClass::OpenOnly,
        _ => return None,
    })
}

fn is_onset(onset: &[u8]) -> bool {
    matches!(
        onset,
        b"" | b"b"
            | b"c"
            | b"ch"
            | b"d"
            | b"D"
            | b"g"
            | b"gh"
            | b"gi"
            | b"h"
            | b"k"
            | b"kh"
            | b"l"
            | b"m"
            | b"n"
            | b"ng"
            | b"ngh"
            | b"nh"
            | b"p"
            | b"ph"
            | b"qu"
            | b"r"
            | b"s"
            | b"t"
            | b"th"
            | b"tr"
            | b"v"
            | b"x"
    )
}

/// The only nuclei before -ch and -nh.
fn precedes_palatal(nucleus: &[u8]) -> bool {
    matches!(nucleus, b"a" | b"E" | b"i" | b"y" | b"oa" | b"uE" | b"uy")
}

fn is_vowel_code(c: u8) -> bool {
    matches!(c, b'a' | b'W' | b'A' | b'e' | b'E' | b'i' | b'o' | b'O' | b'P' | b'u' | b'U' | b'y')
}

fn is_front(c: u8) -> bool {
    matches!(c, b'i' | b'e' | b'E' | b'y')
}

impl Syllable {
    /// Parses letters (any tone position, any case) into a syllable, or None when
    /// they do not form one Vietnamese syllable.
    pub fn parse(input: &[Letter]) -> Option<Syllable> {
        if input.is_empty() || input.len() > MAX_SYLLABLE_LETTERS {
            return None;
        }
        let mut tone = Tone::Level;
        let mut letters =
            [Letter { base: b'a', quality: Quality::Plain, tone: Tone::Level, upper: false }; MAX_SYLLABLE_LETTERS];
        let mut codes = [0u8; MAX_SYLLABLE_LETTERS];
        for (i, l) in input.iter().enumerate() {
            if l.tone != Tone::Level {
                if tone != Tone::Level {
                    return None; // two tones in one syllable
                }
                tone = l.tone;
            }
            letters[i] = l.toneless();
            codes[i] = code_of(&letters[i]);
            if codes[i] == b'?' {
                return None;
            }
        }
        let n = input.len();
        let codes = &codes[..n];

        let mut onset_len = codes.iter().take_while(|c| !is_vowel_code(**c)).count();
        // "qu" and "gi" are consonants: the u/i belongs to the onset, so Quý's tone
        // goes on y and Giáp's on a.
        let qu = codes[..onset_len] == *b"q" && codes.get(1) == Some(&b'u');
        let gi = codes[..onset_len] == *b"g"
            && codes.get(1) == Some(&b'i')
            && codes.get(2).is_some_and(|c| is_vowel_code(*c));
        if qu || gi {
            onset_len = 2;
        }
        let nucleus_len = codes[onset_len..].iter().take_while(|c| is_vowel_code(**c)).count();
        if nucleus_len == 0 || nucleus_len > 3 {
            return None;
        }
        let onset = &codes[..onset_len];
        let nucleus = &codes[onset_len..onset_len + nucleus_len];
        let coda = &codes[onset_len + nucleus_len..];

        if !is_onset(onset) {
            return None;
        }
        let coda_ok = matches!(coda, b"" | b"c" | b"ch" | b"m" | b"n" | b"ng" | b"nh" | b"p" | b"t");
        if !coda_ok {
            return None;
        }
        let nucleus_ok = match nucleus_class(nucleus)? {
            NucleusClass::Free => true,
            NucleusClass::ClosedOnly => !coda.is_empty(),
            NucleusClass::OpenOnly => coda.is_empty(),
        };
        if !nucleus_ok {
            return None;
        }
        if matches!(coda, b"ch" | b"nh") && !precedes_palatal(nucleus) {
            return None;
        }
        // After a lone i, y or ê the velar codas are written nh, ch (Minh, Lịch, Bênh):
        // "ing", "êc" are no Vietnamese rhymes, and VNI "Khæng" (Khỉng) is TCVN3 Khổng.
        // After gi the ê is the iê of giếng, giếc.
        if matches!(coda, b"c" | b"ng") && matches!(nucleus, [b'i'] | [b'y'] | [b'E']) && onset != b"gi" {
            return None;
        }
        // A lone ơ closes only with m, n, p, t (ơm, ơn, ớp, ớt): "ơng", "ơc" are no
        // rhymes, so VNI "Rông" (Rơng) is not read where Unicode Rông is valid.
        if nucleus == b"P" && matches!(coda, b"c" | b"ng") {
            return None;
        }
        // oo is only the loan rhymes oong, ooc (xoong, moóc): TCVN3 "Oãn" is no Oón.
        if nucleus == b"oo" && !matches!(coda, b"c" | b"ng") {
            return None;
        }
        // Stops take only the rising or the heavy tone.
        if matches!(coda, b"c" | b"ch" | b"p" | b"t") && !matches!(tone, Tone::Acute | Tone::Dot) {
            return None;
        }
        // Spelling rules of the onset (k/c, gh/g, ngh/ng) reject most mis-decodings.
        let first = nucleus[0];
        let spelling_ok = match onset {
            b"k" => is_front(first),
            b"c" | b"ng" => !is_front(first),
            b"g" => !(matches!(first, b'e' | b'E') || first == b'i' && nucleus_len > 1),
            b"gh" | b"ngh" => matches!(first, b'i' | b'e' | b'E'),
            // gi's own i is the vowel before another consonant (gì, gìn, gỉ): "giỉ"
            // is never written, and VNI "Giæ" (Giỉ) is TCVN3 Giổ.
            b"gi" => !matches!(first, b'i' | b'y'),
            _ => true,
        };
        if !spelling_ok {
            return None;
        }
        let identity = codes.iter().fold(0u64, |acc, c| acc << 8 | u64::from(*c));
        Some(Syllable {
            letters,
            identity,
            tone_code: tone as u8,
            len: n as u8,
            onset_len: onset_len as u8,
            nucleus_len: nucleus_len as u8,
            tone,
        })
    }

    pub fn letters(&self) -> &[Letter] {
        &self.letters[..self.len as usize]
    }

    fn nucleus_codes(&self) -> ([u8; 3], usize) {
        let mut out = [0u8; 3];
        let start = self.onset_len as usize;
        for i in 0..self.nucleus_len as usize {
            out[i] = code_of(&self.letters[start + i]);
        }
        (out, self.nucleus_len as usize)
    }

    fn has_coda(&self) -> bool {
        self.len > self.onset_len + self.nucleus_len
    }

    /// Index (within the nucleus) of the vowel that carries the tone.
    fn tone_index(&self, style: ToneStyle) -> usize {
        let (codes, n) = self.nucleus_codes();
        let nucleus = &codes[..n];
        if let Some(i) = nucleus.iter().rposition(|c| matches!(c, b'W' | b'A' | b'E' | b'O' | b'P' | b'U')) {
            return i;
        }
        if n == 1 {
            return 0;
        }
        if self.has_coda() {
            return n - 1;
        }
        match nucleus {
            b"oa" | b"oe" | b"uy" => match style {
                ToneStyle::New => 1,
                ToneStyle::Old => 0,
            },
            b"uya" => 1,
            b"ia" | b"ua" => 0,
            // Ending in a glide (ai, ao, oai, uyu …): the vowel before it.
            _ => n - 2,
        }
    }

    /// Writes the syllable with its tone on the vowel the rules give it.
    pub fn render(&self, style: ToneStyle, capitalize: bool, out: &mut String) {
        let tone_at = self.onset_len as usize + self.tone_index(style);
        for (i, l) in self.letters().iter().enumerate() {
            let mut l = *l;
            if i == tone_at {
                l.tone = self.tone;
            }
            l.upper = capitalize && i == 0;
            // Parse rejected every letter compose cannot build.
            out.push(compose(l).expect("parsed syllables hold only composable letters"));
        }
    }

    /// The base letters (no marks, đ as d) packed one per byte: equal exactly when
    /// the folds are equal.
    pub fn fold_identity(&self) -> u64 {
        self.letters().iter().fold(0u64, |acc, l| acc << 8 | u64::from(l.base))
    }

    /// Letters without any mark, đ as d: the diacritic-free fold.
    pub fn fold_into(&self, out: &mut String) {
        // Bases are ASCII letters by construction: each is one byte pushed, with no
        // UTF-8 check of a buffer (which was a fortieth of a comparison).
        out.reserve(self.len as usize);
        for l in self.letters() {
            out.push(char::from(l.base));
        }
    }

    /// True when this syllable's single vowel is i or y and `other` is the same
    /// syllable with the other one (Mỹ/Mĩ, Kỳ/Kì, Vy/Vi): a spelling variant.
    pub fn is_y_i_variant_of(&self, other: &Syllable) -> bool {
        if self.len != other.len || self.nucleus_len != 1 || other.nucleus_len != 1 || self.tone != other.tone {
            return false;
        }
        let at = self.onset_len as usize;
        if at != other.onset_len as usize {
            return false;
        }
        let (a, b) = (self.letters[at].base, other.letters[at].base);
        let swapped = (a == b'y' && b == b'i') || (a == b'i' && b == b'y');
        swapped && self.letters().iter().zip(other.letters()).enumerate().all(|(i, (x, y))| i == at || x == y)
    }
}

/// True when `token` (any case, NFC or NFD, any tone position) is one valid
/// Vietnamese syllable. The legacy-encoding decoders accept a decoding only when
/// every syllable it yields passes this.
pub fn is_valid_syllable(token: &str) -> bool {
    let mut letters = Vec::with_capacity(8);
    letters_of(token, &mut letters) && Syllable::parse(&letters).is_some()
}

/// Parses one token, reusing `scratch` for its letters.
pub fn parse_token(token: &str, scratch: &mut Vec<Letter>) -> Option<Syllable> {
    if letters_of(token, scratch) {
        Syllable::parse(scratch)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str, style: ToneStyle) -> String {
        let mut scratch = Vec::new();
        let syl = parse_token(s, &mut scratch).unwrap_or_else(|| panic!("not a syllable: {s}"));
        let mut out = String::new();
        syl.render(style, false, &mut out);
        out
    }

    #[test]
    fn quality_vowel_carries_the_tone() {
        for s in ["huệ", "nguyễn", "việt", "dương", "thuyết", "lưu", "người", "khuyến"] {
            assert_eq!(canon(s, ToneStyle::New), s);
        }
        assert_eq!(canon("trừơng", ToneStyle::New), "trường");
        assert_eq!(canon("nguỹên", ToneStyle::New), "nguyễn");
    }

    #[test]
    fn open_ia_ua_ua_take_the_first_vowel() {
        for s in ["nghĩa", "lụa", "lửa", "mùa", "của"] {
            assert_eq!(canon(s, ToneStyle::New), s);
        }
        assert_eq!(canon("nghiã", ToneStyle::New), "nghĩa");
    }

    #[test]
    fn closed_syllables_take_the_main_vowel_in_every_style() {
        for style in [ToneStyle::New, ToneStyle::Old] {
            for s in ["hoàng", "toàn", "tuấn", "quyết", "huỳnh", "khoái", "hoàn"] {
                assert_eq!(canon(s, style), s);
            }
        }
        // Naive oà→òa replacement corrupts closed syllables; rebuilding does not.
        assert_eq!(canon("hòan", ToneStyle::Old), "hoàn");
    }

    #[test]
    fn qu_and_gi_are_onsets() {
        assert_eq!(canon("qúy", ToneStyle::New), "quý");
        assert_eq!(canon("qùynh", ToneStyle::New), "quỳnh");
        assert_eq!(canon("qủang", ToneStyle::New), "quảng");
        assert_eq!(canon("gíap", ToneStyle::New), "giáp");
        assert_eq!(canon("gìn", ToneStyle::New), "gìn");
    }

    #[test]
    fn the_one_style_difference() {
        for (new, old) in [("hoà", "hòa"), ("khoẻ", "khỏe"), ("thuỷ", "thủy"), ("tuỳ", "tùy")] {
            assert_eq!(canon(old, ToneStyle::New), new);
            assert_eq!(canon(new, ToneStyle::Old), old);
        }
    }

    #[test]
    fn misplaced_tones_are_the_same_syllable() {
        assert_eq!(canon("hùynh", ToneStyle::New), "huỳnh");
        assert_eq!(canon("tóan", ToneStyle::New), "toán");
    }

    #[test]
    fn validator_accepts_names_and_rejects_garbage() {
        for s in [
            "nguyễn", "nghiêng", "khuếch", "y", "ông", "gì", "gỉ", "gìn", "quốc", "xoong", "khuỷu", "giếng", "giữ",
            "Đặng",
        ] {
            assert!(is_valid_syllable(s), "{s}");
        }
        for s in [
            "ksor", "niê", "hoaf", "kan", "gha", "ngi", "xyz", "cáp2", "ất2", "bát1", "tàc", "ăn1", "qa", "ăng'",
            "khỉng", "lịc", "bêng", "giỉ", "giíp", "giy", "rơng", "lớc", "oón", "toót",
        ] {
            assert!(!is_valid_syllable(s), "{s}");
        }
        // Stops take only the acute or dot tone.
        assert!(!is_valid_syllable("hàt"));
        assert!(is_valid_syllable("hạt"));
    }

    fn codes(s: &str) -> Vec<u8> {
        let mut letters = Vec::new();
        assert!(letters_of(s, &mut letters), "{s}");
        letters.iter().map(code_of).collect()
    }

    #[test]
    fn tables_match_the_readable_lists() {
        for onset in [
            "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p", "ph",
            "qu", "r", "s", "t", "th", "tr", "v", "x",
        ] {
            assert!(onset.is_empty() || is_onset(&codes(onset)), "{onset}");
        }
        let classes = [
            (NucleusClass::Free, "a e ê i o ô ơ u ư y oa oe uê uy"),
            (NucleusClass::ClosedOnly, "ă â iê yê uô ươ uâ oă uyê oo"),
            (NucleusClass::OpenOnly, "ia ua ưa uya ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu iêu yêu oai oay oao oeo uây uôi ươi ươu uyu uơ"),
        ];
        for (class, list) in classes {
            for nucleus in list.split(' ') {
                assert_eq!(nucleus_class(&codes(nucleus)), Some(class), "{nucleus}");
            }
        }
        for nucleus in "a ê i y oa uê uy".split(' ') {
            assert!(precedes_palatal(&codes(nucleus)), "{nucleus}");
        }
    }

    #[test]
    fn y_i_variants() {
        let mut s = Vec::new();
        let my = parse_token("mỹ", &mut s).unwrap();
        let mi = parse_token("mĩ", &mut s).unwrap();
        let mu = parse_token("mũ", &mut s).unwrap();
        assert!(my.is_y_i_variant_of(&mi));
        assert!(!my.is_y_i_variant_of(&mu));
    }
}

//! The Vietnamese syllable: onset, nucleus (one to three vowels), coda and one tone.
//!
//! Parsing a token into these parts is what makes tone placement canonical ("Thủy"
//! and "Thuỷ", "Qúy" and "Quý" rebuild to the same letters) and what tells a real
//! syllable from a mis-decoded one when legacy encodings are repaired.

use std::collections::HashSet;
use std::sync::OnceLock;

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Syllable {
    /// Lowercase, toneless letters: onset, then nucleus, then coda.
    letters: [Letter; MAX_SYLLABLE_LETTERS],
    len: u8,
    onset_len: u8,
    nucleus_len: u8,
    pub tone: Tone,
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

fn codes_of_text(s: &str) -> Vec<u8> {
    let mut letters = Vec::new();
    assert!(letters_of(s, &mut letters), "bad table entry {s}");
    letters.iter().map(code_of).collect()
}

struct Phonotactics {
    onsets: HashSet<Vec<u8>>,
    /// Nuclei that stand with or without a coda.
    free: HashSet<Vec<u8>>,
    /// Nuclei that need a coda (ă, â, iê, uô, ươ …).
    closed_only: HashSet<Vec<u8>>,
    /// Nuclei that take no coda: ia, ua, ưa and every rhyme ending in a glide.
    open_only: HashSet<Vec<u8>>,
    /// The only nuclei before -ch and -nh.
    before_palatal: HashSet<Vec<u8>>,
}

fn phonotactics() -> &'static Phonotactics {
    static P: OnceLock<Phonotactics> = OnceLock::new();
    P.get_or_init(|| {
        let set = |items: &[&str]| items.iter().map(|s| codes_of_text(s)).collect::<HashSet<_>>();
        let mut onsets = set(&[
            "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p",
            "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
        ]);
        onsets.insert(Vec::new());
        Phonotactics {
            onsets,
            free: set(&["a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uy"]),
            closed_only: set(&["ă", "â", "iê", "yê", "uô", "ươ", "uâ", "oă", "uyê", "oo"]),
            open_only: set(&[
                "ia", "ua", "ưa", "uya", "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "iu", "oi", "ôi", "ơi",
                "ui", "ưi", "ưu", "iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu", "uyu",
                "uơ",
            ]),
            before_palatal: set(&["a", "ê", "i", "y", "oa", "uê", "uy"]),
        }
    })
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
        let mut letters = [Letter { base: b'a', quality: Quality::Plain, tone: Tone::Level, upper: false };
            MAX_SYLLABLE_LETTERS];
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
        if codes[..onset_len] == *b"q" && codes.get(1) == Some(&b'u') {
            onset_len = 2;
        } else if codes[..onset_len] == *b"g" && codes.get(1) == Some(&b'i') && codes.get(2).is_some_and(|c| is_vowel_code(*c)) {
            onset_len = 2;
        }
        let nucleus_len = codes[onset_len..].iter().take_while(|c| is_vowel_code(**c)).count();
        if nucleus_len == 0 || nucleus_len > 3 {
            return None;
        }
        let onset = &codes[..onset_len];
        let nucleus = &codes[onset_len..onset_len + nucleus_len];
        let coda = &codes[onset_len + nucleus_len..];

        let p = phonotactics();
        if !p.onsets.contains(onset) {
            return None;
        }
        let coda_ok = matches!(coda, b"" | b"c" | b"ch" | b"m" | b"n" | b"ng" | b"nh" | b"p" | b"t");
        if !coda_ok {
            return None;
        }
        let nucleus_ok = if coda.is_empty() {
            p.free.contains(nucleus) || p.open_only.contains(nucleus)
        } else {
            p.free.contains(nucleus) || p.closed_only.contains(nucleus)
        };
        if !nucleus_ok {
            return None;
        }
        if matches!(coda, b"ch" | b"nh") && !p.before_palatal.contains(nucleus) {
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
            b"g" => !matches!(first, b'e' | b'E') && !(first == b'i' && nucleus_len > 1),
            b"gh" | b"ngh" => matches!(first, b'i' | b'e' | b'E'),
            _ => true,
        };
        if !spelling_ok {
            return None;
        }
        Some(Syllable {
            letters,
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

    /// Letters without any mark, đ as d: the diacritic-free fold.
    pub fn fold_into(&self, out: &mut String) {
        out.extend(self.letters().iter().map(|l| l.base as char));
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
        swapped
            && self.letters().iter().zip(other.letters()).enumerate().all(|(i, (x, y))| i == at || x == y)
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
        for s in ["nguyễn", "nghiêng", "khuếch", "y", "ông", "gì", "quốc", "xoong", "khuỷu", "giếng", "Đặng"] {
            assert!(is_valid_syllable(s), "{s}");
        }
        for s in ["ksor", "niê", "hoaf", "kan", "gha", "ngi", "xyz", "cáp2", "ất2", "bát1", "tàc", "ăn1", "qa", "ăng'"] {
            assert!(!is_valid_syllable(s), "{s}");
        }
        // Stops take only the acute or dot tone.
        assert!(!is_valid_syllable("hàt"));
        assert!(is_valid_syllable("hạt"));
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

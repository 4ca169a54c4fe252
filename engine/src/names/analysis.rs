//! One name taken apart once: its tokens, each parsed as a syllable where it is
//! one. Every form (display, key, fold) and every comparison reads from this, so
//! there is one parse per name and no string is built unless a caller asks for it.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use unicode_normalization::UnicodeNormalization;

use super::legacy;
use super::letters::{decompose, read_letters, Letter};
use super::syllable::{Syllable, ToneStyle, MAX_SYLLABLE_LETTERS};
use super::tokens::Tokens;

#[derive(Clone, Copy, Debug)]
pub struct TokenInfo {
    /// The canonical syllable, or None for tokens that are not one (Ksor, H'Hen, A1).
    pub syllable: Option<Syllable>,
    /// The letters as typed (lowercase, tone where it was written): the spelling.
    typed: [Letter; MAX_SYLLABLE_LETTERS],
    typed_len: u8,
    out_of_order_marks: bool,
    /// For tokens that are not syllables: their NFC lowercase text in `NameAnalysis::foreign`.
    foreign: (u32, u32),
}

#[derive(Default, Debug)]
pub struct NameAnalysis {
    pub tokens: Vec<TokenInfo>,
    foreign: String,
    /// Set when legacy-encoding repair rewrote the input: the spelling as typed is
    /// then the raw text's, kept here for relation 1.
    raw_spelling: Option<String>,
}

const BLANK: Letter =
    Letter { base: b'a', quality: super::letters::Quality::Plain, tone: super::letters::Tone::Level, upper: false };

/// Buffers reused from name to name, and the syllables already parsed: a
/// province's names are built from a few thousand distinct syllables, so after
/// the first names nearly every token is a lookup instead of a parse.
#[derive(Default)]
pub struct Scratch {
    pub(super) tokens: Tokens,
    pub(super) token_buf: String,
    pub(super) letters: Vec<Letter>,
    /// With each syllable, whether the token alone is free of legacy signatures.
    parsed: FxHashMap<Box<str>, (TokenInfo, bool)>,
}

/// Bounds the per-thread cache; hostile input of endless distinct tokens resets it.
const MAX_CACHED_TOKENS: usize = 1 << 16;

impl NameAnalysis {
    /// Repairs legacy encodings, splits, parses each token and drops honorifics.
    ///
    /// Text with legacy signatures is settled: re-analysed from its own display form
    /// until that form no longer looks legacy-encoded, so normalising twice changes
    /// nothing (a token can become decodable only once the clean-up has split or
    /// re-cased it).
    pub fn analyse(&mut self, raw: &str, scratch: &mut Scratch) {
        if self.analyse_known_clean(raw, scratch) {
            return;
        }
        // Clean-up can uncover legacy text that noise around it hid ("§\u{300}Æng":
        // the stray mark goes, "Æng" is TCVN3; "A\u{200D}`i": the invisible goes and
        // "A'I" is VIQR Ái): the loop below reads the display again, so that the
        // display never reads as another name.
        if legacy::has_signature(raw) {
            self.analyse_once(raw, legacy::repair_flagged(raw), scratch);
        } else {
            self.analyse_once(raw, None, scratch);
            if !(scratch.tokens.suspicious || scratch.tokens.any_dirty()) {
                return;
            }
            // An invisible character can hide legacy text from the signature scan:
            // "A\u{200D}`i" is VIQR Ài.
            let visible = super::tokens::without_invisibles(raw);
            if visible.len() != raw.len() && legacy::has_signature(&visible) {
                self.analyse_once(&visible, legacy::repair_flagged(&visible), scratch);
            }
        }
        let original_spelling = self.raw_spelling.clone();
        let mut display = self.display_string();
        let mut settled = false;
        for _ in 0..4 {
            if !legacy::has_signature(&display) {
                break;
            }
            self.analyse_once(&display, legacy::repair_flagged(&display), scratch);
            settled = true;
            let next = self.display_string();
            if next == display {
                break;
            }
            display = next;
        }
        if settled {
            self.raw_spelling = Some(match original_spelling {
                Some(s) => s,
                None => {
                    let mut plain = NameAnalysis::default();
                    plain.analyse_unrepaired(raw, scratch);
                    let mut s = String::new();
                    plain.write_spelling(&mut s);
                    s
                }
            });
        }
    }

    /// The common name, from the cache alone: every token a syllable already seen and
    /// free of legacy signatures, nothing between them that legacy text uses, and not
    /// the one pattern the signature scan judges on the whole name (capitals with
    /// lowercase non-ASCII letters: TCVN3's toned capitals). Answers exactly what the
    /// full path would, without scanning the name for signatures again.
    fn analyse_known_clean(&mut self, raw: &str, scratch: &mut Scratch) -> bool {
        if legacy::capitals_with_small_codes(raw) {
            return false;
        }
        scratch.tokens.split(raw);
        if scratch.tokens.suspicious || scratch.tokens.any_dirty() {
            return false;
        }
        self.tokens.clear();
        self.foreign.clear();
        self.raw_spelling = None;
        for i in 0..scratch.tokens.len() {
            let token = scratch.tokens.get(i, &mut scratch.token_buf);
            match scratch.parsed.get(token) {
                Some((info, true)) => self.tokens.push(*info),
                _ => return false,
            }
        }
        let skip = self.honorific_prefix_len();
        if skip > 0 {
            self.tokens.drain(..skip);
        }
        true
    }

    fn display_string(&self) -> String {
        let mut out = String::new();
        for (i, t) in self.tokens.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            self.write_display_token(t, &mut out);
        }
        out
    }

    /// One pass over `raw`, with its legacy repair already worked out by the caller.
    fn analyse_once(&mut self, raw: &str, repaired: Option<legacy::Repaired>, scratch: &mut Scratch) {
        self.tokens.clear();
        self.foreign.clear();
        self.raw_spelling = None;
        let text = repaired.as_ref().map_or(raw, |r| r.text.as_str());
        scratch.tokens.split(text);
        for i in 0..scratch.tokens.len() {
            let token = scratch.tokens.get(i, &mut scratch.token_buf);
            if let Some((info, _)) = scratch.parsed.get(token) {
                self.tokens.push(*info);
                continue;
            }
            let info = self.read_token(token, &mut scratch.letters);
            // Only syllables are cached: other tokens carry text of this name.
            if info.syllable.is_some() {
                if scratch.parsed.len() >= MAX_CACHED_TOKENS {
                    scratch.parsed.clear();
                }
                scratch.parsed.insert(token.into(), (info, !legacy::has_signature(token)));
            }
            self.tokens.push(info);
        }
        let skip = self.honorific_prefix_len();
        if skip > 0 {
            self.tokens.drain(..skip);
        }
        if repaired.is_some() {
            let mut spelling = String::new();
            let mut plain = NameAnalysis::default();
            plain.analyse_unrepaired(raw, scratch);
            plain.write_spelling(&mut spelling);
            self.raw_spelling = Some(spelling);
        }
    }

    fn analyse_unrepaired(&mut self, raw: &str, scratch: &mut Scratch) {
        scratch.tokens.split(raw);
        for i in 0..scratch.tokens.len() {
            let token = scratch.tokens.get(i, &mut scratch.token_buf);
            let info = self.read_token(token, &mut scratch.letters);
            self.tokens.push(info);
        }
        let skip = self.honorific_prefix_len();
        self.tokens.drain(..skip);
    }

    /// Clears this analysis and reads a single token into it (the writer's cache
    /// fills itself this way).
    pub(super) fn read_single_token(&mut self, token: &str, letters: &mut Vec<Letter>) {
        self.tokens.clear();
        self.foreign.clear();
        self.raw_spelling = None;
        let info = self.read_token(token, letters);
        self.tokens.push(info);
    }

    /// Whether a name whose first token is `t` may open with an honorific; the
    /// writer's fast path hands such names to the full analysis.
    pub(super) fn may_be_honorific(&self, t: &TokenInfo) -> bool {
        let h = honorifics();
        match &t.syllable {
            Some(s) => h.personal.contains(s) || *s == h.dong,
            None => matches!(self.foreign_text(t), "đ" | "đc"),
        }
    }

    fn read_token(&mut self, token: &str, letters: &mut Vec<Letter>) -> TokenInfo {
        let mut info = TokenInfo {
            syllable: None,
            typed: [BLANK; MAX_SYLLABLE_LETTERS],
            typed_len: 0,
            out_of_order_marks: false,
            foreign: (0, 0),
        };
        if let Some(out_of_order) = read_letters(token, letters) {
            if let Some(s) = Syllable::parse(letters) {
                info.syllable = Some(s);
                info.out_of_order_marks = out_of_order;
                info.typed_len = letters.len() as u8;
                for (slot, l) in info.typed.iter_mut().zip(letters.iter()) {
                    *slot = Letter { upper: false, ..*l };
                }
                return info;
            }
        }
        let start = self.foreign.len() as u32;
        // Lowering can change what composes (Ĥ̱ → ẖ̂), so NFC again afterwards.
        let lowered: String = token.nfc().flat_map(char::to_lowercase).collect();
        for c in lowered.nfc() {
            // Ð/ð (eth) stands for Đ/đ in Vietnamese text (relation 1).
            self.foreign.push(if c == 'ð' { 'đ' } else { c });
        }
        info.foreign = (start, self.foreign.len() as u32);
        info
    }

    /// Whether legacy-encoding repair rewrote the text this analysis was made from.
    pub fn was_repaired(&self) -> bool {
        self.raw_spelling.is_some()
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    pub fn foreign_text(&self, t: &TokenInfo) -> &str {
        &self.foreign[t.foreign.0 as usize..t.foreign.1 as usize]
    }

    /// How many leading tokens are an honorific (Ông, Bà, Anh, Chị, Đ/c, đồng chí).
    /// "Ông" is also a surname (Ông Ích Khiêm) and "Anh" a given name, so a
    /// single-word honorific is dropped only before a common surname.
    fn honorific_prefix_len(&self) -> usize {
        let t = &self.tokens;
        // Every honorific starts with a, b, c, d or o: most names leave here.
        let first_base = match &t.first().and_then(|f| f.syllable) {
            Some(s) => s.letters()[0].base,
            None => t.first().map_or(0, |f| self.foreign_text(f).bytes().next().unwrap_or(0)),
        };
        if t.len() < 2 || !matches!(first_base, b'a' | b'b' | b'c' | b'o' | b'd' | 0xC4) {
            return 0;
        }
        let h = honorifics();
        let is = |i: usize, s: &Syllable| t[i].syllable.as_ref() == Some(s);
        let foreign_is = |i: usize, text: &str| t[i].syllable.is_none() && self.foreign_text(&t[i]) == text;
        if t.len() >= 3 && ((foreign_is(0, "đ") && foreign_is(1, "c")) || (is(0, &h.dong) && is(1, &h.chi_comrade))) {
            return 2;
        }
        if foreign_is(0, "đc") {
            return 1;
        }
        let personal = h.personal.iter().any(|s| is(0, s));
        let surname_follows = t[1].syllable.as_ref().is_some_and(|s| h.surnames.contains(s));
        usize::from(personal && t.len() >= 3 && surname_follows)
    }

    /// Relation 1: same letters with tones where they were typed (or, after a legacy
    /// repair, the same raw text).
    pub fn same_spelling(&self, other: &NameAnalysis) -> bool {
        if self.raw_spelling.is_some() || other.raw_spelling.is_some() {
            let mine = self.spelling_string();
            let theirs = other.spelling_string();
            return mine == theirs;
        }
        self.len() == other.len()
            && self.tokens.iter().zip(&other.tokens).all(|(a, b)| self.token_spelling_eq(a, other, b))
    }

    fn spelling_string(&self) -> String {
        match &self.raw_spelling {
            Some(s) => s.clone(),
            None => {
                let mut s = String::new();
                self.write_spelling(&mut s);
                s
            }
        }
    }

    /// Whether token `a` of this name and token `b` of `other` are spelled alike.
    pub fn token_spelling_eq(&self, a: &TokenInfo, other: &NameAnalysis, b: &TokenInfo) -> bool {
        if self.raw_spelling.is_some() || other.raw_spelling.is_some() {
            return false;
        }
        match (a.syllable.is_some(), b.syllable.is_some()) {
            (true, true) => {
                a.typed_len == b.typed_len
                    && a.out_of_order_marks == b.out_of_order_marks
                    && a.typed[..a.typed_len as usize] == b.typed[..b.typed_len as usize]
            }
            (false, false) => self.foreign_text(a) == other.foreign_text(b),
            _ => false,
        }
    }

    /// Relation 2: the same canonical syllables.
    pub fn same_key(&self, other: &NameAnalysis) -> bool {
        self.len() == other.len() && self.tokens.iter().zip(&other.tokens).all(|(a, b)| self.token_key_eq(a, other, b))
    }

    pub fn token_key_eq(&self, a: &TokenInfo, other: &NameAnalysis, b: &TokenInfo) -> bool {
        match (&a.syllable, &b.syllable) {
            (Some(x), Some(y)) => x == y,
            (None, None) => self.foreign_text(a) == other.foreign_text(b),
            _ => false,
        }
    }

    fn write_spelling(&self, out: &mut String) {
        for (i, t) in self.tokens.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            if t.syllable.is_some() {
                for l in &t.typed[..t.typed_len as usize] {
                    out.push(super::letters::compose(*l).unwrap_or('?'));
                }
            } else {
                out.push_str(self.foreign_text(t));
            }
        }
    }

    pub fn write_display_token(&self, t: &TokenInfo, out: &mut String) {
        match &t.syllable {
            Some(s) => s.render(ToneStyle::New, true, out),
            None => {
                // Keep the letters; capitalise the first and any after an apostrophe (H'Hen).
                let mut start_of_word = true;
                let mut capitalised = String::with_capacity(t.foreign.1 as usize - t.foreign.0 as usize);
                for c in self.foreign_text(t).chars() {
                    capitalised.push(if start_of_word { upper_one(c) } else { c });
                    start_of_word = c == '\'';
                }
                out.extend(capitalised.nfc());
            }
        }
    }

    pub fn write_key_token(&self, t: &TokenInfo, out: &mut String) {
        match &t.syllable {
            Some(s) => s.render(ToneStyle::New, false, out),
            None => out.push_str(self.foreign_text(t)),
        }
    }

    pub fn write_fold_token(&self, t: &TokenInfo, out: &mut String) {
        match &t.syllable {
            Some(s) => s.fold_into(out),
            None => {
                for c in self.foreign_text(t).nfd() {
                    if let Some(l) = decompose(c) {
                        out.push(l.base as char);
                    } else if !unicode_normalization::char::is_combining_mark(c) {
                        out.push(c);
                    }
                }
            }
        }
    }

    /// The fold of one token, as bytes for syllables (always ASCII) or text otherwise.
    pub fn fold_token_into(&self, t: &TokenInfo, out: &mut String) {
        out.clear();
        self.write_fold_token(t, out);
    }

    /// The token text to try Telex decoding on (tokens that are not syllables only).
    pub fn raw_token_text<'a>(&'a self, t: &TokenInfo) -> Option<&'a str> {
        t.syllable.is_none().then(|| self.foreign_text(t))
    }
}

/// Upper-case mappings that turn one character into several (ŉ → ʼN) would make
/// the display form change when normalised again; such characters keep their case.
fn lower_one(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Also keeps the case where going back down would give another letter (ı → I → i),
/// so the key of a display form is the key of what it was made from.
fn upper_one(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) if lower_one(u) == c => u,
        _ => c,
    }
}

struct Honorifics {
    personal: Vec<Syllable>,
    dong: Syllable,
    chi_comrade: Syllable,
    surnames: Vec<Syllable>,
}

/// Surnames an honorific can stand before.
const SURNAMES: &str = "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đào đoàn vương \
    trịnh trương đinh lâm phùng mai tô hà tạ lương la cao châu thái quách lưu tăng kiều triệu hứa từ chu âu tôn \
    văn nông lò lại khúc thân mạc diệp giang đàm quan hầu nghiêm";

fn honorifics() -> &'static Honorifics {
    static H: OnceLock<Honorifics> = OnceLock::new();
    H.get_or_init(|| {
        let parse = |s: &str| {
            let mut letters = Vec::new();
            super::syllable::parse_token(s, &mut letters).unwrap_or_else(|| panic!("table entry {s}"))
        };
        Honorifics {
            personal: ["ông", "bà", "anh", "chị"].iter().map(|s| parse(s)).collect(),
            dong: parse("đồng"),
            chi_comrade: parse("chí"),
            surnames: SURNAMES.split_whitespace().map(parse).collect(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(a: &NameAnalysis) -> (String, String) {
        let mut spelling = String::new();
        a.write_spelling(&mut spelling);
        (a.display_string(), spelling)
    }

    /// The cached path must answer what a fresh analysis answers, for clean names
    /// and for every kind of name that has to leave it.
    #[test]
    fn known_clean_names_read_as_a_fresh_analysis_would() {
        let names = [
            "Nguyễn Văn Hùng",
            "nguyễn văn hùng",
            "Lê Thị Thuỷ",
            "Ông Trần Văn Tú",
            "CAO Lý",
            "CAO LÝ",
            "Cao Lý",
            "Hoaøng Phuû",
            "Hoàng Phủ",
            "NGUYỄN THỊ Hà",
            "Nguyễn\u{200B}Văn",
            "Tran Van  An",
            "Ksor H'Hen",
            "Lùc Anh",
            "Lực Anh",
            "Ðặng Văn Lâm",
            "Đặng Văn Lâm",
            "NGUYÔN V¡N AN",
            "Nguyễn Văn Hùng.",
        ];
        let mut scratch = Scratch::default();
        let mut warm = NameAnalysis::default();
        for _ in 0..2 {
            for name in names {
                warm.analyse(name, &mut scratch);
                let mut fresh = NameAnalysis::default();
                fresh.analyse(name, &mut Scratch::default());
                assert_eq!(forms(&warm), forms(&fresh), "{name}");
            }
        }
    }
}

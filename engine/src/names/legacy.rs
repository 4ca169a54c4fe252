//! Legacy encodings and mojibake: VNI-Windows, TCVN3 (ABC), VIQR (RFC 1456), and
//! UTF-8 read back as Windows-1252, Windows-1250 or MacRoman.
//!
//! Old Excel files carry names typed in 8-bit Vietnamese fonts and shown today as
//! Windows-1252 characters. Mojibake is undone on the whole string (its bytes may
//! include NBSP). The 8-bit fonts are decoded per token, and only tokens that carry
//! a legacy signature count as evidence; a decoding is accepted only when every
//! syllable it yields is a valid Vietnamese syllable. A token that is already valid
//! Unicode (VNI "Hoà" is Hồ, Unicode "Hoà" is Hòa) is decoded only when another
//! token of the same name was surely decoded from the same encoding.

use std::borrow::Cow;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

use super::letters::{combining_mark, compose, decompose, Letter, Mark, Quality, Tone};
use super::syllable::{is_valid_syllable, parse_token, ToneStyle};
use super::tokens::is_separator;

/// Which repair turned a token into Vietnamese.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    Vni,
    Tcvn3,
    Viqr,
    Utf8AsCp1252,
    Utf8AsCp1250,
    Utf8AsMacRoman,
}

/// A raw name with its legacy-encoded tokens decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repaired {
    pub text: String,
    pub encodings: Vec<Encoding>,
}

// ---------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------

/// TCVN 5712:1993 (VN1) as Windows-1252 shows it, generated from glibc's
/// TCVN5712-1 and checked with iconv. ư is U+00AD, an invisible soft hyphen. The
/// ABC fonts (VN3) lack the toned capitals (C0/C1 controls and a few Latin-1
/// positions here): text typed in them uses the lowercase codes instead.
const TCVN3: [(char, char); 134] = [
    ('à', 'µ'),
    ('ả', '¶'),
    ('ã', '·'),
    ('á', '¸'),
    ('ạ', '¹'),
    ('ă', '¨'),
    ('ằ', '»'),
    ('ẳ', '¼'),
    ('ẵ', '½'),
    ('ắ', '¾'),
    ('ặ', 'Æ'),
    ('â', '©'),
    ('ầ', 'Ç'),
    ('ẩ', 'È'),
    ('ẫ', 'É'),
    ('ấ', 'Ê'),
    ('ậ', 'Ë'),
    ('è', 'Ì'),
    ('ẻ', 'Î'),
    ('ẽ', 'Ï'),
    ('é', 'Ð'),
    ('ẹ', 'Ñ'),
    ('ê', 'ª'),
    ('ề', 'Ò'),
    ('ể', 'Ó'),
    ('ễ', 'Ô'),
    ('ế', 'Õ'),
    ('ệ', 'Ö'),
    ('ì', '×'),
    ('ỉ', 'Ø'),
    ('ĩ', 'Ü'),
    ('í', 'Ý'),
    ('ị', 'Þ'),
    ('ò', 'ß'),
    ('ỏ', 'á'),
    ('õ', 'â'),
    ('ó', 'ã'),
    ('ọ', 'ä'),
    ('ô', '«'),
    ('ồ', 'å'),
    ('ổ', 'æ'),
    ('ỗ', 'ç'),
    ('ố', 'è'),
    ('ộ', 'é'),
    ('ơ', '¬'),
    ('ờ', 'ê'),
    ('ở', 'ë'),
    ('ỡ', 'ì'),
    ('ớ', 'í'),
    ('ợ', 'î'),
    ('ù', 'ï'),
    ('ủ', 'ñ'),
    ('ũ', 'ò'),
    ('ú', 'ó'),
    ('ụ', 'ô'),
    ('ư', '\u{AD}'),
    ('ừ', 'õ'),
    ('ử', 'ö'),
    ('ữ', '÷'),
    ('ứ', 'ø'),
    ('ự', 'ù'),
    ('ỳ', 'ú'),
    ('ỷ', 'û'),
    ('ỹ', 'ü'),
    ('ý', 'ý'),
    ('ỵ', 'þ'),
    ('đ', '®'),
    ('À', '€'),
    ('Ả', '\u{81}'),
    ('Ã', '‚'),
    ('Á', 'ƒ'),
    ('Ạ', '„'),
    ('Ă', '¡'),
    ('Ằ', '¯'),
    ('Ẳ', 'º'),
    ('Ẵ', '¿'),
    ('Ắ', 'À'),
    ('Ặ', '…'),
    ('Â', '¢'),
    ('Ầ', 'Á'),
    ('Ẩ', 'Â'),
    ('Ẫ', 'Ã'),
    ('Ấ', 'Ä'),
    ('Ậ', '†'),
    ('È', '‡'),
    ('Ẻ', 'ˆ'),
    ('Ẽ', '‰'),
    ('É', 'Š'),
    ('Ẹ', '‹'),
    ('Ê', '£'),
    ('Ề', 'Å'),
    ('Ể', 'Í'),
    ('Ễ', 'Ù'),
    ('Ế', 'Ú'),
    ('Ệ', 'Œ'),
    ('Ì', '\u{8D}'),
    ('Ỉ', 'Ž'),
    ('Ĩ', '\u{8F}'),
    ('Í', '\u{90}'),
    ('Ị', '‘'),
    ('Ò', '’'),
    ('Ỏ', '“'),
    ('Õ', '”'),
    ('Ó', '•'),
    ('Ọ', '–'),
    ('Ô', '¤'),
    ('Ồ', 'Û'),
    ('Ổ', 'à'),
    ('Ỗ', 'ð'),
    ('Ố', 'ÿ'),
    ('Ộ', '—'),
    ('Ơ', '¥'),
    ('Ờ', '˜'),
    ('Ở', '™'),
    ('Ỡ', 'š'),
    ('Ớ', '›'),
    ('Ợ', 'œ'),
    ('Ù', '\u{9D}'),
    ('Ủ', 'ž'),
    ('Ũ', 'Ÿ'),
    ('Ú', '\u{1}'),
    ('Ụ', '\u{2}'),
    ('Ư', '¦'),
    ('Ừ', '\u{4}'),
    ('Ử', '\u{5}'),
    ('Ữ', '\u{6}'),
    ('Ứ', '\u{11}'),
    ('Ự', '\u{12}'),
    ('Ỳ', '\u{13}'),
    ('Ỷ', '\u{14}'),
    ('Ỹ', '\u{15}'),
    ('Ý', '\u{16}'),
    ('Ỵ', '\u{17}'),
    ('Đ', '§'),
];

/// TCVN3's combining tone marks (bytes 0xB0–0xB4).
const TCVN3_MARKS: [(char, char); 5] =
    [('°', '\u{300}'), ('±', '\u{309}'), ('²', '\u{303}'), ('³', '\u{301}'), ('´', '\u{323}')];

/// The only capitals the ABC (VN3) fonts have.
fn is_vn3_capital(c: char) -> bool {
    matches!(c, 'Ă' | 'Â' | 'Ê' | 'Ô' | 'Ơ' | 'Ư' | 'Đ')
}

// VNI-Windows: a base letter then a mark byte, or one byte for đ, ơ, ư, ỵ and the
// i's. Rows are lowercase, uppercase; columns follow `Tone` (level, grave, hook,
// tilde, acute, dot). Checked against the VNI table of xvnkb (vni.h).
const VNI_TONE: [[char; 6]; 2] = [['\0', 'ø', 'û', 'õ', 'ù', 'ï'], ['\0', 'Ø', 'Û', 'Õ', 'Ù', 'Ï']];
const VNI_CIRCUMFLEX: [[char; 6]; 2] = [['â', 'à', 'å', 'ã', 'á', 'ä'], ['Â', 'À', 'Å', 'Ã', 'Á', 'Ä']];
const VNI_BREVE: [[char; 6]; 2] = [['ê', 'è', 'ú', 'ü', 'é', 'ë'], ['Ê', 'È', 'Ú', 'Ü', 'É', 'Ë']];
const VNI_I: [[char; 6]; 2] = [['i', 'ì', 'æ', 'ó', 'í', 'ò'], ['I', 'Ì', 'Æ', 'Ó', 'Í', 'Ò']];

/// The VNI spelling of one letter: first character and optional mark character.
fn vni_of(c: char) -> Option<(char, Option<char>)> {
    let l = vietnamese_letter(c)?;
    let u = l.upper as usize;
    let t = l.tone as usize;
    let ascii = (if l.upper { l.base.to_ascii_uppercase() } else { l.base }) as char;
    let tone = (t != 0).then(|| VNI_TONE[u][t]);
    Some(match (l.base, l.quality) {
        (b'd', Quality::Stroke) => (['ñ', 'Ñ'][u], None),
        (b'i', Quality::Plain) => (VNI_I[u][t], None),
        (b'y', Quality::Plain) if l.tone == Tone::Dot => (['î', 'Î'][u], None),
        (b'a' | b'e' | b'o', Quality::Circumflex) => (ascii, Some(VNI_CIRCUMFLEX[u][t])),
        (b'a', Quality::Breve) => (ascii, Some(VNI_BREVE[u][t])),
        (b'o', Quality::Horn) => (['ô', 'Ô'][u], tone),
        (b'u', Quality::Horn) => (['ö', 'Ö'][u], tone),
        (b'a' | b'e' | b'o' | b'u' | b'y', Quality::Plain) => (ascii, tone),
        _ => return None,
    })
}

/// Every Vietnamese letter with a mark (and đ), lower and upper case, NFC.
const MARKED_LETTERS: &str = "àảãáạăằẳẵắặâầẩẫấậèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵđ\
                              ÀẢÃÁẠĂẰẲẴẮẶÂẦẨẪẤẬÈẺẼÉẸÊỀỂỄẾỆÌỈĨÍỊÒỎÕÓỌÔỒỔỖỐỘƠỜỞỠỚỢÙỦŨÚỤƯỪỬỮỨỰỲỶỸÝỴĐ";

struct VniTable {
    pairs: FxHashMap<(char, char), char>,
    singles: FxHashMap<char, char>,
}

fn vni_table() -> &'static VniTable {
    static T: OnceLock<VniTable> = OnceLock::new();
    T.get_or_init(|| {
        let mut pairs = FxHashMap::default();
        let mut singles = FxHashMap::default();
        for c in MARKED_LETTERS.chars() {
            match vni_of(c) {
                Some((first, Some(mark))) => {
                    pairs.insert((first, mark), c);
                    // Excel's PROPER() lowercases the mark byte of a capital: "AÙnh" → "Aùnh".
                    if c.is_uppercase() {
                        pairs.entry((first, mark.to_lowercase().next().unwrap_or(mark))).or_insert(c);
                    }
                }
                Some((first, None)) if !first.is_ascii() => {
                    singles.insert(first, c);
                }
                _ => {}
            }
        }
        VniTable { pairs, singles }
    })
}

/// A VNI token decoded; None when a character has no place in VNI.
fn vni_decode(token: &str) -> Option<String> {
    let t = vni_table();
    let mut out = String::with_capacity(token.len() + 4);
    let mut chars = token.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(&next) = chars.peek() {
            if let Some(&l) = t.pairs.get(&(c, next)) {
                out.push(l);
                chars.next();
                continue;
            }
        }
        if let Some(&l) = t.singles.get(&c) {
            out.push(l);
        } else if c.is_ascii_alphabetic() {
            out.push(c);
        } else {
            return None;
        }
    }
    Some(out)
}

/// TCVN3 characters to what they stand for: a letter or a combining mark.
fn tcvn3_table() -> &'static FxHashMap<char, char> {
    static T: OnceLock<FxHashMap<char, char>> = OnceLock::new();
    T.get_or_init(|| TCVN3.iter().map(|&(letter, code)| (code, letter)).chain(TCVN3_MARKS).collect())
}

/// Letters to TCVN3 as VN3 fonts write them: toned capitals as their lowercase code.
fn tcvn3_encoder() -> &'static FxHashMap<char, char> {
    static T: OnceLock<FxHashMap<char, char>> = OnceLock::new();
    T.get_or_init(|| {
        let lower: FxHashMap<char, char> = TCVN3.iter().copied().collect();
        TCVN3
            .iter()
            .map(|&(letter, code)| {
                if letter.is_uppercase() && !is_vn3_capital(letter) {
                    let l = letter.to_lowercase().next().unwrap_or(letter);
                    (letter, lower.get(&l).copied().unwrap_or(code))
                } else {
                    (letter, code)
                }
            })
            .collect()
    })
}

struct Tcvn3Token {
    chars: Vec<char>,
    /// Per character: a lowercase code whose capital VN3 lacks, so the case is unknown.
    loose_case: Vec<bool>,
    /// Uses a capital only the rare VN1 set has.
    vn1: bool,
}

fn tcvn3_decode(token: &str) -> Option<Tcvn3Token> {
    let table = tcvn3_table();
    let mut out =
        Tcvn3Token { chars: Vec::with_capacity(token.len()), loose_case: Vec::with_capacity(token.len()), vn1: false };
    for c in token.chars() {
        let (d, loose) = if c.is_ascii_alphabetic() {
            (c, false)
        } else {
            let d = *table.get(&c)?;
            if d.is_uppercase() && !is_vn3_capital(d) {
                out.vn1 = true;
            }
            (d, d.is_lowercase() && d.to_uppercase().next().is_some_and(|u| !is_vn3_capital(u)))
        };
        out.chars.push(d);
        out.loose_case.push(loose);
    }
    Some(out)
}

// ---------------------------------------------------------------------------
// Mojibake
// ---------------------------------------------------------------------------

fn code_page_of(encoding: Encoding) -> &'static encoding_rs::Encoding {
    match encoding {
        Encoding::Utf8AsCp1250 => encoding_rs::WINDOWS_1250,
        Encoding::Utf8AsMacRoman => encoding_rs::MACINTOSH,
        _ => encoding_rs::WINDOWS_1252,
    }
}

/// Characters of a code page's upper half back to bytes. C1 controls map to their
/// own byte: bytes a code page leaves undefined (cp1252's 0x81 0x8D 0x8F 0x90 0x9D)
/// survive as them, and so does every 0x80–0x9F byte read as Latin-1.
fn code_page(encoding: Encoding) -> &'static FxHashMap<char, u8> {
    static TABLES: OnceLock<[FxHashMap<char, u8>; 3]> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        let build = |encoding: Encoding| {
            let enc = code_page_of(encoding);
            let mut map: FxHashMap<char, u8> = (0x80u8..=0x9F).map(|b| (char::from(b), b)).collect();
            for b in 0x80u8..=0xFF {
                let byte = [b];
                let (text, had_errors) = enc.decode_without_bom_handling(&byte);
                if let (false, Some(c)) = (had_errors, text.chars().next()) {
                    map.insert(c, b);
                }
            }
            map
        };
        [build(Encoding::Utf8AsCp1252), build(Encoding::Utf8AsCp1250), build(Encoding::Utf8AsMacRoman)]
    });
    match encoding {
        Encoding::Utf8AsCp1250 => &tables[1],
        Encoding::Utf8AsMacRoman => &tables[2],
        _ => &tables[0],
    }
}

/// UTF-8 bytes shown in a code page, read back once: "Nguyá»…n" → "Nguyễn".
fn unmojibake_once(raw: &str, encoding: Encoding) -> Option<String> {
    if raw.is_ascii() {
        return None;
    }
    let table = code_page(encoding);
    let mut bytes = Vec::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii() {
            bytes.push(c as u8);
        } else {
            bytes.push(*table.get(&c)?);
        }
    }
    String::from_utf8(bytes).ok()
}

/// As `unmojibake_once`, repeated while it applies (text mis-read twice or thrice).
fn unmojibake(raw: &str, encoding: Encoding) -> Option<String> {
    let mut text = unmojibake_once(raw, encoding)?;
    for _ in 0..2 {
        match unmojibake_once(&text, encoding) {
            Some(again) => text = again,
            None => break,
        }
    }
    Some(text)
}

/// UTF-8 text shown in a code page (the inverse of `unmojibake`), for tests and the
/// synthetic-data generator. `Vni`, `Tcvn3` and `Viqr` are read as cp1252.
pub fn mojibake(s: &str, encoding: Encoding) -> String {
    let enc = code_page_of(encoding);
    let mut out = String::with_capacity(s.len() * 2);
    for &b in s.as_bytes() {
        if b.is_ascii() {
            out.push(b as char);
            continue;
        }
        let byte = [b];
        let (text, had_errors) = enc.decode_without_bom_handling(&byte);
        if had_errors {
            out.push(char::from(b));
        } else {
            out.push_str(&text);
        }
    }
    out
}

/// Whether a mojibake repair reads as Vietnamese: every token with non-ASCII is a
/// syllable or made of Vietnamese letters (Khmer "Thươl" is no syllable). A string
/// that re-encodes to valid multi-byte UTF-8 is strong evidence already.
fn reads_as_vietnamese(text: &str) -> bool {
    // At least one such token: a repair to separators alone ("ÿù" read as MacRoman
    // is U+061D) would otherwise pass vacuously and erase the name.
    let mut tokens = text.split(is_separator).filter(|t| !t.is_ascii()).peekable();
    tokens.peek().is_some()
        && tokens.all(|token| {
            is_valid_syllable(token)
                || token.chars().all(|c| {
                    c.is_ascii_alphanumeric()
                        || vietnamese_letter(c).is_some()
                        || combining_mark(c).is_some()
                        || is_apostrophe(c)
                })
        })
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ')
}

// ---------------------------------------------------------------------------
// Encoders
// ---------------------------------------------------------------------------

/// Unicode Vietnamese as VNI-Windows text shows it today ("Lương" → "Löông").
pub fn encode_vni(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.nfc() {
        match vni_of(c) {
            Some((first, mark)) => {
                out.push(first);
                out.extend(mark);
            }
            None => out.push(c),
        }
    }
    out
}

/// Unicode Vietnamese as TCVN3 text shows it today ("Lương" → "L\u{AD}¬ng"). Toned
/// capitals, which the ABC fonts lack, come out as their lowercase code.
pub fn encode_tcvn3(s: &str) -> String {
    let table = tcvn3_encoder();
    s.nfc().map(|c| table.get(&c).copied().unwrap_or(c)).collect()
}

/// Unicode Vietnamese in VIQR (RFC 1456): "Trương" → "Tru+o+ng", "Đ" → "DD". A
/// mark character that would attach to the letter before it is escaped ("A\.").
pub fn encode_viqr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut after_letter = false;
    for c in s.nfc() {
        let Some(l) = vietnamese_letter(c) else {
            if after_letter && is_viqr_mark(c) {
                out.push('\\');
            }
            out.push(c);
            after_letter = false;
            continue;
        };
        let base = (if l.upper { l.base.to_ascii_uppercase() } else { l.base }) as char;
        out.push(base);
        match l.quality {
            Quality::Circumflex => out.push('^'),
            Quality::Breve => out.push('('),
            Quality::Horn => out.push('+'),
            Quality::Stroke => out.push(base),
            Quality::Plain => {}
        }
        out.push_str(viqr_tone(l.tone));
        after_letter = true;
    }
    out
}

fn viqr_tone(t: Tone) -> &'static str {
    match t {
        Tone::Grave => "`",
        Tone::Acute => "'",
        Tone::Hook => "?",
        Tone::Tilde => "~",
        Tone::Dot => ".",
        Tone::Level => "",
    }
}

fn is_viqr_mark(c: char) -> bool {
    matches!(c, '^' | '(' | '+' | '`' | '\'' | '?' | '~' | '.' | '\\')
}

// ---------------------------------------------------------------------------
// VIQR decoding
// ---------------------------------------------------------------------------

enum Piece {
    Letter { letter: Letter, marked: bool },
    Literal(char),
}

struct ViqrToken {
    text: String,
    /// Only weak evidence: the one mark is a full stop closing the word ("A."), or
    /// the token only had escapes.
    weak: bool,
}

fn decode_viqr(token: &str) -> Option<ViqrToken> {
    let chars: Vec<char> = token.chars().collect();
    let mut pieces: Vec<Piece> = Vec::with_capacity(chars.len());
    let mut marks = 0usize;
    let mut escapes = 0usize;
    let mut last_mark_at = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            pieces.push(Piece::Literal(chars[i + 1]));
            escapes += 1;
            i += 2;
            continue;
        }
        if matches!(c, 'd' | 'D') && matches!(chars.get(i + 1), Some('d' | 'D')) {
            let letter = Letter { base: b'd', quality: Quality::Stroke, tone: Tone::Level, upper: c == 'D' };
            pieces.push(Piece::Letter { letter, marked: true });
            marks += 1;
            last_mark_at = i + 1;
            i += 2;
            continue;
        }
        if let Some(letter) = decompose(c) {
            pieces.push(Piece::Letter { letter, marked: false });
        } else if let Some(Piece::Letter { letter, marked }) = pieces.last_mut().filter(|_| is_viqr_mark(c)) {
            if apply_viqr_mark(letter, c) {
                *marked = true;
                marks += 1;
                last_mark_at = i;
            } else {
                pieces.push(Piece::Literal(c));
            }
        } else {
            pieces.push(Piece::Literal(c));
        }
        i += 1;
    }
    if marks == 0 && escapes == 0 {
        return None;
    }
    // Each run of letters that took a mark must be a syllable.
    let mut text = String::with_capacity(token.len());
    let mut run = String::new();
    let mut run_marked = false;
    let flush = |run: &mut String, run_marked: &mut bool, text: &mut String| -> bool {
        let ok = !*run_marked || plausible_syllable(run);
        text.push_str(run);
        run.clear();
        *run_marked = false;
        ok
    };
    for piece in &pieces {
        match piece {
            Piece::Letter { letter, marked } => {
                run.push(compose(*letter)?);
                run_marked |= marked;
            }
            Piece::Literal(c) => {
                if !flush(&mut run, &mut run_marked, &mut text) {
                    return None;
                }
                text.push(*c);
            }
        }
    }
    if !flush(&mut run, &mut run_marked, &mut text) {
        return None;
    }
    let trailing_punctuation = marks == 1 && last_mark_at + 1 == chars.len() && chars[last_mark_at] == '.';
    Some(ViqrToken { text, weak: marks == 0 || trailing_punctuation })
}

fn apply_viqr_mark(l: &mut Letter, mark: char) -> bool {
    let plain = l.quality == Quality::Plain;
    let toneless = l.is_vowel() && l.tone == Tone::Level;
    let (quality, tone) = match mark {
        '^' if plain && matches!(l.base, b'a' | b'e' | b'o') => (Quality::Circumflex, l.tone),
        '(' if plain && l.base == b'a' => (Quality::Breve, l.tone),
        '+' if plain && matches!(l.base, b'o' | b'u') => (Quality::Horn, l.tone),
        '`' if toneless => (l.quality, Tone::Grave),
        '\'' if toneless => (l.quality, Tone::Acute),
        '?' if toneless => (l.quality, Tone::Hook),
        '~' if toneless => (l.quality, Tone::Tilde),
        '.' if toneless => (l.quality, Tone::Dot),
        _ => return false,
    };
    l.quality = quality;
    l.tone = tone;
    true
}

// ---------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------

/// One of the 134 marked Vietnamese letters (or ASCII): `decompose` also takes
/// letters Vietnamese never writes, such as î, û and ñ, which are legacy bytes here.
fn vietnamese_letter(c: char) -> Option<Letter> {
    decompose(c).filter(|l| {
        let quality_fits = match l.quality {
            Quality::Plain => true,
            Quality::Circumflex => matches!(l.base, b'a' | b'e' | b'o'),
            Quality::Breve => l.base == b'a',
            Quality::Horn => matches!(l.base, b'o' | b'u'),
            Quality::Stroke => l.base == b'd',
        };
        quality_fits && (l.tone == Tone::Level || l.is_vowel())
    })
}

/// A character no Vietnamese Unicode name contains, but legacy text does.
fn is_foreign_char(c: char) -> bool {
    !(c.is_ascii()
        || vietnamese_letter(c).is_some()
        || c.is_whitespace()
        || combining_mark(c).is_some()
        || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '’' | '‘' | 'ʼ'))
}

/// Whether `mark` after `vowel` is how VNI writes a mark ("Vaên", "Leâ", "Voõ")
/// rather than a pair Unicode Vietnamese has: "oà" (Hoà) and "uâ" (Quân) are
/// ordinary, so they are not signatures (VNI "Hoà" = Hồ is settled by context).
fn is_vni_pair(vowel: char, mark: char) -> bool {
    let tone = matches!(mark, 'ù' | 'ø' | 'û' | 'õ' | 'ï' | 'Ù' | 'Ø' | 'Û' | 'Õ' | 'Ï');
    match vowel {
        'a' | 'e' | 'A' | 'E' => {
            tone || matches!(
                mark,
                'â' | 'á'
                    | 'à'
                    | 'å'
                    | 'ã'
                    | 'ä'
                    | 'ê'
                    | 'é'
                    | 'è'
                    | 'ú'
                    | 'ü'
                    | 'ë'
                    | 'Â'
                    | 'Á'
                    | 'À'
                    | 'Å'
                    | 'Ã'
                    | 'Ä'
                    | 'Ê'
                    | 'É'
                    | 'È'
                    | 'Ú'
                    | 'Ü'
                    | 'Ë'
            )
        }
        'o' | 'O' => tone || matches!(mark, 'â' | 'Â'),
        'u' | 'y' | 'ô' | 'U' | 'Y' | 'Ô' => tone,
        _ => false,
    }
}

/// Whether `raw` may hold legacy-encoded text: one scan, no allocation (except for
/// decomposed text whose marks do not compose into Vietnamese letters).
pub(crate) fn has_signature(raw: &str) -> bool {
    signature_scan(raw).unwrap_or_else(|| {
        // Legacy text is precomposed Latin-1, so look at the NFC form. Marks that
        // compose into no Vietnamese letter even then are debris that clean-up drops,
        // which may uncover legacy text ("§\u{300}Æng"): the full path settles it.
        let nfc: String = raw.nfc().collect();
        signature_scan(&nfc).unwrap_or(true)
    })
}

/// None when a combining mark makes the answer depend on composition.
fn signature_scan(raw: &str) -> Option<bool> {
    let mut prev = ' ';
    let mut before = ' ';
    // The previous character as a precomposed non-ASCII Vietnamese letter.
    let mut prev_letter: Option<Letter> = None;
    let (mut prev_lower, mut prev_upper, mut before_upper) = (false, false, false);
    // A non-ASCII capital right after a capital: TCVN3 if a lowercase letter follows
    // ("BÝch" is Bích).
    let mut capital_pair = false;
    // A non-ASCII lowercase letter right after a capital: TCVN3 if a capital follows
    // ("LéC" is Lộc in capitals).
    let mut small_after_capital = false;
    // Counts for an all-capitals name with TCVN3's lowercase codes ("CAO Lý").
    let (mut capitals, mut ascii_small, mut small_after_capitals) = (0usize, 0usize, 0usize);
    // The current word's tone and the consonants after its last vowel: a grave, hook
    // or tilde never closes with c, ch, p or t ("Lùc" is TCVN3 Lực).
    let mut word_tone = Tone::Level;
    let mut tail = Tail::default();
    let mut chars = raw.chars().peekable();
    while let Some(mut c) = chars.next() {
        // Loose marks (NFD) are folded into their letter first, so decomposed text
        // is judged exactly as its NFC form; marks that make no Vietnamese letter
        // need the NFC form looked at.
        if chars.peek().is_some_and(|&n| combining_mark(n).is_some()) {
            let mut letter = decompose(c)?;
            while let Some(mark) = chars.peek().and_then(|&n| combining_mark(n)) {
                chars.next();
                match mark {
                    Mark::Quality(q) if letter.quality == Quality::Plain => letter.quality = q,
                    Mark::Tone(t) if letter.tone == Tone::Level && letter.is_vowel() => letter.tone = t,
                    _ => return None,
                }
            }
            c = compose(letter)?;
        }
        if c.is_ascii() {
            if c.is_ascii_alphabetic() {
                if (matches!(prev, '.' | '\'') && is_ascii_vowel(before))
                    || (matches!(c, 'd' | 'D') && matches!(prev, 'd' | 'D'))
                    || (capital_pair && c.is_ascii_lowercase())
                    || (small_after_capital && c.is_ascii_uppercase())
                    || prev_letter.is_some_and(|l| breaks_pair(&l, c))
                {
                    // VIQR marks inside a word ("Ha.nh"), DD for Đ; TCVN3 case
                    // patterns; TCVN3 "Thóy", "Lôa" (Thúy, Lụa).
                    return Some(true);
                }
                if is_ascii_vowel(c) {
                    tail = Tail::default();
                } else {
                    tail.push(c);
                }
                capitals += c.is_ascii_uppercase() as usize;
                ascii_small += c.is_ascii_lowercase() as usize;
            } else {
                if (matches!(c, '+' | '(' | '^' | '~' | '`' | '?') && prev.is_ascii_alphabetic())
                    || (prev == '\'' && is_ascii_vowel(before))
                    || tail.closes_badly(word_tone)
                {
                    // VIQR marks after a letter, an acute closing a word ("Ba' My").
                    return Some(true);
                }
                word_tone = Tone::Level;
                tail = Tail::default();
            }
            prev_lower = c.is_ascii_lowercase();
            before_upper = prev_upper;
            prev_upper = c.is_ascii_uppercase();
            capital_pair = false;
            small_after_capital = false;
            prev_letter = None;
        } else {
            match vietnamese_letter(c) {
                Some(letter) => {
                    // VNI: a vowel and a mark letter ("Vaên"). TCVN3: lowercase codes
                    // that are Latin-1 capitals inside a word ("NguyÔn", "BÝch",
                    // "LéC"), or a vowel Unicode never writes there ("NGUYÔN", "TIÕN").
                    if is_vni_pair(prev, c)
                        || (letter.upper && prev_lower)
                        || (capital_pair && !letter.upper)
                        || (small_after_capital && letter.upper)
                        || (!letter.upper && prev_upper && before_upper)
                        || breaks_glide(before, prev, &letter)
                        // Đ only begins a syllable: inside a word Ð is TCVN3's é ("NGHÐN").
                        || (letter.quality == Quality::Stroke && prev.is_alphabetic())
                    {
                        return Some(true);
                    }
                    small_after_capitals += (!letter.upper && prev_upper) as usize;
                    capitals += letter.upper as usize;
                    capital_pair = letter.upper && prev_upper;
                    small_after_capital = !letter.upper && prev_upper;
                    prev_lower = !letter.upper;
                    before_upper = prev_upper;
                    prev_upper = letter.upper;
                    prev_letter = Some(letter);
                    if letter.is_vowel() {
                        tail = Tail::default();
                        if letter.tone != Tone::Level {
                            word_tone = letter.tone;
                        }
                    } else {
                        tail.push('đ');
                    }
                }
                None => {
                    // Mojibake of à (C3 A0) and Ò (C3 92): Ã in cp1252, Ă in cp1250,
                    // then NBSP or a curly quote, which are not foreign on their own.
                    if is_foreign_char(c)
                        || (matches!(prev, 'Ã' | 'Ă') && matches!(c, '\u{A0}' | '’' | '‘'))
                        || tail.closes_badly(word_tone)
                    {
                        return Some(true);
                    }
                    word_tone = Tone::Level;
                    tail = Tail::default();
                    prev_lower = false;
                    prev_upper = false;
                    before_upper = false;
                    capital_pair = false;
                    small_after_capital = false;
                    prev_letter = None;
                }
            }
        }
        before = prev;
        prev = c;
    }
    // A name in capitals but for a few lowercase non-ASCII letters after capitals:
    // TCVN3 capitals written with lowercase codes ("CAO Lý"), not "Lã Bá Tư".
    let small_codes_in_capitals =
        ascii_small == 0 && small_after_capitals > 0 && capitals >= 2 * small_after_capitals + 2;
    Some((prev == '\'' && is_ascii_vowel(before)) || tail.closes_badly(word_tone) || small_codes_in_capitals)
}

/// The consonants after the last vowel of a word, lowercase, up to two.
#[derive(Default)]
struct Tail {
    len: u8,
    chars: [u8; 2],
}

impl Tail {
    fn push(&mut self, c: char) {
        if (self.len as usize) < self.chars.len() && c.is_ascii() {
            self.chars[self.len as usize] = c.to_ascii_lowercase() as u8;
        }
        self.len = self.len.saturating_add(1);
    }

    /// A stop coda after a grave, hook or tilde, which Vietnamese never writes.
    fn closes_badly(&self, tone: Tone) -> bool {
        let stop = match self.len {
            1 => matches!(self.chars[0], b'c' | b'p' | b't'),
            2 => self.chars == *b"ch",
            _ => false,
        };
        stop && matches!(tone, Tone::Grave | Tone::Hook | Tone::Tilde)
    }
}

/// Unicode Vietnamese follows y, and i other than in gi, with no marked vowel but
/// ê, and follows qu with no u.
fn breaks_glide(before: char, prev: char, l: &Letter) -> bool {
    let e_hat = l.base == b'e' && l.quality == Quality::Circumflex;
    match prev {
        'y' | 'Y' => !e_hat,
        'i' | 'I' => !e_hat && !matches!(before, 'g' | 'G'),
        'u' | 'U' => l.base == b'u' && matches!(before, 'q' | 'Q'),
        _ => false,
    }
}

/// A marked o before y ("oy" is no Vietnamese rhyme), or ô/ơ before a.
fn breaks_pair(prev: &Letter, next: char) -> bool {
    // Đ is always followed by a vowel: "Ðc" is TCVN3 Éc.
    (prev.quality == Quality::Stroke && !is_ascii_vowel(next))
        || prev.base == b'o'
            && (matches!(next, 'y' | 'Y') || (prev.quality != Quality::Plain && matches!(next, 'a' | 'A')))
}

fn is_ascii_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'A' | 'E' | 'I' | 'O' | 'U' | 'Y')
}

/// Characters legacy text uses as letters or marks: tokens do not end at them even
/// where the cleaned name would (TCVN3's ¬ §, VIQR's + ( ^ ~ ` ? ' .).
fn is_legacy_char(c: char) -> bool {
    is_viqr_mark(c) || tcvn3_table().contains_key(&c)
}

// ---------------------------------------------------------------------------
// Repair
// ---------------------------------------------------------------------------

/// Per-token decoders, in the order that breaks ties.
const TOKEN_ENCODINGS: [Encoding; 6] = [
    Encoding::Vni,
    Encoding::Tcvn3,
    Encoding::Utf8AsCp1252,
    Encoding::Utf8AsCp1250,
    Encoding::Utf8AsMacRoman,
    Encoding::Viqr,
];

struct Candidate {
    encoding: Encoding,
    text: String,
    /// Decoded on the token's own evidence; otherwise only with the name as context.
    sure: bool,
    /// TCVN3 only: per character, whether its case is unknown.
    loose_case: Vec<bool>,
}

/// A valid syllable that Vietnamese also writes: the validator takes a lone y with a
/// coda ("hỵp", "bých"), which only occurs after u (huỳnh, quýt), while decodings
/// that differ by such a letter (VNI î = ỵ, TCVN3 î = ợ) need telling apart.
fn plausible_syllable(text: &str) -> bool {
    if !is_valid_syllable(text) {
        return false;
    }
    // A y that begins the vowels stands only after the consonants that take it in
    // names (Hy, Kỳ, Lý, Mỹ, Ny, Sỹ, Tý, Thy, Vy, Xy, Dy); elsewhere only i is written.
    // VNI "Bî" is "Bỵ", which nobody writes, and TCVN3 "Bî" is Bợ.
    let bases: Vec<u8> = text.chars().filter_map(vietnamese_letter).map(|l| l.base).collect();
    if let Some(first_vowel) = bases.iter().position(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')) {
        let onset = &bases[..first_vowel];
        let takes_y =
            matches!(onset, b"" | b"h" | b"k" | b"l" | b"m" | b"n" | b"s" | b"t" | b"th" | b"v" | b"x" | b"d");
        if bases[first_vowel] == b'y' && !takes_y {
            return false;
        }
    }
    let mut prev = ' ';
    let mut chars = bases.iter().copied().peekable();
    while let Some(b) = chars.next() {
        if b == b'y'
            && prev != b'u' as char
            && chars.peek().is_some_and(|&n| !matches!(n, b'a' | b'e' | b'i' | b'o' | b'u' | b'y'))
        {
            return false;
        }
        prev = b as char;
    }
    true
}

/// Whether `token` reads as Unicode Vietnamese as typed: a valid syllable with its
/// tone where either style puts it. VNI "Baù" (Bá) is "bàu" only with the tone on
/// the glide, which nobody types, so it counts as legacy text.
fn reads_as_unicode(token: &str) -> bool {
    // Unicode text is lower, upper or title case; "NguyÔn" and "MÕn" are not.
    let mut letters = token.chars().filter(|c| c.is_alphabetic());
    let first_upper = letters.next().is_some_and(char::is_uppercase);
    let (mut upper, mut lower) = (false, false);
    for c in letters {
        upper |= c.is_uppercase();
        lower |= c.is_lowercase();
    }
    if upper && (lower || !first_upper) {
        return false;
    }
    let mut scratch = Vec::with_capacity(8);
    if !plausible_syllable(token) {
        return false;
    }
    let Some(syllable) = parse_token(token, &mut scratch) else { return false };
    let typed: String = token.nfc().flat_map(char::to_lowercase).collect();
    let mut out = String::with_capacity(typed.len());
    [ToneStyle::New, ToneStyle::Old].into_iter().any(|style| {
        out.clear();
        syllable.render(style, false, &mut out);
        out == typed
    })
}

fn decode_token(token: &str, encoding: Encoding, unicode_valid: bool, signed: bool) -> Option<Candidate> {
    let (text, sure, loose_case) = match encoding {
        Encoding::Vni => {
            let text = vni_decode(token)?;
            (text, signed && !unicode_valid, Vec::new())
        }
        Encoding::Tcvn3 => {
            let t = tcvn3_decode(token)?;
            // VN3 fonts have no toned capitals: in a token that reads as Unicode, such a
            // code is far likelier an ordinary letter (Hà, not HỔ).
            if t.vn1 && unicode_valid {
                return None;
            }
            let text: String = t.chars.iter().collect();
            // Unchanged but for the case only the name can tell ("Tý" in "NGUYÔN Tý").
            if text == token && t.loose_case.iter().any(|&l| l) {
                return Some(Candidate { encoding, text, sure: signed && !unicode_valid, loose_case: t.loose_case });
            }
            (text, signed && !unicode_valid, t.loose_case)
        }
        Encoding::Viqr => {
            let v = decode_viqr(token)?;
            (v.text, !v.weak && !unicode_valid, Vec::new())
        }
        _ => (unmojibake(token, encoding)?, !unicode_valid, Vec::new()),
    };
    if text == token {
        return None;
    }
    // VIQR validated each marked run itself (literal punctuation may stay around it).
    if encoding != Encoding::Viqr && !plausible_syllable(&text) {
        return None;
    }
    Some(Candidate { encoding, text, sure, loose_case })
}

/// Byte ranges of the tokens of `text`: runs between separators, where characters
/// legacy text uses as letters or marks do not separate.
fn token_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_separator(c) && !is_legacy_char(c) {
            if let Some(s) = start.take() {
                spans.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

/// Repairs legacy-encoded tokens of a raw (uncleaned) name; None when no token
/// needed it. One scan and no allocation for ordinary Unicode or ASCII names.
pub fn repair(raw: &str) -> Option<Repaired> {
    if raw.len() > crate::MAX_NAME_BYTES || !has_signature(raw) {
        return None;
    }
    repair_flagged(raw)
}

/// `repair` for text already known to carry a legacy signature.
pub(crate) fn repair_flagged(raw: &str) -> Option<Repaired> {
    if raw.len() > crate::MAX_NAME_BYTES {
        return None;
    }
    // Legacy text is Latin-1 characters, which NFC keeps whole: decode the NFC form
    // so NFD input decodes alike.
    let text: Cow<str> = if unicode_normalization::is_nfc_quick(raw.chars()) == unicode_normalization::IsNormalized::Yes
    {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(raw.nfc().collect())
    };
    repair_mojibake(&text).or_else(|| repair_tokens(&text))
}

/// Mojibake is undone on the whole string: NBSP (0xA0) may be one of its bytes.
fn repair_mojibake(text: &str) -> Option<Repaired> {
    if text.is_ascii() {
        return None;
    }
    for encoding in [Encoding::Utf8AsCp1252, Encoding::Utf8AsCp1250, Encoding::Utf8AsMacRoman] {
        if let Some(fixed) = unmojibake(text, encoding) {
            if fixed != text && reads_as_vietnamese(&fixed) {
                return Some(Repaired { text: fixed.nfc().collect(), encodings: vec![encoding] });
            }
        }
    }
    None
}

/// The case the rest of a name is written in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CaseContext {
    /// Lowercase letters elsewhere: lower or title case.
    Mixed,
    /// Only capitals elsewhere.
    Capitals,
    Unknown,
}

impl CaseContext {
    /// Whether a decoding's letters of known case fit: no capital after the first
    /// letter in mixed case, no lowercase in capitals.
    fn fits(self, c: &Candidate) -> bool {
        let mut known = c
            .text
            .chars()
            .enumerate()
            .filter(|&(i, ch)| ch.is_alphabetic() && !c.loose_case.get(i).copied().unwrap_or(false));
        match self {
            CaseContext::Mixed => known.skip(1).all(|(_, ch)| !ch.is_uppercase()),
            CaseContext::Capitals => known.all(|(_, ch)| !ch.is_lowercase()),
            CaseContext::Unknown => {
                let first_upper = c.text.chars().find(|ch| ch.is_alphabetic()).is_some_and(char::is_uppercase);
                let rest: Vec<char> = known.skip(1).map(|(_, ch)| ch).collect();
                rest.iter().all(|ch| !ch.is_uppercase()) || (first_upper && rest.iter().all(|ch| !ch.is_lowercase()))
            }
        }
    }
}

fn repair_tokens(text: &str) -> Option<Repaired> {
    let spans = token_spans(text);
    let count = |t: &str, f: fn(&char) -> bool| t.chars().filter(f).count();
    // Capitals are letters: VNI's mark characters include capitals that are no
    // letter (Ø, the grave of "AØ"), and counting them made "AØ Hùng" a name in
    // capitals, whose lowercase "ùng" then read as TCVN3's codes (Hựng).
    fn capital(c: &char) -> bool {
        c.is_uppercase() && (c.is_ascii() || vietnamese_letter(*c).is_some())
    }
    let (name_lower, name_upper) = (count(text, |c| c.is_lowercase()), count(text, capital));
    let mut candidates: Vec<(Vec<Candidate>, CaseContext)> = Vec::with_capacity(spans.len());
    let mut votes = [0usize; TOKEN_ENCODINGS.len()];
    // A toned capital that no 8-bit font has ("Ễ" in "NGUYỄN") means the name was
    // typed in Unicode, where a capitals name may hold an ordinary title-case word.
    let unicode_capitals =
        text.chars().any(|c| c.is_uppercase() && !c.is_ascii() && !is_legacy_char(c) && vietnamese_letter(c).is_some());
    for &(s, e) in &spans {
        let token = &text[s..e];
        let (lower, upper) = (count(token, |c| c.is_lowercase()), count(token, capital));
        let context = if name_lower > lower {
            CaseContext::Mixed
        } else if name_upper >= upper + 2 {
            CaseContext::Capitals
        } else {
            CaseContext::Unknown
        };
        let mut found = Vec::new();
        // Plain ASCII letters decode to themselves, except VIQR's DD.
        let plain = token.bytes().all(|b| b.is_ascii_alphanumeric()) && !token.to_ascii_lowercase().contains("dd");
        if !plain {
            // In a name otherwise in capitals, lowercase letters are TCVN3's codes
            // for toned capitals ("CAO Lý"), not how Unicode would write it.
            let odd_case = context == CaseContext::Capitals && lower > 0 && !unicode_capitals;
            let unicode_valid = !odd_case && reads_as_unicode(token);
            // One character alone is too little to call a token legacy text: reading
            // TCVN3 "ë" as ở would make "Ë" and its own key two different names.
            let signed = (odd_case || signature_scan(token).unwrap_or(true)) && token.chars().nth(1).is_some();
            for (k, &encoding) in TOKEN_ENCODINGS.iter().enumerate() {
                if let Some(c) = decode_token(token, encoding, unicode_valid, signed) {
                    votes[k] += c.sure as usize;
                    found.push(c);
                }
            }
        }
        candidates.push((found, context));
    }
    if votes.iter().all(|&v| v == 0) {
        return None;
    }
    // Ties go to the reading whose case fits the rest of the name: in "Cao LÖ",
    // TCVN3 Lệ rather than VNI LƯ; in "CAO Vò", TCVN3 VŨ rather than VNI Vị.
    let rank = |c: &Candidate, context: CaseContext| {
        let k = TOKEN_ENCODINGS.iter().position(|&e| e == c.encoding).unwrap_or(0);
        (votes[k], context.fits(c), std::cmp::Reverse(k))
    };
    // A sure token takes its best-supported encoding; any other token is decoded
    // only from an encoding that some sure token of this name used.
    let mut sure_encodings: Vec<Encoding> = Vec::new();
    let mut chosen: Vec<Option<Candidate>> = Vec::with_capacity(candidates.len());
    let mut unsure: Vec<(usize, Vec<Candidate>, CaseContext)> = Vec::new();
    for (i, (found, context)) in candidates.into_iter().enumerate() {
        if found.iter().any(|c| c.sure) {
            let best = found.into_iter().filter(|c| c.sure && rank(c, context).0 > 0).max_by_key(|c| rank(c, context));
            if let Some(c) = &best {
                sure_encodings.push(c.encoding);
            }
            chosen.push(best);
        } else {
            chosen.push(None);
            unsure.push((i, found, context));
        }
    }
    // Only from an encoding a sure token was read in, not one it merely allowed:
    // in "Phuû Hùng" Phuû is VNI Phủ (TCVN3 would be Phuỷ), so Hùng stays Hùng
    // rather than TCVN3 Hựng.
    for (i, found, context) in unsure {
        chosen[i] = found.into_iter().filter(|c| sure_encodings.contains(&c.encoding)).max_by_key(|c| rank(c, context));
    }
    if chosen.iter().all(Option::is_none) {
        return None;
    }
    fix_tcvn3_case(text, &spans, &mut chosen);
    let mut out = String::with_capacity(text.len() + 16);
    let mut encodings = Vec::new();
    let mut last = 0;
    for (&(s, e), choice) in spans.iter().zip(&chosen) {
        out.push_str(&text[last..s]);
        match choice {
            Some(c) => {
                out.push_str(&c.text);
                if !encodings.contains(&c.encoding) {
                    encodings.push(c.encoding);
                }
            }
            None => out.push_str(&text[s..e]),
        }
        last = e;
    }
    out.push_str(&text[last..]);
    let out: String = out.nfc().collect();
    (out != text).then_some(Repaired { text: out, encodings })
}

/// TCVN3's toned capitals are written with lowercase codes: restore the case the
/// rest of the name shows (all capitals, or each word capitalised).
fn fix_tcvn3_case(text: &str, spans: &[(usize, usize)], chosen: &mut [Option<Candidate>]) {
    if !chosen.iter().flatten().any(|c| c.loose_case.iter().any(|&l| l)) {
        return;
    }
    // Capitals after a word's first letter tell all-capitals from title case.
    let (mut inner_upper, mut lower) = (0usize, 0usize);
    let (mut title, mut title_seen) = (true, false);
    for (&(s, e), choice) in spans.iter().zip(chosen.iter()) {
        let letters: Vec<(char, bool)> = match choice {
            Some(c) if !c.loose_case.is_empty() => c.text.chars().zip(c.loose_case.iter().copied()).collect(),
            Some(c) => c.text.chars().map(|ch| (ch, false)).collect(),
            None => text[s..e].chars().map(|ch| (ch, false)).collect(),
        };
        let mut first = true;
        for (ch, loose) in letters {
            if !ch.is_alphabetic() {
                continue;
            }
            if !loose {
                inner_upper += (!first && ch.is_uppercase()) as usize;
                lower += ch.is_lowercase() as usize;
                if first {
                    title_seen = true;
                    title &= ch.is_uppercase();
                }
            }
            first = false;
        }
    }
    let all_caps = inner_upper >= 1 && lower == 0;
    let title = title && title_seen;
    if !all_caps && !title {
        return;
    }
    for c in chosen.iter_mut().flatten().filter(|c| !c.loose_case.is_empty()) {
        let mut fixed = String::with_capacity(c.text.len());
        let mut first = true;
        for (ch, &loose) in c.text.chars().zip(&c.loose_case) {
            if loose && (all_caps || first) {
                fixed.extend(ch.to_uppercase());
            } else {
                fixed.push(ch);
            }
            first &= !ch.is_alphabetic();
        }
        c.text = fixed;
    }
}

// ---------------------------------------------------------------------------
// Telex
// ---------------------------------------------------------------------------

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

    fn fixed(raw: &str) -> String {
        repair(raw).map(|r| r.text).unwrap_or_else(|| raw.to_string())
    }

    const NAMES: [&str; 44] = [
        "Nguyễn Văn Hùng",
        "Trần Thị Thuỷ",
        "Lê Quốc Việt",
        "Phạm Thị Ngọc Ánh",
        "Đặng Hữu Nghĩa",
        "Bùi Thị Hường",
        "Hoàng Văn Quyết",
        "Huỳnh Thị Yến",
        "Võ Đình Quảng",
        "Dương Thị Mỹ",
        "Ngô Xuân Trường",
        "Đỗ Thị Khuê",
        "Phan Văn Khoẻ",
        "Tôn Thất Thuyết",
        "Lý Thị Ngân",
        "Hồ Sĩ Dũng",
        "Trịnh Văn Ước",
        "Vũ Thị Luỹ",
        "Lương Văn Tuyển",
        "Hà Văn Thắng",
        "Trương Thị Mỹ Hạnh",
        "Đinh Công Tráng",
        "Mai Thị Hằng",
        "Tạ Quang Bửu",
        "Lâm Thị Mẫn",
        "Cao Xuân Dục",
        "Kiều Thị Thơ",
        "Âu Dương Lân",
        "Ông Ích Khiêm",
        "Nghiêm Xuân Yêm",
        "Lưu Thị Huế",
        "Quách Tuấn Khanh",
        "Đoàn Thị Điểm",
        "Lò Văn Giàng",
        "Giáp Văn Cương",
        "Hứa Vĩnh Sang",
        "Tăng Bạt Hổ",
        "Nguyễn Thị Ẩn",
        "Ứng Thị Ỷ",
        "Phùng Khắc Khoan",
        "NGUYỄN THỊ HỒNG NHUNG",
        "TRẦN ĐỨC ỨNG",
        "LÊ VĂN ẤN",
        "Nguyễn Trãi",
    ];

    #[test]
    fn reference_examples() {
        let cases = [
            ("Tröông Thò Myõ Haïnh", "Trương Thị Mỹ Hạnh"),
            ("Voõ Ñình Quaûng", "Võ Đình Quảng"),
            ("Löông Vaên Tuyeån", "Lương Văn Tuyển"),
            ("Haø Vaên Thaéng", "Hà Văn Thắng"),
            ("Tr\u{AD}¬ng ThÞ Mü H¹nh", "Trương Thị Mỹ Hạnh"),
            ("Vâ §×nh Qu¶ng", "Võ Đình Quảng"),
            ("L\u{AD}¬ng V¨n TuyÓn", "Lương Văn Tuyển"),
            ("Hµ V¨n Th¾ng", "Hà Văn Thắng"),
            ("Tru+o+ng Thi. My~ Ha.nh", "Trương Thị Mỹ Hạnh"),
            ("Vo~ DDi`nh Qua?ng", "Võ Đình Quảng"),
            ("Lu+o+ng Va(n Tuye^?n", "Lương Văn Tuyển"),
            ("Ha` Va(n Tha('ng", "Hà Văn Thắng"),
            ("Nguyá»…n", "Nguyễn"),
        ];
        for (raw, want) in cases {
            assert_eq!(fixed(raw), want, "{raw}");
        }
        // The reference's VNI "Mì" is not Mỹ (VNI writes ỹ as "yõ"); Mì stays Mì.
        assert_eq!(fixed("Tröông Thò Mì Haïnh"), "Trương Thị Mì Hạnh");
    }

    #[test]
    fn a_lone_y_only_after_the_consonants_that_take_it() {
        // VNI reads "Bî" as Bỵ, which no one writes; TCVN3 reads it as Bợ.
        assert_eq!(fixed("Bî"), "Bợ");
        assert!(!plausible_syllable("bỵ") && !plausible_syllable("chý"));
        for ok in ["mỹ", "kỳ", "lý", "hy", "thy", "vy", "sỹ", "tý", "yến", "huỳnh", "quý", "thụy"] {
            assert!(plausible_syllable(ok), "{ok}");
        }
    }

    #[test]
    fn a_vni_mark_character_is_no_capital() {
        // Ø is VNI's grave: "AØ Hùng" is title case, not capitals with TCVN3 codes.
        assert_eq!(fixed("AØ Hùng"), "À Hùng");
        assert_eq!(fixed("Hùng AØ"), "Hùng À");
        assert_eq!(fixed("CAO Lý"), "CAO LÝ");
        // Left as it is: one-letter words are capitals too, so in "A AØ Rông" the
        // name looks written in capitals and "Rông" reads as TCVN3 Rụng.
    }

    #[test]
    fn gi_is_never_followed_by_another_i() {
        // VNI reads "Giæ" as Giỉ, which is written gỉ; TCVN3 reads it as Giổ (fuzz find).
        assert_eq!(fixed("Giæ"), "Giổ");
        assert_eq!(fixed("GIæ"), "GIỔ");
    }

    #[test]
    fn encoders_match_the_reference() {
        assert_eq!(encode_vni("Trương Thị Mỹ Hạnh"), "Tröông Thò Myõ Haïnh");
        assert_eq!(encode_vni("Võ Đình Quảng"), "Voõ Ñình Quaûng");
        assert_eq!(encode_tcvn3("Lương Văn Tuyển"), "L\u{AD}¬ng V¨n TuyÓn");
        assert_eq!(encode_tcvn3("Võ Đình Quảng"), "Vâ §×nh Qu¶ng");
        assert_eq!(encode_viqr("Trương Thị Mỹ Hạnh"), "Tru+o+ng Thi. My~ Ha.nh");
        assert_eq!(encode_viqr("Hà Văn Thắng"), "Ha` Va(n Tha('ng");
        assert_eq!(encode_viqr("Nguyễn Văn A."), "Nguye^~n Va(n A\\.");
        assert_eq!(mojibake("Nguyễn", Encoding::Utf8AsCp1252), "Nguyá»…n");
        // Other characters pass through.
        for s in ["José Müller-Ñúñez 12", "Ksor H'Hen", "李"] {
            let kept = s.replace("'", "\\'").replace("é", "e'").replace("ú", "u'");
            assert_eq!(encode_viqr(s), kept);
            assert_eq!(encode_vni(s), s.replace("é", "eù").replace("ú", "uù"));
        }
    }

    #[test]
    fn round_trips() {
        for name in NAMES {
            for (encoded, what) in
                [(encode_vni(name), "vni"), (encode_tcvn3(name), "tcvn3"), (encode_viqr(name), "viqr")]
            {
                assert_ne!(encoded, name, "{what}");
                assert_eq!(fixed(&encoded), name, "{what}: {encoded}");
            }
            for enc in [Encoding::Utf8AsCp1252, Encoding::Utf8AsCp1250, Encoding::Utf8AsMacRoman] {
                let broken = mojibake(name, enc);
                assert_ne!(broken, name);
                let r = repair(&broken).unwrap_or_else(|| panic!("{enc:?}: {broken}"));
                assert_eq!(r.text, name, "{enc:?}: {broken}");
                // cp1250 and cp1252 agree on many bytes: either reading is right then.
                if mojibake(name, Encoding::Utf8AsCp1252) != broken {
                    assert_eq!(r.encodings, vec![enc]);
                }
                // Mis-read twice over.
                assert_eq!(fixed(&mojibake(&broken, enc)), name, "{enc:?} twice");
            }
            // Decomposed input decodes alike.
            let nfd: String = encode_viqr(name).nfd().collect();
            assert_eq!(fixed(&nfd), name);
        }
    }

    #[test]
    fn encodings_are_reported() {
        assert_eq!(repair("Löông Vaên Tuyeån").unwrap().encodings, vec![Encoding::Vni]);
        assert_eq!(repair("L\u{AD}¬ng V¨n TuyÓn").unwrap().encodings, vec![Encoding::Tcvn3]);
        assert_eq!(repair("Lu+o+ng Va(n").unwrap().encodings, vec![Encoding::Viqr]);
        // Tokens in different encodings within one name.
        let r = repair("Löông V¨n Tuye^?n").unwrap();
        assert_eq!(r.text, "Lương Văn Tuyển");
        assert_eq!(r.encodings, vec![Encoding::Vni, Encoding::Tcvn3, Encoding::Viqr]);
    }

    /// A valid syllable carrying `c`, to test every letter in a name.
    fn carrier(c: char) -> Option<String> {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let caps = |s: String| if c.is_uppercase() { s.to_uppercase() } else { s };
        ["t{}", "t{}n", "{}n", "{}a", "ng{}", "kh{}", "h{}t", "{}"]
            .iter()
            .map(|p| p.replace("{}", &lower.to_string()))
            .find(|s| is_valid_syllable(s))
            .map(caps)
    }

    #[test]
    fn every_letter_round_trips() {
        let mut count = 0;
        for c in MARKED_LETTERS.chars().chain("aeiouyAEIOUY".chars()) {
            let syllable = carrier(c).unwrap_or_else(|| panic!("no carrier for {c}"));
            assert!(syllable.contains(c), "{syllable} {c}");
            count += 1;
            let name =
                if c.is_uppercase() { format!("NGUYỄN {syllable}") } else { format!("Nguyễn Thị {syllable}") };
            for (encoded, what) in
                [(encode_vni(&name), "vni"), (encode_tcvn3(&name), "tcvn3"), (encode_viqr(&name), "viqr")]
            {
                assert_eq!(fixed(&encoded), name, "{what} {c}: {encoded}");
            }
            // Each letter alone in its token, and capitals outside an all-caps name.
            assert_eq!(fixed(&format!("Tröông {}", encode_vni(&syllable))), format!("Trương {syllable}"), "vni {c}");
        }
        assert_eq!(count, 134 + 12); // the 134 non-ASCII letters and the plain vowels
    }

    #[test]
    fn tcvn3_full_vn1_capitals_decode() {
        // Text from a VN1 source writes toned capitals with their own codes.
        let vn1: String = "Nguyễn Thị Ánh"
            .chars()
            .map(|c| TCVN3.iter().find(|(l, _)| *l == c).map_or(c, |(_, code)| *code))
            .collect();
        assert_eq!(vn1, "NguyÔn ThÞ ƒnh");
        assert_eq!(fixed(&vn1), "Nguyễn Thị Ánh");
        // VN3 fonts: the lowercase code, capitalised from the rest of the name.
        assert_eq!(encode_tcvn3("Nguyễn Thị Ánh"), "NguyÔn ThÞ ¸nh");
        assert_eq!(fixed("nguyÔn thÞ ¸nh"), "nguyễn thị ánh");
        assert_eq!(fixed("NGUYÔN V¡N Hµ"), "NGUYỄN VĂN HÀ");
        // TCVN3's combining tone marks.
        assert_eq!(fixed("Nguyªn V¨n Ha°"), "Nguyên Văn Hà");
    }

    #[test]
    fn plain_names_and_minority_names_are_left_alone() {
        for s in [
            "Nguyễn Văn Hùng",
            "Nguyen Van Hung",
            "NGUYỄN VĂN HÙNG",
            "Nguyễn Văn A.",
            "Nguyen Van A.",
            "H'Hen Niê",
            "Ksor Y Phen",
            "Y Phen Ktla",
            "Hoà",
            "Lê Thị Hoà",
            "Quân",
            "Xuân",
            "Thò",
            "Nguyễn Thị Hà",
            "Nguyễn V. Hùng",
            "O'Neil",
            "",
            "   ",
            "Nguyễn Thị Thuý (Ba)",
        ] {
            assert_eq!(repair(s), None, "{s}");
        }
        let nfd: String = "Nguyễn Thị Hoà".nfd().collect();
        assert!(!has_signature(&nfd));
        assert!(!has_signature("Trần Thị Thuỷ"));
        assert!(!has_signature("Lã Bá Tư"));
        assert!(!has_signature("TRẦN THỊ THUỶ NGUYỄN QUYẾT"));
    }

    #[test]
    fn vni_ambiguity_follows_context() {
        // "Hoà" alone is Unicode Hòa; beside other VNI tokens it is VNI Hồ.
        assert_eq!(repair("Hoà"), None);
        assert_eq!(fixed("Nguyeãn Thò Hoà"), "Nguyễn Thị Hồ");
        // Context from another encoding does not decode it.
        assert_eq!(fixed("NguyÔn ThÞ Hoà"), "Nguyễn Thị Hoà");
        // With no token that only legacy text could hold, there is nothing to go on:
        // TCVN3 "Khóc Thõa Dô" (Khúc Thừa Dụ) is also valid Unicode.
        assert_eq!(encode_tcvn3("Khúc Thừa Dụ"), "Khóc Thõa Dô");
        assert_eq!(repair("Khóc Thõa Dô"), None);
    }

    #[test]
    fn separators_and_other_tokens_are_kept() {
        assert_eq!(fixed("Löông,  Vaên\u{A0}Tuyeån (Ba)"), "Lương,  Văn\u{A0}Tuyển (Ba)");
        assert_eq!(fixed("OÂng Löông Vaên Tuyeån"), "Ông Lương Văn Tuyển");
        assert_eq!(repair("Ông"), None);
        assert_eq!(fixed("Nguye^~n Va(n A."), "Nguyễn Văn Ạ");
        assert_eq!(fixed("Nguye^~n, Va(n"), "Nguyễn, Văn");
        assert_eq!(fixed("Ho\u{E0}ng"), "Hoàng");
        // NBSP inside mojibake: à is C3 A0.
        assert_eq!(fixed("HoÃ\u{A0}ng VÄƒn"), "Hoàng Văn");
    }

    #[test]
    fn hard_cases_found_on_generated_rosters() {
        let cases = [
            ("Cao LÖ", "Cao Lệ"),                // VNI would read LƯ, in capitals
            ("CAO Vò", "CAO VŨ"),                // VNI would read Vị, in lowercase
            ("Cao Lùc", "Cao Lực"),              // a grave never closes with c
            ("Cao Thóy", "Cao Thúy"),            // "oy" is no rhyme
            ("Cao Quúnh", "Cao Quỳnh"),          // qu is never followed by u
            ("Cao Lôa", "Cao Lụa"),              // "ôa" is no rhyme
            ("CAO LéC", "CAO LỘC"),              // lowercase inside capitals
            ("Cao BÝch", "Cao Bích"),            // capital inside a title-case word
            ("Cao Anh Hîp", "Cao Anh Hợp"),      // VNI would read Hỵp, no Vietnamese rhyme
            ("Cao Baù My", "Cao Bá My"),         // "bàu" with the tone on the glide
            ("Cao Duy Ñònh", "Cao Duy Định"),    // ñ is no Vietnamese letter
            ("CAO Lý", "CAO LÝ"),                // TCVN3 has no Ý code
            ("Cao Ba' My", "Cao Bá My"),         // VIQR acute closing a word
            ("Cao LÃ\u{A0}nh", "Cao Lành"),      // mojibake with NBSP as a byte
            ("CAO THANH HÃ’A", "CAO THANH HÒA"), // mojibake with a curly quote as a byte
            ("DANH TH∆Ø∆†L", "DANH THƯƠL"),      // Khmer Thươl is no syllable
            ("BAN SĆ\u{A0}", "BAN SƠ"),          // cp1250
            ("NGUYỄN THỊ Hà", "NGUYỄN THỊ Hà"),  // Ễ and Ị exist only in Unicode
            ("ÿù", "ÿù"),                        // MacRoman reading is U+061D alone
            ("Phuû Hùng", "Phủ Hùng"),           // Phuû is read as VNI, so Hùng is not TCVN3
            ("NGHÐN", "NGHÉN"),                  // Đ never stands inside a word
            ("Ðc Anh", "Éc Anh"),                // nor before a consonant
        ];
        for (raw, want) in cases {
            assert_eq!(fixed(raw), want, "{raw}");
        }
    }

    #[test]
    fn decomposed_text_is_judged_as_composed() {
        let mut samples: Vec<String> = NAMES.iter().map(|s| s.to_string()).collect();
        for name in NAMES {
            samples.extend([
                encode_vni(name),
                encode_tcvn3(name),
                encode_viqr(name),
                mojibake(name, Encoding::Utf8AsCp1252),
            ]);
        }
        samples.extend(
            ["NGUYÔN", "CAO LéC", "Cao BÝch", "Cao Lùc", "Cao Thóy", "Hoà", "e\u{303}\u{302}", "ñ", "o\u{308}"]
                .map(String::from),
        );
        for s in samples {
            let nfc: String = s.nfc().collect();
            let nfd: String = s.nfd().collect();
            assert_eq!(has_signature(&nfc), has_signature(&nfd), "{s}");
            assert_eq!(repair(&nfc), repair(&nfd), "{s}");
        }
    }

    #[test]
    fn repairs_are_stable() {
        for name in NAMES {
            for encoded in
                [encode_vni(name), encode_tcvn3(name), encode_viqr(name), mojibake(name, Encoding::Utf8AsCp1252)]
            {
                let once = fixed(&encoded);
                assert_eq!(repair(&once), None, "{encoded} → {once}");
            }
        }
    }

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

    #[test]
    fn odd_inputs_do_not_panic() {
        let all_high = mojibake(MARKED_LETTERS, Encoding::Utf8AsMacRoman);
        let latin1: String = (0x80u32..=0xFF).filter_map(char::from_u32).collect();
        let cp1252: String = (0x80u8..=0xFF)
            .map(|b| encoding_rs::WINDOWS_1252.decode_without_bom_handling(&[b]).0.into_owned())
            .collect();
        let long = "Löông Vaên ".repeat(90);
        let inputs = [
            all_high.as_str(),
            latin1.as_str(),
            cp1252.as_str(),
            long.as_str(),
            "\u{0301}",
            "\u{0301}\u{0302}a\u{031B}\u{0323}\u{0309}",
            "\u{AD}",
            "\u{AD}\u{AD} \u{AD}",
            "a\u{AD}",
            "\\",
            "\\'",
            "a\\",
            "dd",
            "DD DD",
            "a+(^",
            "~~~~",
            "'.'.''",
            "°±²³´",
            "a°±",
            "\u{1}\u{2}\u{17}",
            "Ã",
            "Ã\u{A0}",
            "\u{FFFD}\u{10FFFF}",
            "𝔑𝔤𝔲𝔶ễ𝔫",
            "ǅ ǈ ǋ",
        ];
        for input in inputs {
            if let Some(r) = repair(input) {
                assert!(unicode_normalization::is_nfc(&r.text));
            }
            let _ = telex_decode(input);
            let _ = encode_vni(input);
            let _ = encode_tcvn3(input);
            let _ = encode_viqr(input);
        }
        // A pseudo-random sweep over characters legacy text is made of.
        let alphabet: Vec<char> = "aeiouycnhtgqAIYdD .'+(^~`?\\\u{AD}\u{A0}¬§×µ¨ªÔÓÃÂâãàáùøûõïñöôæìíîò€ƒ’\u{81}\u{300}\u{301}\u{302}\u{303}\u{306}\u{309}\u{31B}\u{323}\u{308}ễăĐÝý"
            .chars()
            .collect();
        let mut seed = 0x2545F4914F6CDD1Du64;
        for _ in 0..20000 {
            let mut s = String::new();
            for _ in 0..(seed % 13) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(1);
            if let Some(r) = repair(&s) {
                assert!(!r.encodings.is_empty());
            }
            let _ = telex_decode(&s);
            let nfc: String = s.nfc().collect();
            let nfd: String = s.nfd().collect();
            assert_eq!(has_signature(&nfc), has_signature(&nfd), "{s:?}");
            assert_eq!(repair(&nfc), repair(&nfd), "{s:?}");
        }
    }
}

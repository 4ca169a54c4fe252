//! Legacy encodings and mojibake: VNI-Windows, TCVN3 (ABC), VIQR (RFC 1456), and
//! UTF-8 read back as Windows-1252, Windows-1250 or MacRoman.
//!
//! Old Excel files carry names typed in 8-bit Vietnamese fonts and shown today as
//! Windows-1252 characters. Decoding is per token and only for tokens that carry a
//! legacy signature; a decoding is accepted only when every syllable it yields is a
//! valid Vietnamese syllable. A token that is already valid Unicode (VNI "Hoà" is
//! Hồ, Unicode "Hoà" is Hòa) is decoded only when another token of the same name was
//! unambiguously decoded from the same encoding.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use super::letters::{compose, decompose, Letter, Quality, Tone};
use super::syllable::is_valid_syllable;

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

/// TCVN3 (TCVN 5712:1993, the ABC fonts) as Windows-1252 characters, generated from
/// glibc's TCVN5712-1 table. ư is U+00AD, an invisible soft hyphen.
const TCVN3: &[(char, &str)] = &[('à', "µ"), ('á', "¸"), ('ả', "¶"), ('ã', "·"), ('ạ', "¹"), ('ă', "¨"), ('ằ', "»"), ('ắ', "¾"), ('ẳ', "¼"), ('ẵ', "½"), ('ặ', "Æ"), ('â', "©"), ('ầ', "Ç"), ('ấ', "Ê"), ('ẩ', "È"), ('ẫ', "É"), ('ậ', "Ë"), ('è', "Ì"), ('é', "Ð"), ('ẻ', "Î"), ('ẽ', "Ï"), ('ẹ', "Ñ"), ('ê', "ª"), ('ề', "Ò"), ('ế', "Õ"), ('ể', "Ó"), ('ễ', "Ô"), ('ệ', "Ö"), ('ì', "×"), ('í', "Ý"), ('ỉ', "Ø"), ('ĩ', "Ü"), ('ị', "Þ"), ('ò', "ß"), ('ó', "ã"), ('ỏ', "á"), ('õ', "â"), ('ọ', "ä"), ('ô', "«"), ('ồ', "å"), ('ố', "è"), ('ổ', "æ"), ('ỗ', "ç"), ('ộ', "é"), ('ơ', "¬"), ('ờ', "ê"), ('ớ', "í"), ('ở', "ë"), ('ỡ', "ì"), ('ợ', "î"), ('ù', "ï"), ('ú', "ó"), ('ủ', "ñ"), ('ũ', "ò"), ('ụ', "ô"), ('ư', "\u{AD}"), ('ừ', "õ"), ('ứ', "ø"), ('ử', "ö"), ('ữ', "÷"), ('ự', "ù"), ('ỳ', "ú"), ('ỷ', "û"), ('ỹ', "ü"), ('ỵ', "þ"), ('đ', "®"), ('À', "€"), ('Á', "ƒ"), ('Ả', "\u{81}"), ('Ã', "‚"), ('Ạ', "„"), ('Ă', "¡"), ('Ằ', "¯"), ('Ắ', "À"), ('Ẳ', "º"), ('Ẵ', "¿"), ('Ặ', "…"), ('Â', "¢"), ('Ầ', "Á"), ('Ấ', "Ä"), ('Ẩ', "Â"), ('Ẫ', "Ã"), ('Ậ', "†"), ('È', "‡"), ('É', "Š"), ('Ẻ', "ˆ"), ('Ẽ', "‰"), ('Ẹ', "‹"), ('Ê', "£"), ('Ề', "Å"), ('Ế', "Ú"), ('Ể', "Í"), ('Ễ', "Ù"), ('Ệ', "Œ"), ('Ì', "\u{8D}"), ('Í', "\u{90}"), ('Ỉ', "Ž"), ('Ĩ', "\u{8F}"), ('Ị', "‘"), ('Ò', "’"), ('Ó', "•"), ('Ỏ', "“"), ('Õ', "”"), ('Ọ', "–"), ('Ô', "¤"), ('Ồ', "Û"), ('Ố', "ÿ"), ('Ổ', "à"), ('Ỗ', "ð"), ('Ộ', "—"), ('Ơ', "¥"), ('Ờ', "˜"), ('Ớ', "›"), ('Ở', "™"), ('Ỡ', "š"), ('Ợ', "œ"), ('Ù', "\u{9D}"), ('Ú', "\u{1}"), ('Ủ', "ž"), ('Ũ', "Ÿ"), ('Ụ', "\u{2}"), ('Ư', "¦"), ('Ừ', "\u{4}"), ('Ứ', "\u{11}"), ('Ử', "\u{5}"), ('Ữ', "\u{6}"), ('Ự', "\u{12}"), ('Ỳ', "\u{13}"), ('Ý', "\u{16}"), ('Ỷ', "\u{14}"), ('Ỹ', "\u{15}"), ('Ỵ', "\u{17}"), ('Đ', "§")];

/// VNI-Windows: a base letter and a mark byte, or one byte for ư ơ đ and the i's.
fn vni_of(letter: char) -> Option<String> {
    let l = decompose(letter)?;
    let upper = l.upper;
    let pick = |lower: &str, up: &str| if upper { up.to_string() } else { lower.to_string() };
    let tone_mark = |t: Tone| -> &str {
        match (t, upper) {
            (Tone::Acute, false) => "ù",
            (Tone::Grave, false) => "ø",
            (Tone::Hook, false) => "û",
            (Tone::Tilde, false) => "õ",
            (Tone::Dot, false) => "ï",
            (Tone::Acute, true) => "Ù",
            (Tone::Grave, true) => "Ø",
            (Tone::Hook, true) => "Û",
            (Tone::Tilde, true) => "Õ",
            (Tone::Dot, true) => "Ï",
            (Tone::Level, _) => "",
        }
    };
    let base = if upper { (l.base as char).to_ascii_uppercase() } else { l.base as char };
    Some(match (l.base, l.quality) {
        (b'd', Quality::Stroke) => pick("ñ", "Ñ"),
        (b'd', _) => return None,
        (b'i', Quality::Plain) => match l.tone {
            Tone::Level => base.to_string(),
            Tone::Grave => pick("ì", "Ì"),
            Tone::Acute => pick("í", "Í"),
            Tone::Hook => pick("æ", "Æ"),
            Tone::Tilde => pick("ó", "Ó"),
            Tone::Dot => pick("ò", "Ò"),
        },
        (b'y', Quality::Plain) if l.tone == Tone::Dot => pick("î", "Î"),
        (b'a' | b'e' | b'o', Quality::Circumflex) => {
            let mark = match (l.tone, upper) {
                (Tone::Level, false) => "â",
                (Tone::Acute, false) => "á",
                (Tone::Grave, false) => "à",
                (Tone::Hook, false) => "å",
                (Tone::Tilde, false) => "ã",
                (Tone::Dot, false) => "ä",
                (Tone::Level, true) => "Â",
                (Tone::Acute, true) => "Á",
                (Tone::Grave, true) => "À",
                (Tone::Hook, true) => "Å",
                (Tone::Tilde, true) => "Ã",
                (Tone::Dot, true) => "Ä",
            };
            format!("{base}{mark}")
        }
        (b'a', Quality::Breve) => {
            let mark = match (l.tone, upper) {
                (Tone::Level, false) => "ê",
                (Tone::Acute, false) => "é",
                (Tone::Grave, false) => "è",
                (Tone::Hook, false) => "ú",
                (Tone::Tilde, false) => "ü",
                (Tone::Dot, false) => "ë",
                (Tone::Level, true) => "Ê",
                (Tone::Acute, true) => "É",
                (Tone::Grave, true) => "È",
                (Tone::Hook, true) => "Ú",
                (Tone::Tilde, true) => "Ü",
                (Tone::Dot, true) => "Ë",
            };
            format!("{base}{mark}")
        }
        (b'o', Quality::Horn) => format!("{}{}", pick("ô", "Ô"), tone_mark(l.tone)),
        (b'u', Quality::Horn) => format!("{}{}", pick("ö", "Ö"), tone_mark(l.tone)),
        (b'a' | b'e' | b'o' | b'u' | b'y', Quality::Plain) => format!("{base}{}", tone_mark(l.tone)),
        _ => return None,
    })
}

/// Every Vietnamese letter, lower and upper case, NFC.
fn vietnamese_letters() -> impl Iterator<Item = char> {
    "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ"
        .chars()
        .flat_map(|c| [c, c.to_uppercase().next().unwrap_or(c)])
}

struct Decoder {
    /// Legacy sequence → letter, longest sequences tried first.
    map: HashMap<String, char>,
    longest: usize,
}

impl Decoder {
    fn new(pairs: impl Iterator<Item = (char, String)>) -> Decoder {
        let mut map = HashMap::new();
        for (letter, seq) in pairs {
            if seq.chars().count() == 1 && seq.starts_with(|c: char| c.is_ascii()) {
                continue; // plain ASCII letters stand for themselves
            }
            map.entry(seq).or_insert(letter);
        }
        let longest = map.keys().map(|k| k.chars().count()).max().unwrap_or(1);
        Decoder { map, longest }
    }

    /// Decodes a token; None when a character has no place in this encoding.
    fn decode(&self, token: &str) -> Option<String> {
        let chars: Vec<char> = token.chars().collect();
        let mut out = String::with_capacity(token.len());
        let mut i = 0;
        let mut buf = String::new();
        'outer: while i < chars.len() {
            for len in (1..=self.longest.min(chars.len() - i)).rev() {
                buf.clear();
                buf.extend(&chars[i..i + len]);
                if let Some(letter) = self.map.get(&buf) {
                    out.push(*letter);
                    i += len;
                    continue 'outer;
                }
            }
            let c = chars[i];
            if !c.is_ascii_alphabetic() {
                return None;
            }
            out.push(c);
            i += 1;
        }
        Some(out)
    }
}

fn vni() -> &'static Decoder {
    static D: OnceLock<Decoder> = OnceLock::new();
    D.get_or_init(|| Decoder::new(vietnamese_letters().filter_map(|c| vni_of(c).map(|s| (c, s)))))
}

fn tcvn3() -> &'static Decoder {
    static D: OnceLock<Decoder> = OnceLock::new();
    D.get_or_init(|| Decoder::new(TCVN3.iter().map(|(c, s)| (*c, s.to_string()))))
}

/// Characters of a code page's upper half, as Windows shows them, back to bytes.
fn code_page(encoding: Encoding) -> &'static HashMap<char, u8> {
    static TABLES: OnceLock<[HashMap<char, u8>; 3]> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        let build = |enc: &'static encoding_rs::Encoding| {
            let mut map = HashMap::new();
            for b in 0x80u8..=0xFF {
                let bytes = [b];
                let (text, had_errors) = enc.decode_without_bom_handling(&bytes);
                if had_errors {
                    // Undefined in the code page: such bytes survive as C1 controls.
                    map.insert(char::from(b), b);
                } else if let Some(c) = text.chars().next() {
                    map.insert(c, b);
                }
            }
            map
        };
        [build(encoding_rs::WINDOWS_1252), build(encoding_rs::WINDOWS_1250), build(encoding_rs::MACINTOSH)]
    });
    match encoding {
        Encoding::Utf8AsCp1250 => &tables[1],
        Encoding::Utf8AsMacRoman => &tables[2],
        _ => &tables[0],
    }
}

/// UTF-8 bytes shown in another code page, read back: "Nguyá»…n" → "Nguyễn".
fn unmojibake(raw: &str, encoding: Encoding) -> Option<String> {
    let table = code_page(encoding);
    let mut bytes = Vec::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii() {
            bytes.push(c as u8);
        } else {
            bytes.push(*table.get(&c)?);
        }
    }
    let text = String::from_utf8(bytes).ok()?;
    (text != raw).then_some(text)
}

/// UTF-8 text shown in a code page (the inverse of `unmojibake`), for tests and the generator.
pub fn mojibake(s: &str, encoding: Encoding) -> String {
    let enc = match encoding {
        Encoding::Utf8AsCp1250 => encoding_rs::WINDOWS_1250,
        Encoding::Utf8AsMacRoman => encoding_rs::MACINTOSH,
        _ => encoding_rs::WINDOWS_1252,
    };
    let mut out = String::new();
    for b in s.as_bytes() {
        if b.is_ascii() {
            out.push(*b as char);
            continue;
        }
        let (text, had_errors) = enc.decode_without_bom_handling(std::slice::from_ref(b));
        if had_errors {
            out.push(char::from(*b));
        } else {
            out.push_str(&text);
        }
    }
    out
}

fn encode_with(s: &str, f: impl Fn(char) -> Option<String>) -> String {
    s.nfc().map(|c| f(c).unwrap_or_else(|| c.to_string())).collect()
}

/// Unicode Vietnamese as VNI-Windows text shows it today ("Lương" → "Löông").
pub fn encode_vni(s: &str) -> String {
    encode_with(s, vni_of)
}

/// Unicode Vietnamese as TCVN3 text shows it today ("Lương" → "L\u{AD}¬ng").
pub fn encode_tcvn3(s: &str) -> String {
    encode_with(s, |c| TCVN3.iter().find(|(l, _)| *l == c).map(|(_, seq)| seq.to_string()))
}

/// Unicode Vietnamese in VIQR (RFC 1456): "Trương" → "Tru+o+ng".
pub fn encode_viqr(s: &str) -> String {
    encode_with(s, |c| {
        let l = decompose(c)?;
        let mut out = String::new();
        let base = if l.upper { (l.base as char).to_ascii_uppercase() } else { l.base as char };
        out.push(base);
        match l.quality {
            Quality::Circumflex => out.push('^'),
            Quality::Breve => out.push('('),
            Quality::Horn => out.push('+'),
            Quality::Stroke => out.push(base),
            Quality::Plain => {}
        }
        out.push_str(match l.tone {
            Tone::Grave => "`",
            Tone::Acute => "'",
            Tone::Hook => "?",
            Tone::Tilde => "~",
            Tone::Dot => ".",
            Tone::Level => "",
        });
        Some(out)
    })
}

/// Decodes one VIQR token, None unless it carries a mark and decodes to letters;
/// `true` beside the text when the only mark closes the word (weak evidence).
fn decode_viqr(token: &str) -> Option<(String, bool)> {
    let chars: Vec<char> = token.chars().collect();
    let mut letters: Vec<Letter> = Vec::new();
    let mut marked = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            // An escaped mark character is the character itself: not a name.
            return None;
        }
        if c.is_ascii_alphabetic() {
            if (c == 'd' || c == 'D') && chars.get(i + 1).is_some_and(|n| n.eq_ignore_ascii_case(&'d')) {
                letters.push(Letter { base: b'd', quality: Quality::Stroke, tone: Tone::Level, upper: c == 'D' });
                marked = true;
                i += 2;
                continue;
            }
            letters.push(decompose(c)?);
            i += 1;
            continue;
        }
        let last = letters.last_mut()?;
        let vowel = last.is_vowel();
        match c {
            '^' if vowel && matches!(last.base, b'a' | b'e' | b'o') && last.quality == Quality::Plain => last.quality = Quality::Circumflex,
            '(' if last.base == b'a' && last.quality == Quality::Plain => last.quality = Quality::Breve,
            '+' if matches!(last.base, b'o' | b'u') && last.quality == Quality::Plain => last.quality = Quality::Horn,
            '`' if vowel && last.tone == Tone::Level => last.tone = Tone::Grave,
            '\'' if vowel && last.tone == Tone::Level => last.tone = Tone::Acute,
            '?' if vowel && last.tone == Tone::Level => last.tone = Tone::Hook,
            '~' if vowel && last.tone == Tone::Level => last.tone = Tone::Tilde,
            '.' if vowel && last.tone == Tone::Level => last.tone = Tone::Dot,
            _ => return None,
        }
        marked = true;
        i += 1;
    }
    if !marked {
        return None;
    }
    // A full stop or apostrophe closing a word is punctuation ("Nguyễn Văn Thu."),
    // not a dot-below or an acute, unless the word carries other marks too.
    let marks = chars.iter().filter(|c| matches!(c, '^' | '(' | '+' | '`' | '\'' | '?' | '~' | '.')).count();
    let only_trailing = marks == 1 && matches!(chars.last(), Some('.' | '\''));
    let stroke = letters.iter().any(|l| l.quality == Quality::Stroke);
    let text: String = letters.iter().map(|l| compose(*l)).collect::<Option<_>>()?;
    Some((text, only_trailing && !stroke))
}

/// A character no Vietnamese Unicode name contains, but legacy text does.
fn is_foreign_char(c: char) -> bool {
    !(c.is_ascii() || decompose(c).is_some() || c.is_whitespace() || super::letters::combining_mark(c).is_some()
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
                'â' | 'á' | 'à' | 'å' | 'ã' | 'ä' | 'ê' | 'é' | 'è' | 'ú' | 'ü' | 'ë' | 'Â' | 'Á' | 'À' | 'Å' | 'Ã'
                    | 'Ä' | 'Ê' | 'É' | 'È' | 'Ú' | 'Ü' | 'Ë'
            )
        }
        'o' | 'O' => tone || matches!(mark, 'â' | 'Â'),
        'u' | 'y' | 'ô' | 'U' | 'Y' | 'Ô' => tone,
        _ => false,
    }
}

fn is_legacy_char(c: char) -> bool {
    static CHARS: OnceLock<std::collections::HashSet<char>> = OnceLock::new();
    CHARS
        .get_or_init(|| {
            let mut set: std::collections::HashSet<char> = vni().map.keys().chain(tcvn3().map.keys()).flat_map(|k| k.chars()).collect();
            set.extend(['\u{AD}', '+', '(', '^', '~', '`', '?', '\'', '.', '\\']);
            set
        })
        .contains(&c)
}

/// Whether `raw` may hold legacy-encoded text: one scan, no allocation.
pub(crate) fn has_signature(raw: &str) -> bool {
    signature_scan(raw).unwrap_or_else(|| {
        // Decomposed text: legacy text is precomposed Latin-1, so look at the NFC form.
        let nfc: String = raw.nfc().collect();
        signature_scan(&nfc).unwrap_or(false)
    })
}

/// None when a combining mark makes the answer depend on composition.
fn signature_scan(raw: &str) -> Option<bool> {
    let mut prev = ' ';
    let mut before = ' ';
    let mut prev_lower = false;
    // What stood before the current base letter, for the checks on a letter that
    // loose marks (NFD) are still building.
    let mut base_prev = ' ';
    let mut base_prev_lower = false;
    let mut building: Option<Letter> = None;
    for c in raw.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphabetic() {
                if (matches!(prev, '.' | '\'') && is_ascii_vowel(before)) || (matches!(c, 'd' | 'D') && matches!(prev, 'd' | 'D')) {
                    return Some(true);
                }
            } else if matches!(c, '+' | '(' | '^' | '~' | '`' | '?') && prev.is_ascii_alphabetic() {
                return Some(true);
            }
            base_prev = prev;
            base_prev_lower = prev_lower;
            prev_lower = c.is_ascii_lowercase();
            building = None;
        } else if let Some(mark) = super::letters::combining_mark(c) {
            let mut letter = building.or_else(|| decompose(prev))?;
            match mark {
                super::letters::Mark::Quality(q) => {
                    let fits = letter.quality == Quality::Plain
                        && matches!((q, letter.base), (Quality::Circumflex, b'a' | b'e' | b'o') | (Quality::Breve, b'a') | (Quality::Horn, b'o' | b'u'));
                    if !fits {
                        return None;
                    }
                    letter.quality = q;
                }
                super::letters::Mark::Tone(t) => {
                    if letter.tone != Tone::Level || !letter.is_vowel() {
                        return None;
                    }
                    letter.tone = t;
                }
            }
            // The same checks as for the precomposed letter these marks make.
            let composed = compose(letter)?;
            if is_vni_pair(base_prev, composed) || (letter.upper && base_prev_lower) {
                return Some(true);
            }
            building = Some(letter);
            continue;
        } else {
            building = None;
            base_prev = prev;
            base_prev_lower = prev_lower;
            match decompose(c) {
                Some(letter) => {
                    // VNI: a vowel and a mark letter ("Vaên"); TCVN3: lowercase letters
                    // shown as capitals inside a word ("NguyÔn", "tÌ").
                    if is_vni_pair(prev, c) || (letter.upper && prev_lower) {
                        return Some(true);
                    }
                    prev_lower = !letter.upper;
                }
                None if is_foreign_char(c) => return Some(true),
                None => prev_lower = false,
            }
        }
        before = prev;
        prev = c;
    }
    Some(false)
}

fn is_ascii_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'A' | 'E' | 'I' | 'O' | 'U' | 'Y')
}

fn all_valid(text: &str) -> bool {
    let mut any = false;
    for token in text.split_whitespace() {
        any = true;
        if !is_valid_syllable(token) {
            return false;
        }
    }
    any
}

/// Repairs legacy-encoded tokens of a raw (uncleaned) name; None when no token
/// needed it. One scan and no allocation for ordinary Unicode or ASCII names.
pub fn repair(raw: &str) -> Option<Repaired> {
    if !has_signature(raw) {
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
    let nfc: String;
    let raw = if unicode_normalization::is_nfc_quick(raw.chars()) == unicode_normalization::IsNormalized::Yes {
        raw
    } else {
        nfc = raw.nfc().collect();
        nfc.as_str()
    };
    // Mojibake first, on the whole string: its bytes may include NBSP (à = C3 A0).
    for encoding in [Encoding::Utf8AsCp1252, Encoding::Utf8AsCp1250, Encoding::Utf8AsMacRoman] {
        if let Some(text) = unmojibake(raw, encoding) {
            let changed_ok = text
                .split_whitespace()
                .zip(raw.split_whitespace())
                .all(|(new, old)| new == old || is_valid_syllable(new) || new.chars().all(|c| !is_foreign_char(c)));
            if changed_ok && text.chars().any(|c| !c.is_ascii()) {
                return Some(Repaired { text, encodings: vec![encoding] });
            }
        }
    }
    // Per token, split where the cleaned name will split, except at characters
    // legacy text uses as letters or marks (TCVN3's soft-hyphen ư, ¬, §,
    // VIQR's + ( ^ ~ ` ? ' .), so a decoded name never decodes again.
    let tokens: Vec<&str> = raw.split(|c: char| c == ' ' || c == '\t' || (super::tokens::is_separator(c) && !is_legacy_char(c))).collect();
    let mut best: Option<(Encoding, Vec<Option<String>>, usize)> = None;
    for encoding in [Encoding::Tcvn3, Encoding::Vni, Encoding::Viqr] {
        let mut decoded: Vec<Option<String>> = vec![None; tokens.len()];
        let mut unambiguous = 0;
        let mut ambiguous = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            if token.is_empty() {
                continue;
            }
            let (candidate, weak) = match encoding {
                Encoding::Tcvn3 => (tcvn3().decode(token), false),
                Encoding::Vni => (vni().decode(token), false),
                _ => decode_viqr(token).map_or((None, false), |(text, weak)| (Some(text), weak)),
            };
            // One character alone is too little evidence to call a token legacy text.
            let Some(candidate) = candidate.filter(|c| c != token && all_valid(c) && token.chars().count() > 1) else {
                continue;
            };
            if weak || is_valid_syllable(token) {
                ambiguous.push((i, candidate));
            } else {
                decoded[i] = Some(candidate);
                unambiguous += 1;
            }
        }
        if unambiguous == 0 {
            continue;
        }
        // The rest of the name is context: an ambiguous token follows its neighbours.
        for (i, candidate) in ambiguous {
            decoded[i] = Some(candidate);
        }
        if best.as_ref().is_none_or(|(_, _, n)| unambiguous > *n) {
            best = Some((encoding, decoded, unambiguous));
        }
    }
    let (encoding, decoded, _) = best?;
    let text = tokens
        .iter()
        .zip(decoded)
        .map(|(token, d)| d.unwrap_or_else(|| token.to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    Some(Repaired { text: text.nfc().collect(), encodings: vec![encoding] })
}

/// The Vietnamese syllable a Telex-typed token stands for ("Nguyeenx" → "Nguyễn",
/// "Ddawngj" → "Đặng"), when the token is not one already and decodes to one.
pub fn telex_decode(token: &str) -> Option<String> {
    if token.is_empty() || !token.is_ascii() || is_valid_syllable(token) || token.len() > 12 {
        return None;
    }
    let upper_first = token.starts_with(|c: char| c.is_ascii_uppercase());
    let mut s = token.to_ascii_lowercase();
    let tone = match s.as_bytes().last() {
        Some(b's') => Tone::Acute,
        Some(b'f') => Tone::Grave,
        Some(b'r') => Tone::Hook,
        Some(b'x') => Tone::Tilde,
        Some(b'j') => Tone::Dot,
        _ => Tone::Level,
    };
    if tone != Tone::Level {
        s.pop();
    }
    let replaced = s
        .replace("dd", "đ")
        .replace("uow", "ươ")
        .replace("aa", "â")
        .replace("aw", "ă")
        .replace("ee", "ê")
        .replace("oo", "ô")
        .replace("ow", "ơ")
        .replace("uw", "ư");
    if replaced.contains('w') || replaced == s && tone == Tone::Level {
        return None;
    }
    let mut letters: Vec<Letter> = replaced.chars().map(decompose).collect::<Option<_>>()?;
    if tone != Tone::Level {
        // Any vowel will do: parsing moves the tone where it belongs.
        let v = letters.iter().rposition(|l| l.is_vowel())?;
        letters[v].tone = tone;
    }
    if upper_first {
        letters[0].upper = true;
    }
    let out: String = letters.iter().map(|l| compose(*l)).collect::<Option<_>>()?;
    is_valid_syllable(&out).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(raw: &str) -> String {
        repair(raw).map(|r| r.text).unwrap_or_else(|| raw.to_string())
    }

    #[test]
    fn reference_examples() {
        assert_eq!(fixed("Löông Vaên Tuyeån"), "Lương Văn Tuyển");
        assert_eq!(fixed("Voõ Ñình Quaûng"), "Võ Đình Quảng");
        assert_eq!(fixed("Haø Vaên Thaéng"), "Hà Văn Thắng");
        assert_eq!(fixed("L\u{AD}¬ng V¨n TuyÓn"), "Lương Văn Tuyển");
        assert_eq!(fixed("Vâ §×nh Qu¶ng"), "Võ Đình Quảng");
        assert_eq!(fixed("Hµ V¨n Th¾ng"), "Hà Văn Thắng");
        assert_eq!(fixed("Tru+o+ng Thi. My~ Ha.nh"), "Trương Thị Mỹ Hạnh");
        assert_eq!(fixed("Vo~ DDi`nh Qua?ng"), "Võ Đình Quảng");
        assert_eq!(fixed("Lu+o+ng Va(n Tuye^?n"), "Lương Văn Tuyển");
    }

    #[test]
    fn round_trips() {
        let names = [
            "Nguyễn Văn Hùng", "Trần Thị Thuỷ", "Lê Quốc Việt", "Phạm Thị Ngọc Ánh", "Đặng Hữu Nghĩa", "Bùi Thị Hường",
            "Hoàng Văn Quyết", "Huỳnh Thị Yến", "Võ Đình Quảng", "Dương Thị Mỹ", "Ngô Xuân Trường", "Đỗ Thị Khuê",
            "Phan Văn Khoẻ", "Tôn Thất Thuyết", "Lý Thị Ngân", "Hồ Sĩ Dũng", "Trịnh Văn Ước", "Vũ Thị Luỹ",
        ];
        for name in names {
            for (encoded, what) in [(encode_vni(name), "vni"), (encode_tcvn3(name), "tcvn3"), (encode_viqr(name), "viqr")] {
                assert_eq!(fixed(&encoded).nfc().collect::<String>(), name, "{what}: {encoded}");
            }
            for enc in [Encoding::Utf8AsCp1252, Encoding::Utf8AsCp1250, Encoding::Utf8AsMacRoman] {
                let broken = mojibake(name, enc);
                assert_ne!(broken, name);
                assert_eq!(fixed(&broken), name, "{enc:?}: {broken}");
            }
        }
    }

    #[test]
    fn every_lowercase_letter_round_trips_alone_in_a_syllable() {
        for c in "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ".chars() {
            let syllable = format!("t{c}");
            if !is_valid_syllable(&syllable) {
                continue;
            }
            let name = format!("Nguyễn {syllable}");
            assert_eq!(fixed(&encode_vni(&name)), name, "vni {c}");
            assert_eq!(fixed(&encode_tcvn3(&name)), name, "tcvn3 {c}");
        }
    }

    #[test]
    fn plain_names_and_minority_names_are_left_alone() {
        for s in ["Nguyễn Văn Hùng", "Nguyen Van Hung", "Nguyễn Văn A.", "H'Hen Niê", "Ksor Y Phen", "Hoà", "Lê Thị Hoà", "Quân", "Xuân"] {
            assert_eq!(repair(s), None, "{s}");
        }
    }

    #[test]
    fn vni_ambiguity_follows_context() {
        // "Hoà" alone is Unicode Hòa; beside other VNI tokens it is VNI Hồ.
        assert_eq!(fixed("Nguyeãn Thò Hoà"), "Nguyễn Thị Hồ");
    }

    #[test]
    fn telex() {
        assert_eq!(telex_decode("Nguyeenx").as_deref(), Some("Nguyễn"));
        assert_eq!(telex_decode("Ddawngj").as_deref(), Some("Đặng"));
        assert!(telex_decode("Thuyr").is_some());
        for s in ["Ksor", "Nguyen", "Hung", "H'Hen", "Niê", ""] {
            assert_eq!(telex_decode(s), None, "{s}");
        }
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let mut s = String::new();
        for b in 0x80u32..=0xFF {
            s.push(char::from_u32(b).unwrap());
        }
        for input in [s.as_str(), "\u{0301}", "\u{AD}", "a\u{AD}", "\\'", "dd", "DD DD", "a+(^", "~~~~"] {
            let _ = repair(input);
            let _ = telex_decode(input);
        }
    }
}

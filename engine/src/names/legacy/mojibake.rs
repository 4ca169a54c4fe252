//! Mojibake: UTF-8 bytes shown in a single-byte code page (Windows-1252,
//! Windows-1250, MacRoman), and read back from it.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::encoding::Encoding;
use super::vietnamese::vietnamese_letter;
use crate::names::letters::combining_mark;
use crate::names::syllable::is_valid_syllable;
use crate::names::tokens::is_separator;

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
pub(super) fn unmojibake(raw: &str, encoding: Encoding) -> Option<String> {
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
pub(super) fn reads_as_vietnamese(text: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mojibake_matches_the_reference() {
        assert_eq!(mojibake("Nguyễn", Encoding::Utf8AsCp1252), "Nguyá»…n");
    }
}

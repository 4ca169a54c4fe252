//! TCVN3 (ABC): one byte per letter; the VN3 fonts lack the toned capitals, so
//! text typed in them writes those with the lowercase codes.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

use super::tables::{TCVN3, TCVN3_MARKS};

/// The only capitals the ABC (VN3) fonts have.
fn is_vn3_capital(c: char) -> bool {
    matches!(c, 'Ă' | 'Â' | 'Ê' | 'Ô' | 'Ơ' | 'Ư' | 'Đ')
}

/// TCVN3 characters to what they stand for: a letter or a combining mark.
pub(super) fn tcvn3_table() -> &'static FxHashMap<char, char> {
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

pub(super) struct Tcvn3Token {
    pub(super) chars: Vec<char>,
    /// Per character: a lowercase code whose capital VN3 lacks, so the case is unknown.
    pub(super) loose_case: Vec<bool>,
    /// Uses a capital only the rare VN1 set has.
    pub(super) vn1: bool,
}

pub(super) fn tcvn3_decode(token: &str) -> Option<Tcvn3Token> {
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

/// Unicode Vietnamese as TCVN3 text shows it today ("Lương" → "L\u{AD}¬ng"). Toned
/// capitals, which the ABC fonts lack, come out as their lowercase code.
pub fn encode_tcvn3(s: &str) -> String {
    let table = tcvn3_encoder();
    s.nfc().map(|c| table.get(&c).copied().unwrap_or(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoder_matches_the_reference() {
        assert_eq!(encode_tcvn3("Lương Văn Tuyển"), "L\u{AD}¬ng V¨n TuyÓn");
        assert_eq!(encode_tcvn3("Võ Đình Quảng"), "Vâ §×nh Qu¶ng");
    }
}

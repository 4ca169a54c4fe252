//! Legacy encodings and mojibake: VNI, TCVN3 (ABC), VIQR, and UTF-8 read as
//! Windows-1252 / Windows-1250 / MacRoman. Being written; see the module docs of
//! `names` for the contract.

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

/// Repairs legacy-encoded tokens of a raw (uncleaned) name; None when no token
/// needed it. Must stay cheap on the common case (plain Unicode).
pub fn repair(_raw: &str) -> Option<Repaired> {
    None
}

/// The Vietnamese syllable a Telex-typed token stands for ("Nguyeenx" → "Nguyễn"),
/// when it decodes to a valid syllable.
pub fn telex_decode(_token: &str) -> Option<String> {
    None
}

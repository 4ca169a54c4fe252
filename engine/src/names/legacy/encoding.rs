//! The legacy encodings a repair undoes.

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

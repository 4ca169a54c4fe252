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

impl Encoding {
    /// The name people know the encoding by, lower case ("tcvn3", "vni").
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Vni => "vni",
            Encoding::Tcvn3 => "tcvn3",
            Encoding::Viqr => "viqr",
            Encoding::Utf8AsCp1252 => "utf8_as_cp1252",
            Encoding::Utf8AsCp1250 => "utf8_as_cp1250",
            Encoding::Utf8AsMacRoman => "utf8_as_macroman",
        }
    }
}

//! Citizen ID numbers: cleaning what people type, and what the 12-digit number's
//! structure says (`PPP G YY RRRRRR`, see docs/citizen-id.md).
//!
//! There is no check digit: a well-formed number can still be wrong, and only
//! the population table confirms it. What can be checked here is the shape, the
//! province code against the 63-province table (never the 34 provinces of 2025:
//! nobody was renumbered), the sex digit and the birth year.

use super::places;

/// What a typed citizen ID turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CleanId {
    Missing,
    /// The 12-digit personal number, as a number (all have a leading zero).
    Personal(u64),
    /// A 9-digit CMND number of the old paper card.
    Legacy(u64),
    Malformed(Malformed),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// Full-width digits (U+FF10–FF19), typed with an East Asian input method on.
    FullWidthDigits,
    /// Digits of another script (Arabic-Indic, Devanagari, …).
    OtherDigits,
    /// Letters or symbols other than spaces, dots and dashes.
    Characters,
    /// "4.2090001234E+10": a spreadsheet stored the number as a number.
    Scientific,
    /// The count of digits, when it is neither 9 nor 12.
    Length(u8),
}

impl Malformed {
    pub fn message_vi(self) -> String {
        match self {
            Malformed::FullWidthDigits => {
                "số CCCD có chữ số toàn chiều rộng (０１２…); gõ lại bằng chữ số thường 0–9 (tắt chế độ gõ toàn chiều rộng)".into()
            }
            Malformed::OtherDigits => "số CCCD có chữ số không phải 0–9 (chữ số của hệ chữ khác); gõ lại bằng chữ số 0–9".into(),
            Malformed::Characters => "số CCCD có chữ cái hoặc ký hiệu; chỉ được có chữ số (dấu cách, chấm, gạch được bỏ qua)".into(),
            Malformed::Scientific => {
                "số CCCD bị bảng tính ghi dạng số mũ (vd. 4,2E+10) và mất chữ số; định dạng cột là Văn bản rồi nhập lại".into()
            }
            Malformed::Length(n) => format!("số CCCD có {n} chữ số; số định danh cá nhân có 12 chữ số (CMND cũ có 9)"),
        }
    }

    pub fn message_en(self) -> String {
        match self {
            Malformed::FullWidthDigits => {
                "the citizen ID has full-width digits (０１２…); retype it with ordinary digits 0–9 (turn full-width input off)".into()
            }
            Malformed::OtherDigits => "the citizen ID has digits of another script; retype it with digits 0–9".into(),
            Malformed::Characters => "the citizen ID has letters or symbols; only digits belong there (spaces, dots and dashes are ignored)".into(),
            Malformed::Scientific => {
                "a spreadsheet stored the citizen ID in scientific notation (e.g. 4.2E+10) and lost digits; format the column as Text and re-enter it".into()
            }
            Malformed::Length(n) => format!("the citizen ID has {n} digits; the personal number has 12 (the old CMND 9)"),
        }
    }
}

/// The cleaned number and whether a leading zero was put back (Excel drops it when
/// it stores "042090001234" as the number 42090001234).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cleaned {
    pub id: CleanId,
    pub zero_restored: bool,
}

fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '.' | '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{200B}' | '\u{FEFF}' | '\u{00AD}')
}

/// Cleans a typed number: spaces, dots and dashes go, a spreadsheet's text marker
/// (a leading apostrophe) and a float's ".0" go; anything else is reported.
pub fn clean(raw: &str) -> Cleaned {
    let mut s = raw.trim();
    s = s.strip_prefix('\'').unwrap_or(s).trim();
    if s.is_empty() {
        return Cleaned { id: CleanId::Missing, zero_restored: false };
    }
    if s.contains(['e', 'E']) && s.contains('+') {
        return Cleaned { id: CleanId::Malformed(Malformed::Scientific), zero_restored: false };
    }
    // "42090001234.0": a number rendered as a float. Thousand groups are 3 digits long.
    if let Some((int, frac)) = s.rsplit_once('.') {
        if !frac.is_empty()
            && frac.len() <= 2
            && frac.bytes().all(|b| b == b'0')
            && int.bytes().all(|b| b.is_ascii_digit())
        {
            s = int;
        }
    }
    let mut value: u64 = 0;
    let mut digits: u32 = 0;
    let mut problem: Option<Malformed> = None;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            if digits <= 18 {
                value = value * 10 + (c as u8 - b'0') as u64;
            }
        } else if is_separator(c) {
        } else if ('\u{FF10}'..='\u{FF19}').contains(&c) {
            problem.get_or_insert(Malformed::FullWidthDigits);
        } else if c.is_numeric() {
            problem.get_or_insert(Malformed::OtherDigits);
        } else {
            // Letters outrank digit-script problems: the value is something else.
            problem = Some(Malformed::Characters);
        }
    }
    if let Some(p) = problem {
        return Cleaned { id: CleanId::Malformed(p), zero_restored: false };
    }
    let id = match digits {
        0 => CleanId::Missing,
        12 => CleanId::Personal(value),
        9 => CleanId::Legacy(value),
        // Every personal number starts with 0 (province codes 001–096), every CMND
        // number of the northern provinces too: one digit short is a dropped zero.
        11 => return Cleaned { id: CleanId::Personal(value), zero_restored: true },
        8 => return Cleaned { id: CleanId::Legacy(value), zero_restored: true },
        n => CleanId::Malformed(Malformed::Length(n.min(255) as u8)),
    };
    Cleaned { id, zero_restored: false }
}

/// A 12-digit number written with its leading zeros.
pub fn format_personal(id: u64) -> String {
    format!("{id:012}")
}

pub fn format_legacy(id: u64) -> String {
    format!("{id:09}")
}

/// What the structure of a 12-digit number says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// Digits 1–3: where the birth was registered.
    pub province_code: u16,
    /// True when the code is in the 63-province table.
    pub province_known: bool,
    pub female: bool,
    /// From the century digit and digits 5–6: 1900 + 100 × (G div 2) + YY.
    pub birth_year: u16,
}

pub fn decode(id: u64) -> Decoded {
    let province_code = (id / 1_000_000_000) as u16;
    let g = (id / 100_000_000 % 10) as u16;
    let yy = (id / 1_000_000 % 100) as u16;
    Decoded {
        province_code,
        province_known: places::province_of_code(province_code).is_some(),
        female: g % 2 == 1,
        birth_year: 1900 + 100 * (g / 2) + yy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> CleanId {
        clean(s).id
    }

    #[test]
    fn cleaning() {
        assert_eq!(id("042090001234"), CleanId::Personal(42_090_001_234));
        assert_eq!(id("042 090 001 234"), CleanId::Personal(42_090_001_234));
        assert_eq!(id("042.090.001.234"), CleanId::Personal(42_090_001_234));
        assert_eq!(id("042-090-001-234"), CleanId::Personal(42_090_001_234));
        assert_eq!(id("'042090001234"), CleanId::Personal(42_090_001_234));
        assert_eq!(id(" 042\u{00A0}090\u{2013}001234 "), CleanId::Personal(42_090_001_234));
        assert_eq!(id("123456789"), CleanId::Legacy(123_456_789));
        assert_eq!(id(""), CleanId::Missing);
        assert_eq!(id(" - . "), CleanId::Missing);
    }

    #[test]
    fn dropped_leading_zero_is_put_back_and_said() {
        let c = clean("42090001234");
        assert_eq!(c.id, CleanId::Personal(42_090_001_234));
        assert!(c.zero_restored);
        let c = clean("42090001234.0");
        assert_eq!(c.id, CleanId::Personal(42_090_001_234));
        assert!(c.zero_restored);
        assert!(!clean("042090001234").zero_restored);
        assert_eq!(clean("12345678").id, CleanId::Legacy(12_345_678));
    }

    #[test]
    fn malformed_says_why() {
        assert_eq!(id("０４２０９０００１２３４"), CleanId::Malformed(Malformed::FullWidthDigits));
        assert_eq!(id("04209000123A"), CleanId::Malformed(Malformed::Characters));
        assert_eq!(id("٠٤٢٠٩٠٠٠١٢٣٤"), CleanId::Malformed(Malformed::OtherDigits));
        assert_eq!(id("4.2090001234E+10"), CleanId::Malformed(Malformed::Scientific));
        assert_eq!(id("0420900012"), CleanId::Malformed(Malformed::Length(10)));
        assert_eq!(id("0420900012345"), CleanId::Malformed(Malformed::Length(13)));
        assert_eq!(id(&"1".repeat(400)), CleanId::Malformed(Malformed::Length(255)));
        assert!(Malformed::FullWidthDigits.message_vi().contains("toàn chiều rộng"));
    }

    #[test]
    fn structure() {
        let d = decode(42_090_001_234);
        assert_eq!((d.province_code, d.province_known, d.female, d.birth_year), (42, true, false, 1990));
        let d = decode(1_185_001_234);
        assert_eq!((d.province_code, d.female, d.birth_year), (1, true, 1985));
        let d = decode(79_203_001_234);
        assert_eq!((d.province_code, d.female, d.birth_year), (79, false, 2003));
        // 003 is not a province code, and never was.
        assert!(!decode(3_090_001_234).province_known);
        assert_eq!(format_personal(1_185_001_234), "001185001234");
    }
}

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
    /// The count of digits, when it is neither 9 nor 12 nor a number that lost its zeros.
    Length(u8),
    /// One digit short and starting with 0: no zero was lost, a digit is missing.
    DigitMissing(u8),
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
            Malformed::DigitMissing(n) => format!(
                "số CCCD có {n} chữ số và bắt đầu bằng 0: thiếu một chữ số (không phải số 0 đầu bị bảng tính làm mất)"
            ),
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
            Malformed::DigitMissing(n) => format!(
                "the citizen ID has {n} digits and starts with 0: a digit is missing (not a leading zero a spreadsheet dropped)"
            ),
        }
    }
}

/// The cleaned number and how many leading zeros were put back (Excel drops them
/// when it stores "042090001234" as the number 42090001234, or "001185001234" as
/// 1185001234).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cleaned {
    pub id: CleanId,
    pub zeros_restored: u8,
}

impl Cleaned {
    /// A number read as typed, no zero put back.
    pub const fn read(id: CleanId) -> Cleaned {
        Cleaned { id, zeros_restored: 0 }
    }
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
        return Cleaned::read(CleanId::Missing);
    }
    if s.contains(['e', 'E']) && s.contains('+') {
        return Cleaned::read(CleanId::Malformed(Malformed::Scientific));
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
        return Cleaned::read(CleanId::Malformed(p));
    }
    let first_is_zero = s.trim_start_matches(|c: char| !c.is_ascii_digit()).starts_with('0');
    lost_zeros(value, digits, first_is_zero)
}

/// What a count of digits makes of a number. Every personal number starts with
/// 0 (province codes 001–096), two zeros for provinces 001–009; every CMND
/// number of the northern provinces too. A spreadsheet that stored the number
/// as a number dropped them, so a number short by as many digits as its
/// province code's zeros, and starting with a digit other than 0, gets them
/// back. Short by one and starting with 0, it lost no zero: a digit is missing.
fn lost_zeros(value: u64, digits: u32, first_is_zero: bool) -> Cleaned {
    let restored = |id, zeros| Cleaned { id, zeros_restored: zeros };
    match (digits, first_is_zero) {
        (0, _) => Cleaned::read(CleanId::Missing),
        (12, _) => Cleaned::read(CleanId::Personal(value)),
        (9, _) => Cleaned::read(CleanId::Legacy(value)),
        (11 | 8, true) => Cleaned::read(CleanId::Malformed(Malformed::DigitMissing(digits as u8))),
        (11, false) => restored(CleanId::Personal(value), 1),
        (10, false) => restored(CleanId::Personal(value), 2),
        (8, false) => restored(CleanId::Legacy(value), 1),
        (n, _) => Cleaned::read(CleanId::Malformed(Malformed::Length(n.min(255) as u8))),
    }
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
    fn dropped_leading_zeros_are_put_back_and_said() {
        let zeros = |s: &str| {
            let c = clean(s);
            (c.id, c.zeros_restored)
        };
        // Provinces 010–099 lose one zero, 001–009 two.
        assert_eq!(zeros("42090001234"), (CleanId::Personal(42_090_001_234), 1));
        assert_eq!(zeros("42090001234.0"), (CleanId::Personal(42_090_001_234), 1));
        assert_eq!(zeros("1185001234"), (CleanId::Personal(1_185_001_234), 2));
        assert_eq!(zeros("1185001234.0"), (CleanId::Personal(1_185_001_234), 2));
        assert_eq!(format_personal(1_185_001_234), "001185001234");
        assert_eq!(zeros("042090001234"), (CleanId::Personal(42_090_001_234), 0));
        assert_eq!(zeros("001185001234"), (CleanId::Personal(1_185_001_234), 0));
        assert_eq!(zeros("12345678"), (CleanId::Legacy(12_345_678), 1));
    }

    #[test]
    fn one_digit_short_and_starting_with_zero_lost_a_digit_not_a_zero() {
        assert_eq!(clean("04209000123"), Cleaned::read(CleanId::Malformed(Malformed::DigitMissing(11))));
        assert_eq!(clean("'0420 9000 123"), Cleaned::read(CleanId::Malformed(Malformed::DigitMissing(11))));
        assert_eq!(clean("01234567"), Cleaned::read(CleanId::Malformed(Malformed::DigitMissing(8))));
        // Ten digits starting with 0 are two short and no lost zeros either.
        assert_eq!(clean("0118500123"), Cleaned::read(CleanId::Malformed(Malformed::Length(10))));
        assert!(Malformed::DigitMissing(11).message_vi().contains("thiếu một chữ số"));
        assert!(Malformed::DigitMissing(11).message_en().contains("a digit is missing"));
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

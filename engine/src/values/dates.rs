//! Dates as rosters write them: dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd (with or without
//! a time), yyyymmdd, Excel serial numbers, and the partial dates of older members
//! ("00/00/1950", "0/3/1950", "03/1950", "1950").
//!
//! A partial date is a span of days: "1950" is every day of 1950. Two dates agree
//! when one contains the other, and "before" means certainly before, so a
//! partial date never produces a finding that a full one would not.

/// A date that may lack its day or month ("1950", "03/1950"); 0 means unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PartialDate {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// Why a value is not a date; each says what to write instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateProblem {
    /// Letters, or a shape no roster uses.
    Unreadable,
    /// Month 13, 31 April, 29 February of a common year.
    Impossible,
    /// "12/3/60": 1960 or 2060 cannot be told apart.
    TwoDigitYear,
    /// A day without a month ("15/00/1950").
    DayWithoutMonth,
}

impl DateProblem {
    pub fn message_vi(self) -> &'static str {
        match self {
            DateProblem::Unreadable => "không đọc được ngày; ghi theo dạng ngày/tháng/năm (vd. 05/03/1960)",
            DateProblem::Impossible => "ngày không tồn tại (tháng hoặc ngày vượt giới hạn)",
            DateProblem::TwoDigitYear => "năm chỉ có hai chữ số, không xác định được thế kỷ; ghi đủ bốn chữ số",
            DateProblem::DayWithoutMonth => "có ngày nhưng thiếu tháng; ghi đủ tháng hoặc để 00/00/năm",
        }
    }

    pub fn message_en(self) -> &'static str {
        match self {
            DateProblem::Unreadable => "not a date; write day/month/year (e.g. 05/03/1960)",
            DateProblem::Impossible => "no such day (month or day out of range)",
            DateProblem::TwoDigitYear => "two-digit year: the century cannot be told; write all four digits",
            DateProblem::DayWithoutMonth => "a day without a month; give the month, or write 00/00/year",
        }
    }
}

/// Oldest and latest years accepted as dates at all; plausibility per field is
/// checked by the caller against the reference date.
const MIN_YEAR: u16 = 1800;
const MAX_YEAR: u16 = 2200;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

/// The date of a day number (inverse of `days_from_civil`).
pub fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn is_leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// The date of an Excel serial number (1900 date system). Excel counts a 29
/// February 1900 that never was, so serials from 61 on start a day earlier.
pub fn from_excel_serial(serial: u32) -> Result<PartialDate, DateProblem> {
    let days = match serial {
        0 | 60 => return Err(DateProblem::Impossible),
        1..=59 => days_from_civil(1899, 12, 31) + serial as i32,
        _ => days_from_civil(1899, 12, 30) + serial as i32,
    };
    let (y, m, d) = civil_from_days(days);
    if !(MIN_YEAR as i32..=MAX_YEAR as i32).contains(&y) {
        return Err(DateProblem::Impossible);
    }
    Ok(PartialDate { year: y as u16, month: m as u8, day: d as u8 })
}

impl PartialDate {
    pub fn is_full(&self) -> bool {
        self.year != 0 && self.month != 0 && self.day != 0
    }

    pub fn year_only(year: u16) -> Self {
        PartialDate { year, month: 0, day: 0 }
    }

    pub fn is_known(&self) -> bool {
        self.year != 0
    }

    /// First day the date can be (days since 1970-01-01).
    pub fn earliest(&self) -> i32 {
        days_from_civil(self.year as i32, self.month.max(1) as u32, self.day.max(1) as u32)
    }

    /// Last day the date can be.
    pub fn latest(&self) -> i32 {
        let month = if self.month == 0 { 12 } else { self.month };
        let day = if self.day == 0 { days_in_month(self.year, month) } else { self.day };
        days_from_civil(self.year as i32, month as u32, day as u32)
    }

    /// True when both can be the same day: equal, or one partial and containing the other.
    pub fn agrees(&self, other: &PartialDate) -> bool {
        self.year == other.year
            && (self.month == 0 || other.month == 0 || self.month == other.month)
            && (self.day == 0 || other.day == 0 || self.month == 0 || other.month == 0 || self.day == other.day)
    }

    /// True when every day this date can be comes before every day `other` can be.
    pub fn certainly_before(&self, other: &PartialDate) -> bool {
        self.latest() < other.earliest()
    }

    /// The same day `years` later (29 February becomes 1 March in common years);
    /// partial dates keep their precision.
    pub fn plus_years(&self, years: u16) -> PartialDate {
        let year = self.year + years;
        if self.month == 2 && self.day == 29 && !is_leap(year) {
            return PartialDate { year, month: 3, day: 1 };
        }
        PartialDate { year, ..*self }
    }

    /// "05/03/1960", "03/1950" or "1950".
    pub fn write(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = match (self.month, self.day) {
            (0, _) => write!(out, "{:04}", self.year),
            (m, 0) => write!(out, "{m:02}/{:04}", self.year),
            (m, d) => write!(out, "{d:02}/{m:02}/{:04}", self.year),
        };
    }

    pub fn to_text(&self) -> String {
        let mut s = String::with_capacity(10);
        self.write(&mut s);
        s
    }
}

fn make(year: u32, month: u32, day: u32) -> Result<PartialDate, DateProblem> {
    if !(MIN_YEAR as u32..=MAX_YEAR as u32).contains(&year) || month > 12 {
        return Err(DateProblem::Impossible);
    }
    let (year, month, day) = (year as u16, month as u8, day as u8);
    if month == 0 && day != 0 {
        return Err(DateProblem::DayWithoutMonth);
    }
    if month != 0 && day > days_in_month(year, month) {
        return Err(DateProblem::Impossible);
    }
    Ok(PartialDate { year, month, day })
}

fn number(part: &str) -> Option<u32> {
    if part.is_empty() || part.len() > 9 || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// A time after the date ("1990-03-12 00:00:00", "1990-03-12T00:00:00.000"), as
/// spreadsheet readers render date cells: dropped.
fn without_time(s: &str) -> &str {
    for sep in [' ', 'T'] {
        if let Some(pos) = s.find(sep) {
            let (date, rest) = (&s[..pos], s[pos + 1..].trim());
            if rest.contains(':') && rest.bytes().all(|b| b.is_ascii_digit() || b == b':' || b == b'.') {
                return date;
            }
        }
    }
    s
}

/// Reads one date; `Ok(None)` for an empty value.
pub fn parse_date(raw: &str) -> Result<Option<PartialDate>, DateProblem> {
    let mut s = raw.trim();
    if s.starts_with(['\'', '\u{200B}', '\u{FEFF}']) || s.ends_with(['\'', '\u{200B}', '\u{FEFF}']) {
        s = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}' || c == '\'');
    }
    if s.is_empty() {
        return Ok(None);
    }
    let s = without_time(s);
    // A bare number: a year, yyyymmdd, or an Excel serial (possibly rendered as a float).
    let int_part = match s.split_once(['.', ',']) {
        Some((int, frac)) if !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit()) => int,
        _ => s,
    };
    if let Some(n) = number(int_part) {
        let zero_fraction = s[int_part.len()..].bytes().all(|b| matches!(b, b'0' | b'.' | b','));
        if int_part.len() == 4 && zero_fraction && (MIN_YEAR as u32..=MAX_YEAR as u32).contains(&n) {
            // A year-only cell stored as a number ("1950" or "1950.0"): serials 1800–2200 are 1904–1906.
            return Ok(Some(PartialDate::year_only(n as u16)));
        }
        if int_part.len() != s.len() || int_part.len() >= 5 && int_part.len() != 8 {
            return from_excel_serial(n).map(Some);
        }
        return match int_part.len() {
            4 if (MIN_YEAR as u32..=MAX_YEAR as u32).contains(&n) => Ok(Some(PartialDate::year_only(n as u16))),
            8 => make(n / 10_000, n / 100 % 100, n % 100)
                .or_else(|_| make(n % 10_000, n / 10_000 % 100, n / 1_000_000))
                .map(Some),
            1..=4 => from_excel_serial(n).map(Some),
            _ => Err(DateProblem::Unreadable),
        };
    }
    let mut parts = [""; 3];
    let mut count = 0;
    for part in s.split(['/', '-', '.', ' ']).filter(|p| !p.is_empty()) {
        if count == 3 {
            return Err(DateProblem::Unreadable);
        }
        parts[count] = part;
        count += 1;
    }
    let mut nums = [0u32; 3];
    for i in 0..count {
        nums[i] = number(parts[i]).ok_or(DateProblem::Unreadable)?;
    }
    let four = |i: usize| parts[i].len() == 4;
    let short = |i: usize| parts[i].len() <= 2;
    match count {
        3 if four(0) && short(1) && short(2) => make(nums[0], nums[1], nums[2]).map(Some),
        3 if short(0) && short(1) && four(2) => make(nums[2], nums[1], nums[0]).map(Some),
        3 if short(0) && short(1) && short(2) => Err(DateProblem::TwoDigitYear),
        2 if short(0) && four(1) => make(nums[1], nums[0], 0).map(Some),
        2 if four(0) && short(1) => make(nums[0], nums[1], 0).map(Some),
        2 if short(0) && short(1) => Err(DateProblem::TwoDigitYear),
        _ => Err(DateProblem::Unreadable),
    }
}

/// Today, as days since 1970-01-01 (UTC).
pub fn today() -> i32 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    (secs / 86_400) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PartialDate {
        parse_date(s).unwrap_or_else(|e| panic!("{s}: {e:?}")).unwrap()
    }

    fn d(y: u16, m: u8, day: u8) -> PartialDate {
        PartialDate { year: y, month: m, day }
    }

    #[test]
    fn full_dates_in_every_shape() {
        for s in [
            "05/03/1960",
            "5/3/1960",
            "1960-03-05",
            "1960/3/5",
            "05-03-1960",
            "05.03.1960",
            "19600305",
            "1960-03-05 00:00:00",
            "1960-03-05T00:00:00.000",
            " 05/03/1960 ",
            "'05/03/1960",
        ] {
            assert_eq!(p(s), d(1960, 3, 5), "{s}");
        }
    }

    #[test]
    fn excel_serials() {
        // 1960-03-05 is serial 21980 in the 1900 date system.
        assert_eq!(p("21980"), d(1960, 3, 5));
        assert_eq!(p("21980.0"), d(1960, 3, 5));
        assert_eq!(p("21980.75"), d(1960, 3, 5));
        assert_eq!(p("1"), d(1900, 1, 1));
        assert_eq!(p("61"), d(1900, 3, 1));
        assert_eq!(parse_date("60"), Err(DateProblem::Impossible));
        assert_eq!(p("45000"), d(2023, 3, 15));
        assert_eq!(p("1950.0"), d(1950, 0, 0));
    }

    #[test]
    fn partial_dates() {
        assert_eq!(p("00/00/1950"), d(1950, 0, 0));
        assert_eq!(p("0/0/1950"), d(1950, 0, 0));
        assert_eq!(p("1950"), d(1950, 0, 0));
        assert_eq!(p("03/1950"), d(1950, 3, 0));
        assert_eq!(p("00/03/1950"), d(1950, 3, 0));
        assert_eq!(p("1950-03"), d(1950, 3, 0));
        assert_eq!(parse_date("15/00/1950"), Err(DateProblem::DayWithoutMonth));
    }

    #[test]
    fn bad_dates_say_why() {
        assert_eq!(parse_date(""), Ok(None));
        assert_eq!(parse_date("   "), Ok(None));
        assert_eq!(parse_date("31/04/1960"), Err(DateProblem::Impossible));
        assert_eq!(parse_date("29/02/1961"), Err(DateProblem::Impossible));
        assert_eq!(p("29/02/1960"), d(1960, 2, 29));
        assert_eq!(parse_date("12/13/1960"), Err(DateProblem::Impossible));
        assert_eq!(parse_date("5/3/60"), Err(DateProblem::TwoDigitYear));
        assert_eq!(parse_date("ngày 5 tháng 3"), Err(DateProblem::Unreadable));
        assert_eq!(parse_date("abc"), Err(DateProblem::Unreadable));
        assert_eq!(parse_date("1/2/3/4"), Err(DateProblem::Unreadable));
        assert_eq!(parse_date("０５/03/1960"), Err(DateProblem::Unreadable));
    }

    #[test]
    fn partial_agrees_with_full_it_contains() {
        let full = d(1950, 3, 5);
        assert!(d(1950, 0, 0).agrees(&full));
        assert!(full.agrees(&d(1950, 3, 0)));
        assert!(!d(1950, 4, 0).agrees(&full));
        assert!(!d(1951, 0, 0).agrees(&full));
        assert!(!d(1950, 3, 6).agrees(&full));
        assert!(full.agrees(&full));
    }

    #[test]
    fn spans_and_order() {
        assert_eq!(d(1950, 0, 0).earliest(), days_from_civil(1950, 1, 1));
        assert_eq!(d(1950, 0, 0).latest(), days_from_civil(1950, 12, 31));
        assert_eq!(d(1960, 2, 0).latest(), days_from_civil(1960, 2, 29));
        assert!(d(1970, 5, 1).certainly_before(&d(1971, 0, 0)));
        assert!(!d(1970, 0, 0).certainly_before(&d(1970, 6, 1)));
        assert_eq!(d(2004, 2, 29).plus_years(18), d(2022, 3, 1));
    }

    #[test]
    fn civil_round_trip() {
        for days in [-100_000, -1, 0, 1, 10_000, 20_000, 60_000] {
            let (y, m, dd) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, dd), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }

    #[test]
    fn display() {
        assert_eq!(d(1960, 3, 5).to_text(), "05/03/1960");
        assert_eq!(d(1950, 3, 0).to_text(), "03/1950");
        assert_eq!(d(1950, 0, 0).to_text(), "1950");
    }
}

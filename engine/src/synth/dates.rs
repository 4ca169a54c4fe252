//! Calendar dates as day numbers (days since 1970-01-01), and the partial dates of
//! older members' records ("00/00/1950", "03/1950", "1950").

pub use crate::values::dates::{civil_from_days, days_from_civil};
use crate::values::PartialDate;

/// Days in a month of the generator's (i32 year) calendar, from the record model's.
pub fn days_in_month(y: i32, m: u32) -> u32 {
    crate::values::dates::days_in_month(y.clamp(0, i32::from(u16::MAX)) as u16, m as u8) as u32
}

/// The day a person born on `dob` turns `years` old (29 February → 1 March).
pub fn birthday(dob: i32, years: i32) -> i32 {
    let (y, m, d) = civil_from_days(dob);
    let y = y + years;
    if m == 2 && d == 29 && days_in_month(y, 2) == 28 {
        days_from_civil(y, 3, 1)
    } else {
        days_from_civil(y, m, d)
    }
}

// The generator's dates are the record model's `PartialDate`: full, month and
// year (day 0), or year only (month and day 0). The model's `latest`, `agrees`
// and `is_full` serve them as they are; the helpers below move between them and
// the generator's day numbers and (i32, u32, u32) calendar parts.

/// The date of the generator's calendar parts. Its years (1900s to 2000s) fit
/// the model's; months and days are 0 where unknown.
pub fn date(year: i32, month: u32, day: u32) -> PartialDate {
    PartialDate { year: year as u16, month: month as u8, day: day as u8 }
}

/// The full date of a day number.
pub fn full_date(days: i32) -> PartialDate {
    let (year, month, day) = civil_from_days(days);
    date(year, month, day)
}

/// A date's calendar parts in the generator's types.
pub fn parts(date: &PartialDate) -> (i32, u32, u32) {
    (i32::from(date.year), u32::from(date.month), u32::from(date.day))
}

/// The day number of a full date.
pub fn day_number(date: &PartialDate) -> i32 {
    let (year, month, day) = parts(date);
    days_from_civil(year, month, day)
}

/// How a date is written in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateStyle {
    /// 05/03/1962
    Dmy,
    /// 5/3/1962
    DmyShort,
    /// 1962-03-05
    Iso,
    /// 22710: days since 1899-12-30, what Excel shows for an unformatted date cell.
    ExcelSerial,
}

/// Partial forms of an older member's date of birth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartialStyle {
    /// 00/00/1950
    ZeroedDayMonth,
    /// 1950
    YearOnly,
    /// 03/1950 (day unknown)
    MonthYear,
}

pub fn write_date(days: i32, style: DateStyle, out: &mut String) {
    use std::fmt::Write;
    let (y, m, d) = civil_from_days(days);
    let _ = match style {
        DateStyle::Dmy => write!(out, "{d:02}/{m:02}/{y:04}"),
        DateStyle::DmyShort => write!(out, "{d}/{m}/{y:04}"),
        DateStyle::Iso => write!(out, "{y:04}-{m:02}-{d:02}"),
        DateStyle::ExcelSerial => write!(out, "{}", days - days_from_civil(1899, 12, 30)),
    };
}

/// Writes a partial date; a full one goes through `write_date`.
pub fn write_partial(date: &PartialDate, full_style: DateStyle, out: &mut String) {
    use std::fmt::Write;
    if date.is_full() {
        write_date(day_number(date), full_style, out);
    } else if date.month == 0 {
        let _ = write!(out, "{:04}", date.year);
    } else {
        let _ = write!(out, "{:02}/{:04}", date.month, date.year);
    }
}

/// The partial form of `date` in `style`, and how it is written ("00/00/1950" is
/// written explicitly; the others by `write_partial`).
pub fn partial_text(date: &PartialDate, style: PartialStyle, out: &mut String) -> PartialDate {
    use std::fmt::Write;
    match style {
        PartialStyle::ZeroedDayMonth => {
            let _ = write!(out, "00/00/{:04}", date.year);
            PartialDate { year: date.year, month: 0, day: 0 }
        }
        PartialStyle::YearOnly => {
            let p = PartialDate { year: date.year, month: 0, day: 0 };
            write_partial(&p, DateStyle::Dmy, out);
            p
        }
        PartialStyle::MonthYear => {
            let p = PartialDate { year: date.year, month: date.month, day: 0 };
            write_partial(&p, DateStyle::Dmy, out);
            p
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in (-30_000..40_000).step_by(7) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2000, 2, 29)), (2000, 2, 29));
    }

    #[test]
    fn formats_and_partials() {
        let d = days_from_civil(1962, 3, 5);
        let mut s = String::new();
        write_date(d, DateStyle::Dmy, &mut s);
        assert_eq!(s, "05/03/1962");
        s.clear();
        write_date(d, DateStyle::DmyShort, &mut s);
        assert_eq!(s, "5/3/1962");
        s.clear();
        write_date(d, DateStyle::Iso, &mut s);
        assert_eq!(s, "1962-03-05");
        s.clear();
        write_date(days_from_civil(1950, 1, 1), DateStyle::ExcelSerial, &mut s);
        assert_eq!(s, "18264");
        let full = full_date(d);
        s.clear();
        let p = partial_text(&full, PartialStyle::MonthYear, &mut s);
        assert_eq!(s, "03/1962");
        assert!(p.agrees(&full) && full.agrees(&p));
        s.clear();
        partial_text(&full, PartialStyle::ZeroedDayMonth, &mut s);
        assert_eq!(s, "00/00/1962");
        let other = PartialDate { year: 1962, month: 4, day: 0 };
        assert!(!other.agrees(&full));
        assert_eq!(PartialDate { year: 1962, month: 0, day: 0 }.latest(), days_from_civil(1962, 12, 31));
        assert_eq!(birthday(days_from_civil(2004, 2, 29), 18), days_from_civil(2022, 3, 1));
    }
}

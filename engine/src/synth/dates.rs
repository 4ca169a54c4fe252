//! Calendar dates as day numbers (days since 1970-01-01), and the partial dates of
//! older members' records ("00/00/1950", "03/1950", "1950").

pub use crate::values::dates::{civil_from_days, days_from_civil};

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

/// A date of birth as a record holds it: month and day 0 where unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl PartialDate {
    pub fn full(days: i32) -> Self {
        let (year, month, day) = civil_from_days(days);
        PartialDate { year, month, day }
    }

    pub fn is_full(&self) -> bool {
        self.month != 0 && self.day != 0
    }

    /// The last day the record allows: what an age check must assume.
    pub fn latest(&self) -> i32 {
        match (self.month, self.day) {
            (0, _) => days_from_civil(self.year, 12, 31),
            (m, 0) => days_from_civil(self.year, m, days_in_month(self.year, m)),
            (m, d) => days_from_civil(self.year, m, d),
        }
    }

    /// A partial date agrees with every date it contains.
    pub fn agrees(&self, other: &PartialDate) -> bool {
        self.year == other.year
            && (self.month == 0 || other.month == 0 || self.month == other.month)
            && (self.day == 0 || other.day == 0 || self.day == other.day)
    }
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
        write_date(days_from_civil(date.year, date.month, date.day), full_style, out);
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
        let full = PartialDate::full(d);
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

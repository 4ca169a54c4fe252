//! One roster row with every field read once, by the engine's rules: what the
//! cross-check reports on and what deduplication compares. Reading reports
//! nothing; each reading keeps the value as typed (trimmed) beside what was made
//! of it, so a rule can say why a value did not read.

use super::checks::{check_card, party_founded, Card, CardProblem};

use super::citizen_id::{clean, CleanId, Cleaned, Malformed};
use super::places::{self, Place};
use super::{present, MemberRecord, MAX_VALUE_BYTES};
use crate::values::dates::{civil_from_days, days_from_civil, parse_date, DateProblem, PartialDate};
use crate::values::gender::{parse_gender_with, Gender};
use crate::vocabulary::Status;
use crate::MAX_NAME_BYTES;

/// A name field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameReading<'a> {
    Missing,
    Usable(&'a str),
    /// Longer than any name (a wrong column, or an attack): never compared.
    TooLong(&'a str),
}

impl<'a> NameReading<'a> {
    fn read(raw: Option<&'a str>) -> NameReading<'a> {
        match present(raw) {
            None => NameReading::Missing,
            Some(name) if name.len() > MAX_NAME_BYTES => NameReading::TooLong(name),
            Some(name) => NameReading::Usable(name),
        }
    }

    /// The name when it can be compared.
    pub fn usable(&self) -> Option<&'a str> {
        match *self {
            NameReading::Usable(name) => Some(name),
            _ => None,
        }
    }
}

/// A date field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateReading {
    Missing,
    /// Nothing of a date once quotes and invisible marks are dropped (a lone `'`).
    Unknown,
    Date(PartialDate),
    /// Longer than any date; the length in bytes.
    TooLong(usize),
    Unreadable(DateProblem),
    /// A date, but outside the days the field can hold (before the party was
    /// founded, more than 120 years ago, after the reference day).
    Implausible(PartialDate),
}

impl DateReading {
    fn read(raw: Option<&str>, earliest: i32, latest: i32) -> DateReading {
        let Some(raw) = present(raw) else { return DateReading::Missing };
        if raw.len() > MAX_VALUE_BYTES {
            return DateReading::TooLong(raw.len());
        }
        match parse_date(raw) {
            Ok(Some(d)) if d.latest() < earliest || d.earliest() > latest => DateReading::Implausible(d),
            Ok(Some(d)) => DateReading::Date(d),
            Ok(None) => DateReading::Unknown,
            Err(problem) => DateReading::Unreadable(problem),
        }
    }

    /// The date the checks use: read and plausible.
    pub fn date(&self) -> Option<PartialDate> {
        match *self {
            DateReading::Date(d) => Some(d),
            _ => None,
        }
    }
}

/// The gender field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenderReading {
    Missing,
    /// Read; None for a value that says it is not known.
    Read(Option<Gender>),
    Unreadable,
}

impl GenderReading {
    pub fn gender(&self) -> Option<Gender> {
        match *self {
            GenderReading::Read(g) => g,
            _ => None,
        }
    }
}

/// The citizen ID as typed (empty when missing) and as read: 12 digits, an old
/// 9-digit number, malformed, or missing, with a lost leading zero put back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdReading<'a> {
    pub raw: &'a str,
    pub cleaned: Cleaned,
}

impl<'a> IdReading<'a> {
    /// The citizen ID as the check reads it (trimmed; longer than any value: malformed).
    pub fn read(raw: Option<&'a str>) -> IdReading<'a> {
        let raw = present(raw).unwrap_or("");
        let cleaned = if raw.len() > MAX_VALUE_BYTES {
            Cleaned::read(CleanId::Malformed(Malformed::Length(255)))
        } else {
            clean(raw)
        };
        IdReading { raw, cleaned }
    }
}

/// A field kept as typed beside what the engine read in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Read<'a, T> {
    /// The value as typed, trimmed; None when missing or blank.
    pub raw: Option<&'a str>,
    pub value: T,
}

/// A field that is present, as typed (trimmed) beside what the engine read in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Given<'a, T> {
    pub raw: &'a str,
    pub value: T,
}

/// One roster row, every field read once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PreparedMember<'a> {
    pub member_id: Option<&'a str>,
    pub full_name: NameReading<'a>,
    pub birth_name: NameReading<'a>,
    pub date_of_birth: Read<'a, DateReading>,
    pub gender: Read<'a, GenderReading>,
    pub citizen_id: IdReading<'a>,
    /// Ok when the card number is 8 digits (separators forgiven), or 7 that lost their leading zero.
    pub party_card_number: Option<Given<'a, Result<Card, CardProblem>>>,
    pub admission_date: Read<'a, DateReading>,
    pub official_date: Read<'a, DateReading>,
    pub party_unit: Option<&'a str>,
    pub ward: Option<&'a str>,
    /// The provinces the hometown names, old and new names reconciled (0 when none).
    pub hometown: Read<'a, Place>,
    pub status: Option<Given<'a, Status>>,
}

impl<'a> PreparedMember<'a> {
    /// Reads every field; dates are plausible up to `as_of` (days since 1970-01-01).
    /// `buf` is scratch space for folding, reused across rows.
    pub fn read(m: &MemberRecord<'a>, as_of: i32, buf: &mut String) -> PreparedMember<'a> {
        let (y, _, _) = civil_from_days(as_of);
        let oldest_birth = days_from_civil(y - 120, 1, 1);
        let date =
            |raw: Option<&'a str>, earliest| Read { raw: present(raw), value: DateReading::read(raw, earliest, as_of) };
        let gender = Read {
            raw: present(m.gender),
            value: match present(m.gender).map(|g| parse_gender_with(g, buf)) {
                None => GenderReading::Missing,
                Some(Ok(g)) => GenderReading::Read(g),
                Some(Err(_)) => GenderReading::Unreadable,
            },
        };
        PreparedMember {
            member_id: present(m.member_id),
            full_name: NameReading::read(m.full_name),
            birth_name: NameReading::read(m.birth_name),
            date_of_birth: date(m.date_of_birth, oldest_birth),
            gender,
            citizen_id: IdReading::read(m.citizen_id),
            party_card_number: present(m.party_card_number).map(|raw| Given { raw, value: check_card(raw) }),
            admission_date: date(m.admission_date, party_founded()),
            official_date: date(m.official_date, party_founded()),
            party_unit: present(m.party_unit),
            ward: present(m.ward),
            hometown: Read {
                raw: present(m.hometown),
                value: present(m.hometown).filter(|h| h.len() <= MAX_VALUE_BYTES).map_or(0, places::resolve),
            },
            status: present(m.status).map(|raw| Given { raw, value: Status::parse(raw, buf) }),
        }
    }

    /// The name the candidate search looks for: the full name, else the birth name.
    pub fn search_name(&self) -> Option<&'a str> {
        self.full_name.usable().or(self.birth_name.usable())
    }
}

#[cfg(test)]
mod tests;

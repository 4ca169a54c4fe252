//! Per-field comparison levels: the vocabulary of the Fellegi–Sunter model, in
//! the order Splink users know (exact → fuzzy → else), with "missing" kept apart
//! so an absent value neither helps nor hurts.

use crate::names::MatchKind;

use super::{Gender, PartialDate};

/// The compared fields, in the order of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    DateOfBirth,
    Gender,
    Hometown,
    CitizenId,
    OldId,
}

pub const FIELDS: [Field; 6] = [Field::Name, Field::DateOfBirth, Field::Gender, Field::Hometown, Field::CitizenId, Field::OldId];

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::DateOfBirth => "date_of_birth",
            Field::Gender => "gender",
            Field::Hometown => "hometown",
            Field::CitizenId => "citizen_id",
            Field::OldId => "old_id",
        }
    }

    /// Level names, most similar first.
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::Name => &["same_name", "diacritics_missing", "variant", "typo", "different_diacritics", "similar", "different"],
            Field::DateOfBirth => &["exact", "partial_agrees", "one_digit_or_swap", "different"],
            Field::Gender | Field::Hometown => &["agree", "disagree"],
            Field::CitizenId => &["exact", "one_digit_or_transposition", "different"],
            Field::OldId => &["exact", "different"],
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Level of each field for one pair; `None` where either side lacks the value.
pub type Pattern = [Option<u8>; 6];

pub const MISSING: u8 = u8::MAX;

pub fn name_level(kind: MatchKind) -> u8 {
    match kind {
        MatchKind::Identical | MatchKind::Equivalent => 0,
        MatchKind::DiacriticsMissing => 1,
        // `different_diacritics` is a level with its own (learned) weight, not a veto:
        // a mistyped tone with the same ID and birth date is still the same person.
        MatchKind::SpellingVariant | MatchKind::MiddleNameMissing | MatchKind::Reordered => 2,
        MatchKind::Typo => 3,
        MatchKind::DifferentDiacritics => 4,
        MatchKind::Different => 6,
    }
}

/// Level of two names the name layer calls `different` that are still within two
/// edits of each other once folded (several typing errors in one name).
pub const NAME_SIMILAR: u8 = 5;

pub fn within_two_edits(a: &str, b: &str) -> bool {
    match (crate::names::fold_key(a), crate::names::fold_key(b)) {
        (Ok(x), Ok(y)) => strsim::osa_distance(&x, &y) <= 2,
        _ => false,
    }
}

pub fn dob_level(a: PartialDate, b: PartialDate) -> Option<u8> {
    if a.year == 0 || b.year == 0 {
        return None;
    }
    if a.is_full() && b.is_full() {
        if a == b {
            return Some(0);
        }
        let swapped = a.year == b.year && a.day == b.month && a.month == b.day;
        let digits = |d: PartialDate| format!("{:04}{:02}{:02}", d.year, d.month, d.day);
        let differing = digits(a).bytes().zip(digits(b).bytes()).filter(|(x, y)| x != y).count();
        return Some(if swapped || differing == 1 { 2 } else { 3 });
    }
    // Partial dates of older members ("1950", "03/1950") agree with a full date they contain.
    let contains = a.year == b.year
        && (a.month == 0 || b.month == 0 || a.month == b.month)
        && (a.day == 0 || b.day == 0 || a.day == b.day);
    Some(if contains { 1 } else if a.year.abs_diff(b.year) <= 1 { 2 } else { 3 })
}

pub fn gender_level(a: Option<Gender>, b: Option<Gender>) -> Option<u8> {
    Some(u8::from(a? != b?))
}

pub fn equal_level(a: Option<&str>, b: Option<&str>) -> Option<u8> {
    let (a, b) = (a.filter(|s| !s.is_empty())?, b.filter(|s| !s.is_empty())?);
    Some(u8::from(a != b))
}

/// Citizen numbers: exact, one digit wrong or two neighbours swapped (a typing
/// slip), or different.
pub fn citizen_id_level(a: Option<&str>, b: Option<&str>) -> Option<u8> {
    let (a, b) = (a.filter(|s| !s.is_empty())?, b.filter(|s| !s.is_empty())?);
    if a == b {
        return Some(0);
    }
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.len() != y.len() {
        return Some(2);
    }
    let diffs: Vec<usize> = (0..x.len()).filter(|&i| x[i] != y[i]).collect();
    let near = match diffs.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && x[*i] == y[*j] && x[*j] == y[*i],
        _ => false,
    };
    Some(if near { 1 } else { 2 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: u16, month: u8, day: u8) -> PartialDate {
        PartialDate { year, month, day }
    }

    #[test]
    fn dates() {
        assert_eq!(dob_level(d(1970, 3, 12), d(1970, 3, 12)), Some(0));
        assert_eq!(dob_level(d(1950, 0, 0), d(1950, 7, 2)), Some(1));
        assert_eq!(dob_level(d(1950, 3, 0), d(1950, 3, 9)), Some(1));
        assert_eq!(dob_level(d(1970, 3, 12), d(1970, 12, 3)), Some(2));
        assert_eq!(dob_level(d(1970, 3, 12), d(1971, 3, 12)), Some(2));
        assert_eq!(dob_level(d(1970, 3, 12), d(1982, 5, 1)), Some(3));
        assert_eq!(dob_level(d(0, 0, 0), d(1982, 5, 1)), None);
    }

    #[test]
    fn citizen_ids() {
        assert_eq!(citizen_id_level(Some("001070012345"), Some("001070012345")), Some(0));
        assert_eq!(citizen_id_level(Some("001070012345"), Some("001070012346")), Some(1));
        assert_eq!(citizen_id_level(Some("001070012345"), Some("001070021345")), Some(1));
        assert_eq!(citizen_id_level(Some("001070012345"), Some("079185554321")), Some(2));
        assert_eq!(citizen_id_level(None, Some("079185554321")), None);
    }
}

//! Per-field comparison levels: the vocabulary of the Fellegi–Sunter model, in
//! the order Splink users know (exact → fuzzy → else), with "missing" kept apart
//! so an absent value neither helps nor hurts.

use crate::values::{Gender, PartialDate};
use crate::vocabulary::MatchKind;

/// The compared fields, in the order of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    DateOfBirth,
    Gender,
    Hometown,
    CitizenId,
    OldId,
    /// The party card number: issued once, carried through every transfer.
    PartyCard,
    /// The date the member was admitted to the party: a fact of the person's
    /// history that a transfer or a second entry copies, and a namesake almost
    /// never shares.
    AdmissionDate,
}

pub const FIELDS: [Field; 8] = [
    Field::Name,
    Field::DateOfBirth,
    Field::Gender,
    Field::Hometown,
    Field::CitizenId,
    Field::OldId,
    Field::PartyCard,
    Field::AdmissionDate,
];

/// Each field's name and, from it, the name of its level column in the tables.
macro_rules! field_names {
    ($($field:ident = $name:literal),+ $(,)?) => {
        impl Field {
            pub fn as_str(self) -> &'static str {
                match self { $( Field::$field => $name, )+ }
            }

            /// The column of the field's level in a table of pairs ("name_level").
            pub fn level_column(self) -> &'static str {
                match self { $( Field::$field => concat!($name, "_level"), )+ }
            }
        }
    };
}

field_names! {
    Name = "name",
    DateOfBirth = "date_of_birth",
    Gender = "gender",
    Hometown = "hometown",
    CitizenId = "citizen_id",
    OldId = "old_id",
    PartyCard = "party_card",
    AdmissionDate = "admission_date",
}

impl Field {
    /// Level names, most similar first.
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::Name => &[
                "same_name",
                "diacritics_missing",
                "variant",
                "typo",
                "different_diacritics",
                "similar",
                "family_or_given_agrees",
                "different",
            ],
            Field::DateOfBirth | Field::AdmissionDate => &["exact", "partial_agrees", "one_digit_or_swap", "different"],
            Field::Gender | Field::Hometown => &["agree", "disagree"],
            Field::CitizenId | Field::OldId | Field::PartyCard => &["exact", "one_digit_or_transposition", "different"],
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Level of each field for one pair; `None` where either side lacks the value.
pub type Pattern = [Option<u8>; FIELDS.len()];

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
        MatchKind::Different => NAME_DIFFERENT,
    }
}

/// Level of two names the name layer calls `different` that are still within two
/// edits of each other once folded (several typing errors in one name).
pub const NAME_SIMILAR: u8 = 5;

/// Level of two different names whose first or last word still agree once
/// folded: the family name (Vietnamese order) or the given name, or, for names
/// written given name first, the family name. A record whose given name was
/// replaced (a name in use for the birth name) keeps it; its weight is learned,
/// and for "Nguyễn", shared by a third of a province, it is worth little.
pub const NAME_PART_AGREES: u8 = 6;

pub const NAME_DIFFERENT: u8 = 7;

/// Whether two folded names are at most two edits apart (insert, delete,
/// substitute, swap neighbours), without allocating for names of usual length.
pub fn within_two_edits(a: &str, b: &str) -> bool {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.len().abs_diff(y.len()) > 2 {
        return false;
    }
    // Each edit changes the letter counts by at most one on each side: names
    // whose letters differ by more than two cannot be two edits apart, and most
    // candidate pairs are settled here without the table.
    let mut counts = [0i16; 32];
    for &c in x {
        counts[(c & 31) as usize] += 1;
    }
    for &c in y {
        counts[(c & 31) as usize] -= 1;
    }
    let surplus: i16 = counts.iter().filter(|c| **c > 0).sum();
    let deficit: i16 = -counts.iter().filter(|c| **c < 0).sum::<i16>();
    if surplus.max(deficit) > 2 {
        return false;
    }
    const MAX: usize = 96;
    if !a.is_ascii() || !b.is_ascii() || y.len() >= MAX {
        return strsim::osa_distance(a, b) <= 2;
    }
    // Optimal string alignment with three rolling rows on the stack; distances
    // saturate well above 2, which is all this needs to know.
    let mut rows = [[0u8; MAX]; 3];
    for (j, cell) in rows[1].iter_mut().enumerate().take(y.len() + 1) {
        *cell = j.min(255) as u8;
    }
    for i in 1..=x.len() {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i.min(255) as u8;
        let mut row_min = rows[cur][0];
        for j in 1..=y.len() {
            let cost = u8::from(x[i - 1] != y[j - 1]);
            let mut d = rows[prev][j]
                .saturating_add(1)
                .min(rows[cur][j - 1].saturating_add(1))
                .min(rows[prev][j - 1].saturating_add(cost));
            if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
                d = d.min(rows[prev2][j - 2].saturating_add(1));
            }
            rows[cur][j] = d;
            row_min = row_min.min(d);
        }
        if row_min > 2 {
            return false;
        }
    }
    rows[x.len() % 3][y.len()] <= 2
}

/// Dates of birth or of admission: exact, a partial date that agrees, one digit
/// or day and month swapped (or a partial date a year off), different.
pub fn date_level(a: PartialDate, b: PartialDate) -> Option<u8> {
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
    Some(if contains {
        1
    } else if a.year.abs_diff(b.year) <= 1 {
        2
    } else {
        3
    })
}

pub fn gender_level(a: Option<Gender>, b: Option<Gender>) -> Option<u8> {
    Some(u8::from(a? != b?))
}

pub fn equal_level(a: Option<&str>, b: Option<&str>) -> Option<u8> {
    let (a, b) = (a.filter(|s| !s.is_empty())?, b.filter(|s| !s.is_empty())?);
    Some(u8::from(a != b))
}

/// Citizen or party card numbers: exact, one digit wrong or two neighbours
/// swapped (a typing slip), or different.
pub fn number_level(a: Option<&str>, b: Option<&str>) -> Option<u8> {
    let (a, b) = (a.filter(|s| !s.is_empty())?, b.filter(|s| !s.is_empty())?);
    if a == b {
        return Some(0);
    }
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.len() != y.len() {
        // A 9-digit identity-card number beside a 12-digit citizen number says
        // nothing either way: the same person holds both.
        return None;
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
        assert_eq!(date_level(d(1970, 3, 12), d(1970, 3, 12)), Some(0));
        assert_eq!(date_level(d(1950, 0, 0), d(1950, 7, 2)), Some(1));
        assert_eq!(date_level(d(1950, 3, 0), d(1950, 3, 9)), Some(1));
        assert_eq!(date_level(d(1970, 3, 12), d(1970, 12, 3)), Some(2));
        assert_eq!(date_level(d(1970, 3, 12), d(1971, 3, 12)), Some(2));
        assert_eq!(date_level(d(1970, 3, 12), d(1982, 5, 1)), Some(3));
        assert_eq!(date_level(d(0, 0, 0), d(1982, 5, 1)), None);
    }

    #[test]
    fn two_edits() {
        assert!(within_two_edits("mitchell green", "michell grene"));
        assert!(within_two_edits("nguyen van hung", "nguyen van hugn"));
        assert!(!within_two_edits("nguyen van hung", "nguyen van minh"));
        assert!(within_two_edits("", "ab"));
        assert!(!within_two_edits("", "abc"));
        for (a, b) in [("abcdef", "badcfe"), ("kitten", "sitting"), ("tran thi mai", "tran mai")] {
            assert_eq!(within_two_edits(a, b), strsim::osa_distance(a, b) <= 2, "{a} {b}");
        }
    }

    #[test]
    fn citizen_ids() {
        assert_eq!(number_level(Some("001070012345"), Some("001070012345")), Some(0));
        assert_eq!(number_level(Some("001070012345"), Some("001070012346")), Some(1));
        assert_eq!(number_level(Some("001070012345"), Some("001070021345")), Some(1));
        assert_eq!(number_level(Some("001070012345"), Some("079185554321")), Some(2));
        assert_eq!(number_level(None, Some("079185554321")), None);
        assert_eq!(number_level(Some("370749197"), Some("042052016036")), None);
        // Old 9-digit numbers and party cards get the same typing slips.
        assert_eq!(number_level(Some("370749197"), Some("370794197")), Some(1));
        assert_eq!(number_level(Some("12345678"), Some("12345678")), Some(0));
    }
}

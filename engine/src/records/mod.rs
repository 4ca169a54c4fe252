//! Records: a province's party roster cross-checked against the population table.
//!
//! The population table is read once into a [`PopulationIndex`] (a lookup on the
//! 12-digit number and on the old 9-digit number, a blocking index on the folded
//! name and the birth year). Each member is then verified on its own
//! ([`PopulationIndex::verify`], microseconds) or the whole roster at once on all
//! cores ([`PopulationIndex::verify_all`]), which answers in columns.
//!
//! Every finding names the field, both values, a message in Vietnamese and in
//! English, its severity and who must act ([`Owner`]); a member's verdict is
//! `accept` when nothing is above info, `review` when a person must look, and
//! `reject` when the record cannot go on until its owner corrects it. See
//! docs/records.md for the codes.

pub mod checks;
pub mod citizen_id;
mod index;
pub mod places;
pub mod prepared;

pub use checks::{Finding, FindingColumns};
pub use index::{
    BuildReport, Candidate, MemberKeys, Options, PopulationIndex, PopulationView, RowKeys, Verification,
    VerificationColumns,
};
pub use prepared::{DateReading, GenderReading, Given, IdReading, NameReading, PreparedMember, Read};

use crate::column::StrColumn;
use crate::vocabulary::{Field, RosterFields, POPULATION_COLUMNS, ROSTER_COLUMNS};

/// The longest value of any field, in UTF-8 bytes, that is read as data; longer
/// ones are reported as unreadable (a wrong column, or an attack), never compared.
pub const MAX_VALUE_BYTES: usize = 1024;
/// `other_names` holds several names.
pub const MAX_OTHER_NAMES_BYTES: usize = 4096;

/// One member as the party roster holds it. Values are raw text, as typed; empty
/// and blank values count as missing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemberRecord<'a> {
    pub member_id: Option<&'a str>,
    pub full_name: Option<&'a str>,
    pub birth_name: Option<&'a str>,
    pub date_of_birth: Option<&'a str>,
    pub gender: Option<&'a str>,
    pub citizen_id: Option<&'a str>,
    pub party_card_number: Option<&'a str>,
    pub admission_date: Option<&'a str>,
    pub official_date: Option<&'a str>,
    pub party_unit: Option<&'a str>,
    pub ward: Option<&'a str>,
    pub hometown: Option<&'a str>,
    pub status: Option<&'a str>,
}

impl<'a> MemberRecord<'a> {
    /// The record whose value of each field is `value(field)`: the one place a
    /// field is tied to its member of the struct.
    #[inline]
    pub fn from_fn(mut value: impl FnMut(Field) -> Option<&'a str>) -> Self {
        MemberRecord {
            member_id: value(Field::MemberId),
            full_name: value(Field::FullName),
            birth_name: value(Field::BirthName),
            date_of_birth: value(Field::DateOfBirth),
            gender: value(Field::Gender),
            citizen_id: value(Field::CitizenId),
            party_card_number: value(Field::PartyCardNumber),
            admission_date: value(Field::AdmissionDate),
            official_date: value(Field::OfficialDate),
            party_unit: value(Field::PartyUnit),
            ward: value(Field::Ward),
            hometown: value(Field::Hometown),
            status: value(Field::Status),
        }
    }

    /// The value of one field; None for a field the roster does not hold.
    pub fn get(&self, field: Field) -> Option<&'a str> {
        match field {
            Field::MemberId => self.member_id,
            Field::FullName => self.full_name,
            Field::BirthName => self.birth_name,
            Field::DateOfBirth => self.date_of_birth,
            Field::Gender => self.gender,
            Field::CitizenId => self.citizen_id,
            Field::PartyCardNumber => self.party_card_number,
            Field::AdmissionDate => self.admission_date,
            Field::OfficialDate => self.official_date,
            Field::PartyUnit => self.party_unit,
            Field::Ward => self.ward,
            Field::Hometown => self.hometown,
            Field::Status => self.status,
            _ => None,
        }
    }

    /// The record from its values in `ROSTER_COLUMNS` order.
    #[inline]
    pub fn from_columns(values: &[Option<&'a str>; ROSTER_COLUMNS.len()]) -> Self {
        MemberRecord::from_fn(|field| field.roster_position().and_then(|p| values[p]))
    }
}

/// One citizen as the population table holds it; `other_names` is `;`-separated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PopulationRecord<'a> {
    pub citizen_id: Option<&'a str>,
    pub full_name: Option<&'a str>,
    pub other_names: Option<&'a str>,
    pub date_of_birth: Option<&'a str>,
    pub gender: Option<&'a str>,
    pub hometown: Option<&'a str>,
    pub old_id_number: Option<&'a str>,
}

impl<'a> PopulationRecord<'a> {
    /// The record whose value of each field is `value(field)`.
    #[inline]
    pub fn from_fn(mut value: impl FnMut(Field) -> Option<&'a str>) -> Self {
        PopulationRecord {
            citizen_id: value(Field::CitizenId),
            full_name: value(Field::FullName),
            other_names: value(Field::OtherNames),
            date_of_birth: value(Field::DateOfBirth),
            gender: value(Field::Gender),
            hometown: value(Field::Hometown),
            old_id_number: value(Field::OldIdNumber),
        }
    }
}

/// A column of optional text, wherever it lives (Arrow memory, a `StrColumn`, a
/// Vec): the engine reads rows by position and copies nothing.
pub trait StrSource: Sync {
    fn len(&self) -> usize;
    fn get(&self, i: usize) -> Option<&str>;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// True for a column the table does not have at all (not one whose values are all missing).
    fn is_absent(&self) -> bool {
        false
    }
}

impl StrSource for StrColumn {
    fn len(&self) -> usize {
        StrColumn::len(self)
    }
    fn get(&self, i: usize) -> Option<&str> {
        StrColumn::get(self, i)
    }
}

impl StrSource for [Option<&str>] {
    fn len(&self) -> usize {
        <[Option<&str>]>::len(self)
    }
    fn get(&self, i: usize) -> Option<&str> {
        self[i]
    }
}

impl StrSource for Vec<Option<&str>> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn get(&self, i: usize) -> Option<&str> {
        self[i]
    }
}

/// A column the table does not have (an optional one): every value missing.
pub struct Absent(pub usize);

impl StrSource for Absent {
    fn len(&self) -> usize {
        self.0
    }
    fn get(&self, _: usize) -> Option<&str> {
        None
    }
    fn is_absent(&self) -> bool {
        true
    }
}

/// Rows of a roster, however stored.
pub trait RosterSource: Sync {
    fn len(&self) -> usize;
    fn member(&self, i: usize) -> MemberRecord<'_>;
    /// One field of row `i` (`field` one of the roster's): a source that keeps
    /// columns reads that column alone, where `member` reads all thirteen.
    fn value(&self, i: usize, field: Field) -> Option<&str> {
        self.member(i).get(field)
    }
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The columns the roster has; the checks that read an absent one do not run.
    fn fields(&self) -> RosterFields {
        RosterFields::ALL
    }
}

impl<'a> RosterSource for [MemberRecord<'a>] {
    fn len(&self) -> usize {
        <[MemberRecord<'a>]>::len(self)
    }
    fn member(&self, i: usize) -> MemberRecord<'_> {
        self[i]
    }
}

/// Rows of a population table, however stored.
pub trait PopulationSource: Sync {
    fn len(&self) -> usize;
    fn record(&self, i: usize) -> PopulationRecord<'_>;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'a> PopulationSource for [PopulationRecord<'a>] {
    fn len(&self) -> usize {
        <[PopulationRecord<'a>]>::len(self)
    }
    fn record(&self, i: usize) -> PopulationRecord<'_> {
        self[i]
    }
}

/// A roster as 13 columns (in `ROSTER_COLUMNS` order), all of one length.
pub struct RosterColumns<'a> {
    pub columns: [&'a dyn StrSource; ROSTER_COLUMNS.len()],
}

impl<'a> RosterColumns<'a> {
    /// Checks that every column has the first one's length.
    pub fn new(columns: [&'a dyn StrSource; ROSTER_COLUMNS.len()]) -> Result<Self, RecordError> {
        check_lengths(&ROSTER_COLUMNS, &columns)?;
        Ok(RosterColumns { columns })
    }
}

impl RosterSource for RosterColumns<'_> {
    fn len(&self) -> usize {
        self.columns[0].len()
    }
    fn member(&self, i: usize) -> MemberRecord<'_> {
        let c = &self.columns;
        MemberRecord::from_fn(|field| field.roster_position().and_then(|p| c[p].get(i)))
    }
    fn value(&self, i: usize, field: Field) -> Option<&str> {
        field.roster_position().and_then(|p| self.columns[p].get(i))
    }
    fn fields(&self) -> RosterFields {
        RosterFields::from_fn(|field| field.roster_position().is_some_and(|p| !self.columns[p].is_absent()))
    }
}

/// A population table as 7 columns (in `POPULATION_COLUMNS` order).
pub struct PopulationColumns<'a> {
    pub columns: [&'a dyn StrSource; POPULATION_COLUMNS.len()],
}

impl<'a> PopulationColumns<'a> {
    pub fn new(columns: [&'a dyn StrSource; POPULATION_COLUMNS.len()]) -> Result<Self, RecordError> {
        check_lengths(&POPULATION_COLUMNS, &columns)?;
        Ok(PopulationColumns { columns })
    }
}

impl PopulationSource for PopulationColumns<'_> {
    fn len(&self) -> usize {
        self.columns[0].len()
    }
    fn record(&self, i: usize) -> PopulationRecord<'_> {
        let c = &self.columns;
        PopulationRecord::from_fn(|field| field.population_position().and_then(|p| c[p].get(i)))
    }
}

fn check_lengths(names: &[&str], columns: &[&dyn StrSource]) -> Result<(), RecordError> {
    let expected = columns[0].len();
    for (name, col) in names.iter().zip(columns) {
        if col.len() != expected {
            return Err(RecordError::LengthMismatch { column: name.to_string(), len: col.len(), expected });
        }
    }
    Ok(())
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum RecordError {
    #[error("column {column} has {len} values; the first column has {expected}")]
    LengthMismatch { column: String, len: usize, expected: usize },
    #[error("the population table has {rows} rows; one index holds at most {limit}")]
    TooManyRows { rows: usize, limit: usize },
}

/// The text of a value, or None when it is missing or blank.
#[inline]
pub(crate) fn present(value: Option<&str>) -> Option<&str> {
    value.map(trimmed).filter(|s| !s.is_empty())
}

/// `s.trim()`, answered without decoding either end when both are visible ASCII
/// characters (nearly every value): none of them is whitespace, so there is
/// nothing to trim. Every roster and population value passes here.
#[inline]
pub(crate) fn trimmed(s: &str) -> &str {
    let visible = |b: u8| b > b' ' && b < 0x7F;
    match s.as_bytes() {
        [first, .., last] if visible(*first) && visible(*last) => s,
        [only] if visible(*only) => s,
        _ => s.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimmed_is_trim() {
        for s in ["", " ", "a", " a", "a ", "Nguyễn Văn An", "\u{3000}Ân\u{a0}", "An\u{2028}", "\tx\n", "~", "\u{7f}"]
        {
            assert_eq!(trimmed(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn a_field_is_read_where_the_record_is_built_from_it() {
        let record = MemberRecord::from_fn(|f| Some(f.as_str()));
        for &field in Field::ALL.iter() {
            let expected = field.roster_position().map(|_| field.as_str());
            assert_eq!(record.get(field), expected, "{field:?}");
        }
    }
}

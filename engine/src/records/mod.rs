//! Records: a province's party roster cross-checked against the population table.
//!
//! The population table is read once into a [`PopulationIndex`] (a hash on the
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
pub mod dates;
pub mod gender;
mod index;
pub mod places;
pub mod prepared;

pub use crate::vocabulary::codes::Code;
pub use checks::{Finding, FindingColumns, Owner, Severity, Status, Verdict};
pub use dates::{parse_date, DateProblem, PartialDate};
pub use gender::{parse_gender, Gender};
pub use index::{BuildReport, Candidate, Options, PopulationIndex, PopulationView, Verification, VerificationColumns};
pub use prepared::{DateReading, GenderReading, Given, IdReading, NameReading, PreparedMember, Read};

use crate::column::StrColumn;

/// The roster columns, in the order files and tables carry them.
pub const ROSTER_COLUMNS: [&str; 13] = [
    "member_id",
    "full_name",
    "birth_name",
    "date_of_birth",
    "gender",
    "citizen_id",
    "party_card_number",
    "admission_date",
    "official_date",
    "party_unit",
    "ward",
    "hometown",
    "status",
];

/// The population columns, in order.
pub const POPULATION_COLUMNS: [&str; 7] =
    ["citizen_id", "full_name", "other_names", "date_of_birth", "gender", "hometown", "old_id_number"];

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

/// A column of optional text, wherever it lives (Arrow memory, a `StrColumn`, a
/// Vec): the engine reads rows by position and copies nothing.
pub trait StrSource: Sync {
    fn len(&self) -> usize;
    fn get(&self, i: usize) -> Option<&str>;
    fn is_empty(&self) -> bool {
        self.len() == 0
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
}

/// Rows of a roster, however stored.
pub trait RosterSource: Sync {
    fn len(&self) -> usize;
    fn member(&self, i: usize) -> MemberRecord<'_>;
    fn is_empty(&self) -> bool {
        self.len() == 0
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
    pub columns: [&'a dyn StrSource; 13],
}

impl<'a> RosterColumns<'a> {
    /// Checks that every column has the first one's length.
    pub fn new(columns: [&'a dyn StrSource; 13]) -> Result<Self, RecordError> {
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
        MemberRecord {
            member_id: c[0].get(i),
            full_name: c[1].get(i),
            birth_name: c[2].get(i),
            date_of_birth: c[3].get(i),
            gender: c[4].get(i),
            citizen_id: c[5].get(i),
            party_card_number: c[6].get(i),
            admission_date: c[7].get(i),
            official_date: c[8].get(i),
            party_unit: c[9].get(i),
            ward: c[10].get(i),
            hometown: c[11].get(i),
            status: c[12].get(i),
        }
    }
}

/// A population table as 7 columns (in `POPULATION_COLUMNS` order).
pub struct PopulationColumns<'a> {
    pub columns: [&'a dyn StrSource; 7],
}

impl<'a> PopulationColumns<'a> {
    pub fn new(columns: [&'a dyn StrSource; 7]) -> Result<Self, RecordError> {
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
        PopulationRecord {
            citizen_id: c[0].get(i),
            full_name: c[1].get(i),
            other_names: c[2].get(i),
            date_of_birth: c[3].get(i),
            gender: c[4].get(i),
            hometown: c[5].get(i),
            old_id_number: c[6].get(i),
        }
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
pub(crate) fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|s| !s.is_empty())
}

//! The fields of the roster and of the population table: their codes (the
//! canonical column names), titles, and each table's columns in order with the
//! ones a file must have.

terms! {
    /// A field of either table. The Vietnamese title is the running-text form
    /// findings use ("Hồ sơ đảng viên thiếu ngày sinh").
    pub enum Field {
        MemberId = "member_id", "mã đảng viên", "member ID";
        FullName = "full_name", "họ và tên", "full name";
        BirthName = "birth_name", "tên khai sinh", "birth name";
        DateOfBirth = "date_of_birth", "ngày sinh", "date of birth";
        Gender = "gender", "giới tính", "gender";
        CitizenId = "citizen_id", "số định danh cá nhân", "citizen ID";
        PartyCardNumber = "party_card_number", "số thẻ đảng viên", "party card number";
        AdmissionDate = "admission_date", "ngày vào Đảng", "admission date";
        OfficialDate = "official_date", "ngày chính thức", "official date";
        PartyUnit = "party_unit", "chi bộ", "party organisation";
        Ward = "ward", "xã/phường", "commune or ward";
        Hometown = "hometown", "quê quán", "hometown";
        Status = "status", "trạng thái đảng viên", "member status";
        /// Other registered names, `;`-separated.
        OtherNames = "other_names", "tên gọi khác", "other names";
        /// The old 9-digit identity card number.
        OldIdNumber = "old_id_number", "số CMND cũ", "old ID number";
    }
}

/// A column of a table: its field, and whether a file must have it (a missing
/// value in a column that is there is a finding, not a refusal). A roster
/// column no file can do without is required; the others are read where a file
/// has them, and the checks that need one that is absent do not run
/// (`RosterCheck`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub field: Field,
    pub required: bool,
}

const fn required(field: Field) -> Column {
    Column { field, required: true }
}

const fn optional(field: Field) -> Column {
    Column { field, required: false }
}

/// The roster's columns, in the order files and tables carry them. The name
/// and the citizen ID are required: without them no member can be looked up in
/// the population data. A member without `member_id` is known by file and row.
pub const ROSTER: [Column; 13] = [
    optional(Field::MemberId),
    required(Field::FullName),
    optional(Field::BirthName),
    optional(Field::DateOfBirth),
    optional(Field::Gender),
    required(Field::CitizenId),
    optional(Field::PartyCardNumber),
    optional(Field::AdmissionDate),
    optional(Field::OfficialDate),
    optional(Field::PartyUnit),
    optional(Field::Ward),
    optional(Field::Hometown),
    optional(Field::Status),
];

/// The population table's columns, in order.
pub const POPULATION: [Column; 7] = [
    required(Field::CitizenId),
    required(Field::FullName),
    optional(Field::OtherNames),
    required(Field::DateOfBirth),
    required(Field::Gender),
    required(Field::Hometown),
    optional(Field::OldIdNumber),
];

pub const ROSTER_COLUMNS: [&str; ROSTER.len()] = codes(&ROSTER);
pub const POPULATION_COLUMNS: [&str; POPULATION.len()] = codes(&POPULATION);

const fn codes<const N: usize>(columns: &[Column; N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = columns[i].field.as_str();
        i += 1;
    }
    out
}

/// Where each field stands among a table's columns; `NOT_THERE` when it is not one.
const NOT_THERE: u8 = u8::MAX;
const ROSTER_POSITIONS: [u8; Field::ALL.len()] = positions(&ROSTER);
const POPULATION_POSITIONS: [u8; Field::ALL.len()] = positions(&POPULATION);

const fn positions<const N: usize>(columns: &[Column; N]) -> [u8; Field::ALL.len()] {
    let mut out = [NOT_THERE; Field::ALL.len()];
    let mut i = 0;
    while i < N {
        out[columns[i].field as usize] = i as u8;
        i += 1;
    }
    out
}

const fn position(positions: &[u8; Field::ALL.len()], field: Field) -> Option<usize> {
    match positions[field as usize] {
        NOT_THERE => None,
        p => Some(p as usize),
    }
}

impl Field {
    /// The field's place among the roster's columns, if it is one.
    pub const fn roster_position(self) -> Option<usize> {
        position(&ROSTER_POSITIONS, self)
    }

    /// The field's place among the population table's columns, if it is one.
    pub const fn population_position(self) -> Option<usize> {
        position(&POPULATION_POSITIONS, self)
    }
}

/// The codes of a table's required columns, in order.
pub fn required_codes(columns: &[Column]) -> Vec<&'static str> {
    columns.iter().filter(|c| c.required).map(|c| c.field.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_match_the_tables() {
        for (i, column) in ROSTER.iter().enumerate() {
            assert_eq!(column.field.roster_position(), Some(i));
            assert_eq!(ROSTER_COLUMNS[i], column.field.as_str());
        }
        for (i, column) in POPULATION.iter().enumerate() {
            assert_eq!(column.field.population_position(), Some(i));
            assert_eq!(POPULATION_COLUMNS[i], column.field.as_str());
        }
        assert_eq!(Field::OtherNames.roster_position(), None);
        assert_eq!(Field::PartyUnit.population_position(), None);
    }

    #[test]
    fn every_field_is_in_a_table_once() {
        for field in Field::ALL {
            let in_roster = ROSTER.iter().filter(|c| c.field == field).count();
            let in_population = POPULATION.iter().filter(|c| c.field == field).count();
            assert!(in_roster <= 1 && in_population <= 1 && in_roster + in_population >= 1, "{field:?}");
        }
    }

    #[test]
    fn required_columns() {
        assert_eq!(required_codes(&POPULATION), ["citizen_id", "full_name", "date_of_birth", "gender", "hometown"]);
        assert_eq!(required_codes(&ROSTER), ["full_name", "citizen_id"]);
        assert!(!ROSTER[Field::BirthName.roster_position().unwrap()].required);
    }
}

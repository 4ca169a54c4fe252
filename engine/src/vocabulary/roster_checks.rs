//! The cross-check's checks of a roster, each with the roster columns it reads:
//! a roster without one of those columns (a party organisation's own short
//! list) is checked without that check, and the answer says which checks did
//! not run for lack of which column, rather than reporting the value missing
//! on every member.

use super::Field;

terms! {
    /// A check of the party record, named for what a reader of the summary
    /// needs to know was not checked.
    pub enum RosterCheck {
        MemberId = "member_id", "mã đảng viên có ghi", "member ID given";
        FullName = "full_name", "họ và tên có ghi và khớp CSDL dân cư", "full name given and matching the population data";
        CitizenId = "citizen_id", "số định danh cá nhân: tra CSDL dân cư và đối chiếu các trường", "citizen ID: looked up in the population data and the fields compared";
        DateOfBirth = "date_of_birth", "ngày sinh có ghi, hợp lý và khớp CSDL dân cư", "date of birth given, plausible and matching the population data";
        Gender = "gender", "giới tính có ghi và khớp CSDL dân cư", "gender given and matching the population data";
        Hometown = "hometown", "quê quán khớp CSDL dân cư", "hometown matching the population data";
        PartyCardNumber = "party_card_number", "số thẻ đảng viên có ghi, đủ 8 chữ số", "party card number given, 8 digits";
        AdmissionDate = "admission_date", "ngày vào Đảng có ghi và hợp lý", "admission date given and plausible";
        OfficialDate = "official_date", "ngày chính thức có ghi, hợp lý và sau ngày vào Đảng", "official date given, plausible and after admission";
        AgeAtAdmission = "age_at_admission", "đủ 18 tuổi khi vào Đảng", "18 or older at admission";
        Status = "status", "trạng thái đảng viên (chỉ đảng viên chính thức được đổi thẻ)", "member status (only official members get a new card)";
    }
}

impl RosterCheck {
    /// The roster columns the check reads; it runs only when the roster has them all.
    pub const fn needs(self) -> &'static [Field] {
        match self {
            RosterCheck::MemberId => &[Field::MemberId],
            RosterCheck::FullName => &[Field::FullName],
            RosterCheck::CitizenId => &[Field::CitizenId],
            RosterCheck::DateOfBirth => &[Field::DateOfBirth],
            RosterCheck::Gender => &[Field::Gender],
            RosterCheck::Hometown => &[Field::Hometown],
            RosterCheck::PartyCardNumber => &[Field::PartyCardNumber],
            RosterCheck::AdmissionDate => &[Field::AdmissionDate],
            RosterCheck::OfficialDate => &[Field::OfficialDate],
            RosterCheck::AgeAtAdmission => &[Field::AdmissionDate],
            RosterCheck::Status => &[Field::Status],
        }
    }
}

/// Which roster columns a roster has (a column absent from the file is not there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RosterFields(u32);

impl RosterFields {
    /// Every column there: a roster read whole, one member sent on its own.
    pub const ALL: RosterFields = RosterFields(u32::MAX);

    pub fn from_fn(mut has: impl FnMut(Field) -> bool) -> RosterFields {
        let mut bits = 0;
        for field in Field::ALL {
            if has(field) {
                bits |= 1 << field as u32;
            }
        }
        RosterFields(bits)
    }

    pub const fn has(self, field: Field) -> bool {
        self.0 & (1 << field as u32) != 0
    }

    /// Whether every column `check` reads is there.
    pub fn runs(self, check: RosterCheck) -> bool {
        check.needs().iter().all(|&f| self.has(f))
    }

    /// The checks that do not run, each with the columns it lacks, in check order.
    pub fn not_run(self) -> Vec<(RosterCheck, Vec<Field>)> {
        RosterCheck::ALL
            .iter()
            .filter_map(|&check| {
                let lacking: Vec<Field> = check.needs().iter().copied().filter(|&f| !self.has(f)).collect();
                (!lacking.is_empty()).then_some((check, lacking))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_list_skips_the_checks_of_the_columns_it_lacks() {
        // A party organisation's own list: STT, name, date of birth, gender, ID,
        // card number, hometown, organisation.
        let short = [
            Field::FullName,
            Field::DateOfBirth,
            Field::Gender,
            Field::CitizenId,
            Field::PartyCardNumber,
            Field::Hometown,
            Field::PartyUnit,
        ];
        let fields = RosterFields::from_fn(|f| short.contains(&f));
        let not_run: Vec<(&str, Vec<&str>)> =
            fields.not_run().iter().map(|(c, f)| (c.as_str(), f.iter().map(|f| f.as_str()).collect())).collect();
        assert_eq!(
            not_run,
            [
                ("member_id", vec!["member_id"]),
                ("admission_date", vec!["admission_date"]),
                ("official_date", vec!["official_date"]),
                ("age_at_admission", vec!["admission_date"]),
                ("status", vec!["status"]),
            ]
        );
        assert!(fields.runs(RosterCheck::CitizenId) && !fields.runs(RosterCheck::Status));
        assert!(RosterFields::ALL.not_run().is_empty());
    }

    #[test]
    fn every_check_reads_roster_columns() {
        for check in RosterCheck::ALL {
            assert!(!check.needs().is_empty());
            assert!(check.needs().iter().all(|f| f.roster_position().is_some()), "{check:?}");
        }
    }
}

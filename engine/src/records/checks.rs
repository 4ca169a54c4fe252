//! Finding codes, who acts on each, and the checks that need only the party
//! record (status, card number, admission and official dates).

use std::fmt;

use crate::column::StrColumn;
use crate::values::dates::{days_from_civil, parse_date, DateProblem, PartialDate};
use crate::vocabulary::Field;
// Re-exported where they used to be defined, so existing paths keep compiling.
pub use crate::vocabulary::{Owner, Severity, Status, Verdict};

macro_rules! codes {
    ($( $variant:ident = $text:literal, $severity:ident, $owner:ident, $field:literal, $vi:literal, $en:literal; )*) => {
        /// Every finding code. The strings are stable: work lists, dashboards and the
        /// gRPC verifier key on them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// Who acts in the usual case; a few findings name another owner when the
            /// record shows which side is wrong (see docs/records.md).
            pub fn default_owner(self) -> Owner {
                match self { $( Code::$variant => Owner::$owner, )* }
            }

            /// The roster column the finding is usually about.
            pub fn default_field(self) -> &'static str {
                match self { $( Code::$variant => $field, )* }
            }

            /// One line for the docs and the work lists' legend.
            pub fn summary_vi(self) -> &'static str {
                match self { $( Code::$variant => $vi, )* }
            }

            pub fn summary_en(self) -> &'static str {
                match self { $( Code::$variant => $en, )* }
            }

            pub fn from_code(s: &str) -> Option<Code> {
                match s { $( $text => Some(Code::$variant), )* _ => None }
            }
        }
    };
}

codes! {
    NameEquivalentForm = "NAME_EQUIVALENT_FORM", Info, PartyBoard, "full_name",
        "Cùng một tên, viết khác kiểu (vị trí dấu thanh, bảng mã, chữ hoa)",
        "The same name written differently (tone-mark placement, legacy encoding, case)";
    NameAliasMatch = "NAME_ALIAS_MATCH", Info, PartyBoard, "full_name",
        "Tên khớp qua tên khai sinh hoặc tên gọi khác",
        "The name matches through the birth name or another registered name";
    NameDiacriticsMissing = "NAME_DIACRITICS_MISSING", Review, PartyBoard, "full_name",
        "Một bên thiếu dấu tiếng Việt; không xác định được có phải cùng tên",
        "One side lacks Vietnamese diacritics; cannot tell whether it is the same name";
    NameSpellingVariant = "NAME_SPELLING_VARIANT", Review, PartyBoard, "full_name",
        "Biến thể chính tả (y/i, Hoàng/Huỳnh, Vũ/Võ)",
        "Spelling variant (y/i, Hoàng/Huỳnh, Vũ/Võ)";
    NameMiddleMissing = "NAME_MIDDLE_MISSING", Review, PartyBoard, "full_name",
        "Thiếu tên đệm ở một bên",
        "A middle name is missing on one side";
    NameReordered = "NAME_REORDERED", Review, PartyBoard, "full_name",
        "Cùng các tiếng nhưng khác thứ tự",
        "The same syllables in another order";
    NameTypo = "NAME_TYPO", Review, PartyBoard, "full_name",
        "Sai một ký tự (lỗi gõ)",
        "One character off (a typing error)";
    NameMismatch = "NAME_MISMATCH", Error, PartyBoard, "full_name",
        "Họ tên khác nhau (kể cả chỉ khác dấu: Hùng/Hưng là hai tên)",
        "Different names (a different mark counts: Hùng/Hưng are two names)";
    DobMismatch = "DOB_MISMATCH", Review, PartyBoard, "date_of_birth",
        "Ngày sinh khác nhau; không tự sửa, cần người đối chiếu giấy tờ gốc",
        "Different dates of birth; never corrected automatically, a person checks the documents";
    GenderMismatch = "GENDER_MISMATCH", Review, PartyBoard, "gender",
        "Giới tính khác nhau",
        "Different gender";
    HometownMismatch = "HOMETOWN_MISMATCH", Review, PartyBoard, "hometown",
        "Quê quán khác tỉnh (đã tính cả tên tỉnh trước và sau sáp nhập)",
        "Hometowns in different provinces (old and new province names already reconciled)";
    CitizenIdMissing = "CITIZEN_ID_MISSING", Review, IntakeOfficer, "citizen_id",
        "Thiếu số định danh cá nhân; đề xuất người phù hợp theo họ tên và ngày sinh",
        "No citizen ID; candidates by name and date of birth are offered";
    CitizenIdMalformed = "CITIZEN_ID_MALFORMED", Review, IntakeOfficer, "citizen_id",
        "Số định danh sai dạng (không đủ 12 chữ số, có chữ, chữ số toàn chiều rộng)",
        "Malformed citizen ID (not 12 digits, letters, full-width digits)";
    CitizenIdLeadingZero = "CITIZEN_ID_LEADING_ZERO", Info, IntakeOfficer, "citizen_id",
        "Đã bổ sung số 0 đầu bị bảng tính làm mất",
        "A leading zero lost by a spreadsheet was put back";
    CitizenIdUnknownProvince = "CITIZEN_ID_UNKNOWN_PROVINCE", Error, Police, "citizen_id",
        "Ba số đầu không phải mã tỉnh nào trong 63 mã đăng ký khai sinh",
        "The first three digits are none of the 63 birth-registration province codes";
    CitizenIdSexMismatch = "CITIZEN_ID_SEX_MISMATCH", Error, Police, "citizen_id",
        "Chữ số giới tính trong số định danh trái với giới tính của người",
        "The sex digit of the number contradicts the person's sex";
    CitizenIdYearMismatch = "CITIZEN_ID_YEAR_MISMATCH", Error, Police, "citizen_id",
        "Năm sinh mã hoá trong số định danh trái với năm sinh của người",
        "The birth year coded in the number contradicts the person's";
    CitizenNotFound = "CITIZEN_NOT_FOUND", Error, IntakeOfficer, "citizen_id",
        "Không có số định danh này trong CSDL dân cư; đề xuất người phù hợp",
        "The number is not in the population data; candidates are offered";
    LegacyIdOnly = "LEGACY_ID_ONLY", Review, IntakeOfficer, "citizen_id",
        "Chỉ có số CMND 9 số cũ; cần ghi số định danh 12 số",
        "Only the old 9-digit number is given; the 12-digit number must be recorded";
    PopulationDuplicateId = "POPULATION_DUPLICATE_ID", Review, Police, "citizen_id",
        "Số định danh này có ở nhiều bản ghi dân cư",
        "The population data holds this number on several records";
    CardNumberMalformed = "CARD_NUMBER_MALFORMED", Error, PartyBoard, "party_card_number",
        "Số thẻ đảng viên thiếu hoặc sai dạng (8 chữ số)",
        "Party card number missing or malformed (8 digits)";
    OfficialBeforeAdmission = "OFFICIAL_BEFORE_ADMISSION", Error, PartyBoard, "official_date",
        "Ngày chính thức không sau ngày vào Đảng",
        "The official date is not after the admission date";
    UnderAgeAtAdmission = "UNDER_AGE_AT_ADMISSION", Error, PartyBoard, "admission_date",
        "Chưa đủ 18 tuổi khi vào Đảng",
        "Under 18 at admission";
    StatusNotEligible = "STATUS_NOT_ELIGIBLE", Error, PartyBoard, "status",
        "Không phải đảng viên chính thức (dự bị, đã chuyển, từ trần, …)",
        "Not an official member (probationary, transferred, deceased, …)";
    ValueMissing = "VALUE_MISSING", Review, PartyBoard, "",
        "Thiếu giá trị bắt buộc",
        "A required value is missing";
    ValueUnreadable = "VALUE_UNREADABLE", Review, PartyBoard, "",
        "Giá trị không đọc được hoặc không hợp lý (ngày, giới tính, độ dài)",
        "A value that cannot be read or is not plausible (date, gender, length)";
}

/// One finding, owned (the single-record path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub field: &'static str,
    pub severity: Severity,
    pub owner: Owner,
    pub party_value: String,
    pub population_value: String,
    pub message_vi: String,
    pub message_en: String,
}

/// Where checks put their findings: a Vec for one record, columns for a roster.
pub trait FindingSink {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        code: Code,
        field: &'static str,
        owner: Owner,
        party: &str,
        population: &str,
        vi: fmt::Arguments<'_>,
        en: fmt::Arguments<'_>,
    );
}

impl FindingSink for Vec<Finding> {
    fn push(
        &mut self,
        code: Code,
        field: &'static str,
        owner: Owner,
        party: &str,
        population: &str,
        vi: fmt::Arguments<'_>,
        en: fmt::Arguments<'_>,
    ) {
        Vec::push(
            self,
            Finding {
                code,
                field,
                severity: code.severity(),
                owner,
                party_value: party.to_string(),
                population_value: population.to_string(),
                message_vi: vi.to_string(),
                message_en: en.to_string(),
            },
        );
    }
}

/// Findings of many members as columns; `member[i]` is the roster row of finding i.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FindingColumns {
    pub member: Vec<u32>,
    pub code: Vec<Code>,
    pub field: Vec<&'static str>,
    pub owner: Vec<Owner>,
    pub party_value: StrColumn,
    pub population_value: StrColumn,
    pub message_vi: StrColumn,
    pub message_en: StrColumn,
    /// The row findings are being written for.
    pub current: u32,
}

impl FindingColumns {
    pub fn new() -> Self {
        let empty = || StrColumn::with_capacity(0, 0);
        FindingColumns {
            party_value: empty(),
            population_value: empty(),
            message_vi: empty(),
            message_en: empty(),
            ..Default::default()
        }
    }

    pub fn len(&self) -> usize {
        self.member.len()
    }

    pub fn is_empty(&self) -> bool {
        self.member.is_empty()
    }

    pub fn severity(&self, i: usize) -> Severity {
        self.code[i].severity()
    }

    /// Appends another set of columns (the chunks workers produced).
    pub fn extend(&mut self, other: &FindingColumns) {
        self.member.extend_from_slice(&other.member);
        self.code.extend_from_slice(&other.code);
        self.field.extend_from_slice(&other.field);
        self.owner.extend_from_slice(&other.owner);
        self.party_value.extend(&other.party_value);
        self.population_value.extend(&other.population_value);
        self.message_vi.extend(&other.message_vi);
        self.message_en.extend(&other.message_en);
    }
}

impl FindingSink for FindingColumns {
    fn push(
        &mut self,
        code: Code,
        field: &'static str,
        owner: Owner,
        party: &str,
        population: &str,
        vi: fmt::Arguments<'_>,
        en: fmt::Arguments<'_>,
    ) {
        use fmt::Write;
        self.member.push(self.current);
        self.code.push(code);
        self.field.push(field);
        self.owner.push(owner);
        self.party_value.data.push_str(party);
        self.party_value.finish_value();
        self.population_value.data.push_str(population);
        self.population_value.finish_value();
        let _ = self.message_vi.data.write_fmt(vi);
        self.message_vi.finish_value();
        let _ = self.message_en.data.write_fmt(en);
        self.message_en.finish_value();
    }
}

/// Passes findings on and remembers the worst severity of the current member.
pub(crate) struct Tally<'s, S: FindingSink> {
    pub sink: &'s mut S,
    pub worst: Option<Severity>,
    pub count: u32,
}

impl<S: FindingSink> FindingSink for Tally<'_, S> {
    fn push(
        &mut self,
        code: Code,
        field: &'static str,
        owner: Owner,
        party: &str,
        population: &str,
        vi: fmt::Arguments<'_>,
        en: fmt::Arguments<'_>,
    ) {
        self.worst = self.worst.max(Some(code.severity()));
        self.count += 1;
        self.sink.push(code, field, owner, party, population, vi, en);
    }
}

/// Why a party card number is not 8 digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardProblem {
    Characters,
    Length(u8),
}

/// Party card numbers have had 8 digits since 2003; separators are forgiven.
pub fn check_card(raw: &str) -> Result<(), CardProblem> {
    let s = raw.trim().trim_start_matches('\'');
    let mut digits = 0u32;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if !(c.is_whitespace() || matches!(c, '.' | '-')) {
            return Err(CardProblem::Characters);
        }
    }
    if digits == 8 {
        Ok(())
    } else {
        Err(CardProblem::Length(digits.min(255) as u8))
    }
}

/// The party was founded on 3 February 1930: no admission before it.
pub fn party_founded() -> i32 {
    days_from_civil(1930, 2, 3)
}

/// A value shown in a finding: long ones cut, so a wrong column stays readable.
pub fn shown(value: &str) -> &str {
    const SHOWN: usize = 120;
    if value.len() <= SHOWN {
        return value;
    }
    let mut end = SHOWN;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    &value[..end]
}

/// The party-side dates, read once.
pub(crate) struct PartyDates {
    pub dob: Option<PartialDate>,
    pub admission: Option<PartialDate>,
    pub official: Option<PartialDate>,
}

pub(crate) fn side_vi(owner: Owner) -> &'static str {
    if owner == Owner::Police {
        "CSDL dân cư"
    } else {
        "hồ sơ đảng viên"
    }
}

pub(crate) fn side_en(owner: Owner) -> &'static str {
    if owner == Owner::Police {
        "population data"
    } else {
        "party record"
    }
}

pub(crate) fn field_vi(field: &str) -> &'static str {
    Field::from_code(field).map_or("giá trị", Field::title_vi)
}

/// Reads one date field and reports a value that is no date, or not a plausible
/// one for the field (`earliest..=latest`, in days).
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_date<S: FindingSink>(
    raw: Option<&str>,
    field: &'static str,
    owner: Owner,
    earliest: i32,
    latest: i32,
    population_side: bool,
    sink: &mut S,
) -> Option<PartialDate> {
    let raw = super::present(raw)?;
    let (party, population) = if population_side { ("", raw) } else { (raw, "") };
    if raw.len() > super::MAX_VALUE_BYTES {
        sink.push(
            Code::ValueUnreadable,
            field,
            owner,
            shown(party),
            shown(population),
            format_args!("{} trên {} quá dài để là một ngày ({} byte)", field_vi(field), side_vi(owner), raw.len()),
            format_args!("{field} on the {} is too long to be a date ({} bytes)", side_en(owner), raw.len()),
        );
        return None;
    }
    match parse_date(raw) {
        Ok(Some(d)) => {
            if d.latest() < earliest || d.earliest() > latest {
                sink.push(Code::ValueUnreadable, field, owner, party, population,
                    format_args!("{} trên {} không hợp lý (trước mốc sớm nhất có thể hoặc sau ngày đối chiếu)", field_vi(field), side_vi(owner)),
                    format_args!("{field} on the {} is not plausible (before the earliest possible day or after the reference date)", side_en(owner)));
                return None;
            }
            Some(d)
        }
        Ok(None) => None,
        Err(problem) => {
            report_date_problem(problem, field, owner, party, population, sink);
            None
        }
    }
}

fn report_date_problem<S: FindingSink>(
    p: DateProblem,
    field: &'static str,
    owner: Owner,
    party: &str,
    population: &str,
    sink: &mut S,
) {
    sink.push(
        Code::ValueUnreadable,
        field,
        owner,
        party,
        population,
        format_args!("{} trên {}: {}", field_vi(field), side_vi(owner), p.message_vi()),
        format_args!("{field} on the {}: {}", side_en(owner), p.message_en()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()));
            assert_eq!(Code::from_code(c.as_str()), Some(*c));
            assert!(!c.summary_vi().is_empty() && !c.summary_en().is_empty());
        }
        // The codes the issue names, exactly.
        for s in [
            "NAME_EQUIVALENT_FORM",
            "NAME_DIACRITICS_MISSING",
            "NAME_SPELLING_VARIANT",
            "NAME_MIDDLE_MISSING",
            "NAME_REORDERED",
            "NAME_TYPO",
            "NAME_MISMATCH",
            "DOB_MISMATCH",
            "GENDER_MISMATCH",
            "HOMETOWN_MISMATCH",
            "CITIZEN_ID_MISSING",
            "CITIZEN_ID_MALFORMED",
            "CITIZEN_ID_UNKNOWN_PROVINCE",
            "CITIZEN_ID_SEX_MISMATCH",
            "CITIZEN_ID_YEAR_MISMATCH",
            "CITIZEN_NOT_FOUND",
            "LEGACY_ID_ONLY",
            "CARD_NUMBER_MALFORMED",
            "OFFICIAL_BEFORE_ADMISSION",
            "UNDER_AGE_AT_ADMISSION",
            "STATUS_NOT_ELIGIBLE",
        ] {
            assert!(Code::from_code(s).is_some(), "{s}");
        }
        assert_eq!(Code::DobMismatch.severity(), Severity::Review);
        assert_eq!(Code::DobMismatch.default_owner(), Owner::PartyBoard);
    }

    #[test]
    fn cards() {
        assert_eq!(check_card("12345678"), Ok(()));
        assert_eq!(check_card("1234 5678"), Ok(()));
        assert_eq!(check_card("'12.345.678"), Ok(()));
        assert_eq!(check_card("1234567"), Err(CardProblem::Length(7)));
        assert_eq!(check_card("1234567A"), Err(CardProblem::Characters));
    }

    #[test]
    fn column_sink_keeps_rows_apart() {
        let mut cols = FindingColumns::new();
        cols.current = 7;
        cols.push(
            Code::DobMismatch,
            "date_of_birth",
            Owner::PartyBoard,
            "1960",
            "1961",
            format_args!("vi {}", 1),
            format_args!("en"),
        );
        assert_eq!(cols.len(), 1);
        assert_eq!(cols.member[0], 7);
        assert_eq!(cols.message_vi.get(0), Some("vi 1"));
        assert_eq!(cols.population_value.get(0), Some("1961"));
        let mut more = FindingColumns::new();
        more.extend(&cols);
        more.extend(&cols);
        assert_eq!(more.len(), 2);
        assert_eq!(more.party_value.get(1), Some("1960"));
    }

    #[test]
    fn shown_cuts_on_a_char_boundary() {
        let long = "ữ".repeat(100);
        let s = shown(&long);
        assert!(s.len() <= 120 && long.starts_with(s));
    }
}

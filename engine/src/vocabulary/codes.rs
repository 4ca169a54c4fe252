//! Every finding code, with its severity, usual owner and field, its one-line
//! summary, what the owner does about it (the work lists' action), and the
//! message templates the rules fill in: one table, so a code's wording has one
//! home and no rule spells a message of its own.
//!
//! A template names its values in braces (`{field}`, `{candidates}`); a rule
//! passes each value once, as one text for both languages or one for each
//! ([`Arg::text`], [`Arg::each`]), and the sink renders the template straight
//! into its buffer.

use std::fmt;

use crate::vocabulary::{Owner, Severity};

macro_rules! codes {
    ($( $variant:ident = $text:literal, $severity:ident, $owner:ident, $field:literal, $vi:literal, $en:literal,
        $action_vi:literal, $action_en:literal; )*) => {
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

            /// What the owner does about the finding: the work lists' "việc cần làm".
            pub fn action_vi(self) -> &'static str {
                match self { $( Code::$variant => $action_vi, )* }
            }

            pub fn action_en(self) -> &'static str {
                match self { $( Code::$variant => $action_en, )* }
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
        "The same name written differently (tone-mark placement, legacy encoding, case)",
        "Không cần làm gì; có thể gõ lại họ tên trên hồ sơ bằng Unicode",
        "Nothing; the roster name may be retyped in Unicode";
    NameAliasMatch = "NAME_ALIAS_MATCH", Info, PartyBoard, "full_name",
        "Tên khớp qua tên khai sinh hoặc tên gọi khác",
        "The name matches through the birth name or another registered name",
        "Không cần làm gì; tên khai sinh hoặc tên gọi khác đã có trong hồ sơ",
        "Nothing; the alias is on record";
    NameDiacriticsMissing = "NAME_DIACRITICS_MISSING", Review, PartyBoard, "full_name",
        "Một bên thiếu dấu tiếng Việt; không xác định được có phải cùng tên",
        "One side lacks Vietnamese diacritics; cannot tell whether it is the same name",
        "Xem thẻ căn cước hoặc hồ sơ gốc; ghi họ tên đủ dấu ở bên thiếu dấu",
        "Look at the ID card or the file; write the name with its marks on the side that lacks them";
    NameSpellingVariant = "NAME_SPELLING_VARIANT", Review, PartyBoard, "full_name",
        "Biến thể chính tả (y/i, Hoàng/Huỳnh, Vũ/Võ)",
        "Spelling variant (y/i, Hoàng/Huỳnh, Vũ/Võ)",
        "Xem giấy khai sinh ghi cách viết nào; sửa hồ sơ đảng viên nếu khác",
        "Check which spelling the birth certificate has; correct the party file if it differs";
    NameMiddleMissing = "NAME_MIDDLE_MISSING", Review, PartyBoard, "full_name",
        "Thiếu tên đệm ở một bên",
        "A middle name is missing on one side",
        "Xem thẻ căn cước; bổ sung tên đệm vào hồ sơ đảng viên",
        "Check the ID card; complete the party file";
    NameReordered = "NAME_REORDERED", Review, PartyBoard, "full_name",
        "Cùng các tiếng nhưng khác thứ tự",
        "The same syllables in another order",
        "Xem thẻ căn cước; sửa thứ tự họ, tên đệm, tên",
        "Check the ID card; correct the order";
    NameTypo = "NAME_TYPO", Review, PartyBoard, "full_name",
        "Sai một ký tự (lỗi gõ)",
        "One character off (a typing error)",
        "Xem thẻ căn cước; sửa lỗi gõ trong họ tên",
        "Check the ID card; correct the typing error";
    NameMismatch = "NAME_MISMATCH", Error, PartyBoard, "full_name",
        "Họ tên khác nhau (kể cả chỉ khác dấu: Hùng/Hưng là hai tên)",
        "Different names (a different mark counts: Hùng/Hưng are two names)",
        "Xác minh nhân thân bằng thẻ căn cước; nếu số định danh là của người khác, chọn đúng người trong danh sách đề xuất",
        "Confirm the person's identity with the ID card; if the number belongs to someone else, pick the right person among the candidates";
    DobMismatch = "DOB_MISMATCH", Review, PartyBoard, "date_of_birth",
        "Ngày sinh khác nhau; không tự sửa, cần người đối chiếu giấy tờ gốc",
        "Different dates of birth; never corrected automatically, a person checks the documents",
        "Đối chiếu giấy tờ gốc (thẻ căn cước, giấy khai sinh, hồ sơ đảng viên); sửa bên sai, không tự chép theo CSDL dân cư",
        "Compare the original documents (ID card, birth certificate, party file); correct the side that is wrong, never copy the population data blindly";
    GenderMismatch = "GENDER_MISMATCH", Review, PartyBoard, "gender",
        "Giới tính khác nhau",
        "Different gender",
        "Xem thẻ căn cước; bên sai sửa giới tính",
        "Check the ID card; the side that is wrong corrects the gender";
    HometownMismatch = "HOMETOWN_MISMATCH", Review, PartyBoard, "hometown",
        "Quê quán khác tỉnh (đã tính cả tên tỉnh trước và sau sáp nhập)",
        "Hometowns in different provinces (old and new province names already reconciled)",
        "Xem hồ sơ gốc; sửa quê quán ở bên sai",
        "Check the file; correct the hometown on the side that is wrong";
    CitizenIdMissing = "CITIZEN_ID_MISSING", Review, IntakeOfficer, "citizen_id",
        "Thiếu số định danh cá nhân; đề xuất người phù hợp theo họ tên và ngày sinh",
        "No citizen ID; candidates by name and date of birth are offered",
        "Lấy số định danh từ thẻ căn cước của đảng viên; người đề xuất chỉ để tham khảo, không tự chọn",
        "Take the number from the member's ID card; the candidates offered are only suggestions, never chosen automatically";
    CitizenIdMalformed = "CITIZEN_ID_MALFORMED", Review, IntakeOfficer, "citizen_id",
        "Số định danh sai dạng (không đủ 12 chữ số, có chữ, chữ số toàn chiều rộng)",
        "Malformed citizen ID (not 12 digits, letters, full-width digits)",
        "Gõ lại số định danh 12 chữ số theo thẻ căn cước; định dạng cột là Văn bản",
        "Retype the 12-digit number from the ID card; format the column as Text";
    CitizenIdLeadingZero = "CITIZEN_ID_LEADING_ZERO", Info, IntakeOfficer, "citizen_id",
        "Đã bổ sung số 0 đầu bị bảng tính làm mất",
        "A leading zero lost by a spreadsheet was put back",
        "Không cần làm gì; lần sau định dạng cột số định danh là Văn bản",
        "Nothing; format the citizen ID column as Text next time";
    CitizenIdUnknownProvince = "CITIZEN_ID_UNKNOWN_PROVINCE", Error, Police, "citizen_id",
        "Ba số đầu không phải mã tỉnh nào trong 63 mã đăng ký khai sinh",
        "The first three digits are none of the 63 birth-registration province codes",
        "Công an: huỷ và cấp lại số; cán bộ tiếp nhận: số không có trong CSDL dân cư thì có thể ghi sai, gõ lại theo thẻ căn cước",
        "Police: cancel and re-issue the number; intake officer: a number not in the population data is probably mistyped, retype it from the ID card";
    CitizenIdSexMismatch = "CITIZEN_ID_SEX_MISMATCH", Error, Police, "citizen_id",
        "Chữ số giới tính trong số định danh trái với giới tính của người",
        "The sex digit of the number contradicts the person's sex",
        "Công an: huỷ và cấp lại số; cán bộ tiếp nhận: số không có trong CSDL dân cư thì có thể ghi sai, gõ lại theo thẻ căn cước",
        "Police: cancel and re-issue the number; intake officer: a number not in the population data is probably mistyped, retype it from the ID card";
    CitizenIdYearMismatch = "CITIZEN_ID_YEAR_MISMATCH", Error, Police, "citizen_id",
        "Năm sinh mã hoá trong số định danh trái với năm sinh của người",
        "The birth year coded in the number contradicts the person's",
        "Công an: huỷ và cấp lại số; cán bộ tiếp nhận: số không có trong CSDL dân cư thì có thể ghi sai, gõ lại theo thẻ căn cước",
        "Police: cancel and re-issue the number; intake officer: a number not in the population data is probably mistyped, retype it from the ID card";
    CitizenNotFound = "CITIZEN_NOT_FOUND", Error, IntakeOfficer, "citizen_id",
        "Không có số định danh này trong CSDL dân cư; đề xuất người phù hợp",
        "The number is not in the population data; candidates are offered",
        "Gõ lại số định danh theo thẻ căn cước; người đề xuất chỉ để tham khảo, không tự chọn",
        "Retype the number from the ID card; the candidates offered are only suggestions, never chosen automatically";
    LegacyIdOnly = "LEGACY_ID_ONLY", Review, IntakeOfficer, "citizen_id",
        "Chỉ có số CMND 9 số cũ; cần ghi số định danh 12 số",
        "Only the old 9-digit number is given; the 12-digit number must be recorded",
        "Ghi số định danh 12 số theo thẻ căn cước vào hồ sơ",
        "Record the 12-digit number from the ID card";
    PopulationDuplicateId = "POPULATION_DUPLICATE_ID", Review, Police, "citizen_id",
        "Số định danh này có ở nhiều bản ghi dân cư",
        "The population data holds this number on several records",
        "Công an xã kiểm tra các bản ghi dân cư cùng số và làm sạch CSDL",
        "The commune police check the population records that share the number and clean them up";
    CitizenIdShared = "CITIZEN_ID_SHARED", Review, PartyBoard, "citizen_id",
        "Hai đảng viên khác nhau ghi cùng một số định danh; không gộp, cấp ủy xác minh, báo công an",
        "Two different members recorded under one citizen ID; not merged, the party board checks, the police are informed",
        "Cấp ủy đối chiếu hai hồ sơ với CSDL dân cư, sửa số định danh ghi sai và báo công an; không gộp hai người",
        "The party board checks both records against the population data, corrects the wrong number and informs the police; never merge the two";
    CardNumberMalformed = "CARD_NUMBER_MALFORMED", Error, PartyBoard, "party_card_number",
        "Số thẻ đảng viên thiếu hoặc sai dạng (8 chữ số)",
        "Party card number missing or malformed (8 digits)",
        "Sửa số thẻ đảng viên theo thẻ hoặc hồ sơ (8 chữ số); định dạng cột là Văn bản",
        "Correct the card number from the card or the file (8 digits); format the column as Text";
    CardNumberLeadingZero = "CARD_NUMBER_LEADING_ZERO", Info, PartyBoard, "party_card_number",
        "Đã bổ sung số 0 đầu của số thẻ đảng viên bị bảng tính làm mất",
        "A leading zero of the party card number lost by a spreadsheet was put back",
        "Không cần làm gì; lần sau định dạng cột số thẻ đảng viên là Văn bản",
        "Nothing; format the party card number column as Text next time";
    OfficialBeforeAdmission = "OFFICIAL_BEFORE_ADMISSION", Error, PartyBoard, "official_date",
        "Ngày chính thức không sau ngày vào Đảng",
        "The official date is not after the admission date",
        "Sửa ngày vào Đảng hoặc ngày chính thức theo quyết định trong hồ sơ",
        "Correct the admission or official date from the decisions in the file";
    UnderAgeAtAdmission = "UNDER_AGE_AT_ADMISSION", Error, PartyBoard, "admission_date",
        "Chưa đủ 18 tuổi khi vào Đảng",
        "Under 18 at admission",
        "Kiểm tra ngày sinh và ngày vào Đảng trong hồ sơ; sửa ngày sai",
        "Check both dates in the file; correct the wrong one";
    StatusNotEligible = "STATUS_NOT_ELIGIBLE", Error, PartyBoard, "status",
        "Không phải đảng viên chính thức (dự bị, đã chuyển, từ trần, …)",
        "Not an official member (probationary, transferred, deceased, …)",
        "Không làm thẻ đợt này: đưa đảng viên ra khỏi danh sách, hoặc sửa trạng thái nếu ghi sai",
        "No card this round: take the member off the list, or correct the status if it is wrong";
    ValueMissing = "VALUE_MISSING", Review, PartyBoard, "",
        "Thiếu giá trị bắt buộc",
        "A required value is missing",
        "Bổ sung giá trị còn thiếu theo hồ sơ gốc",
        "Fill it in from the file";
    ValueUnreadable = "VALUE_UNREADABLE", Review, PartyBoard, "",
        "Giá trị không đọc được hoặc không hợp lý (ngày, giới tính, độ dài)",
        "A value that cannot be read or is not plausible (date, gender, length)",
        "Ghi lại giá trị theo hồ sơ gốc như nội dung phát hiện hướng dẫn (ngày dd/mm/yyyy, giới tính Nam/Nữ)",
        "Rewrite it from the file as the message says (dates dd/mm/yyyy, gender Nam/Nữ)";
}

/// A value filled into a template.
#[derive(Clone, Copy)]
enum Value<'a> {
    Text(&'a str),
    Number(u64),
    Shown(&'a dyn fmt::Display),
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) => f.write_str(s),
            Value::Number(n) => fmt::Display::fmt(n, f),
            Value::Shown(d) => d.fmt(f),
        }
    }
}

/// A named value a rule fills into a template: one text for both languages, or one each.
#[derive(Clone, Copy)]
pub struct Arg<'a> {
    pub name: &'static str,
    vi: Value<'a>,
    en: Value<'a>,
}

impl<'a> Arg<'a> {
    /// A text written the same in both languages (a date, a value as typed).
    pub fn text(name: &'static str, value: &'a str) -> Arg<'a> {
        Arg { name, vi: Value::Text(value), en: Value::Text(value) }
    }

    /// A number, in decimal.
    pub fn number(name: &'static str, value: impl Into<u64>) -> Arg<'a> {
        let n = Value::Number(value.into());
        Arg { name, vi: n, en: n }
    }

    /// A count, in decimal.
    pub fn count(name: &'static str, value: usize) -> Arg<'a> {
        Arg::number(name, value as u64)
    }

    /// A text with a Vietnamese and an English wording.
    pub fn each(name: &'static str, vi: &'a str, en: &'a str) -> Arg<'a> {
        Arg { name, vi: Value::Text(vi), en: Value::Text(en) }
    }

    /// A rendered phrase (or anything displayed) in each language.
    pub fn each_shown(name: &'static str, vi: &'a dyn fmt::Display, en: &'a dyn fmt::Display) -> Arg<'a> {
        Arg { name, vi: Value::Shown(vi), en: Value::Shown(en) }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

/// A template with its values, written out when displayed (no string in between).
#[derive(Clone, Copy)]
pub struct Rendered<'a> {
    template: &'static str,
    lang: Lang,
    args: &'a [Arg<'a>],
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.template;
        while let Some(open) = rest.find('{') {
            f.write_str(&rest[..open])?;
            let close = open + rest[open..].find('}').expect("templates close every placeholder");
            let name = &rest[open + 1..close];
            match self.args.iter().find(|a| a.name == name) {
                Some(a) => match self.lang {
                    Lang::Vi => a.vi.fmt(f)?,
                    Lang::En => a.en.fmt(f)?,
                },
                None => {
                    debug_assert!(false, "no value for {{{name}}} in {:?}", self.template);
                    f.write_str(&rest[open..=close])?;
                }
            }
            rest = &rest[close + 1..];
        }
        f.write_str(rest)
    }
}

fn render<'a>(template: &'static str, lang: Lang, args: &'a [Arg<'a>]) -> Rendered<'a> {
    Rendered { template, lang, args }
}

macro_rules! messages {
    ($( $(#[$doc:meta])* $variant:ident = $code:ident, $vi:expr, $en:expr; )*) => {
        /// Every message a finding can carry, each under its code (a code has one
        /// message per situation the rules tell apart).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Message { $( $(#[$doc])* $variant, )* }

        impl Message {
            pub const ALL: &'static [Message] = &[ $( Message::$variant, )* ];

            pub fn code(self) -> Code {
                match self { $( Message::$variant => Code::$code, )* }
            }

            pub fn template_vi(self) -> &'static str {
                match self { $( Message::$variant => $vi, )* }
            }

            pub fn template_en(self) -> &'static str {
                match self { $( Message::$variant => $en, )* }
            }

            pub fn vi<'a>(self, args: &'a [Arg<'a>]) -> Rendered<'a> {
                render(self.template_vi(), Lang::Vi, args)
            }

            pub fn en<'a>(self, args: &'a [Arg<'a>]) -> Rendered<'a> {
                render(self.template_en(), Lang::En, args)
            }
        }
    };
}

macro_rules! phrases {
    ($( $(#[$doc:meta])* $variant:ident, $vi:expr, $en:expr; )*) => {
        /// Parts of messages that several messages share, filled into their placeholders.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Phrase { $( $(#[$doc])* $variant, )* }

        impl Phrase {
            pub const ALL: &'static [Phrase] = &[ $( Phrase::$variant, )* ];

            pub fn template_vi(self) -> &'static str {
                match self { $( Phrase::$variant => $vi, )* }
            }

            pub fn template_en(self) -> &'static str {
                match self { $( Phrase::$variant => $en, )* }
            }

            pub fn vi<'a>(self, args: &'a [Arg<'a>]) -> Rendered<'a> {
                render(self.template_vi(), Lang::Vi, args)
            }

            pub fn en<'a>(self, args: &'a [Arg<'a>]) -> Rendered<'a> {
                render(self.template_en(), Lang::En, args)
            }
        }
    };
}

/// The message of every name finding: `{summary}` is the code's summary (or, for a
/// mismatch, why the names differ), `{via}` says which alias made the match.
const NAME_COMPARED_VI: &str = "{field} trên hồ sơ đảng viên và CSDL dân cư: {summary}{via}";
const NAME_COMPARED_EN: &str = "Name on the party record and in the population data: {summary}{via}";

messages! {
    NameEquivalentForm = NameEquivalentForm, NAME_COMPARED_VI, NAME_COMPARED_EN;
    NameAliasMatch = NameAliasMatch, NAME_COMPARED_VI, NAME_COMPARED_EN;
    NameDiacriticsMissing = NameDiacriticsMissing, NAME_COMPARED_VI, NAME_COMPARED_EN;
    NameSpellingVariant = NameSpellingVariant, NAME_COMPARED_VI, NAME_COMPARED_EN;
    NameMiddleMissing = NameMiddleMissing, NAME_COMPARED_VI, NAME_COMPARED_EN;
    NameReordered = NameReordered, NAME_COMPARED_VI, NAME_COMPARED_EN;
    NameTypo = NameTypo, NAME_COMPARED_VI, NAME_COMPARED_EN;
    NameMismatch = NameMismatch, NAME_COMPARED_VI, NAME_COMPARED_EN;
    /// A party name over the name limit.
    NameTooLong = ValueUnreadable,
        "{field} dài {bytes} byte, vượt giới hạn {limit} byte: không phải một họ tên (có thể nhầm cột)",
        "{field} is {bytes} bytes long, over the {limit}-byte limit: not a name (a wrong column?)";
    PopulationNameMissing = ValueMissing,
        "CSDL dân cư không có họ tên cho số này",
        "The population data has no name for this number";
    DobMismatch = DobMismatch,
        "Ngày sinh khác nhau: hồ sơ đảng viên ghi {party}, CSDL dân cư ghi {population}; không tự sửa, cần đối chiếu giấy tờ gốc",
        "Dates of birth differ: the party record says {party}, the population data {population}; never corrected automatically, check the original documents";
    PopulationDobUnreadable = ValueUnreadable,
        "Không đọc được ngày sinh trong CSDL dân cư",
        "The date of birth in the population data cannot be read";
    /// A date field longer than any date.
    DateTooLong = ValueUnreadable,
        "{field} trên {side} quá dài để là một ngày ({bytes} byte)",
        "{field} on the {side} is too long to be a date ({bytes} bytes)";
    DateImplausible = ValueUnreadable,
        "{field} trên {side} không hợp lý (trước mốc sớm nhất có thể hoặc sau ngày đối chiếu)",
        "{field} on the {side} is not plausible (before the earliest possible day or after the reference date)";
    DateUnreadable = ValueUnreadable,
        "{field} trên {side}: {problem}",
        "{field} on the {side}: {problem}";
    GenderMismatch = GenderMismatch,
        "Giới tính khác nhau: hồ sơ đảng viên ghi {party}, CSDL dân cư ghi {population}",
        "Gender differs: the party record says {party}, the population data {population}";
    GenderUnreadable = ValueUnreadable,
        "Không đọc được giới tính; ghi Nam hoặc Nữ",
        "The gender cannot be read; write Nam or Nữ (male/female, M/F, 1/0 are also read)";
    PopulationGenderUnreadable = ValueUnreadable,
        "Không đọc được giới tính trong CSDL dân cư",
        "The gender in the population data cannot be read";
    /// Hometowns that differ as text, with no province to name.
    HometownMismatch = HometownMismatch,
        "Quê quán khác nhau",
        "Hometowns differ";
    HometownProvinceMismatch = HometownMismatch,
        "Quê quán khác nhau: tỉnh {party} và tỉnh {population} (đã tính tên trước và sau sáp nhập)",
        "Hometowns differ: {party} against {population} (old and new province names reconciled)";
    CitizenIdMissing = CitizenIdMissing,
        "Hồ sơ đảng viên không có số định danh cá nhân; {candidates}",
        "The party record has no citizen ID; {candidates}";
    CitizenIdMalformed = CitizenIdMalformed,
        "{problem}; {candidates}",
        "{problem}; {candidates}";
    CitizenIdLeadingZero = CitizenIdLeadingZero,
        "Số có {digits} chữ số: đã thêm số 0 đầu mà bảng tính làm mất; nên định dạng cột là Văn bản",
        "The number had {digits} digits: the leading zero a spreadsheet dropped was put back; format the column as Text";
    /// Ten digits: provinces 001–009 lose two zeros.
    CitizenIdLeadingZeros = CitizenIdLeadingZero,
        "Số có {digits} chữ số: đã thêm hai số 0 đầu mà bảng tính làm mất; nên định dạng cột là Văn bản",
        "The number had {digits} digits: the two leading zeros a spreadsheet dropped were put back; format the column as Text";
    CitizenIdUnknownProvince = CitizenIdUnknownProvince,
        "Mã tỉnh {province} không thuộc 63 mã nơi đăng ký khai sinh; {who}",
        "Province code {province} is none of the 63 birth-registration codes; {who}";
    CitizenIdSexMismatch = CitizenIdSexMismatch,
        "Chữ số thứ 4 của số định danh ứng với giới tính {coded}, nhưng người này là {person}; {who}",
        "Digit 4 of the number says {coded}, but the person is {person}; {who}";
    CitizenIdYearMismatch = CitizenIdYearMismatch,
        "Số định danh mã hoá năm sinh {coded}, nhưng người này sinh năm {year}; {who}",
        "The number codes birth year {coded}, but the person was born in {year}; {who}";
    /// No birth year to compare with, and the coded one cannot be a member's.
    CitizenIdYearImpossible = CitizenIdYearMismatch,
        "Số định danh mã hoá năm sinh {coded}, không thể là của một đảng viên; {who}",
        "The number codes birth year {coded}, impossible for a party member; {who}";
    /// A 12-digit number the population table does not hold.
    CitizenNotFound = CitizenNotFound,
        "Số định danh không có trong CSDL dân cư (có thể ghi sai); {candidates}",
        "The number is not in the population data (perhaps mistyped); {candidates}";
    /// An old number the population table does not hold.
    CitizenNotFoundByOldNumber = CitizenNotFound,
        "Không tìm thấy người theo số đã ghi; {candidates}",
        "No one found by the number given; {candidates}";
    LegacyIdOnlyFound = LegacyIdOnly,
        "Chỉ có số CMND 9 số; đã tìm được người qua số CMND cũ (duy nhất). Cần ghi số định danh 12 số vào hồ sơ",
        "Only the old 9-digit number is given; it leads to one person. Record the 12-digit number";
    LegacyIdOnlyUnknown = LegacyIdOnly,
        "Chỉ có số CMND 9 số và số này không có trong CSDL dân cư; cần số định danh 12 số",
        "Only the old 9-digit number is given, and the population data does not hold it; the 12-digit number is needed";
    LegacyIdOnlyShared = LegacyIdOnly,
        "Chỉ có số CMND 9 số, và {people} người dùng chung số này; không tự chọn — {candidates}",
        "Only the old 9-digit number is given, and {people} people share it; none is chosen automatically — {candidates}";
    PopulationDuplicateId = PopulationDuplicateId,
        "CSDL dân cư có nhiều bản ghi cùng số định danh này; công an xã kiểm tra",
        "The population data holds this number on several records; the commune police check it";
    /// Two people on one number (deduplication's `CITIZEN_ID_SHARED`), the number in the population data.
    CitizenIdShared = CitizenIdShared,
        "Số định danh {number} cũng ghi cho đảng viên {other}, là người khác (so các trường còn lại); CSDL dân cư ghi số này cho {holder}, {agrees}. Không gộp hai hồ sơ; cấp ủy xác minh, báo công an",
        "Citizen ID {number} is also recorded for member {other}, a different person (by every other field); the population data gives the number to {holder}, {agrees}. The records are not merged; the party board checks, the police are informed";
    /// Two people on one number the population data does not hold.
    CitizenIdSharedNotHeld = CitizenIdShared,
        "Số định danh {number} cũng ghi cho đảng viên {other}, là người khác (so các trường còn lại); số này không có trong CSDL dân cư. Không gộp hai hồ sơ; cấp ủy xác minh, báo công an",
        "Citizen ID {number} is also recorded for member {other}, a different person (by every other field); the population data does not hold the number. The records are not merged; the party board checks, the police are informed";
    CardNumberMissing = CardNumberMalformed,
        "Thiếu số thẻ đảng viên",
        "The party card number is missing";
    CardNumberCharacters = CardNumberMalformed,
        "Số thẻ đảng viên có chữ cái hoặc ký hiệu; số thẻ gồm 8 chữ số",
        "The party card number has letters or symbols; it is 8 digits";
    CardNumberLength = CardNumberMalformed,
        "Số thẻ đảng viên có {digits} chữ số; số thẻ gồm 8 chữ số",
        "The party card number has {digits} digits; it is 8";
    /// One digit short and not starting with 0: the leading zero a spreadsheet dropped.
    CardNumberLostZero = CardNumberLeadingZero,
        "Số thẻ đảng viên có {digits} chữ số: đã thêm số 0 đầu mà bảng tính làm mất; nên định dạng cột là Văn bản",
        "The party card number had {digits} digits: the leading zero a spreadsheet dropped was put back; format the column as Text";
    OfficialBeforeAdmission = OfficialBeforeAdmission,
        "Ngày chính thức ({official}) không sau ngày vào Đảng ({admission}); thời gian dự bị thường là 12 tháng",
        "The official date ({official}) is not after the admission date ({admission}); probation normally lasts 12 months";
    UnderAgeAtAdmission = UnderAgeAtAdmission,
        "Vào Đảng ngày {admission} khi chưa đủ 18 tuổi (sinh {born})",
        "Admitted on {admission} before turning 18 (born {born})";
    StatusNotEligible = StatusNotEligible,
        "Trạng thái đảng viên: {status}; chỉ đảng viên chính thức được đổi thẻ",
        "Member status: {status}; only official members are issued a new card";
    /// A required field the party record leaves empty.
    ValueMissing = ValueMissing,
        "Hồ sơ đảng viên thiếu {field}",
        "The party record has no {field}";
}

phrases! {
    /// How many people the candidate search offers.
    NoCandidate,
        "không tìm được người phù hợp theo họ tên và ngày sinh",
        "no one matches by name and date of birth";
    OneCandidate,
        "có 1 người có thể phù hợp theo họ tên và ngày sinh — cần xác nhận với thẻ căn cước, không tự chọn",
        "1 possible person by name and date of birth — confirm with the ID card; none is chosen automatically";
    SomeCandidates,
        "có {count} người có thể phù hợp theo họ tên và ngày sinh — cần xác nhận với thẻ căn cước, không tự chọn",
        "{count} possible people by name and date of birth — confirm with the ID card; none is chosen automatically";
    /// Who acts on a number whose structure contradicts the person.
    PoliceReissue,
        "công an cấp lại số",
        "the police cancel and re-issue the number";
    MaybeMistyped,
        "số không có trong CSDL dân cư nên có thể chỉ là ghi sai",
        "the number is not in the population data, so it may just be mistyped";
    /// Which alias the names matched through.
    ViaBirthName,
        " (so với tên khai sinh trên hồ sơ đảng viên)",
        " (through the birth name on the party record)";
    ViaOtherName,
        " (so với tên gọi khác trong CSDL dân cư)",
        " (through another name in the population data)";
    /// Which font a legacy word that reads as a syllable in both 8-bit fonts was
    /// read in: the one the other side's name supports.
    ReadAsTcvn3,
        " (một chữ gõ bằng phông cũ được đọc theo bảng mã TCVN3, như bên kia viết)",
        " (a word typed in an old font read as TCVN3, as the other side writes it)";
    ReadAsVni,
        " (một chữ gõ bằng phông cũ được đọc theo bảng mã VNI, như bên kia viết)",
        " (a word typed in an old font read as VNI, as the other side writes it)";
    /// Which of two members on one number the population record agrees with.
    AgreesWithThisMember,
        "khớp với đảng viên này",
        "who is this member";
    AgreesWithOtherMember,
        "khớp với đảng viên {other}",
        "who is member {other}";
    AgreesWithNeitherMember,
        "không khớp với ai trong hai người",
        "who is neither of the two";
    /// Why two names are a mismatch.
    DifferentMarks,
        "khác dấu nên là hai tên khác nhau",
        "different marks make them different names";
    DifferentNames,
        "khác nhau",
        "different";
}

#[cfg(test)]
mod tests;

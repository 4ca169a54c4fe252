//! The word lists and tables the synthetic province is built from. Frequencies are
//! the widely cited ones (see docs/names.md, "What the rules rest on"); the lists hold
//! common words only, so no combination is meant to be a real person.

/// The 63 provinces with their old and new names: the record model's table, so the
/// generator plants exactly the places the validator knows.
pub use crate::records::places::PROVINCES;

/// Three-digit codes that are not in the table: a population record carrying one
/// is a registration error the validator must flag (CITIZEN_ID_UNKNOWN_PROVINCE).
pub const INVALID_PROVINCE_CODES: [u16; 8] = [3, 5, 7, 9, 13, 16, 18, 21];

/// Index in `PROVINCES` of a code, if valid.
pub use crate::records::places::province_of_code as province_index;

/// Cities written "Thành phố X" rather than "Tỉnh X" when a prefix is written.
pub fn is_city(name: &str) -> bool {
    matches!(name, "Hà Nội" | "Hải Phòng" | "Huế" | "Đà Nẵng" | "Hồ Chí Minh" | "Cần Thơ")
}

/// Surname shares in percent; the rest of the mass goes to `OTHER_SURNAMES` evenly.
/// Hoàng/Huỳnh and Vũ/Võ split the combined shares roughly north/south.
pub const SURNAMES: [(&str, f64); 18] = [
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.1),
    ("Hoàng", 3.4),
    ("Huỳnh", 1.7),
    ("Phan", 4.5),
    ("Vũ", 2.0),
    ("Võ", 1.9),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.9),
    ("Trương", 0.8),
];

pub const OTHER_SURNAMES: [&str; 32] = [
    "Đào", "Đoàn", "Vương", "Trịnh", "Lâm", "Mai", "Lương", "Tạ", "Hà", "Cao", "Tô", "Thái", "La", "Lưu", "Kiều",
    "Quách", "Tăng", "Chu", "Lại", "Châu", "Diệp", "Thân", "Khúc", "Nghiêm", "Triệu", "Hứa", "Mạc", "Phùng", "Văn",
    "Giáp", "Từ", "Lã",
];

/// Compound surnames (họ kép), with the sex they are used for where it matters.
pub const COMPOUND_SURNAMES: [(&str, &str, Option<bool>); 5] = [
    ("Tôn", "Thất", Some(true)),
    ("Tôn", "Nữ", Some(false)),
    ("Hoàng", "Phủ", None),
    ("Âu", "Dương", None),
    ("Nguyễn", "Phúc", None),
];

pub const MALE_MIDDLES: [&str; 26] = [
    "Minh", "Thanh", "Hoàng", "Quốc", "Đức", "Quang", "Hữu", "Xuân", "Duy", "Đình", "Công", "Trọng", "Tiến", "Ngọc",
    "Anh", "Mạnh", "Bá", "Viết", "Thế", "Đăng", "Phúc", "Hải", "Trung", "Khắc", "Huy", "Sỹ",
];

pub const FEMALE_MIDDLES: [&str; 20] = [
    "Ngọc", "Thanh", "Thu", "Minh", "Kim", "Bích", "Thúy", "Hồng", "Mai", "Phương", "Diệu", "Khánh", "Bảo", "Hoài",
    "Thảo", "Tuyết", "Lệ", "Mỹ", "Thùy", "Hoàng",
];

pub const MALE_GIVEN: [&str; 84] = [
    "Hùng", "Dũng", "Tuấn", "Nam", "Hải", "Long", "Sơn", "Minh", "Cường", "Thắng", "Quang", "Hưng", "Bình", "Trung",
    "Phong", "Tùng", "Hiếu", "Đức", "Hoàng", "Huy", "Khánh", "Lâm", "Lực", "Mạnh", "Nghĩa", "Phúc", "Quân", "Quý",
    "Tài", "Tâm", "Thành", "Thịnh", "Toàn", "Trí", "Vinh", "Vũ", "Việt", "Anh", "Bảo", "Chiến", "Công", "Đạt", "Định",
    "Giang", "Hà", "Hậu", "Hiển", "Hòa", "Khoa", "Kiên", "Lợi", "Luân", "Nhân", "Phát", "Phương", "Quyết", "Sang",
    "Sỹ", "Thái", "Thiện", "Thông", "Tiến", "Tú", "Tư", "Vĩnh", "Xuân", "Kỳ", "Thủy", "Hạnh", "Lộc", "Thọ", "Tuyên",
    "Đông", "Dương", "Tân", "Hợp", "Ninh", "Cảnh", "Khải", "Tín", "Nhật", "Linh", "Duy", "Vỹ",
];

pub const FEMALE_GIVEN: [&str; 80] = [
    "Hương",
    "Lan",
    "Mai",
    "Hoa",
    "Hà",
    "Thu",
    "Trang",
    "Nga",
    "Hằng",
    "Hạnh",
    "Hiền",
    "Huyền",
    "Linh",
    "Loan",
    "Ly",
    "Nhung",
    "Phương",
    "Quyên",
    "Tâm",
    "Thảo",
    "Thủy",
    "Thúy",
    "Thùy",
    "Trinh",
    "Tuyết",
    "Vân",
    "Yến",
    "Oanh",
    "Dung",
    "Hòa",
    "Liên",
    "Lý",
    "Mỹ",
    "Nguyệt",
    "Nhàn",
    "Sen",
    "Thơm",
    "Xuân",
    "Hồng",
    "Bình",
    "Chi",
    "Diệp",
    "Giang",
    "Hiếu",
    "Khánh",
    "Lệ",
    "My",
    "Ngân",
    "Nhi",
    "Quỳnh",
    "Thanh",
    "Thắm",
    "Thư",
    "Tuyền",
    "Uyên",
    "Vy",
    "Ánh",
    "Bích",
    "Cúc",
    "Đào",
    "Hậu",
    "Kiều",
    "Lài",
    "Lụa",
    "Mến",
    "Mơ",
    "Nhạn",
    "Phượng",
    "Sương",
    "Tươi",
    "Châu",
    "Duyên",
    "Gấm",
    "Hảo",
    "Lành",
    "Thơ",
    "Ngọc",
    "Thoa",
    "Trâm",
    "Xoan",
];

/// Second words of two-word given names (tên kép), after a first given word.
pub const MALE_GIVEN_PAIRS: [(&str, &str); 10] = [
    ("Hoàng", "Anh"),
    ("Minh", "Khôi"),
    ("Gia", "Bảo"),
    ("Anh", "Tuấn"),
    ("Đức", "Anh"),
    ("Quốc", "Bảo"),
    ("Minh", "Quân"),
    ("Tuấn", "Kiệt"),
    ("Hải", "Đăng"),
    ("Trung", "Kiên"),
];

pub const FEMALE_GIVEN_PAIRS: [(&str, &str); 10] = [
    ("Thu", "Hà"),
    ("Bảo", "Ngọc"),
    ("Thanh", "Hương"),
    ("Ngọc", "Anh"),
    ("Khánh", "Linh"),
    ("Minh", "Thư"),
    ("Phương", "Anh"),
    ("Thu", "Trang"),
    ("Mai", "Anh"),
    ("Hồng", "Nhung"),
];

/// Ê Đê / Jrai names: surname first in records ("Ksor H'Hen"), Y for men, H' for women.
pub const TAY_NGUYEN_SURNAMES: [&str; 12] =
    ["Ksor", "Niê", "Êban", "Mlô", "Kpă", "Siu", "Rcom", "Nay", "Rơ Mah", "Byă", "Hwing", "Êya"];
pub const TAY_NGUYEN_MALE: [&str; 10] =
    ["Y Phen", "Y Bhin", "Y Thuột", "Y Blô", "Y Khuê", "Y Wang", "Y Sơn", "Y Njuôl", "Y Kông", "Y Dhăm"];
pub const TAY_NGUYEN_FEMALE: [&str; 10] =
    ["H'Hen", "H'Ben", "H'Lim", "H'Nga", "H'Bia", "H'Yơn", "H'Loan", "H'Ly", "H'Mai", "H'Duyên"];

/// Hmong: surname, A (men) or Thị (women), given.
pub const HMONG_SURNAMES: [&str; 10] = ["Giàng", "Vừ", "Sùng", "Thào", "Lý", "Hầu", "Mùa", "Sình", "Lầu", "Cứ"];
pub const HMONG_GIVEN: [&str; 14] =
    ["Páo", "Dính", "Chu", "Sử", "Lử", "Tủa", "Pó", "Mỷ", "Dợ", "Chứ", "Xá", "Sếnh", "Mang", "Của"];

/// Khmer: Thạch, Danh, Sơn, Kim …, often with a two-word given name ("Thạch Thị Sa Vết").
pub const KHMER_SURNAMES: [&str; 7] = ["Thạch", "Danh", "Sơn", "Kim", "Lâm", "Trà", "Châu"];
pub const KHMER_GIVEN: [&str; 12] = [
    "Sa Vết",
    "Sô Phal",
    "Ni",
    "Sóc Kha",
    "Phol",
    "Chanh Đa",
    "Ra Tha",
    "Sa Rươn",
    "Khol",
    "Sà Phi",
    "Thươl",
    "Kim Hoàng",
];

/// Thái, Mường, Tày: Vietnamese-shaped names with their own surnames.
pub const NORTHERN_SURNAMES: [&str; 10] = ["Lò", "Lường", "Cầm", "Quàng", "Đinh", "Bạch", "Nông", "Lục", "Ma", "Hà"];
pub const NORTHERN_GIVEN: [&str; 12] =
    ["Pọm", "Ín", "Panh", "Xuân", "Thượng", "Tươi", "Chăm", "Ún", "Khoa", "Phăn", "Biên", "Cương"];

/// Syllables ward names are composed from ("Xã Thạch Long", "Phường Bắc Hà").
pub const PLACE_WORDS: [&str; 48] = [
    "Thạch",
    "Cẩm",
    "Kỳ",
    "Đức",
    "Hương",
    "Nghi",
    "Xuân",
    "Yên",
    "Tân",
    "Hòa",
    "An",
    "Phú",
    "Bình",
    "Vĩnh",
    "Long",
    "Hưng",
    "Thịnh",
    "Thành",
    "Sơn",
    "Hà",
    "Lộc",
    "Trung",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Thượng",
    "Hạ",
    "Quang",
    "Minh",
    "Tiến",
    "Hồng",
    "Lĩnh",
    "Mỹ",
    "Thuận",
    "Phong",
    "Lạc",
    "Hải",
    "Châu",
    "Khánh",
    "Thủy",
    "Lâm",
    "Trường",
    "Vinh",
    "Gia",
    "Đồng",
    "Kim",
    "Hoa",
];

/// Hamlet names used for village party cells ("Chi bộ Thôn Tân Hòa").
pub const HAMLET_WORDS: [&str; 16] = [
    "Tân", "Hòa", "Phú", "Thịnh", "Trung", "Đông", "Tây", "Nam", "Bắc", "Yên", "Liên", "Quyết", "Thắng", "Lợi", "Hợp",
    "Tiến",
];

/// Population of each of the 63 provinces in thousands, in `PROVINCES` order (the
/// 2019 census, rounded): the weights a national run spreads members and people by.
pub const PROVINCE_POPULATION: [u32; 63] = [
    8_054, 855, 530, 314, 785, 730, 599, 460, 1_248, 821, 854, 1_287, 782, 1_320, 1_804, 1_464, 1_151, 1_369, 1_892,
    2_029, 1_253, 1_860, 853, 1_780, 982, 3_640, 3_328, 1_289, 895, 632, 1_129, 1_134, 1_496, 1_232, 1_487, 873, 1_231,
    590, 1_231, 540, 1_514, 1_869, 622, 1_297, 995, 1_169, 2_427, 3_097, 1_148, 8_993, 1_689, 1_764, 1_288, 1_009,
    1_023, 1_600, 1_908, 1_723, 1_235, 733, 1_200, 907, 1_194,
];

//! Provinces, old and new: a hometown written under any of its names resolves to
//! the set of 63-unit provinces it can mean, and two hometowns agree when their
//! sets meet.
//!
//! "Hà Giang" (old) is {Hà Giang}; "Tuyên Quang" is both an old province and, since
//! 1 July 2025, the new one that took Hà Giang in, so it is {Hà Giang, Tuyên Quang}:
//! a record written before the merger and one written after agree, while two old
//! names that are different provinces still disagree. Names older than the 63-unit
//! list (Hà Tây, Nghệ Tĩnh, Hà Nam Ninh, …) resolve to the provinces they became.
//!
//! Names are matched on the name layer's fold key, so tone style, case, missing
//! marks and legacy encodings do not matter; "tỉnh", "thành phố", "TP." in front
//! and the commune and district before the last comma are set aside.

use std::cell::RefCell;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::names::{Form, Writer};

/// Birth-registration code, name in the 63-unit list, and the province it belongs
/// to since 1 July 2025 (Thông tư 07/2016/TT-BCA; Nghị quyết 202/2025/QH15).
pub const PROVINCES: [(u16, &str, &str); 63] = [
    (1, "Hà Nội", "Hà Nội"),
    (2, "Hà Giang", "Tuyên Quang"),
    (4, "Cao Bằng", "Cao Bằng"),
    (6, "Bắc Kạn", "Thái Nguyên"),
    (8, "Tuyên Quang", "Tuyên Quang"),
    (10, "Lào Cai", "Lào Cai"),
    (11, "Điện Biên", "Điện Biên"),
    (12, "Lai Châu", "Lai Châu"),
    (14, "Sơn La", "Sơn La"),
    (15, "Yên Bái", "Lào Cai"),
    (17, "Hòa Bình", "Phú Thọ"),
    (19, "Thái Nguyên", "Thái Nguyên"),
    (20, "Lạng Sơn", "Lạng Sơn"),
    (22, "Quảng Ninh", "Quảng Ninh"),
    (24, "Bắc Giang", "Bắc Ninh"),
    (25, "Phú Thọ", "Phú Thọ"),
    (26, "Vĩnh Phúc", "Phú Thọ"),
    (27, "Bắc Ninh", "Bắc Ninh"),
    (30, "Hải Dương", "Hải Phòng"),
    (31, "Hải Phòng", "Hải Phòng"),
    (33, "Hưng Yên", "Hưng Yên"),
    (34, "Thái Bình", "Hưng Yên"),
    (35, "Hà Nam", "Ninh Bình"),
    (36, "Nam Định", "Ninh Bình"),
    (37, "Ninh Bình", "Ninh Bình"),
    (38, "Thanh Hóa", "Thanh Hóa"),
    (40, "Nghệ An", "Nghệ An"),
    (42, "Hà Tĩnh", "Hà Tĩnh"),
    (44, "Quảng Bình", "Quảng Trị"),
    (45, "Quảng Trị", "Quảng Trị"),
    (46, "Thừa Thiên Huế", "Huế"),
    (48, "Đà Nẵng", "Đà Nẵng"),
    (49, "Quảng Nam", "Đà Nẵng"),
    (51, "Quảng Ngãi", "Quảng Ngãi"),
    (52, "Bình Định", "Gia Lai"),
    (54, "Phú Yên", "Đắk Lắk"),
    (56, "Khánh Hòa", "Khánh Hòa"),
    (58, "Ninh Thuận", "Khánh Hòa"),
    (60, "Bình Thuận", "Lâm Đồng"),
    (62, "Kon Tum", "Quảng Ngãi"),
    (64, "Gia Lai", "Gia Lai"),
    (66, "Đắk Lắk", "Đắk Lắk"),
    (67, "Đắk Nông", "Lâm Đồng"),
    (68, "Lâm Đồng", "Lâm Đồng"),
    (70, "Bình Phước", "Đồng Nai"),
    (72, "Tây Ninh", "Tây Ninh"),
    (74, "Bình Dương", "Hồ Chí Minh"),
    (75, "Đồng Nai", "Đồng Nai"),
    (77, "Bà Rịa - Vũng Tàu", "Hồ Chí Minh"),
    (79, "Hồ Chí Minh", "Hồ Chí Minh"),
    (80, "Long An", "Tây Ninh"),
    (82, "Tiền Giang", "Đồng Tháp"),
    (83, "Bến Tre", "Vĩnh Long"),
    (84, "Trà Vinh", "Vĩnh Long"),
    (86, "Vĩnh Long", "Vĩnh Long"),
    (87, "Đồng Tháp", "Đồng Tháp"),
    (89, "An Giang", "An Giang"),
    (91, "Kiên Giang", "An Giang"),
    (92, "Cần Thơ", "Cần Thơ"),
    (93, "Hậu Giang", "Cần Thơ"),
    (94, "Sóc Trăng", "Cần Thơ"),
    (95, "Bạc Liêu", "Cà Mau"),
    (96, "Cà Mau", "Cà Mau"),
];

/// Other ways the same places are written: short forms, old spellings, and the
/// provinces of before the 63-unit list (with the codes of what they became).
const OTHER_NAMES: &[(&str, &[u16])] = &[
    ("Huế", &[46]),
    ("Thừa Thiên", &[46]),
    ("TT Huế", &[46]),
    ("TTH", &[46]),
    ("HCM", &[79, 74, 77]),
    ("TPHCM", &[79, 74, 77]),
    ("TP HCM", &[79, 74, 77]),
    ("Sài Gòn", &[79]),
    ("Sài Gòn - Gia Định", &[79]),
    ("Thành phố Hồ Chí Minh", &[79, 74, 77]),
    ("Bà Rịa Vũng Tàu", &[77]),
    ("BR-VT", &[77]),
    ("BRVT", &[77]),
    ("Vũng Tàu", &[77]),
    ("Đắc Lắc", &[66, 54]),
    ("Đắk Lắc", &[66, 54]),
    ("Daklak", &[66, 54]),
    ("Đắc Nông", &[67]),
    ("Đăk Nông", &[67]),
    ("Daknong", &[67]),
    ("Bắc Cạn", &[6]),
    ("Kontum", &[62]),
    ("Hà Nội", &[1]),
    ("HN", &[1]),
    // Provinces of 1976–2008 that the 63-unit list split or absorbed; older
    // members' files still carry them.
    ("Hà Tây", &[1]),
    ("Hà Sơn Bình", &[1, 17]),
    ("Hà Bắc", &[24, 27]),
    ("Hải Hưng", &[30, 33]),
    ("Hà Nam Ninh", &[35, 36, 37]),
    ("Nam Hà", &[35, 36]),
    ("Vĩnh Phú", &[25, 26]),
    ("Bắc Thái", &[6, 19]),
    ("Cao Lạng", &[4, 20]),
    ("Hà Tuyên", &[2, 8]),
    ("Hoàng Liên Sơn", &[10, 15]),
    ("Nghệ Tĩnh", &[40, 42]),
    ("Bình Trị Thiên", &[44, 45, 46]),
    ("Quảng Nam - Đà Nẵng", &[48, 49]),
    ("Nghĩa Bình", &[51, 52]),
    ("Phú Khánh", &[54, 56]),
    ("Thuận Hải", &[58, 60]),
    ("Gia Lai - Kon Tum", &[62, 64]),
    ("Sông Bé", &[70, 74]),
    ("Minh Hải", &[95, 96]),
    ("Cửu Long", &[84, 86]),
    // Hậu Giang of 1976–1991 was also Cần Thơ and Sóc Trăng; all three are Cần Thơ now.
    ("Hậu Giang", &[92, 93, 94]),
];

/// A set of 63-unit provinces (bit i = `PROVINCES[i]`); 0 when the text named none.
pub type Place = u64;

/// Index in `PROVINCES` of a birth-registration code.
pub fn province_of_code(code: u16) -> Option<usize> {
    PROVINCES.iter().position(|p| p.0 == code)
}

fn bit_of_code(code: u16) -> Place {
    province_of_code(code).map_or(0, |i| 1u64 << i)
}

/// The display name (63-unit list) of each province in a set, joined with " / ".
pub fn describe(place: Place) -> String {
    let mut out = String::new();
    for (i, p) in PROVINCES.iter().enumerate() {
        if place & (1u64 << i) != 0 {
            if !out.is_empty() {
                out.push_str(" / ");
            }
            out.push_str(p.1);
        }
    }
    out
}

struct Table {
    by_fold: FxHashMap<String, Place>,
    /// Most words in any name, to bound the suffix search.
    longest: usize,
}

fn fold(raw: &str, writer: &mut Writer, out: &mut String) {
    out.clear();
    writer.write(raw, Form::Fold, out);
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut writer = Writer::default();
        let mut key = String::new();
        let mut by_fold: FxHashMap<String, Place> = FxHashMap::default();
        let mut add = |name: &str, place: Place, writer: &mut Writer| {
            fold(name, writer, &mut key);
            *by_fold.entry(key.clone()).or_insert(0) |= place;
        };
        for (i, (_, old, _)) in PROVINCES.iter().enumerate() {
            add(old, 1u64 << i, &mut writer);
        }
        // A new name means every old province merged into it.
        for (i, (_, _, new)) in PROVINCES.iter().enumerate() {
            add(new, 1u64 << i, &mut writer);
        }
        for (name, codes) in OTHER_NAMES {
            add(name, codes.iter().map(|&c| bit_of_code(c)).fold(0, |a, b| a | b), &mut writer);
        }
        let longest = by_fold.keys().map(|k| k.split(' ').count()).max().unwrap_or(1);
        Table { by_fold, longest }
    })
}

/// Words before a province name that say what kind of unit it is.
const PREFIXES: &[&[&str]] = &[&["thanh", "pho"], &["tinh"], &["tp"], &["t", "p"], &["tx"]];
/// A last segment naming the country, not the province.
const COUNTRY: &[&[&str]] = &[&["viet", "nam"], &["vietnam"], &["vn"]];
/// Words after it that add nothing.
const SUFFIXES: &[&[&str]] = &[&["viet", "nam"], &["vn"]];

fn strip<'a>(mut words: &'a [&'a str]) -> &'a [&'a str] {
    while let Some(p) = PREFIXES.iter().find(|p| words.len() > p.len() && words.starts_with(p)) {
        words = &words[p.len()..];
    }
    while let Some(s) = SUFFIXES.iter().find(|s| words.len() > s.len() && words.ends_with(s)) {
        words = &words[..words.len() - s.len()];
    }
    words
}

fn lookup(words: &[&str], table: &Table, buf: &mut String) -> Place {
    buf.clear();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            buf.push(' ');
        }
        buf.push_str(w);
    }
    table.by_fold.get(buf.as_str()).copied().unwrap_or(0)
}

fn resolve_uncached(raw: &str, writer: &mut Writer) -> Place {
    let table = table();
    let mut folded = String::with_capacity(raw.len());
    let mut buf = String::new();
    // Addresses run from the smallest unit to the province: try the last segment first.
    for segment in raw.rsplit([',', ';', '\n']) {
        fold(segment, writer, &mut folded);
        let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            continue;
        }
        if COUNTRY.contains(&words.as_slice()) {
            continue;
        }
        let words = strip(&words);
        let place = lookup(words, table, &mut buf);
        if place != 0 {
            return place;
        }
        // "Thạch Kim Lộc Hà Hà Tĩnh": the province is the longest known tail.
        for take in (1..=table.longest.min(words.len())).rev() {
            let tail = strip(&words[words.len() - take..]);
            let place = lookup(tail, table, &mut buf);
            if place != 0 {
                return place;
            }
        }
        return 0;
    }
    0
}

/// Bounds the per-thread cache; hostile input of endless distinct places resets it.
const MAX_CACHED: usize = 1 << 14;

thread_local! {
    static CACHE: RefCell<(FxHashMap<Box<str>, Place>, Writer)> = RefCell::new((FxHashMap::default(), Writer::default()));
}

/// The provinces a hometown can mean; 0 when it names none this table knows.
/// Hometowns repeat endlessly in a roster, so each thread remembers its answers.
pub fn resolve(raw: &str) -> Place {
    CACHE.with(|cell| {
        let Ok(mut guard) = cell.try_borrow_mut() else {
            return resolve_uncached(raw, &mut Writer::default());
        };
        let (cache, writer) = &mut *guard;
        if let Some(p) = cache.get(raw) {
            return *p;
        }
        let place = resolve_uncached(raw, writer);
        if cache.len() >= MAX_CACHED {
            cache.clear();
        }
        cache.insert(raw.into(), place);
        place
    })
}

/// True when two resolved hometowns can be the same place.
pub fn agree(a: Place, b: Place) -> bool {
    a & b != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_set(place: Place) -> Vec<u16> {
        (0..63).filter(|i| place & (1u64 << i) != 0).map(|i| PROVINCES[i].0).collect()
    }

    #[test]
    fn every_old_and_new_name_resolves() {
        for (code, old, new) in PROVINCES {
            let o = resolve(old);
            assert!(code_set(o).contains(&code), "{old}");
            assert!(code_set(resolve(new)).contains(&code), "{new} should cover {old}");
            assert!(agree(o, resolve(new)), "{old} / {new}");
        }
        assert_eq!(PROVINCES.len(), 63);
    }

    #[test]
    fn folds_of_the_63_names_are_distinct() {
        let mut w = Writer::default();
        let mut seen = std::collections::HashSet::new();
        for (_, old, _) in PROVINCES {
            let mut s = String::new();
            w.write(old, Form::Fold, &mut s);
            assert!(seen.insert(s), "{old}");
        }
    }

    #[test]
    fn old_and_new_names_of_one_place_agree() {
        assert!(agree(resolve("Thừa Thiên Huế"), resolve("Huế")));
        assert!(agree(resolve("Tỉnh Thừa Thiên Huế"), resolve("Thành phố Huế")));
        assert!(agree(resolve("Hà Giang"), resolve("Tuyên Quang")));
        assert!(agree(resolve("Bắc Giang"), resolve("tỉnh Bắc Ninh")));
        assert!(agree(resolve("Hà Tây"), resolve("Hà Nội")));
        assert!(agree(resolve("Nghệ Tĩnh"), resolve("Hà Tĩnh")));
        assert!(agree(resolve("Bình Dương"), resolve("TP. Hồ Chí Minh")));
        assert!(agree(resolve("Bà Rịa - Vũng Tàu"), resolve("TPHCM")));
    }

    #[test]
    fn different_places_disagree() {
        assert!(!agree(resolve("Hà Giang"), resolve("Hà Tĩnh")));
        assert!(!agree(resolve("Nghệ An"), resolve("Hà Tĩnh")));
        assert!(!agree(resolve("Thừa Thiên Huế"), resolve("Đà Nẵng")));
        // Two old provinces now in one new one are still two places.
        assert!(!agree(resolve("Hà Giang"), resolve("Cao Bằng")));
        assert!(!agree(resolve("Hà Nam"), resolve("Nam Định")));
    }

    #[test]
    fn written_any_way() {
        let ht = resolve("Hà Tĩnh");
        for s in [
            "HÀ TĨNH",
            "ha tinh",
            "Tỉnh Hà Tĩnh",
            "tinh Ha Tinh",
            "Xã Thạch Kim, huyện Lộc Hà, tỉnh Hà Tĩnh",
            "Thạch Kim Lộc Hà Hà Tĩnh",
            "Hà Tĩnh, Việt Nam",
        ] {
            assert_eq!(resolve(s), ht, "{s}");
        }
        assert_eq!(resolve("Thanh Hoá"), resolve("Thanh Hóa"));
        assert_eq!(resolve("Hoà Bình"), resolve("Hòa Bình"));
        assert_eq!(resolve("Đắc Lắc"), resolve("Đắk Lắk"));
        assert_eq!(code_set(resolve("Q.1, TP. HCM")), code_set(resolve("Hồ Chí Minh")));
        assert_eq!(code_set(resolve("Tp.HCM")), code_set(resolve("Hồ Chí Minh")));
    }

    #[test]
    fn unknown_places_resolve_to_nothing() {
        assert_eq!(resolve(""), 0);
        assert_eq!(resolve("Xã Thạch Kim"), 0);
        assert_eq!(resolve("Paris"), 0);
        assert_eq!(resolve(",,,"), 0);
    }

    #[test]
    fn codes() {
        assert_eq!(province_of_code(42).map(|i| PROVINCES[i].1), Some("Hà Tĩnh"));
        assert_eq!(province_of_code(3), None);
        assert_eq!(province_of_code(97), None);
        assert_eq!(describe(resolve("Tuyên Quang")), "Hà Giang / Tuyên Quang");
    }
}

//! A member's standing in the party (the roster's `status`), and how rosters write it.

use crate::values::gender::fold_short;

terms! {
    /// A member's standing in the party.
    pub enum Status {
        Official = "official", "Chính thức", "official";
        Probationary = "probationary", "Dự bị", "probationary";
        Transferred = "transferred", "Đã chuyển sinh hoạt", "transferred";
        Deceased = "deceased", "Đã từ trần", "deceased";
        /// Expelled or struck off the list.
        Removed = "removed", "Đã bị khai trừ hoặc xoá tên", "expelled or struck off";
        /// A value that is none of the above: the roster must say what it means.
        Unrecognised = "unrecognised", "Không rõ", "unrecognised";
    }
}

impl Status {
    /// Reads the roster's value, however it is spelled ("Chính thức", "ĐVCT", "official", …).
    pub fn parse(raw: &str, buf: &mut String) -> Status {
        // The values nearly every roster uses, without folding.
        match raw.trim() {
            "Chính thức" | "chính thức" | "CHÍNH THỨC" | "official" | "Official" => return Status::Official,
            "Dự bị" | "dự bị" | "DỰ BỊ" | "probationary" => return Status::Probationary,
            _ => {}
        }
        if !fold_short(raw, buf) {
            return Status::Unrecognised;
        }
        let s = buf.as_str();
        let has = |w: &str| s == w || s.contains(w);
        if has("chinh thuc") || matches!(s, "official" | "ct" | "dvct") {
            Status::Official
        } else if has("du bi") || matches!(s, "probationary" | "db" | "dvdb") {
            Status::Probationary
        } else if has("tu tran") || has("da mat") || has("qua doi") || matches!(s, "deceased" | "dead" | "mat") {
            Status::Deceased
        } else if has("chuyen") || matches!(s, "transferred" | "transfer" | "moved") {
            Status::Transferred
        } else if has("khai tru") || has("xoa ten") || matches!(s, "removed" | "expelled") {
            Status::Removed
        } else {
            Status::Unrecognised
        }
    }

    /// The status as a finding's Vietnamese message describes it.
    pub fn vi(self) -> &'static str {
        match self {
            Status::Official => "chính thức",
            Status::Probationary => "dự bị (chưa được công nhận chính thức)",
            Status::Transferred => "đã chuyển sinh hoạt đi nơi khác",
            Status::Deceased => "đã từ trần",
            Status::Removed => "đã bị khai trừ hoặc xoá tên",
            Status::Unrecognised => "không rõ (giá trị không thuộc danh mục)",
        }
    }

    /// The status as a finding's English message describes it.
    pub fn en(self) -> &'static str {
        match self {
            Status::Official => "official",
            Status::Probationary => "probationary (not yet official)",
            Status::Transferred => "transferred elsewhere",
            Status::Deceased => "deceased",
            Status::Removed => "expelled or struck off",
            Status::Unrecognised => "unrecognised (not a known status)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling() {
        let mut b = String::new();
        for (s, want) in [
            ("Chính thức", Status::Official),
            ("official", Status::Official),
            ("ĐẢNG VIÊN CHÍNH THỨC", Status::Official),
            ("Dự bị", Status::Probationary),
            ("probationary", Status::Probationary),
            ("Đã chuyển sinh hoạt", Status::Transferred),
            ("transferred", Status::Transferred),
            ("Từ trần", Status::Deceased),
            ("deceased", Status::Deceased),
            ("Đã mất", Status::Deceased),
            ("Khai trừ", Status::Removed),
            ("xyz", Status::Unrecognised),
        ] {
            assert_eq!(Status::parse(s, &mut b), want, "{s}");
        }
    }

    #[test]
    fn every_code_reads_back_as_itself() {
        let mut b = String::new();
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str(), &mut b), status, "{}", status.as_str());
        }
    }
}

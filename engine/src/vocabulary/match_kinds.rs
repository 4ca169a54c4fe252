//! What two names are to each other, as the name layer compares them.

terms! {
    /// What two names are to each other; ordered from "same" to "different".
    pub enum MatchKind {
        /// Same spelling (relation 1).
        Identical = "identical", "Giống hệt", "identical";
        /// Same name after tone placement, mark order or legacy-encoding repair (relation 2).
        Equivalent = "equivalent", "Cùng một tên, viết khác kiểu", "the same name written differently";
        /// A syllable on one side is bare of every mark (Long/Lòng, Van/Văn, a whole
        /// name typed without marks) and nothing conflicts: cannot tell.
        DiacriticsMissing = "diacritics_missing", "Một bên thiếu dấu", "diacritics missing on one side";
        /// y/i variants, Hoàng/Huỳnh, Vũ/Võ, Telex residue: likely the same, to review.
        SpellingVariant = "spelling_variant", "Biến thể chính tả", "spelling variant";
        /// The same syllables with one middle word absent on one side.
        MiddleNameMissing = "middle_name_missing", "Thiếu tên đệm ở một bên", "a middle name missing on one side";
        /// The same syllables in another order (given name first).
        Reordered = "reordered", "Cùng các tiếng, khác thứ tự", "the same syllables in another order";
        /// One small edit that is not a change of marks.
        Typo = "typo", "Sai một ký tự", "one character off";
        /// The same letters, and both sides typed with marks that are not the same
        /// (Hùng/Hưng, Tuân/Tuấn, Phương/Phượng): different names.
        DifferentDiacritics = "different_diacritics", "Khác dấu: hai tên khác nhau", "different marks: different names";
        Different = "different", "Khác nhau", "different";
    }
}

impl MatchKind {
    /// True for relations 1 and 2: safe to treat as the same name.
    pub fn is_same_name(self) -> bool {
        matches!(self, MatchKind::Identical | MatchKind::Equivalent)
    }
}

//! What kind of duplicate a pair of roster members is.

terms! {
    /// What kind of duplicate a pair is. The order is specificity: a cluster takes
    /// the first type among its pairs (a shared number is never clustered).
    pub enum DuplicateType {
        /// One person entered twice under one citizen number: the model, scoring
        /// every other field, says the two are one person.
        DuplicateCitizenId = "DUPLICATE_CITIZEN_ID", "Một người ghi hai lần cùng số định danh",
            "one person entered twice under one citizen ID";
        /// The same person in two party organisations, typically after a transfer.
        TransferDuplicate = "TRANSFER_DUPLICATE", "Một người ở hai chi bộ (chuyển sinh hoạt)",
            "one person in two party organisations";
        /// The same person under two numbers (a typo, or an old 9-digit number).
        DuplicatePerson = "DUPLICATE_PERSON", "Một người dưới hai số", "one person under two numbers";
        /// Two people on one citizen number (a number lent, or copied onto the wrong
        /// member): the model, scoring every other field, says they are two people.
        /// Reported, never clustered, never merged.
        CitizenIdShared = "CITIZEN_ID_SHARED", "Hai người dùng chung một số định danh",
            "two people on one citizen ID";
    }
}

impl DuplicateType {
    /// The two members carry one citizen number: always reported, whatever the score.
    pub fn shares_citizen_id(self) -> bool {
        matches!(self, DuplicateType::DuplicateCitizenId | DuplicateType::CitizenIdShared)
    }

    /// Whether the pair is one person, and so may join a cluster.
    pub fn is_one_person(self) -> bool {
        self != DuplicateType::CitizenIdShared
    }
}

//! What kind of duplicate a pair of roster members is.

terms! {
    /// What kind of duplicate a pair is. The order is specificity: a cluster takes
    /// the first type among its pairs.
    pub enum DuplicateType {
        /// One citizen number on two members.
        DuplicateCitizenId = "DUPLICATE_CITIZEN_ID", "Một số định danh cho hai đảng viên", "one citizen ID on two members";
        /// The same person in two party organisations, typically after a transfer.
        TransferDuplicate = "TRANSFER_DUPLICATE", "Một người ở hai chi bộ (chuyển sinh hoạt)",
            "one person in two party organisations";
        /// The same person under two numbers (a typo, or an old 9-digit number).
        DuplicatePerson = "DUPLICATE_PERSON", "Một người dưới hai số", "one person under two numbers";
    }
}

//! How much a finding weighs: it decides the member's verdict.

terms! {
    /// A finding's weight, from least to most.
    pub enum Severity {
        /// Worth knowing; the card goes on.
        Info = "info", "Thông tin", "info";
        /// A person must look.
        Review = "review", "Cần xem xét", "review";
        /// The record cannot go on until its owner corrects it.
        Error = "error", "Lỗi", "error";
    }
}

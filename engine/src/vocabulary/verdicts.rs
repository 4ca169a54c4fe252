//! What happens to a member's card, decided by the worst finding.

use super::Severity;

terms! {
    /// What happens to the member's card.
    pub enum Verdict {
        /// Nothing above an informational finding.
        Accept = "accept", "Chấp nhận", "accept";
        /// A person must look at a finding before the card goes on.
        Review = "review", "Cần xem xét", "review";
        /// The record cannot go on until its owner corrects it.
        Reject = "reject", "Từ chối", "reject";
    }
}

impl Verdict {
    /// The verdict of a member whose worst finding is `worst`.
    pub fn of(worst: Option<Severity>) -> Verdict {
        match worst {
            None | Some(Severity::Info) => Verdict::Accept,
            Some(Severity::Review) => Verdict::Review,
            Some(Severity::Error) => Verdict::Reject,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_finding_decides() {
        assert_eq!(Verdict::of(None), Verdict::Accept);
        assert_eq!(Verdict::of(Some(Severity::Info)), Verdict::Accept);
        assert_eq!(Verdict::of(Some(Severity::Review)), Verdict::Review);
        assert_eq!(Verdict::of(Some(Severity::Error)), Verdict::Reject);
    }
}

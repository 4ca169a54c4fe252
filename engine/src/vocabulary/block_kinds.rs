//! The blocking rules deduplication finds its candidate pairs by: the members who
//! share a rule's key are compared pairwise, in blocks capped in size.

terms! {
    /// A blocking rule, in the order deduplication applies them (a pair several
    /// rules find is counted under the first).
    pub enum BlockKind {
        CitizenId = "citizen_id", "số định danh", "citizen ID";
        SurnameGivenBirthYear = "surname_given_birth_year", "họ, tên và năm sinh", "surname + given name + birth year";
        GivenFullBirthDate = "given_full_birth_date", "tên và ngày sinh đầy đủ", "given name + full date of birth";
        SurnameFullBirthDate = "surname_full_birth_date", "họ và ngày sinh đầy đủ", "surname + full date of birth";
        /// The folded name tokens in any order: catches swapped given name and
        /// surname and lost diacritics, whatever the dates say.
        NameTokens = "name_tokens", "họ tên (không kể thứ tự)", "full name (any order)";
        OldId = "old_id", "số CMND cũ", "old ID number";
        /// A transfer carries the card number even where the name or the citizen ID
        /// was retyped.
        PartyCard = "party_card", "số thẻ đảng viên", "party card number";
    }
}

/// A block a rule did not compare: more members share one key than the rule
/// compares pairwise (`cap`), and no finer key split them. Its text is the
/// caller's to write, in the reader's language (`BlockKind`'s titles).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SkippedBlock {
    pub rule: BlockKind,
    pub members: usize,
    pub cap: usize,
}

impl std::fmt::Display for SkippedBlock {
    /// In English, for logs and tests.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a block of {} members sharing one {} was too large to compare pairwise (cap {}) and was skipped",
            self.members,
            self.rule.title_en(),
            self.cap
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skipped_block_says_its_rule_size_and_cap() {
        let skipped = SkippedBlock { rule: BlockKind::SurnameFullBirthDate, members: 33, cap: 16 };
        assert_eq!(
            skipped.to_string(),
            "a block of 33 members sharing one surname + full date of birth was too large to compare pairwise \
             (cap 16) and was skipped"
        );
    }
}

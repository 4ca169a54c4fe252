//! Which citizen each member is: the population record the cross-check tied the
//! member to, used to tell two members who are one person from two people.

use crate::names::MatchKind;
use crate::records::{PopulationIndex, VerificationColumns};

/// A member without a citizen-ID match is linked to its best population
/// candidate only when that candidate scores at least this and is not tied.
pub const LINK_MIN_SCORE: f64 = 0.9;

/// A score as the tables show it: three decimals (ties to even), so the link
/// and the reader of the table see the same number.
pub fn shown_score(score: f32) -> f64 {
    (f64::from(score) * 1000.0).round_ties_even() / 1000.0
}

/// Per roster row, the citizen ID (as the population table writes it) of the
/// citizen the member is tied to: the record of the member's own citizen ID when
/// the names agree, else (no ID match, or a number that belongs to someone
/// else) the best candidate when it is clear (scores at least
/// `LINK_MIN_SCORE`, no tie); None when neither.
pub fn population_links<'i>(index: &'i PopulationIndex, v: &VerificationColumns) -> Vec<Option<&'i str>> {
    let mut best: Vec<Option<&'i str>> = vec![None; v.len()];
    let mut j = 0;
    while j < v.candidate_member.len() {
        let member = v.candidate_member[j] as usize;
        let top = shown_score(v.candidate_score[j]);
        let second = v
            .candidate_member
            .get(j + 1)
            .filter(|&&m| m as usize == member)
            .map(|_| shown_score(v.candidate_score[j + 1]));
        if top >= LINK_MIN_SCORE && second.is_none_or(|s| s < top) {
            best[member] = Some(index.view(v.candidate_row[j] as usize).citizen_id);
        }
        while j < v.candidate_member.len() && v.candidate_member[j] as usize == member {
            j += 1;
        }
    }
    (0..v.len())
        .map(|i| {
            let names_agree = v.name_kind[i].is_some_and(|k| k != MatchKind::Different);
            match v.matched[i] {
                Some(row) if names_agree => Some(index.view(row as usize).citizen_id),
                _ => best[i],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Options, PopulationRecord};
    use crate::vocabulary::Verdict;

    fn index() -> PopulationIndex {
        let citizen = |id, name| PopulationRecord {
            citizen_id: Some(id),
            full_name: Some(name),
            date_of_birth: Some("05/03/1960"),
            gender: Some("Nam"),
            hometown: Some("Hà Tĩnh"),
            ..PopulationRecord::default()
        };
        let rows = [
            citizen("042060000001", "Nguyễn Văn An"),
            citizen("042060000002", "Nguyễn Văn Ân"),
            citizen("042060000003", "Trần Văn Bình"),
        ];
        PopulationIndex::build(&rows[..], Options::default()).unwrap()
    }

    /// Six members: matched by ID with agreeing names; matched by ID but the names
    /// differ (a clear candidate decides); a clear best candidate; two tied
    /// candidates; one candidate under the bar, which rounds to it; nothing.
    fn verification() -> VerificationColumns {
        let n = 6;
        let mut v = VerificationColumns {
            verdict: vec![Verdict::Accept; n],
            matched: vec![Some(0), Some(1), None, None, None, None],
            name_kind: vec![Some(MatchKind::Equivalent), Some(MatchKind::Different), None, None, None, None],
            name_score: vec![None; n],
            ..VerificationColumns::default()
        };
        for (member, row, score) in
            [(1, 2, 0.95_f32), (2, 1, 0.93), (2, 0, 0.7), (3, 0, 0.91), (3, 1, 0.91), (4, 2, 0.8996)]
        {
            v.candidate_member.push(member);
            v.candidate_row.push(row);
            v.candidate_score.push(score);
            v.candidate_kind.push(MatchKind::Typo);
        }
        v
    }

    #[test]
    fn each_member_is_tied_to_its_own_record_or_a_clear_candidate() {
        let index = index();
        let links = population_links(&index, &verification());
        assert_eq!(
            links,
            [Some("042060000001"), Some("042060000003"), Some("042060000002"), None, Some("042060000003"), None]
        );
    }

    #[test]
    fn scores_are_compared_as_shown() {
        assert_eq!(shown_score(0.8996), 0.9);
        assert_eq!(shown_score(0.8994), 0.899);
        assert!(shown_score(0.8994) < LINK_MIN_SCORE);
    }
}

//! The population data's word on each duplicate pair, and the clusters rebuilt
//! from the pairs that stay: two members tied to two different citizens are two
//! people, so their pair is cleared and a cluster it held together may split.

use crate::dedup::{components, ClusterMember, DuplicatePair};

use crate::vocabulary::DuplicateType;

/// Whether the two members of a pair are tied to one citizen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PopulationCheck {
    SameCitizen,
    DifferentCitizens,
    /// One of the two (or both) is tied to no citizen.
    Unknown,
}

impl PopulationCheck {
    pub fn of(a: Option<&str>, b: Option<&str>) -> Self {
        match (a, b) {
            (Some(a), Some(b)) if a == b => PopulationCheck::SameCitizen,
            (Some(_), Some(_)) => PopulationCheck::DifferentCitizens,
            _ => PopulationCheck::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PopulationCheck::SameCitizen => "same_citizen",
            PopulationCheck::DifferentCitizens => "different_citizens",
            PopulationCheck::Unknown => "unknown",
        }
    }
}

/// What becomes of a pair once the population data has been asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PairStatus {
    Duplicate,
    /// The population data shows two people.
    Cleared,
}

impl PairStatus {
    /// Cleared when the two are different citizens, never for one citizen number
    /// on two members (one person twice, or two people sharing it): that is
    /// reported whoever the two are.
    pub fn of(check: PopulationCheck, kind: DuplicateType) -> Self {
        if check == PopulationCheck::DifferentCitizens && !kind.shares_citizen_id() {
            PairStatus::Cleared
        } else {
            PairStatus::Duplicate
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PairStatus::Duplicate => "duplicate",
            PairStatus::Cleared => "cleared",
        }
    }
}

/// One duplicate pair with the population data's word on it.
#[derive(Clone, Debug)]
pub struct CheckedPair {
    pub pair: DuplicatePair,
    pub check: PopulationCheck,
    pub status: PairStatus,
    /// The final cluster; None when the pair was cleared or is a weak link the
    /// engine kept out of clusters.
    pub cluster_id: Option<u32>,
}

/// Checks every pair against the members' links (per roster row, the citizen's
/// ID), rebuilds the clusters from the pairs that stay, and orders the pairs:
/// duplicates, then two people on one number (listed apart, never clustered),
/// then cleared ones; by cluster (unclustered last), strongest first (by the
/// score as written), then by row. Returns the pairs and the cluster members ordered by
/// cluster and row.
pub fn cut(
    pairs: Vec<DuplicatePair>,
    clusters: &[ClusterMember],
    links: &[Option<&str>],
) -> (Vec<CheckedPair>, Vec<ClusterMember>) {
    let mut cluster_of: Vec<Option<usize>> = vec![None; links.len()];
    for c in clusters {
        cluster_of[c.member] = Some(c.cluster_id);
    }
    let mut checked: Vec<CheckedPair> = pairs
        .into_iter()
        .map(|pair| {
            let check = PopulationCheck::of(links[pair.a], links[pair.b]);
            CheckedPair { status: PairStatus::of(check, pair.kind), check, cluster_id: None, pair }
        })
        .collect();
    // A pair stays in a cluster when both members were in the same engine cluster
    // and the population data did not clear it.
    let stays = |p: &CheckedPair| {
        p.status == PairStatus::Duplicate
            && p.pair.kind.is_one_person()
            && cluster_of[p.pair.a].is_some()
            && cluster_of[p.pair.a] == cluster_of[p.pair.b]
    };
    let edges: Vec<(usize, usize, DuplicateType)> =
        checked.iter().filter(|p| stays(p)).map(|p| (p.pair.a, p.pair.b, p.pair.kind)).collect();
    let mut members = components(links.len(), &edges);
    let mut final_cluster: Vec<Option<u32>> = vec![None; links.len()];
    for m in &members {
        final_cluster[m.member] = Some(m.cluster_id as u32);
    }
    for p in &mut checked {
        if stays(p) {
            p.cluster_id = final_cluster[p.pair.a];
        }
    }
    checked.sort_by(|x, y| {
        x.status
            .cmp(&y.status)
            .then(y.pair.kind.is_one_person().cmp(&x.pair.kind.is_one_person()))
            .then(x.cluster_id.is_none().cmp(&y.cluster_id.is_none()))
            .then(x.cluster_id.cmp(&y.cluster_id))
            .then(y.pair.score().total_cmp(&x.pair.score()))
            .then((x.pair.a, x.pair.b).cmp(&(y.pair.a, y.pair.b)))
    });
    members.sort_by_key(|m| (m.cluster_id, m.member));
    (checked, members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::levels::FIELDS;
    use crate::names::MatchKind;

    fn pair(a: usize, b: usize, probability: f64, kind: DuplicateType) -> DuplicatePair {
        DuplicatePair {
            a,
            b,
            probability,
            match_weight: 0.0,
            kind,
            name_kind: MatchKind::Identical,
            levels: [None; FIELDS.len()],
            field_weights: [f64::NAN; FIELDS.len()],
        }
    }

    fn member(cluster_id: usize, member: usize, kind: DuplicateType) -> ClusterMember {
        ClusterMember { cluster_id, member, kind }
    }

    #[test]
    fn checks_and_statuses() {
        use PopulationCheck::*;
        assert_eq!(PopulationCheck::of(Some("1"), Some("1")), SameCitizen);
        assert_eq!(PopulationCheck::of(Some("1"), Some("2")), DifferentCitizens);
        assert_eq!(PopulationCheck::of(Some("1"), None), Unknown);
        assert_eq!(PopulationCheck::of(None, None), Unknown);
        assert_eq!(PairStatus::of(DifferentCitizens, DuplicateType::DuplicatePerson), PairStatus::Cleared);
        assert_eq!(PairStatus::of(DifferentCitizens, DuplicateType::TransferDuplicate), PairStatus::Cleared);
        assert_eq!(PairStatus::of(DifferentCitizens, DuplicateType::DuplicateCitizenId), PairStatus::Duplicate);
        assert_eq!(PairStatus::of(DifferentCitizens, DuplicateType::CitizenIdShared), PairStatus::Duplicate);
        assert_eq!(PairStatus::of(Unknown, DuplicateType::DuplicatePerson), PairStatus::Duplicate);
        assert_eq!(PairStatus::of(SameCitizen, DuplicateType::DuplicatePerson), PairStatus::Duplicate);
    }

    #[test]
    fn a_cleared_pair_splits_its_cluster_and_the_rest_are_renumbered() {
        use DuplicateType::*;
        // Engine clusters: {0, 1, 2} (one citizen number on 0 and 1, 2 joined by a
        // person match), {4, 5}, {7, 8}; 3–6 is a weak link outside clusters.
        let pairs = vec![
            pair(0, 1, 0.2, DuplicateCitizenId),
            pair(1, 2, 0.999, DuplicatePerson),
            pair(3, 6, 0.95, DuplicatePerson),
            pair(4, 5, 1.0, TransferDuplicate),
            pair(7, 8, 0.999_9, DuplicatePerson),
        ];
        let clusters = [
            member(0, 0, DuplicateCitizenId),
            member(0, 1, DuplicateCitizenId),
            member(0, 2, DuplicateCitizenId),
            member(1, 4, TransferDuplicate),
            member(1, 5, TransferDuplicate),
            member(2, 7, DuplicatePerson),
            member(2, 8, DuplicatePerson),
        ];
        // 1 and 2 are two citizens; 0 and 1 too, but one number on two members stays.
        let links = [Some("A"), Some("B"), Some("C"), None, Some("D"), Some("D"), None, Some("E"), Some("F")];
        let (checked, members) = cut(pairs, &clusters, &links);
        let got: Vec<(usize, usize, &str, &str, Option<u32>)> =
            checked.iter().map(|p| (p.pair.a, p.pair.b, p.status.as_str(), p.check.as_str(), p.cluster_id)).collect();
        assert_eq!(
            got,
            [
                (0, 1, "duplicate", "different_citizens", Some(0)),
                (4, 5, "duplicate", "same_citizen", Some(1)),
                (3, 6, "duplicate", "unknown", None),
                (7, 8, "cleared", "different_citizens", None),
                (1, 2, "cleared", "different_citizens", None),
            ]
        );
        let got: Vec<(usize, usize, DuplicateType)> =
            members.iter().map(|m| (m.cluster_id, m.member, m.kind)).collect();
        // The person match that held 2 is gone, and so is cluster {7, 8}; the
        // citizen-number cluster keeps only its own type.
        assert_eq!(
            got,
            [
                (0, 0, DuplicateCitizenId),
                (0, 1, DuplicateCitizenId),
                (1, 4, TransferDuplicate),
                (1, 5, TransferDuplicate)
            ]
        );
    }

    #[test]
    fn two_people_on_one_number_are_listed_apart_and_never_clustered() {
        use DuplicateType::*;
        let pairs = vec![
            pair(2, 3, 0.01, CitizenIdShared),
            pair(0, 1, 1.0, DuplicateCitizenId),
            pair(4, 5, 0.95, DuplicatePerson),
        ];
        let clusters = [member(0, 0, DuplicateCitizenId), member(0, 1, DuplicateCitizenId)];
        let links = [Some("A"), Some("A"), Some("B"), Some("C"), Some("D"), Some("E")];
        let (checked, members) = cut(pairs, &clusters, &links);
        let got: Vec<(usize, &str, Option<u32>)> =
            checked.iter().map(|p| (p.pair.a, p.status.as_str(), p.cluster_id)).collect();
        assert_eq!(got, [(0, "duplicate", Some(0)), (2, "duplicate", None), (4, "cleared", None)]);
        assert!(members.iter().all(|m| m.member < 2 && m.kind == DuplicateCitizenId), "{members:?}");
    }

    #[test]
    fn clusters_take_the_most_specific_type_of_the_pairs_that_stay() {
        use DuplicateType::*;
        let pairs = vec![
            pair(0, 1, 1.0, TransferDuplicate),
            pair(1, 2, 1.0, DuplicatePerson),
            pair(2, 3, 1.0, DuplicatePerson),
        ];
        let clusters: Vec<ClusterMember> = (0..4).map(|m| member(0, m, TransferDuplicate)).collect();
        // 2 and 3 are two citizens: the cluster loses 3 but stays a transfer.
        let links = [None, None, Some("X"), Some("Y")];
        let (checked, members) = cut(pairs, &clusters, &links);
        assert_eq!(checked.iter().filter(|p| p.status == PairStatus::Cleared).count(), 1);
        let got: Vec<(usize, DuplicateType)> = members.iter().map(|m| (m.member, m.kind)).collect();
        assert_eq!(got, [(0, TransferDuplicate), (1, TransferDuplicate), (2, TransferDuplicate)]);
    }
}

//! A revalidation: a province's roster against its population data in one call.
//!
//! The roster is cross-checked and deduplicated from one reading of each member
//! (`PopulationIndex::verify_all_with` hands the check's `PreparedMember` to
//! `dedup::person_of`), each member is tied to the citizen the cross-check found
//! ([`link`]), and the duplicate pairs are checked
//! against those ties: two members who are two different citizens are cleared,
//! and the clusters are rebuilt from the pairs that stay ([`cut`]); two people on
//! one citizen number become a finding on each of them ([`shared`]). The answer
//! is four final tables (findings, verdicts, pairs, clusters), keyed by roster
//! row, ready to write; the first two are the plain cross-check's ([`tables`]).

pub mod cut;
pub mod link;
pub mod shared;
pub mod tables;

use rustc_hash::FxHashMap;

use crate::column::StrColumn;
use crate::dedup::{self, ClusterMember, Config, Model};
use crate::records::{PopulationIndex, RosterSource};
use crate::vocabulary::{DuplicateType, Field, RosterCheck, SkippedBlock};
pub use cut::{cut, CheckedPair, PairStatus, PopulationCheck};
pub use link::{population_links, shown_score, LINK_MIN_SCORE};
pub use shared::add_shared_number_findings;
use tables::gather;
pub use tables::{verification_tables, CandidateLists, FindingsTable, VerdictsTable};

/// The duplicate pairs in the order they are written, with both members' IDs and places.
#[derive(Debug)]
pub struct PairsTable {
    pub pairs: Vec<CheckedPair>,
    pub member_id_a: StrColumn,
    pub member_id_b: StrColumn,
    pub ward_a: StrColumn,
    pub party_unit_a: StrColumn,
    pub ward_b: StrColumn,
    pub party_unit_b: StrColumn,
}

/// The members of the final clusters, by cluster and row.
#[derive(Debug)]
pub struct ClustersTable {
    pub members: Vec<ClusterMember>,
    pub member_id: StrColumn,
    pub ward: StrColumn,
    pub party_unit: StrColumn,
}

/// Everything a revalidation writes.
#[derive(Debug)]
pub struct Revalidation {
    pub findings: FindingsTable,
    pub verdicts: VerdictsTable,
    pub pairs: PairsTable,
    pub clusters: ClustersTable,
    /// The duplicate model trained on (or given for) this roster.
    pub model: Model,
    pub candidate_pairs: usize,
    /// Oversized blocks, described without personal data.
    pub warnings: Vec<SkippedBlock>,
    /// The checks that did not run, each with the roster columns it lacked.
    pub checks_not_run: Vec<(RosterCheck, Vec<Field>)>,
}

/// The roster's duplicate pairs checked against the members' ties to citizens.
#[derive(Debug)]
pub struct CheckedDuplicates {
    pub pairs: PairsTable,
    pub clusters: ClustersTable,
    /// The duplicate model trained on (or given for) this roster.
    pub model: Model,
    pub candidate_pairs: usize,
    /// Oversized blocks, described without personal data.
    pub warnings: Vec<SkippedBlock>,
    /// For each pair of two people on one citizen number, the first member's
    /// number as deduplication read it (by that member's roster row).
    pub shared_numbers: FxHashMap<usize, String>,
}

/// Deduplicates a roster (`people`, row i being roster row i as `dedup::person_of`
/// reads it) and checks each pair against `links` (per roster row, the citizen ID
/// of the citizen the member is tied to, as `population_links` gives it): two
/// members who are two different citizens are cleared, and the clusters are
/// rebuilt from the pairs that stay. `model` scores the pairs when given, else
/// one is trained on the roster. A run whose cross-check ran elsewhere (a Spark
/// cluster) hands the ties it found here.
pub fn checked_duplicates<R: RosterSource + ?Sized>(
    roster: &R,
    people: &[dedup::OwnedPerson],
    links: &[Option<&str>],
    config: &Config,
    model: Option<Model>,
) -> CheckedDuplicates {
    let found = {
        let views: Vec<dedup::Person<'_>> = people.iter().map(dedup::OwnedPerson::view).collect();
        dedup::find_duplicates_with(&views, config, model)
    };
    // The numbers two people share, as deduplication read them, for their findings.
    let shared_numbers: FxHashMap<usize, String> = found
        .pairs
        .iter()
        .filter(|p| p.kind == DuplicateType::CitizenIdShared)
        .filter_map(|p| Some((p.a, people[p.a].citizen_id.clone()?)))
        .collect();
    let (pairs, clusters) = cut(found.pairs, &found.clusters, links);
    let pairs = PairsTable {
        member_id_a: gather(roster, pairs.iter().map(|p| p.pair.a), Field::MemberId),
        member_id_b: gather(roster, pairs.iter().map(|p| p.pair.b), Field::MemberId),
        ward_a: gather(roster, pairs.iter().map(|p| p.pair.a), Field::Ward),
        party_unit_a: gather(roster, pairs.iter().map(|p| p.pair.a), Field::PartyUnit),
        ward_b: gather(roster, pairs.iter().map(|p| p.pair.b), Field::Ward),
        party_unit_b: gather(roster, pairs.iter().map(|p| p.pair.b), Field::PartyUnit),
        pairs,
    };
    let clusters = ClustersTable {
        member_id: gather(roster, clusters.iter().map(|m| m.member), Field::MemberId),
        ward: gather(roster, clusters.iter().map(|m| m.member), Field::Ward),
        party_unit: gather(roster, clusters.iter().map(|m| m.member), Field::PartyUnit),
        members: clusters,
    };
    CheckedDuplicates {
        pairs,
        clusters,
        model: found.model,
        candidate_pairs: found.candidate_pairs,
        warnings: found.warnings,
        shared_numbers,
    }
}

/// Cross-checks and deduplicates a roster against the population data (see the
/// module docs); `model` scores the pairs when given, else one is trained on
/// the roster.
pub fn revalidate<R: RosterSource + ?Sized>(
    index: &PopulationIndex,
    roster: &R,
    config: &Config,
    model: Option<Model>,
) -> Revalidation {
    // Each member is read once: the check's reading also gives deduplication its person.
    let (verification, people) = index.verify_all_with(roster, dedup::person_of);
    let links = population_links(index, &verification);
    let duplicates = checked_duplicates(roster, &people, &links, config, model);
    drop(people);
    let mut verification = verification;
    add_shared_number_findings(
        index,
        roster,
        &duplicates.pairs.pairs,
        |member| duplicates.shared_numbers.get(&member).cloned(),
        &links,
        &mut verification,
    );
    drop(links);
    let (findings, verdicts) = verification_tables(roster, verification);
    Revalidation {
        findings,
        verdicts,
        pairs: duplicates.pairs,
        clusters: duplicates.clusters,
        model: duplicates.model,
        candidate_pairs: duplicates.candidate_pairs,
        warnings: duplicates.warnings,
        checks_not_run: roster.fields().not_run(),
    }
}

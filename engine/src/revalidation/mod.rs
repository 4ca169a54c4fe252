//! A revalidation: a province's roster against its population data in one call.
//!
//! The roster is cross-checked (`PopulationIndex::verify_all`) and deduplicated
//! (each member read by `dedup::person_of` from the record layer's `PreparedMember`), each member is tied to the
//! citizen the cross-check found ([`link`]), and the duplicate pairs are checked
//! against those ties: two members who are two different citizens are cleared,
//! and the clusters are rebuilt from the pairs that stay ([`cut`]). The answer
//! is four final tables (findings, verdicts, pairs, clusters), keyed by roster
//! row, ready to write.

pub mod cut;
pub mod link;

use crate::column::StrColumn;
use crate::dedup::{self, ClusterMember, Config, Model};
use crate::names::MatchKind;
use crate::records::{FindingColumns, MemberRecord, PopulationIndex, RosterSource, Verdict};
pub use cut::{cut, CheckedPair, PairStatus, PopulationCheck};
pub use link::{population_links, shown_score, LINK_MIN_SCORE};

/// The findings: one row per finding, `columns.member` its roster row.
#[derive(Debug)]
pub struct FindingsTable {
    pub member_id: StrColumn,
    pub columns: FindingColumns,
}

/// The candidates offered to each member, best first, as a list per roster row
/// (`offsets[i]..offsets[i + 1]`; no list where `has_list[i]` is false).
#[derive(Debug)]
pub struct CandidateLists {
    pub offsets: Vec<i32>,
    pub has_list: Vec<bool>,
    pub citizen_id: StrColumn,
    pub full_name: StrColumn,
    pub date_of_birth: StrColumn,
    /// Three decimals, as `shown_score`.
    pub score: Vec<f64>,
    pub name_kind: Vec<MatchKind>,
}

/// The verdicts: row i is roster row i.
#[derive(Debug)]
pub struct VerdictsTable {
    pub member_id: StrColumn,
    pub verdict: Vec<Verdict>,
    /// The citizen ID of the population record the member was matched to.
    pub matched_citizen_id: StrColumn,
    pub name_kind: Vec<Option<MatchKind>>,
    /// Three decimals, as `shown_score`.
    pub name_score: Vec<Option<f64>>,
    pub candidates: CandidateLists,
}

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
    pub warnings: Vec<String>,
}

/// One text field of a roster record.
type RosterField = for<'m> fn(&MemberRecord<'m>) -> Option<&'m str>;

fn member_id<'m>(m: &MemberRecord<'m>) -> Option<&'m str> {
    m.member_id
}

fn ward<'m>(m: &MemberRecord<'m>) -> Option<&'m str> {
    m.ward
}

fn party_unit<'m>(m: &MemberRecord<'m>) -> Option<&'m str> {
    m.party_unit
}

/// One field of the given roster rows, as a column.
fn gather<R: RosterSource + ?Sized>(roster: &R, rows: impl Iterator<Item = usize>, field: RosterField) -> StrColumn {
    let mut column = StrColumn::with_capacity(0, 0);
    for i in rows {
        push(&mut column, field(&roster.member(i)));
    }
    column
}

fn push(column: &mut StrColumn, value: Option<&str>) {
    match value {
        Some(v) => {
            column.data.push_str(v);
            column.finish_value();
        }
        None => column.push_null(),
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
    let (verification, people) =
        rayon::join(|| index.verify_all(roster), || dedup::people_from_roster(roster, index.options().as_of));
    let found = {
        let views: Vec<dedup::Person<'_>> = people.iter().map(dedup::OwnedPerson::view).collect();
        dedup::find_duplicates_with(&views, config, model)
    };
    let links = population_links(index, &verification);
    let (pairs, clusters) = cut(found.pairs, &found.clusters, &links);

    let v = &verification;
    let texts = || StrColumn::with_capacity(v.candidate_row.len(), 16 * v.candidate_row.len());
    let mut candidates = CandidateLists {
        offsets: Vec::with_capacity(v.len() + 1),
        has_list: Vec::with_capacity(v.len()),
        citizen_id: texts(),
        full_name: texts(),
        date_of_birth: texts(),
        score: Vec::with_capacity(v.candidate_row.len()),
        name_kind: Vec::with_capacity(v.candidate_row.len()),
    };
    candidates.offsets.push(0);
    let mut j = 0;
    for i in 0..v.len() {
        let start = j;
        while j < v.candidate_member.len() && v.candidate_member[j] as usize == i {
            let view = index.view(v.candidate_row[j] as usize);
            push(&mut candidates.citizen_id, Some(view.citizen_id));
            push(&mut candidates.full_name, Some(view.full_name));
            push(&mut candidates.date_of_birth, Some(view.date_of_birth));
            candidates.score.push(shown_score(v.candidate_score[j]));
            candidates.name_kind.push(v.candidate_kind[j]);
            j += 1;
        }
        candidates.offsets.push(j as i32);
        candidates.has_list.push(j > start);
    }
    let mut matched_citizen_id = StrColumn::with_capacity(v.len(), 12 * v.len());
    for m in &v.matched {
        push(&mut matched_citizen_id, m.map(|row| index.view(row as usize).citizen_id));
    }
    let verification_findings = verification.findings;
    let findings = FindingsTable {
        member_id: gather(roster, verification_findings.member.iter().map(|&m| m as usize), member_id),
        columns: verification_findings,
    };
    let verdicts = VerdictsTable {
        member_id: gather(roster, 0..roster.len(), member_id),
        verdict: verification.verdict,
        matched_citizen_id,
        name_kind: verification.name_kind,
        name_score: verification.name_score.into_iter().map(|s| s.map(shown_score)).collect(),
        candidates,
    };
    let pairs = PairsTable {
        member_id_a: gather(roster, pairs.iter().map(|p| p.pair.a), member_id),
        member_id_b: gather(roster, pairs.iter().map(|p| p.pair.b), member_id),
        ward_a: gather(roster, pairs.iter().map(|p| p.pair.a), ward),
        party_unit_a: gather(roster, pairs.iter().map(|p| p.pair.a), party_unit),
        ward_b: gather(roster, pairs.iter().map(|p| p.pair.b), ward),
        party_unit_b: gather(roster, pairs.iter().map(|p| p.pair.b), party_unit),
        pairs,
    };
    let clusters = ClustersTable {
        member_id: gather(roster, clusters.iter().map(|m| m.member), member_id),
        ward: gather(roster, clusters.iter().map(|m| m.member), ward),
        party_unit: gather(roster, clusters.iter().map(|m| m.member), party_unit),
        members: clusters,
    };
    Revalidation {
        findings,
        verdicts,
        pairs,
        clusters,
        model: found.model,
        candidate_pairs: found.candidate_pairs,
        warnings: found.warnings,
    }
}

//! Deduplication in pieces, for a run spread over many machines (doichieu.spark):
//! each blocking rule's key per person, one rule's candidate pairs among the
//! people sharing its keys (blocks split or skipped as on one machine), and the
//! candidates scored with a model trained once and the names' frequencies in the
//! whole roster. The kept pairs, few beside the members, are then clustered where
//! the whole roster is (`find_duplicates_from`).

use rayon::prelude::*;

use super::blocking::{self, BlockKind};
use super::{find_duplicates_among, kept_pair, pattern_of, prepare_all, Config, DedupResult, Model, Person};

/// Per person, its name key (names alike for the frequency of a name) and its
/// key under each rule of `BlockKind::ALL` (None where the person lacks what the
/// rule needs).
pub fn rule_keys(people: &[Person<'_>]) -> Vec<(u64, [Option<u64>; 7])> {
    let prepared = prepare_all(people);
    people
        .par_iter()
        .zip(prepared.par_iter())
        .map(|(p, pr)| (pr.name_key, BlockKind::ALL.map(|k| blocking::block_key(k, p, pr))))
        .collect()
}

/// The candidate pairs (i < j, indices into `people`, sorted, each once) rule
/// `kind` yields among `people`, its blocks capped at `cap` (split by finer keys,
/// else skipped with a warning) as on one machine. Every person sharing a key
/// of this rule must be in `people`.
pub fn rule_pairs(kind: BlockKind, people: &[Person<'_>], cap: usize) -> (Vec<(u32, u32)>, Vec<String>) {
    let prepared = prepare_all(people);
    let (pairs, warnings) = blocking::kind_pairs(kind, people, &prepared, cap);
    (blocking::unpack(pairs), warnings)
}

/// Which of the candidate pairs (indices into `people`) are kept: scored with
/// `model`, `name_count[k]` being how many members of the whole roster (of
/// `members`) bear pair k's first name (by name key).
pub fn score_pairs(
    people: &[Person<'_>],
    candidates: &[(u32, u32)],
    name_count: &[u32],
    members: usize,
    model: &Model,
    config: &Config,
) -> Vec<bool> {
    let prepared = prepare_all(people);
    let n = members.max(1) as f64;
    candidates
        .par_iter()
        .zip(name_count.par_iter())
        .map(|(&(i, j), &count)| {
            let (i, j) = (i as usize, j as usize);
            let compared = pattern_of(&people[i], &people[j], &prepared[i], &prepared[j]);
            let tf = Some(f64::from(count) / n);
            kept_pair(people, (i, j), compared, tf, model, config).is_some()
        })
        .collect()
}

/// The duplicates of the whole roster (`people`) from candidate pairs found
/// elsewhere (i < j, sorted, each once): scored with `model`, kept and clustered
/// as `find_duplicates_with` does. `candidate_pairs` and `warnings` are the
/// distributed run's, for the record.
pub fn find_duplicates_from(
    people: &[Person<'_>],
    candidates: Vec<(u32, u32)>,
    candidate_pairs: usize,
    warnings: Vec<String>,
    config: &Config,
    model: Model,
) -> DedupResult {
    let prepared = prepare_all(people);
    let mut result = find_duplicates_among(people, &prepared, candidates, warnings, config, Some(model));
    result.candidate_pairs = candidate_pairs;
    result
}

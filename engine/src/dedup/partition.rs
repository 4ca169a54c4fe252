//! Deduplication in pieces, for a run spread over many machines (doichieu.spark):
//! each blocking rule's key per person, one rule's candidate pairs among the
//! people sharing its keys (blocks split or skipped as on one machine), and the
//! candidates scored with a model trained once and the names' frequencies in the
//! whole roster. The kept pairs, few beside the members, are then clustered where
//! the whole roster is (`find_duplicates_from`).

use rayon::prelude::*;

use super::blocking::{self, BlockKind, KeyedWarnings};
use super::{
    find_duplicates_among, kept_pair, pattern_of, prepare_all, Config, DedupResult, DuplicatePair, Model, Person,
};

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
/// of this rule must be in `people`. Each warning comes with the rule key of its
/// block: one machine says a rule's warnings in the order of those keys
/// (unsigned), so pieces of the roster put theirs in that order by it.
pub fn rule_pairs(kind: BlockKind, people: &[Person<'_>], cap: usize) -> (Vec<(u32, u32)>, KeyedWarnings) {
    let prepared = prepare_all(people);
    let (pairs, warnings) = blocking::kind_pairs(kind, people, &prepared, cap);
    (blocking::unpack(pairs), warnings)
}

/// The candidate pairs (indices into `people`) that are kept, scored with
/// `model`, `name_count[k]` being how many members of the whole roster (of
/// `members`) bear pair k's first name (by name key): each with k, its place
/// among the candidates, in candidate order.
pub fn score_pairs(
    people: &[Person<'_>],
    candidates: &[(u32, u32)],
    name_count: &[u32],
    members: usize,
    model: &Model,
    config: &Config,
) -> Vec<(usize, DuplicatePair)> {
    let prepared = prepare_all(people);
    let n = members.max(1) as f64;
    candidates
        .par_iter()
        .zip(name_count.par_iter())
        .enumerate()
        .filter_map(|(k, (&(i, j), &count))| {
            let (i, j) = (i as usize, j as usize);
            let compared = pattern_of(&people[i], &people[j], &prepared[i], &prepared[j]);
            let tf = Some(f64::from(count) / n);
            kept_pair(people, (i, j), compared, tf, model, config).map(|p| (k, p))
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

#[cfg(test)]
mod tests {
    use rustc_hash::FxHashMap;

    use super::*;
    use crate::dedup::{find_duplicates_with, name_frequencies};
    use crate::values::PartialDate;

    /// Members with few names and birth dates, so that blocks overflow a small cap.
    fn roster() -> Vec<Person<'static>> {
        let names = ["Nguyễn Văn An", "Nguyen Van An", "Trần Thị Bình", "Lê Văn Cường", "Nguyễn Thị An"];
        (0..400u32)
            .map(|i| Person {
                full_name: names[(i % 5) as usize],
                date_of_birth: PartialDate { year: 1960 + (i % 7) as u16, month: 1 + (i % 3) as u8, day: 1 },
                citizen_id: (i % 4 != 0).then(|| &*Box::leak(format!("0010600{:05}", i % 150).into_boxed_str())),
                party_card: (i % 9 == 0).then_some("12345678"),
                ..Person::default()
            })
            .collect()
    }

    #[test]
    fn rules_bucketed_by_key_find_the_pairs_and_scores_of_one_machine() {
        let people = roster();
        let config = Config { max_block_size: 12, ..Config::default() };
        let whole = find_duplicates_with(&people, &config, None);
        // Each rule's keys in three buckets; each bucket's members alone.
        let keys = rule_keys(&people);
        let (mut pairs, mut warnings) = (Vec::new(), Vec::new());
        for (r, &kind) in BlockKind::ALL.iter().enumerate() {
            for bucket in 0..3 {
                let rows: Vec<usize> =
                    (0..people.len()).filter(|&i| keys[i].1[r].is_some_and(|k| k % 3 == bucket)).collect();
                let members: Vec<Person<'_>> = rows.iter().map(|&i| people[i]).collect();
                let (found, said) = rule_pairs(kind, &members, config.max_block_size);
                pairs.extend(found.iter().map(|&(i, j)| (rows[i as usize] as u32, rows[j as usize] as u32)));
                warnings.extend(said.into_iter().map(|(key, w)| ((r, key), w)));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let (expected, expected_warnings) =
            blocking::candidate_pairs(&people, &prepare_all(&people), config.max_block_size);
        assert!(!expected_warnings.is_empty(), "the cap is reached");
        assert_eq!(pairs, expected);
        // Put in order by rule, then block key (stable: a block's own warnings keep theirs):
        // one machine's order, not merely its set.
        warnings.sort_by_key(|(key, _)| *key);
        let warnings: Vec<String> = warnings.into_iter().map(|(_, w)| w).collect();
        assert_eq!(warnings, expected_warnings);
        // Scored with the whole roster's name counts, the kept pairs are one machine's.
        let freq = name_frequencies(&prepare_all(&people));
        let counts: Vec<u32> = pairs.iter().map(|&(i, _)| freq[&keys[i as usize].0]).collect();
        let scored = score_pairs(&people, &pairs, &counts, people.len(), &whole.model, &config);
        let kept: Vec<(u32, u32)> = scored.iter().map(|(k, _)| pairs[*k]).collect();
        assert!(scored.iter().all(|(k, p)| (p.a as u32, p.b as u32) == pairs[*k]));
        let mut found: Vec<(u32, u32)> = whole.pairs.iter().map(|p| (p.a as u32, p.b as u32)).collect();
        found.sort_unstable();
        assert!(!found.is_empty());
        assert_eq!(kept, found);
        let from = find_duplicates_from(&people, kept, pairs.len(), warnings, &config, whole.model.clone());
        let key = |r: &DedupResult| {
            let pairs: Vec<_> = r.pairs.iter().map(|p| (p.a, p.b, p.probability.to_bits(), p.kind)).collect();
            let clusters: FxHashMap<usize, usize> = r.clusters.iter().map(|c| (c.member, c.cluster_id)).collect();
            let mut clusters: Vec<_> = clusters.into_iter().collect();
            clusters.sort_unstable();
            (pairs, clusters, r.candidate_pairs)
        };
        assert_eq!(key(&from), key(&whole));
    }
}

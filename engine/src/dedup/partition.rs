//! Deduplication in pieces, for a run spread over many machines (doichieu.spark):
//! each blocking rule's key per person, then one rule's candidate pairs among the
//! people sharing its keys (blocks split or skipped as on one machine) scored in
//! the same task with a model trained once and the names' frequencies in the
//! whole roster. The kept pairs, few beside the members, are then clustered where
//! the whole roster is (`find_duplicates_from`).

use rayon::prelude::*;

use super::blocking::{self, BlockKind, KeyedWarnings, SkippedBlock};
use super::levels::{Field, Pattern};
use super::{
    find_duplicates_among, kept_pair, levels_but_name, model, name_level, prepare_all, weigh, Config, DedupResult,
    DuplicatePair, Model, Person,
};

/// Per person, its name key (names alike for the frequency of a name) and its
/// key under each rule of `BlockKind::ALL` (None where the person lacks what the
/// rule needs).
pub fn rule_keys(people: &[Person<'_>]) -> Vec<(u64, [Option<u64>; 7])> {
    let prepared = prepare_all(people);
    people.par_iter().zip(prepared.par_iter()).map(|(p, pr)| (pr.name_key, blocking::keys_of(p, pr))).collect()
}

/// What one rule's blocks among `people` give a distributed run, which hands
/// each task the members of some of the rule's keys: the blocks capped as on
/// one machine (split by finer keys, else skipped with a warning), their pairs
/// scored in the same task (the members' columns are there), and the pairs
/// counted so that the tasks of all rules together count each candidate once.
#[derive(Debug, Default)]
pub struct RuleBlocks {
    /// Candidate pairs no other rule keys together: only this rule can find
    /// them, so they are counted here.
    pub own: usize,
    /// Candidate pairs (i < j, sorted) that another rule also keys together:
    /// that rule may find them too, so they are counted once over all rules
    /// by whoever gathers every task's.
    pub shared: Vec<(u32, u32)>,
    /// The candidates kept when scored (a pair several rules find is kept by
    /// each of them, the same pair with the same score), in candidate order.
    pub kept: Vec<DuplicatePair>,
    /// The warnings of the blocks skipped, each with its block's rule key: one
    /// machine says a rule's warnings in the order of those keys (unsigned).
    pub warnings: KeyedWarnings,
}

/// Rule `kind`'s blocks among `people` (every person sharing a key of this rule
/// must be there), scored with `model`; `name_count[i]` is how many of the
/// whole roster's `members` bear person i's name (by name key), which is what
/// one machine weighs a pair's name by.
pub fn rule_blocks(
    kind: BlockKind,
    people: &[Person<'_>],
    name_count: &[u32],
    members: usize,
    model: &Model,
    config: &Config,
) -> RuleBlocks {
    assert_eq!(name_count.len(), people.len(), "one name count per person");
    let prepared = prepare_all(people);
    let (pairs, warnings) = blocking::kind_pairs(kind, people, &prepared, config.max_block_size);
    let candidates = blocking::unpack(pairs);
    let keys: Vec<[Option<u64>; 7]> =
        people.par_iter().zip(prepared.par_iter()).map(|(p, pr)| blocking::keys_of(p, pr)).collect();
    let keyed_by_another = |i: usize, j: usize| {
        BlockKind::ALL.iter().zip(keys[i].iter().zip(&keys[j])).any(|(&k, (a, b))| k != kind && a.is_some() && a == b)
    };
    let n = members.max(1) as f64;
    let (shared, kept): (Vec<_>, Vec<_>) = candidates
        .par_iter()
        .map(|&(i, j)| {
            let (i, j) = (i as usize, j as usize);
            let shared = keyed_by_another(i, j).then_some((i as u32, j as u32));
            let tf = Some(f64::from(name_count[i]) / n);
            let mut levels = levels_but_name(&people[i], &people[j]);
            if !could_be_kept(&levels, tf, model, config) {
                return (shared, None);
            }
            let (name, kind) = name_level(&people[i], &people[j], &prepared[i], &prepared[j]);
            levels[Field::Name.index()] = name;
            (shared, kept_pair(people, (i, j), (levels, kind), tf, model, config))
        })
        .unzip();
    let shared: Vec<(u32, u32)> = shared.into_iter().flatten().collect();
    RuleBlocks { own: candidates.len() - shared.len(), shared, kept: kept.into_iter().flatten().collect(), warnings }
}

/// Whether a pair with these levels (all but the name's) could be kept: it
/// shares the citizen number (always reported), or even the name's best level
/// would carry it to the threshold. Most candidates cannot (namesakes born in
/// one year whose other fields disagree), and the name's comparison, the
/// costly part, is left out for them; the pairs kept are the same.
fn could_be_kept(levels: &Pattern, tf: Option<f64>, model: &Model, config: &Config) -> bool {
    if levels[Field::CitizenId.index()] == Some(0) {
        return true;
    }
    // A missing name adds nothing; a present one at most its best level's weight.
    let best_name = (0..Field::Name.levels().len() as u8).map(|l| model.weight(Field::Name, l, tf)).fold(0.0, f64::max);
    let (_, others) = weigh(model, levels, tf);
    // The margin covers the sum's rounding, taken in another order when the pair is weighed whole.
    model::probability(others + best_name + 1e-6) >= config.threshold
}

/// The duplicates of the whole roster (`people`) from candidate pairs found
/// elsewhere (i < j, sorted, each once): scored with `model`, kept and clustered
/// as `find_duplicates_with` does. `candidate_pairs` and `warnings` are the
/// distributed run's, for the record.
pub fn find_duplicates_from(
    people: &[Person<'_>],
    candidates: Vec<(u32, u32)>,
    candidate_pairs: usize,
    warnings: Vec<SkippedBlock>,
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
            .chain(strangers_sharing_an_old_number())
            .collect()
    }

    /// Pairs that only the old-number rule keys together: nothing else alike.
    fn strangers_sharing_an_old_number() -> impl Iterator<Item = Person<'static>> {
        let names = ["Đỗ Minh Khoa", "Vũ Thị Lan", "Hoàng Văn Nam", "Phan Thị Hoa", "Bùi Quang Vinh", "Đặng Thu Hà"];
        names.into_iter().enumerate().map(|(i, full_name)| Person {
            full_name,
            date_of_birth: PartialDate { year: 1980 + i as u16, month: 5, day: 1 + i as u8 },
            old_id: Some(["012345678", "023456789", "034567890"][i / 2]),
            ..Person::default()
        })
    }

    #[test]
    fn rules_bucketed_by_key_find_the_pairs_and_scores_of_one_machine() {
        let people = roster();
        let config = Config { max_block_size: 12, ..Config::default() };
        let whole = find_duplicates_with(&people, &config, None);
        let freq = name_frequencies(&prepare_all(&people));
        // Each rule's keys in three buckets; each bucket's members alone.
        let keys = rule_keys(&people);
        let (mut own, mut shared, mut kept, mut warnings) = (0, Vec::new(), Vec::new(), Vec::new());
        for (r, &kind) in BlockKind::ALL.iter().enumerate() {
            for bucket in 0..3 {
                let rows: Vec<usize> =
                    (0..people.len()).filter(|&i| keys[i].1[r].is_some_and(|k| k % 3 == bucket)).collect();
                let members: Vec<Person<'_>> = rows.iter().map(|&i| people[i]).collect();
                let counts: Vec<u32> = rows.iter().map(|&i| freq[&keys[i].0]).collect();
                let found = rule_blocks(kind, &members, &counts, people.len(), &whole.model, &config);
                let row = |i: usize| rows[i] as u32;
                own += found.own;
                shared.extend(found.shared.iter().map(|&(i, j)| (row(i as usize), row(j as usize))));
                kept.extend(found.kept.iter().map(|p| (row(p.a), row(p.b), p.probability.to_bits(), p.kind)));
                warnings.extend(found.warnings.into_iter().map(|(key, w)| ((r, key), w)));
            }
        }
        shared.sort_unstable();
        shared.dedup();
        let (expected, expected_warnings) =
            blocking::candidate_pairs(&people, &prepare_all(&people), config.max_block_size);
        assert!(!expected_warnings.is_empty(), "the cap is reached");
        assert!(own > 0 && !shared.is_empty(), "both kinds of candidate occur");
        assert_eq!(own + shared.len(), expected.len(), "each candidate counted once");
        // Put in order by rule, then block key (stable: a block's own warnings keep theirs):
        // one machine's order, not merely its set.
        warnings.sort_by_key(|(key, _)| *key);
        let warnings: Vec<SkippedBlock> = warnings.into_iter().map(|(_, w)| w).collect();
        assert_eq!(warnings, expected_warnings);
        // Scored with the whole roster's name counts, the kept pairs are one machine's.
        kept.sort_unstable_by_key(|&(a, b, ..)| (a, b));
        kept.dedup();
        let mut found: Vec<_> =
            whole.pairs.iter().map(|p| (p.a as u32, p.b as u32, p.probability.to_bits(), p.kind)).collect();
        found.sort_unstable_by_key(|&(a, b, ..)| (a, b));
        assert!(!found.is_empty());
        assert_eq!(kept, found);
        let kept: Vec<(u32, u32)> = kept.iter().map(|&(a, b, ..)| (a, b)).collect();
        let from = find_duplicates_from(&people, kept, expected.len(), warnings, &config, whole.model.clone());
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

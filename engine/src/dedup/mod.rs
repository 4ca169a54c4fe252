//! Deduplication: the same person held twice in a roster, found in batch across
//! 100k–6M members, or one record at a time as intake goes on.
//!
//! Candidate pairs come from several blocking keys (citizen ID; surname + given
//! name + birth year; given name + full date of birth; old ID), each block capped.
//! Pairs are scored Fellegi–Sunter style with per-field levels, u from random
//! pairs, m by EM, and a term-frequency adjustment on names; pairs above the
//! threshold are clustered into people with a guard against chaining.

mod blocking;
mod cluster;
mod index;
pub mod levels;
pub mod model;
mod model_file;
mod partition;
mod person;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::names::{self, Form, Writer};
use crate::values::{Gender, PartialDate};
use crate::vocabulary::{DuplicateType, MatchKind};
pub use blocking::{BlockKind, SkippedBlock};
pub use cluster::components;
pub use index::{Candidate, IncrementalIndex, OwnedPerson};
use levels::{Field, Pattern, FIELDS};
pub use model::Model;
pub use model_file::{ModelFileError, FORMAT as MODEL_FORMAT, VERSION as MODEL_VERSION};
pub use partition::{find_duplicates_from, rule_blocks, rule_keys, RuleBlocks};
pub use person::{people_from_roster, person_of, PERSON_FIELDS};

/// One member as deduplication sees it; values already cleaned by the record
/// layer (citizen IDs as bare digits, hometown as the current province's key).
#[derive(Clone, Copy, Debug, Default)]
pub struct Person<'a> {
    pub full_name: &'a str,
    pub date_of_birth: PartialDate,
    pub gender: Option<Gender>,
    pub citizen_id: Option<&'a str>,
    pub old_id: Option<&'a str>,
    pub hometown: Option<&'a str>,
    pub party_unit: Option<&'a str>,
    /// The party card number, digits only.
    pub party_card: Option<&'a str>,
    /// The date of admission to the party (year 0 when unknown).
    pub admission_date: PartialDate,
}

/// Two members on one citizen number are one person entered twice when the model,
/// scoring every other field, finds one person more likely than two; below, they
/// are two people on one number. (On a generated province the two lie far apart:
/// lent numbers score under 0.001, one person twice 1.0; on FEBRL, where no number
/// is lent, records with one number and badly corrupted fields fall between.)
pub const ONE_PERSON_ON_ONE_NUMBER: f64 = 0.5;

#[derive(Clone, Debug)]
pub struct Config {
    /// Pairs at or above this probability are duplicates.
    pub threshold: f64,
    /// Below this, a pair may join two records into a pair but never grow a
    /// cluster: one weak link must not chain two people together.
    pub strong_threshold: f64,
    /// Largest block compared pairwise; larger blocks are split by finer keys,
    /// and skipped with a warning if they stay too large.
    pub max_block_size: usize,
    /// Random pairs used to estimate u.
    pub random_pairs: usize,
    pub em_iterations: usize,
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threshold: 0.9,
            strong_threshold: 0.99,
            max_block_size: 400,
            random_pairs: 200_000,
            em_iterations: 40,
            seed: 0x5EED_D01C_4EE0,
        }
    }
}

/// What blocking and scoring derive from a name once.
#[derive(Clone, Debug, Default)]
pub struct Prepared {
    /// The folded name, for the edit-distance level.
    pub fold: Box<str>,
    pub surname: u64,
    pub given: u64,
    pub middle: u64,
    pub name_key: u64,
    /// The folded tokens, sorted: equal for swapped or unaccented names.
    pub name_tokens: u64,
}

fn hash_str(s: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(s)
}

pub(crate) fn prepare(name: &str, writer: &mut Writer, buf: &mut String) -> Prepared {
    buf.clear();
    writer.write(name, Form::Fold, buf);
    let mut tokens = buf.split(' ').filter(|t| !t.is_empty());
    let surname = tokens.next().map_or(0, hash_str);
    let rest: Vec<&str> = tokens.collect();
    let given = rest.last().map_or(0, |t| hash_str(t));
    let middle = if rest.len() > 1 { hash_str(&rest[..rest.len() - 1].join(" ")) } else { 0 };
    let mut sorted: Vec<&str> = buf.split(' ').filter(|t| !t.is_empty()).collect();
    sorted.sort_unstable();
    let name_tokens = if sorted.is_empty() { 0 } else { hash_str(&sorted.join(" ")) };
    let fold: Box<str> = buf.as_str().into();
    buf.clear();
    writer.write(name, Form::Key, buf);
    Prepared { fold, surname, given, middle, name_key: hash_str(buf), name_tokens }
}

fn prepare_all(people: &[Person<'_>]) -> Vec<Prepared> {
    people
        .par_chunks(4096)
        .flat_map_iter(|chunk| {
            let mut writer = Writer::default();
            let mut buf = String::new();
            chunk.iter().map(|p| prepare(p.full_name, &mut writer, &mut buf)).collect::<Vec<_>>()
        })
        .collect()
}

/// The field levels of one pair, and the name comparison's kind.
pub(crate) fn pattern_of(a: &Person<'_>, b: &Person<'_>, pa: &Prepared, pb: &Prepared) -> (Pattern, MatchKind) {
    let mut pattern = levels_but_name(a, b);
    let (name, kind) = name_level(a, b, pa, pb);
    pattern[Field::Name.index()] = name;
    (pattern, kind)
}

/// The name's level and kind: the costly part of a comparison.
pub(crate) fn name_level(a: &Person<'_>, b: &Person<'_>, pa: &Prepared, pb: &Prepared) -> (Option<u8>, MatchKind) {
    if pa.fold.is_empty() || pb.fold.is_empty() {
        (None, MatchKind::Different)
    } else if a.full_name == b.full_name {
        (Some(0), MatchKind::Identical)
    } else if pa.name_key == pb.name_key && pa.fold == pb.fold {
        // Same key: relation 1 or 2; only the alignment-free kind is still needed.
        let (kind, _) = names::kind_and_score(a.full_name, b.full_name);
        (Some(levels::name_level(kind)), kind)
    } else {
        let (kind, _) = names::kind_and_score(a.full_name, b.full_name);
        if kind == MatchKind::Different && levels::within_two_edits(&pa.fold, &pb.fold) {
            (Some(levels::NAME_SIMILAR), kind)
        } else if kind == MatchKind::Different
            && ((pa.surname != 0 && pa.surname == pb.surname) || (pa.given != 0 && pa.given == pb.given))
        {
            (Some(levels::NAME_PART_AGREES), kind)
        } else {
            (Some(levels::name_level(kind)), kind)
        }
    }
}

/// Every level but the name's (None there).
pub(crate) fn levels_but_name(a: &Person<'_>, b: &Person<'_>) -> Pattern {
    [
        None,
        levels::date_level(a.date_of_birth, b.date_of_birth),
        levels::gender_level(a.gender, b.gender),
        levels::equal_level(a.hometown, b.hometown),
        levels::number_level(a.citizen_id, b.citizen_id),
        levels::number_level(a.old_id, b.old_id),
        levels::number_level(a.party_card, b.party_card),
        levels::date_level(a.admission_date, b.admission_date),
    ]
}

/// Bits each field contributed (NaN where the field was missing) and the total.
pub(crate) fn weigh(model: &Model, pattern: &Pattern, name_frequency: Option<f64>) -> (FieldWeights, f64) {
    let mut weights = [f64::NAN; FIELDS.len()];
    let mut total = model.prior_weight();
    for f in FIELDS {
        if let Some(level) = pattern[f.index()] {
            let tf = if f == Field::Name { name_frequency } else { None };
            let w = model.weight(f, level, tf);
            weights[f.index()] = w;
            total += w;
        }
    }
    (weights, total)
}

/// The type of a pair the model scored `probability`. Two members on one citizen
/// number are one person entered twice when every other field, scored by the
/// same model, says one person; otherwise they are two people on one number.
pub(crate) fn duplicate_type(a: &Person<'_>, b: &Person<'_>, pattern: &Pattern, probability: f64) -> DuplicateType {
    if pattern[Field::CitizenId.index()] == Some(0) {
        if probability >= ONE_PERSON_ON_ONE_NUMBER {
            DuplicateType::DuplicateCitizenId
        } else {
            DuplicateType::CitizenIdShared
        }
    } else if a.party_unit.is_some() && b.party_unit.is_some() && a.party_unit != b.party_unit {
        DuplicateType::TransferDuplicate
    } else {
        DuplicateType::DuplicatePerson
    }
}

/// Bits each field contributed, in `levels::FIELDS` order.
pub type FieldWeights = [f64; FIELDS.len()];

#[derive(Clone, Debug)]
pub struct DuplicatePair {
    pub a: usize,
    pub b: usize,
    pub probability: f64,
    /// Total evidence in bits (log2 odds).
    pub match_weight: f64,
    pub kind: DuplicateType,
    pub name_kind: MatchKind,
    pub levels: Pattern,
    /// Bits per field, in `levels::FIELDS` order; NaN where a value was missing.
    pub field_weights: FieldWeights,
}

impl DuplicatePair {
    /// The probability as tables write it and order it: six decimals (ties to even).
    pub fn score(&self) -> f64 {
        (self.probability * 1e6).round_ties_even() / 1e6
    }

    /// "name=same_name(+7.9) date_of_birth=exact(+11.2) …": why the pair scored as it did.
    pub fn explanation(&self) -> String {
        let mut parts = Vec::with_capacity(FIELDS.len());
        for f in FIELDS {
            if let Some(level) = self.levels[f.index()] {
                parts.push(format!(
                    "{}={}({:+.1})",
                    f.as_str(),
                    f.levels()[level as usize],
                    self.field_weights[f.index()]
                ));
            }
        }
        parts.join(" ")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterMember {
    pub cluster_id: usize,
    pub member: usize,
    pub kind: DuplicateType,
}

#[derive(Clone, Debug)]
pub struct DedupResult {
    pub pairs: Vec<DuplicatePair>,
    pub clusters: Vec<ClusterMember>,
    pub model: Model,
    pub candidate_pairs: usize,
    /// Oversized blocks, described without personal data.
    pub warnings: Vec<SkippedBlock>,
}

/// Name-key frequencies for the term-frequency adjustment.
pub(crate) fn name_frequencies(prepared: &[Prepared]) -> FxHashMap<u64, u32> {
    let mut freq = FxHashMap::default();
    for p in prepared {
        *freq.entry(p.name_key).or_insert(0) += 1;
    }
    freq
}

/// Deterministic pseudo-random pairs for estimating u (splitmix64).
fn random_pairs(n: usize, count: usize, seed: u64) -> Vec<(u32, u32)> {
    if n < 2 {
        return Vec::new();
    }
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let total = n * (n - 1) / 2;
    (0..count.min(total))
        .filter_map(|_| {
            let i = (next() % n as u64) as u32;
            let j = (next() % n as u64) as u32;
            (i != j).then(|| (i.min(j), i.max(j)))
        })
        .collect()
}

fn pattern_counts(people: &[Person<'_>], prepared: &[Prepared], pairs: &[(u32, u32)]) -> FxHashMap<Pattern, u64> {
    pairs
        .par_iter()
        .fold(FxHashMap::<Pattern, u64>::default, |mut acc, &(i, j)| {
            let (i, j) = (i as usize, j as usize);
            *acc.entry(pattern_of(&people[i], &people[j], &prepared[i], &prepared[j]).0).or_insert(0) += 1;
            acc
        })
        .reduce(FxHashMap::default, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_insert(0) += v;
            }
            a
        })
}

/// Trains a model on `people`: u from random pairs; m by EM in two sessions, each
/// on pairs blocked by one rule and learning only the fields that rule did not
/// fix (pairs sharing a citizen ID teach name, date of birth and the rest; pairs
/// sharing given name and full birth date teach the citizen ID); then λ, the
/// chance that two random members are one person.
pub fn train(
    people: &[Person<'_>],
    prepared: &[Prepared],
    candidate_patterns: &FxHashMap<Pattern, u64>,
    config: &Config,
) -> Model {
    let mut model = Model::prior();
    let random = random_pairs(people.len(), config.random_pairs, config.seed);
    let random_patterns: Vec<Pattern> = random
        .par_iter()
        .map(|&(i, j)| {
            let (i, j) = (i as usize, j as usize);
            pattern_of(&people[i], &people[j], &prepared[i], &prepared[j]).0
        })
        .collect();
    model.estimate_u(&random_patterns);
    // Pairs blocked on the given name and birth date still differ in surname and
    // middle name: the name is evidence there, though its m is learned elsewhere.
    // They are also where namesakes gather; the party card and the admission date
    // tell a namesake from one person with two numbers, which is what lets EM learn
    // the citizen ID's m there (without them, on a generated province of 102,235
    // members, it took namesakes for one person and learned m(different) = 0.33).
    let learn_b = [Field::Gender, Field::Hometown, Field::OldId, Field::CitizenId];
    // The party card and the admission date are evidence there too: a namesake
    // has a card and an admission of their own.
    let sessions = [
        (
            BlockKind::CitizenId,
            &[
                Field::Name,
                Field::DateOfBirth,
                Field::Gender,
                Field::Hometown,
                Field::OldId,
                Field::PartyCard,
                Field::AdmissionDate,
            ][..],
            None,
        ),
        (
            BlockKind::GivenFullBirthDate,
            &learn_b[..],
            Some(
                &[
                    Field::Name,
                    Field::CitizenId,
                    Field::Gender,
                    Field::Hometown,
                    Field::OldId,
                    Field::PartyCard,
                    Field::AdmissionDate,
                ][..],
            ),
        ),
    ];
    for (kind, learn, evidence) in sessions {
        let pairs = blocking::pairs_for(kind, people, prepared, config.max_block_size);
        model.train_m_with(
            &pattern_counts(people, prepared, &pairs),
            evidence.unwrap_or(learn),
            learn,
            config.em_iterations,
        );
    }
    model.lambda = deterministic_lambda(candidate_patterns, people.len());
    model
}

/// Probability that two records drawn at random are one person (Splink's
/// "probability two random records match"), from a strict rule rather than EM
/// (EM over all candidates counts coincidences as matches and inflates it):
/// pairs agreeing on the citizen ID or the party card and the birth date, or on
/// the name, full birth date and hometown, assumed to find 80% of the true ones.
///
/// It is a share of all pairs, not of the candidate pairs: u is measured on
/// random pairs, so the weights already hold what blocking knew. A prior over
/// candidates would count that evidence twice and overrate a namesake who
/// shares a common name and a birth date (in a generated province of 102,235
/// members, several hundred such pairs).
fn deterministic_lambda(patterns: &FxHashMap<Pattern, u64>, people: usize) -> f64 {
    const RECALL: f64 = 0.8;
    let sure: u64 = patterns
        .iter()
        .filter(|(p, _)| {
            let dob_agrees = matches!(p[Field::DateOfBirth.index()], Some(0 | 1));
            let by_id =
                (p[Field::CitizenId.index()] == Some(0) || p[Field::PartyCard.index()] == Some(0)) && dob_agrees;
            let by_person = p[Field::Name.index()] == Some(0)
                && p[Field::DateOfBirth.index()] == Some(0)
                && p[Field::Hometown.index()] != Some(1);
            by_id || by_person
        })
        .map(|(_, c)| *c)
        .sum();
    let n = people as f64;
    let all_pairs = (n * (n - 1.0) / 2.0).max(1.0);
    ((sure as f64 / RECALL).max(1.0) / all_pairs).clamp(1e-15, 0.5)
}

/// Finds duplicate pairs and clusters in one roster, training the model on it.
pub fn find_duplicates(people: &[Person<'_>], config: &Config) -> DedupResult {
    find_duplicates_with(people, config, None)
}

/// As `find_duplicates`, with a model trained elsewhere when one is given.
pub fn find_duplicates_with(people: &[Person<'_>], config: &Config, model: Option<Model>) -> DedupResult {
    let prepared = prepare_all(people);
    let (candidates, warnings) = blocking::candidate_pairs(people, &prepared, config.max_block_size);
    find_duplicates_among(people, &prepared, candidates, warnings, config, model)
}

/// The pairs among `candidates` (i < j, sorted, each once) scored, kept and
/// clustered as `find_duplicates_with` does.
fn find_duplicates_among(
    people: &[Person<'_>],
    prepared: &[Prepared],
    candidates: Vec<(u32, u32)>,
    warnings: Vec<SkippedBlock>,
    config: &Config,
    model: Option<Model>,
) -> DedupResult {
    // Each candidate is compared once; training and scoring both read the result.
    let compared: Vec<(Pattern, MatchKind)> = candidates
        .par_iter()
        .map(|&(i, j)| {
            let (i, j) = (i as usize, j as usize);
            pattern_of(&people[i], &people[j], &prepared[i], &prepared[j])
        })
        .collect();
    let model = model.unwrap_or_else(|| {
        let counts = compared
            .par_iter()
            .fold(FxHashMap::<Pattern, u64>::default, |mut acc, (p, _)| {
                *acc.entry(*p).or_insert(0) += 1;
                acc
            })
            .reduce(FxHashMap::default, |mut a, b| {
                for (k, v) in b {
                    *a.entry(k).or_insert(0) += v;
                }
                a
            });
        train(people, prepared, &counts, config)
    });
    let freq = name_frequencies(prepared);
    let n = people.len().max(1) as f64;
    let pairs: Vec<DuplicatePair> = candidates
        .par_iter()
        .zip(compared.par_iter())
        .filter_map(|(&(i, j), &compared)| {
            let tf = freq.get(&prepared[i as usize].name_key).map(|c| f64::from(*c) / n);
            kept_pair(people, (i as usize, j as usize), compared, tf, &model, config)
        })
        .collect();
    let clusters = cluster::cluster(people, &pairs, config);
    DedupResult { pairs, clusters, model, candidate_pairs: candidates.len(), warnings }
}

/// One candidate pair (rows `a` < `b` of `people`, compared as `pattern_of` does)
/// scored with the name's frequency `tf`, when it is kept.
pub(crate) fn kept_pair(
    people: &[Person<'_>],
    (i, j): (usize, usize),
    (levels, name_kind): (Pattern, MatchKind),
    tf: Option<f64>,
    model: &Model,
    config: &Config,
) -> Option<DuplicatePair> {
    let (a, b) = (&people[i], &people[j]);
    let (field_weights, match_weight) = weigh(model, &levels, tf);
    let probability = model::probability(match_weight);
    let kind = duplicate_type(a, b, &levels, probability);
    // One citizen number on two members is reported whatever the names say:
    // the same person twice, or two people sharing it.
    let keep = probability >= config.threshold || kind.shares_citizen_id();
    keep.then_some(DuplicatePair { a: i, b: j, probability, match_weight, kind, name_kind, levels, field_weights })
}

/// Duplicates in a roster as the record layer reads it ([`person_of`], dates
/// plausible up to `as_of`), pairs ordered as tables show them: one person's
/// pairs, then two people on one number (listed apart); highest score first,
/// then by row.
pub fn find_roster_duplicates<R: crate::records::RosterSource + ?Sized>(
    roster: &R,
    as_of: i32,
    config: &Config,
    model: Option<Model>,
) -> DedupResult {
    let people = people_from_roster(roster, as_of);
    let views: Vec<Person<'_>> = people.iter().map(OwnedPerson::view).collect();
    let mut result = find_duplicates_with(&views, config, model);
    order_for_tables(&mut result.pairs);
    result
}

/// Pairs in the order tables show them: one person's pairs, then two people on
/// one number; highest score first, then by row.
pub fn order_for_tables(pairs: &mut [DuplicatePair]) {
    pairs.sort_by(|x, y| {
        (y.kind.is_one_person().cmp(&x.kind.is_one_person()))
            .then(y.score().total_cmp(&x.score()))
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person<'a>(name: &'a str, y: u16, m: u8, d: u8, cid: Option<&'a str>, unit: &'a str) -> Person<'a> {
        Person {
            full_name: name,
            date_of_birth: PartialDate { year: y, month: m, day: d },
            gender: Some(if name.contains("Thị") { Gender::Female } else { Gender::Male }),
            citizen_id: cid,
            old_id: None,
            hometown: Some("ha noi"),
            party_unit: Some(unit),
            ..Person::default()
        }
    }

    /// 3,000 synthetic members with independent attributes.
    fn roster() -> Vec<Person<'static>> {
        let surnames =
            ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
        let middles =
            ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Đức", "Hữu", "Xuân", "Duy", "Đình", "Quang", "Hoàng"];
        let givens = [
            "Hùng", "Lan", "Tuấn", "Mai", "Dũng", "Hương", "Nam", "Hoa", "Quý", "Phương", "Sơn", "Thảo", "Bình",
            "Cường", "Dung", "Giang", "Hải", "Hạnh", "Huy", "Khánh", "Linh", "Long", "Minh", "Nga", "Phúc", "Quân",
            "Tâm", "Thắng", "Trang", "Vinh", "Anh", "Bảo", "Chi", "Đạt", "Điệp", "Hà", "Hiếu", "Hòa", "Hồng", "Khoa",
            "Kiên", "Lâm", "Lộc", "Luân", "My", "Ngân", "Nhung", "Oanh", "Phong", "Quyên", "Sang", "Thành", "Thịnh",
            "Thu", "Thủy", "Tiến", "Toàn", "Tú", "Uyên", "Việt", "Xuân", "Yến",
        ];
        let r = random_pairs(1 << 30, 3000 * 4, 42);
        let pick = |k: usize, m: usize| (r[k].0 as usize ^ (r[k].1 as usize).rotate_left(7)) % m;
        (0..3000)
            .map(|i| {
                let name: &'static str = Box::leak(
                    format!(
                        "{} {} {}",
                        surnames[pick(4 * i, 14)],
                        middles[pick(4 * i + 1, 13)],
                        givens[pick(4 * i + 2, givens.len())]
                    )
                    .into_boxed_str(),
                );
                let cid: &'static str =
                    Box::leak(format!("001{}{:08}", i % 2, pick(4 * i + 3, 100_000_000)).into_boxed_str());
                let d = pick(4 * i + 3, 50 * 365);
                person(
                    name,
                    1940 + (d / 365) as u16,
                    1 + ((d / 28) % 12) as u8,
                    1 + (d % 28) as u8,
                    Some(cid),
                    "chi bo 1",
                )
            })
            .collect()
    }

    #[test]
    fn finds_planted_duplicates_of_each_type() {
        let mut people = roster();
        let base = people[10];
        // Same citizen number, name in the old tone style.
        let mut dup_id = base;
        dup_id.full_name = "Nguyễn Văn Thuỷ";
        people[10].full_name = "Nguyễn Văn Thủy";
        dup_id.full_name = "Nguyễn Văn Thuỷ";
        people.push(dup_id);
        // Same person, one digit wrong in the ID, transferred to another chi bộ.
        let mut transfer = people[20];
        transfer.citizen_id = Some(Box::leak(format!("{}9", &people[20].citizen_id.unwrap()[..11]).into_boxed_str()));
        transfer.party_unit = Some("chi bo 2");
        people.push(transfer);
        // Same person, no diacritics, ID missing.
        let mut plain = people[30];
        plain.full_name = Box::leak(fold(people[30].full_name).into_boxed_str());
        plain.citizen_id = None;
        people.push(plain);
        let result = find_duplicates(&people, &Config::default());
        let found = |a: usize, b: usize| result.pairs.iter().find(|p| (p.a, p.b) == (a.min(b), a.max(b)));
        let n = people.len();
        assert_eq!(found(10, n - 3).map(|p| p.kind), Some(DuplicateType::DuplicateCitizenId));
        assert_eq!(found(20, n - 2).map(|p| p.kind), Some(DuplicateType::TransferDuplicate));
        assert_eq!(found(30, n - 1).map(|p| p.kind), Some(DuplicateType::DuplicatePerson));
        // Random members who happen to share a citizen number are a finding, not a
        // false positive; a few strangers with near-identical names and birth dates
        // are ambiguous in a roster this small, but never more than 0.1%.
        let strangers: Vec<String> = result
            .pairs
            .iter()
            .filter(|p| p.b < 3000 && !p.kind.shares_citizen_id())
            .map(|p| format!("{:.3} {}", p.probability, p.explanation()))
            .collect();
        assert!(strangers.len() <= 3, "{strangers:?}");
        for (a, b) in [(10, n - 3), (20, n - 2), (30, n - 1)] {
            let cluster_of = |m: usize| result.clusters.iter().find(|c| c.member == m).map(|c| c.cluster_id);
            assert!(cluster_of(a).is_some() && cluster_of(a) == cluster_of(b));
        }
        assert!(found(10, n - 3).unwrap().explanation().contains("citizen_id=exact"));
    }

    #[test]
    fn two_people_on_one_number_are_told_from_one_person_entered_twice() {
        let mut people = roster();
        let number = people[50].citizen_id;
        // Someone else recorded with member 50's number: their own name, birth date and gender.
        let borrower = Person { citizen_id: number, ..people[60] };
        // Member 50 entered again, the name in the old tone style.
        let again = Person { full_name: Box::leak(fold(people[50].full_name).into_boxed_str()), ..people[50] };
        people.push(borrower);
        people.push(again);
        let n = people.len();
        let result = find_duplicates(&people, &Config::default());
        let found = |a: usize, b: usize| result.pairs.iter().find(|p| (p.a, p.b) == (a.min(b), a.max(b)));
        let shared = found(50, n - 2).expect("a shared number is always reported");
        assert_eq!(shared.kind, DuplicateType::CitizenIdShared);
        assert!(shared.probability < ONE_PERSON_ON_ONE_NUMBER, "{}", shared.explanation());
        assert_eq!(found(50, n - 1).map(|p| p.kind), Some(DuplicateType::DuplicateCitizenId));
        let cluster_of = |m: usize| result.clusters.iter().find(|c| c.member == m).map(|c| (c.cluster_id, c.kind));
        assert_eq!(cluster_of(n - 2), None, "two people are never clustered");
        assert_eq!(cluster_of(50).map(|c| c.1), Some(DuplicateType::DuplicateCitizenId));
        assert_eq!(cluster_of(50), cluster_of(n - 1));
    }

    #[test]
    fn party_history_tells_namesakes_from_a_transfer() {
        let mut people = roster();
        for (i, p) in people.iter_mut().enumerate() {
            p.party_card = Some(Box::leak(format!("{:08}", 10_000_000 + i * 7919 % 89_999_999).into_boxed_str()));
            p.admission_date =
                PartialDate { year: 1970 + (i % 50) as u16, month: 1 + (i % 12) as u8, day: 1 + (i % 28) as u8 };
        }
        let original = people[40];
        // A namesake born the same day, with no citizen ID on the roster: their own card and admission.
        let namesake = Person {
            citizen_id: None,
            party_unit: Some("chi bo 5"),
            party_card: Some("99999999"),
            admission_date: PartialDate { year: 2011, month: 6, day: 9 },
            ..original
        };
        // The same member transferred, the citizen ID left off: the card and admission travel along.
        let moved = Person { citizen_id: None, party_unit: Some("chi bo 6"), ..original };
        people.push(namesake);
        people.push(moved);
        let n = people.len();
        let result = find_duplicates(&people, &Config::default());
        let found = |a: usize, b: usize| result.pairs.iter().find(|p| (p.a, p.b) == (a.min(b), a.max(b)));
        let transfer = found(40, n - 1).expect("the transfer is found");
        assert_eq!(transfer.kind, DuplicateType::TransferDuplicate);
        assert!(transfer.explanation().contains("party_card=exact"), "{}", transfer.explanation());
        assert!(found(40, n - 2).is_none(), "{:?}", found(40, n - 2).map(|p| p.explanation()));
        assert!(found(n - 2, n - 1).is_none());
    }

    #[test]
    fn a_name_that_keeps_its_first_or_last_word_is_a_level_of_its_own() {
        let level = |a: &str, b: &str| {
            let (mut writer, mut buf) = (Writer::default(), String::new());
            let (pa, pb) = (prepare(a, &mut writer, &mut buf), prepare(b, &mut writer, &mut buf));
            let x = Person { full_name: a, ..Person::default() };
            let y = Person { full_name: b, ..Person::default() };
            pattern_of(&x, &y, &pa, &pb).0[Field::Name.index()]
        };
        assert_eq!(level("Nguyễn Văn Hùng", "Nguyễn Thị Lan"), Some(levels::NAME_PART_AGREES));
        assert_eq!(level("Trần Văn Hùng", "Lê Quang Hùng"), Some(levels::NAME_PART_AGREES));
        assert_eq!(level("tayla iovino", "andrew iovino"), Some(levels::NAME_PART_AGREES));
        assert_eq!(level("Trần Văn Hùng", "Lê Thị Lan"), Some(levels::NAME_DIFFERENT));
        assert_eq!(level("Nguyễn Văn Hùng", "Nguyen Van Hung"), Some(levels::name_level(MatchKind::DiacriticsMissing)));
    }

    #[test]
    fn the_prior_is_a_share_of_all_pairs() {
        // λ is the chance two random members are one person: with u from random
        // pairs, a prior over candidate pairs would count blocking twice.
        let result = find_duplicates(&roster(), &Config::default());
        let all_pairs = 3000.0 * 2999.0 / 2.0;
        assert!(result.model.lambda <= 10.0 / all_pairs, "{}", result.model.lambda);
    }

    fn fold(s: &str) -> String {
        names::fold_key(s).unwrap()
    }

    #[test]
    fn empty_and_single_rosters() {
        assert!(find_duplicates(&[], &Config::default()).pairs.is_empty());
        let one = [person("Nguyễn Văn An", 1970, 1, 1, None, "x")];
        assert!(find_duplicates(&one, &Config::default()).clusters.is_empty());
    }
}

//! The incremental index: add one record, ask "who is this likely to be?" in well
//! under a millisecond, so the verifier checks each intake record against the
//! whole province as it arrives.

use rustc_hash::FxHashMap;

use super::blocking::{block_key, BlockKind};
use super::{duplicate_type, model, pattern_of, prepare, weigh, Model, Person, Prepared};
use crate::names::Writer;
use crate::values::{Gender, PartialDate};
use crate::vocabulary::{DuplicateType, MatchKind};

/// A person the index holds (owned copies of the values).
#[derive(Clone, Debug, Default)]
pub struct OwnedPerson {
    pub full_name: String,
    pub date_of_birth: PartialDate,
    pub gender: Option<Gender>,
    pub citizen_id: Option<String>,
    pub old_id: Option<String>,
    pub hometown: Option<String>,
    pub party_unit: Option<String>,
    pub party_card: Option<String>,
    pub admission_date: PartialDate,
}

impl OwnedPerson {
    pub fn view(&self) -> Person<'_> {
        Person {
            full_name: &self.full_name,
            date_of_birth: self.date_of_birth,
            gender: self.gender,
            citizen_id: self.citizen_id.as_deref(),
            old_id: self.old_id.as_deref(),
            hometown: self.hometown.as_deref(),
            party_unit: self.party_unit.as_deref(),
            party_card: self.party_card.as_deref(),
            admission_date: self.admission_date,
        }
    }
}

impl From<&Person<'_>> for OwnedPerson {
    fn from(p: &Person<'_>) -> Self {
        OwnedPerson {
            full_name: p.full_name.to_string(),
            date_of_birth: p.date_of_birth,
            gender: p.gender,
            citizen_id: p.citizen_id.map(str::to_string),
            old_id: p.old_id.map(str::to_string),
            hometown: p.hometown.map(str::to_string),
            party_unit: p.party_unit.map(str::to_string),
            party_card: p.party_card.map(str::to_string),
            admission_date: p.admission_date,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Candidate {
    /// Position of the held record (the order of `add`).
    pub index: usize,
    pub probability: f64,
    pub match_weight: f64,
    pub kind: DuplicateType,
    pub name_kind: MatchKind,
    pub levels: super::levels::Pattern,
    pub field_weights: super::FieldWeights,
}

pub struct IncrementalIndex {
    model: Model,
    people: Vec<OwnedPerson>,
    prepared: Vec<Prepared>,
    blocks: FxHashMap<u64, Vec<u32>>,
    name_frequency: FxHashMap<u64, u32>,
    /// Candidates looked at per block at most, so a huge block stays fast.
    max_block_size: usize,
    writer: Writer,
    buf: String,
}

impl IncrementalIndex {
    pub fn new(model: Model, max_block_size: usize) -> Self {
        IncrementalIndex {
            model,
            people: Vec::new(),
            prepared: Vec::new(),
            blocks: FxHashMap::default(),
            name_frequency: FxHashMap::default(),
            max_block_size,
            writer: Writer::default(),
            buf: String::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn get(&self, index: usize) -> Option<&OwnedPerson> {
        self.people.get(index)
    }

    /// Adds a record; returns its position.
    pub fn add(&mut self, person: &Person<'_>) -> usize {
        let prepared = prepare(person.full_name, &mut self.writer, &mut self.buf);
        let index = self.people.len();
        for kind in BlockKind::ALL {
            if let Some(key) = block_key(kind, person, &prepared) {
                self.blocks.entry(key).or_default().push(index as u32);
            }
        }
        *self.name_frequency.entry(prepared.name_key).or_insert(0) += 1;
        self.people.push(person.into());
        self.prepared.push(prepared);
        index
    }

    /// The held records most likely to be `person`, best first, at or above `min_probability`.
    /// Takes `&self` so many threads can ask at once (behind a read lock).
    pub fn query(&self, person: &Person<'_>, min_probability: f64, limit: usize) -> Vec<Candidate> {
        let prepared = prepare(person.full_name, &mut Writer::default(), &mut String::new());
        let mut seen: Vec<u32> = Vec::new();
        for kind in BlockKind::ALL {
            if let Some(key) = block_key(kind, person, &prepared) {
                if let Some(members) = self.blocks.get(&key) {
                    // The newest records first: a resubmission is usually recent.
                    seen.extend(members.iter().rev().take(self.max_block_size));
                }
            }
        }
        seen.sort_unstable();
        seen.dedup();
        let n = self.people.len().max(1) as f64;
        let tf = self.name_frequency.get(&prepared.name_key).map(|c| f64::from(*c) / n);
        let mut out: Vec<Candidate> = seen
            .into_iter()
            .filter_map(|i| {
                let held = self.people[i as usize].view();
                let (levels, name_kind) = pattern_of(person, &held, &prepared, &self.prepared[i as usize]);
                let (field_weights, match_weight) = weigh(&self.model, &levels, tf);
                let probability = model::probability(match_weight);
                let kind = duplicate_type(person, &held, &levels, probability);
                (probability >= min_probability || kind.shares_citizen_id()).then_some(Candidate {
                    index: i as usize,
                    probability,
                    match_weight,
                    kind,
                    name_kind,
                    levels,
                    field_weights,
                })
            })
            .collect();
        out.sort_by(|a, b| b.match_weight.total_cmp(&a.match_weight));
        out.truncate(limit);
        out
    }
}

//! A synthetic province: a party roster, the population records of the same people
//! and the truth of what was planted where, so the cross-check and deduplication can
//! be scored per finding code without anyone's real record.
//!
//! Everything is a pure function of (seed, index): a member's rows come out the same
//! whichever chunk asks for them, so a national roster streams out in bounded memory
//! and any chunking gives the same files. The only state is a small plan per member
//! (status, how the ID is written, which duplicate it gets), the ward tree and the
//! few mistyped numbers, all fixed when the generator is built.

pub mod data;
pub mod dates;
pub mod national;
pub mod noise;
pub mod org;
pub mod people;
mod population;
pub mod rng;
mod roster;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::column::StrColumn;
// The generator writes the record model's columns, so its files load as any roster.
use crate::vocabulary::{POPULATION_COLUMNS, ROSTER_COLUMNS};
use dates::{birthday, days_from_civil};
use org::Tree;
use people::{Cells, People, INVALID_CODE_SLICE, OLD_SPACE, TAIL_SPACE};
use rng::{rng, Permutation, Stream};

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum SynthError {
    #[error("{0}")]
    InvalidConfig(String),
    #[error(
        "unknown province {0:?}: give a 3-digit code from the 63-province table (e.g. 042) or its name (e.g. Hà Tĩnh)"
    )]
    UnknownProvince(String),
    #[error("unknown rate {name:?}; known rates: {known}")]
    UnknownRate { name: String, known: String },
    #[error("rows {start}..{stop} are outside 0..{len}")]
    OutOfRange { start: u64, stop: u64, len: u64 },
}

macro_rules! rates {
    ($( $(#[doc = $doc:expr])* $name:ident = $default:expr ),* $(,)?) => {
        /// How often each kind of noise is planted; probabilities per member unless
        /// the name says otherwise. Defaults follow docs/campaign.md ("The numbers") where
        /// it gives a figure.
        #[derive(Clone, Debug, PartialEq)]
        pub struct Rates { $( $(#[doc = $doc])* pub $name: f64, )* }

        impl Default for Rates {
            fn default() -> Self { Rates { $( $name: $default, )* } }
        }

        impl Rates {
            pub const NAMES: &'static [&'static str] = &[ $( stringify!($name), )* ];

            pub fn get(&self, name: &str) -> Option<f64> {
                match name { $( stringify!($name) => Some(self.$name), )* _ => None }
            }

            fn slot(&mut self, name: &str) -> Option<&mut f64> {
                match name { $( stringify!($name) => Some(&mut self.$name), )* _ => None }
            }

            pub fn entries(&self) -> Vec<(&'static str, f64)> {
                vec![ $( (stringify!($name), self.$name), )* ]
            }
        }
    };
}

rates! {
    /// Roster names written in the new tone style (hoà, thuỷ); the rest old style (hòa, thủy).
    roster_new_tone_style = 0.25,
    /// Population names written in the new tone style.
    population_new_tone_style = 0.5,
    roster_upper = 0.10,
    population_upper = 0.25,
    /// Names in decomposed Unicode (macOS, "Unicode tổ hợp" keyboards).
    roster_nfd = 0.02,
    population_nfd = 0.02,
    /// Roster names in VNI-Windows text (southern offices' old files).
    vni = 0.02,
    /// Roster names in TCVN3 (ABC) text (northern offices' old files).
    tcvn3 = 0.02,
    diacritics_lost = 0.02,
    typo = 0.01,
    middle_missing = 0.01,
    reordered = 0.002,
    /// y/i, Hoàng/Huỳnh, Vũ/Võ; planted only where the name has such a syllable.
    spelling_variant = 0.01,
    /// A different given name or a changed mark (Hùng/Hưng).
    name_mismatch = 0.003,
    /// Known by another name than the registered one, recorded as an alias (no finding).
    alias = 0.01,
    ethnic_minority = 0.02,
    /// Roster dates of birth written partially, among members born 75+ years before the reference date.
    partial_dob = 0.3,
    /// Population dates of birth registered partially, among the same oldest people.
    population_partial_dob = 0.1,
    dob_mismatch = 0.008,
    /// Roster dates written d/m/yyyy, yyyy-mm-dd or as Excel serial numbers.
    date_format_variety = 0.1,
    gender_mismatch = 0.003,
    /// Gender written male/female, M/F or 1/0 instead of Nam/Nữ.
    gender_format_variety = 0.05,
    hometown_mismatch = 0.005,
    /// Roster hometowns under the province's post-2025 name.
    roster_new_province_name = 0.3,
    population_new_province_name = 0.6,
    /// "Tỉnh …" / "Thành phố …" written before the province.
    hometown_prefix = 0.05,
    id_missing = 0.04,
    id_malformed = 0.003,
    /// The old 9-digit number given instead of the 12-digit one.
    legacy_id_only = 0.01,
    /// A mistyped 12-digit number that belongs to nobody (CITIZEN_NOT_FOUND).
    id_typo_not_found = 0.002,
    /// Member whose person is missing from the population table (CITIZEN_NOT_FOUND).
    not_in_population = 0.002,
    /// People (all of the population) whose number was issued with the wrong sex digit.
    id_sex_digit_wrong = 0.002,
    /// People whose number was issued with the wrong year digits.
    id_year_wrong = 0.002,
    /// People whose number carries a province code outside the table.
    id_unknown_province = 0.001,
    /// 12-digit numbers written with spaces, dots or dashes (no finding).
    id_separators = 0.05,
    /// Member recorded with the previous member's citizen number.
    borrowed_id = 0.002,
    /// Pairs of people sharing one old 9-digit number.
    old_id_shared = 0.005,
    /// Same member entered twice with the same citizen number.
    duplicate_same_id = 0.005,
    /// Same member entered twice under two numbers (a typo, or the old number).
    duplicate_other_id = 0.005,
    /// Same member still listed in the previous party cell after a transfer.
    transfer_duplicate = 0.005,
    /// A duplicate row whose party card number was retyped with one digit wrong or two swapped.
    duplicate_card_retyped = 0.05,
    /// A duplicate row whose admission date was retyped a day off.
    duplicate_admission_retyped = 0.05,
    /// A duplicate row whose party dates are written in another date format (same dates).
    duplicate_dates_restyled = 0.3,
    probationary = 0.012,
    transferred = 0.008,
    deceased = 0.006,
    card_malformed = 0.003,
    official_before_admission = 0.003,
    under_age_at_admission = 0.002,
}

impl Rates {
    /// Sets one rate by name, within [0, 1].
    pub fn set(&mut self, name: &str, value: f64) -> Result<(), SynthError> {
        if !(0.0..=1.0).contains(&value) || value.is_nan() {
            return Err(SynthError::InvalidConfig(format!("rate {name} must be between 0 and 1, got {value}")));
        }
        let known = Self::NAMES.join(", ");
        *self.slot(name).ok_or_else(|| SynthError::UnknownRate { name: name.to_string(), known })? = value;
        Ok(())
    }

    /// Every rate but the population's make-up multiplied by `factor` (0 gives clean data).
    pub fn scaled(&self, factor: f64) -> Result<Rates, SynthError> {
        if !(0.0..=1e6).contains(&factor) || factor.is_nan() {
            return Err(SynthError::InvalidConfig(format!("noise scale must be 0 or more, got {factor}")));
        }
        let mut out = self.clone();
        for (name, value) in self.entries() {
            if name != "ethnic_minority" {
                *out.slot(name).expect("listed") = (value * factor).min(1.0);
            }
        }
        Ok(out)
    }

    fn check(&self) -> Result<(), SynthError> {
        for (name, value) in self.entries() {
            if !(0.0..=1.0).contains(&value) || value.is_nan() {
                return Err(SynthError::InvalidConfig(format!("rate {name} must be between 0 and 1, got {value}")));
            }
        }
        let groups: [(&str, f64, f64); 6] = [
            (
                "status (probationary + transferred + deceased)",
                self.probationary + self.transferred + self.deceased,
                0.5,
            ),
            (
                "citizen-ID plantings (id_missing + id_malformed + legacy_id_only + id_typo_not_found + borrowed_id)",
                self.id_missing + self.id_malformed + self.legacy_id_only + self.id_typo_not_found + self.borrowed_id,
                0.5,
            ),
            ("duplicates", self.duplicate_same_id + self.duplicate_other_id + self.transfer_duplicate, 0.3),
            (
                "name changes",
                self.diacritics_lost
                    + self.typo
                    + self.middle_missing
                    + self.reordered
                    + self.spelling_variant
                    + self.name_mismatch,
                0.6,
            ),
            ("legacy encodings (vni + tcvn3)", self.vni + self.tcvn3, 1.0),
            (
                "party-data errors",
                self.card_malformed + self.official_before_admission + self.under_age_at_admission,
                1.0,
            ),
        ];
        for (what, total, limit) in groups {
            if total > limit + 1e-12 {
                return Err(SynthError::InvalidConfig(format!(
                    "{what} add up to {total:.3}; at most {limit} is allowed"
                )));
            }
        }
        Ok(())
    }
}

/// The most members one generator makes: the national roster is 5.6 million, and
/// old 9-digit numbers are dealt from a space of ten million.
pub const MAX_MEMBERS: u64 = 8_000_000;

/// Card numbers are 8 digits from 10000000: the most members a run can number.
pub const CARD_SPACE: u64 = 90_000_000;

/// The most people (members and others) one province of a national run holds;
/// its largest cell of the number space (sex and birth year) stays well inside the
/// million numbers such a cell has.
pub const MAX_PROVINCE_PEOPLE: u64 = 40_000_000;

/// The most non-members per member: 107 million people against a 5.6 million
/// roster is about 18.
pub const MAX_POPULATION_EXTRA: f64 = 10_000.0;

/// A province as one part of a national run (`national::Nation`).
#[derive(Clone, Debug, PartialEq)]
pub struct NationalPart {
    /// Members of the provinces before this one: card numbers are dealt to the
    /// whole country from one permutation, so no two members share a card.
    pub member_offset: u64,
    /// Key of the country's card permutation.
    pub card_key: u64,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub members: u64,
    pub seed: u64,
    /// Birth-registration code of the province (042 Hà Tĩnh by default).
    pub province_code: u16,
    /// The day the records are drawn up (day number); ages are counted to it.
    pub as_of: i32,
    /// Population records of people who are not members, per member.
    pub population_extra: f64,
    /// Share of people whose birth was registered in the province itself.
    pub home_province_share: f64,
    pub rates: Rates,
    /// Set when the province is one of a national run: numbers are dealt so that
    /// no province's numbers meet another's (see `national`).
    pub national: Option<NationalPart>,
}

impl Config {
    pub fn new(members: u64, seed: u64) -> Self {
        Config {
            members,
            seed,
            province_code: 42,
            as_of: days_from_civil(2025, 9, 1),
            population_extra: 0.2,
            home_province_share: 0.8,
            rates: Rates::default(),
            national: None,
        }
    }

    pub fn as_of_year(&self) -> i32 {
        dates::civil_from_days(self.as_of).0
    }

    pub fn people(&self) -> u64 {
        self.members + (self.members as f64 * self.population_extra).round() as u64
    }

    fn check(&self) -> Result<(), SynthError> {
        if self.members == 0 || self.members > MAX_MEMBERS {
            return Err(SynthError::InvalidConfig(format!(
                "members must be between 1 and {MAX_MEMBERS} (the national roster is about 5.6 million), got {}",
                self.members
            )));
        }
        let most_extra = if self.national.is_some() { MAX_POPULATION_EXTRA } else { 1.0 };
        if !(0.0..=most_extra).contains(&self.population_extra) {
            return Err(SynthError::InvalidConfig(format!(
                "population_extra (non-members per member) must be between 0 and {most_extra}, got {}",
                self.population_extra
            )));
        }
        if !(0.0..=1.0).contains(&self.home_province_share) {
            return Err(SynthError::InvalidConfig("home_province_share must be between 0 and 1".into()));
        }
        if data::province_index(self.province_code).is_none() {
            return Err(SynthError::UnknownProvince(format!("{:03}", self.province_code)));
        }
        let (year, _, _) = dates::civil_from_days(self.as_of);
        if !(1990..=2100).contains(&year) {
            return Err(SynthError::InvalidConfig(format!(
                "the reference date must fall in 1990–2100, got year {year}"
            )));
        }
        // One province alone deals an old number to everyone who had one; a province
        // of a national run may be larger, its people past the old numbers' space having none.
        match &self.national {
            None if self.people() >= OLD_SPACE => {
                return Err(SynthError::InvalidConfig(format!(
                    "{} people (members and non-members) exceed the {OLD_SPACE} old numbers this generator deals; lower population_extra",
                    self.people()
                )));
            }
            Some(_) if self.people() > MAX_PROVINCE_PEOPLE => {
                return Err(SynthError::InvalidConfig(format!(
                    "{} people in one province exceed the {MAX_PROVINCE_PEOPLE} a province of a national run may hold; lower the population",
                    self.people()
                )));
            }
            Some(part) if part.member_offset + self.members > CARD_SPACE => {
                return Err(SynthError::InvalidConfig(format!(
                    "more than {CARD_SPACE} members in the country: card numbers have 8 digits"
                )));
            }
            _ => {}
        }
        self.rates.check()
    }
}

/// Finds a province by its code ("042", "42") or its name in the 63-province list,
/// case and accents aside ("ha tinh").
pub fn province_code(text: &str) -> Result<u16, SynthError> {
    let t = text.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) && t.len() <= 3 {
        let code: u16 = t.parse().map_err(|_| SynthError::UnknownProvince(text.to_string()))?;
        return data::province_index(code).map(|_| code).ok_or_else(|| SynthError::UnknownProvince(text.to_string()));
    }
    let key = crate::names::fold_key(t).map_err(|_| SynthError::UnknownProvince(text.to_string()))?;
    let strip = |k: &str| k.trim_start_matches("tinh ").trim_start_matches("thanh pho ").to_string();
    let key = strip(&key);
    data::PROVINCES
        .iter()
        .find(|p| crate::names::fold_key(p.1).is_ok_and(|k| k == key))
        .map(|p| p.0)
        .ok_or_else(|| SynthError::UnknownProvince(text.to_string()))
}

/// A table of string columns, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<(&'static str, StrColumn)>,
}

impl Table {
    fn new(names: &[&'static str], rows: usize) -> Self {
        Table { columns: names.iter().map(|n| (*n, StrColumn::with_capacity(rows, rows * 12))).collect() }
    }

    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.1.len())
    }

    pub fn column(&self, name: &str) -> Option<&StrColumn> {
        self.columns.iter().find(|c| c.0 == name).map(|c| &c.1)
    }

    fn push(&mut self, i: usize, value: Option<&str>) {
        let col = &mut self.columns[i].1;
        match value {
            Some(v) => {
                col.data.push_str(v);
                col.finish_value();
            }
            None => col.push_null(),
        }
    }

    /// Appends another table with the same columns.
    pub fn extend(&mut self, other: &Table) {
        for ((_, mine), (_, theirs)) in self.columns.iter_mut().zip(&other.columns) {
            mine.extend(theirs);
        }
    }
}

pub const FINDING_COLUMNS: [&str; 4] = ["member_id", "code", "field", "cause"];
pub const DUPLICATE_COLUMNS: [&str; 4] = ["member_id_a", "member_id_b", "type", "cause"];

/// One chunk of the roster with the truth about its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct RosterChunk {
    pub roster: Table,
    pub findings: Table,
    pub duplicates: Table,
}

/// Members per block of the row-offset index.
const BLOCK: u64 = 4096;

pub struct Generator {
    config: Config,
    cells: Cells,
    tree: Tree,
    plans: Vec<roster::Plan>,
    /// Mistyped 12-digit numbers by member, unique and held by nobody.
    typos: FxHashMap<u64, u64>,
    /// Copy rows before each block of `BLOCK` members.
    copies_before_block: Vec<u64>,
    people: u64,
    roster_rows: u64,
    population_rows: u64,
    population_order: Permutation,
    cards: Permutation,
    /// Members of the country before this province (0 outside a national run).
    card_offset: u64,
    id_prefix: String,
}

/// Member-ID letters: the province's initials ("Hà Tĩnh" → "HT").
fn initials(name: &str) -> String {
    crate::names::fold_key(name)
        .unwrap_or_default()
        .split(' ')
        .filter_map(|w| w.chars().next())
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl Generator {
    pub fn new(config: Config) -> Result<Self, SynthError> {
        config.check()?;
        let people_count = config.people();
        let cells = Cells::new(&config, people_count);
        if cells.largest() >= TAIL_SPACE {
            return Err(SynthError::InvalidConfig(format!(
                "{} people would share one province, sex and birth year, more than the {TAIL_SPACE} numbers such a group has; \
                 lower home_province_share or the member count",
                cells.largest()
            )));
        }
        if cells.largest_sliced() > INVALID_CODE_SLICE {
            return Err(SynthError::InvalidConfig(format!(
                "{} people would carry one province code outside the table with one sex and birth year, more than the \
                 {INVALID_CODE_SLICE} numbers a province of a national run has for them; lower id_unknown_province",
                cells.largest_sliced()
            )));
        }
        let tree = Tree::new(config.members, config.seed);
        let people = People::new(&config, &cells, people_count);
        // Transfers need a cell of another name to move from.
        let single_unit = tree.units.iter().all(|u| u.name == tree.units[0].name);
        let mut plans: Vec<roster::Plan> =
            (0..config.members).into_par_iter().map(|m| roster::plan(&people, m, single_unit)).collect();
        // A member may carry the previous member's number only if that member's own
        // row shows it and nothing else does.
        for m in 0..plans.len() {
            if plans[m].id == roster::IdPlan::Borrowed {
                let ok = m > 0 && plans[m - 1].id == roster::IdPlan::Own && plans[m - 1].dup == roster::DupPlan::None;
                if !ok {
                    plans[m].id = roster::IdPlan::Own;
                }
            }
        }
        let mut typos = FxHashMap::default();
        let mut taken = FxHashSet::default();
        for (m, plan) in plans.iter().enumerate() {
            if plan.id == roster::IdPlan::Typo || plan.dup == roster::DupPlan::OtherIdTypo {
                let number = people.core(m as u64).number;
                let mut attempt = 0u64;
                let typo = loop {
                    let mut r = rng(config.seed, Stream::Typo, (m as u64) << 8 | attempt.min(255));
                    let candidate = roster::mistype(number, &mut r);
                    if cells.holder(candidate).is_none() && cells.owns(candidate) && taken.insert(candidate) {
                        break candidate;
                    }
                    attempt += 1;
                };
                typos.insert(m as u64, typo);
            }
        }
        let mut copies_before_block = Vec::with_capacity(plans.len() / BLOCK as usize + 2);
        let mut copies = 0u64;
        for (m, plan) in plans.iter().enumerate() {
            if m as u64 % BLOCK == 0 {
                copies_before_block.push(copies);
            }
            copies += u64::from(plan.dup != roster::DupPlan::None);
        }
        copies_before_block.push(copies);
        let missing = plans.iter().filter(|p| p.not_in_population).count() as u64;
        let seed = config.seed;
        let mut id_prefix = initials(data::PROVINCES[data::province_index(config.province_code).unwrap_or(0)].1);
        // Initials repeat across the country (Hà Nội, Hà Nam): the code makes them unique.
        if config.national.is_some() {
            id_prefix.push_str(&format!("{:03}", config.province_code));
        }
        let (cards, card_offset) = match &config.national {
            Some(part) => (Permutation::new(CARD_SPACE, part.card_key), part.member_offset),
            None => (Permutation::new(CARD_SPACE, rng::mix(seed, 0xCA2D, 0)), 0),
        };
        Ok(Generator {
            roster_rows: config.members + copies,
            population_rows: people_count - missing,
            population_order: Permutation::new(people_count, rng::mix(seed, 0x909, 0)),
            cards,
            card_offset,
            people: people_count,
            config,
            cells,
            tree,
            plans,
            typos,
            copies_before_block,
            id_prefix,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn members(&self) -> u64 {
        self.config.members
    }

    pub fn roster_rows(&self) -> u64 {
        self.roster_rows
    }

    pub fn population_rows(&self) -> u64 {
        self.population_rows
    }

    /// Positions `population_chunk` walks: people, members or not, including the
    /// few left out of the population table.
    pub fn population_slots(&self) -> u64 {
        self.people
    }

    pub fn wards(&self) -> usize {
        self.tree.wards.len()
    }

    pub fn party_units(&self) -> usize {
        self.tree.units.len()
    }

    fn row_of(&self, m: u64) -> u64 {
        let block = m / BLOCK;
        let before = self.copies_before_block[block as usize]
            + self.plans[(block * BLOCK) as usize..m as usize].iter().filter(|p| p.dup != roster::DupPlan::None).count()
                as u64;
        m + before
    }

    /// The party card number of member `m`, unique in the run (in the country, for a national one).
    fn card(&self, m: u64) -> u64 {
        self.cards.forward(self.card_offset + m) + 10_000_000
    }

    fn member_id(&self, row: u64) -> String {
        format!("{}{:07}", self.id_prefix, row + 1)
    }

    fn in_population(&self, j: u64) -> bool {
        j >= self.config.members || !self.plans[j as usize].not_in_population
    }

    /// Roster rows of members `start..stop` (each member's duplicate row right after
    /// it), with the findings and duplicate pairs planted in them.
    pub fn roster_chunk(&self, start: u64, stop: u64) -> Result<RosterChunk, SynthError> {
        if start > stop || stop > self.config.members {
            return Err(SynthError::OutOfRange { start, stop, len: self.config.members });
        }
        let people = People::new(&self.config, &self.cells, self.people);
        let first_row = self.row_of(start);
        let outputs: Vec<roster::MemberOutput> = (start as usize..stop as usize)
            .into_par_iter()
            .with_min_len(256)
            .map(|m| roster::member(self, &people, m as u64))
            .collect();
        let rows = outputs.iter().map(|o| o.rows.len()).sum();
        let mut roster = Table::new(&ROSTER_COLUMNS, rows);
        let mut findings = Table::new(&FINDING_COLUMNS, rows / 4);
        let mut duplicates = Table::new(&DUPLICATE_COLUMNS, 16);
        let mut row = first_row;
        for out in &outputs {
            let ids: Vec<String> = (0..out.rows.len() as u64).map(|k| self.member_id(row + k)).collect();
            for (r, id) in out.rows.iter().zip(&ids) {
                r.write(&mut roster, id);
            }
            for f in &out.findings {
                let id = &ids[usize::from(f.copy)];
                for (i, v) in [id.as_str(), f.code.as_str(), f.field, f.cause].into_iter().enumerate() {
                    findings.push(i, Some(v));
                }
            }
            for p in &out.pairs {
                let end = |e: roster::PairEnd| match e {
                    roster::PairEnd::Original => ids[0].clone(),
                    roster::PairEnd::Copy => ids[1].clone(),
                    // The lender has no copy row, so it sits right before.
                    roster::PairEnd::PreviousMember => self.member_id(row - 1),
                };
                for (i, v) in [end(p.a).as_str(), end(p.b).as_str(), p.kind.as_str(), p.cause].into_iter().enumerate() {
                    duplicates.push(i, Some(v));
                }
            }
            row += out.rows.len() as u64;
        }
        Ok(RosterChunk { roster, findings, duplicates })
    }

    /// Population records at positions `start..stop` of `0..population_slots()`, in
    /// an order unrelated to the roster's; people left out of the table are skipped.
    pub fn population_chunk(&self, start: u64, stop: u64) -> Result<Table, SynthError> {
        if start > stop || stop > self.people {
            return Err(SynthError::OutOfRange { start, stop, len: self.people });
        }
        let people = People::new(&self.config, &self.cells, self.people);
        let records: Vec<population::PopRecord> = (start as usize..stop as usize)
            .into_par_iter()
            .with_min_len(256)
            .filter_map(|q| {
                let j = self.population_order.forward(q as u64);
                self.in_population(j).then(|| population::record(&self.config, &people, j))
            })
            .collect();
        let mut table = Table::new(&POPULATION_COLUMNS, records.len());
        for rec in &records {
            rec.write(&mut table);
        }
        Ok(table)
    }

    /// Everything at once, for tests and small provinces.
    pub fn generate_all(&self) -> Result<(RosterChunk, Table), SynthError> {
        let roster = self.roster_chunk(0, self.config.members)?;
        let population = self.population_chunk(0, self.people)?;
        Ok((roster, population))
    }

    fn admission_floor(&self, dob_latest: i32) -> i32 {
        birthday(dob_latest, 18) + 1
    }
}

#[cfg(test)]
mod tests;

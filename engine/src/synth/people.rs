//! People of the synthetic province: who they are (sex, date of birth, name,
//! hometown) and the numbers the police issued them.
//!
//! Citizen numbers are unique by construction, without a table: the joint
//! distribution of (province code, sex digit, birth year) is cut into cells with
//! exact counts, a keyed permutation deals every person a position, the position
//! names the cell and the rank inside it, and a per-cell permutation turns the rank
//! into the six random digits. Both permutations invert, so any number can be traced
//! back to its holder (or found to belong to nobody).

use rand::RngExt;
use rand_pcg::Pcg64Mcg;

use super::data::*;
use super::dates::{birthday, days_from_civil};
use super::rng::{cumulative, mix, pick_cumulative, rng, Permutation, Stream};
use super::Config;
use crate::vocabulary::MatchKind;

/// One cell of the number space: what digits 1–6 of a citizen number say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    pub code: u16,
    /// Digit 4 says male (even) or female (odd).
    pub male_digit: bool,
    pub year: i32,
}

impl Cell {
    pub fn number_prefix(&self) -> u64 {
        let century = ((self.year - 1900) / 100) as u64;
        let sex = u64::from(!self.male_digit);
        let yy = (self.year % 100) as u64;
        self.code as u64 * 1_000_000_000 + (century * 2 + sex) * 100_000_000 + yy * 1_000_000
    }
}

pub const TAIL_SPACE: u64 = 1_000_000;
pub const OLD_SPACE: u64 = 10_000_000;
/// Tails of a cell with a code outside the table that one province of a national
/// run deals: every province deals those codes, so each gets its own block of
/// tails (the block's first two digits), and no number is issued twice.
pub const INVALID_CODE_SLICE: u64 = 10_000;

/// The allocation of people to cells, fixed for a province and a seed.
pub struct Cells {
    pub cells: Vec<Cell>,
    /// `starts[c]..starts[c + 1]` are the positions dealt to cell c.
    pub starts: Vec<u64>,
    pub dealing: Permutation,
    seed: u64,
    /// Cell index by (code, sex digit, year), for tracing a number back.
    index: rustc_hash::FxHashMap<(u16, bool, i32), usize>,
    /// In a national run, the first tail of this province's block in cells whose
    /// code is outside the table (`INVALID_CODE_SLICE`).
    slice_start: Option<u64>,
}

/// Relative share of party members at each age: few students, most members of
/// working age, a long tail of retirees (communes keep many old members).
fn age_weight(age: i32) -> f64 {
    match age {
        ..=17 => 0.0,
        18..=19 => 0.25,
        20..=24 => 0.8,
        25..=29 => 1.6,
        30..=39 => 2.2,
        40..=49 => 2.0,
        50..=59 => 1.8,
        60..=69 => 1.5,
        70..=79 => 1.0,
        80..=89 => 0.5,
        90..=95 => 0.15,
        _ => 0.0,
    }
}

/// Older cohorts of members are mostly men; the youngest are half women.
pub fn male_share(age: i32) -> f64 {
    0.5 + 0.3 * ((age - 25) as f64 / 55.0).clamp(0.0, 1.0)
}

impl Cells {
    pub fn new(config: &Config, people: u64) -> Self {
        let as_of_year = config.as_of_year();
        let home = config.province_code;
        let unknown = config.rates.id_unknown_province;
        let mut provinces: Vec<(u16, f64)> = Vec::with_capacity(PROVINCES.len() + INVALID_PROVINCE_CODES.len());
        let others = (PROVINCES.len() - 1) as f64;
        for &(code, _, _) in &PROVINCES {
            let share =
                if code == home { config.home_province_share } else { (1.0 - config.home_province_share) / others };
            provinces.push((code, share * (1.0 - unknown)));
        }
        for &code in &INVALID_PROVINCE_CODES {
            provinces.push((code, unknown / INVALID_PROVINCE_CODES.len() as f64));
        }
        let mut cells = Vec::new();
        let mut weights = Vec::new();
        for year in (as_of_year - 95)..=(as_of_year - 18) {
            let age = as_of_year - year;
            let w_age = age_weight(age);
            for male in [true, false] {
                let w_sex = if male { male_share(age) } else { 1.0 - male_share(age) };
                for &(code, w_prov) in &provinces {
                    let w = w_age * w_sex * w_prov;
                    if w > 0.0 {
                        cells.push(Cell { code, male_digit: male, year });
                        weights.push(w);
                    }
                }
            }
        }
        // Exact counts: each cell gets the whole part of its quota, and one more with
        // probability equal to the fraction (systematic sampling), so cells far below
        // one person (rare error codes, distant provinces) are still drawn at their rate.
        let total: f64 = weights.iter().sum();
        let quotas: Vec<f64> = weights.iter().map(|w| w / total * people as f64).collect();
        let mut counts: Vec<u64> = quotas.iter().map(|q| q.floor() as u64).collect();
        let mut threshold: f64 = rng(config.seed, Stream::Core, u64::MAX).random();
        let mut accumulated = 0.0;
        for (count, quota) in counts.iter_mut().zip(&quotas) {
            accumulated += quota - quota.floor();
            while accumulated > threshold {
                *count += 1;
                threshold += 1.0;
            }
        }
        // Rounding may leave the total one off: settle it on the largest cell.
        let largest = (0..counts.len()).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
        let assigned: u64 = counts.iter().sum();
        if assigned > people {
            counts[largest] -= assigned - people;
        } else {
            counts[largest] += people - assigned;
        }
        let mut starts = Vec::with_capacity(cells.len() + 1);
        let mut at = 0;
        starts.push(0);
        for c in &counts {
            at += c;
            starts.push(at);
        }
        let index = cells.iter().enumerate().map(|(i, c)| ((c.code, c.male_digit, c.year), i)).collect();
        Cells {
            cells,
            starts,
            dealing: Permutation::new(people.max(1), mix(config.seed, 0xCE11, 0)),
            seed: config.seed,
            index,
            slice_start: config
                .national
                .as_ref()
                .map(|_| province_index(home).unwrap_or(0) as u64 * INVALID_CODE_SLICE),
        }
    }

    pub fn largest(&self) -> u64 {
        self.starts.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0)
    }

    /// The most people in one cell whose tails come from a province's block
    /// (0 outside a national run).
    pub fn largest_sliced(&self) -> u64 {
        (0..self.cells.len())
            .filter(|&c| self.sliced(c).is_some())
            .map(|c| self.starts[c + 1] - self.starts[c])
            .max()
            .unwrap_or(0)
    }

    /// The block start, for a cell that deals from this province's block only.
    fn sliced(&self, cell: usize) -> Option<u64> {
        self.slice_start.filter(|_| province_index(self.cells[cell].code).is_none())
    }

    fn tails(&self, cell: usize) -> Permutation {
        let space = if self.sliced(cell).is_some() { INVALID_CODE_SLICE } else { TAIL_SPACE };
        Permutation::new(space, mix(self.seed, 0x7A11, cell as u64))
    }

    fn tail(&self, cell: usize, rank: u64) -> u64 {
        self.sliced(cell).unwrap_or(0) + self.tails(cell).forward(rank)
    }

    /// Whether this generator deals the numbers of `number`'s cell and tail block:
    /// outside a national run it deals every number; in one, only its own code and
    /// its own block of the codes outside the table, so a number it finds no holder
    /// for belongs to nobody in the whole country.
    pub fn owns(&self, number: u64) -> bool {
        let Some(start) = self.slice_start else { return true };
        let code = (number / 1_000_000_000) as u16;
        match province_index(code) {
            Some(i) => i as u64 * INVALID_CODE_SLICE == start,
            None => (start..start + INVALID_CODE_SLICE).contains(&(number % TAIL_SPACE)),
        }
    }

    /// Cell, rank in the cell and the 12-digit number of person `j`.
    pub fn locate(&self, j: u64) -> (usize, u64, u64) {
        let position = self.dealing.forward(j);
        let cell = self.starts.partition_point(|&s| s <= position) - 1;
        let rank = position - self.starts[cell];
        let number = self.cells[cell].number_prefix() + self.tail(cell, rank);
        (cell, rank, number)
    }

    /// The person a 12-digit number was issued to, if any.
    pub fn holder(&self, number: u64) -> Option<u64> {
        let code = (number / 1_000_000_000) as u16;
        let g = (number / 100_000_000) % 10;
        let yy = ((number / 1_000_000) % 100) as i32;
        let year = 1900 + 100 * (g / 2) as i32 + yy;
        let cell = *self.index.get(&(code, g % 2 == 0, year))?;
        let tail = (number % TAIL_SPACE).checked_sub(self.sliced(cell).unwrap_or(0))?;
        if tail >= self.tails(cell).len() {
            return None;
        }
        let rank = self.tails(cell).inverse(tail);
        let size = self.starts[cell + 1] - self.starts[cell];
        (rank < size).then(|| self.dealing.inverse(self.starts[cell] + rank))
    }
}

/// What everyone has, drawn cheaply enough to plan millions of members up front.
#[derive(Clone, Copy, Debug)]
pub struct Core {
    pub cell: Cell,
    pub number: u64,
    pub male: bool,
    /// The true date of birth (day number).
    pub dob: i32,
    /// The police got the sex digit wrong when issuing the number.
    pub sex_digit_wrong: bool,
    /// The police got the year digits wrong.
    pub year_digits_wrong: bool,
}

/// How a name is put together: which tokens are the surname, middle and given name.
#[derive(Clone, Copy, Debug, Default)]
pub struct Name {
    pub tokens: [&'static str; 7],
    pub len: u8,
    /// tokens[..surname] is the surname (two tokens for họ kép).
    pub surname: u8,
    /// tokens[surname..given] are middle words; tokens[given..len] the given name.
    pub given: u8,
    /// Ethnic-minority name: the middle/given structure of Kinh names does not apply.
    pub minority: bool,
}

impl Name {
    pub fn tokens(&self) -> &[&'static str] {
        &self.tokens[..self.len as usize]
    }

    fn push(&mut self, text: &'static str) {
        for t in text.split(' ') {
            if (self.len as usize) < self.tokens.len() {
                self.tokens[self.len as usize] = t;
                self.len += 1;
            }
        }
    }

    pub fn middle_range(&self) -> std::ops::Range<usize> {
        self.surname as usize..self.given as usize
    }

    pub fn given_range(&self) -> std::ops::Range<usize> {
        self.given as usize..self.len as usize
    }
}

/// Where a legitimate second name of the person is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AliasPlace {
    /// The party record keeps the birth name beside the name in use.
    RosterBirthName,
    /// The population record lists the name in use among other names.
    PopulationOtherNames,
    Both,
}

#[derive(Clone, Copy, Debug)]
pub struct Person {
    pub core: Core,
    /// The registered (birth) name, as the population database holds it.
    pub name: Name,
    /// The name in use, where it differs from the registered one.
    pub alias: Option<(Name, AliasPlace)>,
    /// Index in `PROVINCES`.
    pub hometown: usize,
}

impl Person {
    /// The name the party record uses.
    pub fn name_in_use(&self) -> &Name {
        self.alias.as_ref().map_or(&self.name, |(n, _)| n)
    }
}

/// A 9-digit number of the old identity card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OldNumber {
    pub number: u64,
    /// Another person holds the same number (old numbers are not unique).
    pub shared_with: Option<u64>,
}

pub struct People<'a> {
    pub config: &'a Config,
    pub cells: &'a Cells,
    pub people: u64,
    old_tails: Permutation,
    surnames: Vec<f64>,
}

fn chance(r: &mut Pcg64Mcg, p: f64) -> bool {
    p > 0.0 && r.random::<f64>() < p
}

fn pick<T: Copy>(r: &mut Pcg64Mcg, items: &[T]) -> T {
    items[r.random_range(0..items.len())]
}

impl<'a> People<'a> {
    pub fn new(config: &'a Config, cells: &'a Cells, people: u64) -> Self {
        let listed: f64 = SURNAMES.iter().map(|s| s.1).sum();
        let rest = (100.0 - listed).max(0.0) / OTHER_SURNAMES.len() as f64;
        let surnames = cumulative(SURNAMES.iter().map(|s| s.1).chain(OTHER_SURNAMES.iter().map(|_| rest)));
        People { config, cells, people, old_tails: Permutation::new(OLD_SPACE, mix(config.seed, 0x01D, 0)), surnames }
    }

    pub fn core(&self, j: u64) -> Core {
        let (cell_index, _, number) = self.cells.locate(j);
        let cell = self.cells.cells[cell_index];
        let mut r = rng(self.config.seed, Stream::Core, j);
        let rates = &self.config.rates;
        let sex_digit_wrong = chance(&mut r, rates.id_sex_digit_wrong);
        let year_digits_wrong = chance(&mut r, rates.id_year_wrong);
        let male = cell.male_digit != sex_digit_wrong;
        let as_of = self.config.as_of;
        let (oldest_year, youngest_year) = (self.config.as_of_year() - 95, self.config.as_of_year() - 18);
        let mut year = cell.year;
        if year_digits_wrong {
            let shift = if r.random_bool(0.5) { 1 } else { -1 };
            year = if (oldest_year..=youngest_year).contains(&(year + shift)) { year + shift } else { year - shift };
        }
        // Eighteen by the reference date, and not yet 96.
        let max_dob = birthday(as_of, -18) - 1;
        let min_dob = birthday(as_of, -96) + 1;
        let lo = days_from_civil(year, 1, 1).max(min_dob);
        let hi = days_from_civil(year, 12, 31).min(max_dob);
        let dob = if lo <= hi { r.random_range(lo..=hi) } else { hi.min(lo) };
        Core { cell, number, male, dob, sex_digit_wrong, year_digits_wrong }
    }

    fn surname(&self, r: &mut Pcg64Mcg) -> &'static str {
        let u = r.random::<f64>() * self.surnames.last().copied().unwrap_or(1.0);
        let i = pick_cumulative(&self.surnames, u);
        if i < SURNAMES.len() {
            SURNAMES[i].0
        } else {
            OTHER_SURNAMES[i - SURNAMES.len()]
        }
    }

    fn kinh_name(&self, r: &mut Pcg64Mcg, male: bool, age: i32) -> Name {
        let mut name = Name::default();
        let compound = pick(r, &COMPOUND_SURNAMES);
        if chance(r, 0.004) && compound.2.is_none_or(|m| m == male) {
            name.push(compound.0);
            name.push(compound.1);
        } else {
            name.push(self.surname(r));
        }
        name.surname = name.len;
        // A mother's surname carried as a middle word (Trần Lê Quốc Toàn).
        if chance(r, 0.01) {
            name.push(self.surname(r));
        }
        // Văn and Thị are most common among older members.
        let young = ((55 - age) as f64 / 30.0).clamp(0.0, 1.0);
        let classic = if male { 0.65 - 0.4 * young } else { 0.8 - 0.35 * young };
        let u = r.random::<f64>();
        let middles = if name.len > name.surname {
            1
        } else if u < 0.01 {
            0
        } else if u < 0.85 {
            1
        } else {
            2
        };
        let others: &[&'static str] = if male { &MALE_MIDDLES } else { &FEMALE_MIDDLES };
        let mut last_middle = "";
        for k in 0..middles {
            let word = if k == 0 && chance(r, classic) {
                if male {
                    "Văn"
                } else {
                    "Thị"
                }
            } else {
                pick(r, others)
            };
            if word != last_middle {
                name.push(word);
                last_middle = word;
            }
        }
        name.given = name.len;
        let pairs: &[(&'static str, &'static str)] = if male { &MALE_GIVEN_PAIRS } else { &FEMALE_GIVEN_PAIRS };
        if chance(r, 0.02 + 0.08 * young) {
            let (a, b) = pick(r, pairs);
            name.push(a);
            name.push(b);
        } else {
            let list: &[&'static str] = if male { &MALE_GIVEN } else { &FEMALE_GIVEN };
            let mut given = pick(r, list);
            if given == last_middle {
                given = pick(r, list);
            }
            name.push(given);
        }
        name
    }

    fn minority_name(&self, r: &mut Pcg64Mcg, male: bool) -> Name {
        let mut name = Name { minority: true, ..Name::default() };
        match r.random_range(0..4) {
            0 => {
                name.push(pick(r, &TAY_NGUYEN_SURNAMES));
                name.surname = name.len;
                name.given = name.len;
                name.push(pick(r, if male { &TAY_NGUYEN_MALE } else { &TAY_NGUYEN_FEMALE }));
            }
            1 => {
                name.push(pick(r, &HMONG_SURNAMES));
                name.surname = name.len;
                name.push(if male { "A" } else { "Thị" });
                name.given = name.len;
                name.push(pick(r, &HMONG_GIVEN));
            }
            2 => {
                name.push(pick(r, &KHMER_SURNAMES));
                name.surname = name.len;
                if !male && chance(r, 0.6) {
                    name.push("Thị");
                }
                name.given = name.len;
                name.push(pick(r, &KHMER_GIVEN));
            }
            _ => {
                name.push(pick(r, &NORTHERN_SURNAMES));
                name.surname = name.len;
                name.push(if male { "Văn" } else { "Thị" });
                name.given = name.len;
                name.push(pick(r, &NORTHERN_GIVEN));
            }
        }
        name
    }

    /// Everything about person `j` except the numbers' second life in the records.
    pub fn person(&self, j: u64) -> Person {
        let core = self.core(j);
        let mut r = rng(self.config.seed, Stream::Name, j);
        let age = self.config.as_of_year() - super::dates::civil_from_days(core.dob).0;
        let minority = chance(&mut r, self.config.rates.ethnic_minority);
        let name =
            if minority { self.minority_name(&mut r, core.male) } else { self.kinh_name(&mut r, core.male, age) };
        let alias = if !minority && chance(&mut r, self.config.rates.alias) {
            // Known by another given name than the registered one.
            let list: &[&'static str] = if core.male { &MALE_GIVEN } else { &FEMALE_GIVEN };
            let mut in_use = name;
            in_use.len = in_use.given;
            let registered_given = name.tokens()[name.given as usize..].join(" ");
            let mut other = pick(&mut r, list);
            while other == registered_given || name.tokens().contains(&other) {
                other = pick(&mut r, list);
            }
            in_use.push(other);
            // Only a name that compares as another name needs an alias to clear it.
            let (mut a, mut b) = (String::new(), String::new());
            super::noise::render(in_use.tokens(), crate::names::ToneStyle::New, &mut a);
            super::noise::render(name.tokens(), crate::names::ToneStyle::New, &mut b);
            let kind = crate::names::kind_and_score(&a, &b).0;
            let differs = matches!(kind, MatchKind::Different | MatchKind::DifferentDiacritics);
            let place = match r.random_range(0..3) {
                0 => AliasPlace::RosterBirthName,
                1 => AliasPlace::PopulationOtherNames,
                _ => AliasPlace::Both,
            };
            differs.then_some((in_use, place))
        } else {
            None
        };
        let home = super::data::province_index(self.config.province_code).unwrap_or(0);
        let u = r.random::<f64>();
        let hometown = if u < 0.75 {
            home
        } else if let (true, Some(born)) = (u < 0.85, province_index(core.cell.code)) {
            born
        } else {
            r.random_range(0..PROVINCES.len())
        };
        Person { core, name, alias, hometown }
    }

    /// Had an old 9-digit card: everyone of card age before 2016, most of them
    /// still on record.
    fn had_old_card(&self, j: u64, birth_year: i32) -> bool {
        // Old numbers are dealt from a space of ten million per province; past it
        // (Hồ Chí Minh City in a national run of 107 million) people have none on record.
        j < OLD_SPACE && birth_year <= 2001 && rng(self.config.seed, Stream::Old, j).random::<f64>() < 0.85
    }

    fn shares(&self, pair: u64) -> bool {
        let mut r = rng(self.config.seed, Stream::Old, pair ^ (1 << 62));
        chance(&mut r, self.config.rates.old_id_shared)
    }

    /// The old number of person `j`, if any. People 2q and 2q+1 may share one
    /// (planted with `old_id_shared`), as real old numbers are not unique.
    pub fn old_number(&self, j: u64) -> Option<OldNumber> {
        self.old_number_of(j, &self.core(j))
    }

    /// `old_number` for a person whose core is already drawn.
    pub fn old_number_of(&self, j: u64, core: &Core) -> Option<OldNumber> {
        let year = |c: &Core| super::dates::civil_from_days(c.dob).0;
        if !self.had_old_card(j, year(core)) {
            return None;
        }
        let partner = j ^ 1;
        let pair_shares =
            partner < self.people && self.shares(j / 2) && self.had_old_card(partner, year(&self.core(partner)));
        let owner = if pair_shares { j & !1 } else { j };
        let owner_code = if owner == j { core.cell.code } else { self.core(owner).cell.code };
        Some(OldNumber {
            number: self.old_prefix(owner, owner_code) * OLD_SPACE + self.old_tails.forward(owner),
            shared_with: pair_shares.then_some(partner),
        })
    }

    /// Digits 1–2 of an old number name the issuing province under a scheme of
    /// their own; here a synthetic two-digit code per province of residence.
    fn old_prefix(&self, j: u64, birth_code: u16) -> u64 {
        let home = province_index(self.config.province_code).unwrap_or(0);
        let lived = if rng(self.config.seed, Stream::Old, j ^ (1 << 61)).random::<f64>() < 0.85 {
            home
        } else {
            province_index(birth_code).unwrap_or(home)
        };
        10 + lived as u64
    }
}

//! A national run: the roster and population of the whole country, made as one
//! synthetic province per birth-registration code (the 63 provinces of before the
//! 2025 merger), each sized by the province's population.
//!
//! The provinces cannot meet by construction:
//! - everyone in a province was registered there (`home_province_share` 1), so the
//!   province code that opens a citizen number names the one generator that deals it;
//!   codes outside the table (`id_unknown_province`) are dealt by every province, each
//!   from its own block of tails (`people::INVALID_CODE_SLICE`);
//! - old 9-digit numbers open with a two-digit code of the province of residence,
//!   which is the home province for everyone;
//! - a mistyped number that must belong to nobody, or a malformed one read as a
//!   number with lost zeros, is kept only where it leads inside its own province,
//!   whose holders the generator knows;
//! - card numbers come from one permutation over the whole country;
//! - member IDs carry the province code after its initials (Hà Nội and Hà Nam
//!   share "HN").
//!
//! On top of the provinces' own findings and duplicates, a share of members
//! (`cross_province_transfer`) moved to another province and were never taken off
//! the old roster: their second row sits at the end of the new province's rows,
//! under one of its party cells, and the truth pairs it with the first as a
//! TRANSFER_DUPLICATE.
//!
//! Rows are addressed by slots: the roster's slots are each province's members,
//! then the records it holds of members of other provinces, province after
//! province; the population's are each province's people in turn. Any chunking of
//! the slots gives the same rows.

use rand::RngExt;
use rayon::prelude::*;

use super::data::{PROVINCES, PROVINCE_POPULATION};
use super::people::People;
use super::rng::{mix, rng, Stream};
use super::roster::{member_with, CrossCopy, DupPlan, IdPlan};
use super::{
    dates, Config, Generator, NationalPart, Rates, RosterChunk, SynthError, Table, DUPLICATE_COLUMNS, FINDING_COLUMNS,
    MAX_MEMBERS,
};
use crate::vocabulary::{Status, POPULATION_COLUMNS, ROSTER_COLUMNS};

/// The most members a national run makes (the national roster is about 5.6 million).
pub const MAX_NATIONAL_MEMBERS: u64 = 20_000_000;
/// The highest `cross_province_transfer` rate.
pub const MAX_CROSS_PROVINCE_TRANSFER: f64 = 0.2;

#[derive(Clone, Debug)]
pub struct NationalConfig {
    pub members: u64,
    /// People in the population, members included (those planted as missing from
    /// the population table too, so the table has a few fewer rows).
    pub people: u64,
    pub seed: u64,
    pub as_of: i32,
    /// The rates every province is made with.
    pub rates: Rates,
    /// Share of members who also appear, never removed, on another province's roster.
    pub cross_province_transfer: f64,
}

impl NationalConfig {
    pub fn new(members: u64, people: u64, seed: u64) -> Self {
        NationalConfig {
            members,
            people,
            seed,
            as_of: dates::days_from_civil(2025, 9, 1),
            rates: Rates::default(),
            cross_province_transfer: 0.002,
        }
    }

    fn check(&self) -> Result<(), SynthError> {
        let provinces = PROVINCES.len() as u64;
        if self.members < provinces || self.members > MAX_NATIONAL_MEMBERS {
            return Err(SynthError::InvalidConfig(format!(
                "a national run needs between {provinces} members (one per province) and {MAX_NATIONAL_MEMBERS}, got {}",
                self.members
            )));
        }
        if self.people < self.members {
            return Err(SynthError::InvalidConfig(format!(
                "the population ({}) must hold at least the members ({})",
                self.people, self.members
            )));
        }
        if !(0.0..=MAX_CROSS_PROVINCE_TRANSFER).contains(&self.cross_province_transfer) {
            return Err(SynthError::InvalidConfig(format!(
                "cross_province_transfer must be between 0 and {MAX_CROSS_PROVINCE_TRANSFER}, got {}",
                self.cross_province_transfer
            )));
        }
        Ok(())
    }
}

/// `total` spread over `weights` by largest remainder, each share at least `floor`.
fn apportion(total: u64, weights: &[u32], floor: u64) -> Vec<u64> {
    let rest = total - floor * weights.len() as u64;
    let sum: f64 = weights.iter().map(|&w| f64::from(w)).sum();
    let quotas: Vec<f64> = weights.iter().map(|&w| f64::from(w) / sum * rest as f64).collect();
    let mut shares: Vec<u64> = quotas.iter().map(|q| q.floor() as u64).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Ties go to the earlier province, so the spread is the same on every machine.
    order.sort_by(|&a, &b| (quotas[b] - quotas[b].floor()).total_cmp(&(quotas[a] - quotas[a].floor())).then(a.cmp(&b)));
    let mut left = rest - shares.iter().sum::<u64>();
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares.iter().map(|s| s + floor).collect()
}

/// A member of another province whose record this province still holds.
#[derive(Clone, Copy, Debug)]
struct Incoming {
    from: usize,
    member: u64,
    /// The cell of this province the record sits under.
    unit: usize,
    old_number: bool,
}

struct Part {
    generator: Generator,
    incoming: Vec<Incoming>,
    outgoing: u64,
}

/// What a national run holds for one province.
#[derive(Clone, Debug, PartialEq)]
pub struct ProvinceSummary {
    /// Birth-registration code.
    pub code: u16,
    /// Name in the 63-province list.
    pub name: &'static str,
    /// Name of the province it belongs to since 1 July 2025.
    pub new_name: &'static str,
    pub members: u64,
    /// The province's roster rows: its members, their duplicate rows, and the
    /// records of members who moved in from elsewhere.
    pub roster_rows: u64,
    pub people: u64,
    pub population_rows: u64,
    /// Records of other provinces' members still on this roster.
    pub transfers_in: u64,
    /// Members of this province still on another province's roster.
    pub transfers_out: u64,
}

pub struct Nation {
    config: NationalConfig,
    parts: Vec<Part>,
    /// First roster slot of each province, and the total last.
    slot_starts: Vec<u64>,
    /// First population slot of each province, and the total last.
    people_starts: Vec<u64>,
}

fn starts(sizes: impl Iterator<Item = u64>) -> Vec<u64> {
    let mut out = vec![0];
    for s in sizes {
        out.push(out.last().copied().unwrap_or(0) + s);
    }
    out
}

/// The province (index) and the slot inside it of global slot `slot`.
fn locate(starts: &[u64], slot: u64) -> usize {
    starts.partition_point(|&s| s <= slot) - 1
}

impl Nation {
    pub fn new(config: NationalConfig) -> Result<Self, SynthError> {
        config.check()?;
        let members = apportion(config.members, &PROVINCE_POPULATION, 1);
        let extra = apportion(config.people - config.members, &PROVINCE_POPULATION, 0);
        let member_starts = starts(members.iter().copied());
        let card_key = mix(config.seed, 0xCA2D, 0x0A71);
        let generators: Vec<Generator> = (0..PROVINCES.len())
            .into_par_iter()
            .map(|i| {
                let code = PROVINCES[i].0;
                let mut c = Config::new(members[i], mix(config.seed, 0x0A71_0000, u64::from(code)));
                c.province_code = code;
                c.as_of = config.as_of;
                c.home_province_share = 1.0;
                c.rates = config.rates.clone();
                c.population_extra = extra[i] as f64 / members[i] as f64;
                c.national = Some(NationalPart { member_offset: member_starts[i], card_key });
                if members[i] > MAX_MEMBERS {
                    return Err(SynthError::InvalidConfig(format!(
                        "{} members in {} exceed the {MAX_MEMBERS} one province may have",
                        members[i], PROVINCES[i].1
                    )));
                }
                debug_assert_eq!(c.people(), members[i] + extra[i]);
                Generator::new(c)
            })
            .collect::<Result<_, _>>()?;
        let moves: Vec<Vec<(usize, Incoming)>> =
            (0..generators.len()).into_par_iter().map(|p| Self::moves_from(&config, &generators, p)).collect();
        let mut parts: Vec<Part> =
            generators.into_iter().map(|generator| Part { generator, incoming: Vec::new(), outgoing: 0 }).collect();
        for (p, list) in moves.into_iter().enumerate() {
            parts[p].outgoing = list.len() as u64;
            for (q, inc) in list {
                parts[q].incoming.push(inc);
            }
        }
        // Pushed province by province, member by member: already in (from, member) order.
        let slot_starts = starts(parts.iter().map(|p| p.generator.members() + p.incoming.len() as u64));
        let people_starts = starts(parts.iter().map(|p| p.generator.population_slots()));
        Ok(Nation { config, parts, slot_starts, people_starts })
    }

    /// The members of province `p` who moved to another province, with where to.
    fn moves_from(config: &NationalConfig, generators: &[Generator], p: usize) -> Vec<(usize, Incoming)> {
        let rate = config.cross_province_transfer;
        if rate <= 0.0 {
            return Vec::new();
        }
        let g = &generators[p];
        let people = People::new(&g.config, &g.cells, g.people);
        let offset = g.config.national.as_ref().map_or(0, |n| n.member_offset);
        // Like the province's own duplicates: official members with their own
        // number and no second row, who lent their number to nobody.
        let n = g.plans.len();
        let eligible = |m: usize| {
            let plan = &g.plans[m];
            plan.status == Status::Official
                && plan.id == IdPlan::Own
                && plan.dup == DupPlan::None
                && !(m + 1 < n && g.plans[m + 1].id == IdPlan::Borrowed)
        };
        let count = (0..n).filter(|&m| eligible(m)).count();
        if count == 0 {
            return Vec::new();
        }
        // Scaled so the rate holds per member.
        let chance = (rate * n as f64 / count as f64).min(1.0);
        let destinations: Vec<usize> = (0..PROVINCES.len()).filter(|&q| PROVINCES[q].2 != PROVINCES[p].2).collect();
        let weights: Vec<f64> = destinations.iter().map(|&q| f64::from(PROVINCE_POPULATION[q])).collect();
        let total: f64 = weights.iter().sum();
        let mut out = Vec::new();
        for m in (0..n).filter(|&m| eligible(m)) {
            let mut r = rng(config.seed, Stream::Cross, offset + m as u64);
            if r.random::<f64>() >= chance {
                continue;
            }
            let mut u = r.random::<f64>() * total;
            let mut q = destinations[destinations.len() - 1];
            for (&d, &w) in destinations.iter().zip(&weights) {
                if u < w {
                    q = d;
                    break;
                }
                u -= w;
            }
            let own_unit = &g.tree.units[g.tree.unit_of(m as u64)].name;
            let units = &generators[q].tree.units;
            let mut unit = r.random_range(0..units.len());
            // A cell of the same name would make the pair look like one cell's duplicate.
            for _ in 0..32 {
                if units[unit].name != *own_unit {
                    break;
                }
                unit = r.random_range(0..units.len());
            }
            if units[unit].name == *own_unit {
                match (0..units.len()).find(|&k| units[k].name != *own_unit) {
                    Some(k) => unit = k,
                    None => continue,
                }
            }
            let holds_old =
                !g.plans[m].not_in_population && people.old_number(m as u64).is_some_and(|o| o.shared_with.is_none());
            let old_number = holds_old && r.random::<f64>() < 0.3;
            out.push((q, Incoming { from: p, member: m as u64, unit, old_number }));
        }
        out
    }

    pub fn config(&self) -> &NationalConfig {
        &self.config
    }

    pub fn members(&self) -> u64 {
        self.config.members
    }

    /// The range `roster_chunk` walks.
    pub fn roster_slots(&self) -> u64 {
        self.slot_starts.last().copied().unwrap_or(0)
    }

    pub fn roster_rows(&self) -> u64 {
        self.parts.iter().map(|p| p.generator.roster_rows() + p.incoming.len() as u64).sum()
    }

    /// The range `population_chunk` walks.
    pub fn population_slots(&self) -> u64 {
        self.people_starts.last().copied().unwrap_or(0)
    }

    pub fn population_rows(&self) -> u64 {
        self.parts.iter().map(|p| p.generator.population_rows()).sum()
    }

    pub fn transfers(&self) -> u64 {
        self.parts.iter().map(|p| p.outgoing).sum()
    }

    pub fn provinces(&self) -> Vec<ProvinceSummary> {
        self.parts
            .iter()
            .zip(PROVINCES.iter())
            .map(|(p, &(code, name, new_name))| ProvinceSummary {
                code,
                name,
                new_name,
                members: p.generator.members(),
                roster_rows: p.generator.roster_rows() + p.incoming.len() as u64,
                people: p.generator.population_slots(),
                population_rows: p.generator.population_rows(),
                transfers_in: p.incoming.len() as u64,
                transfers_out: p.outgoing,
            })
            .collect()
    }

    /// Roster rows of slots `start..stop` of `0..roster_slots()`, with the truth
    /// about them.
    pub fn roster_chunk(&self, start: u64, stop: u64) -> Result<RosterChunk, SynthError> {
        if start > stop || stop > self.roster_slots() {
            return Err(SynthError::OutOfRange { start, stop, len: self.roster_slots() });
        }
        let mut out = RosterChunk {
            roster: Table::new(&ROSTER_COLUMNS, (stop - start) as usize),
            findings: Table::new(&FINDING_COLUMNS, 0),
            duplicates: Table::new(&DUPLICATE_COLUMNS, 0),
        };
        let mut at = start;
        while at < stop {
            let q = locate(&self.slot_starts, at);
            let part = &self.parts[q];
            let g = &part.generator;
            let first = at - self.slot_starts[q];
            let last = (stop.min(self.slot_starts[q + 1])) - self.slot_starts[q];
            if first < g.members() {
                let chunk = g.roster_chunk(first, last.min(g.members()))?;
                out.roster.extend(&chunk.roster);
                out.findings.extend(&chunk.findings);
                out.duplicates.extend(&chunk.duplicates);
            }
            if last > g.members() {
                let from = first.max(g.members()) - g.members();
                self.transfer_rows(q, from, last - g.members(), &mut out);
            }
            at = self.slot_starts[q] + last;
        }
        Ok(out)
    }

    /// The records province `q` still holds of members who moved in, `from..to`
    /// of its list, each paired with the member's row in their province.
    fn transfer_rows(&self, q: usize, from: u64, to: u64, out: &mut RosterChunk) {
        let here = &self.parts[q].generator;
        let list = &self.parts[q].incoming[from as usize..to as usize];
        let outputs: Vec<_> = list
            .par_iter()
            .map(|inc| {
                let g = &self.parts[inc.from].generator;
                let people = People::new(&g.config, &g.cells, g.people);
                let unit = &here.tree.units[inc.unit];
                let cross = CrossCopy {
                    unit: &unit.name,
                    ward: &here.tree.wards[unit.ward as usize].name,
                    old_number: inc.old_number,
                };
                member_with(g, &people, inc.member, Some(cross))
            })
            .collect();
        for (k, (inc, member)) in list.iter().zip(&outputs).enumerate() {
            let id = here.member_id(here.roster_rows() + from + k as u64);
            let g = &self.parts[inc.from].generator;
            let original = g.member_id(g.row_of(inc.member));
            member.rows[1].write(&mut out.roster, &id);
            for f in member.findings.iter().filter(|f| f.copy) {
                for (i, v) in [id.as_str(), f.code.as_str(), f.field, f.cause].into_iter().enumerate() {
                    out.findings.push(i, Some(v));
                }
            }
            let pair = member.pairs.last().expect("a moved member's rows are a pair");
            // The earlier row first, as in every pair of the truth.
            let (a, b) = if inc.from < q { (&original, &id) } else { (&id, &original) };
            for (i, v) in [a.as_str(), b.as_str(), pair.kind.as_str(), pair.cause].into_iter().enumerate() {
                out.duplicates.push(i, Some(v));
            }
        }
    }

    /// Population records at slots `start..stop` of `0..population_slots()`,
    /// province after province; people left out of the table are skipped.
    pub fn population_chunk(&self, start: u64, stop: u64) -> Result<Table, SynthError> {
        if start > stop || stop > self.population_slots() {
            return Err(SynthError::OutOfRange { start, stop, len: self.population_slots() });
        }
        let mut out = Table::new(&POPULATION_COLUMNS, (stop - start) as usize);
        let mut at = start;
        while at < stop {
            let q = locate(&self.people_starts, at);
            let first = at - self.people_starts[q];
            let last = stop.min(self.people_starts[q + 1]) - self.people_starts[q];
            out.extend(&self.parts[q].generator.population_chunk(first, last)?);
            at = self.people_starts[q] + last;
        }
        Ok(out)
    }
}

#[cfg(test)]
#[path = "national_tests.rs"]
mod tests;

//! Candidate pairs from several blocking keys, each block capped: citizen ID;
//! surname, given name and birth year; given name and full birth date; surname
//! and full birth date; the name's tokens in any order; old ID; party card number.
//!
//! Everyone named "Nguyễn Văn Hùng" born in 1970 is one block in a large
//! province (one name was shared by 3,446 people in a 1M roster): such blocks are
//! split by finer keys (full date of birth, then the middle name) and skipped,
//! with a warning, only if they stay too large.

use rayon::prelude::*;

use super::{hash_str, Person, Prepared};

pub use crate::vocabulary::{BlockKind, SkippedBlock};

/// Largest block of one name (any order) compared whole, before splitting by year.
const NAME_ONLY_CAP: usize = 16;

/// Largest surname + given name + birth year block compared whole, before
/// splitting by full birth date (at national scale such blocks reach hundreds).
const NAME_YEAR_CAP: usize = 64;

fn mix(parts: &[u64]) -> u64 {
    parts.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, p| (h ^ p).wrapping_mul(0x0100_0000_01b3).rotate_left(17))
}

/// The person's key under every rule, in `BlockKind::ALL` order.
pub(crate) fn keys_of(person: &Person<'_>, prepared: &Prepared) -> [Option<u64>; 7] {
    BlockKind::ALL.map(|k| block_key(k, person, prepared))
}

/// The key of `person` under `kind`, or None when the person lacks what it needs.
pub(crate) fn block_key(kind: BlockKind, person: &Person<'_>, prepared: &Prepared) -> Option<u64> {
    let dob = person.date_of_birth;
    let key = match kind {
        BlockKind::CitizenId => hash_str(person.citizen_id.filter(|s| !s.is_empty())?),
        BlockKind::OldId => hash_str(person.old_id.filter(|s| !s.is_empty())?),
        BlockKind::PartyCard => hash_str(person.party_card.filter(|s| !s.is_empty())?),
        BlockKind::SurnameGivenBirthYear => {
            if prepared.given == 0 || dob.year == 0 {
                return None;
            }
            mix(&[1, prepared.surname, prepared.given, u64::from(dob.year)])
        }
        BlockKind::GivenFullBirthDate => {
            if prepared.given == 0 || !dob.is_full() {
                return None;
            }
            mix(&[2, prepared.given, u64::from(dob.year), u64::from(dob.month), u64::from(dob.day)])
        }
        // Catches a mistyped or changed given name.
        BlockKind::NameTokens => {
            if prepared.name_tokens == 0 {
                return None;
            }
            mix(&[4, prepared.name_tokens])
        }
        BlockKind::SurnameFullBirthDate => {
            if prepared.surname == 0 || !dob.is_full() {
                return None;
            }
            mix(&[3, prepared.surname, u64::from(dob.year), u64::from(dob.month), u64::from(dob.day)])
        }
    };
    Some(mix(&[kind as u64 + 100, key]))
}

/// Finer keys for an oversized block, tried in order.
fn refine(level: usize, person: &Person<'_>, prepared: &Prepared) -> Option<u64> {
    let dob = person.date_of_birth;
    match level {
        0 => Some(mix(&[u64::from(dob.year)])),
        1 => Some(mix(&[u64::from(dob.year), u64::from(dob.month), u64::from(dob.day)])),
        2 => Some(mix(&[u64::from(dob.year), u64::from(dob.month), u64::from(dob.day), prepared.middle])),
        _ => None,
    }
}

fn emit_block(members: &[u32], out: &mut Vec<u64>) {
    for (k, &i) in members.iter().enumerate() {
        for &j in &members[k + 1..] {
            let (a, b) = (i.min(j), i.max(j));
            out.push((u64::from(a) << 32) | u64::from(b));
        }
    }
}

fn split_block(
    kind: BlockKind,
    members: &[u32],
    level: usize,
    people: &[Person<'_>],
    prepared: &[Prepared],
    cap: usize,
    out: &mut Vec<u64>,
    warnings: &mut Vec<SkippedBlock>,
) {
    if members.len() <= cap {
        emit_block(members, out);
        return;
    }
    let refinable = matches!(
        kind,
        BlockKind::SurnameGivenBirthYear
            | BlockKind::GivenFullBirthDate
            | BlockKind::SurnameFullBirthDate
            | BlockKind::NameTokens
    );
    let mut keyed: Vec<(u64, u32)> = if refinable {
        members
            .iter()
            .filter_map(|&i| refine(level, &people[i as usize], &prepared[i as usize]).map(|k| (k, i)))
            .collect()
    } else {
        Vec::new()
    };
    if keyed.is_empty() {
        warnings.push(SkippedBlock { rule: kind, members: members.len(), cap });
        return;
    }
    keyed.sort_unstable();
    for group in keyed.chunk_by(|a, b| a.0 == b.0) {
        let ids: Vec<u32> = group.iter().map(|(_, i)| *i).collect();
        split_block(kind, &ids, level + 1, people, prepared, cap, out, warnings);
    }
}

/// Warnings of the blocks a rule skipped, each with the key of the block it came
/// from (its rule key, before any split), in the order one machine says them.
pub type KeyedWarnings = Vec<(u64, SkippedBlock)>;

/// One rule's candidate pairs (packed, unsorted) and its warnings, in the order
/// of the block keys (each block's own warnings in the order its splits ran).
pub(crate) fn kind_pairs(
    kind: BlockKind,
    people: &[Person<'_>],
    prepared: &[Prepared],
    cap: usize,
) -> (Vec<u64>, KeyedWarnings) {
    // A name says little in a Vietnamese province (thousands share one): blocks
    // keyed mostly on names are split by birth date early, kept whole only when small.
    let cap = match kind {
        BlockKind::NameTokens => cap.min(NAME_ONLY_CAP),
        BlockKind::SurnameGivenBirthYear => cap.min(NAME_YEAR_CAP),
        // One surname covers 38% of members: same surname and birth date alone is
        // a large block nationally; split it by middle name early.
        BlockKind::SurnameFullBirthDate => cap.min(NAME_ONLY_CAP),
        _ => cap,
    };
    let mut keyed: Vec<(u64, u32)> = people
        .par_iter()
        .zip(prepared.par_iter())
        .enumerate()
        .filter_map(|(i, (p, pr))| block_key(kind, p, pr).map(|k| (k, i as u32)))
        .collect();
    keyed.par_sort_unstable();
    let groups: Vec<&[(u64, u32)]> = keyed.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1).collect();
    groups
        .par_iter()
        .fold(
            || (Vec::new(), Vec::new()),
            |(mut out, mut warnings): (Vec<u64>, KeyedWarnings), group| {
                let ids: Vec<u32> = group.iter().map(|(_, i)| *i).collect();
                let mut said = Vec::new();
                split_block(kind, &ids, 0, people, prepared, cap, &mut out, &mut said);
                warnings.extend(said.into_iter().map(|w| (group[0].0, w)));
                (out, warnings)
            },
        )
        .reduce(
            || (Vec::new(), Vec::new()),
            |(mut a, mut wa), (b, wb)| {
                a.extend(b);
                wa.extend(wb);
                (a, wa)
            },
        )
}

pub(crate) fn unpack(mut pairs: Vec<u64>) -> Vec<(u32, u32)> {
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs.into_iter().map(|p| ((p >> 32) as u32, p as u32)).collect()
}

/// The pairs one blocking rule alone yields (for training sessions).
pub(crate) fn pairs_for(kind: BlockKind, people: &[Person<'_>], prepared: &[Prepared], cap: usize) -> Vec<(u32, u32)> {
    unpack(kind_pairs(kind, people, prepared, cap).0)
}

/// All candidate pairs (i < j), deduplicated, plus warnings about skipped blocks.
pub(crate) fn candidate_pairs(
    people: &[Person<'_>],
    prepared: &[Prepared],
    cap: usize,
) -> (Vec<(u32, u32)>, Vec<SkippedBlock>) {
    let per_kind: Vec<(Vec<u64>, KeyedWarnings)> =
        BlockKind::ALL.par_iter().map(|&kind| kind_pairs(kind, people, prepared, cap)).collect();
    let mut all: Vec<u64> = Vec::with_capacity(per_kind.iter().map(|(p, _)| p.len()).sum());
    let mut warnings = Vec::new();
    for (pairs, w) in per_kind {
        all.extend(pairs);
        warnings.extend(w.into_iter().map(|(_, w)| w));
    }
    (unpack(all), warnings)
}

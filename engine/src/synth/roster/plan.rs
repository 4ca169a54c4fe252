//! Each member's plan: status, how the citizen number is given, which duplicate
//! row the member gets. Drawn once, when the generator is built.

use rand::RngExt;
use rand_pcg::Pcg64Mcg;

use crate::synth::dates::birthday;
use crate::synth::people::{People, TAIL_SPACE};
use crate::synth::rng::{rng, Stream};
use crate::vocabulary::Status;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdPlan {
    Own,
    Missing,
    Malformed,
    Legacy,
    Typo,
    Borrowed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DupPlan {
    None,
    SameId,
    OtherIdTypo,
    OtherIdOld,
    TransferMissing,
    TransferOld,
    /// Still on another province's roster (national runs; never in a plan, see `CrossCopy`).
    CrossMissing,
    CrossOld,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    pub status: Status,
    pub id: IdPlan,
    pub dup: DupPlan,
    pub not_in_population: bool,
    /// Old enough to have passed probation: has an official date and a card.
    pub has_official: bool,
}

/// Probation lasts twelve months; official dates fall up to two months after.
pub(super) const PROBATION_DAYS: i32 = 365;
pub(super) const LATEST_OFFICIAL_DELAY: i32 = 60;

pub(crate) fn plan(people: &People<'_>, m: u64, single_unit: bool) -> Plan {
    let config = people.config;
    let rates = &config.rates;
    let core = people.core(m);
    let mut r = rng(config.seed, Stream::Plan, m);
    let can_be_official = birthday(core.dob, 18) + 1 + PROBATION_DAYS + LATEST_OFFICIAL_DELAY <= config.as_of;
    let (u_status, u_pop, u_id, u_dup, u_variant): (f64, f64, f64, f64, f64) =
        (r.random(), r.random(), r.random(), r.random(), r.random());
    let mut status = if u_status < rates.probationary {
        Status::Probationary
    } else if u_status < rates.probationary + rates.transferred {
        Status::Transferred
    } else if u_status < rates.probationary + rates.transferred + rates.deceased {
        Status::Deceased
    } else {
        Status::Official
    };
    if status == Status::Official && !can_be_official {
        status = Status::Probationary;
    }
    let has_official = can_be_official && status != Status::Probationary;
    let not_in_population = u_pop < rates.not_in_population;
    let old = people.old_number_of(m, &core);
    // Only the lower of two people sharing an old number ever gives it, so no two
    // roster rows of different people show the same 9-digit number.
    let legacy_ok = !not_in_population && old.is_some_and(|o| o.shared_with.is_none_or(|p| p > m));
    let unshared_old = !not_in_population && old.is_some_and(|o| o.shared_with.is_none());
    let id_rates =
        [rates.id_missing, rates.id_malformed, rates.legacy_id_only, rates.id_typo_not_found, rates.borrowed_id];
    let kinds = [IdPlan::Missing, IdPlan::Malformed, IdPlan::Legacy, IdPlan::Typo, IdPlan::Borrowed];
    let mut id = IdPlan::Own;
    let mut acc = 0.0;
    for (rate, kind) in id_rates.iter().zip(kinds) {
        acc += rate;
        if u_id < acc {
            id = kind;
            break;
        }
    }
    if id == IdPlan::Legacy && !legacy_ok {
        id = IdPlan::Own;
    }
    // Duplicates are drawn among official members with their own number; scaled so
    // the configured rates hold per member.
    let eligible = ((1.0 - rates.probationary - rates.transferred - rates.deceased)
        * (1.0 - id_rates.iter().sum::<f64>()))
    .max(0.2);
    let mut dup = DupPlan::None;
    if status == Status::Official && id == IdPlan::Own {
        let u = u_dup * eligible;
        if u < rates.duplicate_same_id {
            dup = DupPlan::SameId;
        } else if u < rates.duplicate_same_id + rates.duplicate_other_id {
            dup = if unshared_old && u_variant < 0.4 { DupPlan::OtherIdOld } else { DupPlan::OtherIdTypo };
        } else if u < rates.duplicate_same_id + rates.duplicate_other_id + rates.transfer_duplicate {
            dup = if single_unit {
                DupPlan::SameId
            } else if unshared_old && u_variant < 0.3 {
                DupPlan::TransferOld
            } else {
                DupPlan::TransferMissing
            };
        }
    }
    Plan { status, id, dup, not_in_population, has_official }
}

/// One slip in the six random digits: a digit replaced, or two neighbours swapped.
/// The province, sex and year digits stay right, so only the lookup can fail.
pub(crate) fn mistype(number: u64, r: &mut Pcg64Mcg) -> u64 {
    let prefix = number - number % TAIL_SPACE;
    let mut digits: Vec<u8> = format!("{:06}", number % TAIL_SPACE).bytes().map(|b| b - b'0').collect();
    let i = r.random_range(0..5);
    if r.random_bool(0.3) && digits[i] != digits[i + 1] {
        digits.swap(i, i + 1);
    } else {
        let at = r.random_range(0..6);
        let shift = r.random_range(1..10);
        digits[at] = (digits[at] + shift) % 10;
    }
    prefix + digits.iter().fold(0u64, |acc, &d| acc * 10 + u64::from(d))
}

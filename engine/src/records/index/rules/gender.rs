//! Gender: required and readable, and the same as the population's.

use super::{missing, report};
use crate::records::checks::{shown, FindingSink};
use crate::records::citizen_id;
use crate::records::index::PopulationView;
use crate::records::{GenderReading, Read};
use crate::values::gender::{gender_en, gender_vi, Gender};
use crate::vocabulary::codes::{Arg, Message};
use crate::vocabulary::Owner;

/// A party gender missing or unreadable.
pub(in crate::records::index) fn check<S: FindingSink>(gender: &Read<'_, GenderReading>, t: &mut S) {
    match (gender.value, gender.raw) {
        (GenderReading::Missing, _) => missing(t, "gender"),
        (GenderReading::Unreadable, Some(raw)) => {
            report(t, Message::GenderUnreadable, "gender", Owner::PartyBoard, shown(raw), "", &[]);
        }
        _ => {}
    }
}

pub(in crate::records::index) fn population_unreadable<S: FindingSink>(p: &PopulationView<'_>, t: &mut S) {
    report(t, Message::PopulationGenderUnreadable, "gender", Owner::Police, "", shown(p.gender), &[]);
}

/// When the 12-digit number's sex digit sides with the party record, the
/// population record is the odd one out and the police correct it.
pub(in crate::records::index) fn compare<S: FindingSink>(
    gender: &Read<'_, GenderReading>,
    personal: Option<u64>,
    p: &PopulationView<'_>,
    t: &mut S,
) {
    let (Some(a), Some(b)) = (gender.value.gender(), p.sex) else { return };
    if a == b {
        return;
    }
    let owner = match personal.map(citizen_id::decode) {
        Some(d) if d.female == (a == Gender::Female) => Owner::Police,
        _ => Owner::PartyBoard,
    };
    let args = [Arg::each("party", gender_vi(a), gender_en(a)), Arg::each("population", gender_vi(b), gender_en(b))];
    report(t, Message::GenderMismatch, "gender", owner, gender.raw.unwrap_or(""), p.gender, &args);
}

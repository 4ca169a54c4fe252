//! Gender: required and readable, and the same as the population's.

use super::{missing, report};
use crate::records::checks::{shown, FindingSink};
use crate::records::citizen_id;
use crate::records::gender::{gender_en, gender_vi, parse_gender_with, Gender};
use crate::records::index::PopulationView;
use crate::records::{present, Owner};
use crate::vocabulary::codes::{Arg, Message};

/// The party's gender, or None when missing or unreadable (both reported).
pub(in crate::records::index) fn read<S: FindingSink>(
    raw: Option<&str>,
    buf: &mut String,
    t: &mut S,
) -> Option<Gender> {
    let Some(raw) = present(raw) else {
        missing(t, "gender");
        return None;
    };
    match parse_gender_with(raw, buf) {
        Ok(g) => g,
        Err(_) => {
            report(t, Message::GenderUnreadable, "gender", Owner::PartyBoard, shown(raw), "", &[]);
            None
        }
    }
}

pub(in crate::records::index) fn population_unreadable<S: FindingSink>(p: &PopulationView<'_>, t: &mut S) {
    report(t, Message::PopulationGenderUnreadable, "gender", Owner::Police, "", shown(p.gender), &[]);
}

/// When the 12-digit number's sex digit sides with the party record, the
/// population record is the odd one out and the police correct it.
pub(in crate::records::index) fn compare<S: FindingSink>(
    raw: Option<&str>,
    party: Option<Gender>,
    personal: Option<u64>,
    p: &PopulationView<'_>,
    t: &mut S,
) {
    let (Some(a), Some(b)) = (party, p.sex) else { return };
    if a == b {
        return;
    }
    let owner = match personal.map(citizen_id::decode) {
        Some(d) if d.female == (a == Gender::Female) => Owner::Police,
        _ => Owner::PartyBoard,
    };
    let args = [Arg::each("party", gender_vi(a), gender_en(a)), Arg::each("population", gender_vi(b), gender_en(b))];
    report(t, Message::GenderMismatch, "gender", owner, raw.unwrap_or("").trim(), p.gender, &args);
}

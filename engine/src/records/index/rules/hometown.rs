//! Hometown: the same province as the population's (old and new province names
//! reconciled), or the same text where neither names a province.

use super::report;
use crate::records::checks::{shown, FindingSink};
use crate::records::gender::fold_short;
use crate::records::index::PopulationView;
use crate::records::places::{self, Place};
use crate::records::{present, Owner, MAX_VALUE_BYTES};
use crate::vocabulary::codes::{Arg, Message};

/// The province a hometown names (0 when none).
pub(in crate::records::index) fn place_of(raw: Option<&str>) -> Place {
    present(raw).filter(|h| h.len() <= MAX_VALUE_BYTES).map_or(0, places::resolve)
}

pub(in crate::records::index) fn compare<S: FindingSink>(
    raw: Option<&str>,
    party_place: Place,
    p: &PopulationView<'_>,
    t: &mut S,
) {
    let (Some(party_home), false) = (present(raw), p.hometown.is_empty()) else { return };
    let differs = if party_place != 0 && p.place != 0 {
        !places::agree(party_place, p.place)
    } else if party_place == 0 && p.place == 0 {
        let mut a = String::new();
        let mut b = String::new();
        fold_short(party_home, &mut a);
        fold_short(p.hometown, &mut b);
        a != b
    } else {
        false
    };
    if !differs {
        return;
    }
    let (pa, pp) = (places::describe(party_place), places::describe(p.place));
    let pb = Owner::PartyBoard;
    if pa.is_empty() || pp.is_empty() {
        report(t, Message::HometownMismatch, "hometown", pb, shown(party_home), p.hometown, &[]);
    } else {
        let args = [Arg::text("party", &pa), Arg::text("population", &pp)];
        report(t, Message::HometownProvinceMismatch, "hometown", pb, shown(party_home), p.hometown, &args);
    }
}

//! Hometown: the same province as the population's (old and new province names
//! reconciled), or the same text where neither names a province.

use super::report;
use crate::records::checks::{shown, FindingSink};
use crate::records::index::PopulationView;
use crate::records::places::{self, Place};
use crate::records::Read;
use crate::values::gender::fold_short;
use crate::vocabulary::codes::{Arg, Message};
use crate::vocabulary::Owner;

pub(in crate::records::index) fn compare<S: FindingSink>(
    hometown: &Read<'_, Place>,
    p: &PopulationView<'_>,
    t: &mut S,
) {
    let (Some(party_home), false) = (hometown.raw, p.hometown.is_empty()) else { return };
    let party_place = hometown.value;
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

//! The member's status: required, and only official members get a new card.

use super::{missing, report};
use crate::records::checks::{shown, FindingSink};
use crate::records::Given;
use crate::vocabulary::codes::{Arg, Message};
use crate::vocabulary::{Owner, Status};

pub(in crate::records::index) fn check<S: FindingSink>(status: Option<Given<'_, Status>>, t: &mut S) {
    let Some(Given { raw, value: status }) = status else {
        missing(t, "status");
        return;
    };
    if status != Status::Official {
        let args = [Arg::each("status", status.vi(), status.en())];
        report(t, Message::StatusNotEligible, "status", Owner::PartyBoard, shown(raw), "", &args);
    }
}

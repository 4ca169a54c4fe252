//! The member's status: required, and only official members get a new card.

use super::{missing, report};
use crate::records::checks::{shown, FindingSink};
use crate::records::{present, Owner, Status};
use crate::vocabulary::codes::{Arg, Message};

/// The status read, or None when the record has none.
pub(in crate::records::index) fn check<S: FindingSink>(
    raw: Option<&str>,
    buf: &mut String,
    t: &mut S,
) -> Option<Status> {
    let Some(raw) = present(raw) else {
        missing(t, "status");
        return None;
    };
    let status = Status::parse(raw, buf);
    if status != Status::Official {
        let args = [Arg::each("status", status.vi(), status.en())];
        report(t, Message::StatusNotEligible, "status", Owner::PartyBoard, shown(raw), "", &args);
    }
    Some(status)
}

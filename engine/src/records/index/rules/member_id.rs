//! The member ID: required.

use super::missing;
use crate::records::checks::FindingSink;
use crate::records::present;

pub(in crate::records::index) fn check<S: FindingSink>(raw: Option<&str>, t: &mut S) {
    if present(raw).is_none() {
        missing(t, "member_id");
    }
}

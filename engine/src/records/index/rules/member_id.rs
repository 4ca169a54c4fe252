//! The member ID: required.

use super::missing;
use crate::records::checks::FindingSink;

pub(in crate::records::index) fn check<S: FindingSink>(member_id: Option<&str>, t: &mut S) {
    if member_id.is_none() {
        missing(t, "member_id");
    }
}

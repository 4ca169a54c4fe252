//! The cross-check's rules, one file per roster field. Each reads what the member's
//! record says (and the matched population row, where there is one) and files its
//! findings with the messages of `vocabulary::codes`; `check` calls them in order.

pub(super) mod citizen_id;
pub(super) mod dates;
pub(super) mod gender;
pub(super) mod hometown;
pub(super) mod member_id;
pub(super) mod name;
pub(super) mod party_card;
pub(super) mod status;

use crate::records::checks::{field_vi, FindingSink};
use crate::vocabulary::codes::{Arg, Message};
use crate::vocabulary::Owner;

/// Files one finding under its message's code.
pub(super) fn report<S: FindingSink>(
    t: &mut S,
    message: Message,
    field: &'static str,
    owner: Owner,
    party: &str,
    population: &str,
    args: &[Arg<'_>],
) {
    t.push(
        message.code(),
        field,
        owner,
        party,
        population,
        format_args!("{}", message.vi(args)),
        format_args!("{}", message.en(args)),
    );
}

/// A required field the party record leaves empty.
pub(super) fn missing<S: FindingSink>(t: &mut S, field: &'static str) {
    let words = field.replace('_', " ");
    report(t, Message::ValueMissing, field, Owner::PartyBoard, "", "", &[Arg::each("field", field_vi(field), &words)]);
}

fn capitalised(s: &str) -> String {
    with_first(s, char::to_uppercase)
}

fn lower_first(s: &str) -> String {
    with_first(s, char::to_lowercase)
}

/// `s` with its first letter changed by `case`; the rest copied whole, not char by char.
fn with_first<I: Iterator<Item = char>>(s: &str, case: fn(char) -> I) -> String {
    let mut c = s.chars();
    let mut out = String::with_capacity(s.len() + 2);
    if let Some(f) = c.next() {
        out.extend(case(f));
        out.push_str(c.as_str());
    }
    out
}

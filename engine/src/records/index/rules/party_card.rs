//! The party card number: required, 8 digits.

use super::report;
use crate::records::checks::{check_card, shown, CardProblem, FindingSink};
use crate::records::{present, Owner};
use crate::vocabulary::codes::{Arg, Message};

const FIELD: &str = "party_card_number";

pub(in crate::records::index) fn check<S: FindingSink>(raw: Option<&str>, t: &mut S) {
    let pb = Owner::PartyBoard;
    let Some(raw) = present(raw) else {
        report(t, Message::CardNumberMissing, FIELD, pb, "", "", &[]);
        return;
    };
    match check_card(raw) {
        Ok(()) => {}
        Err(CardProblem::Characters) => report(t, Message::CardNumberCharacters, FIELD, pb, shown(raw), "", &[]),
        Err(CardProblem::Length(n)) => {
            let message = if n == 7 { Message::CardNumberLostZero } else { Message::CardNumberLength };
            report(t, message, FIELD, pb, shown(raw), "", &[Arg::number("digits", n)]);
        }
    }
}

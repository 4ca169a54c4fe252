//! The party card number: required, 8 digits.

use super::report;
use crate::records::checks::{shown, CardProblem, FindingSink};
use crate::records::Given;
use crate::vocabulary::codes::{Arg, Message};
use crate::vocabulary::Owner;

const FIELD: &str = "party_card_number";

pub(in crate::records::index) fn check<S: FindingSink>(card: Option<Given<'_, Result<(), CardProblem>>>, t: &mut S) {
    let pb = Owner::PartyBoard;
    let Some(Given { raw, value }) = card else {
        report(t, Message::CardNumberMissing, FIELD, pb, "", "", &[]);
        return;
    };
    match value {
        Ok(()) => {}
        Err(CardProblem::Characters) => report(t, Message::CardNumberCharacters, FIELD, pb, shown(raw), "", &[]),
        Err(CardProblem::Length(n)) => {
            let message = if n == 7 { Message::CardNumberLostZero } else { Message::CardNumberLength };
            report(t, message, FIELD, pb, shown(raw), "", &[Arg::number("digits", n)]);
        }
    }
}

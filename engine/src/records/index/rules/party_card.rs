//! The party card number: required, 8 digits (7 that lost their leading zero are
//! read with it put back, and said so).

use super::report;
use crate::records::checks::{shown, Card, CardProblem, FindingSink};
use crate::records::Given;
use crate::vocabulary::codes::{Arg, Message};
use crate::vocabulary::Owner;

const FIELD: &str = "party_card_number";

pub(in crate::records::index) fn check<S: FindingSink>(card: Option<Given<'_, Result<Card, CardProblem>>>, t: &mut S) {
    let pb = Owner::PartyBoard;
    let Some(Given { raw, value }) = card else {
        report(t, Message::CardNumberMissing, FIELD, pb, "", "", &[]);
        return;
    };
    match value {
        Ok(Card { zero_restored: false }) => {}
        Ok(Card { zero_restored: true }) => {
            report(t, Message::CardNumberLostZero, FIELD, pb, shown(raw), "", &[Arg::number("digits", 7u8)]);
        }
        Err(CardProblem::Characters) => report(t, Message::CardNumberCharacters, FIELD, pb, shown(raw), "", &[]),
        Err(CardProblem::Length(n)) => {
            report(t, Message::CardNumberLength, FIELD, pb, shown(raw), "", &[Arg::number("digits", n)]);
        }
    }
}

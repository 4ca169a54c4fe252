//! Two people on one citizen number (`CITIZEN_ID_SHARED`) as findings: one for
//! each of the two members, naming the other, the population record the number
//! leads to and which of the two it agrees with, so the pair reaches the party
//! board's work list (the police informed) beside the member's other findings.

use std::fmt::Write;

use super::cut::CheckedPair;
use crate::records::checks::FindingSink;
use crate::records::{PopulationIndex, RosterSource, VerificationColumns};
use crate::vocabulary::codes::Arg;
use crate::vocabulary::{Code, DuplicateType, Field, Message, Phrase, Severity, Verdict};

/// Appends a `CITIZEN_ID_SHARED` finding for both members of every pair of two
/// people on one number (`number_of` gives a member's citizen ID as deduplication
/// read it; `links` each member's citizen, as `population_links`), after the
/// cross-check's findings, and raises both members' verdicts to what the finding
/// asks for.
pub fn add_shared_number_findings<R: RosterSource + ?Sized>(
    index: &PopulationIndex,
    roster: &R,
    pairs: &[CheckedPair],
    number_of: impl Fn(usize) -> Option<String>,
    links: &[Option<&str>],
    verification: &mut VerificationColumns,
) {
    let code = Code::CitizenIdShared;
    let lowest = Verdict::of(Some(code.severity()));
    debug_assert_eq!(code.severity(), Severity::Review);
    let mut holder = String::new();
    for p in pairs.iter().filter(|p| p.pair.kind == DuplicateType::CitizenIdShared) {
        let Some(number) = number_of(p.pair.a) else { continue };
        let held = index.lookup(&number).map(|row| index.identity(row));
        holder.clear();
        if let Some((_, full_name, date_of_birth)) = held {
            let _ = write!(holder, "{full_name} ({date_of_birth})");
        }
        for (member, other) in [(p.pair.a, p.pair.b), (p.pair.b, p.pair.a)] {
            let other_id = roster.value(other, Field::MemberId).unwrap_or("");
            let number_arg = Arg::text("number", &number);
            let other_arg = Arg::text("other", other_id);
            let agrees_with = if links[member] == Some(number.as_str()) {
                Phrase::AgreesWithThisMember
            } else if links[other] == Some(number.as_str()) {
                Phrase::AgreesWithOtherMember
            } else {
                Phrase::AgreesWithNeitherMember
            };
            let phrase_args = [other_arg];
            let (agrees_vi, agrees_en) = (agrees_with.vi(&phrase_args), agrees_with.en(&phrase_args));
            let args = [
                number_arg,
                other_arg,
                Arg::text("holder", &holder),
                Arg::each_shown("agrees", &agrees_vi, &agrees_en),
            ];
            let message = if held.is_some() { Message::CitizenIdShared } else { Message::CitizenIdSharedNotHeld };
            verification.findings.current = member as u32;
            verification.findings.push(
                code,
                code.default_field(),
                code.default_owner(),
                &number,
                &holder,
                format_args!("{}", message.vi(&args)),
                format_args!("{}", message.en(&args)),
            );
            verification.verdict[member] = verification.verdict[member].max(lowest);
        }
    }
}

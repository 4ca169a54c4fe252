//! The citizen ID: read (leading zeros a spreadsheet dropped put back), looked up
//! (12-digit number, else an old 9-digit one, else candidates by name and date of
//! birth), and its structure (province code, sex digit, birth year) held against
//! the person.

use super::{capitalised, report};
use crate::records::checks::{shown, FindingSink};
use crate::records::citizen_id::{self, CleanId};
use crate::records::index::{Outcome, PopulationIndex, PopulationView, Search, Work, SHARED};
use crate::records::IdReading;
use crate::values::dates::{civil_from_days, PartialDate};
use crate::values::gender::{gender_en, gender_vi, Gender};
use crate::vocabulary::codes::{Arg, Message, Phrase};
use crate::vocabulary::Owner;

const FIELD: &str = "citizen_id";

/// Zeros a spreadsheet dropped and the reading put back (the rule is `citizen_id::clean`'s).
pub(in crate::records::index) fn leading_zero<S: FindingSink>(id: &IdReading<'_>, t: &mut S) {
    let message = match id.cleaned.zeros_restored {
        0 => return,
        1 => Message::CitizenIdLeadingZero,
        _ => Message::CitizenIdLeadingZeros,
    };
    let digits = id.raw.chars().filter(char::is_ascii_digit).count();
    report(t, message, FIELD, Owner::IntakeOfficer, shown(id.raw), "", &[Arg::count("digits", digits)]);
}

/// How many people the candidate search offers, in words.
fn candidates_phrase(n: usize) -> Phrase {
    match n {
        0 => Phrase::NoCandidate,
        1 => Phrase::OneCandidate,
        _ => Phrase::SomeCandidates,
    }
}

impl PopulationIndex {
    /// Looks the number up, offering candidates where it leads nowhere; sets the
    /// matched row. Returns the 12-digit number when there is one.
    pub(in crate::records::index) fn look_up_number<'m, S: FindingSink>(
        &'m self,
        id: &IdReading<'_>,
        search: &Search<'_>,
        w: &mut Work,
        t: &mut S,
        outcome: &mut Outcome<'m>,
    ) -> Option<u64> {
        let io = Owner::IntakeOfficer;
        let raw = shown(id.raw);
        // Searches by name and date of birth, and files `message` with what it offered.
        let offer = |w: &mut Work, t: &mut S, message: Message, party: &str, extra: &[u32], arg: Option<Arg<'_>>| {
            self.find_candidates(search, None, extra, w);
            self.describe_candidates(w);
            let n = w.candidates.len();
            let count = [Arg::count("count", n)];
            let phrase = candidates_phrase(n);
            let (vi, en) = (phrase.vi(&count), phrase.en(&count));
            let candidates = Arg::each_shown("candidates", &vi, &en);
            let args = [candidates, arg.unwrap_or(candidates)];
            report(t, message, FIELD, io, party, &w.text, &args);
        };
        match id.cleaned.id {
            CleanId::Missing => {
                offer(w, t, Message::CitizenIdMissing, "", &[], None);
                None
            }
            CleanId::Malformed(p) => {
                let (vi, en) = (capitalised(&p.message_vi()), capitalised(&p.message_en()));
                offer(w, t, Message::CitizenIdMalformed, raw, &[], Some(Arg::each("problem", &vi, &en)));
                None
            }
            CleanId::Legacy(old) => {
                let rows = self.old_rows(old);
                match rows.len() {
                    1 => {
                        let p = self.view(rows[0] as usize);
                        outcome.matched = Some(rows[0]);
                        report(t, Message::LegacyIdOnlyFound, FIELD, io, raw, p.citizen_id, &[]);
                    }
                    0 => {
                        report(t, Message::LegacyIdOnlyUnknown, FIELD, io, raw, "", &[]);
                        offer(w, t, Message::CitizenNotFoundByOldNumber, raw, &[], None);
                    }
                    n => offer(w, t, Message::LegacyIdOnlyShared, raw, rows, Some(Arg::count("people", n))),
                }
                None
            }
            CleanId::Personal(number) => {
                match self.by_id.get(number) {
                    Some(v) => {
                        outcome.matched = Some(v & !SHARED);
                        if v & SHARED != 0 {
                            report(t, Message::PopulationDuplicateId, FIELD, Owner::Police, raw, raw, &[]);
                        }
                    }
                    None => offer(w, t, Message::CitizenNotFound, raw, &[], None),
                }
                Some(number)
            }
        }
    }
}

/// The structure of a 12-digit number against the person's data: the
/// population's where there is a record, else the party's. With a record the
/// police re-issue the number; without one it may just be mistyped.
pub(in crate::records::index) fn check_structure<S: FindingSink>(
    number: u64,
    id: &IdReading<'_>,
    matched: Option<&PopulationView<'_>>,
    party_sex: Option<Gender>,
    party_dob: Option<PartialDate>,
    as_of: i32,
    t: &mut S,
) {
    let d = citizen_id::decode(number);
    let (owner, who) = if matched.is_some() {
        (Owner::Police, Phrase::PoliceReissue)
    } else {
        (Owner::IntakeOfficer, Phrase::MaybeMistyped)
    };
    let who = Arg::each("who", who.template_vi(), who.template_en());
    let raw = shown(id.raw);
    if !d.province_known {
        let province = format!("{:03}", d.province_code);
        let args = [Arg::text("province", &province), who];
        let population = matched.map_or("", |p| p.citizen_id);
        report(t, Message::CitizenIdUnknownProvince, FIELD, owner, raw, population, &args);
    }
    if let Some(s) = matched.and_then(|p| p.sex).or(party_sex) {
        if d.female != (s == Gender::Female) {
            let coded = if d.female { Gender::Female } else { Gender::Male };
            let args = [
                Arg::each("coded", gender_vi(coded), gender_en(coded)),
                Arg::each("person", gender_vi(s), gender_en(s)),
                who,
            ];
            let population = matched.map_or("", |p| p.gender);
            report(t, Message::CitizenIdSexMismatch, FIELD, owner, raw, population, &args);
        }
    }
    let (y, _, _) = civil_from_days(as_of);
    match matched.and_then(|p| p.dob).or(party_dob) {
        Some(dob) if dob.year != d.birth_year => {
            let args = [Arg::number("coded", d.birth_year), Arg::number("year", dob.year), who];
            let population = matched.map_or("", |p| p.date_of_birth);
            report(t, Message::CitizenIdYearMismatch, FIELD, owner, raw, population, &args);
        }
        None if d.birth_year as i32 > y || y - (d.birth_year as i32) < 16 => {
            let args = [Arg::number("coded", d.birth_year), who];
            report(t, Message::CitizenIdYearImpossible, FIELD, owner, raw, "", &args);
        }
        _ => {}
    }
}

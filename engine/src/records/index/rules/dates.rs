//! The dates: date of birth, admission and official date, each readable and
//! plausible; the official date after admission; the date of birth against the
//! population's; eighteen at admission.

use super::{missing, report};
use crate::records::checks::{field_vi, shown, side_en, side_vi, FindingSink};
use crate::records::index::PopulationView;
use crate::records::{DateReading, PreparedMember, Read};
use crate::values::dates::PartialDate;
use crate::vocabulary::codes::{Arg, Message};
use crate::vocabulary::{Owner, RosterCheck, RosterFields, Status};

/// Reports each date that did not read, those missing (the official date only
/// for an official member) and an official date not after admission; a date
/// whose column the roster lacks is not reported missing.
pub(in crate::records::index) fn check_party_dates<S: FindingSink>(
    m: &PreparedMember<'_>,
    fields: RosterFields,
    t: &mut S,
) {
    let pb = Owner::PartyBoard;
    report_reading(&m.date_of_birth, "date_of_birth", t);
    report_reading(&m.admission_date, "admission_date", t);
    report_reading(&m.official_date, "official_date", t);
    if m.date_of_birth.raw.is_none() && fields.runs(RosterCheck::DateOfBirth) {
        missing(t, "date_of_birth");
    }
    if m.admission_date.raw.is_none() && fields.runs(RosterCheck::AdmissionDate) {
        missing(t, "admission_date");
    }
    let official = m.status.is_some_and(|s| s.value == Status::Official);
    if m.official_date.raw.is_none() && official && fields.runs(RosterCheck::OfficialDate) {
        missing(t, "official_date");
    }
    if let (Some(a), Some(f)) = (m.admission_date.value.date(), m.official_date.value.date()) {
        if f.latest() <= a.earliest() {
            let (official, admission) = (f.to_text(), a.to_text());
            let args = [Arg::text("official", &official), Arg::text("admission", &admission)];
            let raw = m.official_date.raw.unwrap_or("");
            report(t, Message::OfficialBeforeAdmission, "official_date", pb, raw, "", &args);
        }
    }
}

/// Reports a party date field that is no date, or not a plausible one for the field.
fn report_reading<S: FindingSink>(reading: &Read<'_, DateReading>, field: &'static str, t: &mut S) {
    let Some(party) = reading.raw else { return };
    let (owner, population) = (Owner::PartyBoard, "");
    let field_arg = Arg::each("field", field_vi(field), field);
    let side = Arg::each("side", side_vi(owner), side_en(owner));
    match reading.value {
        DateReading::TooLong(bytes) => {
            let args = [field_arg, side, Arg::count("bytes", bytes)];
            report(t, Message::DateTooLong, field, owner, shown(party), shown(population), &args);
        }
        DateReading::Implausible(_) => {
            report(t, Message::DateImplausible, field, owner, party, population, &[field_arg, side]);
        }
        DateReading::Unreadable(problem) => {
            let args = [field_arg, side, Arg::each("problem", problem.message_vi(), problem.message_en())];
            report(t, Message::DateUnreadable, field, owner, party, population, &args);
        }
        DateReading::Missing | DateReading::Unknown | DateReading::Date(_) => {}
    }
}

pub(in crate::records::index) fn population_unreadable<S: FindingSink>(p: &PopulationView<'_>, t: &mut S) {
    let value = shown(p.date_of_birth);
    report(t, Message::PopulationDobUnreadable, "date_of_birth", Owner::Police, "", value, &[]);
}

/// Dates of birth that disagree are never corrected automatically.
pub(in crate::records::index) fn compare_date_of_birth<S: FindingSink>(
    m: &PreparedMember<'_>,
    p: &PopulationView<'_>,
    t: &mut S,
) {
    if let (Some(a), Some(b)) = (m.date_of_birth.value.date(), p.dob) {
        if !a.agrees(&b) {
            let (party_text, population_text) = (a.to_text(), b.to_text());
            let args = [Arg::text("party", &party_text), Arg::text("population", &population_text)];
            let raw = m.date_of_birth.raw.unwrap_or("");
            report(t, Message::DobMismatch, "date_of_birth", Owner::PartyBoard, raw, p.date_of_birth, &args);
        }
    }
}

/// Age at admission: the party's date of birth (frozen since 2016), else the population's.
pub(in crate::records::index) fn age_at_admission<S: FindingSink>(
    m: &PreparedMember<'_>,
    matched: Option<&PopulationView<'_>>,
    t: &mut S,
) {
    let dob: Option<PartialDate> = m.date_of_birth.value.date().or(matched.and_then(|p| p.dob));
    if let (Some(a), Some(dob)) = (m.admission_date.value.date(), dob) {
        let eighteen = dob.plus_years(18);
        if a.latest() < eighteen.earliest() {
            let (admission, born) = (a.to_text(), dob.to_text());
            let args = [Arg::text("admission", &admission), Arg::text("born", &born)];
            let raw = m.admission_date.raw.unwrap_or("");
            report(t, Message::UnderAgeAtAdmission, "admission_date", Owner::PartyBoard, raw, "", &args);
        }
    }
}

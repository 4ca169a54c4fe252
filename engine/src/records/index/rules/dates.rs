//! The dates: date of birth, admission and official date, each readable and
//! plausible; the official date after admission; the date of birth against the
//! population's; eighteen at admission.

use super::{missing, report};
use crate::records::checks::{field_vi, party_founded, shown, side_en, side_vi, FindingSink};
use crate::records::dates::{civil_from_days, days_from_civil, parse_date, PartialDate};
use crate::records::index::PopulationView;
use crate::records::{present, MemberRecord, Owner, Status, MAX_VALUE_BYTES};
use crate::vocabulary::codes::{Arg, Message};

/// The party-side dates, read once.
pub(in crate::records::index) struct PartyDates {
    pub dob: Option<PartialDate>,
    pub admission: Option<PartialDate>,
    pub official: Option<PartialDate>,
}

/// Reads the three dates, reports those missing (the official date only for an
/// official member) and an official date not after admission.
pub(in crate::records::index) fn read_party_dates<S: FindingSink>(
    m: &MemberRecord<'_>,
    status: Option<Status>,
    as_of: i32,
    t: &mut S,
) -> PartyDates {
    let pb = Owner::PartyBoard;
    let (y, _, _) = civil_from_days(as_of);
    let oldest = days_from_civil(y - 120, 1, 1);
    let dates = PartyDates {
        dob: read_date(m.date_of_birth, "date_of_birth", pb, oldest, as_of, false, t),
        admission: read_date(m.admission_date, "admission_date", pb, party_founded(), as_of, false, t),
        official: read_date(m.official_date, "official_date", pb, party_founded(), as_of, false, t),
    };
    if present(m.date_of_birth).is_none() {
        missing(t, "date_of_birth");
    }
    if present(m.admission_date).is_none() {
        missing(t, "admission_date");
    }
    if present(m.official_date).is_none() && status == Some(Status::Official) {
        missing(t, "official_date");
    }
    if let (Some(a), Some(f)) = (dates.admission, dates.official) {
        if f.latest() <= a.earliest() {
            let (official, admission) = (f.to_text(), a.to_text());
            let args = [Arg::text("official", &official), Arg::text("admission", &admission)];
            let raw = m.official_date.unwrap_or("").trim();
            report(t, Message::OfficialBeforeAdmission, "official_date", pb, raw, "", &args);
        }
    }
    dates
}

/// Reads one date field and reports a value that is no date, or not a plausible
/// one for the field (`earliest..=latest`, in days).
#[allow(clippy::too_many_arguments)]
pub(in crate::records::index) fn read_date<S: FindingSink>(
    raw: Option<&str>,
    field: &'static str,
    owner: Owner,
    earliest: i32,
    latest: i32,
    population_side: bool,
    t: &mut S,
) -> Option<PartialDate> {
    let raw = present(raw)?;
    let (party, population) = if population_side { ("", raw) } else { (raw, "") };
    let field_arg = Arg::each("field", field_vi(field), field);
    let side = Arg::each("side", side_vi(owner), side_en(owner));
    if raw.len() > MAX_VALUE_BYTES {
        let args = [field_arg, side, Arg::count("bytes", raw.len())];
        report(t, Message::DateTooLong, field, owner, shown(party), shown(population), &args);
        return None;
    }
    match parse_date(raw) {
        Ok(Some(d)) => {
            if d.latest() < earliest || d.earliest() > latest {
                report(t, Message::DateImplausible, field, owner, party, population, &[field_arg, side]);
                return None;
            }
            Some(d)
        }
        Ok(None) => None,
        Err(problem) => {
            let args = [field_arg, side, Arg::each("problem", problem.message_vi(), problem.message_en())];
            report(t, Message::DateUnreadable, field, owner, party, population, &args);
            None
        }
    }
}

pub(in crate::records::index) fn population_unreadable<S: FindingSink>(p: &PopulationView<'_>, t: &mut S) {
    let value = shown(p.date_of_birth);
    report(t, Message::PopulationDobUnreadable, "date_of_birth", Owner::Police, "", value, &[]);
}

/// Dates of birth that disagree are never corrected automatically.
pub(in crate::records::index) fn compare_date_of_birth<S: FindingSink>(
    raw: Option<&str>,
    party: Option<PartialDate>,
    p: &PopulationView<'_>,
    t: &mut S,
) {
    if let (Some(a), Some(b)) = (party, p.dob) {
        if !a.agrees(&b) {
            let (party_text, population_text) = (a.to_text(), b.to_text());
            let args = [Arg::text("party", &party_text), Arg::text("population", &population_text)];
            let raw = raw.unwrap_or("").trim();
            report(t, Message::DobMismatch, "date_of_birth", Owner::PartyBoard, raw, p.date_of_birth, &args);
        }
    }
}

/// Age at admission: the party's date of birth (frozen since 2016), else the population's.
pub(in crate::records::index) fn age_at_admission<S: FindingSink>(
    raw_admission: Option<&str>,
    dates: &PartyDates,
    matched: Option<&PopulationView<'_>>,
    t: &mut S,
) {
    if let (Some(a), Some(dob)) = (dates.admission, dates.dob.or(matched.and_then(|p| p.dob))) {
        let eighteen = dob.plus_years(18);
        if a.latest() < eighteen.earliest() {
            let (admission, born) = (a.to_text(), dob.to_text());
            let args = [Arg::text("admission", &admission), Arg::text("born", &born)];
            let raw = raw_admission.unwrap_or("").trim();
            report(t, Message::UnderAgeAtAdmission, "admission_date", Owner::PartyBoard, raw, "", &args);
        }
    }
}

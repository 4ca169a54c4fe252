//! Every check of one member, in the order its findings are listed: the party
//! record on its own, the citizen ID and the population record it leads to, the
//! fields against that record, the number's structure, and the age at admission.

use super::rules::{citizen_id, dates, gender, hometown, member_id, name, party_card, status};
use super::{Outcome, PopulationIndex, Search, Work, DOB_UNREADABLE, GENDER_UNREADABLE};
use crate::names::MatchKind;
use crate::records::checks::{FindingSink, Tally};
use crate::records::PreparedMember;
use crate::vocabulary::{RosterCheck, RosterFields, Severity};

impl PopulationIndex {
    /// Findings go to `sink`; candidates stay in `w`. A check that reads a column
    /// the roster lacks (`fields`) does not run: its values are not missing, the
    /// file never had them.
    pub(super) fn check<'m, S: FindingSink>(
        &'m self,
        m: &PreparedMember<'m>,
        fields: RosterFields,
        w: &mut Work,
        sink: &mut S,
    ) -> (Option<Severity>, Outcome<'m>) {
        let mut t = Tally { sink, worst: None, count: 0 };
        w.candidates.clear();
        let mut outcome = Outcome::default();

        // The party record on its own.
        let runs = |check| fields.runs(check);
        if runs(RosterCheck::MemberId) {
            member_id::check(m.member_id, &mut t);
        }
        if runs(RosterCheck::Status) {
            status::check(m.status, &mut t);
        }
        if runs(RosterCheck::PartyCardNumber) {
            party_card::check(m.party_card_number, &mut t);
        }
        dates::check_party_dates(m, fields, &mut t);
        if runs(RosterCheck::Gender) {
            gender::check(&m.gender, &mut t);
        }
        if runs(RosterCheck::FullName) {
            name::check(m, &mut t);
        }
        let search = Search {
            name: m.search_name().unwrap_or(""),
            dob: m.date_of_birth.value.date(),
            sex: m.gender.value.gender(),
            place: m.hometown.value,
        };

        // The citizen ID, and the population record it leads to.
        let personal = if runs(RosterCheck::CitizenId) {
            citizen_id::leading_zero(&m.citizen_id, &mut t);
            self.look_up_number(&m.citizen_id, &search, w, &mut t, &mut outcome)
        } else {
            None
        };

        // Cross-checks against the matched population record.
        let matched = outcome.matched.map(|r| self.view(r as usize));
        outcome.matched_citizen_id = matched.as_ref().map(|p| p.citizen_id);
        if let Some(p) = &matched {
            let flags = self.rows[p.row].flags;
            if flags & DOB_UNREADABLE != 0 {
                dates::population_unreadable(p, &mut t);
            }
            if flags & GENDER_UNREADABLE != 0 {
                gender::population_unreadable(p, &mut t);
            }
            if p.full_name.is_empty() {
                name::population_missing(&mut t);
            } else if let Some(result) = name::compare(m, p, &mut t) {
                outcome.name = Some(result);
                if result.0 >= MatchKind::DifferentDiacritics {
                    // The number may belong to someone else: look for the member by name.
                    self.find_candidates(&search, Some(p.row as u32), &[], w);
                }
            }
            dates::compare_date_of_birth(m, p, &mut t);
            gender::compare(&m.gender, personal, p, &mut t);
            hometown::compare(&m.hometown, p, &mut t);
        }

        // The structure of a 12-digit number, against the person's data.
        if let Some(number) = personal {
            let (sex, dob) = (search.sex, search.dob);
            citizen_id::check_structure(number, &m.citizen_id, matched.as_ref(), sex, dob, self.options.as_of, &mut t);
        }
        dates::age_at_admission(m, matched.as_ref(), &mut t);
        (t.worst, outcome)
    }
}

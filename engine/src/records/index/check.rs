//! Every check of one member, in the order its findings are listed: the party
//! record on its own, the citizen ID and the population record it leads to, the
//! fields against that record, the number's structure, and the age at admission.

use super::rules::{citizen_id, dates, gender, hometown, member_id, name, party_card, status};
use super::{Outcome, PopulationIndex, Search, Work, DOB_UNREADABLE, GENDER_UNREADABLE};
use crate::names::MatchKind;
use crate::records::checks::{FindingSink, Tally};
use crate::records::{MemberRecord, Severity};

impl PopulationIndex {
    /// Findings go to `sink`; candidates stay in `w`.
    pub(super) fn check<'m, S: FindingSink>(
        &'m self,
        m: &MemberRecord<'m>,
        w: &mut Work,
        sink: &mut S,
    ) -> (Option<Severity>, Outcome<'m>) {
        let as_of = self.options.as_of;
        let mut t = Tally { sink, worst: None, count: 0 };
        w.candidates.clear();
        let mut outcome = Outcome::default();

        // The party record on its own.
        member_id::check(m.member_id, &mut t);
        let status = status::check(m.status, &mut w.buf, &mut t);
        party_card::check(m.party_card_number, &mut t);
        let party_dates = dates::read_party_dates(m, status, as_of, &mut t);
        let party_sex = gender::read(m.gender, &mut w.buf, &mut t);
        let (full_name, birth_name) = name::read(m, &mut t);
        let search = Search {
            name: full_name.or(birth_name).unwrap_or(""),
            dob: party_dates.dob,
            sex: party_sex,
            place: hometown::place_of(m.hometown),
        };

        // The citizen ID, and the population record it leads to.
        let id = citizen_id::read(m.citizen_id);
        citizen_id::leading_zero(&id, &mut t);
        let personal = self.look_up_number(&id, &search, w, &mut t, &mut outcome);

        // Cross-checks against the matched population record.
        let matched = outcome.matched.map(|r| self.view(r as usize));
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
            } else if let Some(result) = name::compare(full_name, birth_name, p, &mut t) {
                outcome.name = Some(result);
                if result.0 >= MatchKind::DifferentDiacritics {
                    // The number may belong to someone else: look for the member by name.
                    self.find_candidates(&search, Some(p.row as u32), &[], w);
                }
            }
            dates::compare_date_of_birth(m.date_of_birth, party_dates.dob, p, &mut t);
            gender::compare(m.gender, party_sex, personal, p, &mut t);
            hometown::compare(m.hometown, search.place, p, &mut t);
        }

        // The structure of a 12-digit number, against the person's data.
        if let Some(number) = personal {
            citizen_id::check_structure(number, &id, matched.as_ref(), party_sex, party_dates.dob, as_of, &mut t);
        }
        dates::age_at_admission(m.admission_date, &party_dates, matched.as_ref(), &mut t);
        (t.worst, outcome)
    }
}

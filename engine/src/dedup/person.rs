//! Deduplication's view of a member, built from the same reading of the roster
//! row as the cross-check uses, so a member whose date, gender or number the
//! cross-check reads is read the same way here.

use rayon::prelude::*;

use super::OwnedPerson;
use crate::names::{self, Form, Writer};
use crate::records::checks::CardProblem;
use crate::records::citizen_id::CleanId;
use crate::records::{PreparedMember, RosterSource};
use crate::vocabulary::Field;

/// The roster fields deduplication reads ([`person_of`]) and the member ID its
/// tables name members by: a distributed run moves only these.
pub const PERSON_FIELDS: [Field; 9] = [
    Field::MemberId,
    Field::FullName,
    Field::DateOfBirth,
    Field::Gender,
    Field::CitizenId,
    Field::PartyCardNumber,
    Field::AdmissionDate,
    Field::PartyUnit,
    Field::Hometown,
];

/// The person as deduplication compares it: the full name as typed, dates only
/// where they read and are plausible, the 12-digit number (a dropped leading zero
/// put back), an old 9-digit number typed in the citizen-ID column as the old
/// number, the hometown folded (no marks, lower case, one space), and the party
/// card's digits when it holds nothing but digits and separators.
pub fn person_of(m: &PreparedMember<'_>, writer: &mut Writer) -> OwnedPerson {
    let (citizen_id, old_id) = match m.citizen_id.cleaned.id {
        CleanId::Personal(id) => (Some(format!("{id:012}")), None),
        CleanId::Legacy(old) => (None, Some(format!("{old:09}"))),
        CleanId::Missing | CleanId::Malformed(_) => (None, None),
    };
    let hometown = m.hometown.raw.map(|h| {
        let mut folded = String::new();
        names::write_name(h, Form::Fold, writer, &mut folded);
        folded
    });
    // A card number of the wrong length still tells two records apart (seven
    // digits is mostly an 8-digit number that lost its leading zero); the
    // cross-check reports the length, deduplication compares the digits.
    let party_card = m
        .party_card_number
        .filter(|c| matches!(c.value, Ok(_) | Err(CardProblem::Length(1..))))
        .map(|c| c.raw.chars().filter(char::is_ascii_digit).collect::<String>());
    OwnedPerson {
        full_name: m.full_name.usable().unwrap_or("").to_string(),
        date_of_birth: m.date_of_birth.value.date().unwrap_or_default(),
        gender: m.gender.value.gender(),
        citizen_id,
        old_id,
        hometown: hometown.filter(|h| !h.is_empty()),
        party_unit: m.party_unit.map(str::to_string),
        party_card,
        admission_date: m.admission_date.value.date().unwrap_or_default(),
    }
}

/// Every member of a roster as deduplication reads it, on all cores: each row read
/// into a [`PreparedMember`] (dates plausible up to `as_of`, days since 1970-01-01)
/// by the same rules the cross-check applies, then [`person_of`].
pub fn people_from_roster<R: RosterSource + ?Sized>(roster: &R, as_of: i32) -> Vec<OwnedPerson> {
    const CHUNK: usize = 4096;
    (0..roster.len().div_ceil(CHUNK))
        .into_par_iter()
        .flat_map_iter(|c| {
            let (mut writer, mut buf) = (Writer::default(), String::new());
            (c * CHUNK..((c + 1) * CHUNK).min(roster.len()))
                .map(|i| person_of(&PreparedMember::read(&roster.member(i), as_of, &mut buf), &mut writer))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::MemberRecord;
    use crate::values::dates::days_from_civil;
    use crate::values::{Gender, PartialDate};

    fn person(m: MemberRecord<'_>) -> OwnedPerson {
        let prepared = PreparedMember::read(&m, days_from_civil(2025, 9, 1), &mut String::new());
        person_of(&prepared, &mut Writer::default())
    }

    fn member() -> MemberRecord<'static> {
        MemberRecord {
            member_id: Some("HT000001"),
            full_name: Some(" Nguyễn Văn Hùng "),
            date_of_birth: Some("19600305"),
            gender: Some("Nam giới"),
            citizen_id: Some("42060001234"),
            party_card_number: Some("'1234.5678"),
            admission_date: Some("03/1982"),
            party_unit: Some("Chi bộ 1"),
            hometown: Some("  Hà   Tĩnh "),
            status: Some("Chính thức"),
            ..MemberRecord::default()
        }
    }

    #[test]
    fn a_member_becomes_the_person_deduplication_compares() {
        let p = person(member());
        assert_eq!(p.full_name, "Nguyễn Văn Hùng");
        assert_eq!(p.date_of_birth, PartialDate { year: 1960, month: 3, day: 5 });
        assert_eq!(p.gender, Some(Gender::Male));
        // Eleven digits: the leading zero is put back, as the cross-check does.
        assert_eq!(p.citizen_id.as_deref(), Some("042060001234"));
        assert_eq!(p.old_id, None);
        assert_eq!(p.hometown.as_deref(), Some("ha tinh"));
        assert_eq!(p.party_unit.as_deref(), Some("Chi bộ 1"));
        assert_eq!(p.party_card.as_deref(), Some("12345678"));
        assert_eq!(p.admission_date, PartialDate { year: 1982, month: 3, day: 0 });
    }

    #[test]
    fn an_old_number_is_the_old_id_and_unread_values_are_left_out() {
        let p = person(MemberRecord {
            citizen_id: Some("183456789"),
            date_of_birth: Some("31/02/1960"),
            admission_date: Some("2030"),
            gender: Some("?"),
            party_card_number: Some("12A4567"),
            hometown: Some(" "),
            full_name: Some(Box::leak("Nguyễn ".repeat(200).into_boxed_str())),
            ..member()
        });
        assert_eq!((p.citizen_id.as_deref(), p.old_id.as_deref()), (None, Some("183456789")));
        assert_eq!(p.date_of_birth, PartialDate::default());
        assert_eq!(p.admission_date, PartialDate::default());
        assert_eq!(p.gender, None);
        assert_eq!(p.party_card, None);
        assert_eq!(p.hometown, None);
        assert_eq!(p.full_name, "");
        assert_eq!(p.view().full_name, "");
        let short = person(MemberRecord { party_card_number: Some("1234567"), ..member() });
        assert_eq!(short.party_card.as_deref(), Some("1234567"));
    }
}

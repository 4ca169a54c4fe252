//! A roster member as deduplication reads it, parsed by the record layer's own
//! field parsers: the cross-check and deduplication see one date, one gender and
//! one citizen number per member, never two readings of the same text.

use rayon::prelude::*;

use super::OwnedPerson;
use crate::names::{Form, Writer};
use crate::records::citizen_id::{clean, format_legacy, format_personal, CleanId};
use crate::records::dates::parse_date;
use crate::records::gender::parse_gender_with;
use crate::records::{present, MemberRecord, RosterSource, MAX_VALUE_BYTES};

/// Party cards have had 8 digits since 2003; older cards of 6 to 10 digits are
/// still compared (the cross-check reports them, deduplication needs them).
const CARD_DIGITS: std::ops::RangeInclusive<usize> = 6..=10;

/// Reusable buffers of one thread.
#[derive(Default)]
pub struct PersonWork {
    writer: Writer,
    buf: String,
}

/// One member's `Person` values. A 9-digit number in the citizen ID column is
/// the old identity card (LEGACY_ID_ONLY): compared as an old number, never as
/// a citizen number that differs from a 12-digit one. Unreadable values count
/// as missing; the hometown is compared on the name layer's fold.
pub fn person_from_record(member: &MemberRecord<'_>, work: &mut PersonWork) -> OwnedPerson {
    let date = |raw: Option<&str>| present(raw).and_then(|s| parse_date(s).ok().flatten()).unwrap_or_default();
    let (citizen_id, old_id) = match present(member.citizen_id).map(|raw| clean(raw).id) {
        Some(CleanId::Personal(id)) => (Some(format_personal(id)), None),
        Some(CleanId::Legacy(id)) => (None, Some(format_legacy(id))),
        _ => (None, None),
    };
    let gender = present(member.gender).and_then(|raw| parse_gender_with(raw, &mut work.buf).ok().flatten());
    let hometown = present(member.hometown).filter(|h| h.len() <= MAX_VALUE_BYTES).and_then(|raw| {
        work.buf.clear();
        work.writer.write(raw, Form::Fold, &mut work.buf);
        (!work.buf.is_empty()).then(|| work.buf.clone())
    });
    OwnedPerson {
        full_name: member.full_name.map(str::trim).unwrap_or("").to_string(),
        date_of_birth: date(member.date_of_birth),
        gender,
        citizen_id,
        old_id,
        hometown,
        party_unit: present(member.party_unit).map(str::to_string),
        party_card: present(member.party_card_number).and_then(card_digits),
        admission_date: date(member.admission_date),
    }
}

/// The card number's digits once spaces, dots and dashes (and a spreadsheet's
/// leading apostrophe) are gone; None when anything else is there.
fn card_digits(raw: &str) -> Option<String> {
    let s = raw.trim_start_matches('\'');
    let mut digits = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !(c.is_whitespace() || matches!(c, '.' | '-')) {
            return None;
        }
    }
    CARD_DIGITS.contains(&digits.len()).then_some(digits)
}

/// Every member of a roster as deduplication reads it, on all cores.
pub fn people_from_roster<R: RosterSource + ?Sized>(roster: &R) -> Vec<OwnedPerson> {
    const CHUNK: usize = 4096;
    (0..roster.len().div_ceil(CHUNK))
        .into_par_iter()
        .flat_map_iter(|c| {
            let mut work = PersonWork::default();
            (c * CHUNK..((c + 1) * CHUNK).min(roster.len()))
                .map(|i| person_from_record(&roster.member(i), &mut work))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::{Gender, PartialDate};

    fn person(member: MemberRecord<'_>) -> OwnedPerson {
        person_from_record(&member, &mut PersonWork::default())
    }

    #[test]
    fn fields_are_read_by_the_record_layer() {
        let p = person(MemberRecord {
            full_name: Some("  Nguyễn Văn An "),
            date_of_birth: Some("19600305"),
            gender: Some("Nam giới"),
            citizen_id: Some("042 090 001 234"),
            hometown: Some("Hà Tĩnh"),
            party_unit: Some("Chi bộ 1"),
            party_card_number: Some("1234.5678"),
            admission_date: Some("05031960"),
            ..MemberRecord::default()
        });
        assert_eq!(p.full_name, "Nguyễn Văn An");
        assert_eq!(p.date_of_birth, PartialDate { year: 1960, month: 3, day: 5 });
        assert_eq!(p.admission_date, PartialDate { year: 1960, month: 3, day: 5 });
        assert_eq!(p.gender, Some(Gender::Male));
        assert_eq!(p.citizen_id.as_deref(), Some("042090001234"));
        assert_eq!(p.old_id, None);
        assert_eq!(p.hometown.as_deref(), Some("ha tinh"));
        assert_eq!(p.party_unit.as_deref(), Some("Chi bộ 1"));
        assert_eq!(p.party_card.as_deref(), Some("12345678"));
    }

    #[test]
    fn an_old_number_in_the_citizen_id_column_is_an_old_id() {
        let p = person(MemberRecord { citizen_id: Some("183456789"), ..MemberRecord::default() });
        assert_eq!((p.citizen_id, p.old_id.as_deref()), (None, Some("183456789")));
        // Excel dropped the leading zero: the record layer puts it back.
        let p = person(MemberRecord { citizen_id: Some("42090001234"), ..MemberRecord::default() });
        assert_eq!(p.citizen_id.as_deref(), Some("042090001234"));
    }

    #[test]
    fn unreadable_values_are_missing() {
        let p = person(MemberRecord {
            full_name: None,
            date_of_birth: Some("31/04/1960"),
            gender: Some("?"),
            citizen_id: Some("04209000123A"),
            hometown: Some("  "),
            party_unit: Some(" "),
            party_card_number: Some("12AB5678"),
            ..MemberRecord::default()
        });
        assert_eq!(p.full_name, "");
        assert_eq!(p.date_of_birth, PartialDate::default());
        assert_eq!((p.gender, p.citizen_id, p.old_id, p.hometown, p.party_unit, p.party_card), Default::default());
        assert_eq!(card_digits("12345"), None);
        assert_eq!(card_digits("'123456"), Some("123456".into()));
        assert_eq!(card_digits("12345678901"), None);
    }

    #[test]
    fn the_woman_and_man_of_english_rosters() {
        let g = |s| person(MemberRecord { gender: Some(s), ..MemberRecord::default() }).gender;
        assert_eq!(g("woman"), Some(Gender::Female));
        assert_eq!(g("man"), Some(Gender::Male));
        assert_eq!(g("Nữ giới"), Some(Gender::Female));
    }
}

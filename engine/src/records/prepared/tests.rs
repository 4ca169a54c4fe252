//! Each field read once: what the engine makes of typical and broken values.

use super::*;
use crate::records::citizen_id::CleanId;
use crate::values::dates::days_from_civil;

fn as_of() -> i32 {
    days_from_civil(2025, 9, 1)
}

fn read(m: MemberRecord<'_>) -> PreparedMember<'_> {
    PreparedMember::read(&m, as_of(), &mut String::new())
}

fn full() -> MemberRecord<'static> {
    MemberRecord {
        member_id: Some(" HT000001 "),
        full_name: Some("Nguyễn Văn Hùng"),
        birth_name: None,
        date_of_birth: Some("05/03/1960"),
        gender: Some("Nam giới"),
        citizen_id: Some("42060001234"),
        party_card_number: Some("1234 5678"),
        admission_date: Some("19820303"),
        official_date: Some("03/03/1983"),
        party_unit: Some("Chi bộ 1"),
        ward: Some("Phường 1"),
        hometown: Some("Hà Tây"),
        status: Some("Chính thức"),
    }
}

#[test]
fn a_full_record_reads_every_field() {
    let p = read(full());
    assert_eq!(p.member_id, Some("HT000001"));
    assert_eq!(p.full_name, NameReading::Usable("Nguyễn Văn Hùng"));
    assert_eq!(p.birth_name, NameReading::Missing);
    assert_eq!(p.search_name(), Some("Nguyễn Văn Hùng"));
    assert_eq!(p.date_of_birth.value.date(), Some(PartialDate { year: 1960, month: 3, day: 5 }));
    assert_eq!(p.gender.value, GenderReading::Read(Some(Gender::Male)));
    // Eleven digits: the zero a spreadsheet dropped is put back.
    assert_eq!(p.citizen_id.cleaned.id, CleanId::Personal(42_060_001_234));
    assert_eq!(p.citizen_id.cleaned.zeros_restored, 1);
    assert_eq!(p.party_card_number.map(|c| c.value), Some(Ok(Card { zero_restored: false })));
    assert_eq!(p.admission_date.value.date(), Some(PartialDate { year: 1982, month: 3, day: 3 }));
    assert_eq!(p.official_date.raw, Some("03/03/1983"));
    assert_eq!((p.party_unit, p.ward), (Some("Chi bộ 1"), Some("Phường 1")));
    // Hà Tây is part of Hà Nội now: the place names both.
    assert_ne!(p.hometown.value, 0);
    assert_eq!(p.hometown.value, places::resolve("Hà Nội") | p.hometown.value);
    assert_eq!(p.status.map(|s| s.value), Some(Status::Official));
}

#[test]
fn blank_values_are_missing() {
    let p = read(MemberRecord { full_name: Some("  "), gender: Some(""), ..MemberRecord::default() });
    assert_eq!(p.member_id, None);
    assert_eq!(p.full_name, NameReading::Missing);
    assert_eq!(p.search_name(), None);
    assert_eq!(p.date_of_birth, Read { raw: None, value: DateReading::Missing });
    assert_eq!(p.gender.value, GenderReading::Missing);
    assert_eq!(p.citizen_id.raw, "");
    assert_eq!(p.citizen_id.cleaned.id, CleanId::Missing);
    assert_eq!(p.party_card_number, None);
    assert_eq!(p.hometown, Read { raw: None, value: 0 });
    assert_eq!(p.status, None);
}

#[test]
fn dates_say_why_they_did_not_read() {
    let dob = |raw: &'static str| read(MemberRecord { date_of_birth: Some(raw), ..full() }).date_of_birth.value;
    assert_eq!(dob("1960"), DateReading::Date(PartialDate::year_only(1960)));
    assert!(matches!(dob("31/02/1960"), DateReading::Unreadable(_)));
    assert!(matches!(dob("hôm qua"), DateReading::Unreadable(_)));
    assert_eq!(dob("'"), DateReading::Unknown);
    // More than 120 years before the reference day, or after it.
    assert!(matches!(dob("01/01/1890"), DateReading::Implausible(_)));
    assert!(matches!(dob("01/01/2030"), DateReading::Implausible(_)));
    assert_eq!(dob(Box::leak("1".repeat(2000).into_boxed_str())), DateReading::TooLong(2000));
    assert_eq!(DateReading::Implausible(PartialDate::year_only(2030)).date(), None);
    // No admission before the party was founded.
    let admitted = read(MemberRecord { admission_date: Some("01/01/1929"), ..full() }).admission_date.value;
    assert!(matches!(admitted, DateReading::Implausible(_)));
}

#[test]
fn names_over_the_limit_are_never_compared() {
    let long: &'static str = Box::leak("Nguyễn ".repeat(200).into_boxed_str());
    let p = read(MemberRecord { full_name: Some(long), birth_name: Some("Nguyễn Văn Hùng"), ..full() });
    assert_eq!(p.full_name, NameReading::TooLong(long.trim()));
    assert_eq!(p.full_name.usable(), None);
    assert_eq!(p.search_name(), Some("Nguyễn Văn Hùng"));
}

#[test]
fn gender_card_number_and_status_readings() {
    let p = read(MemberRecord { gender: Some("không rõ giới"), party_card_number: Some("1234567"), ..full() });
    assert_eq!(p.gender.value, GenderReading::Unreadable);
    assert_eq!(p.gender.value.gender(), None);
    assert_eq!(p.party_card_number.map(|c| c.value), Some(Ok(Card { zero_restored: true })));
    let p =
        read(MemberRecord {
            gender: Some("Nữ"), party_card_number: Some("12A45678"), status: Some("Dự bị"), ..full()
        });
    assert_eq!(p.gender.value.gender(), Some(Gender::Female));
    assert_eq!(p.party_card_number.map(|c| (c.raw, c.value)), Some(("12A45678", Err(CardProblem::Characters))));
    assert_eq!(p.status.map(|s| (s.raw, s.value)), Some(("Dự bị", Status::Probationary)));
}

#[test]
fn citizen_id_readings() {
    let id = |raw: &'static str| read(MemberRecord { citizen_id: Some(raw), ..full() }).citizen_id;
    assert_eq!(id("042060001234").cleaned.id, CleanId::Personal(42_060_001_234));
    assert_eq!(id("042060001234").cleaned.zeros_restored, 0);
    assert_eq!(id(" 183456789 ").cleaned.id, CleanId::Legacy(183_456_789));
    assert_eq!(id(" 183456789 ").raw, "183456789");
    // Eleven digits starting with 0 lost no zero: a digit is missing.
    assert!(matches!(id("04206000123").cleaned.id, CleanId::Malformed(Malformed::DigitMissing(11))));
    assert!(matches!(id("0420600012").cleaned.id, CleanId::Malformed(_)));
    assert!(matches!(id("4.2060001234E+11").cleaned.id, CleanId::Malformed(_)));
    let long: &'static str = Box::leak("1".repeat(2000).into_boxed_str());
    assert!(matches!(id(long).cleaned.id, CleanId::Malformed(Malformed::Length(255))));
}

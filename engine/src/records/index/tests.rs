//! Each finding code planted in a small synthetic table (made-up people).

use super::*;
use crate::records::{MemberRecord, PopulationRecord, StrSource};
use crate::vocabulary::{Field, Severity};

fn as_of() -> i32 {
    days_from_civil(2025, 9, 1)
}

fn population() -> Vec<PopulationRecord<'static>> {
    let row = |id, name, other, dob, g, home, old| PopulationRecord {
        citizen_id: Some(id),
        full_name: Some(name),
        other_names: other,
        date_of_birth: Some(dob),
        gender: Some(g),
        hometown: Some(home),
        old_id_number: old,
    };
    vec![
        row("042060001234", "Nguyễn Văn Hùng", None, "05/03/1960", "Nam", "Hà Tĩnh", Some("183456789")),
        row("042165004321", "Trần Thị Thuỷ", Some("Trần Thị Mơ"), "1965-07-20", "Nữ", "Tỉnh Thừa Thiên Huế", None),
        row("001070005555", "Lê Minh Tuấn", None, "00/00/1970", "Nam", "Hà Tây", Some("011222333")),
        row("001071006666", "Phạm Thị Lan", None, "12/12/1971", "Nữ", "Hà Nội", Some("011222333")),
        row("003080007777", "Đỗ Văn Bình", None, "01/01/1980", "Nam", "Hà Nội", None),
        row("079175008888", "Võ Thị Mai", None, "15/05/1975", "Nam", "TP. Hồ Chí Minh", None),
        row("042090009999", "Hoàng Văn Nam", None, "02/02/1985", "Nam", "Hà Tĩnh", None),
    ]
}

fn index() -> PopulationIndex {
    PopulationIndex::build(population().as_slice(), Options { as_of: as_of(), ..Options::default() }).unwrap()
}

/// A clean member matching population row 0.
fn member() -> MemberRecord<'static> {
    MemberRecord {
        member_id: Some("HT000001"),
        full_name: Some("Nguyễn Văn Hùng"),
        birth_name: None,
        date_of_birth: Some("05/03/1960"),
        gender: Some("Nam"),
        citizen_id: Some("042060001234"),
        party_card_number: Some("12345678"),
        admission_date: Some("10/05/2010"),
        official_date: Some("10/05/2011"),
        party_unit: Some("Chi bộ 1"),
        ward: Some("Phường 1"),
        hometown: Some("Hà Tĩnh"),
        status: Some("Chính thức"),
    }
}

fn codes(v: &Verification) -> Vec<&'static str> {
    v.findings.iter().map(|f| f.code.as_str()).collect()
}

fn find<'v>(v: &'v Verification, code: &str) -> &'v Finding {
    v.findings.iter().find(|f| f.code.as_str() == code).unwrap_or_else(|| panic!("no {code} in {:?}", codes(v)))
}

#[test]
fn a_clean_member_is_accepted() {
    let idx = index();
    let v = idx.verify(&member());
    assert_eq!(codes(&v), Vec::<&str>::new());
    assert_eq!(v.verdict, Verdict::Accept);
    assert_eq!(v.matched, Some(0));
    assert_eq!(v.name_match.as_ref().map(|m| m.kind), Some(MatchKind::Identical));
}

#[test]
fn name_kinds_become_codes() {
    let idx = index();
    for (name, code, verdict) in [
        ("Nguyễn Văn Hùng", None, Verdict::Accept),
        ("NGUYỄN VĂN HÙNG", None, Verdict::Accept),
        ("Nguyen Van Hung", Some("NAME_DIACRITICS_MISSING"), Verdict::Review),
        ("Nguyễn Hùng", Some("NAME_MIDDLE_MISSING"), Verdict::Review),
        ("Hùng Nguyễn Văn", Some("NAME_REORDERED"), Verdict::Review),
        ("Nguyễn Văn Hùnh", Some("NAME_TYPO"), Verdict::Review),
        ("Nguyễn Văn Hưng", Some("NAME_MISMATCH"), Verdict::Reject),
        ("Trần Văn Bảy", Some("NAME_MISMATCH"), Verdict::Reject),
    ] {
        let v = idx.verify(&MemberRecord { full_name: Some(name), ..member() });
        let got: Vec<_> = codes(&v);
        match code {
            None => assert!(got.is_empty(), "{name}: {got:?}"),
            Some(c) => assert_eq!(got, vec![c], "{name}"),
        }
        assert_eq!(v.verdict, verdict, "{name}");
    }
    // Tone placement: same name written differently is info only.
    let m = MemberRecord {
        full_name: Some("Trần Thị Thủy"),
        citizen_id: Some("042165004321"),
        date_of_birth: Some("20/07/1965"),
        gender: Some("Nữ"),
        hometown: Some("Huế"),
        ..member()
    };
    let v = idx.verify(&m);
    assert_eq!(codes(&v), vec!["NAME_EQUIVALENT_FORM"]);
    assert_eq!(v.verdict, Verdict::Accept);
    // y/i.
    let m = MemberRecord {
        full_name: Some("Hoàng Văn Nam"),
        citizen_id: Some("042090009999"),
        date_of_birth: Some("02/02/1985"),
        ..member()
    };
    assert_eq!(codes(&idx.verify(&m)), vec!["CITIZEN_ID_YEAR_MISMATCH"]);
    let m = MemberRecord { full_name: Some("Huỳnh Văn Nam"), ..m };
    assert_eq!(codes(&idx.verify(&m)), vec!["NAME_SPELLING_VARIANT", "CITIZEN_ID_YEAR_MISMATCH"]);
}

#[test]
fn a_legacy_word_that_reads_two_ways_reads_as_the_population_writes_it() {
    let idx = index();
    let thuy = MemberRecord {
        citizen_id: Some("042165004321"),
        date_of_birth: Some("20/07/1965"),
        gender: Some("Nữ"),
        hometown: Some("Huế"),
        ..member()
    };
    // "Thuû" is VNI Thủ and TCVN3 Thuỷ: the population's Thuỷ decides, and says so.
    let v = idx.verify(&MemberRecord { full_name: Some("Trần Thị Thuû"), ..thuy });
    assert_eq!(codes(&v), vec!["NAME_EQUIVALENT_FORM"]);
    let f = find(&v, "NAME_EQUIVALENT_FORM");
    assert!(f.message_vi.contains("TCVN3") && f.message_en.contains("read as TCVN3"), "{}", f.message_en);
    // A name without such a word says nothing of fonts.
    let v = idx.verify(&MemberRecord { full_name: Some("Trần Thị Thủy"), ..thuy });
    assert!(!find(&v, "NAME_EQUIVALENT_FORM").message_en.contains("font"));
}

#[test]
fn marks_typed_but_not_the_same_are_a_mismatch() {
    let idx = index();
    // Nguyên carries marks, not Nguyễn's: typed with marks, so another name.
    let v = idx.verify(&MemberRecord { full_name: Some("Nguyên Văn Hùng"), ..member() });
    assert_eq!(codes(&v), vec!["NAME_MISMATCH"]);
    // A word bare of every mark (Hung) is marks missing.
    let v = idx.verify(&MemberRecord { full_name: Some("Nguyễn Văn Hung"), ..member() });
    assert_eq!(codes(&v), vec!["NAME_DIACRITICS_MISSING"]);
}

#[test]
fn an_alias_clears_a_name_mismatch() {
    let idx = index();
    let base = MemberRecord {
        citizen_id: Some("042165004321"),
        date_of_birth: Some("20/07/1965"),
        gender: Some("Nữ"),
        hometown: Some("Huế"),
        ..member()
    };
    // Known in the party by the population's other name.
    let v = idx.verify(&MemberRecord { full_name: Some("Trần Thị Mơ"), ..base });
    assert_eq!(codes(&v), vec!["NAME_ALIAS_MATCH"]);
    assert_eq!(v.verdict, Verdict::Accept);
    // The party's birth name is the registered name.
    let v = idx
        .verify(&MemberRecord { full_name: Some("Trần Thị Hoa"), birth_name: Some("Trần Thị Thuỷ"), ..base });
    assert_eq!(codes(&v), vec!["NAME_ALIAS_MATCH"]);
    // An alias that matches nothing leaves the mismatch.
    let v =
        idx.verify(&MemberRecord { full_name: Some("Trần Thị Hoa"), birth_name: Some("Lê Thị Hoa"), ..base });
    assert_eq!(codes(&v), vec!["NAME_MISMATCH"]);
}

#[test]
fn dob_gender_hometown() {
    let idx = index();
    let v = idx.verify(&MemberRecord { date_of_birth: Some("05/03/1961"), ..member() });
    let f = find(&v, "DOB_MISMATCH");
    assert_eq!((f.severity, f.owner), (Severity::Review, Owner::PartyBoard));
    assert_eq!((f.party_value.as_str(), f.population_value.as_str()), ("05/03/1961", "05/03/1960"));
    assert!(f.message_vi.contains("không tự sửa"));
    // A partial date agrees with the full one it contains.
    for dob in ["1960", "00/00/1960", "03/1960", "1960-03-05", "21980"] {
        let v = idx.verify(&MemberRecord { date_of_birth: Some(dob), ..member() });
        assert!(codes(&v).is_empty(), "{dob}: {:?}", codes(&v));
    }
    let v = idx.verify(&MemberRecord { date_of_birth: Some("04/1960"), ..member() });
    assert_eq!(codes(&v), vec!["DOB_MISMATCH"]);

    let v = idx.verify(&MemberRecord { gender: Some("Nữ"), ..member() });
    assert!(codes(&v).contains(&"GENDER_MISMATCH"));
    for g in ["male", "M", "1", "NAM"] {
        assert!(codes(&idx.verify(&MemberRecord { gender: Some(g), ..member() })).is_empty(), "{g}");
    }

    let v = idx.verify(&MemberRecord { hometown: Some("Nghệ An"), ..member() });
    assert_eq!(codes(&v), vec!["HOMETOWN_MISMATCH"]);
    for h in ["Tỉnh Hà Tĩnh", "ha tinh", "Xã Thạch Kim, huyện Lộc Hà, tỉnh Hà Tĩnh", "Nghệ Tĩnh"] {
        assert!(codes(&idx.verify(&MemberRecord { hometown: Some(h), ..member() })).is_empty(), "{h}");
    }
    // Old (Hà Tây) and new (Hà Nội) names of one place agree.
    let m = MemberRecord {
        full_name: Some("Lê Minh Tuấn"),
        citizen_id: Some("001070005555"),
        date_of_birth: Some("1970"),
        hometown: Some("Thành phố Hà Nội"),
        ..member()
    };
    assert!(codes(&idx.verify(&m)).is_empty(), "{:?}", codes(&idx.verify(&m)));
}

#[test]
fn citizen_id_problems() {
    let idx = index();
    let v = idx.verify(&MemberRecord { citizen_id: None, ..member() });
    let f = find(&v, "CITIZEN_ID_MISSING");
    assert_eq!(f.owner, Owner::IntakeOfficer);
    assert_eq!(v.verdict, Verdict::Review);
    assert_eq!(v.candidates.first().map(|c| c.row), Some(0));
    assert!(f.population_value.starts_with("042060001234 Nguyễn Văn Hùng"), "{}", f.population_value);
    assert_eq!(v.matched, None);

    let v = idx.verify(&MemberRecord { citizen_id: Some("０４２０６０００１２３４"), ..member() });
    let f = find(&v, "CITIZEN_ID_MALFORMED");
    assert!(f.message_vi.contains("toàn chiều rộng") && f.message_en.contains("full-width"));
    assert!(!v.candidates.is_empty());
    assert_eq!(
        codes(&idx.verify(&MemberRecord { citizen_id: Some("42060001234"), ..member() })),
        vec!["CITIZEN_ID_LEADING_ZERO"]
    );
    assert_eq!(
        codes(&idx.verify(&MemberRecord { citizen_id: Some("0420600012"), ..member() })),
        vec!["CITIZEN_ID_MALFORMED"]
    );
    // Separators are forgiven.
    assert!(codes(&idx.verify(&MemberRecord { citizen_id: Some("042 060.001-234"), ..member() })).is_empty());

    // A well-formed number nobody holds; the person is offered by name and date of birth.
    let v = idx.verify(&MemberRecord { citizen_id: Some("042060001235"), ..member() });
    assert_eq!(codes(&v), vec!["CITIZEN_NOT_FOUND"]);
    assert_eq!(v.verdict, Verdict::Reject);
    assert_eq!(v.candidates.len(), 1);
    assert_eq!(v.candidates[0].row, 0);
    assert!(v.candidates[0].score > 0.95);
}

#[test]
fn id_structure_goes_to_the_police() {
    let idx = index();
    // Row 4 holds a number with province code 003, which does not exist.
    let m = MemberRecord {
        full_name: Some("Đỗ Văn Bình"),
        citizen_id: Some("003080007777"),
        date_of_birth: Some("01/01/1980"),
        hometown: Some("Hà Nội"),
        ..member()
    };
    let v = idx.verify(&m);
    assert_eq!(codes(&v), vec!["CITIZEN_ID_UNKNOWN_PROVINCE"]);
    assert_eq!(v.findings[0].owner, Owner::Police);
    // Row 5: a woman whose number carries the male digit (0 before 75); the population says Nam, party says Nữ.
    let m = MemberRecord {
        full_name: Some("Võ Thị Mai"),
        citizen_id: Some("079175008888"),
        date_of_birth: Some("15/05/1975"),
        gender: Some("Nữ"),
        hometown: Some("Hồ Chí Minh"),
        ..member()
    };
    let v = idx.verify(&m);
    // The number says female (1); the population record says male: the population is the odd one out.
    assert!(codes(&v).contains(&"GENDER_MISMATCH"), "{:?}", codes(&v));
    assert_eq!(find(&v, "GENDER_MISMATCH").owner, Owner::Police);
    assert!(codes(&v).contains(&"CITIZEN_ID_SEX_MISMATCH"));
    // Row 6 was born in 1985 but its number codes 1990.
    let m = MemberRecord {
        full_name: Some("Hoàng Văn Nam"),
        citizen_id: Some("042090009999"),
        date_of_birth: Some("02/02/1985"),
        ..member()
    };
    let v = idx.verify(&m);
    assert_eq!(codes(&v), vec!["CITIZEN_ID_YEAR_MISMATCH"]);
    assert_eq!(v.findings[0].owner, Owner::Police);
    assert_eq!(v.verdict, Verdict::Reject);
}

#[test]
fn legacy_numbers() {
    let idx = index();
    // Unique old number: resolved, cross-checked, still to be replaced.
    let v = idx.verify(&MemberRecord { citizen_id: Some("183456789"), ..member() });
    assert_eq!(codes(&v), vec!["LEGACY_ID_ONLY"]);
    assert_eq!(v.matched, Some(0));
    assert_eq!(v.findings[0].population_value, "042060001234");
    // Shared old number: never chosen, candidates from those who share it.
    let m = MemberRecord {
        full_name: Some("Phạm Thị Lan"),
        citizen_id: Some("011222333"),
        date_of_birth: Some("12/12/1971"),
        gender: Some("Nữ"),
        hometown: Some("Hà Nội"),
        ..member()
    };
    let v = idx.verify(&m);
    assert_eq!(codes(&v), vec!["LEGACY_ID_ONLY"]);
    assert_eq!(v.matched, None);
    assert_eq!(v.candidates.first().map(|c| c.row), Some(3));
    // Unknown old number.
    let v = idx.verify(&MemberRecord { citizen_id: Some("999888777"), ..member() });
    assert_eq!(codes(&v), vec!["LEGACY_ID_ONLY", "CITIZEN_NOT_FOUND"]);
}

#[test]
fn party_data_checks() {
    let idx = index();
    let v = idx.verify(&MemberRecord { party_card_number: Some("123456"), ..member() });
    assert_eq!(codes(&v), vec!["CARD_NUMBER_MALFORMED"]);
    assert_eq!(v.verdict, Verdict::Reject);
    assert_eq!(
        codes(&idx.verify(&MemberRecord { party_card_number: None, ..member() })),
        vec!["CARD_NUMBER_MALFORMED"]
    );
    let v = idx.verify(&MemberRecord { official_date: Some("10/05/2009"), ..member() });
    assert_eq!(codes(&v), vec!["OFFICIAL_BEFORE_ADMISSION"]);
    let v =
        idx.verify(&MemberRecord { admission_date: Some("01/01/1977"), official_date: Some("01/01/1978"), ..member() });
    assert_eq!(codes(&v), vec!["UNDER_AGE_AT_ADMISSION"]);
    // 18 on the day: fine; a year-only birth date cannot prove under-age.
    assert!(codes(&idx.verify(&MemberRecord {
        admission_date: Some("05/03/1978"),
        official_date: Some("05/03/1979"),
        ..member()
    }))
    .is_empty());
    assert!(codes(&idx.verify(&MemberRecord {
        date_of_birth: Some("1960"),
        admission_date: Some("06/1978"),
        official_date: Some("1979"),
        ..member()
    }))
    .is_empty());
    for s in ["Dự bị", "Đã chuyển sinh hoạt", "Từ trần", "something"] {
        let v = idx.verify(&MemberRecord { status: Some(s), ..member() });
        assert_eq!(codes(&v), vec!["STATUS_NOT_ELIGIBLE"], "{s}");
    }
}

#[test]
fn missing_and_unreadable_values() {
    let idx = index();
    let v = idx.verify(&MemberRecord { admission_date: Some("31/02/1985"), ..member() });
    assert_eq!(codes(&v), vec!["VALUE_UNREADABLE"]);
    assert_eq!(v.findings[0].field, "admission_date");
    let v = idx.verify(&MemberRecord { date_of_birth: Some("05/03/2030"), ..member() });
    assert_eq!(codes(&v), vec!["VALUE_UNREADABLE"]);
    let v = idx.verify(&MemberRecord { gender: Some("?"), ..member() });
    assert_eq!(codes(&v), vec!["VALUE_UNREADABLE"]);
    let v = idx.verify(&MemberRecord { date_of_birth: None, ..member() });
    assert_eq!(codes(&v), vec!["VALUE_MISSING"]);
    let long = "A".repeat(5000);
    let v = idx.verify(&MemberRecord { full_name: Some(&long), ..member() });
    assert!(codes(&v).contains(&"VALUE_UNREADABLE"));
    assert!(v.findings.iter().all(|f| f.party_value.len() <= 120));
    let v = idx.verify(&MemberRecord::default());
    assert_eq!(v.verdict, Verdict::Reject);
}

#[test]
fn bulk_matches_single_and_runs_in_parallel() {
    let idx = index();
    let mut members = Vec::new();
    let names = ["Nguyễn Văn Hùng", "Nguyen Van Hung", "Nguyễn Văn Hưng", "Trần Thị Thủy"];
    let ids = ["042060001234", "", "042060001235", "042165004321"];
    for i in 0..5000 {
        members.push(MemberRecord { full_name: Some(names[i % 4]), citizen_id: Some(ids[i % 4]), ..member() });
    }
    let cols = idx.verify_all(members.as_slice());
    assert_eq!(cols.len(), members.len());
    let mut findings_seen = 0;
    for (i, m) in members.iter().enumerate() {
        let one = idx.verify(m);
        assert_eq!(cols.verdict[i], one.verdict);
        assert_eq!(cols.matched[i].map(|r| r as usize), one.matched);
        let mine: Vec<_> = (0..cols.findings.len()).filter(|&j| cols.findings.member[j] as usize == i).collect();
        assert_eq!(mine.len(), one.findings.len());
        for (j, f) in mine.iter().zip(&one.findings) {
            assert_eq!(cols.findings.code[*j], f.code);
            assert_eq!(cols.findings.message_en.get(*j), Some(f.message_en.as_str()));
            assert_eq!(cols.findings.population_value.get(*j), Some(f.population_value.as_str()));
        }
        findings_seen += mine.len();
        let cands = cols.candidate_member.iter().filter(|&&c| c as usize == i).count();
        assert_eq!(cands, one.candidates.len());
    }
    assert_eq!(findings_seen, cols.findings.len());
}

#[test]
fn members_handed_on_are_the_ones_checked_in_roster_order() {
    let idx = index();
    let names = ["Nguyễn Văn Hùng", "Trần Thị Thủy", "", "Lê Văn An"];
    let dates = ["05/03/1960", "1975", "31/02/1980", ""];
    let members: Vec<MemberRecord> = (0..5000)
        .map(|i| MemberRecord { full_name: Some(names[i % 4]), date_of_birth: Some(dates[i % 3]), ..member() })
        .collect();
    let (cols, people) = idx.verify_all_with(members.as_slice(), crate::dedup::person_of);
    assert_eq!(cols, idx.verify_all(members.as_slice()));
    let apart = crate::dedup::people_from_roster(members.as_slice(), idx.options().as_of);
    assert_eq!(format!("{people:?}"), format!("{apart:?}"));
}

#[test]
fn report_counts_problems_without_stopping() {
    let rows = vec![
        PopulationRecord { citizen_id: Some("042060001234"), full_name: Some("A B"), ..Default::default() },
        PopulationRecord {
            citizen_id: Some("042060001234"),
            full_name: Some("C D"),
            date_of_birth: Some("xx"),
            ..Default::default()
        },
        PopulationRecord { citizen_id: Some("12AB"), gender: Some("?"), ..Default::default() },
        PopulationRecord { citizen_id: None, full_name: Some("E\u{1F}F"), ..Default::default() },
    ];
    let idx = PopulationIndex::build(rows.as_slice(), Options::default()).unwrap();
    let r = idx.report();
    assert_eq!((r.rows, r.citizen_id_duplicated, r.citizen_id_malformed, r.citizen_id_missing), (4, 1, 1, 1));
    assert_eq!((r.date_of_birth_unreadable, r.gender_unreadable, r.name_unusable), (1, 1, 1));
    assert_eq!(idx.view(3).full_name, "E F");
    assert_eq!(idx.lookup("042 060 001 234"), Some(0));
    assert!(!r.warnings().is_empty());
    let v = idx.verify(&MemberRecord { full_name: Some("A B"), citizen_id: Some("042060001234"), ..member() });
    assert!(codes(&v).contains(&"POPULATION_DUPLICATE_ID"));
}

#[test]
fn borrowed_number_offers_the_real_person() {
    let idx = index();
    // Lê Minh Tuấn recorded with Nguyễn Văn Hùng's number.
    let m = MemberRecord {
        full_name: Some("Lê Minh Tuấn"),
        date_of_birth: Some("1970"),
        hometown: Some("Hà Nội"),
        ..member()
    };
    let v = idx.verify(&m);
    assert!(codes(&v).contains(&"NAME_MISMATCH"));
    assert!(codes(&v).contains(&"DOB_MISMATCH"));
    assert_eq!(v.candidates.first().map(|c| c.row), Some(2));
}

#[test]
fn empty_population_is_fine() {
    let idx = PopulationIndex::build(Vec::<PopulationRecord>::new().as_slice(), Options::default()).unwrap();
    assert!(idx.is_empty());
    let v = idx.verify(&member());
    assert_eq!(codes(&v), vec!["CITIZEN_NOT_FOUND"]);
    assert!(idx.verify_all(Vec::<MemberRecord>::new().as_slice()).is_empty());
}

#[test]
fn rows_read_back_as_written_after_the_chunks_are_stitched() {
    // More rows than one build chunk, so offsets run across chunks.
    let names: Vec<String> = (0..5_000).map(|i| format!("Nguyễn Văn Số{i}")).collect();
    let ids: Vec<String> = (0..5_000).map(|i| format!("042060{i:06}")).collect();
    let rows: Vec<PopulationRecord<'_>> = (0..5_000)
        .map(|i| PopulationRecord {
            citizen_id: Some(ids[i].as_str()),
            full_name: Some(names[i].as_str()),
            other_names: None,
            date_of_birth: Some(if i % 2 == 0 { "05/03/1960" } else { "1960" }),
            gender: Some(if i % 3 == 0 { "Nữ" } else { "Nam" }),
            hometown: Some("Hà Tĩnh"),
            old_id_number: None,
        })
        .collect();
    let idx = PopulationIndex::build(&rows[..], Options { as_of: as_of(), ..Options::default() }).unwrap();
    for i in [0, 1, 2047, 2048, 2049, 4095, 4096, 4999] {
        let v = idx.view(i);
        assert_eq!((v.full_name, v.citizen_id), (names[i].as_str(), ids[i].as_str()));
        assert_eq!(idx.full_name(i), names[i]);
        assert_eq!(v.dob.unwrap().is_full(), i % 2 == 0);
        assert_eq!(v.sex, Some(if i % 3 == 0 { Gender::Female } else { Gender::Male }));
        assert_eq!(idx.lookup(&ids[i]), Some(i));
    }
}

#[test]
fn dates_and_genders_read_back_as_written_whether_or_not_the_text_keeps_them() {
    // The common forms (dd/mm/yyyy of the date read, Nam, Nữ) are left out of a
    // row's text and rebuilt; every other form stays as written.
    let dobs =
        ["05/03/1960", "5/3/1960", "1960", "03/1960", "05-03-1960", "31/12/2099", "01/01/1899", " 05/03/1960", "x"];
    let genders = ["Nam", "Nữ", "nam", "NỮ", "Nu\u{0303}", "Nam giới", "M", ""];
    let ids: Vec<String> = (0..dobs.len() * genders.len()).map(|i| format!("0420600{i:05}")).collect();
    let rows: Vec<PopulationRecord<'_>> = (0..ids.len())
        .map(|i| PopulationRecord {
            citizen_id: Some(ids[i].as_str()),
            full_name: Some("Nguyễn Văn An"),
            other_names: None,
            date_of_birth: Some(dobs[i % dobs.len()]),
            gender: Some(genders[i / dobs.len()]),
            hometown: Some("Hà Tĩnh"),
            old_id_number: None,
        })
        .collect();
    let idx = PopulationIndex::build(&rows[..], Options { as_of: as_of(), ..Options::default() }).unwrap();
    for i in 0..ids.len() {
        let v = idx.view(i);
        let trimmed = |s: &'static str| s.trim();
        assert_eq!(v.date_of_birth, trimmed(dobs[i % dobs.len()]), "row {i}");
        assert_eq!(v.gender, genders[i / dobs.len()], "row {i}");
        assert_eq!(idx.identity(i).2, v.date_of_birth);
        assert_eq!((v.citizen_id, v.hometown), (ids[i].as_str(), "Hà Tĩnh"));
    }
}

#[test]
fn gathered_fields_come_back_in_the_order_asked() {
    let idx = index();
    let rows = [Some(3), None, Some(0), Some(3), Some(6), None];
    let (offsets, data) = idx.gather_field(&rows, 0);
    let text = std::str::from_utf8(&data).unwrap();
    let values: Vec<&str> = offsets.windows(2).map(|w| &text[w[0] as usize..w[1] as usize]).collect();
    assert_eq!(values, ["001071006666", "", "042060001234", "001071006666", "042090009999", ""]);
    let (offsets, data) = idx.gather_field(&rows[..1], 1);
    assert_eq!(
        (offsets, String::from_utf8(data).unwrap()),
        (vec![0, "Phạm Thị Lan".len() as i64], "Phạm Thị Lan".to_string())
    );
    assert_eq!(idx.gather_field(&[], 2), (vec![0], vec![]));
}

/// Population rows whose numbers a spreadsheet stored as numbers (provinces 001–009
/// lose two zeros, 010–099 one), beside the clean table's.
fn population_with_lost_zeros() -> Vec<PopulationRecord<'static>> {
    let mut rows = population();
    rows[2].citizen_id = Some("1070005555");
    rows[6].citizen_id = Some("42090009999.0");
    rows
}

#[test]
fn numbers_that_lost_their_zeros_are_read_with_them_on_both_sides() {
    let options = Options { as_of: as_of(), ..Options::default() };
    let idx = PopulationIndex::build(population_with_lost_zeros().as_slice(), options).unwrap();
    assert_eq!((idx.report().citizen_id_malformed, idx.report().citizen_id_zeros_restored), (0, 2));
    assert!(idx.report().warnings().iter().any(|w| w.starts_with("population: 2 citizen IDs stored as numbers")));
    assert_eq!(idx.lookup("001070005555"), Some(2));
    assert_eq!(idx.lookup("042090009999"), Some(6));
    let tuan = MemberRecord {
        full_name: Some("Lê Minh Tuấn"),
        date_of_birth: Some("1970"),
        hometown: Some("Hà Tây"),
        ..member()
    };
    for (typed, zeros) in [("001070005555", None), ("1070005555", Some("hai số 0")), ("1070005555.0", Some("hai số 0"))]
    {
        let v = idx.verify(&MemberRecord { citizen_id: Some(typed), ..tuan });
        assert_eq!(v.matched, Some(2), "{typed}");
        match zeros {
            None => assert_eq!(codes(&v), Vec::<&str>::new()),
            Some(said) => {
                assert_eq!(codes(&v), vec!["CITIZEN_ID_LEADING_ZERO"], "{typed}");
                let f = find(&v, "CITIZEN_ID_LEADING_ZERO");
                assert_eq!(f.severity, Severity::Info);
                assert!(f.message_vi.contains(said) && f.message_vi.contains("Văn bản"), "{}", f.message_vi);
                assert!(
                    f.message_en.contains("two leading zeros") && f.message_en.contains("Text"),
                    "{}",
                    f.message_en
                );
            }
        }
        assert_eq!(v.verdict, Verdict::Accept);
    }
    let nam = MemberRecord {
        full_name: Some("Hoàng Văn Nam"),
        date_of_birth: Some("02/02/1985"),
        citizen_id: Some("42090009999"),
        ..member()
    };
    // Row 6's number codes 1990 against a 1985 birth: the structure is checked on the number read whole.
    let v = idx.verify(&nam);
    assert_eq!((codes(&v), v.matched), (vec!["CITIZEN_ID_LEADING_ZERO", "CITIZEN_ID_YEAR_MISMATCH"], Some(6)));
    assert!(find(&v, "CITIZEN_ID_LEADING_ZERO").message_en.contains("had 11 digits"));
}

#[test]
fn a_short_number_starting_with_zero_is_missing_a_digit() {
    let idx = index();
    // Eleven digits starting with 0: no zero was lost. Read as 0042060001234 it
    // would code province 004 and year 2006; it is malformed, and the person is
    // offered by name and date of birth.
    let v = idx.verify(&MemberRecord { citizen_id: Some("04206000123"), ..member() });
    assert_eq!(codes(&v), vec!["CITIZEN_ID_MALFORMED"]);
    let f = find(&v, "CITIZEN_ID_MALFORMED");
    assert!(
        f.message_vi.contains("thiếu một chữ số") && f.message_en.contains("a digit is missing"),
        "{}",
        f.message_en
    );
    assert_eq!(v.candidates.first().map(|c| c.row), Some(0));
    assert_eq!(v.matched, None);
}

#[test]
fn a_card_number_that_lost_its_zero_is_put_right_and_said() {
    let idx = index();
    let v = idx.verify(&MemberRecord { party_card_number: Some("1234567"), ..member() });
    assert_eq!(codes(&v), vec!["CARD_NUMBER_LEADING_ZERO"]);
    let f = find(&v, "CARD_NUMBER_LEADING_ZERO");
    assert_eq!((f.severity, f.owner, f.party_value.as_str()), (Severity::Info, Owner::PartyBoard, "1234567"));
    assert!(f.message_vi.contains("Văn bản") && f.message_en.contains("format the column as Text"));
    assert_eq!(v.verdict, Verdict::Accept);
    // Seven digits starting with 0 lost a digit, not a zero.
    let v = idx.verify(&MemberRecord { party_card_number: Some("0123456"), ..member() });
    assert_eq!(codes(&v), vec!["CARD_NUMBER_MALFORMED"]);
    assert!(find(&v, "CARD_NUMBER_MALFORMED").message_en.contains("has 7 digits"));
}

/// A roster of columns, some of them absent from the file.
fn columns_without<'a>(members: &'a [MemberRecord<'a>], absent: &[Field]) -> Vec<Box<dyn StrSource + 'a>> {
    crate::vocabulary::ROSTER
        .iter()
        .map(|c| -> Box<dyn StrSource + 'a> {
            if absent.contains(&c.field) {
                Box::new(crate::records::Absent(members.len()))
            } else {
                Box::new(members.iter().map(|m| m.get(c.field)).collect::<Vec<_>>())
            }
        })
        .collect()
}

#[test]
fn a_short_column_set_skips_the_checks_of_the_absent_columns() {
    let idx = index();
    // A party organisation's own list: no member ID, admission or official date, ward or status.
    let absent = [Field::MemberId, Field::AdmissionDate, Field::OfficialDate, Field::Ward, Field::Status];
    let young = MemberRecord { date_of_birth: Some("05/03/2000"), ..member() };
    let members = [member(), MemberRecord { party_card_number: None, ..member() }, young];
    let boxed = columns_without(&members, &absent);
    let refs: Vec<&dyn StrSource> = boxed.iter().map(|b| b.as_ref()).collect();
    let roster = crate::records::RosterColumns::new(refs.try_into().ok().unwrap()).unwrap();
    let fields = roster.fields();
    assert!(!fields.has(Field::Status) && fields.has(Field::Gender));
    let cols = idx.verify_all(&roster);
    let found: Vec<(u32, &str)> =
        cols.findings.member.iter().zip(&cols.findings.code).map(|(&m, c)| (m, c.as_str())).collect();
    // No VALUE_MISSING for the absent columns; the card number's column is there, so its gap is still reported.
    // The third member's date of birth no longer matches the population's.
    assert_eq!(found, [(1, "CARD_NUMBER_MALFORMED"), (2, "DOB_MISMATCH")]);
    let not_run: Vec<&str> = fields.not_run().iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(not_run, ["member_id", "admission_date", "official_date", "age_at_admission", "status"]);
    // Where the columns are there, empty values are findings.
    let empty = [MemberRecord { member_id: None, status: None, admission_date: None, ..member() }];
    let v = idx.verify_all(&empty[..]);
    assert_eq!(v.findings.field, ["member_id", "status", "admission_date"]);
}

//! Properties of the generated province: determinism, chunking, numbers that agree
//! with their holders, rates near the configuration, a truth consistent with rows.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::records::checks::check_card;
use crate::records::citizen_id::{clean, CleanId};

fn generator(members: u64, seed: u64) -> Generator {
    Generator::new(Config::new(members, seed)).unwrap()
}

fn values(table: &Table, name: &str) -> Vec<Option<String>> {
    let col = table.column(name).unwrap_or_else(|| panic!("no column {name}"));
    (0..col.len()).map(|i| col.get(i).map(str::to_string)).collect()
}

fn text(table: &Table, name: &str) -> Vec<String> {
    values(table, name).into_iter().map(Option::unwrap_or_default).collect()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Year, month, day (0 unknown) of the date forms the generator writes.
fn parse_date(s: &str) -> (i32, u32, u32) {
    if let Ok(serial) = s.parse::<i32>() {
        if s.len() == 4 {
            return (serial, 0, 0);
        }
        let (y, m, d) = dates::civil_from_days(serial + dates::days_from_civil(1899, 12, 30));
        return (y, m, d);
    }
    if let Some((y, rest)) = s.split_once('-') {
        let (m, d) = rest.split_once('-').unwrap();
        return (y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap());
    }
    let parts: Vec<u32> = s.split('/').map(|p| p.parse().unwrap()).collect();
    match parts.as_slice() {
        [d, m, y] => (*y as i32, *m, *d),
        [m, y] => (*y as i32, *m, 0),
        _ => panic!("unexpected date {s}"),
    }
}

fn finding_set(chunk: &RosterChunk) -> HashSet<(String, String)> {
    text(&chunk.findings, "member_id").into_iter().zip(text(&chunk.findings, "code")).collect()
}

#[test]
fn the_same_seed_gives_the_same_province_and_another_seed_another() {
    let a = generator(3000, 7).generate_all().unwrap();
    let b = generator(3000, 7).generate_all().unwrap();
    let c = generator(3000, 8).generate_all().unwrap();
    assert_eq!(a, b);
    assert_ne!(text(&a.0.roster, "full_name"), text(&c.0.roster, "full_name"));
    assert_ne!(text(&a.1, "citizen_id"), text(&c.1, "citizen_id"));
}

#[test]
fn chunks_concatenate_to_the_one_shot_output() {
    let g = generator(5000, 11);
    let (whole, population) = g.generate_all().unwrap();
    for step in [1u64, 97, 1000, 4096, 5000] {
        let mut start = 0;
        let mut roster: Option<RosterChunk> = None;
        while start < g.members() {
            let stop = (start + step).min(g.members());
            let chunk = g.roster_chunk(start, stop).unwrap();
            match &mut roster {
                None => roster = Some(chunk),
                Some(r) => {
                    r.roster.extend(&chunk.roster);
                    r.findings.extend(&chunk.findings);
                    r.duplicates.extend(&chunk.duplicates);
                }
            }
            start = stop;
            if step == 1 && start > 600 {
                break;
            }
        }
        let roster = roster.unwrap();
        if step == 1 {
            let rows = roster.roster.rows();
            assert_eq!(text(&roster.roster, "member_id"), text(&whole.roster, "member_id")[..rows]);
            assert_eq!(text(&roster.roster, "full_name"), text(&whole.roster, "full_name")[..rows]);
            continue;
        }
        assert_eq!(roster, whole, "chunks of {step}");
        let mut pop = g.population_chunk(0, 0).unwrap();
        let mut q = 0;
        while q < g.population_slots() {
            let stop = (q + step).min(g.population_slots());
            pop.extend(&g.population_chunk(q, stop).unwrap());
            q = stop;
        }
        assert_eq!(pop, population, "population chunks of {step}");
    }
    assert_eq!(whole.roster.rows() as u64, g.roster_rows());
    assert_eq!(population.rows() as u64, g.population_rows());
    assert!(g.roster_chunk(10, 5).is_err());
    assert!(g.roster_chunk(0, g.members() + 1).is_err());
}

#[test]
fn citizen_numbers_are_unique_and_agree_with_their_holders() {
    let mut config = Config::new(20_000, 3);
    config.rates.id_sex_digit_wrong = 0.0;
    config.rates.id_year_wrong = 0.0;
    config.rates.id_unknown_province = 0.0;
    let g = Generator::new(config).unwrap();
    let (_, population) = g.generate_all().unwrap();
    let ids = text(&population, "citizen_id");
    let genders = text(&population, "gender");
    let dobs = text(&population, "date_of_birth");
    let valid: HashSet<u16> = data::PROVINCES.iter().map(|p| p.0).collect();
    let mut seen = HashSet::new();
    for ((id, gender), dob) in ids.iter().zip(&genders).zip(&dobs) {
        assert_eq!(id.len(), 12, "{id}");
        assert!(seen.insert(id.clone()), "number issued twice");
        let code: u16 = id[..3].parse().unwrap();
        assert!(valid.contains(&code), "{id}");
        let g_digit = id.as_bytes()[3] - b'0';
        assert_eq!(g_digit % 2 == 0, gender == "Nam", "{id} {gender}");
        let year = 1900 + 100 * i32::from(g_digit / 2) + id[4..6].parse::<i32>().unwrap();
        assert_eq!(year, parse_date(dob).0, "{id} {dob}");
        let age = 2025 - year;
        assert!((18..=96).contains(&age), "{dob}");
    }
    let home = ids.iter().filter(|id| id.starts_with("042")).count() as f64 / ids.len() as f64;
    assert!((0.75..0.85).contains(&home), "{home}");
    let old = values(&population, "old_id_number");
    let mut olds: HashMap<String, usize> = HashMap::new();
    for o in old.iter().flatten() {
        assert_eq!(o.len(), 9);
        *olds.entry(o.clone()).or_default() += 1;
    }
    let shared = olds.values().filter(|&&n| n > 1).count() as f64;
    assert!(olds.values().all(|&n| n <= 2));
    // 0.5% of pairs share a number: about 0.25% of holders' numbers.
    assert!(shared > 0.0 && shared / (olds.len() as f64) < 0.01, "{shared}");
}

#[test]
fn planted_number_errors_come_at_their_rates() {
    let g = generator(50_000, 5);
    let (_, population) = g.generate_all().unwrap();
    let ids = text(&population, "citizen_id");
    let genders = text(&population, "gender");
    let dobs = text(&population, "date_of_birth");
    let valid: HashSet<u16> = data::PROVINCES.iter().map(|p| p.0).collect();
    let (mut sex, mut year, mut code) = (0.0, 0.0, 0.0);
    for ((id, gender), dob) in ids.iter().zip(&genders).zip(&dobs) {
        let g_digit = id.as_bytes()[3] - b'0';
        sex += f64::from((g_digit % 2 == 0) != (gender == "Nam"));
        year += f64::from(1900 + 100 * i32::from(g_digit / 2) + id[4..6].parse::<i32>().unwrap() != parse_date(dob).0);
        code += f64::from(!valid.contains(&id[..3].parse().unwrap()));
    }
    let n = ids.len() as f64;
    assert!((0.001..0.003).contains(&(sex / n)), "{}", sex / n);
    assert!((0.001..0.003).contains(&(year / n)), "{}", year / n);
    assert!((0.0004..0.0018).contains(&(code / n)), "{}", code / n);
}

#[test]
fn findings_come_at_roughly_the_configured_rates() {
    let g = generator(60_000, 9);
    let chunk = g.roster_chunk(0, g.members()).unwrap();
    let mut by_code: HashMap<String, f64> = HashMap::new();
    for (code, cause) in text(&chunk.findings, "code").into_iter().zip(text(&chunk.findings, "cause")) {
        // Cards missing on probation are counted apart from mistyped cards.
        let key = if cause == "no_card_yet" { format!("{code}/{cause}") } else { code };
        *by_code.entry(key).or_default() += 1.0;
    }
    let share = |code: &str| by_code.get(code).copied().unwrap_or(0.0) / g.members() as f64;
    let near = |code: &str, expected: f64| {
        let got = share(code);
        assert!(got > expected * 0.7 && got < expected * 1.3, "{code}: {got:.4} against {expected:.4}");
    };
    let rates = Rates::default();
    near("STATUS_NOT_ELIGIBLE", rates.probationary + rates.transferred + rates.deceased);
    // Transfer copies without a number add theirs to the members without one.
    near("CITIZEN_ID_MISSING", rates.id_missing + rates.transfer_duplicate * 0.7);
    near("CITIZEN_ID_MALFORMED", rates.id_malformed);
    // A dropped digit that leaves 7 not starting with 0 reads as a lost leading zero.
    let cards = share("CARD_NUMBER_MALFORMED") + share("CARD_NUMBER_LEADING_ZERO");
    let expected = rates.card_malformed;
    assert!(cards > expected * 0.7 && cards < expected * 1.3, "cards: {cards:.4} against {expected:.4}");
    near("OFFICIAL_BEFORE_ADMISSION", rates.official_before_admission);
    near("NAME_DIACRITICS_MISSING", rates.diacritics_lost);
    near("GENDER_MISMATCH", rates.gender_mismatch + rates.borrowed_id / 2.0);
    for code in [
        "NAME_TYPO",
        "NAME_MIDDLE_MISSING",
        "DOB_MISMATCH",
        "HOMETOWN_MISMATCH",
        "UNDER_AGE_AT_ADMISSION",
        "CITIZEN_NOT_FOUND",
        "LEGACY_ID_ONLY",
        "NAME_EQUIVALENT_FORM",
        "NAME_REORDERED",
        "NAME_SPELLING_VARIANT",
        "NAME_MISMATCH",
        "CITIZEN_ID_SEX_MISMATCH",
        "CITIZEN_ID_YEAR_MISMATCH",
        "CITIZEN_ID_UNKNOWN_PROVINCE",
    ] {
        assert!(share(code) > 0.0, "{code} never planted");
    }
    let mut by_type: HashMap<String, f64> = HashMap::new();
    for t in text(&chunk.duplicates, "type") {
        *by_type.entry(t).or_default() += 1.0 / g.members() as f64;
    }
    let dup = |t: &str| by_type.get(t).copied().unwrap_or(0.0);
    assert!((0.004..0.01).contains(&dup("DUPLICATE_CITIZEN_ID")), "{by_type:?}");
    assert!((0.0035..0.0065).contains(&dup("DUPLICATE_PERSON")), "{by_type:?}");
    assert!((0.0035..0.0065).contains(&dup("TRANSFER_DUPLICATE")), "{by_type:?}");
}

#[test]
fn duplicate_pairs_show_what_their_type_says_and_no_pair_is_missing() {
    let g = generator(40_000, 13);
    let chunk = g.roster_chunk(0, g.members()).unwrap();
    let ids = text(&chunk.roster, "member_id");
    let row: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let numbers: Vec<String> = text(&chunk.roster, "citizen_id").iter().map(|s| digits(s)).collect();
    let units = text(&chunk.roster, "party_unit");
    let dobs = text(&chunk.roster, "date_of_birth");
    let mut truth = HashSet::new();
    for ((a, b), t) in text(&chunk.duplicates, "member_id_a")
        .iter()
        .zip(text(&chunk.duplicates, "member_id_b"))
        .zip(text(&chunk.duplicates, "type"))
    {
        let (i, j) = (row[a.as_str()], row[b.as_str()]);
        assert!(i < j);
        truth.insert((i, j));
        let same_number = !numbers[i].is_empty() && numbers[i] == numbers[j];
        match t.as_str() {
            "DUPLICATE_CITIZEN_ID" => assert!(same_number),
            "DUPLICATE_PERSON" => {
                assert!(!same_number);
                assert_eq!(units[i], units[j]);
                assert_eq!(dobs[i], dobs[j]);
            }
            "TRANSFER_DUPLICATE" => {
                assert!(!same_number);
                assert_ne!(units[i], units[j]);
                assert_eq!(dobs[i], dobs[j]);
            }
            other => panic!("unknown type {other}"),
        }
    }
    // Every two rows sharing a number are a planted pair.
    let mut by_number: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, n) in numbers.iter().enumerate() {
        if !n.is_empty() {
            by_number.entry(n.as_str()).or_default().push(i);
        }
    }
    for rows in by_number.values().filter(|r| r.len() > 1) {
        assert_eq!(rows.len(), 2, "three rows share a number");
        assert!(truth.contains(&(rows[0], rows[1])), "unplanted shared number");
    }
}

#[test]
fn the_truth_agrees_with_the_rows() {
    // Recompute the number, date and party-data findings from the written rows and
    // check the truth says exactly the same.
    let g = generator(30_000, 21);
    let (chunk, population) = g.generate_all().unwrap();
    let pop_ids = text(&population, "citizen_id");
    let pop_index: HashMap<&str, usize> = pop_ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let pop_dob = text(&population, "date_of_birth");
    let pop_gender = text(&population, "gender");
    let mut old_holders: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, o) in values(&population, "old_id_number").into_iter().enumerate() {
        if let Some(o) = o {
            old_holders.entry(o).or_default().push(i);
        }
    }
    let valid: HashSet<u16> = data::PROVINCES.iter().map(|p| p.0).collect();
    let male = |g: &str| matches!(g, "Nam" | "nam" | "NAM" | "Male" | "M" | "1");
    let agrees = |a: (i32, u32, u32), b: (i32, u32, u32)| {
        a.0 == b.0 && (a.1 == 0 || b.1 == 0 || a.1 == b.1) && (a.2 == 0 || b.2 == 0 || a.2 == b.2)
    };
    let mut expected = HashSet::new();
    let r = &chunk.roster;
    let checked = [
        "CITIZEN_ID_MISSING",
        "CITIZEN_ID_LEADING_ZERO",
        "CITIZEN_ID_MALFORMED",
        "LEGACY_ID_ONLY",
        "CITIZEN_ID_UNKNOWN_PROVINCE",
        "CITIZEN_ID_SEX_MISMATCH",
        "CITIZEN_ID_YEAR_MISMATCH",
        "CITIZEN_NOT_FOUND",
        "DOB_MISMATCH",
        "GENDER_MISMATCH",
        "CARD_NUMBER_MALFORMED",
        "CARD_NUMBER_LEADING_ZERO",
        "OFFICIAL_BEFORE_ADMISSION",
        "UNDER_AGE_AT_ADMISSION",
        "STATUS_NOT_ELIGIBLE",
    ];
    let rows = r.rows();
    let (mids, cids, dobs, genders) =
        (text(r, "member_id"), values(r, "citizen_id"), text(r, "date_of_birth"), text(r, "gender"));
    let (cards, adms, offs, statuses) =
        (values(r, "party_card_number"), text(r, "admission_date"), values(r, "official_date"), text(r, "status"));
    for i in 0..rows {
        let mut add = |code: &str| {
            expected.insert((mids[i].clone(), code.to_string()));
        };
        match cards[i].as_deref().map(check_card) {
            None | Some(Err(_)) => add("CARD_NUMBER_MALFORMED"),
            Some(Ok(card)) if card.zero_restored => add("CARD_NUMBER_LEADING_ZERO"),
            Some(Ok(_)) => {}
        }
        let adm = parse_date(&adms[i]);
        let adm_day = dates::days_from_civil(adm.0, adm.1, adm.2);
        if let Some(off) = &offs[i] {
            let o = parse_date(off);
            if dates::days_from_civil(o.0, o.1, o.2) < adm_day {
                add("OFFICIAL_BEFORE_ADMISSION");
            }
        }
        let dob = parse_date(&dobs[i]);
        if dob.1 != 0 && dob.2 != 0 && adm_day < dates::birthday(dates::days_from_civil(dob.0, dob.1, dob.2), 18) {
            add("UNDER_AGE_AT_ADMISSION");
        }
        if statuses[i] != "official" {
            add("STATUS_NOT_ELIGIBLE");
        }
        // Read as the record model reads it: zeros a spreadsheet dropped put back.
        let cleaned = cids[i].as_deref().map(clean);
        if cleaned.is_some_and(|c| c.zeros_restored > 0) {
            add("CITIZEN_ID_LEADING_ZERO");
        }
        let number = match cleaned.map(|c| c.id) {
            Some(CleanId::Personal(n)) => format!("{n:012}"),
            Some(CleanId::Legacy(n)) => format!("{n:09}"),
            Some(CleanId::Malformed(_)) => "?".into(),
            Some(CleanId::Missing) | None => String::new(),
        };
        let found = match number.len() {
            0 => {
                add("CITIZEN_ID_MISSING");
                None
            }
            9 => {
                add("LEGACY_ID_ONLY");
                match old_holders.get(&number).map(Vec::as_slice) {
                    Some([one]) => Some(*one),
                    _ => None,
                }
            }
            12 => {
                if !valid.contains(&number[..3].parse().unwrap()) {
                    add("CITIZEN_ID_UNKNOWN_PROVINCE");
                }
                let found = pop_index.get(number.as_str()).copied();
                if found.is_none() {
                    add("CITIZEN_NOT_FOUND");
                }
                // Against the population record where there is one, else the roster.
                let (ref_male, ref_year) =
                    found.map_or((male(&genders[i]), dob.0), |p| (male(&pop_gender[p]), parse_date(&pop_dob[p]).0));
                let g_digit = number.as_bytes()[3] - b'0';
                if (g_digit % 2 == 0) != ref_male {
                    add("CITIZEN_ID_SEX_MISMATCH");
                }
                if 1900 + 100 * i32::from(g_digit / 2) + number[4..6].parse::<i32>().unwrap() != ref_year {
                    add("CITIZEN_ID_YEAR_MISMATCH");
                }
                found
            }
            _ => {
                add("CITIZEN_ID_MALFORMED");
                None
            }
        };
        if let Some(p) = found {
            if !agrees(dob, parse_date(&pop_dob[p])) {
                add("DOB_MISMATCH");
            }
            if male(&genders[i]) != male(&pop_gender[p]) {
                add("GENDER_MISMATCH");
            }
        }
    }
    let truth: HashSet<(String, String)> =
        finding_set(&chunk).into_iter().filter(|(_, c)| checked.contains(&c.as_str())).collect();
    let missing: Vec<_> = expected.difference(&truth).take(5).collect();
    let extra: Vec<_> = truth.difference(&expected).take(5).collect();
    assert!(missing.is_empty() && extra.is_empty(), "not in truth: {missing:?}; not in rows: {extra:?}");
}

#[test]
fn clean_data_has_only_the_youngest_on_probation() {
    let mut config = Config::new(8_000, 4);
    config.rates = Rates::default().scaled(0.0).unwrap();
    let g = Generator::new(config).unwrap();
    let (chunk, population) = g.generate_all().unwrap();
    assert_eq!(chunk.duplicates.rows(), 0);
    assert_eq!(chunk.roster.rows(), 8_000);
    assert_eq!(population.rows(), 9_600);
    // The youngest cannot have finished probation: not eligible, and no card yet.
    let found: HashSet<(String, String)> =
        text(&chunk.findings, "code").into_iter().zip(text(&chunk.findings, "cause")).collect();
    let expected: HashSet<(String, String)> =
        [("STATUS_NOT_ELIGIBLE", "probationary"), ("CARD_NUMBER_MALFORMED", "no_card_yet")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    assert_eq!(found, expected);
    assert!(chunk.findings.rows() < 160, "{}", chunk.findings.rows());
    assert!(text(&chunk.roster, "citizen_id").iter().all(|id| id.len() == 12));
}

#[test]
fn names_follow_the_reference_shares() {
    let g = generator(30_000, 17);
    let (_, population) = g.generate_all().unwrap();
    let names = text(&population, "full_name");
    let folded: Vec<String> = names.iter().map(|n| crate::names::fold_key(n).unwrap()).collect();
    let share = |surname: &str| {
        folded.iter().filter(|n| n.split(' ').next() == Some(surname)).count() as f64 / names.len() as f64
    };
    assert!((0.34..0.40).contains(&share("nguyen")), "{}", share("nguyen"));
    assert!((0.09..0.13).contains(&share("tran")), "{}", share("tran"));
    let tokens = |n: &String| n.split(' ').count();
    let two_middles = folded.iter().filter(|n| tokens(n) >= 4).count() as f64 / names.len() as f64;
    assert!((0.1..0.3).contains(&two_middles), "{two_middles}");
    assert!(folded
        .iter()
        .any(|n| n.starts_with("ton that ") || n.starts_with("hoang phu ") || n.starts_with("au duong ")));
    assert!(folded.iter().any(|n| n.contains("h'") || n.starts_with("giang a ") || n.starts_with("thach ")));
    let keys: HashSet<String> = names.iter().map(|n| crate::names::name_key(n).unwrap()).collect();
    assert!(keys.len() > names.len() / 4, "too few distinct names: {}", keys.len());
}

#[test]
fn hometowns_use_old_and_new_province_names() {
    let g = generator(20_000, 2);
    let (chunk, population) = g.generate_all().unwrap();
    let all: Vec<String> = text(&chunk.roster, "hometown").into_iter().chain(text(&population, "hometown")).collect();
    let old_only: HashSet<&str> = data::PROVINCES.iter().filter(|p| p.1 != p.2).map(|p| p.1).collect();
    assert!(all.iter().any(|h| old_only.contains(h.as_str())));
    assert!(all.iter().any(|h| h == "Huế"), "a post-2025 name");
    assert!(all.iter().any(|h| h.starts_with("Tỉnh ") || h.starts_with("Thành phố ")));
}

#[test]
fn wards_and_cells_have_realistic_sizes() {
    let g = generator(102_235, 7);
    assert!((50..90).contains(&g.wards()), "{}", g.wards());
    let mean = 102_235.0 / g.party_units() as f64;
    assert!((15.0..35.0).contains(&mean), "{mean}");
}

#[test]
fn bad_configurations_are_refused_with_the_reason() {
    let err = |c: Config| Generator::new(c).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err(Config::new(0, 1)).contains("between 1 and"));
    assert!(err(Config::new(MAX_MEMBERS + 1, 1)).contains("5.6 million"));
    let mut c = Config::new(10, 1);
    c.rates.id_missing = 0.6;
    assert!(err(c).contains("citizen-ID plantings"));
    let mut c = Config::new(10, 1);
    c.population_extra = 2.0;
    assert!(err(c).contains("population_extra"));
    let mut rates = Rates::default();
    assert!(rates.set("typo", 1.5).is_err());
    assert!(matches!(rates.set("tpyo", 0.1), Err(SynthError::UnknownRate { .. })));
    rates.set("typo", 0.05).unwrap();
    assert_eq!(rates.get("typo"), Some(0.05));
    assert!(Rates::default().scaled(-1.0).is_err());
    assert_eq!(province_code("042").unwrap(), 42);
    assert_eq!(province_code("ha tinh").unwrap(), 42);
    assert_eq!(province_code("Tỉnh Hà Tĩnh").unwrap(), 42);
    assert_eq!(province_code("Thành phố Hồ Chí Minh").unwrap(), 79);
    assert!(province_code("003").is_err());
    assert!(province_code("Atlantis").is_err());
}

#[test]
fn tiny_provinces_work() {
    for n in [1, 2, 5, 30] {
        let g = generator(n, 1);
        let (chunk, population) = g.generate_all().unwrap();
        assert_eq!(chunk.roster.rows() as u64, g.roster_rows());
        assert_eq!(population.rows() as u64, g.population_rows());
    }
}

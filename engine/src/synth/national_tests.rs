//! A small national run: counts that add up, no number dealt twice across
//! provinces, cross-province transfers that are what the truth says, chunking that
//! changes nothing.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::synth::{data, people};

fn text(table: &Table, name: &str) -> Vec<String> {
    let col = table.column(name).unwrap_or_else(|| panic!("no column {name}"));
    (0..col.len()).map(|i| col.get(i).unwrap_or_default().to_string()).collect()
}

fn nation(members: u64, people: u64, seed: u64, transfers: f64) -> Nation {
    let mut config = NationalConfig::new(members, people, seed);
    config.cross_province_transfer = transfers;
    Nation::new(config).unwrap()
}

fn whole(n: &Nation) -> (RosterChunk, Table) {
    (n.roster_chunk(0, n.roster_slots()).unwrap(), n.population_chunk(0, n.population_slots()).unwrap())
}

/// The province code a national member ID carries after its letters.
fn province_of(member_id: &str) -> u16 {
    let digits: String = member_id.chars().skip_while(|c| c.is_ascii_alphabetic()).collect();
    digits[..3].parse().unwrap()
}

#[test]
fn members_and_people_are_spread_by_population_and_add_up() {
    let n = nation(6_300, 40_000, 3, 0.01);
    let provinces = n.provinces();
    assert_eq!(provinces.len(), 63);
    assert_eq!(provinces.iter().map(|p| p.members).sum::<u64>(), 6_300);
    assert_eq!(provinces.iter().map(|p| p.people).sum::<u64>(), 40_000);
    assert!(provinces.iter().all(|p| p.members >= 1 && p.people >= p.members));
    let hcm = provinces.iter().find(|p| p.code == 79).unwrap();
    let bac_kan = provinces.iter().find(|p| p.code == 6).unwrap();
    assert!(hcm.members > 20 * bac_kan.members, "{} vs {}", hcm.members, bac_kan.members);
    assert_eq!(provinces.iter().map(|p| p.transfers_in).sum::<u64>(), n.transfers());
    assert_eq!(provinces.iter().map(|p| p.transfers_out).sum::<u64>(), n.transfers());
    let (roster, population) = whole(&n);
    assert_eq!(roster.roster.rows() as u64, n.roster_rows());
    assert_eq!(provinces.iter().map(|p| p.roster_rows).sum::<u64>(), n.roster_rows());
    assert_eq!(population.rows() as u64, n.population_rows());
    // Only the members planted as missing from the population are left out.
    assert!(n.population_rows() < 40_000 && n.population_rows() > 40_000 - 6_300 / 100);
    // Each province's rows come together, in the table's order.
    let codes: Vec<u16> = text(&roster.roster, "member_id").iter().map(|id| province_of(id)).collect();
    let order: Vec<u16> = data::PROVINCES.iter().map(|p| p.0).collect();
    let mut seen: Vec<u16> = codes.clone();
    seen.dedup();
    assert_eq!(seen, order);
    for p in &provinces {
        assert_eq!(codes.iter().filter(|&&c| c == p.code).count() as u64, p.roster_rows, "{}", p.name);
    }
}

#[test]
fn no_number_card_or_member_id_is_dealt_twice_across_provinces() {
    let n = nation(12_000, 60_000, 5, 0.01);
    let (roster, population) = whole(&n);
    let numbers = text(&population, "citizen_id");
    let unique: HashSet<&String> = numbers.iter().collect();
    assert_eq!(unique.len(), numbers.len(), "a citizen number held by two people");
    // Codes outside the table are dealt by every province, each from its own block.
    let valid: HashSet<u16> = data::PROVINCES.iter().map(|p| p.0).collect();
    let unknown = numbers.iter().filter(|s| !valid.contains(&s[..3].parse::<u16>().unwrap())).count();
    assert!(unknown > 20, "{unknown} numbers with codes outside the table");
    // Old numbers: at most two holders (the planted shared pairs), both of one province.
    let mut old: HashMap<String, usize> = HashMap::new();
    for o in text(&population, "old_id_number").into_iter().filter(|o| !o.is_empty()) {
        *old.entry(o).or_default() += 1;
    }
    assert!(old.values().all(|&c| c <= 2));
    let shared = old.values().filter(|&&c| c == 2).count();
    assert!(shared < numbers.len() / 100, "{shared} shared old numbers");
    let ids = text(&roster.roster, "member_id");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
    // A card shows on two rows only where the truth pairs them.
    let pairs: HashSet<(String, String)> =
        text(&roster.duplicates, "member_id_a").into_iter().zip(text(&roster.duplicates, "member_id_b")).collect();
    let mut by_card: HashMap<String, Vec<String>> = HashMap::new();
    for (card, id) in text(&roster.roster, "party_card_number").into_iter().zip(&ids) {
        if !card.is_empty() {
            by_card.entry(card).or_default().push(id.clone());
        }
    }
    for holders in by_card.values().filter(|h| h.len() > 1) {
        assert_eq!(holders.len(), 2, "{holders:?}");
        assert!(
            pairs.contains(&(holders[0].clone(), holders[1].clone()))
                || pairs.contains(&(holders[1].clone(), holders[0].clone())),
            "card shared by unpaired rows {holders:?}"
        );
    }
}

#[test]
fn cross_province_transfers_are_present_and_what_the_truth_says() {
    let n = nation(20_000, 40_000, 9, 0.01);
    let (chunk, _) = whole(&n);
    let r = &chunk.roster;
    let ids = text(r, "member_id");
    let row: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let (units, wards, dobs, genders, numbers) =
        (text(r, "party_unit"), text(r, "ward"), text(r, "date_of_birth"), text(r, "gender"), text(r, "citizen_id"));
    let findings: HashSet<(String, String)> =
        text(&chunk.findings, "member_id").into_iter().zip(text(&chunk.findings, "code")).collect();
    let mut crossing: u64 = 0;
    let mut copies = HashSet::new();
    for (((a, b), kind), cause) in text(&chunk.duplicates, "member_id_a")
        .iter()
        .zip(text(&chunk.duplicates, "member_id_b"))
        .zip(text(&chunk.duplicates, "type"))
        .zip(text(&chunk.duplicates, "cause"))
    {
        let (i, j) = (row[a.as_str()], row[b.as_str()]);
        assert!(i < j, "pairs name the earlier row first");
        let b = &b;
        if !cause.starts_with("transfer_other_province") {
            assert_eq!(province_of(a), province_of(b), "an in-province duplicate across provinces");
            continue;
        }
        crossing += 1;
        assert_eq!(kind, "TRANSFER_DUPLICATE");
        // The member's own row gives the 12-digit number; the record left behind
        // (the earlier row when the member moved to a province listed before) does not.
        let twelve = |k: usize| numbers[k].chars().filter(char::is_ascii_digit).count() == 12;
        assert!(twelve(i) != twelve(j));
        let (i, j) = if twelve(i) { (i, j) } else { (j, i) };
        let (a, b) = (&ids[i], &ids[j]);
        let (from, to) = (province_of(a), province_of(b));
        let name = |code: u16| data::PROVINCES.iter().find(|p| p.0 == code).unwrap();
        assert_ne!(name(from).2, name(to).2, "moved to a province of the same post-2025 name");
        assert_ne!(units[i], units[j]);
        assert_eq!((&dobs[i], &genders[i]), (&dobs[j], &genders[j]));
        copies.insert(j);
        // Under one of the new province's cells.
        let cells_of_province: HashSet<(&String, &String)> =
            (0..ids.len()).filter(|&k| province_of(&ids[k]) == to && k != j).map(|k| (&units[k], &wards[k])).collect();
        assert!(cells_of_province.contains(&(&units[j], &wards[j])), "the cell is not one of the new province's");
        // The number is left off, or the old one is given.
        if cause.ends_with("old_id") {
            assert_eq!(numbers[j].len(), 9);
            assert!(findings.contains(&(b.clone(), "LEGACY_ID_ONLY".to_string())));
        } else {
            assert!(numbers[j].is_empty());
            assert!(findings.contains(&(b.clone(), "CITIZEN_ID_MISSING".to_string())));
        }
    }
    // The records left behind close each province's rows.
    for p in n.provinces() {
        let rows: Vec<usize> = (0..ids.len()).filter(|&k| province_of(&ids[k]) == p.code).collect();
        let tail = &rows[rows.len() - p.transfers_in as usize..];
        assert!(tail.iter().all(|k| copies.contains(k)), "{}", p.name);
        assert_eq!(rows.iter().filter(|k| copies.contains(k)).count() as u64, p.transfers_in);
    }
    let expected = 0.01 * 20_000.0;
    assert!((expected * 0.7..expected * 1.3).contains(&(crossing as f64)), "{crossing} transfers");
    assert_eq!(crossing, n.transfers());
    // Without the rate, none; the provinces' own rows do not change.
    let none = nation(20_000, 40_000, 9, 0.0);
    assert_eq!(none.transfers(), 0);
    let (plain, _) = whole(&none);
    let own = plain.roster.rows();
    assert_eq!(own as u64 + n.transfers(), n.roster_rows());
    let plain_rows: HashMap<String, (String, String)> = text(&plain.roster, "member_id")
        .into_iter()
        .zip(text(&plain.roster, "full_name").into_iter().zip(text(&plain.roster, "citizen_id")))
        .collect();
    let names = text(r, "full_name");
    let kept: Vec<usize> = (0..ids.len()).filter(|&k| plain_rows.contains_key(&ids[k])).collect();
    assert_eq!(kept.len(), own);
    assert!(kept.iter().all(|&k| plain_rows[&ids[k]] == (names[k].clone(), numbers[k].clone())));
}

#[test]
fn any_chunking_gives_the_same_rows() {
    let n = nation(3_000, 9_000, 17, 0.02);
    let (roster, population) = whole(&n);
    for step in [1_000u64, 337, 64] {
        let mut r = RosterChunk {
            roster: Table::new(&ROSTER_COLUMNS, 0),
            findings: Table::new(&FINDING_COLUMNS, 0),
            duplicates: Table::new(&DUPLICATE_COLUMNS, 0),
        };
        let mut start = 0;
        while start < n.roster_slots() {
            let stop = (start + step).min(n.roster_slots());
            let c = n.roster_chunk(start, stop).unwrap();
            r.roster.extend(&c.roster);
            r.findings.extend(&c.findings);
            r.duplicates.extend(&c.duplicates);
            start = stop;
        }
        assert_eq!(r, roster, "roster in chunks of {step}");
        let mut p = Table::new(&POPULATION_COLUMNS, 0);
        let mut start = 0;
        while start < n.population_slots() {
            let stop = (start + step).min(n.population_slots());
            p.extend(&n.population_chunk(start, stop).unwrap());
            start = stop;
        }
        assert_eq!(p, population, "population in chunks of {step}");
    }
    // The same seed gives the same country; another seed another.
    assert_eq!(whole(&nation(3_000, 9_000, 17, 0.02)).0, roster);
    assert_ne!(whole(&nation(3_000, 9_000, 18, 0.02)).0, roster);
}

#[test]
fn a_province_past_the_old_numbers_space_has_people_without_one() {
    // Hồ Chí Minh City alone: 10.5 million people, more than ten million old numbers.
    let mut config = Config::new(2_000, 1);
    config.province_code = 79;
    config.home_province_share = 1.0;
    config.population_extra = 5_249.0;
    config.national = Some(NationalPart { member_offset: 0, card_key: 1 });
    let g = Generator::new(config).unwrap();
    let people = people::People::new(&g.config, &g.cells, g.people);
    assert!(people.old_number(people::OLD_SPACE + 1).is_none());
    assert!((0..200).any(|j| people.old_number(j).is_some()));
    // One province alone keeps the limit.
    let mut single = Config::new(2_000, 1);
    single.population_extra = 1.5;
    assert!(matches!(Generator::new(single), Err(SynthError::InvalidConfig(_))));
}

#[test]
fn bad_national_configurations_are_refused() {
    for (members, people, rate) in
        [(10, 100, 0.0), (1_000, 999, 0.0), (1_000, 2_000, 0.5), (30_000_000, 40_000_000, 0.0)]
    {
        let mut config = NationalConfig::new(members, people, 1);
        config.cross_province_transfer = rate;
        assert!(matches!(Nation::new(config), Err(SynthError::InvalidConfig(_))), "{members} {people} {rate}");
    }
    let n = nation(1_000, 2_000, 1, 0.0);
    assert!(n.roster_chunk(5, n.roster_slots() + 1).is_err());
    assert!(n.population_chunk(7, 3).is_err());
}

#[test]
fn apportion_keeps_the_total_and_the_floor() {
    let shares = apportion(100, &[1, 1, 1], 1);
    assert_eq!(shares.iter().sum::<u64>(), 100);
    assert_eq!(shares, vec![34, 33, 33]);
    assert_eq!(apportion(63, &data::PROVINCE_POPULATION, 1), vec![1; 63]);
    let spread = apportion(1_000_000, &data::PROVINCE_POPULATION, 0);
    assert_eq!(spread.iter().sum::<u64>(), 1_000_000);
}

//! The rows written for each member: the roster's record of them and, for some, a
//! second row (a duplicate), each with what the truth must claim about it.

use rand::RngExt;
use rand_pcg::Pcg64Mcg;

use super::plan::{mistype, DupPlan, IdPlan, LATEST_OFFICIAL_DELAY, PROBATION_DAYS};
use super::truth::{card_is_well_formed, expected_findings, Facts, Finding, IdGiven, Pair, PairEnd};
use crate::names::{kind_and_score, ToneStyle};
use crate::synth::data::PROVINCES;
use crate::synth::dates::{birthday, date, full_date, parts, write_date, DateStyle};
use crate::synth::noise::{self, write_form, ContentNoise, Form, Legacy};
use crate::synth::people::{AliasPlace, People, Person};
use crate::synth::population::{self, chance, hometown_text, PopRecord, PARTIAL_STYLES};
use crate::synth::rng::{rng, Stream};
use crate::synth::{Generator, Table};
use crate::values::PartialDate;
use crate::vocabulary::{DuplicateType, Status};

#[derive(Clone, Debug)]
pub(crate) struct RosterRow<'g> {
    full_name: String,
    birth_name: Option<String>,
    date_of_birth: String,
    gender: &'static str,
    citizen_id: Option<String>,
    card: Option<String>,
    admission: String,
    official: Option<String>,
    party_unit: &'g str,
    ward: &'g str,
    hometown: String,
    status: Status,
}

impl RosterRow<'_> {
    pub fn write(&self, table: &mut Table, member_id: &str) {
        let values = [
            Some(member_id),
            Some(self.full_name.as_str()),
            self.birth_name.as_deref(),
            Some(self.date_of_birth.as_str()),
            Some(self.gender),
            self.citizen_id.as_deref(),
            self.card.as_deref(),
            Some(self.admission.as_str()),
            self.official.as_deref(),
            Some(self.party_unit),
            Some(self.ward),
            Some(self.hometown.as_str()),
            // The vocabulary's code, which every roster reader takes.
            Some(self.status.as_str()),
        ];
        for (i, v) in values.into_iter().enumerate() {
            table.push(i, v);
        }
    }
}

pub(crate) struct MemberOutput<'g> {
    pub rows: Vec<RosterRow<'g>>,
    pub findings: Vec<Finding>,
    pub pairs: Vec<Pair>,
}

fn format12(number: u64, separators: Option<usize>) -> String {
    let s = format!("{number:012}");
    match separators {
        None => s,
        Some(0) => format!("{} {} {}", &s[..3], &s[3..6], &s[6..]),
        Some(1) => format!("{}.{}.{}.{}", &s[..3], &s[3..6], &s[6..9], &s[9..]),
        Some(_) => format!("{}-{}-{}", &s[..3], &s[3..6], &s[6..]),
    }
}

fn separators(r: &mut Pcg64Mcg, rate: f64) -> Option<usize> {
    chance(r, rate).then(|| r.random_range(0..3))
}

fn apply_content(kind: ContentNoise, tokens: &mut Vec<String>, person: &Person, r: &mut Pcg64Mcg) -> bool {
    let name = person.name_in_use();
    match kind {
        ContentNoise::DiacriticsLost => {
            if r.random_bool(0.7) {
                let before = tokens.clone();
                for t in tokens.iter_mut() {
                    *t = noise::strip_marks(t);
                }
                *tokens != before
            } else {
                let marked: Vec<usize> =
                    (0..tokens.len()).filter(|&i| noise::strip_marks(&tokens[i]) != tokens[i]).collect();
                if marked.is_empty() {
                    return false;
                }
                let i = marked[r.random_range(0..marked.len())];
                tokens[i] = noise::strip_marks(&tokens[i]);
                true
            }
        }
        ContentNoise::Typo => noise::typo(tokens, r),
        ContentNoise::MiddleMissing => {
            let middle = name.middle_range();
            if name.minority || middle.is_empty() {
                return false;
            }
            let classic = middle.clone().find(|&i| matches!(tokens[i].as_str(), "Văn" | "Thị"));
            let i = classic.unwrap_or_else(|| r.random_range(middle));
            tokens.remove(i);
            true
        }
        ContentNoise::Reordered => {
            let given = name.given_range();
            if tokens.len() < 3 || given.start == 0 {
                return false;
            }
            let mut reordered: Vec<String> = tokens[given.clone()].to_vec();
            reordered.extend_from_slice(&tokens[..given.start]);
            *tokens = reordered;
            true
        }
        ContentNoise::SpellingVariant => noise::spelling_variant(tokens, r),
        ContentNoise::Mismatch => {
            let list: &[&str] =
                if person.core.male { &crate::synth::data::MALE_GIVEN } else { &crate::synth::data::FEMALE_GIVEN };
            let replacement = list[r.random_range(0..list.len())];
            let last = tokens.len() - 1;
            noise::different_name(tokens, last, replacement, r)
        }
    }
}

fn draw_form(r: &mut Pcg64Mcg, rates: &crate::synth::Rates, allow_legacy: bool) -> Form {
    let style = if chance(r, rates.roster_new_tone_style) { ToneStyle::New } else { ToneStyle::Old };
    let (upper, nfd, u_legacy): (bool, bool, f64) =
        (chance(r, rates.roster_upper), chance(r, rates.roster_nfd), r.random());
    let legacy = if !allow_legacy {
        None
    } else if u_legacy < rates.vni {
        Some(Legacy::Vni)
    } else if u_legacy < rates.vni + rates.tcvn3 {
        Some(Legacy::Tcvn3)
    } else {
        None
    };
    // Legacy text predates both upper-casing tools and NFD input: one or the other.
    if legacy.is_some() {
        Form { style: Some(style), upper: false, nfd: false, legacy }
    } else {
        Form { style: Some(style), upper, nfd, legacy }
    }
}

/// The roster's name for a person: a form, maybe a change, each checked against
/// the name layer so the change compares as intended; what does not is dropped.
fn roster_name(
    person: &Person,
    pop: &PopRecord,
    rates: &crate::synth::Rates,
    r: &mut Pcg64Mcg,
    allow_changes: bool,
) -> (String, Form, Option<ContentNoise>) {
    let mut form = draw_form(r, rates, allow_changes);
    let changes = [
        (rates.diacritics_lost, ContentNoise::DiacriticsLost),
        (rates.typo, ContentNoise::Typo),
        (rates.middle_missing, ContentNoise::MiddleMissing),
        (rates.reordered, ContentNoise::Reordered),
        (rates.spelling_variant, ContentNoise::SpellingVariant),
        (rates.name_mismatch, ContentNoise::Mismatch),
    ];
    let u: f64 = r.random();
    let mut content = None;
    let mut acc = 0.0;
    if allow_changes && person.alias.is_none() {
        for (rate, kind) in changes {
            acc += rate;
            if u < acc {
                content = Some(kind);
                break;
            }
        }
    }
    // The registered name in the population record's form: what the row is compared with.
    let in_use = person.name_in_use();
    let mut target = String::with_capacity(40);
    write_form(in_use.tokens(), &pop.form, &mut target);
    let base: Vec<String> = in_use.tokens().iter().map(|t| t.to_string()).collect();
    for attempt in 0..5 {
        let mut tokens = base.clone();
        if let Some(kind) = content {
            if !apply_content(kind, &mut tokens, person, r) {
                content = None;
                continue;
            }
        }
        let mut text = String::with_capacity(48);
        write_form(&tokens, &form, &mut text);
        let kind = kind_and_score(&text, &target).0;
        let good = match content {
            Some(c) => c.accepts(kind),
            None => kind.is_same_name(),
        };
        if good {
            return (text, form, content);
        }
        // The encoding is what the name layer could not read back: drop it first.
        if form.legacy.is_some() {
            form.legacy = None;
        } else if attempt >= 2 {
            content = None;
        }
    }
    let mut text = String::with_capacity(48);
    form.legacy = None;
    write_form(&base, &form, &mut text);
    (text, form, None)
}

fn gender_text(male: bool, r: &mut Pcg64Mcg, rate: f64) -> &'static str {
    if chance(r, rate) {
        let options: [(&str, &str); 5] = [("nam", "nữ"), ("Male", "Female"), ("M", "F"), ("1", "0"), ("NAM", "NỮ")];
        let (m, f) = options[r.random_range(0..options.len())];
        if male {
            m
        } else {
            f
        }
    } else if male {
        "Nam"
    } else {
        "Nữ"
    }
}

fn date_text(days: i32, style: DateStyle) -> String {
    let mut s = String::with_capacity(10);
    write_date(days, style, &mut s);
    s
}

/// Age at admission in days past the eighteenth birthday: most join in their
/// twenties, some much later.
fn admission_offset(r: &mut Pcg64Mcg) -> i32 {
    let years = if r.random_bool(0.6) { -5.0 * (1.0 - r.random::<f64>()).ln() } else { r.random_range(3.0..30.0) };
    (years * 365.25) as i32
}

/// A date of birth written wrong: day and month swapped, a day or month off, or
/// the year off by one.
fn wrong_dob(dob: &PartialDate, r: &mut Pcg64Mcg) -> (PartialDate, &'static str) {
    let (y, m, d) = parts(dob);
    let clamp = |y: i32, m: u32, d: u32| date(y, m, d.min(crate::synth::dates::days_in_month(y, m)));
    match r.random_range(0..5) {
        0 if d <= 12 && d != m => (date(y, d, m), "day_month_swapped"),
        0 | 1 => {
            let shift = r.random_range(1..=3);
            let day = if d > shift { d - shift } else { d + shift };
            (clamp(y, m, day), "day_off")
        }
        2 => {
            let month = (m + r.random_range(1..12) - 1) % 12 + 1;
            (clamp(y, month, d), "month_off")
        }
        3 => (clamp(y - 1, m, d), "year_off"),
        _ => (clamp(y + 1, m, d), "year_off"),
    }
}

fn other_province(province: usize, r: &mut Pcg64Mcg) -> usize {
    loop {
        let p = r.random_range(0..PROVINCES.len());
        if PROVINCES[p].2 != PROVINCES[province].2 {
            return p;
        }
    }
}

/// A number no reader can take as a citizen ID: a digit doubled (13 digits), two
/// dropped (10), or the letter O typed for a zero. One digit short is not used: an
/// 11-digit number reads as a 12-digit one whose leading zero a spreadsheet ate.
fn malformed(number: u64, r: &mut Pcg64Mcg) -> String {
    let mut s = format!("{number:012}");
    match r.random_range(0..3) {
        0 => {
            let i = r.random_range(0..12);
            let c = s.as_bytes()[i] as char;
            s.insert(i, c);
        }
        1 => {
            s.remove(r.random_range(0..12));
            s.remove(r.random_range(0..11));
        }
        _ => {
            // Every number has a zero: the province code starts with one.
            let zeros: Vec<usize> = s.match_indices('0').map(|(i, _)| i).collect();
            let i = zeros[r.random_range(0..zeros.len())];
            s.replace_range(i..i + 1, "O");
        }
    }
    s
}

fn malformed_card(card: &str, r: &mut Pcg64Mcg) -> (String, &'static str) {
    let mut s = card.to_string();
    match r.random_range(0..3) {
        0 => {
            s.remove(r.random_range(0..8));
            (s, "card_digit_dropped")
        }
        1 => {
            let i = r.random_range(0..8);
            let c = s.as_bytes()[i] as char;
            s.insert(i, c);
            (s, "card_digit_doubled")
        }
        _ => {
            let i = r.random_range(1..8);
            s.replace_range(i..i + 1, "O");
            (s, "card_letter_for_digit")
        }
    }
}

/// Where a member's record was left when they moved to another province: a cell
/// of that province's tree, in its ward.
#[derive(Clone, Copy)]
pub(crate) struct CrossCopy<'g> {
    pub unit: &'g str,
    pub ward: &'g str,
    /// The row gives the old 9-digit number rather than none.
    pub old_number: bool,
}

/// The rows of member `m` and what a correct cross-check finds on them.
pub(crate) fn member<'g>(g: &'g Generator, people: &People<'_>, m: u64) -> MemberOutput<'g> {
    member_with(g, people, m, None)
}

/// The rows of member `m`; with `cross`, the second row is the record left in
/// another province (the member's plan has no duplicate of its own there), and the
/// first row is exactly the one `member` writes.
pub(crate) fn member_with<'g>(
    g: &'g Generator,
    people: &People<'_>,
    m: u64,
    cross: Option<CrossCopy<'g>>,
) -> MemberOutput<'g> {
    let config = &g.config;
    let rates = &config.rates;
    let mut plan = g.plans[m as usize];
    if let Some(c) = cross {
        plan.dup = if c.old_number { DupPlan::CrossOld } else { DupPlan::CrossMissing };
    }
    let person = people.person(m);
    let pop = population::record_of(config, people, m, &person);
    let mut rn = rng(config.seed, Stream::Roster, m);
    let mut rp = rng(config.seed, Stream::Party, m);
    let unit_index = g.tree.unit_of(m);
    let unit = &g.tree.units[unit_index];
    let ward = &g.tree.wards[unit.ward as usize].name;

    let (full_name, form, content) = roster_name(&person, &pop, rates, &mut rn, true);
    let birth_name = match person.alias {
        Some((_, AliasPlace::RosterBirthName | AliasPlace::Both)) => {
            let mut s = String::with_capacity(40);
            write_form(person.name.tokens(), &Form { legacy: None, ..form }, &mut s);
            Some(s)
        }
        _ => None,
    };
    let style = form.style.unwrap_or(ToneStyle::Old);

    // Date of birth: partial for some of the oldest, in the row's date format.
    let true_dob = full_date(person.core.dob);
    let date_style = if chance(&mut rp, rates.date_format_variety) {
        [DateStyle::DmyShort, DateStyle::Iso, DateStyle::ExcelSerial][rp.random_range(0..3)]
    } else {
        DateStyle::Dmy
    };
    let mut dob_text = String::with_capacity(10);
    let oldest = i32::from(true_dob.year) < config.as_of_year() - 75;
    let mut dob = if oldest && chance(&mut rp, rates.partial_dob) {
        crate::synth::dates::partial_text(
            &true_dob,
            PARTIAL_STYLES[rp.random_range(0..PARTIAL_STYLES.len())],
            &mut dob_text,
        )
    } else {
        write_date(person.core.dob, date_style, &mut dob_text);
        true_dob
    };

    // Admitted after the eighteenth birthday by every date of birth on record.
    let floor = g.admission_floor(person.core.dob.max(pop.dob.latest()).max(dob.latest()));
    let (mut admission, mut official) = if plan.has_official {
        let latest = config.as_of - PROBATION_DAYS - LATEST_OFFICIAL_DELAY;
        let span = (latest - floor).max(0);
        let mut offset = admission_offset(&mut rp);
        if offset > span {
            offset = rp.random_range(0..=span);
        }
        let admission = floor + offset;
        (admission, Some(admission + PROBATION_DAYS + rp.random_range(0..=LATEST_OFFICIAL_DELAY)))
    } else {
        let lo = floor.max(config.as_of - 364).min(config.as_of);
        (rp.random_range(lo..=config.as_of), None)
    };

    let mut dob_cause = "";
    let mut dob_year_off = false;
    if dob.is_full() && chance(&mut rp, rates.dob_mismatch) {
        for _ in 0..4 {
            let (candidate, cause) = wrong_dob(&dob, &mut rp);
            if candidate != dob && birthday(candidate.latest(), 18) < admission && candidate.latest() < config.as_of {
                dob_year_off = candidate.year != dob.year;
                dob = candidate;
                dob_cause = cause;
                dob_text.clear();
                crate::synth::dates::write_partial(&dob, date_style, &mut dob_text);
                break;
            }
        }
    }
    if dob_cause.is_empty()
        && plan.has_official
        && dob.is_full()
        && pop.dob.is_full()
        && chance(&mut rp, rates.under_age_at_admission)
    {
        admission = (birthday(person.core.dob, 18) - rp.random_range(30..=600)).max(birthday(person.core.dob, 15));
        official = Some(admission + PROBATION_DAYS + rp.random_range(0..=LATEST_OFFICIAL_DELAY));
    }
    if official.is_some() && chance(&mut rp, rates.official_before_admission) {
        official = Some(admission - rp.random_range(30..=400));
    }

    let gender_flipped = chance(&mut rp, rates.gender_mismatch);
    let male = person.core.male != gender_flipped;
    let gender = gender_text(male, &mut rp, rates.gender_format_variety);

    let mut hometown = person.hometown;
    if chance(&mut rp, rates.hometown_mismatch) {
        hometown = other_province(hometown, &mut rp);
    }
    let hometown_is_new = chance(&mut rp, rates.roster_new_province_name);
    let hometown_prefix = chance(&mut rp, rates.hometown_prefix);
    let hometown_written = hometown_text(hometown, hometown_is_new, hometown_prefix, style);

    let number = person.core.number;
    let old = pop.old;
    let (citizen_id, id, id_cause) = match plan.id {
        IdPlan::Own => (Some(format12(number, separators(&mut rp, rates.id_separators))), IdGiven::Twelve(number), ""),
        IdPlan::Missing => (None, IdGiven::Missing, "id_missing"),
        IdPlan::Malformed => {
            let mut value = malformed(number, &mut rp);
            let mut given = IdGiven::malformed(&value);
            // A value read as a number with lost zeros may be another province's
            // number, which this province cannot look up: in a national run only
            // values that lead inside the province are kept.
            while config.national.is_some() && matches!(given, IdGiven::ZerosLost(n) if !g.cells.owns(n)) {
                value = malformed(number, &mut rp);
                given = IdGiven::malformed(&value);
            }
            (Some(value), given, "id_digits_wrong_count")
        }
        IdPlan::Legacy => {
            let o = old.expect("planned only for holders of an old number");
            (Some(format!("{:09}", o.number)), IdGiven::Legacy(m), "old_number_given")
        }
        IdPlan::Typo => {
            let typo = g.typos[&m];
            (Some(format12(typo, None)), IdGiven::Twelve(typo), "id_mistyped")
        }
        IdPlan::Borrowed => {
            let lent = people.core(m - 1).number;
            (Some(format12(lent, None)), IdGiven::Twelve(lent), "borrowed_id")
        }
    };

    let (card, card_cause) = if plan.has_official {
        let card = format!("{:08}", g.card(m));
        if chance(&mut rp, rates.card_malformed) {
            let (c, cause) = malformed_card(&card, &mut rp);
            (Some(c), cause)
        } else {
            (Some(card), "")
        }
    } else {
        (None, "")
    };

    let facts = Facts {
        name: full_name.clone(),
        birth_name: birth_name.clone(),
        content,
        form,
        dob,
        dob_cause,
        dob_year_off,
        male,
        gender_flipped,
        hometown,
        hometown_new: hometown_is_new,
        id,
        id_cause,
        card: card.clone(),
        card_cause,
        admission,
        official,
        status: plan.status,
    };
    let mut findings = Vec::new();
    expected_findings(g, people, &facts, &pop, false, &mut findings);

    let admission_text = date_text(admission, date_style);
    let official_text = official.map(|d| date_text(d, date_style));
    let row = RosterRow {
        full_name,
        birth_name: birth_name.clone(),
        date_of_birth: dob_text.clone(),
        gender,
        citizen_id,
        card: card.clone(),
        admission: admission_text.clone(),
        official: official_text.clone(),
        party_unit: &unit.name,
        ward,
        hometown: hometown_written,
        status: plan.status,
    };
    let mut out = MemberOutput { rows: vec![row], findings, pairs: Vec::new() };

    if plan.id == IdPlan::Borrowed {
        out.pairs.push(Pair {
            a: PairEnd::PreviousMember,
            b: PairEnd::Original,
            kind: DuplicateType::DuplicateCitizenId,
            cause: "borrowed_id",
        });
    }
    if plan.dup == DupPlan::None {
        return out;
    }

    // The member's second row: a copy of the record, written again.
    let mut rc = rng(config.seed, Stream::Copy, m);
    let (copy_name, copy_form, _) = roster_name(&person, &pop, rates, &mut rc, false);
    let (copy_id, copy_given, copy_id_cause, kind, cause) = match plan.dup {
        DupPlan::SameId => (
            Some(format12(number, separators(&mut rc, 0.5))),
            IdGiven::Twelve(number),
            "",
            DuplicateType::DuplicateCitizenId,
            "entered_twice",
        ),
        DupPlan::OtherIdTypo => {
            let typo = g.typos[&m];
            (
                Some(format12(typo, None)),
                IdGiven::Twelve(typo),
                "id_mistyped",
                DuplicateType::DuplicatePerson,
                "entered_twice_mistyped_id",
            )
        }
        DupPlan::OtherIdOld => {
            let o = old.expect("planned only for holders of an old number");
            (
                Some(format!("{:09}", o.number)),
                IdGiven::Legacy(m),
                "old_number_given",
                DuplicateType::DuplicatePerson,
                "entered_twice_old_id",
            )
        }
        DupPlan::TransferMissing => (
            None,
            IdGiven::Missing,
            "transfer_record_without_id",
            DuplicateType::TransferDuplicate,
            "transfer_not_removed",
        ),
        DupPlan::TransferOld => {
            let o = old.expect("planned only for holders of an old number");
            (
                Some(format!("{:09}", o.number)),
                IdGiven::Legacy(m),
                "old_number_given",
                DuplicateType::TransferDuplicate,
                "transfer_not_removed_old_id",
            )
        }
        DupPlan::CrossMissing => (
            None,
            IdGiven::Missing,
            "transfer_record_without_id",
            DuplicateType::TransferDuplicate,
            "transfer_other_province_not_removed",
        ),
        DupPlan::CrossOld => {
            let o = old.expect("chosen only among holders of an unshared old number");
            (
                Some(format!("{:09}", o.number)),
                IdGiven::Legacy(m),
                "old_number_given",
                DuplicateType::TransferDuplicate,
                "transfer_other_province_not_removed_old_id",
            )
        }
        DupPlan::None => unreachable!(),
    };
    let (copy_unit, copy_ward) = if let Some(c) = cross {
        (c.unit, c.ward)
    } else if kind == DuplicateType::TransferDuplicate {
        let units = &g.tree.units;
        let mut pick = None;
        for _ in 0..32 {
            let u = rc.random_range(0..units.len());
            if units[u].name != unit.name {
                pick = Some(u);
                break;
            }
        }
        let pick = pick
            .or_else(|| (1..units.len()).map(|k| (unit_index + k) % units.len()).find(|&u| units[u].name != unit.name))
            .expect("plans make transfers only where cells have different names");
        (units[pick].name.as_str(), g.tree.wards[units[pick].ward as usize].name.as_str())
    } else {
        (unit.name.as_str(), ward.as_str())
    };
    let copy_style = copy_form.style.unwrap_or(ToneStyle::Old);
    let copy_hometown_new = chance(&mut rc, rates.roster_new_province_name);
    // The second row was typed again from the same papers: the party history is the
    // same, but now and then a card digit or the admission day slips, or the dates
    // are written in another format.
    let copy_card = match &card {
        Some(c) if card_is_well_formed(c) && chance(&mut rc, rates.duplicate_card_retyped) => {
            let number: u64 = c.parse().expect("a well-formed card is 8 digits");
            Some(format!("{:08}", mistype(number, &mut rc)))
        }
        other => other.clone(),
    };
    let copy_admission = if chance(&mut rc, rates.duplicate_admission_retyped) {
        admission + if rc.random_bool(0.5) { 1 } else { -1 }
    } else {
        admission
    };
    let copy_date_style = if chance(&mut rc, rates.duplicate_dates_restyled) {
        [DateStyle::Dmy, DateStyle::DmyShort, DateStyle::Iso][rc.random_range(0..3)]
    } else {
        date_style
    };
    let copy_facts = Facts {
        name: copy_name.clone(),
        hometown_new: copy_hometown_new,
        content: None,
        form: copy_form,
        id: copy_given,
        id_cause: copy_id_cause,
        card: copy_card.clone(),
        admission: copy_admission,
        status: Status::Official,
        ..facts
    };
    expected_findings(g, people, &copy_facts, &pop, true, &mut out.findings);
    out.rows.push(RosterRow {
        full_name: copy_name,
        birth_name,
        date_of_birth: dob_text,
        gender,
        citizen_id: copy_id,
        card: copy_card,
        admission: date_text(copy_admission, copy_date_style),
        official: official.map(|d| date_text(d, copy_date_style)),
        party_unit: copy_unit,
        ward: copy_ward,
        hometown: hometown_text(hometown, copy_hometown_new, hometown_prefix, copy_style),
        status: Status::Official,
    });
    out.pairs.push(Pair { a: PairEnd::Original, b: PairEnd::Copy, kind, cause });
    out
}

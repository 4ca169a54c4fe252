//! The party side: each member's plan, the rows written for them, and the findings
//! a correct cross-check must report on those rows.
//!
//! The expected findings are not a list of what was attempted: they are computed
//! from the finished row and the population record its citizen number leads to,
//! with the rules stated in docs/generator.md ("What the truth assumes"). A planted
//! change that no check can see (a misspelt name on a member without a number) is
//! therefore not claimed, and a change that shows up elsewhere (a borrowed number
//! gives a name, date and gender mismatch) is claimed everywhere it shows.

use rand::RngExt;
use rand_pcg::Pcg64Mcg;

use super::data::PROVINCES;
use super::dates::{birthday, write_date, DateStyle, PartialDate};
use super::noise::{self, write_form, ContentNoise, Form, Legacy};
use super::people::{AliasPlace, People, Person, TAIL_SPACE};
use super::population::{self, chance, hometown_text, PopRecord, PARTIAL_STYLES};
use super::rng::{rng, Stream};
use super::{Generator, Table};
use crate::names::compare::MatchKind;
use crate::names::{kind_and_score, ToneStyle};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Official,
    Probationary,
    Transferred,
    Deceased,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Official => "official",
            Status::Probationary => "probationary",
            Status::Transferred => "transferred",
            Status::Deceased => "deceased",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdPlan {
    Own,
    Missing,
    Malformed,
    Legacy,
    Typo,
    Borrowed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DupPlan {
    None,
    SameId,
    OtherIdTypo,
    OtherIdOld,
    TransferMissing,
    TransferOld,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    pub status: Status,
    pub id: IdPlan,
    pub dup: DupPlan,
    pub not_in_population: bool,
    /// Old enough to have passed probation: has an official date and a card.
    pub has_official: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DuplicateType {
    DuplicateCitizenId,
    DuplicatePerson,
    TransferDuplicate,
}

impl DuplicateType {
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateType::DuplicateCitizenId => "DUPLICATE_CITIZEN_ID",
            DuplicateType::DuplicatePerson => "DUPLICATE_PERSON",
            DuplicateType::TransferDuplicate => "TRANSFER_DUPLICATE",
        }
    }
}

/// Probation lasts twelve months; official dates fall up to two months after.
const PROBATION_DAYS: i32 = 365;
const LATEST_OFFICIAL_DELAY: i32 = 60;

pub(crate) fn plan(people: &People<'_>, m: u64, single_unit: bool) -> Plan {
    let config = people.config;
    let rates = &config.rates;
    let core = people.core(m);
    let mut r = rng(config.seed, Stream::Plan, m);
    let can_be_official = birthday(core.dob, 18) + 1 + PROBATION_DAYS + LATEST_OFFICIAL_DELAY <= config.as_of;
    let (u_status, u_pop, u_id, u_dup, u_variant): (f64, f64, f64, f64, f64) =
        (r.random(), r.random(), r.random(), r.random(), r.random());
    let mut status = if u_status < rates.probationary {
        Status::Probationary
    } else if u_status < rates.probationary + rates.transferred {
        Status::Transferred
    } else if u_status < rates.probationary + rates.transferred + rates.deceased {
        Status::Deceased
    } else {
        Status::Official
    };
    if status == Status::Official && !can_be_official {
        status = Status::Probationary;
    }
    let has_official = can_be_official && status != Status::Probationary;
    let not_in_population = u_pop < rates.not_in_population;
    let old = people.old_number_of(m, &core);
    // Only the lower of two people sharing an old number ever gives it, so no two
    // roster rows of different people show the same 9-digit number.
    let legacy_ok = !not_in_population && old.is_some_and(|o| o.shared_with.is_none_or(|p| p > m));
    let unshared_old = !not_in_population && old.is_some_and(|o| o.shared_with.is_none());
    let id_rates =
        [rates.id_missing, rates.id_malformed, rates.legacy_id_only, rates.id_typo_not_found, rates.borrowed_id];
    let kinds = [IdPlan::Missing, IdPlan::Malformed, IdPlan::Legacy, IdPlan::Typo, IdPlan::Borrowed];
    let mut id = IdPlan::Own;
    let mut acc = 0.0;
    for (rate, kind) in id_rates.iter().zip(kinds) {
        acc += rate;
        if u_id < acc {
            id = kind;
            break;
        }
    }
    if id == IdPlan::Legacy && !legacy_ok {
        id = IdPlan::Own;
    }
    // Duplicates are drawn among official members with their own number; scaled so
    // the configured rates hold per member.
    let eligible = ((1.0 - rates.probationary - rates.transferred - rates.deceased)
        * (1.0 - id_rates.iter().sum::<f64>()))
    .max(0.2);
    let mut dup = DupPlan::None;
    if status == Status::Official && id == IdPlan::Own {
        let u = u_dup * eligible;
        if u < rates.duplicate_same_id {
            dup = DupPlan::SameId;
        } else if u < rates.duplicate_same_id + rates.duplicate_other_id {
            dup = if unshared_old && u_variant < 0.4 { DupPlan::OtherIdOld } else { DupPlan::OtherIdTypo };
        } else if u < rates.duplicate_same_id + rates.duplicate_other_id + rates.transfer_duplicate {
            dup = if single_unit {
                DupPlan::SameId
            } else if unshared_old && u_variant < 0.3 {
                DupPlan::TransferOld
            } else {
                DupPlan::TransferMissing
            };
        }
    }
    Plan { status, id, dup, not_in_population, has_official }
}

/// One slip in the six random digits: a digit replaced, or two neighbours swapped.
/// The province, sex and year digits stay right, so only the lookup can fail.
pub(crate) fn mistype(number: u64, r: &mut Pcg64Mcg) -> u64 {
    let prefix = number - number % TAIL_SPACE;
    let mut digits: Vec<u8> = format!("{:06}", number % TAIL_SPACE).bytes().map(|b| b - b'0').collect();
    let i = r.random_range(0..5);
    if r.random_bool(0.3) && digits[i] != digits[i + 1] {
        digits.swap(i, i + 1);
    } else {
        let at = r.random_range(0..6);
        let shift = r.random_range(1..10);
        digits[at] = (digits[at] + shift) % 10;
    }
    prefix + digits.iter().fold(0u64, |acc, &d| acc * 10 + u64::from(d))
}

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
            Some(self.status.as_str()),
        ];
        for (i, v) in values.into_iter().enumerate() {
            table.push(i, v);
        }
    }
}

pub(crate) struct Finding {
    /// On the member's duplicate row rather than its own.
    pub copy: bool,
    pub code: &'static str,
    pub field: &'static str,
    pub cause: &'static str,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum PairEnd {
    Original,
    Copy,
    /// The member just before (who lent this member a number).
    PreviousMember,
}

pub(crate) struct Pair {
    pub a: PairEnd,
    pub b: PairEnd,
    pub kind: DuplicateType,
    pub cause: &'static str,
}

pub(crate) struct MemberOutput<'g> {
    pub rows: Vec<RosterRow<'g>>,
    pub findings: Vec<Finding>,
    pub pairs: Vec<Pair>,
}

/// The citizen number as the roster gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IdGiven {
    Missing,
    Malformed,
    /// An old 9-digit number; the person who gave it.
    Legacy(u64),
    Twelve(u64),
}

/// What the oracle needs to know about one finished row.
struct Facts {
    name: String,
    birth_name: Option<String>,
    content: Option<ContentNoise>,
    form: Form,
    dob: PartialDate,
    dob_cause: &'static str,
    dob_year_off: bool,
    male: bool,
    gender_flipped: bool,
    hometown: usize,
    /// The hometown was written under the post-2025 name.
    hometown_new: bool,
    id: IdGiven,
    id_cause: &'static str,
    card: Option<String>,
    card_cause: &'static str,
    admission: i32,
    official: Option<i32>,
    status: Status,
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

const MATCH_CODES: [(MatchKind, &str); 7] = [
    (MatchKind::Equivalent, "NAME_EQUIVALENT_FORM"),
    (MatchKind::DiacriticsMissing, "NAME_DIACRITICS_MISSING"),
    (MatchKind::SpellingVariant, "NAME_SPELLING_VARIANT"),
    (MatchKind::MiddleNameMissing, "NAME_MIDDLE_MISSING"),
    (MatchKind::Reordered, "NAME_REORDERED"),
    (MatchKind::Typo, "NAME_TYPO"),
    (MatchKind::DifferentDiacritics, "NAME_MISMATCH"),
];

/// The finding code a name comparison of this kind gives; None for the same spelling.
pub fn name_code(kind: MatchKind) -> Option<&'static str> {
    match kind {
        MatchKind::Identical => None,
        MatchKind::Different => Some("NAME_MISMATCH"),
        k => MATCH_CODES.iter().find(|(m, _)| *m == k).map(|(_, c)| *c),
    }
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
            let list: &[&str] = if person.core.male { &super::data::MALE_GIVEN } else { &super::data::FEMALE_GIVEN };
            let replacement = list[r.random_range(0..list.len())];
            let last = tokens.len() - 1;
            noise::different_name(tokens, last, replacement, r)
        }
    }
}

fn draw_form(r: &mut Pcg64Mcg, rates: &super::Rates, allow_legacy: bool) -> Form {
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
    rates: &super::Rates,
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

fn equivalent_cause(roster: &Form, population: &Form) -> &'static str {
    let styles_differ = roster.style != population.style;
    match (roster.legacy, styles_differ) {
        (Some(Legacy::Vni), false) => "vni_encoding",
        (Some(Legacy::Vni), true) => "vni_encoding+tone_style",
        (Some(Legacy::Tcvn3), false) => "tcvn3_encoding",
        (Some(Legacy::Tcvn3), true) => "tcvn3_encoding+tone_style",
        (None, true) => "tone_style",
        // The name layer reads some decomposed marks (dot below before a circumflex)
        // as another spelling of the same name.
        (None, false) if roster.nfd || population.nfd => "nfd",
        (None, false) => "equivalent_form",
    }
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
    let (y, m, d) = (dob.year, dob.month, dob.day);
    let clamp =
        |y: i32, m: u32, d: u32| PartialDate { year: y, month: m, day: d.min(super::dates::days_in_month(y, m)) };
    match r.random_range(0..5) {
        0 if d <= 12 && d != m => (PartialDate { year: y, month: d, day: m }, "day_month_swapped"),
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

fn card_is_well_formed(card: &str) -> bool {
    card.len() == 8 && card.bytes().all(|b| b.is_ascii_digit())
}

/// The rows of member `m` and what a correct cross-check finds on them.
pub(crate) fn member<'g>(g: &'g Generator, people: &People<'_>, m: u64) -> MemberOutput<'g> {
    let config = &g.config;
    let rates = &config.rates;
    let plan = g.plans[m as usize];
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
    let true_dob = PartialDate::full(person.core.dob);
    let date_style = if chance(&mut rp, rates.date_format_variety) {
        [DateStyle::DmyShort, DateStyle::Iso, DateStyle::ExcelSerial][rp.random_range(0..3)]
    } else {
        DateStyle::Dmy
    };
    let mut dob_text = String::with_capacity(10);
    let oldest = true_dob.year < config.as_of_year() - 75;
    let mut dob = if oldest && chance(&mut rp, rates.partial_dob) {
        super::dates::partial_text(&true_dob, PARTIAL_STYLES[rp.random_range(0..PARTIAL_STYLES.len())], &mut dob_text)
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
                super::dates::write_partial(&dob, date_style, &mut dob_text);
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
        IdPlan::Malformed => (Some(malformed(number, &mut rp)), IdGiven::Malformed, "id_digits_wrong_count"),
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
        let card = format!("{:08}", g.cards.forward(m) + 10_000_000);
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
        DupPlan::None => unreachable!(),
    };
    let copy_unit = if kind == DuplicateType::TransferDuplicate {
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
        &units[pick]
    } else {
        unit
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
        party_unit: &copy_unit.name,
        ward: &g.tree.wards[copy_unit.ward as usize].name,
        hometown: hometown_text(hometown, copy_hometown_new, hometown_prefix, copy_style),
        status: Status::Official,
    });
    out.pairs.push(Pair { a: PairEnd::Original, b: PairEnd::Copy, kind, cause });
    out
}

/// The findings a correct cross-check reports on a row (rules in docs/generator.md).
fn expected_findings(
    g: &Generator,
    people: &People<'_>,
    f: &Facts,
    own: &PopRecord,
    copy: bool,
    out: &mut Vec<Finding>,
) {
    let mut add =
        |code: &'static str, field: &'static str, cause: &'static str| out.push(Finding { copy, code, field, cause });

    // Party data, checked on the roster alone.
    match &f.card {
        Some(card) if !card_is_well_formed(card) => add("CARD_NUMBER_MALFORMED", "party_card_number", f.card_cause),
        Some(_) => {}
        // Members on probation hold no card yet; the record model reports the gap.
        None => add("CARD_NUMBER_MALFORMED", "party_card_number", "no_card_yet"),
    }
    if f.official.is_some_and(|o| o < f.admission) {
        add("OFFICIAL_BEFORE_ADMISSION", "official_date", "official_before_admission");
    }
    if f.dob.is_full() && f.admission < birthday(super::dates::days_from_civil(f.dob.year, f.dob.month, f.dob.day), 18)
    {
        add("UNDER_AGE_AT_ADMISSION", "admission_date", "admitted_under_18");
    }
    if f.status != Status::Official {
        add("STATUS_NOT_ELIGIBLE", "status", f.status.as_str());
    }

    // The number: its shape, then where it leads.
    let record = match f.id {
        IdGiven::Missing => {
            add("CITIZEN_ID_MISSING", "citizen_id", f.id_cause);
            None
        }
        IdGiven::Malformed => {
            add("CITIZEN_ID_MALFORMED", "citizen_id", f.id_cause);
            None
        }
        IdGiven::Legacy(j) => {
            add("LEGACY_ID_ONLY", "citizen_id", f.id_cause);
            let holders: Vec<u64> = people
                .old_number(j)
                .map(|o| std::iter::once(j).chain(o.shared_with).filter(|&h| g.in_population(h)).collect())
                .unwrap_or_default();
            match holders.as_slice() {
                [h] if *h == own.person => Some(None),
                [h] => Some(Some(*h)),
                _ => None,
            }
        }
        IdGiven::Twelve(number) => {
            let holder = g.cells.holder(number).filter(|&h| g.in_population(h));
            let found =
                holder.map(|h| if h == own.person { own.clone() } else { population::record(&g.config, people, h) });
            let code = (number / 1_000_000_000) as u16;
            if super::data::province_index(code).is_none() {
                add("CITIZEN_ID_UNKNOWN_PROVINCE", "citizen_id", "issued_with_unknown_province_code");
            }
            // The structure is checked against the population record the number
            // leads to, and against the roster only when it leads nowhere.
            let (ref_male, ref_year) = found.as_ref().map_or((f.male, f.dob.year), |r| (r.male, r.dob.year));
            let g_digit = (number / 100_000_000) % 10;
            if (g_digit % 2 == 0) != ref_male {
                let cause = if found.is_none() && f.gender_flipped {
                    "roster_gender_flipped"
                } else {
                    "issued_with_wrong_sex_digit"
                };
                add("CITIZEN_ID_SEX_MISMATCH", "citizen_id", cause);
            }
            let year = 1900 + 100 * (g_digit / 2) as i32 + ((number / 1_000_000) % 100) as i32;
            if year != ref_year {
                let cause =
                    if found.is_none() && f.dob_year_off { "roster_dob_year_off" } else { "issued_with_wrong_year" };
                add("CITIZEN_ID_YEAR_MISMATCH", "citizen_id", cause);
            }
            match holder {
                None => {
                    let cause = if f.id_cause.is_empty() { "not_in_population" } else { f.id_cause };
                    add("CITIZEN_NOT_FOUND", "citizen_id", cause);
                    None
                }
                Some(h) if h == own.person => Some(None),
                Some(h) => Some(Some(h)),
            }
        }
    };
    let Some(other) = record else { return };
    let other_record;
    let (rec, lent) = match other {
        None => (own, false),
        Some(h) => {
            other_record = population::record(&g.config, people, h);
            (&other_record, true)
        }
    };

    // Cross-database checks against the record found. Names: the roster's name
    // against the registered one; where they are not the same spelling, every pair
    // of party name (in use, at birth) and population name (registered, other
    // names) is tried and the closest decides, as the record model does. A match
    // through an alias is NAME_ALIAS_MATCH.
    let (kind, score) = kind_and_score(&f.name, &rec.name);
    let mut best = (kind, score, true);
    let mut via_alias = false;
    if kind != MatchKind::Identical {
        let party = std::iter::once((f.name.as_str(), true)).chain(f.birth_name.as_deref().map(|b| (b, false)));
        for (party_name, in_use) in party {
            let others = rec.other_names.as_deref().unwrap_or("");
            let population_names = std::iter::once((rec.name.as_str(), true))
                .chain(others.split(';').map(str::trim).filter(|o| !o.is_empty()).map(|o| (o, false)));
            for (population_name, registered) in population_names {
                if in_use && registered {
                    continue;
                }
                let (k, sc) = kind_and_score(party_name, population_name);
                if (k, -sc) < (best.0, -best.1) {
                    best = (k, sc, in_use);
                    via_alias = true;
                }
            }
        }
    }
    let code = match best.0 {
        MatchKind::Identical | MatchKind::Equivalent if via_alias => Some("NAME_ALIAS_MATCH"),
        k => name_code(k),
    };
    if let Some(code) = code {
        let cause = if lent {
            "borrowed_id"
        } else if code == "NAME_ALIAS_MATCH" {
            "alias_recorded"
        } else if let Some(c) = f.content {
            c.cause()
        } else if best.0 == MatchKind::Equivalent {
            equivalent_cause(&f.form, &rec.form)
        } else {
            "name_form"
        };
        add(code, if best.2 { "full_name" } else { "birth_name" }, cause);
    }
    if !f.dob.agrees(&rec.dob) {
        add("DOB_MISMATCH", "date_of_birth", if lent { "borrowed_id" } else { f.dob_cause });
    }
    if f.male != rec.male {
        add("GENDER_MISMATCH", "gender", if lent { "borrowed_id" } else { "roster_gender_flipped" });
    }
    if place_set(f.hometown, f.hometown_new) & place_set(rec.hometown, rec.hometown_new) == 0 {
        add("HOMETOWN_MISMATCH", "hometown", if lent { "borrowed_id" } else { "hometown_other_province" });
    }
}

/// The provinces a written hometown can mean: every province that had the name
/// written before 2025 or belongs to the province of that name since. Two
/// hometowns agree when these overlap (Hà Giang and Tuyên Quang do; Bình Dương and
/// Bà Rịa - Vũng Tàu, now both Hồ Chí Minh City, do not: they are two places).
pub fn place_set(province: usize, written_new: bool) -> u64 {
    let name = if written_new { PROVINCES[province].2 } else { PROVINCES[province].1 };
    PROVINCES.iter().enumerate().filter(|(_, p)| p.1 == name || p.2 == name).fold(0u64, |set, (i, _)| set | 1 << i)
}

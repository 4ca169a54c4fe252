//! The truth: the findings a correct cross-check must report on a member's rows,
//! and the duplicate pairs among them.
//!
//! The expected findings are not a list of what was attempted: they are computed
//! from the finished row and the population record its citizen number leads to,
//! with the rules stated in docs/generator.md ("What the truth assumes"). A planted
//! change that no check can see (a misspelt name on a member without a number) is
//! therefore not claimed, and a change that shows up elsewhere (a borrowed number
//! gives a name, date and gender mismatch) is claimed everywhere it shows.

use crate::names::kind_and_score;
use crate::records::checks::{check_card, Card};
use crate::records::citizen_id::{clean, CleanId, Cleaned};
use crate::synth::data::PROVINCES;
use crate::synth::dates::{birthday, day_number};
use crate::synth::noise::{ContentNoise, Form, Legacy};
use crate::synth::people::People;
use crate::synth::population::{self, PopRecord};
use crate::synth::Generator;
use crate::values::PartialDate;
use crate::vocabulary::{Code, DuplicateType, MatchKind, Status};

pub(crate) struct Finding {
    /// On the member's duplicate row rather than its own.
    pub copy: bool,
    pub code: Code,
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

/// The citizen number as the roster gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum IdGiven {
    Missing,
    Malformed,
    /// An old 9-digit number; the person who gave it.
    Legacy(u64),
    Twelve(u64),
    /// A malformed value the record model reads as a number whose leading zeros a
    /// spreadsheet dropped (10 or 11 digits not starting with 0), with them put back.
    ZerosLost(u64),
}

impl IdGiven {
    /// A malformed value as the record model's reading (`citizen_id::clean`) takes it.
    pub(super) fn malformed(value: &str) -> IdGiven {
        match clean(value) {
            Cleaned { id: CleanId::Personal(number), zeros_restored: 1.. } => IdGiven::ZerosLost(number),
            _ => IdGiven::Malformed,
        }
    }
}

/// What the oracle needs to know about one finished row.
pub(super) struct Facts {
    pub(super) name: String,
    pub(super) birth_name: Option<String>,
    pub(super) content: Option<ContentNoise>,
    pub(super) form: Form,
    pub(super) dob: PartialDate,
    pub(super) dob_cause: &'static str,
    pub(super) dob_year_off: bool,
    pub(super) male: bool,
    pub(super) gender_flipped: bool,
    pub(super) hometown: usize,
    /// The hometown was written under the post-2025 name.
    pub(super) hometown_new: bool,
    pub(super) id: IdGiven,
    pub(super) id_cause: &'static str,
    pub(super) card: Option<String>,
    pub(super) card_cause: &'static str,
    pub(super) admission: i32,
    pub(super) official: Option<i32>,
    pub(super) status: Status,
}

const MATCH_CODES: [(MatchKind, Code); 7] = [
    (MatchKind::Equivalent, Code::NameEquivalentForm),
    (MatchKind::DiacriticsMissing, Code::NameDiacriticsMissing),
    (MatchKind::SpellingVariant, Code::NameSpellingVariant),
    (MatchKind::MiddleNameMissing, Code::NameMiddleMissing),
    (MatchKind::Reordered, Code::NameReordered),
    (MatchKind::Typo, Code::NameTypo),
    (MatchKind::DifferentDiacritics, Code::NameMismatch),
];

/// The finding code a name comparison of this kind gives; None for the same spelling.
pub fn name_code(kind: MatchKind) -> Option<Code> {
    match kind {
        MatchKind::Identical => None,
        MatchKind::Different => Some(Code::NameMismatch),
        k => MATCH_CODES.iter().find(|(m, _)| *m == k).map(|(_, c)| *c),
    }
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

pub(super) fn card_is_well_formed(card: &str) -> bool {
    card.len() == 8 && card.bytes().all(|b| b.is_ascii_digit())
}

/// The findings a correct cross-check reports on a row (rules in docs/generator.md).
pub(super) fn expected_findings(
    g: &Generator,
    people: &People<'_>,
    f: &Facts,
    own: &PopRecord,
    copy: bool,
    out: &mut Vec<Finding>,
) {
    let mut add = |code: Code, field: &'static str, cause: &'static str| out.push(Finding { copy, code, field, cause });

    // Party data, checked on the roster alone.
    // The record model's rule (`check_card`): seven digits not starting with 0 are
    // read as a number that lost its leading zero, whatever digit was dropped.
    match f.card.as_deref().map(check_card) {
        Some(Ok(Card { zero_restored: false })) => {}
        Some(Ok(Card { zero_restored: true })) => add(Code::CardNumberLeadingZero, "party_card_number", f.card_cause),
        Some(Err(_)) => add(Code::CardNumberMalformed, "party_card_number", f.card_cause),
        // Members on probation hold no card yet; the record model reports the gap.
        None => add(Code::CardNumberMalformed, "party_card_number", "no_card_yet"),
    }
    if f.official.is_some_and(|o| o < f.admission) {
        add(Code::OfficialBeforeAdmission, "official_date", "official_before_admission");
    }
    if f.dob.is_full() && f.admission < birthday(day_number(&f.dob), 18) {
        add(Code::UnderAgeAtAdmission, "admission_date", "admitted_under_18");
    }
    if f.status != Status::Official {
        // The cause is the status as the roster writes it: its code.
        add(Code::StatusNotEligible, "status", f.status.as_str());
    }

    // The number: its shape, then where it leads.
    let record = match f.id {
        IdGiven::Missing => {
            add(Code::CitizenIdMissing, "citizen_id", f.id_cause);
            None
        }
        IdGiven::Malformed => {
            add(Code::CitizenIdMalformed, "citizen_id", f.id_cause);
            None
        }
        IdGiven::Legacy(j) => {
            add(Code::LegacyIdOnly, "citizen_id", f.id_cause);
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
        IdGiven::Twelve(number) | IdGiven::ZerosLost(number) => {
            if f.id == IdGiven::ZerosLost(number) {
                add(Code::CitizenIdLeadingZero, "citizen_id", f.id_cause);
            }
            let holder = g.cells.holder(number).filter(|&h| g.in_population(h));
            let found =
                holder.map(|h| if h == own.person { own.clone() } else { population::record(&g.config, people, h) });
            let code = (number / 1_000_000_000) as u16;
            if crate::synth::data::province_index(code).is_none() {
                add(Code::CitizenIdUnknownProvince, "citizen_id", "issued_with_unknown_province_code");
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
                add(Code::CitizenIdSexMismatch, "citizen_id", cause);
            }
            let year = 1900 + 100 * (g_digit / 2) as i32 + ((number / 1_000_000) % 100) as i32;
            if year != i32::from(ref_year) {
                let cause =
                    if found.is_none() && f.dob_year_off { "roster_dob_year_off" } else { "issued_with_wrong_year" };
                add(Code::CitizenIdYearMismatch, "citizen_id", cause);
            }
            match holder {
                None => {
                    let cause = if f.id_cause.is_empty() { "not_in_population" } else { f.id_cause };
                    add(Code::CitizenNotFound, "citizen_id", cause);
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
        MatchKind::Identical | MatchKind::Equivalent if via_alias => Some(Code::NameAliasMatch),
        k => name_code(k),
    };
    if let Some(code) = code {
        let cause = if lent {
            "borrowed_id"
        } else if code == Code::NameAliasMatch {
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
        add(Code::DobMismatch, "date_of_birth", if lent { "borrowed_id" } else { f.dob_cause });
    }
    if f.male != rec.male {
        add(Code::GenderMismatch, "gender", if lent { "borrowed_id" } else { "roster_gender_flipped" });
    }
    if place_set(f.hometown, f.hometown_new) & place_set(rec.hometown, rec.hometown_new) == 0 {
        add(Code::HometownMismatch, "hometown", if lent { "borrowed_id" } else { "hometown_other_province" });
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

//! Names: the full name required, each party name usable as a name, and the best
//! agreement of the party names with the population's (aliases included).

use super::{capitalised, lower_first, missing, report};
use crate::names::{self, MatchKind};
use crate::records::checks::{field_vi, shown, FindingSink};
use crate::records::index::PopulationView;
use crate::records::{NameReading, PreparedMember};
use crate::vocabulary::codes::{Arg, Message, Phrase};
use crate::vocabulary::{Code, Owner};
use crate::MAX_NAME_BYTES;

/// Party names too long to be names, and a missing full name.
pub(in crate::records::index) fn check<S: FindingSink>(m: &PreparedMember<'_>, t: &mut S) {
    too_long(m.full_name, "full_name", t);
    too_long(m.birth_name, "birth_name", t);
    if m.full_name == NameReading::Missing {
        missing(t, "full_name");
    }
}

fn too_long<S: FindingSink>(name: NameReading<'_>, field: &'static str, t: &mut S) {
    if let NameReading::TooLong(name) = name {
        let title = capitalised(field_vi(field));
        let args =
            [Arg::each("field", &title, field), Arg::count("bytes", name.len()), Arg::count("limit", MAX_NAME_BYTES)];
        report(t, Message::NameTooLong, field, Owner::PartyBoard, shown(name), "", &args);
    }
}

pub(in crate::records::index) fn population_missing<S: FindingSink>(t: &mut S) {
    report(t, Message::PopulationNameMissing, "full_name", Owner::Police, "", "", &[]);
}

/// Compares the party names with the population's, aliases included, and files
/// the finding of the best pair. Returns the kind, score and the pair compared.
pub(in crate::records::index) fn compare<'a, S: FindingSink>(
    m: &PreparedMember<'a>,
    p: &PopulationView<'a>,
    t: &mut S,
) -> Option<(MatchKind, f64, &'a str, &'a str)> {
    let (full_name, birth_name) = (m.full_name.usable(), m.birth_name.usable());
    let primary_party = full_name.or(birth_name)?;
    if p.full_name.len() > MAX_NAME_BYTES {
        return None;
    }
    let (k, s) = names::kind_and_score(primary_party, p.full_name);
    let mut best = (k, s, primary_party, p.full_name);
    let primary_is_alias = full_name.is_none();
    let mut via_alias = primary_is_alias;
    if k != MatchKind::Identical {
        let party_names = [full_name, birth_name];
        for party in party_names.iter().flatten() {
            let pop_names =
                std::iter::once(p.full_name).chain(p.other_names_iter().filter(|o| o.len() <= MAX_NAME_BYTES));
            for pop in pop_names {
                if std::ptr::eq(*party, primary_party) && std::ptr::eq(pop, p.full_name) {
                    continue;
                }
                let (k2, s2) = names::kind_and_score(party, pop);
                if (k2, -s2) < (best.0, -best.1) {
                    best = (k2, s2, party, pop);
                    via_alias = true;
                }
            }
        }
    }
    let (kind, _, a, b) = best;
    let message = match kind {
        MatchKind::Identical => via_alias.then_some(Message::NameAliasMatch),
        MatchKind::Equivalent => Some(if via_alias { Message::NameAliasMatch } else { Message::NameEquivalentForm }),
        MatchKind::DiacriticsMissing => Some(Message::NameDiacriticsMissing),
        MatchKind::SpellingVariant => Some(Message::NameSpellingVariant),
        MatchKind::MiddleNameMissing => Some(Message::NameMiddleMissing),
        MatchKind::Reordered => Some(Message::NameReordered),
        MatchKind::Typo => Some(Message::NameTypo),
        MatchKind::DifferentDiacritics | MatchKind::Different => Some(Message::NameMismatch),
    };
    if let Some(message) = message {
        let code = message.code();
        let field = if full_name.is_some_and(|f| std::ptr::eq(f, a)) { "full_name" } else { "birth_name" };
        // Marks missing on the population side only: the police restore them.
        let owner = if code == Code::NameDiacriticsMissing && a.is_ascii() != b.is_ascii() && b.is_ascii() {
            Owner::Police
        } else {
            Owner::PartyBoard
        };
        let via = match (via_alias, std::ptr::eq(b, p.full_name)) {
            (false, _) => None,
            (true, true) => Some(Phrase::ViaBirthName),
            (true, false) => Some(Phrase::ViaOtherName),
        };
        let (via_vi, via_en) = via.map_or(("", ""), |v| (v.template_vi(), v.template_en()));
        let read = names::reading_taken(a, b).map(|r| match r.encoding {
            names::legacy::Encoding::Tcvn3 => Phrase::ReadAsTcvn3,
            _ => Phrase::ReadAsVni,
        });
        let (read_vi, read_en) = read.map_or(("", ""), |r| (r.template_vi(), r.template_en()));
        let (via_vi, via_en) = (format!("{via_vi}{read_vi}"), format!("{via_en}{read_en}"));
        let (summary_vi, summary_en) = match kind {
            MatchKind::DifferentDiacritics => {
                (Phrase::DifferentMarks.template_vi(), Phrase::DifferentMarks.template_en())
            }
            MatchKind::Different => (Phrase::DifferentNames.template_vi(), Phrase::DifferentNames.template_en()),
            _ => (code.summary_vi(), code.summary_en()),
        };
        let (summary_vi, summary_en) = (lower_first(summary_vi), lower_first(summary_en));
        let title = capitalised(field_vi(field));
        let args = [
            Arg::each("field", &title, field),
            Arg::each("summary", &summary_vi, &summary_en),
            Arg::each("via", &via_vi, &via_en),
        ];
        report(t, message, field, owner, a, b, &args);
    }
    Some((best.0, best.1, a, b))
}

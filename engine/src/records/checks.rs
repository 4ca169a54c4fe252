//! Findings and where they go (one record's list, a roster's columns), who acts on
//! each, and the party-record values read on their own (status, card number).

use std::fmt;

use crate::column::StrColumn;
use crate::values::dates::days_from_civil;
use crate::vocabulary::Field;
use crate::vocabulary::{Code, Owner, Severity};

/// One finding, owned (the single-record path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub field: &'static str,
    pub severity: Severity,
    pub owner: Owner,
    pub party_value: String,
    pub population_value: String,
    pub message_vi: String,
    pub message_en: String,
}

/// Where checks put their findings: a Vec for one record, columns for a roster.
pub trait FindingSink {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        code: Code,
        field: &'static str,
        owner: Owner,
        party: &str,
        population: &str,
        vi: fmt::Arguments<'_>,
        en: fmt::Arguments<'_>,
    );
}

impl FindingSink for Vec<Finding> {
    fn push(
        &mut self,
        code: Code,
        field: &'static str,
        owner: Owner,
        party: &str,
        population: &str,
        vi: fmt::Arguments<'_>,
        en: fmt::Arguments<'_>,
    ) {
        Vec::push(
            self,
            Finding {
                code,
                field,
                severity: code.severity(),
                owner,
                party_value: party.to_string(),
                population_value: population.to_string(),
                message_vi: vi.to_string(),
                message_en: en.to_string(),
            },
        );
    }
}

/// Findings of many members as columns; `member[i]` is the roster row of finding i.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FindingColumns {
    pub member: Vec<u32>,
    pub code: Vec<Code>,
    pub field: Vec<&'static str>,
    pub owner: Vec<Owner>,
    pub party_value: StrColumn,
    pub population_value: StrColumn,
    pub message_vi: StrColumn,
    pub message_en: StrColumn,
    /// The row findings are being written for.
    pub current: u32,
}

impl FindingColumns {
    pub fn new() -> Self {
        let empty = || StrColumn::with_capacity(0, 0);
        FindingColumns {
            party_value: empty(),
            population_value: empty(),
            message_vi: empty(),
            message_en: empty(),
            ..Default::default()
        }
    }

    pub fn len(&self) -> usize {
        self.member.len()
    }

    pub fn is_empty(&self) -> bool {
        self.member.is_empty()
    }

    pub fn severity(&self, i: usize) -> Severity {
        self.code[i].severity()
    }

    /// The chunks workers produced, as one set of columns, each chunk's text
    /// let go as soon as it is copied: at national size the findings' text is
    /// the largest thing the cross-check writes, and growing one buffer chunk
    /// by chunk would hold it up to three times over.
    pub fn concat(mut parts: Vec<FindingColumns>) -> FindingColumns {
        fn join<T: Copy>(parts: &mut [FindingColumns], column: fn(&mut FindingColumns) -> &mut Vec<T>) -> Vec<T> {
            let mut out = Vec::with_capacity(parts.iter_mut().map(|p| column(p).len()).sum());
            for p in parts.iter_mut() {
                out.extend_from_slice(&std::mem::take(column(p)));
            }
            out
        }
        fn text(parts: &mut [FindingColumns], column: fn(&mut FindingColumns) -> &mut StrColumn) -> StrColumn {
            let taken: Vec<StrColumn> = parts.iter_mut().map(|p| std::mem::take(column(p))).collect();
            StrColumn::concat(&taken)
        }
        FindingColumns {
            member: join(&mut parts, |p| &mut p.member),
            code: join(&mut parts, |p| &mut p.code),
            field: join(&mut parts, |p| &mut p.field),
            owner: join(&mut parts, |p| &mut p.owner),
            party_value: text(&mut parts, |p| &mut p.party_value),
            population_value: text(&mut parts, |p| &mut p.population_value),
            message_vi: text(&mut parts, |p| &mut p.message_vi),
            message_en: text(&mut parts, |p| &mut p.message_en),
            current: 0,
        }
    }

    /// Appends another set of columns (the chunks workers produced).
    pub fn extend(&mut self, other: &FindingColumns) {
        self.member.extend_from_slice(&other.member);
        self.code.extend_from_slice(&other.code);
        self.field.extend_from_slice(&other.field);
        self.owner.extend_from_slice(&other.owner);
        self.party_value.extend(&other.party_value);
        self.population_value.extend(&other.population_value);
        self.message_vi.extend(&other.message_vi);
        self.message_en.extend(&other.message_en);
    }
}

impl FindingSink for FindingColumns {
    fn push(
        &mut self,
        code: Code,
        field: &'static str,
        owner: Owner,
        party: &str,
        population: &str,
        vi: fmt::Arguments<'_>,
        en: fmt::Arguments<'_>,
    ) {
        use fmt::Write;
        self.member.push(self.current);
        self.code.push(code);
        self.field.push(field);
        self.owner.push(owner);
        self.party_value.data.push_str(party);
        self.party_value.finish_value();
        self.population_value.data.push_str(population);
        self.population_value.finish_value();
        let _ = self.message_vi.data.write_fmt(vi);
        self.message_vi.finish_value();
        let _ = self.message_en.data.write_fmt(en);
        self.message_en.finish_value();
    }
}

/// Passes findings on and remembers the worst severity of the current member.
pub(crate) struct Tally<'s, S: FindingSink> {
    pub sink: &'s mut S,
    pub worst: Option<Severity>,
    pub count: u32,
}

impl<S: FindingSink> FindingSink for Tally<'_, S> {
    fn push(
        &mut self,
        code: Code,
        field: &'static str,
        owner: Owner,
        party: &str,
        population: &str,
        vi: fmt::Arguments<'_>,
        en: fmt::Arguments<'_>,
    ) {
        self.worst = self.worst.max(Some(code.severity()));
        self.count += 1;
        self.sink.push(code, field, owner, party, population, vi, en);
    }
}

/// Why a party card number is not 8 digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardProblem {
    Characters,
    Length(u8),
}

/// A card number that reads: 8 digits, or 7 whose leading zero a spreadsheet
/// dropped (it stored the number as a number) and the reading put back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Card {
    pub zero_restored: bool,
}

/// Party card numbers have had 8 digits since 2003; separators are forgiven.
/// Seven digits starting with 0 lost no zero: a digit is missing.
pub fn check_card(raw: &str) -> Result<Card, CardProblem> {
    let s = raw.trim().trim_start_matches('\'');
    let mut digits = 0u32;
    let mut first = None;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            first.get_or_insert(c);
        } else if !(c.is_whitespace() || matches!(c, '.' | '-')) {
            return Err(CardProblem::Characters);
        }
    }
    match digits {
        8 => Ok(Card { zero_restored: false }),
        7 if first != Some('0') => Ok(Card { zero_restored: true }),
        n => Err(CardProblem::Length(n.min(255) as u8)),
    }
}

/// The party was founded on 3 February 1930: no admission before it.
pub fn party_founded() -> i32 {
    days_from_civil(1930, 2, 3)
}

/// A value shown in a finding: long ones cut, so a wrong column stays readable.
pub fn shown(value: &str) -> &str {
    const SHOWN: usize = 120;
    if value.len() <= SHOWN {
        return value;
    }
    let mut end = SHOWN;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    &value[..end]
}

pub(crate) fn side_vi(owner: Owner) -> &'static str {
    if owner == Owner::Police {
        "CSDL dân cư"
    } else {
        "hồ sơ đảng viên"
    }
}

pub(crate) fn side_en(owner: Owner) -> &'static str {
    if owner == Owner::Police {
        "population data"
    } else {
        "party record"
    }
}

pub(crate) fn field_vi(field: &str) -> &'static str {
    Field::from_code(field).map_or("giá trị", Field::title_vi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards() {
        let read = Ok(Card { zero_restored: false });
        assert_eq!(check_card("12345678"), read);
        assert_eq!(check_card("1234 5678"), read);
        assert_eq!(check_card("'12.345.678"), read);
        assert_eq!(check_card("01234567"), read);
        assert_eq!(check_card("1234567A"), Err(CardProblem::Characters));
        assert_eq!(check_card("123456"), Err(CardProblem::Length(6)));
    }

    #[test]
    fn a_card_number_one_digit_short_lost_its_zero_unless_it_starts_with_one() {
        assert_eq!(check_card("1234567"), Ok(Card { zero_restored: true }));
        assert_eq!(check_card("'123 4567"), Ok(Card { zero_restored: true }));
        assert_eq!(check_card("0123456"), Err(CardProblem::Length(7)));
    }

    #[test]
    fn column_sink_keeps_rows_apart() {
        let mut cols = FindingColumns::new();
        cols.current = 7;
        cols.push(
            Code::DobMismatch,
            "date_of_birth",
            Owner::PartyBoard,
            "1960",
            "1961",
            format_args!("vi {}", 1),
            format_args!("en"),
        );
        assert_eq!(cols.len(), 1);
        assert_eq!(cols.member[0], 7);
        assert_eq!(cols.message_vi.get(0), Some("vi 1"));
        assert_eq!(cols.population_value.get(0), Some("1961"));
        let mut more = FindingColumns::new();
        more.extend(&cols);
        more.extend(&cols);
        assert_eq!(more.len(), 2);
        assert_eq!(more.party_value.get(1), Some("1960"));
    }

    #[test]
    fn shown_cuts_on_a_char_boundary() {
        let long = "ữ".repeat(100);
        let s = shown(&long);
        assert!(s.len() <= 120 && long.starts_with(s));
    }
}

//! The population index and the cross-check of one member against it.
//!
//! Built once (build.rs): every population row's text sits in one arena (fields
//! separated by U+001F), its date of birth, gender and hometown are parsed, its
//! 12-digit and old 9-digit numbers go into sorted number tables, and its folded
//! name into a sorted blocking table under the keys of keys.rs (sorted.rs). A
//! member is then checked (check.rs) with a few lookups and one or two name
//! comparisons (lookup.rs), by the rules of each field (rules/).

mod ahead;
mod build;
mod check;
mod keys;
mod lookup;
mod partition;
mod rules;
mod sorted;

use std::cell::RefCell;

use rayon::prelude::*;

pub use build::BuildReport;
pub use partition::{MemberKeys, RowKeys};

use super::checks::{Finding, FindingColumns};

use super::places::Place;
use super::{MemberRecord, PreparedMember, RosterSource};
use crate::column::StrColumn;
use crate::names::{Comparer, MatchKind, NameMatch, Writer};
use crate::values::dates::{today, PartialDate};
use crate::values::gender::Gender;
use crate::vocabulary::{RosterFields, Verdict};
use sorted::{Blocks, NumberMap};

/// Separates a row's fields in the text arena; removed from values on the way in.
const SEP: char = '\u{1F}';
/// Set on a map value when more than one row holds the number.
const SHARED: u32 = 1 << 31;
const MAX_ROWS: usize = (SHARED - 1) as usize;
/// Rows per task: large enough to amortise scheduling, small enough to balance.
const CHUNK: usize = 2048;
/// Other names compared per person at most (the field is free text).
const MAX_OTHER_NAMES: usize = 8;

/// Per-row flags of population values that could not be read.
const DOB_UNREADABLE: u8 = 1;
const GENDER_UNREADABLE: u8 = 2;
const NAME_UNUSABLE: u8 = 4;
const HAS_OTHER_NAMES: u8 = 8;
/// Values left out of a row's text, read back from elsewhere: at national size
/// the dates of birth and genders were a fifth of the arena, nearly all written
/// one way. The date of birth is its parsed date written `dd/mm/yyyy`
/// (`date_text`, one copy of each day for all rows).
const DOB_AS_PARSED: u8 = 16;
/// The gender is "Nam".
const GENDER_NAM: u8 = 32;
/// The gender is "Nữ".
const GENDER_NU: u8 = 64;

/// Years whose days' `dd/mm/yyyy` texts the index keeps.
const DATE_TEXT_FIRST_YEAR: u16 = 1900;
const DATE_TEXT_YEARS: usize = 200;
const DATE_TEXT_LEN: usize = 10;

/// Where a full date's text is in `date_texts`, for a year the index keeps.
fn date_slot(d: PartialDate) -> Option<usize> {
    let years = DATE_TEXT_FIRST_YEAR..DATE_TEXT_FIRST_YEAR + DATE_TEXT_YEARS as u16;
    (d.is_full() && years.contains(&d.year) && d.month <= 12 && d.day <= 31).then(|| {
        (((d.year - DATE_TEXT_FIRST_YEAR) as usize * 12 + (d.month as usize - 1)) * 31 + (d.day as usize - 1))
            * DATE_TEXT_LEN
    })
}

/// Every day's `dd/mm/yyyy` of the years kept (impossible days included: never read).
fn date_texts() -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::with_capacity(DATE_TEXT_YEARS * 12 * 31 * DATE_TEXT_LEN);
    for y in 0..DATE_TEXT_YEARS {
        for m in 1..=12 {
            for d in 1..=31 {
                let _ = write!(out, "{d:02}/{m:02}/{:04}", DATE_TEXT_FIRST_YEAR as usize + y);
            }
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// The reference day (days since 1970-01-01): ages and "in the future" count to it.
    pub as_of: i32,
    /// Candidates offered per member at most.
    pub max_candidates: usize,
    /// Candidates scoring below this are not offered.
    pub min_candidate_score: f64,
    /// Blocks larger than this are skipped in candidate search (a very common name
    /// with no birth year to narrow it would flood the officer).
    pub max_block: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { as_of: today(), max_candidates: 5, min_candidate_score: 0.6, max_block: 256 }
    }
}

/// One population row, read back from the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PopulationView<'a> {
    pub row: usize,
    pub citizen_id: &'a str,
    pub full_name: &'a str,
    pub other_names: &'a str,
    pub date_of_birth: &'a str,
    pub gender: &'a str,
    pub hometown: &'a str,
    pub old_id_number: &'a str,
    /// Parsed values; None where missing or unreadable.
    pub dob: Option<PartialDate>,
    pub sex: Option<Gender>,
    pub place: Place,
}

impl<'a> PopulationView<'a> {
    /// The other names, one at a time.
    pub fn other_names_iter(&self) -> impl Iterator<Item = &'a str> {
        self.other_names.split(';').map(str::trim).filter(|s| !s.is_empty()).take(MAX_OTHER_NAMES)
    }
}

/// A possible population record for a member whose number did not lead to one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub row: usize,
    /// In [0, 1]: name 55 %, date of birth 30 %, gender 8 %, hometown 7 %.
    pub score: f64,
    pub name_kind: MatchKind,
}

/// The full answer for one member.
#[derive(Clone, Debug, PartialEq)]
pub struct Verification {
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    /// The population row the member was matched to (by number or by a unique old number).
    pub matched: Option<usize>,
    /// The comparison of the names that decided the name finding, with its alignment.
    pub name_match: Option<NameMatch>,
    /// The two names compared (party side, population side).
    pub name_pair: Option<(String, String)>,
    /// Offered when the number is missing or wrong; never accepted on their own.
    pub candidates: Vec<Candidate>,
}

/// The answers for a whole roster, as columns (row i is roster row i).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VerificationColumns {
    pub verdict: Vec<Verdict>,
    pub matched: Vec<Option<u32>>,
    /// The citizen ID of the matched row as the population table writes it (null where none).
    pub matched_citizen_id: StrColumn,
    pub name_kind: Vec<Option<MatchKind>>,
    pub name_score: Vec<Option<f32>>,
    pub findings: FindingColumns,
    /// Candidates, flattened: `candidate_member[j]` is the roster row of candidate j.
    pub candidate_member: Vec<u32>,
    pub candidate_row: Vec<u32>,
    pub candidate_score: Vec<f32>,
    pub candidate_kind: Vec<MatchKind>,
    /// Each candidate's citizen ID, full name and date of birth as the population
    /// table writes them, read while its row was at hand from scoring it.
    pub candidate_citizen_id: StrColumn,
    pub candidate_full_name: StrColumn,
    pub candidate_date_of_birth: StrColumn,
}

impl VerificationColumns {
    /// The chunks workers produced, in order, as one set of columns.
    fn concat(parts: Vec<VerificationColumns>) -> VerificationColumns {
        let rows: usize = parts.iter().map(VerificationColumns::len).sum();
        let candidates: usize = parts.iter().map(|p| p.candidate_row.len()).sum();
        let mut out = VerificationColumns {
            verdict: Vec::with_capacity(rows),
            matched: Vec::with_capacity(rows),
            matched_citizen_id: StrColumn::default(),
            name_kind: Vec::with_capacity(rows),
            name_score: Vec::with_capacity(rows),
            findings: FindingColumns::new(),
            candidate_member: Vec::with_capacity(candidates),
            candidate_row: Vec::with_capacity(candidates),
            candidate_score: Vec::with_capacity(candidates),
            candidate_kind: Vec::with_capacity(candidates),
            ..Default::default()
        };
        let mut findings = Vec::with_capacity(parts.len());
        let mut ids = Vec::with_capacity(parts.len());
        let mut identities: [Vec<StrColumn>; 3] = Default::default();
        for mut o in parts {
            ids.push(std::mem::take(&mut o.matched_citizen_id));
            identities[0].push(std::mem::take(&mut o.candidate_citizen_id));
            identities[1].push(std::mem::take(&mut o.candidate_full_name));
            identities[2].push(std::mem::take(&mut o.candidate_date_of_birth));
            out.verdict.extend(o.verdict);
            out.matched.extend(o.matched);
            out.name_kind.extend(o.name_kind);
            out.name_score.extend(o.name_score);
            out.candidate_member.extend(o.candidate_member);
            out.candidate_row.extend(o.candidate_row);
            out.candidate_score.extend(o.candidate_score);
            out.candidate_kind.extend(o.candidate_kind);
            findings.push(o.findings);
        }
        out.findings = FindingColumns::concat(findings);
        out.matched_citizen_id = StrColumn::concat(&ids);
        let [citizen_id, full_name, date_of_birth] = identities.map(|parts| StrColumn::concat(&parts));
        out.candidate_citizen_id = citizen_id;
        out.candidate_full_name = full_name;
        out.candidate_date_of_birth = date_of_birth;
        out
    }

    pub fn len(&self) -> usize {
        self.verdict.len()
    }

    pub fn is_empty(&self) -> bool {
        self.verdict.is_empty()
    }
}

/// Reusable buffers of one thread.
#[derive(Default)]
struct Work {
    writer: Writer,
    fold: String,
    buf: String,
    text: String,
    rows: Vec<u32>,
    candidates: Vec<Candidate>,
    /// Name comparisons of the current search, by population name: namesakes in a
    /// block mostly share one spelling, so each spelling is compared once.
    compared: Vec<(u64, u32, MatchKind, f64)>,
}

thread_local! {
    static WORK: RefCell<Work> = RefCell::new(Work::default());
}

fn with_work<T>(f: impl FnOnce(&mut Work) -> T) -> T {
    WORK.with(|w| match w.try_borrow_mut() {
        Ok(mut work) => f(&mut work),
        Err(_) => f(&mut Work::default()),
    })
}

/// The first `N` fields of a row's text, empty where the row has fewer. A byte
/// scan: SEP is one byte no value holds (the build replaces it) and never part of
/// another character, and a row is short, so this beats a char searcher's setup
/// per field (every matched member and every candidate is read this way).
fn split_fields<const N: usize>(text: &str) -> [&str; N] {
    let mut out = [""; N];
    let (mut start, mut k) = (0, 0);
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if b == SEP as u8 {
            out[k] = &text[start..i];
            k += 1;
            if k == N {
                return out;
            }
            start = i + 1;
        }
    }
    if k < N {
        out[k] = &text[start..];
    }
    out
}

/// What the candidate search looks for: the member's name, date of birth, gender and hometown.
#[derive(Clone, Copy)]
struct Search<'a> {
    name: &'a str,
    dob: Option<PartialDate>,
    sex: Option<Gender>,
    place: Place,
}

/// What `check` decided besides the findings.
#[derive(Default)]
struct Outcome<'a> {
    matched: Option<u32>,
    /// The matched row's citizen ID as the population table writes it, read
    /// while the row is at hand (reading it again later misses the caches).
    matched_citizen_id: Option<&'a str>,
    name: Option<(MatchKind, f64, &'a str, &'a str)>,
}

/// What a check reads of one population row besides its text, side by side: a
/// member's record and every candidate cost one cache line here, not one per
/// column (at national size the table is far larger than the caches, and rows
/// are reached in no useful order). 24 bytes: a row's text is at most a few
/// kilobytes (each value is cut at its limit) and a chunk's arena a few dozen
/// megabytes, so 32 bits hold both.
#[derive(Clone, Copy, Debug, Default)]
struct RowInfo {
    place: Place,
    /// Where the row's text starts in its chunk's arena, and its length.
    start: u32,
    len: u32,
    dob: PartialDate,
    name_len: u16,
    sex: Option<Gender>,
    flags: u8,
}

/// The population table, indexed for verification.
pub struct PopulationIndex {
    /// The rows' text, one arena per `CHUNK` rows as the build wrote it (joining
    /// them would copy the whole table's text once more).
    texts: Vec<String>,
    rows: Vec<RowInfo>,
    /// 12-digit numbers to their row (`SHARED` set when more than one row holds it).
    by_id: NumberMap,
    /// Old 9-digit numbers to their row, or `SHARED` and where in `old_shared` their rows are.
    by_old_id: NumberMap,
    old_shared: Vec<Vec<u32>>,
    blocks: Blocks,
    /// Blocks the candidate search passes over whatever their size here, sorted:
    /// the ones too large in the whole table when this index holds a slice of it
    /// (`skip_blocks`).
    skipped: Vec<u64>,
    /// The texts of `DOB_AS_PARSED` dates (`date_slot`).
    date_texts: Vec<u8>,
    report: BuildReport,
    options: Options,
}

impl PopulationIndex {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn report(&self) -> &BuildReport {
        &self.report
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Bytes held, roughly: for capacity planning.
    pub fn memory_bytes(&self) -> usize {
        self.texts.iter().map(String::capacity).sum::<usize>()
            + self.texts.capacity() * std::mem::size_of::<String>()
            + self.rows.capacity() * std::mem::size_of::<RowInfo>()
            + self.by_id.memory_bytes()
            + self.by_old_id.memory_bytes()
            + self.old_shared.iter().map(|v| v.capacity() * 4 + 24).sum::<usize>()
            + self.blocks.memory_bytes()
            + self.date_texts.capacity()
    }

    /// The `dd/mm/yyyy` of a `DOB_AS_PARSED` row's date.
    fn date_text(&self, d: PartialDate) -> &str {
        date_slot(d).and_then(|at| std::str::from_utf8(&self.date_texts[at..at + DATE_TEXT_LEN]).ok()).unwrap_or("")
    }

    /// A row's date of birth and gender as the population table writes them.
    fn dob_and_gender<'a>(&'a self, info: &RowInfo, in_text: (&'a str, &'a str)) -> (&'a str, &'a str) {
        let dob = if info.flags & DOB_AS_PARSED != 0 { self.date_text(info.dob) } else { in_text.0 };
        let gender = match info.flags & (GENDER_NAM | GENDER_NU) {
            GENDER_NAM => "Nam",
            GENDER_NU => "Nữ",
            _ => in_text.1,
        };
        (dob, gender)
    }

    /// One row as stored; panics when `row >= len()`.
    pub fn view(&self, row: usize) -> PopulationView<'_> {
        let info = &self.rows[row];
        let text = &self.texts[row / CHUNK][info.start as usize..info.start as usize + info.len as usize];
        let [full_name, citizen_id, other_names, date_of_birth, gender, hometown, old_id_number] = split_fields(text);
        let (date_of_birth, gender) = self.dob_and_gender(info, (date_of_birth, gender));
        let dob = info.dob;
        PopulationView {
            row,
            full_name,
            citizen_id,
            other_names,
            date_of_birth,
            gender,
            hometown,
            old_id_number,
            dob: dob.is_known().then_some(dob),
            sex: info.sex,
            place: info.place,
        }
    }

    /// The first `N` fields of a row's text in the arena's order (full name,
    /// citizen ID, other names, date of birth, …), the rest left unread.
    fn leading<const N: usize>(&self, row: usize) -> [&str; N] {
        let info = &self.rows[row];
        let text = &self.texts[row / CHUNK][info.start as usize..info.start as usize + info.len as usize];
        split_fields(text)
    }

    /// The citizen ID of one row as the population table writes it.
    pub fn citizen_id(&self, row: usize) -> &str {
        let [_, citizen_id] = self.leading(row);
        citizen_id
    }

    /// What tells one row's citizen apart for an officer: citizen ID, full name and date of birth.
    pub fn identity(&self, row: usize) -> (&str, &str, &str) {
        let [full_name, citizen_id, _, date_of_birth] = self.leading(row);
        let (date_of_birth, _) = self.dob_and_gender(&self.rows[row], (date_of_birth, ""));
        (citizen_id, full_name, date_of_birth)
    }

    /// One text field of many rows, as Arrow-style offsets and bytes in the order
    /// asked (`None` rows give empty values; the caller marks them null). Field `k`
    /// is numbered as in `POPULATION_COLUMNS`. The rows are read in table order:
    /// at national size the rows a roster leads to are spread over the whole table,
    /// and reading them in roster order misses the caches at nearly every row.
    pub fn gather_field(&self, rows: &[Option<usize>], k: usize) -> (Vec<i64>, Vec<u8>) {
        let mut order: Vec<(u32, u32)> =
            rows.iter().enumerate().filter_map(|(i, r)| r.map(|r| (r as u32, i as u32))).collect();
        order.par_sort_unstable();
        let values: Vec<&str> = order.iter().map(|&(r, _)| self.field(r as usize, k)).collect();
        let mut offsets = vec![0i64; rows.len() + 1];
        for (&(_, i), v) in order.iter().zip(&values) {
            offsets[i as usize + 1] = v.len() as i64;
        }
        for i in 0..rows.len() {
            offsets[i + 1] += offsets[i];
        }
        let mut data = vec![0u8; offsets[rows.len()] as usize];
        for (&(_, i), v) in order.iter().zip(&values) {
            let start = offsets[i as usize] as usize;
            data[start..start + v.len()].copy_from_slice(v.as_bytes());
        }
        (offsets, data)
    }

    /// Field `k` (numbered as in `POPULATION_COLUMNS`) of one row.
    pub(super) fn field(&self, row: usize, k: usize) -> &str {
        let v = self.view(row);
        [v.citizen_id, v.full_name, v.other_names, v.date_of_birth, v.gender, v.hometown, v.old_id_number][k]
    }

    /// Verifies one member: every finding, the verdict, the matched record and the
    /// candidates, with the name alignment.
    pub fn verify(&self, member: &MemberRecord<'_>) -> Verification {
        with_work(|w| {
            let mut findings: Vec<Finding> = Vec::new();
            let prepared = PreparedMember::read(member, self.options.as_of, &mut w.buf);
            let (worst, outcome) = self.check(&prepared, RosterFields::ALL, w, &mut findings);
            let name_match = outcome.name.map(|(_, _, a, b)| Comparer::default().compare(a, b, true));
            Verification {
                verdict: Verdict::of(worst),
                findings,
                matched: outcome.matched.map(|r| r as usize),
                name_match,
                name_pair: outcome.name.map(|(_, _, a, b)| (a.to_string(), b.to_string())),
                candidates: w.candidates.clone(),
            }
        })
    }

    /// Verifies a whole roster on all cores; row i of the answer is roster row i.
    pub fn verify_all<R: RosterSource + ?Sized>(&self, roster: &R) -> VerificationColumns {
        self.verify_all_with(roster, |_, _| ()).0
    }

    /// Verifies a whole roster as `verify_all` does and hands each member, as the
    /// check read it, to `each` as well: a caller that needs the members read
    /// (deduplication) reads each row once, not once more beside the check.
    /// Element i of the second answer is `each` of roster row i.
    pub fn verify_all_with<R, T, F>(&self, roster: &R, each: F) -> (VerificationColumns, Vec<T>)
    where
        R: RosterSource + ?Sized,
        T: Send,
        F: Fn(&PreparedMember<'_>, &mut Writer) -> T + Sync,
    {
        let n = roster.len();
        let fields = roster.fields();
        let chunks: Vec<(VerificationColumns, Vec<T>)> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let range = c * CHUNK..((c + 1) * CHUNK).min(n);
                let mut out = VerificationColumns {
                    verdict: Vec::with_capacity(range.len()),
                    matched: Vec::with_capacity(range.len()),
                    matched_citizen_id: StrColumn::with_capacity(range.len(), 12 * range.len()),
                    name_kind: Vec::with_capacity(range.len()),
                    name_score: Vec::with_capacity(range.len()),
                    findings: FindingColumns::new(),
                    candidate_citizen_id: StrColumn::with_capacity(0, 0),
                    candidate_full_name: StrColumn::with_capacity(0, 0),
                    candidate_date_of_birth: StrColumn::with_capacity(0, 0),
                    ..Default::default()
                };
                let mut extra = Vec::with_capacity(range.len());
                with_work(|w| {
                    for i in range.clone() {
                        if (i - range.start) % ahead::GROUP == 0 {
                            self.fetch_ahead(roster, i..(i + ahead::GROUP).min(range.end));
                        }
                        out.findings.current = i as u32;
                        let member = roster.member(i);
                        let prepared = PreparedMember::read(&member, self.options.as_of, &mut w.buf);
                        let (worst, outcome) = self.check(&prepared, fields, w, &mut out.findings);
                        out.verdict.push(Verdict::of(worst));
                        out.matched.push(outcome.matched);
                        match outcome.matched_citizen_id {
                            Some(id) => {
                                out.matched_citizen_id.data.push_str(id);
                                out.matched_citizen_id.finish_value();
                            }
                            None => out.matched_citizen_id.push_null(),
                        }
                        out.name_kind.push(outcome.name.map(|n| n.0));
                        out.name_score.push(outcome.name.map(|n| n.1 as f32));
                        for c in &w.candidates {
                            out.candidate_member.push(i as u32);
                            out.candidate_row.push(c.row as u32);
                            out.candidate_score.push(c.score as f32);
                            out.candidate_kind.push(c.name_kind);
                            let (citizen_id, full_name, date_of_birth) = self.identity(c.row);
                            for (column, value) in [
                                (&mut out.candidate_citizen_id, citizen_id),
                                (&mut out.candidate_full_name, full_name),
                                (&mut out.candidate_date_of_birth, date_of_birth),
                            ] {
                                column.data.push_str(value);
                                column.finish_value();
                            }
                        }
                        extra.push(each(&prepared, &mut w.writer));
                    }
                });
                (out, extra)
            })
            .collect();
        let mut parts = Vec::with_capacity(chunks.len());
        let mut extra = Vec::with_capacity(n);
        for (c, e) in chunks {
            parts.push(c);
            extra.extend(e);
        }
        (VerificationColumns::concat(parts), extra)
    }
}

#[cfg(test)]
use {crate::values::dates::days_from_civil, crate::vocabulary::Owner};

#[cfg(test)]
mod tests;

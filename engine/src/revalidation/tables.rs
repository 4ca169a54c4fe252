//! The cross-check's two final tables, findings and verdicts, keyed by roster
//! row with each member's ID and the matched and candidate citizens' values
//! filled in: built once here for both the plain cross-check and a
//! revalidation.

use rayon::prelude::*;

use super::link::shown_score;
use crate::column::StrColumn;
use crate::names::MatchKind;
use crate::records::{FindingColumns, RosterSource, VerificationColumns};
use crate::vocabulary::Field;
use crate::vocabulary::Verdict;

/// The findings: one row per finding, `columns.member` its roster row.
#[derive(Debug)]
pub struct FindingsTable {
    pub member_id: StrColumn,
    pub columns: FindingColumns,
}

/// The candidates offered to each member, best first, as a list per roster row
/// (`offsets[i]..offsets[i + 1]`; no list where `has_list[i]` is false).
#[derive(Debug)]
pub struct CandidateLists {
    pub offsets: Vec<i32>,
    pub has_list: Vec<bool>,
    pub citizen_id: StrColumn,
    pub full_name: StrColumn,
    pub date_of_birth: StrColumn,
    /// Three decimals, as `shown_score`.
    pub score: Vec<f64>,
    pub name_kind: Vec<MatchKind>,
}

/// The verdicts: row i is roster row i.
#[derive(Debug)]
pub struct VerdictsTable {
    pub member_id: StrColumn,
    pub verdict: Vec<Verdict>,
    /// The citizen ID of the population record the member was matched to.
    pub matched_citizen_id: StrColumn,
    pub name_kind: Vec<Option<MatchKind>>,
    /// Three decimals, as `shown_score`.
    pub name_score: Vec<Option<f64>>,
    pub candidates: CandidateLists,
}

/// Roster rows per task when the tables are filled in: the population rows a
/// roster leads to lie all over the table, so the reads miss the caches and are
/// worth spreading over the cores.
const ROWS_PER_TASK: usize = 1 << 15;

pub(super) fn push(column: &mut StrColumn, value: Option<&str>) {
    match value {
        Some(v) => {
            column.data.push_str(v);
            column.finish_value();
        }
        None => column.push_null(),
    }
}

/// One field of the given roster rows, as a column.
pub(super) fn gather<R: RosterSource + ?Sized>(
    roster: &R,
    rows: impl ExactSizeIterator<Item = usize>,
    field: Field,
) -> StrColumn {
    let mut column = StrColumn::with_capacity(rows.len(), 8 * rows.len());
    for i in rows {
        push(&mut column, roster.value(i, field));
    }
    column
}

/// One field of every roster row in order, on all cores.
fn gather_all<R: RosterSource + ?Sized>(roster: &R, field: Field) -> StrColumn {
    let n = roster.len();
    let parts: Vec<StrColumn> = (0..n.div_ceil(ROWS_PER_TASK))
        .into_par_iter()
        .map(|t| gather(roster, t * ROWS_PER_TASK..((t + 1) * ROWS_PER_TASK).min(n), field))
        .collect();
    StrColumn::concat(&parts)
}

/// Where the candidate lists of roster rows `rows` end, and which rows have one.
struct Filled {
    offsets: Vec<i32>,
    has_list: Vec<bool>,
}

fn fill(v: &VerificationColumns, rows: std::ops::Range<usize>) -> Filled {
    let first = v.candidate_member.partition_point(|&m| (m as usize) < rows.start);
    let last = v.candidate_member.partition_point(|&m| (m as usize) < rows.end);
    let mut out = Filled { offsets: Vec::with_capacity(rows.len()), has_list: Vec::with_capacity(rows.len()) };
    let mut j = first;
    for i in rows {
        let start = j;
        while j < last && v.candidate_member[j] as usize == i {
            j += 1;
        }
        out.offsets.push(j as i32);
        out.has_list.push(j > start);
    }
    out
}

/// The findings and verdicts tables of a cross-check of `roster` (`verification`
/// is `index.verify_all(roster)`).
pub fn verification_tables<R: RosterSource + ?Sized>(
    roster: &R,
    mut verification: VerificationColumns,
) -> (FindingsTable, VerdictsTable) {
    // Written by the check as it read each matched row and each candidate.
    let matched_citizen_id = std::mem::take(&mut verification.matched_citizen_id);
    let citizen_id = std::mem::take(&mut verification.candidate_citizen_id);
    let full_name = std::mem::take(&mut verification.candidate_full_name);
    let date_of_birth = std::mem::take(&mut verification.candidate_date_of_birth);
    let v = &verification;
    let n = v.len();
    let parts: Vec<Filled> = (0..n.div_ceil(ROWS_PER_TASK))
        .into_par_iter()
        .map(|t| fill(v, t * ROWS_PER_TASK..((t + 1) * ROWS_PER_TASK).min(n)))
        .collect();
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0);
    let mut has_list = Vec::with_capacity(n);
    for p in parts {
        offsets.extend_from_slice(&p.offsets);
        has_list.extend_from_slice(&p.has_list);
    }
    let candidates = CandidateLists {
        offsets,
        has_list,
        citizen_id,
        full_name,
        date_of_birth,
        score: v.candidate_score.iter().map(|&s| shown_score(s)).collect(),
        name_kind: v.candidate_kind.clone(),
    };
    let member_id = gather_all(roster, Field::MemberId);
    let findings = FindingsTable {
        member_id: gather(roster, verification.findings.member.iter().map(|&m| m as usize), Field::MemberId),
        columns: verification.findings,
    };
    let verdicts = VerdictsTable {
        member_id,
        verdict: verification.verdict,
        matched_citizen_id,
        name_kind: verification.name_kind,
        name_score: verification.name_score.into_iter().map(|s| s.map(shown_score)).collect(),
        candidates,
    };
    (findings, verdicts)
}

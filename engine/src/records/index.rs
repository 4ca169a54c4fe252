//! The population index and the cross-check of one member against it.
//!
//! Built once: every population row's text sits in one arena (fields separated by
//! U+001F), its date of birth, gender and hometown are parsed, its 12-digit and
//! old 9-digit numbers go into hash maps, and its folded name into a sorted
//! blocking table (folded tokens + birth year, and three looser keys). A member is
//! then checked with a few hash lookups and one or two name comparisons.

use std::cell::RefCell;
use std::hash::{BuildHasher, Hasher};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};

use super::checks::{
    check_card, field_vi, party_founded, read_date, shown, CardProblem, Code, Finding, FindingColumns, FindingSink,
    Owner, PartyDates, Status, Tally, Verdict,
};
use super::citizen_id::{self, clean, CleanId, Malformed};
use super::dates::{days_from_civil, parse_date, today, PartialDate};
use super::gender::{gender_en, gender_vi, parse_gender_with, Gender};
use super::places::{self, Place};
use super::{
    present, MemberRecord, PopulationSource, RecordError, RosterSource, MAX_OTHER_NAMES_BYTES, MAX_VALUE_BYTES,
};
use crate::names::{self, Comparer, Form, MatchKind, NameMatch, Writer};
use crate::MAX_NAME_BYTES;

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

/// What building the index found in the population table; nothing here stops it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildReport {
    pub rows: usize,
    pub citizen_id_missing: usize,
    /// Values in `citizen_id` that are not 12 digits (9-digit ones are also indexed as old numbers).
    pub citizen_id_malformed: usize,
    /// Numbers held by more than one row.
    pub citizen_id_duplicated: usize,
    /// Old 9-digit numbers held by more than one row (common: they were reused).
    pub old_id_shared: usize,
    pub date_of_birth_unreadable: usize,
    pub gender_unreadable: usize,
    /// Rows without a usable name (missing, or longer than the name limit).
    pub name_unusable: usize,
}

impl BuildReport {
    fn add(&mut self, o: &BuildReport) {
        self.rows += o.rows;
        self.citizen_id_missing += o.citizen_id_missing;
        self.citizen_id_malformed += o.citizen_id_malformed;
        self.date_of_birth_unreadable += o.date_of_birth_unreadable;
        self.gender_unreadable += o.gender_unreadable;
        self.name_unusable += o.name_unusable;
    }

    /// One line per problem, with counts only (no personal data).
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut say = |n: usize, what: &str| {
            if n > 0 {
                out.push(format!("population: {n} {what}"));
            }
        };
        say(self.citizen_id_missing, "rows without a citizen ID (found only by name and date of birth)");
        say(self.citizen_id_malformed, "rows whose citizen ID is not 12 digits (found only by name and date of birth)");
        say(
            self.citizen_id_duplicated,
            "citizen IDs held by more than one row (members with them get POPULATION_DUPLICATE_ID)",
        );
        say(self.date_of_birth_unreadable, "rows with an unreadable date of birth");
        say(self.gender_unreadable, "rows with an unreadable gender");
        say(self.name_unusable, "rows without a usable name");
        out
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
    pub name_kind: Vec<Option<MatchKind>>,
    pub name_score: Vec<Option<f32>>,
    pub findings: FindingColumns,
    /// Candidates, flattened: `candidate_member[j]` is the roster row of candidate j.
    pub candidate_member: Vec<u32>,
    pub candidate_row: Vec<u32>,
    pub candidate_score: Vec<f32>,
    pub candidate_kind: Vec<MatchKind>,
}

impl VerificationColumns {
    fn extend(&mut self, o: VerificationColumns) {
        self.verdict.extend(o.verdict);
        self.matched.extend(o.matched);
        self.name_kind.extend(o.name_kind);
        self.name_score.extend(o.name_score);
        self.findings.extend(&o.findings);
        self.candidate_member.extend(o.candidate_member);
        self.candidate_row.extend(o.candidate_row);
        self.candidate_score.extend(o.candidate_score);
        self.candidate_kind.extend(o.candidate_kind);
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

/// What `check` decided besides the findings.
#[derive(Default)]
struct Outcome<'a> {
    matched: Option<u32>,
    name: Option<(MatchKind, f64, &'a str, &'a str)>,
}

/// What a check reads of one population row besides its text, side by side: a
/// member's record and every candidate cost one cache line here, not one per
/// column (at national size the table is far larger than the caches, and rows
/// are reached in no useful order).
#[derive(Clone, Copy, Debug, Default)]
struct RowInfo {
    place: Place,
    /// Where the row's text starts in its chunk's arena, and its length.
    start: u64,
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
    by_id: FxHashMap<u64, u32>,
    by_old_id: FxHashMap<u64, u32>,
    old_shared: Vec<Vec<u32>>,
    block_keys: Vec<u64>,
    block_rows: Vec<u32>,
    /// `block_keys[block_dir[b]..block_dir[b + 1]]` are the keys whose top bits are
    /// `b`: a lookup searches a handful of keys instead of the whole sorted table.
    block_dir: Vec<usize>,
    block_shift: u32,
    report: BuildReport,
    options: Options,
}

/// A directory over sorted keys by their top bits, about four keys a bucket.
fn key_directory(keys: &[u64]) -> (Vec<usize>, u32) {
    let bits = (usize::BITS - keys.len().leading_zeros()).saturating_sub(2).clamp(1, 28);
    let shift = 64 - bits;
    let buckets = 1usize << bits;
    let mut dir = Vec::with_capacity(buckets + 1);
    let mut j = 0;
    for b in 0..=buckets {
        while j < keys.len() && ((keys[j] >> shift) as usize) < b {
            j += 1;
        }
        dir.push(j);
    }
    (dir, shift)
}

/// A built chunk of rows, before the chunks are stitched together.
#[derive(Default)]
struct Built {
    text: String,
    lens: Vec<u64>,
    name_len: Vec<u16>,
    dob: Vec<PartialDate>,
    sex: Vec<Option<Gender>>,
    place: Vec<Place>,
    flags: Vec<u8>,
    ids: Vec<(u64, u32)>,
    old: Vec<(u64, u32)>,
    keys: Vec<(u64, u32)>,
    report: BuildReport,
}

/// A candidate this good stops the search from widening (same name, same date of birth).
const STRONG_CANDIDATE: f64 = 0.9;

/// Up to this many name tokens take part in blocking; more is not a name.
const MAX_TOKENS: usize = 12;

fn hash_key(tag: u8, words: &[&str], numbers: &[u16]) -> u64 {
    let mut h = FxHasher::default();
    h.write_u8(tag);
    for w in words {
        h.write(w.as_bytes());
        h.write_u8(0xFF);
    }
    for n in numbers {
        h.write_u16(*n);
    }
    // Never 0, so 0 can mean "no key".
    h.finish() | 1
}

/// The blocking keys of a folded name and a date of birth, each with the stage of
/// the candidate search that looks at it:
/// 0: sorted tokens + birth year (same name, marks lost, order changed), and
///    given name + full date of birth (surname variants and typos);
/// 1: surname + given name + birth year (a middle name missing or different);
/// 2: sorted tokens alone (a wrong birth year).
/// Later stages run only when the earlier ones found no strong candidate.
fn keys_of(fold: &str, dob: Option<PartialDate>, mut emit: impl FnMut(u64, u8)) {
    let mut tokens: [&str; MAX_TOKENS] = [""; MAX_TOKENS];
    let mut n = 0;
    for t in fold.split(' ').filter(|t| !t.is_empty()) {
        if n == MAX_TOKENS {
            return;
        }
        tokens[n] = t;
        n += 1;
    }
    if n == 0 {
        return;
    }
    let (first, last) = (tokens[0], tokens[n - 1]);
    let sorted = &mut tokens[..n];
    sorted.sort_unstable();
    let year = dob.filter(|d| d.is_known()).map(|d| d.year);
    if let Some(y) = year {
        emit(hash_key(1, sorted, &[y]), 0);
        if n >= 2 {
            emit(hash_key(2, &[first, last], &[y]), 1);
        }
    }
    if let Some(d) = dob.filter(|d| d.is_full()) {
        emit(hash_key(3, &[last], &[d.year, d.month as u16, d.day as u16]), 0);
    }
    emit(hash_key(4, sorted, &[]), 2);
}

fn clean_value(v: &str, limit: usize) -> (&str, bool) {
    if v.len() > limit {
        (shown(v), false)
    } else {
        (v, true)
    }
}

impl PopulationIndex {
    /// Reads the whole table on all cores. Problems in single rows are counted in
    /// the report and never stop the build.
    pub fn build<P: PopulationSource + ?Sized>(
        population: &P,
        options: Options,
    ) -> Result<PopulationIndex, RecordError> {
        let n = population.len();
        if n > MAX_ROWS {
            return Err(RecordError::TooManyRows { rows: n, limit: MAX_ROWS });
        }
        let chunks: Vec<Built> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let range = c * CHUNK..((c + 1) * CHUNK).min(n);
                let mut writer = Writer::default();
                let mut fold = String::new();
                let mut gbuf = String::new();
                let mut b = Built { text: String::with_capacity(range.len() * 96), ..Default::default() };
                for i in range {
                    Self::build_row(population, i, &mut b, &mut writer, &mut fold, &mut gbuf);
                }
                b
            })
            .collect();
        let mut report = BuildReport::default();
        let mut texts: Vec<String> = Vec::with_capacity(chunks.len());
        let mut rows: Vec<RowInfo> = Vec::with_capacity(n);
        let mut ids = 0;
        let mut keys = 0;
        for c in &chunks {
            ids += c.ids.len();
            keys += c.keys.len();
        }
        let mut by_id: FxHashMap<u64, u32> = FxHashMap::default();
        by_id.reserve(ids);
        let mut by_old_id: FxHashMap<u64, u32> = FxHashMap::default();
        let mut old_shared: Vec<Vec<u32>> = Vec::new();
        let mut all_keys: Vec<(u64, u32)> = Vec::with_capacity(keys);
        for c in chunks {
            report.add(&c.report);
            let mut start = 0u64;
            let mut chunk_text = c.text;
            chunk_text.shrink_to_fit();
            texts.push(chunk_text);
            for k in 0..c.lens.len() {
                rows.push(RowInfo {
                    place: c.place[k],
                    start,
                    len: c.lens[k] as u32,
                    dob: c.dob[k],
                    name_len: c.name_len[k],
                    sex: c.sex[k],
                    flags: c.flags[k],
                });
                start += c.lens[k];
            }
            for (id, row) in c.ids {
                match by_id.entry(id) {
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(row);
                    }
                    std::collections::hash_map::Entry::Occupied(mut e) => {
                        if *e.get() & SHARED == 0 {
                            report.citizen_id_duplicated += 1;
                            *e.get_mut() |= SHARED;
                        }
                    }
                }
            }
            for (old, row) in c.old {
                match by_old_id.entry(old) {
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(row);
                    }
                    std::collections::hash_map::Entry::Occupied(mut e) => {
                        let v = *e.get();
                        if v & SHARED == 0 {
                            report.old_id_shared += 1;
                            old_shared.push(vec![v, row]);
                            *e.get_mut() = SHARED | (old_shared.len() - 1) as u32;
                        } else {
                            old_shared[(v & !SHARED) as usize].push(row);
                        }
                    }
                }
            }
            all_keys.extend_from_slice(&c.keys);
        }
        all_keys.par_sort_unstable();
        all_keys.dedup();
        let (block_keys, block_rows): (Vec<u64>, Vec<u32>) = all_keys.into_iter().unzip();
        let (block_dir, block_shift) = key_directory(&block_keys);
        Ok(PopulationIndex {
            texts,
            rows,
            by_id,
            by_old_id,
            old_shared,
            block_keys,
            block_rows,
            block_dir,
            block_shift,
            report,
            options,
        })
    }

    fn build_row<P: PopulationSource + ?Sized>(
        population: &P,
        i: usize,
        b: &mut Built,
        writer: &mut Writer,
        fold: &mut String,
        gbuf: &mut String,
    ) {
        let r = population.record(i);
        let row = i as u32;
        b.report.rows += 1;
        let start = b.text.len();
        let mut flags = 0u8;
        // The name comes first and its length is kept, so scoring a candidate reads it without a scan.
        let values = [r.full_name, r.citizen_id, r.other_names, r.date_of_birth, r.gender, r.hometown, r.old_id_number];
        for (k, v) in values.iter().enumerate() {
            if k == 1 {
                b.name_len.push((b.text.len() - start) as u16);
            }
            if k > 0 {
                b.text.push(SEP);
            }
            let v = present(*v).unwrap_or("");
            let limit = if k == 2 { MAX_OTHER_NAMES_BYTES } else { MAX_VALUE_BYTES };
            let (v, _) = clean_value(v, limit);
            if v.contains(SEP) {
                b.text.push_str(&v.replace(SEP, " "));
            } else {
                b.text.push_str(v);
            }
        }
        b.lens.push((b.text.len() - start) as u64);

        match present(r.citizen_id).map(|s| clean(s).id) {
            None | Some(CleanId::Missing) => b.report.citizen_id_missing += 1,
            Some(CleanId::Personal(id)) => b.ids.push((id, row)),
            Some(CleanId::Legacy(old)) => {
                b.report.citizen_id_malformed += 1;
                b.old.push((old, row));
            }
            Some(CleanId::Malformed(_)) => b.report.citizen_id_malformed += 1,
        }
        if let Some(CleanId::Legacy(old)) = present(r.old_id_number).map(|s| clean(s).id) {
            b.old.push((old, row));
        }
        let dob = match present(r.date_of_birth).map(parse_date) {
            Some(Ok(d)) => d,
            Some(Err(_)) => {
                flags |= DOB_UNREADABLE;
                b.report.date_of_birth_unreadable += 1;
                None
            }
            None => None,
        };
        b.dob.push(dob.unwrap_or_default());
        let sex = match present(r.gender).map(|g| parse_gender_with(g, gbuf)) {
            Some(Ok(g)) => g,
            Some(Err(_)) => {
                flags |= GENDER_UNREADABLE;
                b.report.gender_unreadable += 1;
                None
            }
            None => None,
        };
        b.sex.push(sex);
        b.place.push(present(r.hometown).filter(|h| h.len() <= MAX_VALUE_BYTES).map_or(0, places::resolve));
        match present(r.full_name).filter(|n| n.len() <= MAX_NAME_BYTES) {
            Some(name) => {
                fold.clear();
                names::write_name(name, Form::Fold, writer, fold);
                keys_of(fold, dob, |k, _| b.keys.push((k, row)));
            }
            None => {
                flags |= NAME_UNUSABLE;
                b.report.name_unusable += 1;
            }
        }
        if let Some(other) = present(r.other_names).filter(|o| o.len() <= MAX_OTHER_NAMES_BYTES) {
            flags |= HAS_OTHER_NAMES;
            for name in other
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty() && s.len() <= MAX_NAME_BYTES)
                .take(MAX_OTHER_NAMES)
            {
                fold.clear();
                names::write_name(name, Form::Fold, writer, fold);
                keys_of(fold, dob, |k, _| b.keys.push((k, row)));
            }
        }
        b.flags.push(flags);
    }

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
            + self.block_dir.capacity() * std::mem::size_of::<usize>()
            + self.by_id.capacity() * 16
            + self.by_old_id.capacity() * 16
            + self.old_shared.iter().map(|v| v.capacity() * 4 + 24).sum::<usize>()
            + self.block_keys.capacity() * 8
            + self.block_rows.capacity() * 4
    }

    /// One row as stored; panics when `row >= len()`.
    pub fn view(&self, row: usize) -> PopulationView<'_> {
        let info = &self.rows[row];
        let text = &self.texts[row / CHUNK][info.start as usize..info.start as usize + info.len as usize];
        let mut f = text.splitn(7, SEP);
        let mut next = || f.next().unwrap_or("");
        let dob = info.dob;
        let full_name = next();
        PopulationView {
            row,
            full_name,
            citizen_id: next(),
            other_names: next(),
            date_of_birth: next(),
            gender: next(),
            hometown: next(),
            old_id_number: next(),
            dob: dob.is_known().then_some(dob),
            sex: info.sex,
            place: info.place,
        }
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
    fn field(&self, row: usize, k: usize) -> &str {
        let v = self.view(row);
        [v.citizen_id, v.full_name, v.other_names, v.date_of_birth, v.gender, v.hometown, v.old_id_number][k]
    }

    /// The row holding a 12-digit number (typed any way), if any.
    pub fn lookup(&self, citizen_id: &str) -> Option<usize> {
        match clean(citizen_id).id {
            CleanId::Personal(id) => self.by_id.get(&id).map(|v| (v & !SHARED) as usize),
            _ => None,
        }
    }

    /// The rows holding an old 9-digit number (several when it was reused).
    pub fn lookup_old(&self, old_id: &str) -> Vec<usize> {
        match clean(old_id).id {
            CleanId::Legacy(old) => self.old_rows(old).iter().map(|&r| r as usize).collect(),
            _ => Vec::new(),
        }
    }

    fn old_rows(&self, old: u64) -> &[u32] {
        match self.by_old_id.get(&old) {
            None => &[],
            Some(v) if v & SHARED != 0 => &self.old_shared[(v & !SHARED) as usize],
            Some(v) => std::slice::from_ref(v),
        }
    }

    fn block(&self, key: u64) -> &[u32] {
        let b = (key >> self.block_shift) as usize;
        let (lo, hi) = (self.block_dir[b], self.block_dir[b + 1]);
        let keys = &self.block_keys[lo..hi];
        let first = keys.partition_point(|&k| k < key);
        let end = first + keys[first..].partition_point(|&k| k == key);
        &self.block_rows[lo + first..lo + end]
    }

    /// People who may be this member, best first, by name, date of birth, gender
    /// and hometown. For a person to choose from; never an answer on its own.
    pub fn candidates(
        &self,
        full_name: &str,
        date_of_birth: Option<&str>,
        gender: Option<&str>,
        hometown: Option<&str>,
    ) -> Vec<Candidate> {
        let dob = date_of_birth.and_then(|d| parse_date(d).ok().flatten());
        let sex = gender.and_then(|g| parse_gender_with(g, &mut String::new()).ok().flatten());
        let place = hometown.filter(|h| h.len() <= MAX_VALUE_BYTES).map_or(0, places::resolve);
        with_work(|w| {
            self.find_candidates(full_name, dob, sex, place, None, &[], w);
            w.candidates.clone()
        })
    }

    /// Scores one row against what the member's record says; None when the names differ.
    fn full_name(&self, row: usize) -> &str {
        let info = &self.rows[row];
        let start = info.start as usize;
        &self.texts[row / CHUNK][start..start + info.name_len as usize]
    }

    fn score(
        &self,
        name: &str,
        dob: Option<PartialDate>,
        sex: Option<Gender>,
        place: Place,
        row: u32,
        compared: &mut Vec<(u64, u32, MatchKind, f64)>,
    ) -> Option<(f64, MatchKind)> {
        let r = row as usize;
        let info = self.rows[r];
        let flags = info.flags;
        if flags & NAME_UNUSABLE != 0 {
            return None;
        }
        let pop_name = &self.texts[r / CHUNK][info.start as usize..info.start as usize + info.name_len as usize];
        let hash = rustc_hash::FxBuildHasher.hash_one(pop_name);
        let cached = compared.iter().find(|c| c.0 == hash && self.full_name(c.1 as usize) == pop_name);
        let mut best = match cached {
            Some(c) => (c.2, c.3),
            None => {
                let result = names::kind_and_score(name, pop_name);
                compared.push((hash, row, result.0, result.1));
                result
            }
        };
        if !best.0.is_same_name() && flags & HAS_OTHER_NAMES != 0 {
            let p = self.view(r);
            for other in p.other_names_iter().filter(|o| o.len() <= MAX_NAME_BYTES) {
                let r = names::kind_and_score(name, other);
                if (r.0, -r.1) < (best.0, -best.1) {
                    best = r;
                }
            }
        }
        if best.0 >= MatchKind::DifferentDiacritics {
            return None;
        }
        let pop_dob = Some(info.dob).filter(|d| d.is_known());
        let dob_score = match (dob, pop_dob) {
            (Some(a), Some(b)) if a.agrees(&b) => {
                if a.is_full() && b.is_full() {
                    1.0
                } else {
                    0.8
                }
            }
            (Some(a), Some(b)) if a.year == b.year => 0.3,
            (Some(_), Some(_)) => 0.0,
            _ => 0.5,
        };
        let sex_score = match (sex, info.sex) {
            (Some(a), Some(b)) => f64::from(u8::from(a == b)),
            _ => 0.5,
        };
        let pop_place = info.place;
        let place_score =
            if place != 0 && pop_place != 0 { f64::from(u8::from(places::agree(place, pop_place))) } else { 0.5 };
        Some((0.55 * best.1 + 0.30 * dob_score + 0.08 * sex_score + 0.07 * place_score, best.0))
    }

    #[allow(clippy::too_many_arguments)]
    fn find_candidates(
        &self,
        name: &str,
        dob: Option<PartialDate>,
        sex: Option<Gender>,
        place: Place,
        exclude: Option<u32>,
        extra: &[u32],
        w: &mut Work,
    ) {
        w.candidates.clear();
        w.rows.clear();
        w.compared.clear();
        if name.trim().is_empty() || name.len() > MAX_NAME_BYTES {
            return;
        }
        w.fold.clear();
        names::write_name(name, Form::Fold, &mut w.writer, &mut w.fold);
        let mut keys: [(u64, u8); 4] = [(0, 0); 4];
        let mut count = 0;
        keys_of(&w.fold, dob, |key, stage| {
            keys[count] = (key, stage);
            count += 1;
        });
        w.rows.extend_from_slice(extra);
        for stage in 0..=2u8 {
            if stage == 2 && !w.candidates.is_empty() {
                break;
            }
            let before = w.rows.len();
            for &(key, _) in keys[..count].iter().filter(|k| k.1 == stage) {
                let rows = self.block(key);
                if rows.len() <= self.options.max_block {
                    w.rows.extend_from_slice(rows);
                }
            }
            if stage > 0 && w.rows.len() == before {
                continue;
            }
            w.candidates.clear();
            self.score_rows(name, dob, sex, place, exclude, w);
            // The loose name-only block (stage 2) is for a wrong birth year: only when nothing else came up.
            if w.candidates.first().is_some_and(|c| c.score >= STRONG_CANDIDATE) {
                break;
            }
        }
    }

    fn score_rows(
        &self,
        name: &str,
        dob: Option<PartialDate>,
        sex: Option<Gender>,
        place: Place,
        exclude: Option<u32>,
        w: &mut Work,
    ) {
        w.rows.sort_unstable();
        w.rows.dedup();
        for &row in &w.rows {
            if Some(row) == exclude {
                continue;
            }
            if let Some((score, kind)) = self.score(name, dob, sex, place, row, &mut w.compared) {
                if score >= self.options.min_candidate_score {
                    w.candidates.push(Candidate { row: row as usize, score, name_kind: kind });
                }
            }
        }
        w.candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.row.cmp(&b.row)));
        w.candidates.truncate(self.options.max_candidates);
    }

    /// "042090001234 Nguyễn Văn An 05/03/1960 (0.97); …": what the officer compares with the card.
    fn describe_candidates(&self, w: &mut Work) {
        use std::fmt::Write;
        w.text.clear();
        for (i, c) in w.candidates.iter().enumerate() {
            let p = self.view(c.row);
            if i > 0 {
                w.text.push_str("; ");
            }
            let id = if p.citizen_id.is_empty() { "(không có số)" } else { p.citizen_id };
            let _ = write!(w.text, "{id} {} {} ({:.2})", p.full_name, p.date_of_birth, c.score);
        }
    }

    /// Verifies one member: every finding, the verdict, the matched record and the
    /// candidates, with the name alignment.
    pub fn verify(&self, member: &MemberRecord<'_>) -> Verification {
        with_work(|w| {
            let mut findings: Vec<Finding> = Vec::new();
            let (worst, outcome) = self.check(member, w, &mut findings);
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
        let n = roster.len();
        let chunks: Vec<VerificationColumns> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let range = c * CHUNK..((c + 1) * CHUNK).min(n);
                let mut out = VerificationColumns {
                    verdict: Vec::with_capacity(range.len()),
                    matched: Vec::with_capacity(range.len()),
                    name_kind: Vec::with_capacity(range.len()),
                    name_score: Vec::with_capacity(range.len()),
                    findings: FindingColumns::new(),
                    ..Default::default()
                };
                with_work(|w| {
                    for i in range {
                        out.findings.current = i as u32;
                        let member = roster.member(i);
                        let (worst, outcome) = self.check(&member, w, &mut out.findings);
                        out.verdict.push(Verdict::of(worst));
                        out.matched.push(outcome.matched);
                        out.name_kind.push(outcome.name.map(|n| n.0));
                        out.name_score.push(outcome.name.map(|n| n.1 as f32));
                        for c in &w.candidates {
                            out.candidate_member.push(i as u32);
                            out.candidate_row.push(c.row as u32);
                            out.candidate_score.push(c.score as f32);
                            out.candidate_kind.push(c.name_kind);
                        }
                    }
                });
                out
            })
            .collect();
        let mut out = VerificationColumns { findings: FindingColumns::new(), ..Default::default() };
        for c in chunks {
            out.extend(c);
        }
        out
    }

    /// Every check of one member. Findings go to `sink`; candidates stay in `w`.
    fn check<'m, S: FindingSink>(
        &'m self,
        m: &MemberRecord<'m>,
        w: &mut Work,
        sink: &mut S,
    ) -> (Option<super::Severity>, Outcome<'m>) {
        let o = &self.options;
        let mut t = Tally { sink, worst: None, count: 0 };
        w.candidates.clear();
        let mut outcome = Outcome::default();
        let pb = Owner::PartyBoard;

        // The party record on its own.
        if present(m.member_id).is_none() {
            missing(&mut t, "member_id");
        }
        let status = present(m.status).map(|raw| (raw, Status::parse(raw, &mut w.buf)));
        match status {
            None => missing(&mut t, "status"),
            Some((raw, status)) => {
                if status != Status::Official {
                    t.push(
                        Code::StatusNotEligible,
                        "status",
                        pb,
                        shown(raw),
                        "",
                        format_args!("Trạng thái đảng viên: {}; chỉ đảng viên chính thức được đổi thẻ", status.vi()),
                        format_args!("Member status: {}; only official members are issued a new card", status.en()),
                    );
                }
            }
        }
        match present(m.party_card_number) {
            None => t.push(
                Code::CardNumberMalformed,
                "party_card_number",
                pb,
                "",
                "",
                format_args!("Thiếu số thẻ đảng viên"),
                format_args!("The party card number is missing"),
            ),
            Some(raw) => match check_card(raw) {
                Ok(()) => {}
                Err(CardProblem::Characters) => t.push(
                    Code::CardNumberMalformed,
                    "party_card_number",
                    pb,
                    shown(raw),
                    "",
                    format_args!("Số thẻ đảng viên có chữ cái hoặc ký hiệu; số thẻ gồm 8 chữ số"),
                    format_args!("The party card number has letters or symbols; it is 8 digits"),
                ),
                Err(CardProblem::Length(n)) => t.push(
                    Code::CardNumberMalformed,
                    "party_card_number",
                    pb,
                    shown(raw),
                    "",
                    format_args!(
                        "Số thẻ đảng viên có {n} chữ số; số thẻ gồm 8 chữ số{}",
                        if n == 7 { " (có thể bảng tính đã làm mất số 0 đầu)" } else { "" }
                    ),
                    format_args!(
                        "The party card number has {n} digits; it is 8{}",
                        if n == 7 { " (a spreadsheet may have dropped a leading zero)" } else { "" }
                    ),
                ),
            },
        }
        let (y, _, _) = super::dates::civil_from_days(o.as_of);
        let oldest = days_from_civil(y - 120, 1, 1);
        let dates = PartyDates {
            dob: read_date(m.date_of_birth, "date_of_birth", pb, oldest, o.as_of, false, &mut t),
            admission: read_date(m.admission_date, "admission_date", pb, party_founded(), o.as_of, false, &mut t),
            official: read_date(m.official_date, "official_date", pb, party_founded(), o.as_of, false, &mut t),
        };
        if present(m.date_of_birth).is_none() {
            missing(&mut t, "date_of_birth");
        }
        if present(m.admission_date).is_none() {
            missing(&mut t, "admission_date");
        }
        if present(m.official_date).is_none() && status.is_some_and(|s| s.1 == Status::Official) {
            missing(&mut t, "official_date");
        }
        if let (Some(a), Some(f)) = (dates.admission, dates.official) {
            if f.latest() <= a.earliest() {
                t.push(Code::OfficialBeforeAdmission, "official_date", pb, m.official_date.unwrap_or("").trim(), "",
                    format_args!("Ngày chính thức ({}) không sau ngày vào Đảng ({}); thời gian dự bị thường là 12 tháng", f.to_text(), a.to_text()),
                    format_args!("The official date ({}) is not after the admission date ({}); probation normally lasts 12 months", f.to_text(), a.to_text()));
            }
        }
        let party_sex = match present(m.gender) {
            None => {
                missing(&mut t, "gender");
                None
            }
            Some(raw) => match parse_gender_with(raw, &mut w.buf) {
                Ok(g) => g,
                Err(_) => {
                    t.push(
                        Code::ValueUnreadable,
                        "gender",
                        pb,
                        shown(raw),
                        "",
                        format_args!("Không đọc được giới tính; ghi Nam hoặc Nữ"),
                        format_args!(
                            "The gender cannot be read; write Nam or Nữ (male/female, M/F, 1/0 are also read)"
                        ),
                    );
                    None
                }
            },
        };
        let full_name = usable_name(m.full_name, "full_name", &mut t);
        let birth_name = usable_name(m.birth_name, "birth_name", &mut t);
        if present(m.full_name).is_none() {
            missing(&mut t, "full_name");
        }
        let lookup_name = full_name.or(birth_name).unwrap_or("");
        let party_place = present(m.hometown).filter(|h| h.len() <= MAX_VALUE_BYTES).map_or(0, places::resolve);

        // The citizen ID, and the population record it leads to.
        let raw_id = present(m.citizen_id).unwrap_or("");
        let cleaned = if raw_id.len() > MAX_VALUE_BYTES {
            citizen_id::Cleaned { id: CleanId::Malformed(Malformed::Length(255)), zero_restored: false }
        } else {
            clean(raw_id)
        };
        let io = Owner::IntakeOfficer;
        if cleaned.zero_restored {
            t.push(Code::CitizenIdLeadingZero, "citizen_id", io, shown(raw_id), "",
                format_args!("Số có {} chữ số: đã thêm số 0 đầu mà bảng tính làm mất; nên định dạng cột là Văn bản", raw_id.chars().filter(char::is_ascii_digit).count()),
                format_args!("The number had {} digits: the leading zero a spreadsheet dropped was put back; format the column as Text", raw_id.chars().filter(char::is_ascii_digit).count()));
        }
        let mut personal: Option<u64> = None;
        match cleaned.id {
            CleanId::Missing => {
                self.find_candidates(lookup_name, dates.dob, party_sex, party_place, None, &[], w);
                self.describe_candidates(w);
                t.push(
                    Code::CitizenIdMissing,
                    "citizen_id",
                    io,
                    "",
                    &w.text,
                    format_args!(
                        "Hồ sơ đảng viên không có số định danh cá nhân; {}",
                        candidates_vi(w.candidates.len())
                    ),
                    format_args!("The party record has no citizen ID; {}", candidates_en(w.candidates.len())),
                );
            }
            CleanId::Malformed(p) => {
                self.find_candidates(lookup_name, dates.dob, party_sex, party_place, None, &[], w);
                self.describe_candidates(w);
                t.push(
                    Code::CitizenIdMalformed,
                    "citizen_id",
                    io,
                    shown(raw_id),
                    &w.text,
                    format_args!("{}; {}", capitalised(&p.message_vi()), candidates_vi(w.candidates.len())),
                    format_args!("{}; {}", capitalised(&p.message_en()), candidates_en(w.candidates.len())),
                );
            }
            CleanId::Legacy(old) => {
                let rows = self.old_rows(old);
                match rows.len() {
                    1 => {
                        let p = self.view(rows[0] as usize);
                        outcome.matched = Some(rows[0]);
                        t.push(Code::LegacyIdOnly, "citizen_id", io, shown(raw_id), p.citizen_id,
                            format_args!("Chỉ có số CMND 9 số; đã tìm được người qua số CMND cũ (duy nhất). Cần ghi số định danh 12 số vào hồ sơ"),
                            format_args!("Only the old 9-digit number is given; it leads to one person. Record the 12-digit number"));
                    }
                    0 => {
                        t.push(Code::LegacyIdOnly, "citizen_id", io, shown(raw_id), "",
                            format_args!("Chỉ có số CMND 9 số và số này không có trong CSDL dân cư; cần số định danh 12 số"),
                            format_args!("Only the old 9-digit number is given, and the population data does not hold it; the 12-digit number is needed"));
                        self.find_candidates(lookup_name, dates.dob, party_sex, party_place, None, &[], w);
                        self.describe_candidates(w);
                        t.push(
                            Code::CitizenNotFound,
                            "citizen_id",
                            io,
                            shown(raw_id),
                            &w.text,
                            format_args!("Không tìm thấy người theo số đã ghi; {}", candidates_vi(w.candidates.len())),
                            format_args!("No one found by the number given; {}", candidates_en(w.candidates.len())),
                        );
                    }
                    n => {
                        self.find_candidates(lookup_name, dates.dob, party_sex, party_place, None, rows, w);
                        self.describe_candidates(w);
                        t.push(Code::LegacyIdOnly, "citizen_id", io, shown(raw_id), &w.text,
                            format_args!("Chỉ có số CMND 9 số, và {n} người dùng chung số này; không tự chọn — {}", candidates_vi(w.candidates.len())),
                            format_args!("Only the old 9-digit number is given, and {n} people share it; none is chosen automatically — {}", candidates_en(w.candidates.len())));
                    }
                }
            }
            CleanId::Personal(id) => {
                personal = Some(id);
                match self.by_id.get(&id) {
                    Some(&v) => {
                        outcome.matched = Some(v & !SHARED);
                        if v & SHARED != 0 {
                            t.push(Code::PopulationDuplicateId, "citizen_id", Owner::Police, shown(raw_id), shown(raw_id),
                                format_args!("CSDL dân cư có nhiều bản ghi cùng số định danh này; công an xã kiểm tra"),
                                format_args!("The population data holds this number on several records; the commune police check it"));
                        }
                    }
                    None => {
                        self.find_candidates(lookup_name, dates.dob, party_sex, party_place, None, &[], w);
                        self.describe_candidates(w);
                        t.push(
                            Code::CitizenNotFound,
                            "citizen_id",
                            io,
                            shown(raw_id),
                            &w.text,
                            format_args!(
                                "Số định danh không có trong CSDL dân cư (có thể ghi sai); {}",
                                candidates_vi(w.candidates.len())
                            ),
                            format_args!(
                                "The number is not in the population data (perhaps mistyped); {}",
                                candidates_en(w.candidates.len())
                            ),
                        );
                    }
                }
            }
        }

        // Cross-checks against the matched population record.
        let matched = outcome.matched.map(|r| self.view(r as usize));
        if let Some(p) = &matched {
            let flags = self.rows[p.row].flags;
            let police = Owner::Police;
            if flags & DOB_UNREADABLE != 0 {
                t.push(
                    Code::ValueUnreadable,
                    "date_of_birth",
                    police,
                    "",
                    shown(p.date_of_birth),
                    format_args!("Không đọc được ngày sinh trong CSDL dân cư"),
                    format_args!("The date of birth in the population data cannot be read"),
                );
            }
            if flags & GENDER_UNREADABLE != 0 {
                t.push(
                    Code::ValueUnreadable,
                    "gender",
                    police,
                    "",
                    shown(p.gender),
                    format_args!("Không đọc được giới tính trong CSDL dân cư"),
                    format_args!("The gender in the population data cannot be read"),
                );
            }
            if p.full_name.is_empty() {
                t.push(
                    Code::ValueMissing,
                    "full_name",
                    police,
                    "",
                    "",
                    format_args!("CSDL dân cư không có họ tên cho số này"),
                    format_args!("The population data has no name for this number"),
                );
            } else if let Some(result) = self.check_names(full_name, birth_name, p, &mut t) {
                outcome.name = Some(result);
                if result.0 >= MatchKind::DifferentDiacritics {
                    // The number may belong to someone else: look for the member by name.
                    self.find_candidates(lookup_name, dates.dob, party_sex, party_place, Some(p.row as u32), &[], w);
                }
            }
            if let (Some(a), Some(b)) = (dates.dob, p.dob) {
                if !a.agrees(&b) {
                    t.push(Code::DobMismatch, "date_of_birth", pb, m.date_of_birth.unwrap_or("").trim(), p.date_of_birth,
                        format_args!("Ngày sinh khác nhau: hồ sơ đảng viên ghi {}, CSDL dân cư ghi {}; không tự sửa, cần đối chiếu giấy tờ gốc", a.to_text(), b.to_text()),
                        format_args!("Dates of birth differ: the party record says {}, the population data {}; never corrected automatically, check the original documents", a.to_text(), b.to_text()));
                }
            }
            if let (Some(a), Some(b)) = (party_sex, p.sex) {
                if a != b {
                    // When the number's sex digit sides with the party record, the population record is the odd one out.
                    let owner = match personal.map(citizen_id::decode) {
                        Some(d) if d.female == (a == Gender::Female) => police,
                        _ => pb,
                    };
                    t.push(
                        Code::GenderMismatch,
                        "gender",
                        owner,
                        m.gender.unwrap_or("").trim(),
                        p.gender,
                        format_args!(
                            "Giới tính khác nhau: hồ sơ đảng viên ghi {}, CSDL dân cư ghi {}",
                            gender_vi(a),
                            gender_vi(b)
                        ),
                        format_args!(
                            "Gender differs: the party record says {}, the population data {}",
                            gender_en(a),
                            gender_en(b)
                        ),
                    );
                }
            }
            if let (Some(party_home), false) = (present(m.hometown), p.hometown.is_empty()) {
                let differs = if party_place != 0 && p.place != 0 {
                    !places::agree(party_place, p.place)
                } else if party_place == 0 && p.place == 0 {
                    let mut a = String::new();
                    let mut b = String::new();
                    super::gender::fold_short(party_home, &mut a);
                    super::gender::fold_short(p.hometown, &mut b);
                    a != b
                } else {
                    false
                };
                if differs {
                    let (pa, pp) = (places::describe(party_place), places::describe(p.place));
                    t.push(
                        Code::HometownMismatch,
                        "hometown",
                        pb,
                        shown(party_home),
                        p.hometown,
                        format_args!(
                            "Quê quán khác nhau{}",
                            if pa.is_empty() || pp.is_empty() {
                                String::new()
                            } else {
                                format!(": tỉnh {pa} và tỉnh {pp} (đã tính tên trước và sau sáp nhập)")
                            }
                        ),
                        format_args!(
                            "Hometowns differ{}",
                            if pa.is_empty() || pp.is_empty() {
                                String::new()
                            } else {
                                format!(": {pa} against {pp} (old and new province names reconciled)")
                            }
                        ),
                    );
                }
            }
        }

        // The structure of a 12-digit number, against the person's data: the
        // population's where there is a record, else the party's.
        if let Some(id) = personal {
            let d = citizen_id::decode(id);
            let owner = if outcome.matched.is_some() { Owner::Police } else { Owner::IntakeOfficer };
            let who = if owner == Owner::Police {
                ("công an cấp lại số", "the police cancel and re-issue the number")
            } else {
                (
                    "số không có trong CSDL dân cư nên có thể chỉ là ghi sai",
                    "the number is not in the population data, so it may just be mistyped",
                )
            };
            if !d.province_known {
                t.push(
                    Code::CitizenIdUnknownProvince,
                    "citizen_id",
                    owner,
                    shown(raw_id),
                    matched.map_or("", |p| p.citizen_id),
                    format_args!("Mã tỉnh {:03} không thuộc 63 mã nơi đăng ký khai sinh; {}", d.province_code, who.0),
                    format_args!(
                        "Province code {:03} is none of the 63 birth-registration codes; {}",
                        d.province_code, who.1
                    ),
                );
            }
            let ref_sex = matched.and_then(|p| p.sex).or(party_sex);
            if let Some(s) = ref_sex {
                if d.female != (s == Gender::Female) {
                    let coded = if d.female { Gender::Female } else { Gender::Male };
                    t.push(
                        Code::CitizenIdSexMismatch,
                        "citizen_id",
                        owner,
                        shown(raw_id),
                        matched.map_or("", |p| p.gender),
                        format_args!(
                            "Chữ số thứ 4 của số định danh ứng với giới tính {}, nhưng người này là {}; {}",
                            gender_vi(coded),
                            gender_vi(s),
                            who.0
                        ),
                        format_args!(
                            "Digit 4 of the number says {}, but the person is {}; {}",
                            gender_en(coded),
                            gender_en(s),
                            who.1
                        ),
                    );
                }
            }
            let ref_dob = matched.and_then(|p| p.dob).or(dates.dob);
            match ref_dob {
                Some(dob) if dob.year != d.birth_year => {
                    t.push(
                        Code::CitizenIdYearMismatch,
                        "citizen_id",
                        owner,
                        shown(raw_id),
                        matched.map_or("", |p| p.date_of_birth),
                        format_args!(
                            "Số định danh mã hoá năm sinh {}, nhưng người này sinh năm {}; {}",
                            d.birth_year, dob.year, who.0
                        ),
                        format_args!(
                            "The number codes birth year {}, but the person was born in {}; {}",
                            d.birth_year, dob.year, who.1
                        ),
                    );
                }
                None if d.birth_year as i32 > y || y - (d.birth_year as i32) < 16 => {
                    t.push(
                        Code::CitizenIdYearMismatch,
                        "citizen_id",
                        owner,
                        shown(raw_id),
                        "",
                        format_args!(
                            "Số định danh mã hoá năm sinh {}, không thể là của một đảng viên; {}",
                            d.birth_year, who.0
                        ),
                        format_args!(
                            "The number codes birth year {}, impossible for a party member; {}",
                            d.birth_year, who.1
                        ),
                    );
                }
                _ => {}
            }
        }

        // Age at admission: the party's date of birth (frozen since 2016), else the population's.
        if let (Some(a), Some(dob)) = (dates.admission, dates.dob.or(matched.and_then(|p| p.dob))) {
            let eighteen = dob.plus_years(18);
            if a.latest() < eighteen.earliest() {
                t.push(
                    Code::UnderAgeAtAdmission,
                    "admission_date",
                    pb,
                    m.admission_date.unwrap_or("").trim(),
                    "",
                    format_args!("Vào Đảng ngày {} khi chưa đủ 18 tuổi (sinh {})", a.to_text(), dob.to_text()),
                    format_args!("Admitted on {} before turning 18 (born {})", a.to_text(), dob.to_text()),
                );
            }
        }
        (t.worst, outcome)
    }

    /// Compares the party names with the population's, aliases included, and files
    /// the finding of the best pair. Returns the kind, score and the pair compared.
    fn check_names<'a, S: FindingSink>(
        &self,
        full_name: Option<&'a str>,
        birth_name: Option<&'a str>,
        p: &PopulationView<'a>,
        t: &mut S,
    ) -> Option<(MatchKind, f64, &'a str, &'a str)> {
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
        let code = match kind {
            MatchKind::Identical => {
                if via_alias {
                    Some(Code::NameAliasMatch)
                } else {
                    None
                }
            }
            MatchKind::Equivalent => Some(if via_alias { Code::NameAliasMatch } else { Code::NameEquivalentForm }),
            MatchKind::DiacriticsMissing => Some(Code::NameDiacriticsMissing),
            MatchKind::SpellingVariant => Some(Code::NameSpellingVariant),
            MatchKind::MiddleNameMissing => Some(Code::NameMiddleMissing),
            MatchKind::Reordered => Some(Code::NameReordered),
            MatchKind::Typo => Some(Code::NameTypo),
            MatchKind::DifferentDiacritics | MatchKind::Different => Some(Code::NameMismatch),
        };
        if let Some(code) = code {
            let field = if full_name.is_some_and(|f| std::ptr::eq(f, a)) { "full_name" } else { "birth_name" };
            let owner = if code == Code::NameDiacriticsMissing && a.is_ascii() == b.is_ascii() {
                Owner::PartyBoard
            } else if code == Code::NameDiacriticsMissing && b.is_ascii() {
                Owner::Police
            } else {
                Owner::PartyBoard
            };
            let (alias_vi, alias_en) = match (via_alias, std::ptr::eq(b, p.full_name)) {
                (false, _) => ("", ""),
                (true, true) => {
                    (" (so với tên khai sinh trên hồ sơ đảng viên)", " (through the birth name on the party record)")
                }
                (true, false) => {
                    (" (so với tên gọi khác trong CSDL dân cư)", " (through another name in the population data)")
                }
            };
            let detail_vi = match kind {
                MatchKind::DifferentDiacritics => "khác dấu nên là hai tên khác nhau",
                MatchKind::Different => "khác nhau",
                _ => code.summary_vi(),
            };
            let detail_en = match kind {
                MatchKind::DifferentDiacritics => "different marks make them different names",
                MatchKind::Different => "different",
                _ => code.summary_en(),
            };
            t.push(
                code,
                field,
                owner,
                a,
                b,
                format_args!(
                    "{} trên hồ sơ đảng viên và CSDL dân cư: {}{}",
                    capitalised(field_vi(field)),
                    lower_first(detail_vi),
                    alias_vi
                ),
                format_args!(
                    "Name on the party record and in the population data: {}{}",
                    lower_first(detail_en),
                    alias_en
                ),
            );
        }
        Some((best.0, best.1, a, b))
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn candidates_vi(n: usize) -> String {
    match n {
        0 => "không tìm được người phù hợp theo họ tên và ngày sinh".into(),
        1 => "có 1 người có thể phù hợp theo họ tên và ngày sinh — cần xác nhận với thẻ căn cước, không tự chọn".into(),
        n => format!(
            "có {n} người có thể phù hợp theo họ tên và ngày sinh — cần xác nhận với thẻ căn cước, không tự chọn"
        ),
    }
}

fn candidates_en(n: usize) -> String {
    match n {
        0 => "no one matches by name and date of birth".into(),
        1 => "1 possible person by name and date of birth — confirm with the ID card; none is chosen automatically"
            .into(),
        n => format!(
            "{n} possible people by name and date of birth — confirm with the ID card; none is chosen automatically"
        ),
    }
}

fn missing<S: FindingSink>(t: &mut S, field: &'static str) {
    t.push(
        Code::ValueMissing,
        field,
        Owner::PartyBoard,
        "",
        "",
        format_args!("Hồ sơ đảng viên thiếu {}", field_vi(field)),
        format_args!("The party record has no {}", field.replace('_', " ")),
    );
}

/// A party name usable for comparison, or a finding saying why not.
fn usable_name<'a, S: FindingSink>(raw: Option<&'a str>, field: &'static str, t: &mut S) -> Option<&'a str> {
    let name = present(raw)?;
    if name.len() > MAX_NAME_BYTES {
        t.push(
            Code::ValueUnreadable,
            field,
            Owner::PartyBoard,
            shown(name),
            "",
            format_args!(
                "{} dài {} byte, vượt giới hạn {} byte: không phải một họ tên (có thể nhầm cột)",
                capitalised(field_vi(field)),
                name.len(),
                MAX_NAME_BYTES
            ),
            format_args!(
                "{field} is {} bytes long, over the {MAX_NAME_BYTES}-byte limit: not a name (a wrong column?)",
                name.len()
            ),
        );
        return None;
    }
    Some(name)
}

#[cfg(test)]
mod tests;

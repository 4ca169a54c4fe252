//! Finding population rows: by number, by old number, and by name and date of
//! birth (the candidates offered when the number leads nowhere).

use std::hash::BuildHasher;

use super::ahead::prefetch;
use super::keys::search_keys;
use super::{with_work, Candidate, PopulationIndex, Search, Work, CHUNK, HAS_OTHER_NAMES, NAME_UNUSABLE, SHARED};
use crate::names::{self, MatchKind};
use crate::records::citizen_id::{clean, CleanId};
use crate::records::places::{self, Place};
use crate::records::MAX_VALUE_BYTES;
use crate::values::dates::{parse_date, PartialDate};
use crate::values::gender::{parse_gender_with, Gender};
use crate::MAX_NAME_BYTES;

/// A candidate this good stops the search from widening (same name, same date of birth).
const STRONG_CANDIDATE: f64 = 0.9;

impl PopulationIndex {
    /// The row holding a 12-digit number (typed any way), if any.
    pub fn lookup(&self, citizen_id: &str) -> Option<usize> {
        match clean(citizen_id).id {
            CleanId::Personal(id) => self.by_id.get(id).map(|v| (v & !SHARED) as usize),
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

    pub(super) fn old_rows(&self, old: u64) -> &[u32] {
        match self.by_old_id.get_ref(old) {
            None => &[],
            Some(v) if v & SHARED != 0 => &self.old_shared[(v & !SHARED) as usize],
            Some(v) => std::slice::from_ref(v),
        }
    }

    pub(super) fn block(&self, key: u64) -> &[u32] {
        self.blocks.get(key)
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
        let search = Search { name: full_name, dob, sex, place };
        with_work(|w| {
            self.find_candidates(&search, None, &[], w);
            w.candidates.clone()
        })
    }

    /// Scores one row against what the member's record says; None when the names differ.
    pub(super) fn full_name(&self, row: usize) -> &str {
        let info = &self.rows[row];
        let start = info.start as usize;
        &self.texts[row / CHUNK][start..start + info.name_len as usize]
    }

    pub(super) fn score(
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

    pub(super) fn find_candidates(&self, search: &Search<'_>, exclude: Option<u32>, extra: &[u32], w: &mut Work) {
        let Search { name, dob, sex, place } = *search;
        w.candidates.clear();
        w.rows.clear();
        w.compared.clear();
        let mut keys: [(u64, u8); 4] = [(0, 0); 4];
        let mut count = 0;
        let searchable = search_keys(name, dob, &mut w.writer, &mut w.fold, |key, stage| {
            keys[count] = (key, stage);
            count += 1;
        });
        if !searchable {
            return;
        }
        w.rows.extend_from_slice(extra);
        for stage in 0..=2u8 {
            if stage == 2 && !w.candidates.is_empty() {
                break;
            }
            let before = w.rows.len();
            for &(key, _) in keys[..count].iter().filter(|k| k.1 == stage) {
                let rows = self.block(key);
                if rows.len() <= self.options.max_block && !self.skips(key) {
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

    pub(super) fn score_rows(
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
        // Every row's record, then every name, asked for at once before any is
        // scored: a block's rows lie all over the table (see ahead.rs).
        for &row in &w.rows {
            prefetch(&self.rows[row as usize]);
        }
        for &row in &w.rows {
            let info = &self.rows[row as usize];
            prefetch(self.texts[row as usize / CHUNK].as_bytes()[info.start as usize..].as_ptr());
        }
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
    pub(super) fn describe_candidates(&self, w: &mut Work) {
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
}

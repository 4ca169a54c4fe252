//! Reading the population table into the index, on all cores.

use rayon::prelude::*;

use super::keys::row_keys;
use super::sorted::{Blocks, NumberMap};
use super::{
    date_slot, date_texts, PopulationIndex, RowInfo, CHUNK, DATE_TEXT_LEN, DOB_AS_PARSED, DOB_UNREADABLE, GENDER_NAM,
    GENDER_NU, GENDER_UNREADABLE, HAS_OTHER_NAMES, MAX_ROWS, NAME_UNUSABLE, SEP, SHARED,
};
use crate::names::Writer;
use crate::records::checks::shown;
use crate::records::citizen_id::{clean, CleanId};
use crate::records::places::{self, Place};
use crate::records::{present, Options, PopulationSource, RecordError, MAX_OTHER_NAMES_BYTES, MAX_VALUE_BYTES};
use crate::values::dates::{parse_date, PartialDate};
use crate::values::gender::{parse_gender_with, Gender};
use crate::MAX_NAME_BYTES;

/// What building the index found in the population table; nothing here stops it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildReport {
    pub rows: usize,
    pub citizen_id_missing: usize,
    /// Values in `citizen_id` that are not 12 digits (9-digit ones are also indexed as old numbers).
    pub citizen_id_malformed: usize,
    /// Numbers read with the leading zeros a spreadsheet dropped put back.
    pub citizen_id_zeros_restored: usize,
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
    pub(super) fn add(&mut self, o: &BuildReport) {
        self.rows += o.rows;
        self.citizen_id_missing += o.citizen_id_missing;
        self.citizen_id_malformed += o.citizen_id_malformed;
        self.citizen_id_zeros_restored += o.citizen_id_zeros_restored;
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
            self.citizen_id_zeros_restored,
            "citizen IDs stored as numbers, read with their leading zeros put back (format the column as Text)",
        );
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

/// A built chunk of rows, before the chunks are stitched together.
#[derive(Default)]
struct Built {
    text: String,
    lens: Vec<u32>,
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
        let dates = date_texts();
        let chunks: Vec<Built> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let range = c * CHUNK..((c + 1) * CHUNK).min(n);
                let mut writer = Writer::default();
                let mut fold = String::new();
                let mut gbuf = String::new();
                let mut b = Built { text: String::with_capacity(range.len() * 96), ..Default::default() };
                for i in range {
                    Self::build_row(population, i, &dates, &mut b, &mut writer, &mut fold, &mut gbuf);
                }
                // Held for the index's life, so at its exact length: the guess above
                // leaves a third unused, and the allocator keeps a block shrunk by less
                // than half where it is.
                b.text = b.text.as_str().to_owned();
                b
            })
            .collect();
        let mut report = BuildReport::default();
        let mut texts: Vec<String> = Vec::with_capacity(chunks.len());
        let mut rows: Vec<RowInfo> = Vec::with_capacity(n);
        let (mut id_count, mut old_count, mut key_count) = (0, 0, 0);
        for c in &chunks {
            id_count += c.ids.len();
            old_count += c.old.len();
            key_count += c.keys.len();
        }
        let mut ids: Vec<(u64, u32)> = Vec::with_capacity(id_count);
        let mut old: Vec<(u64, u32)> = Vec::with_capacity(old_count);
        let mut keys: Vec<(u64, u32)> = Vec::with_capacity(key_count);
        for c in chunks {
            report.add(&c.report);
            let mut start = 0u32;
            texts.push(c.text);
            for k in 0..c.lens.len() {
                rows.push(RowInfo {
                    place: c.place[k],
                    start,
                    len: c.lens[k],
                    dob: c.dob[k],
                    name_len: c.name_len[k],
                    sex: c.sex[k],
                    flags: c.flags[k],
                });
                start += c.lens[k];
            }
            ids.extend_from_slice(&c.ids);
            old.extend_from_slice(&c.old);
            keys.extend_from_slice(&c.keys);
        }
        // The pairs are in table order, as each map takes them.
        let by_id = NumberMap::new(ids, |rows| {
            report.citizen_id_duplicated += 1;
            rows[0] | SHARED
        });
        let mut old_shared: Vec<Vec<u32>> = Vec::new();
        let by_old_id = NumberMap::new(old, |rows| {
            report.old_id_shared += 1;
            old_shared.push(rows.to_vec());
            SHARED | (old_shared.len() - 1) as u32
        });
        let blocks = Blocks::new(keys);
        Ok(PopulationIndex {
            texts,
            rows,
            by_id,
            by_old_id,
            old_shared,
            blocks,
            skipped: Vec::new(),
            date_texts: dates,
            report,
            options,
        })
    }

    fn build_row<P: PopulationSource + ?Sized>(
        population: &P,
        i: usize,
        dates: &[u8],
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
        // Each value trimmed once, for the arena and for the readings below.
        let values = [r.full_name, r.citizen_id, r.other_names, r.date_of_birth, r.gender, r.hometown, r.old_id_number]
            .map(present);
        let [full_name, citizen_id, other_names, date_of_birth, gender, hometown, old_id_number] = values;
        let parsed_dob = date_of_birth.map(parse_date);
        // The date of birth and gender written the common way are left out of
        // the text and read back from the flags (`PopulationIndex::view`).
        let dob_as_parsed = match (date_of_birth, parsed_dob) {
            (Some(v), Some(Ok(Some(d)))) => {
                date_slot(d).is_some_and(|at| dates[at..at + DATE_TEXT_LEN] == *v.as_bytes())
            }
            _ => false,
        };
        if dob_as_parsed {
            flags |= DOB_AS_PARSED;
        }
        match gender {
            Some("Nam") => flags |= GENDER_NAM,
            Some("Nữ") => flags |= GENDER_NU,
            _ => {}
        }
        for (k, v) in values.iter().enumerate() {
            if k == 1 {
                b.name_len.push((b.text.len() - start) as u16);
            }
            if k > 0 {
                b.text.push(SEP);
            }
            if (k == 3 && dob_as_parsed) || (k == 4 && flags & (GENDER_NAM | GENDER_NU) != 0) {
                continue;
            }
            let v = v.unwrap_or("");
            let limit = if k == 2 { MAX_OTHER_NAMES_BYTES } else { MAX_VALUE_BYTES };
            let (v, _) = clean_value(v, limit);
            if v.contains(SEP) {
                b.text.push_str(&v.replace(SEP, " "));
            } else {
                b.text.push_str(v);
            }
        }
        b.lens.push((b.text.len() - start) as u32);

        let cleaned = citizen_id.map(clean);
        if cleaned.is_some_and(|c| c.zeros_restored > 0) {
            b.report.citizen_id_zeros_restored += 1;
        }
        match cleaned.map(|c| c.id) {
            None | Some(CleanId::Missing) => b.report.citizen_id_missing += 1,
            Some(CleanId::Personal(id)) => b.ids.push((id, row)),
            Some(CleanId::Legacy(old)) => {
                b.report.citizen_id_malformed += 1;
                b.old.push((old, row));
            }
            Some(CleanId::Malformed(_)) => b.report.citizen_id_malformed += 1,
        }
        if let Some(CleanId::Legacy(old)) = old_id_number.map(|s| clean(s).id) {
            b.old.push((old, row));
        }
        let dob = match parsed_dob {
            Some(Ok(d)) => d,
            Some(Err(_)) => {
                flags |= DOB_UNREADABLE;
                b.report.date_of_birth_unreadable += 1;
                None
            }
            None => None,
        };
        b.dob.push(dob.unwrap_or_default());
        let sex = match gender.map(|g| parse_gender_with(g, gbuf)) {
            Some(Ok(g)) => g,
            Some(Err(_)) => {
                flags |= GENDER_UNREADABLE;
                b.report.gender_unreadable += 1;
                None
            }
            None => None,
        };
        b.sex.push(sex);
        b.place.push(hometown.filter(|h| h.len() <= MAX_VALUE_BYTES).map_or(0, places::resolve));
        if full_name.is_none_or(|n| n.len() > MAX_NAME_BYTES) {
            flags |= NAME_UNUSABLE;
            b.report.name_unusable += 1;
        }
        if other_names.is_some_and(|o| o.len() <= MAX_OTHER_NAMES_BYTES) {
            flags |= HAS_OTHER_NAMES;
        }
        row_keys(full_name, other_names, dob, writer, fold, |k| b.keys.push((k, row)));
        b.flags.push(flags);
    }
}

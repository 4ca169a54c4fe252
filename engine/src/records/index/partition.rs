//! The keys a distributed run groups rows by, so that each task's index holds
//! every population row a member's check can reach: the citizen ID read as the
//! check reads it (the 12-digit number, or the old 9-digit one), and the name
//! blocks the candidate search looks in. The search passes over a block larger
//! than `Options::max_block`; a task's index holds only a slice of the table,
//! where such a block looks smaller, so the blocks too large in the whole table
//! are handed to the slice's index (`PopulationIndex::skip_blocks`).

use rayon::prelude::*;

use super::keys::{row_keys, search_keys};
use super::PopulationIndex;
use crate::names::Writer;
use crate::records::citizen_id::{clean, CleanId};
use crate::records::{present, PopulationSource, PreparedMember, RosterSource};
use crate::values::dates::parse_date;
use crate::vocabulary::RosterCheck;

/// Rows per task.
const CHUNK: usize = 4096;

/// What a population row is found by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowKeys {
    /// Its 12-digit number, when `citizen_id` reads as one.
    pub citizen_id: Option<u64>,
    /// Its old 9-digit numbers: `citizen_id` when it holds one, then `old_id_number`.
    pub old_ids: Vec<u64>,
    /// The name blocks it is filed under, sorted, each once.
    pub blocks: Vec<u64>,
}

/// What a member's check looks the population up by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberKeys {
    /// The citizen ID as the check reads it; `Missing` when the roster has no such column.
    pub citizen_id: CleanId,
    /// The name blocks its candidate search may look in (every stage), sorted, each once.
    pub blocks: Vec<u64>,
}

impl PopulationIndex {
    /// The keys of every population row, as `build` files them.
    pub fn population_keys<P: PopulationSource + ?Sized>(population: &P) -> Vec<RowKeys> {
        let n = population.len();
        (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .flat_map_iter(|c| {
                let (mut writer, mut fold) = (Writer::default(), String::new());
                (c * CHUNK..((c + 1) * CHUNK).min(n))
                    .map(|i| {
                        let r = population.record(i);
                        let mut keys = RowKeys::default();
                        match present(r.citizen_id).map(|v| clean(v).id) {
                            Some(CleanId::Personal(id)) => keys.citizen_id = Some(id),
                            Some(CleanId::Legacy(old)) => keys.old_ids.push(old),
                            _ => {}
                        }
                        if let Some(CleanId::Legacy(old)) = present(r.old_id_number).map(|v| clean(v).id) {
                            keys.old_ids.push(old);
                        }
                        let dob = present(r.date_of_birth).and_then(|d| parse_date(d).ok().flatten());
                        let (full_name, other_names) = (present(r.full_name), present(r.other_names));
                        row_keys(full_name, other_names, dob, &mut writer, &mut fold, |k| keys.blocks.push(k));
                        keys.blocks.sort_unstable();
                        keys.blocks.dedup();
                        keys
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// The keys of every roster member, read as `verify_all` reads it with the
    /// reference day `as_of` (days since 1970-01-01).
    pub fn member_keys<R: RosterSource + ?Sized>(roster: &R, as_of: i32) -> Vec<MemberKeys> {
        let n = roster.len();
        let reads_id = roster.fields().runs(RosterCheck::CitizenId);
        (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .flat_map_iter(|c| {
                let (mut writer, mut fold, mut buf) = (Writer::default(), String::new(), String::new());
                (c * CHUNK..((c + 1) * CHUNK).min(n))
                    .map(|i| {
                        let member = roster.member(i);
                        let m = PreparedMember::read(&member, as_of, &mut buf);
                        let mut blocks = Vec::new();
                        if reads_id {
                            let (name, dob) = (m.search_name().unwrap_or(""), m.date_of_birth.value.date());
                            search_keys(name, dob, &mut writer, &mut fold, |k, _| blocks.push(k));
                        }
                        blocks.sort_unstable();
                        blocks.dedup();
                        let citizen_id = if reads_id { m.citizen_id.cleaned.id } else { CleanId::Missing };
                        MemberKeys { citizen_id, blocks }
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Makes the candidate search pass over the blocks `keys` whatever their size
    /// in this index (see the module docs).
    pub fn skip_blocks(&mut self, mut keys: Vec<u64>) {
        keys.sort_unstable();
        keys.dedup();
        self.skipped = keys;
    }

    pub(super) fn skips(&self, key: u64) -> bool {
        !self.skipped.is_empty() && self.skipped.binary_search(&key).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use rustc_hash::FxHashMap;

    use super::*;
    use crate::records::{MemberRecord, Options, PopulationRecord, Verification};
    use crate::values::dates::days_from_civil;

    const MAX_BLOCK: usize = 3;

    fn options() -> Options {
        Options { as_of: days_from_civil(2025, 9, 1), max_block: MAX_BLOCK, ..Options::default() }
    }

    fn population() -> Vec<PopulationRecord<'static>> {
        let row = |id, name, dob, old| PopulationRecord {
            citizen_id: Some(id),
            full_name: Some(name),
            other_names: None,
            date_of_birth: Some(dob),
            gender: Some("Nam"),
            hometown: Some("Hà Tĩnh"),
            old_id_number: old,
        };
        vec![
            // Namesakes: their blocks are larger than MAX_BLOCK in the whole table.
            row("042060000001", "Nguyễn Văn An", "05/03/1960", None),
            row("042060000002", "Nguyễn Văn An", "06/03/1960", None),
            row("042060000003", "Nguyễn Văn An", "07/03/1960", None),
            row("042060000004", "Nguyễn Văn An", "08/03/1960", None),
            row("042060000005", "Nguyen Van An", "05/03/1961", None),
            row("042070000006", "Trần Văn Bình", "01/01/1970", None),
            row("42070000007", "Trần Văn Bình", "02/01/1970", Some("011222333")),
            row("183456789", "Lê Văn Cường", "03/03/1975", None),
            row("042080000009", "Phạm Văn Dũng", "04/04/1980", Some("011222333")),
            row("042080000009", "Phạm Văn Dũng", "04/04/1980", None),
            row("", "Đỗ Văn Em", "1985", Some("1.234.567")),
        ]
    }

    fn members() -> Vec<MemberRecord<'static>> {
        let m = |id, name, dob| MemberRecord {
            member_id: Some("M"),
            full_name: Some(name),
            date_of_birth: Some(dob),
            gender: Some("Nam"),
            citizen_id: id,
            hometown: Some("Hà Tĩnh"),
            ..MemberRecord::default()
        };
        vec![
            m(None, "Nguyễn Văn An", "05/03/1960"),
            m(Some("042060000099"), "Nguyễn Văn An", "1960"),
            m(Some("042.070.000.006"), "Trần Văn Bình", "01/01/1970"),
            m(Some("42070000007"), "Trần Văn Bính", "02/01/1970"),
            m(Some("011 222 333"), "Trần Văn Bình", "1970"),
            m(Some("183456789"), "Lê Văn Cường", "03/03/1975"),
            m(Some("042080000009"), "Phạm Văn Dũng", "04/04/1980"),
            m(Some("04208000000"), "Đỗ Văn Em", "1985"),
            m(Some("123"), "Lê Van Cuong", "1975"),
        ]
    }

    /// A verification with population rows renumbered by `rows` (slice row → table row).
    fn renumbered(mut v: Verification, rows: &[usize]) -> Verification {
        v.matched = v.matched.map(|r| rows[r]);
        for c in &mut v.candidates {
            c.row = rows[c.row];
        }
        v
    }

    #[test]
    fn an_index_of_the_rows_a_members_keys_reach_checks_it_as_the_whole_table_does() {
        let population = population();
        let whole = PopulationIndex::build(population.as_slice(), options()).unwrap();
        let rows = PopulationIndex::population_keys(population.as_slice());
        let mut sizes: FxHashMap<u64, usize> = FxHashMap::default();
        for k in rows.iter().flat_map(|r| &r.blocks) {
            *sizes.entry(*k).or_default() += 1;
        }
        let oversized: Vec<u64> = sizes.iter().filter(|(_, &n)| n > MAX_BLOCK).map(|(&k, _)| k).collect();
        assert!(!oversized.is_empty(), "the namesakes make a block too large to search");
        let members = members();
        let keys = PopulationIndex::member_keys(members.as_slice(), options().as_of);
        assert_eq!(keys[2].citizen_id, CleanId::Personal(42_070_000_006));
        assert_eq!(keys[4].citizen_id, CleanId::Legacy(11_222_333));
        for (i, member) in members.iter().enumerate() {
            let k = &keys[i];
            // What the member reaches, with a slice of an oversized block a neighbour brought along.
            let mut wanted: Vec<usize> = (0..population.len())
                .filter(|&r| {
                    let row = &rows[r];
                    let by_number = match k.citizen_id {
                        CleanId::Personal(id) => row.citizen_id == Some(id),
                        CleanId::Legacy(old) => row.old_ids.contains(&old),
                        _ => false,
                    };
                    by_number || row.blocks.iter().any(|b| k.blocks.contains(b) && !oversized.contains(b)) || r < 2
                })
                .collect();
            wanted.sort_unstable();
            let slice: Vec<PopulationRecord<'_>> = wanted.iter().map(|&r| population[r]).collect();
            let mut part = PopulationIndex::build(slice.as_slice(), options()).unwrap();
            part.skip_blocks(oversized.clone());
            let expected = whole.verify(member);
            assert_eq!(renumbered(part.verify(member), &wanted), expected, "member {i}");
            if i == 0 {
                // Without the whole table's sizes the slice would search a block the table does not.
                let unskipped = PopulationIndex::build(slice.as_slice(), options()).unwrap();
                assert_ne!(renumbered(unskipped.verify(member), &wanted), expected);
            }
        }
    }
}

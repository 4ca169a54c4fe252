//! The index's lookups as sorted flat arrays: numbers (12-digit citizen IDs, old
//! 9-digit ones) to a row, and blocking keys to their rows. A directory on the
//! keys' top bits narrows a lookup to a handful of keys.
//!
//! At national size these are a third of the index. A hash map of the numbers
//! held 16-byte slots at a load factor of at most 7/8 (about 21 bytes a number);
//! here a number costs 12 bytes and its share of the directory. The blocking
//! table keeps each distinct key once, with where its rows start, instead of
//! once per row (a common name with its birth year is filed under one key for
//! hundreds of people).

use rayon::prelude::*;

use super::ahead::prefetch;

/// A directory over sorted keys by their top bits: `dir[b]..dir[b + 1]` are the
/// positions of the keys whose top bits are `b`, four to eight keys a bucket.
#[derive(Debug, Default)]
pub(super) struct Directory {
    dir: Vec<u32>,
    shift: u32,
}

impl Directory {
    pub(super) fn new(keys: &[u64]) -> Directory {
        let bits = (usize::BITS - keys.len().leading_zeros()).saturating_sub(2).clamp(1, 28);
        let shift = 64 - bits;
        let buckets = 1usize << bits;
        let mut dir = Vec::with_capacity(buckets + 1);
        let mut j = 0;
        for b in 0..=buckets {
            while j < keys.len() && ((keys[j] >> shift) as usize) < b {
                j += 1;
            }
            dir.push(j as u32);
        }
        Directory { dir, shift }
    }

    /// Where `key` is among `keys` (the keys the directory was made from), if there.
    #[inline]
    fn find(&self, keys: &[u64], key: u64) -> Option<usize> {
        let b = (key >> self.shift) as usize;
        let (lo, hi) = (self.dir[b] as usize, self.dir[b + 1] as usize);
        let within = &keys[lo..hi];
        let at = within.partition_point(|&k| k < key);
        (within.get(at) == Some(&key)).then_some(lo + at)
    }

    fn memory_bytes(&self) -> usize {
        self.dir.capacity() * 4
    }

    #[cfg(test)]
    pub(super) fn range(&self, key: u64) -> std::ops::Range<usize> {
        let b = (key >> self.shift) as usize;
        self.dir[b] as usize..self.dir[b + 1] as usize
    }

    #[cfg(test)]
    pub(super) fn buckets(&self) -> usize {
        self.dir.len() - 1
    }
}

/// Spreads numbers over the key space, so the directory's top bits divide them
/// evenly (citizen IDs start with a province code and a birth year). An odd
/// multiplier is a bijection on u64: distinct numbers stay distinct.
#[inline]
fn spread(number: u64) -> u64 {
    number.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// A number being fetched ahead (`ahead.rs`): its key, and where it was found.
#[derive(Clone, Copy, Debug)]
pub(super) struct Probe {
    key: u64,
    at: Option<usize>,
}

/// Numbers to one value each (a row, or a row with flags the caller sets).
#[derive(Debug, Default)]
pub(super) struct NumberMap {
    /// Spread numbers, ascending, each once.
    keys: Vec<u64>,
    values: Vec<u32>,
    directory: Directory,
}

impl NumberMap {
    /// From (number, row) pairs in the order they were filed: table order, rows
    /// never decreasing. A number filed once maps to its row; for one filed more
    /// than once, `repeated` is given every row it was filed with (a row twice when
    /// it was filed twice), in filing order, and says the value.
    pub(super) fn new(mut pairs: Vec<(u64, u32)>, mut repeated: impl FnMut(&[u32]) -> u32) -> NumberMap {
        for p in pairs.iter_mut() {
            p.0 = spread(p.0);
        }
        // Filing order is table order, so sorting by (key, row) keeps each number's
        // rows in the order they were filed.
        pairs.par_sort_unstable();
        let mut keys = Vec::with_capacity(pairs.len());
        let mut values = Vec::with_capacity(pairs.len());
        let mut rows: Vec<u32> = Vec::new();
        let mut i = 0;
        while i < pairs.len() {
            let key = pairs[i].0;
            let mut j = i + 1;
            while j < pairs.len() && pairs[j].0 == key {
                j += 1;
            }
            keys.push(key);
            values.push(if j - i == 1 {
                pairs[i].1
            } else {
                rows.clear();
                rows.extend(pairs[i..j].iter().map(|p| p.1));
                repeated(&rows)
            });
            i = j;
        }
        drop(pairs);
        keys.shrink_to_fit();
        values.shrink_to_fit();
        let directory = Directory::new(&keys);
        NumberMap { keys, values, directory }
    }

    #[inline]
    pub(super) fn get(&self, number: u64) -> Option<u32> {
        self.get_ref(number).copied()
    }

    #[inline]
    pub(super) fn get_ref(&self, number: u64) -> Option<&u32> {
        self.directory.find(&self.keys, spread(number)).map(|at| &self.values[at])
    }

    pub(super) fn memory_bytes(&self) -> usize {
        self.keys.capacity() * 8 + self.values.capacity() * 4 + self.directory.memory_bytes()
    }

    // The lookup of `get` in steps, each asking for what the next one reads.

    pub(super) fn probe(&self, number: u64) -> Probe {
        Probe { key: spread(number), at: None }
    }

    pub(super) fn fetch_bucket(&self, p: Probe) {
        prefetch(&self.directory.dir[(p.key >> self.directory.shift) as usize]);
    }

    pub(super) fn fetch_keys(&self, p: Probe) {
        let b = (p.key >> self.directory.shift) as usize;
        let (lo, hi) = (self.directory.dir[b] as usize, self.directory.dir[b + 1] as usize);
        if lo < hi {
            prefetch(&self.keys[lo]);
            prefetch(&self.keys[hi - 1]);
        }
    }

    /// Finds the key (in the cache by now) and asks for its value; false when absent.
    pub(super) fn fetch_value(&self, p: &mut Probe) -> bool {
        p.at = self.directory.find(&self.keys, p.key);
        if let Some(at) = p.at {
            prefetch(&self.values[at]);
        }
        p.at.is_some()
    }

    pub(super) fn value_at(&self, p: Probe) -> Option<u32> {
        p.at.map(|at| self.values[at])
    }
}

/// Blocking keys to the rows filed under each, rows ascending.
#[derive(Debug, Default)]
pub(super) struct Blocks {
    /// Distinct keys, ascending.
    keys: Vec<u64>,
    /// `rows[starts[j]..starts[j + 1]]` are the rows of `keys[j]`.
    starts: Vec<u32>,
    rows: Vec<u32>,
    directory: Directory,
}

impl Blocks {
    /// From (key, row) pairs in any order, repeats included.
    pub(super) fn new(mut pairs: Vec<(u64, u32)>) -> Blocks {
        pairs.par_sort_unstable();
        pairs.dedup();
        let mut rows = Vec::with_capacity(pairs.len());
        let mut keys = Vec::new();
        let mut starts = Vec::new();
        for (i, &(key, row)) in pairs.iter().enumerate() {
            if i == 0 || pairs[i - 1].0 != key {
                keys.push(key);
                starts.push(i as u32);
            }
            rows.push(row);
        }
        starts.push(rows.len() as u32);
        drop(pairs);
        keys.shrink_to_fit();
        starts.shrink_to_fit();
        let directory = Directory::new(&keys);
        Blocks { keys, starts, rows, directory }
    }

    /// The rows filed under `key`, ascending; empty when none.
    #[inline]
    pub(super) fn get(&self, key: u64) -> &[u32] {
        match self.directory.find(&self.keys, key) {
            Some(j) => &self.rows[self.starts[j] as usize..self.starts[j + 1] as usize],
            None => &[],
        }
    }

    pub(super) fn memory_bytes(&self) -> usize {
        self.keys.capacity() * 8 + self.starts.capacity() * 4 + self.rows.capacity() * 4 + self.directory.memory_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sorted keys with runs, spread over the whole range and crowded at both ends.
    fn keys() -> Vec<u64> {
        let mut keys: Vec<u64> = Vec::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..5_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let k = match i % 10 {
                0 => i | 1,
                1 => u64::MAX - i,
                _ => x | 1,
            };
            for _ in 0..(1 + i % 3) {
                keys.push(k);
            }
        }
        keys.sort_unstable();
        keys
    }

    #[test]
    fn the_directory_finds_what_a_full_search_finds() {
        let keys = keys();
        for len in [0, 1, 2, 3, 17, keys.len()] {
            let keys = &keys[..len];
            let directory = Directory::new(keys);
            let all = directory.range(u64::MAX);
            assert_eq!(all.end, keys.len());
            assert_eq!(directory.range(0).start, 0);
            assert!(directory.buckets().is_power_of_two());
            for probe in keys.iter().copied().chain([0, 2, u64::MAX, 1 << 63]) {
                let within = &keys[directory.range(probe)];
                let here = within.iter().filter(|&&k| k == probe).count();
                assert_eq!(here, keys.iter().filter(|&&k| k == probe).count(), "{probe:#x}");
            }
        }
    }

    #[test]
    fn blocks_answer_as_a_map_of_sorted_rows() {
        let keys = keys();
        // Each key filed for a few rows, out of order, some twice.
        let mut pairs: Vec<(u64, u32)> = Vec::new();
        for (i, &k) in keys.iter().enumerate().rev() {
            pairs.push((k, (i % 97) as u32));
            pairs.push((k, (i % 89) as u32));
        }
        let mut expected: std::collections::BTreeMap<u64, std::collections::BTreeSet<u32>> = Default::default();
        for &(k, r) in &pairs {
            expected.entry(k).or_default().insert(r);
        }
        let blocks = Blocks::new(pairs);
        for (k, rows) in &expected {
            assert_eq!(blocks.get(*k), rows.iter().copied().collect::<Vec<_>>().as_slice());
        }
        for absent in [0, 2, 1 << 63, u64::MAX - 1] {
            if !expected.contains_key(&absent) {
                assert!(blocks.get(absent).is_empty());
            }
        }
        assert!(Blocks::new(Vec::new()).get(7).is_empty());
    }

    #[test]
    fn a_number_filed_twice_is_answered_by_the_caller() {
        let pairs = vec![(42_060_001_234, 0), (7, 1), (7, 1), (42_060_001_234, 2), (u64::MAX, 3), (0, 4), (7, 5)];
        let mut seen = Vec::new();
        let map = NumberMap::new(pairs, |rows| {
            seen.push(rows.to_vec());
            1000 + rows.len() as u32
        });
        assert_eq!(map.get(42_060_001_234), Some(1002));
        assert_eq!(map.get(7), Some(1003));
        assert_eq!(map.get(u64::MAX), Some(3));
        assert_eq!(map.get(0), Some(4));
        assert_eq!(map.get(8), None);
        seen.sort();
        assert_eq!(seen, vec![vec![0, 2], vec![1, 1, 5]]);
        assert_eq!(NumberMap::new(Vec::new(), |_| 0).get(0), None);
    }
}

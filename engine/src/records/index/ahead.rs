//! Fetching a group of members' population rows from memory before checking them.
//!
//! At national size the index is far larger than the caches and a roster reaches
//! its rows in no useful order: looking a member's number up and reading the row
//! it leads to is a chain of five or so memory reads (directory, keys, value, row
//! record, row text), each waiting on the one before. Checked one member after
//! another, every read of every chain waits its full turn. Here the chains of a
//! group of members advance together, one link per pass, each pass asking for
//! the next link of every member at once (prefetches, which do not wait), so a
//! group waits about five times instead of five times per member. The check then
//! finds what it reads in the cache. Nothing here decides anything: the check
//! looks every number up again, as before.

use super::sorted::{NumberMap, Probe};
use super::{PopulationIndex, RosterSource, CHUNK, SHARED};
use crate::records::citizen_id::{clean, CleanId};
use crate::records::{present, MAX_VALUE_BYTES};
use crate::vocabulary::Field;

/// Members whose rows are fetched together: enough reads in flight to hide most
/// of the waiting, few enough that what they bring stays in the cache until used.
pub(super) const GROUP: usize = 16;

/// Asks for the cache line holding `p`. A hint: it reads nothing into the
/// program and cannot fault.
#[inline(always)]
pub(super) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 is a hint that never faults, whatever the address; SSE
    // is part of the x86_64 baseline.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p.cast::<i8>())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Where one member's chain stands.
#[derive(Clone, Copy)]
enum Link<'a> {
    Done,
    Number(&'a NumberMap, Probe),
    Row(u32),
}

impl PopulationIndex {
    /// Brings the index entries and population rows that the members of `rows`
    /// (at most `GROUP`) lead to by their citizen ID into the cache.
    pub(super) fn fetch_ahead<R: RosterSource + ?Sized>(&self, roster: &R, rows: std::ops::Range<usize>) {
        let mut links = [Link::Done; GROUP];
        let links = &mut links[..rows.len().min(GROUP)];
        for (link, i) in links.iter_mut().zip(rows) {
            let Some(raw) = present(roster.value(i, Field::CitizenId)).filter(|r| r.len() <= MAX_VALUE_BYTES) else {
                continue;
            };
            let map = match clean(raw).id {
                CleanId::Personal(id) => Some((&self.by_id, id)),
                CleanId::Legacy(old) => Some((&self.by_old_id, old)),
                _ => None,
            };
            if let Some((map, number)) = map {
                let probe = map.probe(number);
                map.fetch_bucket(probe);
                *link = Link::Number(map, probe);
            }
        }
        for link in links.iter() {
            if let Link::Number(map, probe) = *link {
                map.fetch_keys(probe);
            }
        }
        for link in links.iter_mut() {
            if let Link::Number(map, mut probe) = *link {
                *link = if map.fetch_value(&mut probe) { Link::Number(map, probe) } else { Link::Done };
            }
        }
        for link in links.iter_mut() {
            if let Link::Number(map, probe) = *link {
                *link = match map.value_at(probe) {
                    Some(v) if v & SHARED == 0 => {
                        prefetch(&self.rows[v as usize]);
                        Link::Row(v)
                    }
                    _ => Link::Done,
                };
            }
        }
        for link in links.iter() {
            if let Link::Row(r) = *link {
                let info = &self.rows[r as usize];
                let text = self.texts[r as usize / CHUNK].as_ptr();
                let (start, len) = (info.start as usize, info.len as usize);
                // SAFETY: `start..start + len` lies within the chunk's text (the build
                // wrote it so), and so do these two addresses when `len` > 0.
                if len > 0 {
                    prefetch(unsafe { text.add(start) });
                    prefetch(unsafe { text.add(start + len - 1) });
                }
            }
        }
    }
}

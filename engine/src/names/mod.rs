//! The Vietnamese name layer: cleaning, canonical forms, keys and comparison.
//!
//! Three relations, never one (see the reference on Vietnamese names):
//! 1. same spelling: equal after NFC, case folding, whitespace and punctuation
//!    clean-up, Ð→Đ and honorifics dropped (`spelling_key`);
//! 2. same name: also equal after tone placement, mark order and legacy-encoding
//!    repair (`name_key`);
//! 3. candidates only, for a person to confirm (`compare_names` says which kind).
//!
//! `fold_key` strips every mark and is a blocking key only: Hùng and Hưng fold alike.

mod analysis;
pub mod compare;
pub mod legacy;
pub mod letters;
pub mod syllable;
mod tokens;
mod writer;

use rayon::prelude::*;

use crate::column::StrColumn;
use crate::error::{EngineError, MAX_NAME_BYTES};
// The kind of a name pair is part of the name layer's answers (`NameMatch`, `kind_and_score`).
pub use crate::vocabulary::MatchKind;
pub use analysis::{NameAnalysis, Scratch};
pub use compare::{compare_names, Comparer, NameMatch, Reading, Side, SyllableAlignment, SyllableRelation};
pub use syllable::{is_valid_syllable, ToneStyle};
pub use tokens::is_invisible;
use writer::with_thread_writer;
pub use writer::Writer;

/// The form a caller asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// "Nguyễn Văn Hùng": NFC, tone placement of `ToneStyle::New`, each syllable capitalised.
    Display,
    /// "nguyễn văn hùng": equal exactly for the same name (relation 2).
    Key,
    /// "nguyen van hung": blocking only.
    Fold,
}

/// Writes `raw` in the requested form into `out` (appending). Repairs legacy
/// encodings first, then cleans, drops honorifics and canonicalises each syllable.
pub fn write_name(raw: &str, form: Form, writer: &mut Writer, out: &mut String) {
    writer.write(raw, form, out);
}

fn check_len(raw: &str, index: usize) -> Result<(), EngineError> {
    if raw.len() > MAX_NAME_BYTES {
        return Err(EngineError::NameTooLong { index, len: raw.len(), limit: MAX_NAME_BYTES });
    }
    Ok(())
}

fn one(raw: &str, form: Form) -> Result<String, EngineError> {
    check_len(raw, 0)?;
    let mut out = String::with_capacity(raw.len() + 8);
    Writer::default().write(raw, form, &mut out);
    Ok(out)
}

/// The canonical display form: "NGUYỄN  văn hùng" → "Nguyễn Văn Hùng".
pub fn normalize_name(raw: &str) -> Result<String, EngineError> {
    one(raw, Form::Display)
}

/// The same-name key (relation 2): equal exactly when two strings are the same name.
pub fn name_key(raw: &str) -> Result<String, EngineError> {
    one(raw, Form::Key)
}

/// The blocking key: lowercase, no marks, đ→d, single spaces.
pub fn fold_key(raw: &str) -> Result<String, EngineError> {
    one(raw, Form::Fold)
}

/// Names per task for the bulk paths: large enough to amortise scheduling, small
/// enough that two cores share 100k names evenly.
const CHUNK: usize = 2048;

/// One form for a whole column, on all cores. Nulls stay null; the first name over
/// the length cap fails the whole call with its position, before any work is done.
pub fn write_names_bulk(names: &[Option<&str>], form: Form) -> Result<StrColumn, EngineError> {
    check_lengths(names, 0)?;
    let bulk = BulkWrite::new(form);
    let chunks: Vec<StrColumn> =
        names.par_chunks(CHUNK).enumerate().map(|(k, chunk)| bulk.chunk(k * CHUNK, chunk).column).collect();
    Ok(StrColumn::concat(&chunks))
}

/// One chunk of a bulk write, as `BulkWrite::write` hands it over.
pub struct WrittenChunk {
    /// The row of the call this chunk starts at.
    pub first_row: usize,
    pub column: StrColumn,
    /// `Some(j)` where the row repeats the text row `j` of the call wrote (`j`
    /// never itself repeats another row): a caller building one object per value,
    /// such as a Python str, can hand the row the object of row `j`. Repeats are
    /// found by the writers' name caches, so at no extra cost; a repeat seen by
    /// another thread is not found, and that row is simply written.
    pub same_as: Vec<Option<u32>>,
}

/// One bulk write, whose names may arrive in pieces, for a caller that reads its
/// input as it goes (reading 100,000 Python str objects is a tenth of a call): each
/// piece is written on all cores while the caller reads the next, and a name
/// repeated across pieces is found as within one piece. The call's caches are let
/// go on drop.
pub struct BulkWrite {
    /// A number no other bulk call shares (never 0), naming the call in the caches.
    call: u64,
    form: Form,
}

impl BulkWrite {
    pub fn new(form: Form) -> BulkWrite {
        static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        BulkWrite { call: CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, form }
    }

    /// Writes the names of rows `first_row..`, handing each chunk to `sink` on the
    /// worker that wrote it as soon as it is written, in no particular order. The
    /// first name over the length cap fails the piece, naming its row, before any of
    /// it is written.
    pub fn write(
        &self,
        first_row: usize,
        names: &[Option<&str>],
        sink: impl Fn(WrittenChunk) + Sync,
    ) -> Result<(), EngineError> {
        check_lengths(names, first_row)?;
        names.par_chunks(CHUNK).enumerate().for_each(|(k, chunk)| sink(self.chunk(first_row + k * CHUNK, chunk)));
        Ok(())
    }

    fn chunk(&self, first_row: usize, chunk: &[Option<&str>]) -> WrittenChunk {
        let bytes: usize = chunk.iter().map(|n| n.map_or(0, str::len) + 4).sum();
        let mut column = StrColumn::with_capacity(chunk.len(), bytes);
        let mut same_as = Vec::with_capacity(chunk.len());
        with_thread_writer(|writer| {
            writer.write_chunk_in_call(self.call, first_row, chunk, self.form, &mut column, &mut same_as)
        });
        WrittenChunk { first_row, column, same_as }
    }
}

impl Drop for BulkWrite {
    fn drop(&mut self) {
        rayon::broadcast(|_| with_thread_writer(|writer| writer.end_call()));
    }
}

/// The first name over the length cap, named by its row (`first_row` being the
/// row of `names[0]`).
fn check_lengths(names: &[Option<&str>], first_row: usize) -> Result<(), EngineError> {
    match names.iter().position(|n| n.is_some_and(|s| s.len() > MAX_NAME_BYTES)) {
        Some(index) => check_len(names[index].unwrap_or_default(), first_row + index),
        None => Ok(()),
    }
}

/// Kind and score of one pair on this thread's cached comparer (no alignment):
/// the fast path for callers that compare many pairs themselves.
pub fn kind_and_score(a: &str, b: &str) -> (MatchKind, f64) {
    compare::with_thread_comparer(|c| c.kind_and_score(a, b))
}

/// The reading `kind_and_score` took for a legacy syllable of `a` or `b` that reads
/// as a syllable in both 8-bit fonts, when it took the one the other name supports;
/// for the explanation of a comparison. One scan and nothing more for names
/// without legacy text.
pub fn reading_taken(a: &str, b: &str) -> Option<Reading> {
    if !(legacy::has_signature(a) || legacy::has_signature(b)) {
        return None;
    }
    compare::with_thread_comparer(|c| c.compare(a, b, false).reading)
}

/// Column results of `compare_names_bulk`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ComparisonColumns {
    /// `None` where either side was null.
    pub kinds: Vec<Option<MatchKind>>,
    pub scores: Vec<Option<f64>>,
}

/// Compares `left[i]` with `right[i]` for every i, on all cores.
pub fn compare_names_bulk(left: &[Option<&str>], right: &[Option<&str>]) -> Result<ComparisonColumns, EngineError> {
    if left.len() != right.len() {
        return Err(EngineError::LengthMismatch { left: left.len(), right: right.len() });
    }
    for (index, name) in left.iter().chain(right.iter()).enumerate() {
        if let Some(s) = name {
            check_len(s, index % left.len().max(1))?;
        }
    }
    let chunks: Vec<ComparisonColumns> = left
        .par_chunks(CHUNK)
        .zip(right.par_chunks(CHUNK))
        .map(|(left, right)| {
            compare::with_thread_comparer(|cmp| {
                let mut out =
                    ComparisonColumns { kinds: Vec::with_capacity(left.len()), scores: Vec::with_capacity(left.len()) };
                for (a, b) in left.iter().zip(right) {
                    let (kind, score) = match (a, b) {
                        (Some(a), Some(b)) => {
                            let (k, s) = cmp.kind_and_score(a, b);
                            (Some(k), Some(s))
                        }
                        _ => (None, None),
                    };
                    out.kinds.push(kind);
                    out.scores.push(score);
                }
                out
            })
        })
        .collect();
    let mut out = ComparisonColumns { kinds: Vec::with_capacity(left.len()), scores: Vec::with_capacity(left.len()) };
    for chunk in chunks {
        out.kinds.extend(chunk.kinds);
        out.scores.extend(chunk.scores);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn display_form() {
        assert_eq!(normalize_name("  NGUYỄN   văn  hùng ").unwrap(), "Nguyễn Văn Hùng");
        assert_eq!(normalize_name("nguyễn thị thủy").unwrap(), "Nguyễn Thị Thuỷ");
        assert_eq!(normalize_name("Ðặng\u{00A0}Văn\u{200B} Hải").unwrap(), "Đặng Văn Hải");
        assert_eq!(normalize_name("Trần Văn Qúy.").unwrap(), "Trần Văn Quý");
        assert_eq!(normalize_name("\u{FEFF}Lê\tThị\u{3000}Hoà").unwrap(), "Lê Thị Hoà");
    }

    #[test]
    fn clean_up_that_uncovers_legacy_text_is_settled_at_once() {
        // Dropping the joiner leaves "A`i", whose display "A'I" would be VIQR Ái on the
        // next pass: the first pass settles it, so normalising twice changes nothing.
        for raw in ["A\u{200D}`i", "§\u{300}Æng", "Ho\u{200B}a\u{300}", "Nguy\u{AD}ễn", "Ù\u{200B}T‘"] {
            let once = normalize_name(raw).unwrap();
            assert_eq!(normalize_name(&once).unwrap(), once, "{raw:?}");
            assert_eq!(name_key(&once).unwrap(), name_key(raw).unwrap(), "{raw:?}");
            assert!(compare_names(raw, &once).kind.is_same_name(), "{raw:?}");
        }
        assert_eq!(normalize_name("A\u{200D}`i").unwrap(), "Ài");
    }

    #[test]
    fn nfd_input_gives_the_same_display_and_key() {
        let nfc = "Nguyễn Thị Thuỷ";
        let nfd: String = nfc.nfd().collect();
        assert_eq!(normalize_name(&nfd).unwrap(), nfc);
        assert_eq!(name_key(&nfd).unwrap(), name_key(nfc).unwrap());
        // Title-casing NFD text naively gives "NguyễN"; rebuilding from letters does not.
        assert_eq!(normalize_name(&nfd.to_uppercase()).unwrap(), nfc);
    }

    #[test]
    fn keys() {
        assert_eq!(name_key("Thủy").unwrap(), name_key("THUỶ").unwrap());
        assert_ne!(name_key("Hùng").unwrap(), name_key("Hưng").unwrap());
        assert_eq!(fold_key("Đặng Thị Thuỷ").unwrap(), "dang thi thuy");
        assert_eq!(fold_key("Hùng").unwrap(), fold_key("Hưng").unwrap());
    }

    #[test]
    fn honorifics_are_dropped_only_before_a_name() {
        assert_eq!(normalize_name("Ông Nguyễn Văn An").unwrap(), "Nguyễn Văn An");
        assert_eq!(normalize_name("Đ/c Trần Thị Mai").unwrap(), "Trần Thị Mai");
        assert_eq!(normalize_name("đồng chí Lê Văn Tám").unwrap(), "Lê Văn Tám");
        // Ông is also a surname (Ông Ích Khiêm); Anh is also a given name.
        assert_eq!(normalize_name("Ông Ích Khiêm").unwrap(), "Ông Ích Khiêm");
        assert_eq!(normalize_name("Nguyễn Anh").unwrap(), "Nguyễn Anh");
    }

    #[test]
    fn foreign_tokens_keep_their_letters() {
        assert_eq!(normalize_name("h'hen niê").unwrap(), "H'Hen Niê");
        assert_eq!(normalize_name("KSOR Y PHEN").unwrap(), "Ksor Y Phen");
        assert_eq!(fold_key("H’Hen Niê").unwrap(), "h'hen nie");
    }

    #[test]
    fn length_cap() {
        let long = "a".repeat(MAX_NAME_BYTES + 1);
        assert!(matches!(normalize_name(&long), Err(EngineError::NameTooLong { .. })));
        let names = vec![Some("An"), Some(long.as_str())];
        assert!(matches!(write_names_bulk(&names, Form::Key), Err(EngineError::NameTooLong { index: 1, .. })));
    }

    #[test]
    fn bulk_matches_one_at_a_time_and_keeps_nulls() {
        let raw = ["Nguyễn Văn Hùng", "TRẦN THỊ THỦY", "", "Ksor"];
        let mut names: Vec<Option<&str>> = raw.iter().map(|s| Some(*s)).collect();
        names.insert(2, None);
        let col = write_names_bulk(&names, Form::Display).unwrap();
        assert_eq!(col.len(), 5);
        assert_eq!(col.get(0), Some("Nguyễn Văn Hùng"));
        assert_eq!(col.get(1), Some("Trần Thị Thuỷ"));
        assert_eq!(col.get(2), None);
        assert_eq!(col.get(3), Some(""));
        assert_eq!(col.get(4), Some("Ksor"));
    }

    #[test]
    fn repeated_names_in_one_call_and_across_calls_write_as_when_fresh() {
        // Repeats within a call come from the call's cache; each form is cached on
        // its own; a name too long to cache and legacy text take the full path.
        let long = "Nguyễn ".repeat(12) + "Hùng";
        let raw = [
            "Nguyễn Văn Thuỷ",
            "NGUYỄN VĂN THỦY",
            "Nguyễn Văn Thuỷ",
            "NguyÔn V¨n Thñy",
            long.as_str(),
            "Ông Lê Văn Tám",
        ];
        let names: Vec<Option<&str>> = raw.iter().cycle().take(raw.len() * 50).map(|s| Some(*s)).collect();
        for _ in 0..2 {
            for form in [Form::Display, Form::Key, Form::Fold, Form::Display] {
                let col = write_names_bulk(&names, form).unwrap();
                for (i, name) in names.iter().enumerate() {
                    let mut fresh = String::new();
                    write_name(name.unwrap(), form, &mut Writer::default(), &mut fresh);
                    assert_eq!(col.get(i).unwrap(), fresh, "{form:?} {:?}", name);
                }
                let chunks = std::sync::Mutex::new(Vec::new());
                BulkWrite::new(form).write(0, &names, |chunk| chunks.lock().unwrap().push(chunk)).unwrap();
                let mut chunks = chunks.into_inner().unwrap();
                chunks.sort_by_key(|c| c.first_row);
                let same_as: Vec<Option<u32>> = chunks.iter().flat_map(|c| c.same_as.iter().copied()).collect();
                let columns: Vec<StrColumn> = chunks.into_iter().map(|c| c.column).collect();
                let joined = StrColumn::concat(&columns);
                assert_eq!(joined.data, col.data);
                assert_eq!(joined.offsets, col.offsets);
                let mut repeats = 0;
                for (i, same) in same_as.iter().enumerate() {
                    if let Some(j) = *same {
                        let j = j as usize;
                        assert_ne!(i, j);
                        assert_eq!(same_as[j], None, "a shared row points at a row that owns its text");
                        assert_eq!(names[i], names[j], "only the same typed name is shared");
                        assert_eq!(col.get(i), col.get(j));
                        repeats += 1;
                    }
                }
                // The long name is never cached; the other five repeat 49 times each.
                assert!(repeats >= 5 * 49 / 2, "{repeats} repeats found");
            }
        }
    }

    #[test]
    fn bulk_spans_many_chunks() {
        let raw: Vec<String> = (0..10_000).map(|i| format!("nguyễn văn thủy {}", i % 7)).collect();
        let names: Vec<Option<&str>> = raw.iter().map(|s| Some(s.as_str())).collect();
        let col = write_names_bulk(&names, Form::Key).unwrap();
        for (i, raw) in raw.iter().enumerate() {
            assert_eq!(col.get(i).unwrap(), name_key(raw).unwrap());
        }
    }
}

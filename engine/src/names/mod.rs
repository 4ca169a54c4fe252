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

pub mod compare;
pub mod legacy;
pub mod letters;
pub mod syllable;
mod tokens;

use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;

use crate::column::StrColumn;
use crate::error::{EngineError, MAX_NAME_BYTES};
pub use compare::{compare_names, MatchKind, NameMatch, SyllableAlignment, SyllableRelation};
use letters::Letter;
pub use syllable::ToneStyle;
use syllable::{parse_token, Syllable};
pub use tokens::Tokens;

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

/// Reusable buffers, so the bulk paths allocate per worker, not per name.
#[derive(Default)]
pub struct Scratch {
    letters: Vec<Letter>,
    tokens: Tokens,
    token_buf: String,
}

/// Writes one token in the requested form.
fn write_token(token: &str, syllable: Option<&Syllable>, form: Form, out: &mut String) {
    match (syllable, form) {
        (Some(s), Form::Display) => s.render(ToneStyle::New, true, out),
        (Some(s), Form::Key) => s.render(ToneStyle::New, false, out),
        (Some(s), Form::Fold) => s.fold_into(out),
        (None, Form::Display) => write_foreign_display(token, out),
        (None, Form::Key) => out.extend(token.nfc().flat_map(char::to_lowercase)),
        (None, Form::Fold) => write_foreign_fold(token, out),
    }
}

/// Tokens that are not Vietnamese syllables (Ksor, H'Hen, Niê, A1) keep their
/// letters; only case is normalised, capitalising after an apostrophe as H'Hen does.
fn write_foreign_display(token: &str, out: &mut String) {
    let mut start_of_word = true;
    for c in token.nfc() {
        if start_of_word {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start_of_word = c == '\'';
    }
}

fn write_foreign_fold(token: &str, out: &mut String) {
    for c in token.nfd() {
        if let Some(l) = letters::decompose(c) {
            out.push(l.base as char);
        } else if !is_combining(c) {
            out.extend(c.to_lowercase());
        }
    }
}

fn is_combining(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// Writes `raw` in the requested form into `out` (appending). Repairs legacy
/// encodings first, then cleans, drops honorifics and canonicalises each syllable.
pub fn write_name(raw: &str, form: Form, scratch: &mut Scratch, out: &mut String) {
    let repaired = legacy::repair(raw);
    let text = repaired.as_ref().map_or(raw, |r| r.text.as_str());
    scratch.tokens.split(text);
    let skip = tokens::honorific_prefix_len(&scratch.tokens, &mut scratch.letters);
    let mut first = true;
    for i in skip..scratch.tokens.len() {
        let token = scratch.tokens.get(i, &mut scratch.token_buf);
        let syllable = parse_token(token, &mut scratch.letters);
        if !first {
            out.push(' ');
        }
        first = false;
        write_token(token, syllable.as_ref(), form, out);
    }
}

/// Relation 1 only: NFC, lower case, clean-up, Ð→Đ, honorifics dropped; no tone
/// re-placement and no legacy repair. Two names with equal spellings are `identical`.
pub(crate) fn write_spelling(raw: &str, scratch: &mut Scratch, out: &mut String) {
    scratch.tokens.split(raw);
    let skip = tokens::honorific_prefix_len(&scratch.tokens, &mut scratch.letters);
    for i in skip..scratch.tokens.len() {
        if i > skip {
            out.push(' ');
        }
        let token = scratch.tokens.get(i, &mut scratch.token_buf);
        write_spelling_token(token, out);
    }
}

pub(crate) fn write_spelling_token(token: &str, out: &mut String) {
    for c in token.nfc().flat_map(char::to_lowercase) {
        out.push(match c {
            'ð' => 'đ',
            c => c,
        });
    }
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
    write_name(raw, form, &mut Scratch::default(), &mut out);
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
    if let Some(index) = names.iter().position(|n| n.is_some_and(|s| s.len() > MAX_NAME_BYTES)) {
        check_len(names[index].unwrap_or_default(), index)?;
    }
    let chunks: Vec<StrColumn> = names
        .par_chunks(CHUNK)
        .map_init(Scratch::default, |scratch, chunk| {
            let bytes: usize = chunk.iter().map(|n| n.map_or(0, str::len) + 4).sum();
            let mut col = StrColumn::with_capacity(chunk.len(), bytes);
            for name in chunk {
                match name {
                    Some(raw) => {
                        write_name(raw, form, scratch, &mut col.data);
                        col.finish_value();
                    }
                    None => col.push_null(),
                }
            }
            col
        })
        .collect();
    let total: usize = chunks.iter().map(|c| c.data.len()).sum();
    let mut out = StrColumn::with_capacity(names.len(), total);
    for chunk in &chunks {
        out.extend(chunk);
    }
    Ok(out)
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
    let results: Vec<(Option<MatchKind>, Option<f64>)> = left
        .par_iter()
        .zip(right.par_iter())
        .with_min_len(CHUNK / 4)
        .map_init(compare::Comparer::default, |cmp, (a, b)| match (a, b) {
            (Some(a), Some(b)) => {
                let (kind, score) = cmp.kind_and_score(a, b);
                (Some(kind), Some(score))
            }
            _ => (None, None),
        })
        .collect();
    let (kinds, scores) = results.into_iter().unzip();
    Ok(ComparisonColumns { kinds, scores })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_form() {
        assert_eq!(normalize_name("  NGUYỄN   văn  hùng ").unwrap(), "Nguyễn Văn Hùng");
        assert_eq!(normalize_name("nguyễn thị thủy").unwrap(), "Nguyễn Thị Thuỷ");
        assert_eq!(normalize_name("Ðặng\u{00A0}Văn\u{200B} Hải").unwrap(), "Đặng Văn Hải");
        assert_eq!(normalize_name("Trần Văn Qúy.").unwrap(), "Trần Văn Quý");
        assert_eq!(normalize_name("\u{FEFF}Lê\tThị\u{3000}Hoà").unwrap(), "Lê Thị Hoà");
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
        assert!(matches!(
            write_names_bulk(&names, Form::Key),
            Err(EngineError::NameTooLong { index: 1, .. })
        ));
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
    fn bulk_spans_many_chunks() {
        let raw: Vec<String> = (0..10_000).map(|i| format!("nguyễn văn thủy {}", i % 7)).collect();
        let names: Vec<Option<&str>> = raw.iter().map(|s| Some(s.as_str())).collect();
        let col = write_names_bulk(&names, Form::Key).unwrap();
        for (i, raw) in raw.iter().enumerate() {
            assert_eq!(col.get(i).unwrap(), name_key(raw).unwrap());
        }
    }
}

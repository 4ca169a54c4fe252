//! The blocking keys a name and a date of birth are filed under.

use std::hash::Hasher;

use rustc_hash::FxHasher;

use super::MAX_OTHER_NAMES;
use crate::names::{self, Form, Writer};
use crate::records::MAX_OTHER_NAMES_BYTES;
use crate::values::dates::PartialDate;
use crate::MAX_NAME_BYTES;

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
pub(super) fn keys_of(fold: &str, dob: Option<PartialDate>, mut emit: impl FnMut(u64, u8)) {
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

/// The blocking keys a population row is filed under: its full name's and each
/// other name's, with its date of birth. Both the index build and the keys a
/// distributed run groups by (`partition`) read a row here, so they cannot
/// disagree. `full_name` and `other_names` are as `present` gives them.
pub(super) fn row_keys(
    full_name: Option<&str>,
    other_names: Option<&str>,
    dob: Option<PartialDate>,
    writer: &mut Writer,
    fold: &mut String,
    mut emit: impl FnMut(u64),
) {
    if let Some(name) = full_name.filter(|n| n.len() <= MAX_NAME_BYTES) {
        fold.clear();
        names::write_name(name, Form::Fold, writer, fold);
        keys_of(fold, dob, |k, _| emit(k));
    }
    if let Some(other) = other_names.filter(|o| o.len() <= MAX_OTHER_NAMES_BYTES) {
        for name in
            other.split(';').map(str::trim).filter(|s| !s.is_empty() && s.len() <= MAX_NAME_BYTES).take(MAX_OTHER_NAMES)
        {
            fold.clear();
            names::write_name(name, Form::Fold, writer, fold);
            keys_of(fold, dob, |k, _| emit(k));
        }
    }
}

/// The blocking keys the candidate search looks in for `name` and `dob`, each
/// with its stage (see `keys_of`); false, and no keys, for a blank name or one
/// longer than any name (no search at all). The search and the keys a
/// distributed run groups by both come here.
pub(super) fn search_keys(
    name: &str,
    dob: Option<PartialDate>,
    writer: &mut Writer,
    fold: &mut String,
    emit: impl FnMut(u64, u8),
) -> bool {
    if name.trim().is_empty() || name.len() > MAX_NAME_BYTES {
        return false;
    }
    fold.clear();
    names::write_name(name, Form::Fold, writer, fold);
    keys_of(fold, dob, emit);
    true
}

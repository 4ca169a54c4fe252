//! Comparing two names: one kind for the pair, and a syllable alignment saying
//! which syllable of each side pairs with which and how each pair differs.

use std::hash::BuildHasher;

use super::analysis::{NameAnalysis, Scratch};
use super::legacy::{keystrokes_decode, read_preferring, Encoding};
use super::letters::{letters_of, Letter, Quality, Tone};
use super::syllable::{parse_token, Syllable};

use crate::vocabulary::MatchKind;

/// How one syllable of the left name relates to its partner on the right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SyllableRelation {
    Same,
    Equivalent,
    DiacriticsMissing,
    SpellingVariant,
    Typo,
    DifferentDiacritics,
    Different,
    /// No partner on the other side (a missing middle name).
    Missing,
}

impl SyllableRelation {
    pub fn as_str(self) -> &'static str {
        match self {
            SyllableRelation::Same => "same",
            SyllableRelation::Equivalent => "equivalent",
            SyllableRelation::DiacriticsMissing => "diacritics_missing",
            SyllableRelation::SpellingVariant => "spelling_variant",
            SyllableRelation::Typo => "typo",
            SyllableRelation::DifferentDiacritics => "different_diacritics",
            SyllableRelation::Different => "different",
            SyllableRelation::Missing => "missing",
        }
    }

    fn similarity(self) -> f64 {
        match self {
            SyllableRelation::Same | SyllableRelation::Equivalent => 1.0,
            SyllableRelation::DiacriticsMissing => 0.9,
            SyllableRelation::SpellingVariant => 0.85,
            SyllableRelation::Typo => 0.75,
            SyllableRelation::DifferentDiacritics => 0.45,
            SyllableRelation::Different | SyllableRelation::Missing => 0.0,
        }
    }
}

/// One row of the alignment; `left`/`right` index the syllables of each side's
/// display form (None where the syllable has no partner).
#[derive(Clone, Debug, PartialEq)]
pub struct SyllableAlignment {
    pub left: Option<usize>,
    pub right: Option<usize>,
    pub left_text: String,
    pub right_text: String,
    pub relation: SyllableRelation,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NameMatch {
    pub kind: MatchKind,
    /// In [0, 1]; 1 for the same name. Comparable within one kind; across kinds the
    /// kind says more than the number.
    pub score: f64,
    pub syllables: Vec<SyllableAlignment>,
    /// Set when a legacy syllable of one side reads as a syllable in two 8-bit fonts
    /// and the comparison took the reading the other side supports.
    pub reading: Option<Reading>,
}

/// Which side of a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
}

/// The reading a comparison took for one side's legacy text: the font, and the
/// name as read in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    pub side: Side,
    pub encoding: Encoding,
    pub text: String,
}

/// Reusable state for comparing many pairs on one thread.
#[derive(Default)]
pub struct Comparer {
    scratch: Scratch,
    left: NameAnalysis,
    right: NameAnalysis,
    /// One side read another way (see `compare`).
    other: NameAnalysis,
    relation_scratch: RelationScratch,
}

/// The two analysed names; `relation(i, j)` is side A's token i against B's token j.
struct Pair<'a> {
    a: &'a NameAnalysis,
    b: &'a NameAnalysis,
}

/// Buffers `relation` needs; kept apart from the analyses it reads.
#[derive(Default)]
struct RelationScratch {
    fold_x: String,
    fold_y: String,
    letters_x: Vec<Letter>,
    letters_y: Vec<Letter>,
    folds_a: Vec<u64>,
    folds_b: Vec<u64>,
}

/// A letter as a name typed without marks shows it: no vowel-quality mark and no
/// tone. The stroke of đ does not count: stripping marks after NFD keeps it
/// ("Đặng" becomes "Đang"), so a name whose marks were stripped still has it.
fn bare_letter(l: &Letter) -> bool {
    matches!(l.quality, Quality::Plain | Quality::Stroke) && l.tone == Tone::Level
}

/// True when `x` is bare of every mark (see `bare_letter`) and each letter agrees
/// with `y`'s but for marks: "Hung" lacks what "Hưng" has. A syllable that carries
/// marks was typed with marks, so any it lacks make another name: "Tuân" is not
/// "Tuấn" with its tone lost, and "Hùng" and "Hưng" conflict.
fn marks_absent(
    x_syl: Option<&Syllable>,
    y_syl: Option<&Syllable>,
    x_letters: &[Letter],
    y_letters: &[Letter],
    x_is_ascii: bool,
) -> bool {
    match (x_syl, x_letters.is_empty()) {
        (Some(s), _) if s.tone != Tone::Level || !s.letters().iter().all(bare_letter) => return false,
        (None, false) if !x_letters.iter().all(bare_letter) => return false,
        _ => {}
    }
    marks_within(x_syl, y_syl, x_letters, y_letters, x_is_ascii)
}

/// True when every mark of `x` is also on `y` (x may lack some).
fn marks_within(
    x_syl: Option<&Syllable>,
    y_syl: Option<&Syllable>,
    x_letters: &[Letter],
    y_letters: &[Letter],
    x_is_ascii: bool,
) -> bool {
    let letter_within = |a: &Letter, b: &Letter| {
        a.base == b.base
            && (a.quality == Quality::Plain || a.quality == b.quality)
            && (a.tone == Tone::Level || a.tone == b.tone)
    };
    if let (Some(a), Some(b)) = (x_syl, y_syl) {
        return a.letters().len() == b.letters().len()
            && a.letters().iter().zip(b.letters()).all(|(p, q)| letter_within(p, q))
            && (a.tone == Tone::Level || a.tone == b.tone);
    }
    if !x_letters.is_empty() && !y_letters.is_empty() {
        return x_letters.len() == y_letters.len() && x_letters.iter().zip(y_letters).all(|(p, q)| letter_within(p, q));
    }
    x_is_ascii
}

/// The Sino-Vietnamese surnames written differently North and South.
const SURNAME_VARIANTS: &[(&str, &str)] = &[("hoang", "huynh"), ("vu", "vo")];

/// strsim's Jaro–Winkler for the folded (ASCII) names it is given, bit-parallel:
/// each byte's positions in `b` are one u64, so finding the first unmatched equal
/// byte within the window is a mask and a trailing-zero count instead of a scan
/// (strsim decodes chars and allocates per call, which was a tenth of comparing
/// two different names; the byte scan after it was still a seventh).
fn jaro_winkler(a: &str, b: &str) -> f64 {
    const MAX: usize = 64;
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || x.len() > MAX || y.len() > MAX {
        return strsim::jaro_winkler(a, b);
    }
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let range = (x.len().max(y.len()) / 2).saturating_sub(1);
    let mut positions = [0u64; 128];
    for (j, &c) in y.iter().enumerate() {
        positions[c as usize] |= 1 << j;
    }
    let below = |n: usize| if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    let (mut x_matched, mut y_matched) = (0u64, 0u64);
    for (i, &c) in x.iter().enumerate() {
        let low = i.saturating_sub(range);
        let high = y.len().min(i + range + 1);
        if low >= high {
            continue;
        }
        let free = positions[c as usize] & !y_matched & below(high) & !below(low);
        if free != 0 {
            y_matched |= free & free.wrapping_neg();
            x_matched |= 1 << i;
        }
    }
    let matches = x_matched.count_ones() as usize;
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let (mut xs, mut ys) = (x_matched, y_matched);
    while xs != 0 {
        if x[xs.trailing_zeros() as usize] != y[ys.trailing_zeros() as usize] {
            transpositions += 1;
        }
        xs &= xs - 1;
        ys &= ys - 1;
    }
    let m = matches as f64;
    let sim = (m / x.len() as f64 + m / y.len() as f64 + (matches - transpositions / 2) as f64 / m) / 3.0;
    if sim > 0.7 {
        let prefix = x.iter().take(4).zip(y).take_while(|(p, q)| p == q).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// One insertion, deletion, substitution or swap of neighbours, and no more.
fn within_one_edit(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return within_one_edit_slices(a.as_bytes(), b.as_bytes());
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    within_one_edit_slices(&a, &b)
}

fn within_one_edit_slices<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => {
            let mut diffs = (0..short.len()).filter(|&i| short[i] != long[i]);
            match (diffs.next(), diffs.next(), diffs.next()) {
                (Some(_), None, _) => true,
                (Some(i), Some(j), None) => j == i + 1 && short[i] == long[j] && short[j] == long[i],
                _ => false,
            }
        }
        1 => {
            let prefix = short.iter().zip(long.iter()).take_while(|(p, q)| p == q).count();
            short[prefix..] == long[prefix + 1..]
        }
        _ => false,
    }
}

impl Pair<'_> {
    fn relation(&self, i: usize, j: usize, rs: &mut RelationScratch) -> SyllableRelation {
        let (a, b) = (self.a, self.b);
        let (x, y) = (&a.tokens[i], &b.tokens[j]);
        if a.token_key_eq(x, b, y) {
            return if a.token_spelling_eq(x, b, y) { SyllableRelation::Same } else { SyllableRelation::Equivalent };
        }
        let fold_equal = match (&x.syllable, &y.syllable) {
            (Some(p), Some(q)) => p.fold_identity() == q.fold_identity(),
            _ => {
                a.fold_token_into(x, &mut rs.fold_x);
                b.fold_token_into(y, &mut rs.fold_y);
                rs.fold_x == rs.fold_y
            }
        };
        if fold_equal {
            let foreign = x.syllable.is_none() || y.syllable.is_none();
            rs.letters_x.clear();
            rs.letters_y.clear();
            if foreign {
                // Letters of tokens that are not syllables (Niê): compare mark by mark.
                if !a.raw_token_text(x).is_some_and(|t| letters_of(t, &mut rs.letters_x)) {
                    rs.letters_x.clear();
                }
                if !b.raw_token_text(y).is_some_and(|t| letters_of(t, &mut rs.letters_y)) {
                    rs.letters_y.clear();
                }
            }
            let x_ascii = a.raw_token_text(x).is_some_and(str::is_ascii);
            let y_ascii = b.raw_token_text(y).is_some_and(str::is_ascii);
            let absent = marks_absent(x.syllable.as_ref(), y.syllable.as_ref(), &rs.letters_x, &rs.letters_y, x_ascii)
                || marks_absent(y.syllable.as_ref(), x.syllable.as_ref(), &rs.letters_y, &rs.letters_x, y_ascii);
            return if absent { SyllableRelation::DiacriticsMissing } else { SyllableRelation::DifferentDiacritics };
        }
        a.fold_token_into(x, &mut rs.fold_x);
        b.fold_token_into(y, &mut rs.fold_y);
        if self.is_spelling_variant(i, j, rs) {
            return SyllableRelation::SpellingVariant;
        }
        if within_one_edit(&rs.fold_x, &rs.fold_y) {
            return SyllableRelation::Typo;
        }
        SyllableRelation::Different
    }

    /// y/i variants, Hoàng/Huỳnh, Vũ/Võ, and keystrokes typed with no input method
    /// running, Telex or VNI (folds already in `rs`).
    fn is_spelling_variant(&self, i: usize, j: usize, rs: &RelationScratch) -> bool {
        let (a, b) = (self.a, self.b);
        let (x, y) = (&a.tokens[i], &b.tokens[j]);
        if let (Some(p), Some(q)) = (&x.syllable, &y.syllable) {
            if p.is_y_i_variant_of(q) {
                return true;
            }
        }
        let folds = (rs.fold_x.as_str(), rs.fold_y.as_str());
        if SURNAME_VARIANTS.iter().any(|&(p, q)| folds == (p, q) || folds == (q, p)) {
            return true;
        }
        let keys_match = |from: Option<&str>, to: &Option<Syllable>| {
            let (Some(text), Some(target)) = (from, to) else { return false };
            keystrokes_decode(text).is_some_and(|decoded| {
                let mut letters = Vec::new();
                parse_token(&decoded, &mut letters).is_some_and(|s| s == *target)
            })
        };
        keys_match(a.raw_token_text(x), &y.syllable) || keys_match(b.raw_token_text(y), &x.syllable)
    }

    fn display(name: &NameAnalysis, i: Option<usize>) -> String {
        let mut out = String::new();
        if let Some(t) = i.and_then(|i| name.tokens.get(i)) {
            name.write_display_token(t, &mut out);
        }
        out
    }

    fn row(&self, i: Option<usize>, j: Option<usize>, relation: SyllableRelation) -> SyllableAlignment {
        SyllableAlignment {
            left: i,
            right: j,
            left_text: Self::display(self.a, i),
            right_text: Self::display(self.b, j),
            relation,
        }
    }

    fn fold_similarity(&self, i: usize, j: usize, rs: &mut RelationScratch) -> f64 {
        self.a.fold_token_into(&self.a.tokens[i], &mut rs.fold_x);
        self.b.fold_token_into(&self.b.tokens[j], &mut rs.fold_y);
        jaro_winkler(&rs.fold_x, &rs.fold_y)
    }

    fn pair_similarity(&self, rel: SyllableRelation, i: usize, j: usize, rs: &mut RelationScratch) -> f64 {
        match rel {
            // Partial credit so near-misses rank above strangers, never above a kind.
            SyllableRelation::Different => 0.4 * self.fold_similarity(i, j, rs),
            r => r.similarity(),
        }
    }

    /// Whether both names hold the same folded syllables in some order: a
    /// reordering needs it, and checking it first spares the pairwise search
    /// for the many pairs that are simply different names.
    fn same_folds_in_any_order(&self, rs: &mut RelationScratch) -> bool {
        let folds = |name: &NameAnalysis, out: &mut Vec<u64>| {
            out.clear();
            for t in &name.tokens {
                out.push(match &t.syllable {
                    Some(s) => s.fold_identity(),
                    None => {
                        let mut f = String::new();
                        name.write_fold_token(t, &mut f);
                        rustc_hash::FxBuildHasher.hash_one(&f)
                    }
                });
            }
            out.sort_unstable();
        };
        folds(self.a, &mut rs.folds_a);
        folds(self.b, &mut rs.folds_b);
        rs.folds_a == rs.folds_b
    }

    /// Pairs each left syllable with an unused right one, first by key, then by a
    /// relation no worse than `DiacriticsMissing`. None unless every syllable pairs.
    fn reorder_matching(
        &self,
        rs: &mut RelationScratch,
        flipped: bool,
    ) -> Option<Vec<(usize, usize, SyllableRelation)>> {
        let (n, m) = (self.a.len(), self.b.len());
        let (outer, inner) = if flipped { (m, n) } else { (n, m) };
        let mut used = vec![false; inner];
        let mut pairs: Vec<Option<(usize, usize, SyllableRelation)>> = vec![None; outer];
        for pass in 0..2 {
            for o in 0..outer {
                if pairs[o].is_some() {
                    continue;
                }
                for k in 0..inner {
                    if used[k] {
                        continue;
                    }
                    let (i, j) = if flipped { (k, o) } else { (o, k) };
                    let rel = self.relation(i, j, rs);
                    let ok = if pass == 0 {
                        rel <= SyllableRelation::Equivalent
                    } else {
                        rel <= SyllableRelation::DiacriticsMissing
                    };
                    if ok {
                        used[k] = true;
                        pairs[o] = Some((i, j, rel));
                        break;
                    }
                }
            }
        }
        pairs.into_iter().collect()
    }
}

fn kind_of_positional(rels: &[SyllableRelation]) -> MatchKind {
    let typos = rels.iter().filter(|r| **r == SyllableRelation::Typo).count();
    let worst = rels.iter().copied().max().unwrap_or(SyllableRelation::Same);
    match worst {
        SyllableRelation::Same | SyllableRelation::Equivalent => MatchKind::Equivalent,
        SyllableRelation::DiacriticsMissing => MatchKind::DiacriticsMissing,
        SyllableRelation::SpellingVariant => MatchKind::SpellingVariant,
        SyllableRelation::Typo if typos == 1 => MatchKind::Typo,
        SyllableRelation::Typo => MatchKind::Different,
        SyllableRelation::DifferentDiacritics => MatchKind::DifferentDiacritics,
        SyllableRelation::Different | SyllableRelation::Missing => MatchKind::Different,
    }
}

/// Caps so a score never ranks a pair above a better kind.
fn cap(kind: MatchKind) -> f64 {
    match kind {
        MatchKind::Identical => 1.0,
        MatchKind::Equivalent => 0.99,
        MatchKind::DifferentDiacritics => 0.75,
        MatchKind::Different => 0.6,
        _ => 0.98,
    }
}

/// The given name (last syllable) is what people are known by: it weighs double.
fn weight(index: usize, len: usize) -> f64 {
    if index + 1 == len {
        2.0
    } else {
        1.0
    }
}

impl Comparer {
    /// The kind and score alone: the bulk path, which skips the alignment.
    pub fn kind_and_score(&mut self, a: &str, b: &str) -> (MatchKind, f64) {
        if a == b {
            self.left.analyse(a, &mut self.scratch);
            return if self.left.is_empty() { (MatchKind::Different, 0.0) } else { (MatchKind::Identical, 1.0) };
        }
        let m = self.compare(a, b, false);
        (m.kind, m.score)
    }

    pub fn compare(&mut self, a: &str, b: &str, with_alignment: bool) -> NameMatch {
        self.left.analyse(a, &mut self.scratch);
        self.right.analyse(b, &mut self.scratch);
        let pair = Pair { a: &self.left, b: &self.right };
        let mut best = compare_analysed(&pair, with_alignment, &mut self.relation_scratch);
        if best.kind.is_same_name() || !(self.left.was_repaired() || self.right.was_repaired()) {
            return best;
        }
        // A legacy syllable that reads as a syllable in both 8-bit fonts ("Thuû": VNI
        // Thủ, TCVN3 Thuỷ) is a tie the repair breaks in VNI's favour: here the other
        // side breaks it. Both sides are tried, so the answer stays symmetric.
        for side in [Side::Left, Side::Right] {
            let (raw, repaired) = match side {
                Side::Left => (a, self.left.was_repaired()),
                Side::Right => (b, self.right.was_repaired()),
            };
            if !repaired {
                continue;
            }
            for font in [Encoding::Vni, Encoding::Tcvn3] {
                let Some(read) = read_preferring(raw, font) else { continue };
                self.other.analyse(&read.text, &mut self.scratch);
                let pair = match side {
                    Side::Left => Pair { a: &self.other, b: &self.right },
                    Side::Right => Pair { a: &self.left, b: &self.other },
                };
                let mut m = compare_analysed(&pair, with_alignment, &mut self.relation_scratch);
                // Read another way, the text is never the same spelling as typed.
                if m.kind == MatchKind::Identical {
                    m.kind = MatchKind::Equivalent;
                    m.score = cap(MatchKind::Equivalent);
                }
                let typed = match side {
                    Side::Left => &self.left,
                    Side::Right => &self.right,
                };
                for row in &mut m.syllables {
                    let index = match side {
                        Side::Left => row.left,
                        Side::Right => row.right,
                    };
                    if row.relation == SyllableRelation::Same
                        && index.is_some_and(|i| Pair::display(&self.other, Some(i)) != Pair::display(typed, Some(i)))
                    {
                        row.relation = SyllableRelation::Equivalent;
                    }
                }
                // Another reading must bring the names closer in kind; between such
                // readings the closer score wins.
                let better =
                    m.kind < best.kind || (best.reading.is_some() && m.kind == best.kind && m.score > best.score);
                if better {
                    best = NameMatch { reading: Some(Reading { side, encoding: font, text: read.text }), ..m };
                }
            }
        }
        best
    }
}

fn compare_analysed(p: &Pair<'_>, with_alignment: bool, rs: &mut RelationScratch) -> NameMatch {
    let (a, b) = (p.a, p.b);
    if a.is_empty() || b.is_empty() {
        // A missing name agrees with nothing, not even another missing name.
        return NameMatch { kind: MatchKind::Different, score: 0.0, syllables: Vec::new(), reading: None };
    }
    // Spelling is compared on the raw text when legacy repair was involved, and two
    // spellings that differ only in case can repair differently: require the same
    // tokens too, so the alignment below pairs every token with one that exists.
    let same_spelling = a.len() == b.len() && a.same_spelling(b);
    if same_spelling || a.same_key(b) {
        let kind = if same_spelling { MatchKind::Identical } else { MatchKind::Equivalent };
        let syllables = if with_alignment {
            (0..a.len())
                .map(|i| {
                    let rel = if same_spelling { SyllableRelation::Same } else { p.relation(i, i, rs) };
                    p.row(Some(i), Some(i), rel)
                })
                .collect()
        } else {
            Vec::new()
        };
        return NameMatch { kind, score: cap(kind), syllables, reading: None };
    }
    if a.len() == b.len() {
        let n = a.len();
        // On the stack for any real name (a Vec here was one allocation a pair).
        let mut on_stack = [SyllableRelation::Same; 16];
        let on_heap: Vec<SyllableRelation>;
        let rels: &[SyllableRelation] = if n <= on_stack.len() {
            for (i, r) in on_stack.iter_mut().enumerate().take(n) {
                *r = p.relation(i, i, rs);
            }
            &on_stack[..n]
        } else {
            on_heap = (0..n).map(|i| p.relation(i, i, rs)).collect();
            &on_heap
        };
        let positional_kind = kind_of_positional(rels);
        if positional_kind > MatchKind::Reordered && n > 1 && p.same_folds_in_any_order(rs) {
            // Try both directions and keep the better, so the answer is symmetric.
            let score_of = |pairs: &Vec<(usize, usize, SyllableRelation)>| {
                pairs.iter().map(|(_, _, r)| r.similarity()).sum::<f64>() / pairs.len() as f64 * 0.85
            };
            let best = match (p.reorder_matching(rs, false), p.reorder_matching(rs, true)) {
                (Some(f), Some(g)) => Some(if score_of(&g) > score_of(&f) { g } else { f }),
                (f, g) => f.or(g),
            };
            if let Some(mut pairs) = best {
                pairs.sort_unstable_by_key(|&(i, _, _)| i);
                let score = score_of(&pairs).min(cap(MatchKind::Reordered));
                let syllables = if with_alignment {
                    pairs.iter().map(|&(i, j, r)| p.row(Some(i), Some(j), r)).collect()
                } else {
                    Vec::new()
                };
                return NameMatch { kind: MatchKind::Reordered, score, syllables, reading: None };
            }
        }
        let total: f64 = (0..n).map(|i| weight(i, n)).sum();
        let score = (0..n).map(|i| weight(i, n) * p.pair_similarity(rels[i], i, i, rs)).sum::<f64>() / total;
        let syllables =
            if with_alignment { (0..n).map(|i| p.row(Some(i), Some(i), rels[i])).collect() } else { Vec::new() };
        return NameMatch { kind: positional_kind, score: score.min(cap(positional_kind)), syllables, reading: None };
    }

    let long_is_left = a.len() > b.len();
    let (long_len, short_len) = if long_is_left { (a.len(), b.len()) } else { (b.len(), a.len()) };
    if long_len == short_len + 1 && short_len >= 2 {
        let mut best: Option<(usize, Vec<SyllableRelation>, f64)> = None;
        for dropped in 1..long_len - 1 {
            let rels: Vec<SyllableRelation> = (0..short_len)
                .map(|s| {
                    let l = if s >= dropped { s + 1 } else { s };
                    if long_is_left {
                        p.relation(l, s, rs)
                    } else {
                        p.relation(s, l, rs)
                    }
                })
                .collect();
            if rels.iter().all(|r| *r <= SyllableRelation::SpellingVariant) {
                let total: f64 = (0..short_len).map(|i| weight(i, short_len)).sum();
                let score = rels.iter().enumerate().map(|(i, r)| weight(i, short_len) * r.similarity()).sum::<f64>()
                    / total
                    * 0.9;
                if best.as_ref().is_none_or(|(_, _, s)| score > *s) {
                    best = Some((dropped, rels, score));
                }
            }
        }
        if let Some((dropped, rels, score)) = best {
            let syllables = if with_alignment {
                (0..long_len)
                    .map(|l| {
                        let (s, rel) = match l.cmp(&dropped) {
                            std::cmp::Ordering::Equal => (None, SyllableRelation::Missing),
                            std::cmp::Ordering::Less => (Some(l), rels[l]),
                            std::cmp::Ordering::Greater => (Some(l - 1), rels[l - 1]),
                        };
                        if long_is_left {
                            p.row(Some(l), s, rel)
                        } else {
                            p.row(s, Some(l), rel)
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            return NameMatch {
                kind: MatchKind::MiddleNameMissing,
                score: score.min(cap(MatchKind::MiddleNameMissing)),
                syllables,
                reading: None,
            };
        }
    }

    // Whole folded names, into the scratch buffers (nothing else holds them now):
    // half of all realistic pairs end here, and two fresh Strings a pair showed.
    let fold_all = |name: &NameAnalysis, out: &mut String| {
        out.clear();
        for (i, t) in name.tokens.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            name.write_fold_token(t, out);
        }
    };
    fold_all(a, &mut rs.fold_x);
    fold_all(b, &mut rs.fold_y);
    let score = 0.5 * jaro_winkler(&rs.fold_x, &rs.fold_y);
    let syllables = if with_alignment {
        let n = a.len().max(b.len());
        (0..n)
            .map(|i| {
                let (li, ri) = ((i < a.len()).then_some(i), (i < b.len()).then_some(i));
                let rel = match (li, ri) {
                    (Some(i), Some(j)) => p.relation(i, j, rs),
                    _ => SyllableRelation::Missing,
                };
                p.row(li, ri, rel)
            })
            .collect()
    } else {
        Vec::new()
    };
    NameMatch { kind: MatchKind::Different, score: score.min(cap(MatchKind::Different)), syllables, reading: None }
}

thread_local! {
    /// Each worker keeps its comparer, and so its cache of parsed syllables.
    static COMPARER: std::cell::RefCell<Comparer> = std::cell::RefCell::new(Comparer::default());
}

pub(super) fn with_thread_comparer<T>(f: impl FnOnce(&mut Comparer) -> T) -> T {
    COMPARER.with(|c| match c.try_borrow_mut() {
        Ok(mut comparer) => f(&mut comparer),
        Err(_) => f(&mut Comparer::default()),
    })
}

/// Compares two names and explains the answer syllable by syllable.
pub fn compare_names(a: &str, b: &str) -> NameMatch {
    Comparer::default().compare(a, b, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(a: &str, b: &str) -> MatchKind {
        let m = compare_names(a, b);
        let r = compare_names(b, a);
        assert_eq!(m.kind, r.kind, "asymmetric kind for {a} / {b}");
        assert!((m.score - r.score).abs() < 1e-12, "asymmetric score for {a} / {b}");
        assert!((0.0..=1.0).contains(&m.score));
        m.kind
    }

    #[test]
    fn the_nine_kinds() {
        assert_eq!(kind("Nguyễn Văn Hùng", "NGUYỄN  văn hùng"), MatchKind::Identical);
        assert_eq!(kind("Nguyễn Thị Thủy", "Nguyễn Thị Thuỷ"), MatchKind::Equivalent);
        assert_eq!(kind("Nguyen Van Hung", "Nguyễn Văn Hùng"), MatchKind::DiacriticsMissing);
        assert_eq!(kind("Lê Thị Mỹ", "Lê Thị Mĩ"), MatchKind::SpellingVariant);
        assert_eq!(kind("Hoàng Văn Nam", "Huỳnh Văn Nam"), MatchKind::SpellingVariant);
        assert_eq!(kind("Vũ Đức Thắng", "Võ Đức Thắng"), MatchKind::SpellingVariant);
        assert_eq!(kind("Trần Thị Mai", "Trần Mai"), MatchKind::MiddleNameMissing);
        assert_eq!(kind("Hùng Nguyễn Văn", "Nguyễn Văn Hùng"), MatchKind::Reordered);
        assert_eq!(kind("Nguyễn Văn Hùng", "Nguyễn Văn Hùnh"), MatchKind::Typo);
        assert_eq!(kind("Nguyễn Văn Hùng", "Nguyễn Văn Hưng"), MatchKind::DifferentDiacritics);
        assert_eq!(kind("Nguyễn Văn Hùng", "Trần Thị Mai"), MatchKind::Different);
    }

    #[test]
    fn different_people_are_never_the_same_name() {
        let pairs = [
            ("Hùng", "Hưng"),
            ("Thu", "Thư"),
            ("Hoa", "Hòa"),
            ("Lan", "Lân"),
            ("Nam", "Năm"),
            ("Tuấn", "Tuân"),
            ("Phương", "Phượng"),
            ("Hiền", "Hiển"),
            ("Đông", "Đồng"),
            ("Hà", "Hạ"),
            ("An", "Ân"),
            ("Dương", "Đường"),
            ("Đào", "Dao"),
        ];
        for (a, b) in pairs {
            let k = kind(&format!("Nguyễn Văn {a}"), &format!("Nguyễn Văn {b}"));
            assert!(!k.is_same_name(), "{a}/{b} came out {k:?}");
        }
        assert_eq!(kind("Hoa", "Hòa"), MatchKind::DiacriticsMissing);
        assert_eq!(kind("Hùng", "Hưng"), MatchKind::DifferentDiacritics);
        assert_eq!(kind("Đào", "Dao"), MatchKind::DiacriticsMissing);
    }

    #[test]
    fn marks_are_missing_only_where_a_syllable_is_bare_of_them() {
        // Bare of every mark: typed without marks, so it cannot tell.
        for (bare, marked) in [
            ("Long", "Lòng"),
            ("Van", "Văn"),
            ("Hung", "Hưng"),
            ("Dao", "Đào"),
            ("Đang", "Đặng"),
            ("Nguyen Van Tuan", "Nguyễn Văn Tuấn"),
            ("NGUYEN THI PHUONG", "Nguyễn Thị Phượng"),
            ("Nguyễn Van Tuấn", "Nguyễn Văn Tuấn"),
            ("Nie", "Niê"),
        ] {
            assert_eq!(kind(bare, marked), MatchKind::DiacriticsMissing, "{bare}/{marked}");
        }
        // Typed with marks, not the same ones: another name.
        for (a, b) in [
            ("Tuân", "Tuấn"),
            ("Phương", "Phượng"),
            ("Hưng", "Hừng"),
            ("Đao", "Dào"),
            ("Nguyễn Văn Tuân", "Nguyễn Văn Tuấn"),
            ("Nguyen Van Tuân", "Nguyễn Văn Tuấn"),
            ("Hoà", "Hoạ"),
        ] {
            let m = compare_names(a, b);
            assert_eq!(kind(a, b), MatchKind::DifferentDiacritics, "{a}/{b}");
            assert!(m.syllables.iter().any(|s| s.relation == SyllableRelation::DifferentDiacritics), "{a}/{b}");
        }
        // "Lan"/"Lân": Lan is bare, so the marks of Lân may be lost ones.
        assert_eq!(kind("Lan", "Lân"), MatchKind::DiacriticsMissing);
    }

    #[test]
    fn names_typed_as_keys_are_spelling_variants() {
        for (typed, name) in [
            ("Nguyeenx Vawn Hufng", "Nguyễn Văn Hùng"),
            ("Nguye6n4 Va8n Hu2ng", "Nguyễn Văn Hùng"),
            ("Nguyễn Vawn Hùng", "Nguyễn Văn Hùng"),
            ("Tra62n Thi5 Lan", "Trần Thị Lan"),
        ] {
            assert_eq!(kind(typed, name), MatchKind::SpellingVariant, "{typed}");
            // A candidate, never a rewrite.
            assert_eq!(crate::names::normalize_name(typed).ok().as_deref(), Some(typed));
        }
        // Typed without marks is not typed as keys: the marks are missing.
        assert_eq!(kind("Nguyen Van Hung", "Nguyễn Văn Hùng"), MatchKind::DiacriticsMissing);
        assert_eq!(kind("Van Long", "Văn Lòng"), MatchKind::DiacriticsMissing);
        // Keys that read as another name are not that name.
        assert_ne!(kind("Nguyeenx Vawn Hufng", "Nguyễn Văn Hưng"), MatchKind::SpellingVariant);
    }

    #[test]
    fn a_syllable_with_two_legacy_readings_reads_as_the_other_side_writes_it() {
        // "Thuû" is VNI Thủ and TCVN3 Thuỷ; "Khæn" VNI Khỉn and TCVN3 Khổn.
        for (typed, other, font) in [
            ("Đỗ Thị Thuû", "Đỗ Thị Thuỷ", Some(Encoding::Tcvn3)),
            ("Đỗ Thị Thuû", "Đỗ Thị Thủ", None),
            ("Khæn", "Khổn", Some(Encoding::Tcvn3)),
            ("Khæn", "Khỉn", None),
        ] {
            assert_eq!(kind(typed, other), MatchKind::Equivalent, "{typed}/{other}");
            let m = compare_names(typed, other);
            assert_eq!(m.reading.as_ref().map(|r| (r.side, r.encoding)), font.map(|f| (Side::Left, f)), "{typed}");
            let r = compare_names(other, typed);
            assert_eq!(r.reading.as_ref().map(|r| (r.side, r.encoding)), font.map(|f| (Side::Right, f)), "{typed}");
            if font.is_some() {
                // The alignment shows the reading taken.
                assert_eq!(m.syllables.last().map(|s| s.left_text.as_str()), other.split(' ').next_back());
            }
        }
        // A reading neither side supports is not taken; names without legacy text never read.
        assert_eq!(compare_names("Đỗ Thị Thuû", "Đỗ Thị Thu").reading, None);
        assert_eq!(compare_names("Nguyễn Thị Thuỷ", "Nguyễn Thị Thủ").reading, None);
    }

    #[test]
    fn alignment_says_which_syllable_differs() {
        let m = compare_names("Nguyễn Văn Hùng", "Nguyễn Văn Hưng");
        assert_eq!(m.syllables.len(), 3);
        assert_eq!(m.syllables[2].relation, SyllableRelation::DifferentDiacritics);
        assert_eq!((m.syllables[2].left_text.as_str(), m.syllables[2].right_text.as_str()), ("Hùng", "Hưng"));
        let m = compare_names("Trần Mai", "Trần Thị Mai");
        assert_eq!(m.syllables[1].relation, SyllableRelation::Missing);
        assert_eq!((m.syllables[1].left, m.syllables[1].right), (None, Some(1)));
        let m = compare_names("Hùng Nguyễn Văn", "Nguyễn Văn Hùng");
        assert_eq!((m.syllables[0].left, m.syllables[0].right), (Some(0), Some(2)));
    }

    #[test]
    fn empty_names_match_nothing() {
        assert_eq!(kind("", ""), MatchKind::Different);
        assert_eq!(kind("  ", "An"), MatchKind::Different);
    }

    #[test]
    fn jaro_winkler_is_strsims() {
        let words = [
            "",
            "a",
            "hung",
            "hu",
            "nguyen van hung",
            "nguyen hung van",
            "tran thi lan",
            "le van an",
            "martha",
            "marhta",
            "dwayne",
            "duane",
            "dixon",
            "dicksonx",
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "nguyễn",
            "x y",
        ];
        for a in words {
            for b in words {
                assert_eq!(jaro_winkler(a, b), strsim::jaro_winkler(a, b), "{a:?} {b:?}");
            }
        }
        // Random strings over a small alphabet (many repeated letters, so the window
        // and the first-free rule matter), every length up to the 64-byte fast path
        // and past it.
        let mut seed = 12345u64;
        let mut word = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = (seed >> 58) as usize + (seed >> 40) as usize % 8;
            (0..len)
                .map(|k| {
                    let r = seed.rotate_left(7 * k as u32) ^ (k as u64).wrapping_mul(0x9E3779B97F4A7C15);
                    b"aabnhg u"[(r % 8) as usize] as char
                })
                .collect::<String>()
        };
        for _ in 0..20_000 {
            let (a, b) = (word(), word());
            assert_eq!(jaro_winkler(&a, &b), strsim::jaro_winkler(&a, &b), "{a:?} {b:?}");
        }
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("hung", "hunh"));
        assert!(within_one_edit("hung", "uhng"));
        assert!(within_one_edit("hung", "hungg"));
        assert!(!within_one_edit("hung", "minh"));
        assert!(!within_one_edit("hung", "hung"));
    }

    #[test]
    fn two_typos_are_different() {
        assert_eq!(kind("Nguyễn Văn Hùng", "Nguyễn Văm Hùnh"), MatchKind::Different);
    }
}

//! Comparing two names: one kind for the pair, and a syllable alignment saying
//! which syllable of each side pairs with which and how each pair differs.

use super::legacy::telex_decode;
use super::letters::{letters_of, Letter, Quality, Tone};
use super::syllable::{parse_token, Syllable, ToneStyle};
use super::{tokens, write_foreign_fold, write_name, write_spelling, write_spelling_token, Form, Scratch};

/// What two names are to each other; ordered from "same" to "different".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchKind {
    /// Same spelling (relation 1).
    Identical,
    /// Same name after tone placement, mark order or legacy-encoding repair (relation 2).
    Equivalent,
    /// One side lacks marks the other has, and nothing conflicts: cannot tell.
    DiacriticsMissing,
    /// y/i variants, Hoàng/Huỳnh, Vũ/Võ, Telex residue: likely the same, to review.
    SpellingVariant,
    /// The same syllables with one middle word absent on one side.
    MiddleNameMissing,
    /// The same syllables in another order (given name first).
    Reordered,
    /// One small edit that is not a change of marks.
    Typo,
    /// The same letters with different marks (Hùng/Hưng): different names.
    DifferentDiacritics,
    Different,
}

impl MatchKind {
    pub const ALL: [MatchKind; 9] = [
        MatchKind::Identical,
        MatchKind::Equivalent,
        MatchKind::DiacriticsMissing,
        MatchKind::SpellingVariant,
        MatchKind::MiddleNameMissing,
        MatchKind::Reordered,
        MatchKind::Typo,
        MatchKind::DifferentDiacritics,
        MatchKind::Different,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Identical => "identical",
            MatchKind::Equivalent => "equivalent",
            MatchKind::DiacriticsMissing => "diacritics_missing",
            MatchKind::SpellingVariant => "spelling_variant",
            MatchKind::MiddleNameMissing => "middle_name_missing",
            MatchKind::Reordered => "reordered",
            MatchKind::Typo => "typo",
            MatchKind::DifferentDiacritics => "different_diacritics",
            MatchKind::Different => "different",
        }
    }

    /// True for relations 1 and 2: safe to treat as the same name.
    pub fn is_same_name(self) -> bool {
        matches!(self, MatchKind::Identical | MatchKind::Equivalent)
    }
}

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
}

/// One token of a name, in every form comparison needs.
#[derive(Clone, Debug)]
struct Tok {
    /// The cleaned token as typed (before canonicalisation), for Telex decoding.
    raw: String,
    display: String,
    key: String,
    fold: String,
    syllable: Option<Syllable>,
}

/// Reusable state for comparing many pairs on one thread.
#[derive(Default)]
pub struct Comparer {
    scratch: Scratch,
    letters: Vec<Letter>,
    left: String,
    right: String,
}

fn analyse(raw: &str, scratch: &mut Scratch) -> Vec<Tok> {
    let repaired = super::legacy::repair(raw);
    let text = repaired.as_ref().map_or(raw, |r| r.text.as_str());
    scratch.tokens.split(text);
    let skip = tokens::honorific_prefix_len(&scratch.tokens, &mut scratch.letters);
    let mut out = Vec::with_capacity(scratch.tokens.len() - skip);
    for i in skip..scratch.tokens.len() {
        let token = scratch.tokens.get(i, &mut scratch.token_buf).to_string();
        let syllable = parse_token(&token, &mut scratch.letters);
        let (mut display, mut key, mut fold) = (String::new(), String::new(), String::new());
        super::write_token(&token, syllable.as_ref(), Form::Display, &mut display);
        super::write_token(&token, syllable.as_ref(), Form::Key, &mut key);
        match &syllable {
            Some(s) => s.fold_into(&mut fold),
            None => write_foreign_fold(&token, &mut fold),
        }
        out.push(Tok { raw: token, display, key, fold, syllable });
    }
    out
}

/// True when every mark of `x` is also on `y` (x may lack some): "Hung" lacks what
/// "Hưng" has; "Hùng" and "Hưng" conflict.
fn marks_within(x: &Tok, y: &Tok, scratch: &mut Vec<Letter>) -> bool {
    let letter_within = |a: &Letter, b: &Letter| {
        a.base == b.base
            && (a.quality == Quality::Plain || a.quality == b.quality)
            && (a.tone == Tone::Level || a.tone == b.tone)
    };
    if let (Some(a), Some(b)) = (&x.syllable, &y.syllable) {
        return a.letters().len() == b.letters().len()
            && a.letters().iter().zip(b.letters()).all(|(p, q)| letter_within(p, q))
            && (a.tone == Tone::Level || a.tone == b.tone);
    }
    let mut other = Vec::new();
    if letters_of(&x.raw, scratch) && letters_of(&y.raw, &mut other) {
        return scratch.len() == other.len() && scratch.iter().zip(&other).all(|(p, q)| letter_within(p, q));
    }
    x.raw.is_ascii()
}

/// The Sino-Vietnamese surnames written differently North and South.
const SURNAME_VARIANTS: &[(&str, &str)] = &[("hoang", "huynh"), ("vu", "vo")];

fn is_spelling_variant(x: &Tok, y: &Tok) -> bool {
    if let (Some(a), Some(b)) = (&x.syllable, &y.syllable) {
        if a.is_y_i_variant_of(b) {
            return true;
        }
    }
    let folds = (x.fold.as_str(), y.fold.as_str());
    if SURNAME_VARIANTS.iter().any(|&(p, q)| folds == (p, q) || folds == (q, p)) {
        return true;
    }
    let telex_matches = |from: &Tok, to: &Tok| {
        from.syllable.is_none()
            && telex_decode(&from.raw).is_some_and(|decoded| {
                let mut letters = Vec::new();
                let mut key = String::new();
                match parse_token(&decoded, &mut letters) {
                    Some(s) => s.render(ToneStyle::New, false, &mut key),
                    None => return false,
                }
                key == to.key
            })
    };
    telex_matches(x, y) || telex_matches(y, x)
}

/// One insertion, deletion, substitution or swap of neighbours, and no more.
fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    match long.len() - short.len() {
        0 => {
            let diffs: Vec<usize> = (0..short.len()).filter(|&i| short[i] != long[i]).collect();
            match diffs.as_slice() {
                [_] => true,
                [i, j] => *j == i + 1 && short[*i] == long[*j] && short[*j] == long[*i],
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

fn relation(x: &Tok, y: &Tok, scratch: &mut Vec<Letter>) -> SyllableRelation {
    if x.key == y.key {
        let (mut sx, mut sy) = (String::new(), String::new());
        write_spelling_token(&x.raw, &mut sx);
        write_spelling_token(&y.raw, &mut sy);
        return if sx == sy { SyllableRelation::Same } else { SyllableRelation::Equivalent };
    }
    if x.fold == y.fold {
        return if marks_within(x, y, scratch) || marks_within(y, x, scratch) {
            SyllableRelation::DiacriticsMissing
        } else {
            SyllableRelation::DifferentDiacritics
        };
    }
    if is_spelling_variant(x, y) {
        return SyllableRelation::SpellingVariant;
    }
    if within_one_edit(&x.fold, &y.fold) {
        return SyllableRelation::Typo;
    }
    SyllableRelation::Different
}

fn pair_similarity(rel: SyllableRelation, x: &Tok, y: &Tok) -> f64 {
    match rel {
        // Partial credit so near-misses rank above strangers, never above a kind.
        SyllableRelation::Different => 0.4 * strsim::jaro_winkler(&x.fold, &y.fold),
        r => r.similarity(),
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

fn row(a: &[Tok], b: &[Tok], i: Option<usize>, j: Option<usize>, relation: SyllableRelation) -> SyllableAlignment {
    SyllableAlignment {
        left: i,
        right: j,
        left_text: i.map(|i| a[i].display.clone()).unwrap_or_default(),
        right_text: j.map(|j| b[j].display.clone()).unwrap_or_default(),
        relation,
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

/// Pairs each left syllable with an unused right one, first by key, then by a
/// relation no worse than `DiacriticsMissing`. None unless every syllable pairs.
fn reorder_matching(a: &[Tok], b: &[Tok], letters: &mut Vec<Letter>) -> Option<Vec<(usize, usize, SyllableRelation)>> {
    let mut used = vec![false; b.len()];
    let mut pairs = vec![None; a.len()];
    for pass in 0..2 {
        for (i, x) in a.iter().enumerate() {
            if pairs[i].is_some() {
                continue;
            }
            for (j, y) in b.iter().enumerate() {
                if used[j] {
                    continue;
                }
                let rel = relation(x, y, letters);
                let ok = if pass == 0 { x.key == y.key } else { rel <= SyllableRelation::DiacriticsMissing };
                if ok {
                    used[j] = true;
                    pairs[i] = Some((i, j, rel));
                    break;
                }
            }
        }
    }
    pairs.into_iter().collect()
}

impl Comparer {
    /// The kind and score alone: the bulk path, which skips the alignment when it can.
    pub fn kind_and_score(&mut self, a: &str, b: &str) -> (MatchKind, f64) {
        if a == b {
            return if a.trim().is_empty() { (MatchKind::Different, 0.0) } else { (MatchKind::Identical, 1.0) };
        }
        let m = self.compare(a, b, false);
        (m.kind, m.score)
    }

    pub fn compare(&mut self, a: &str, b: &str, with_alignment: bool) -> NameMatch {
        let ta = analyse(a, &mut self.scratch);
        let tb = analyse(b, &mut self.scratch);
        if ta.is_empty() || tb.is_empty() {
            // A missing name agrees with nothing, not even another missing name.
            return NameMatch { kind: MatchKind::Different, score: 0.0, syllables: Vec::new() };
        }
        self.left.clear();
        self.right.clear();
        write_spelling(a, &mut self.scratch, &mut self.left);
        write_spelling(b, &mut self.scratch, &mut self.right);
        let same_spelling = self.left == self.right;
        let same_key = ta.len() == tb.len() && ta.iter().zip(&tb).all(|(x, y)| x.key == y.key);
        if same_spelling || same_key {
            let kind = if same_spelling { MatchKind::Identical } else { MatchKind::Equivalent };
            let syllables = if with_alignment {
                (0..ta.len())
                    .map(|i| {
                        let rel = if same_spelling { SyllableRelation::Same } else { relation(&ta[i], &tb[i], &mut self.letters) };
                        row(&ta, &tb, Some(i), Some(i), rel)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            return NameMatch { kind, score: cap(kind), syllables };
        }
        self.structural(&ta, &tb, with_alignment)
    }

    fn structural(&mut self, a: &[Tok], b: &[Tok], with_alignment: bool) -> NameMatch {
        let letters = &mut self.letters;
        if a.len() == b.len() {
            let rels: Vec<SyllableRelation> = a.iter().zip(b).map(|(x, y)| relation(x, y, letters)).collect();
            let positional_kind = kind_of_positional(&rels);
            if positional_kind > MatchKind::Reordered && a.len() > 1 {
                // Try both directions and keep the better, so the answer is symmetric.
                let forward = reorder_matching(a, b, letters);
                let backward = reorder_matching(b, a, letters)
                    .map(|p| p.into_iter().map(|(j, i, r)| (i, j, r)).collect::<Vec<_>>());
                let score_of = |pairs: &Vec<(usize, usize, SyllableRelation)>| {
                    pairs.iter().map(|(_, _, r)| r.similarity()).sum::<f64>() / pairs.len() as f64 * 0.85
                };
                let best = match (forward, backward) {
                    (Some(f), Some(g)) => Some(if score_of(&g) > score_of(&f) { g } else { f }),
                    (f, g) => f.or(g),
                };
                if let Some(pairs) = best {
                    let score = score_of(&pairs).min(cap(MatchKind::Reordered));
                    let syllables = if with_alignment {
                        pairs.iter().map(|&(i, j, r)| row(a, b, Some(i), Some(j), r)).collect()
                    } else {
                        Vec::new()
                    };
                    return NameMatch { kind: MatchKind::Reordered, score, syllables };
                }
            }
            let n = a.len();
            let total: f64 = (0..n).map(|i| weight(i, n)).sum();
            let score = (0..n).map(|i| weight(i, n) * pair_similarity(rels[i], &a[i], &b[i])).sum::<f64>() / total;
            let syllables = if with_alignment {
                (0..n).map(|i| row(a, b, Some(i), Some(i), rels[i])).collect()
            } else {
                Vec::new()
            };
            return NameMatch { kind: positional_kind, score: score.min(cap(positional_kind)), syllables };
        }

        let (long, short, long_is_left) = if a.len() > b.len() { (a, b, true) } else { (b, a, false) };
        if long.len() == short.len() + 1 && short.len() >= 2 {
            let mut best: Option<(usize, Vec<SyllableRelation>, f64)> = None;
            for dropped in 1..long.len() - 1 {
                let kept = long.iter().enumerate().filter(|(k, _)| *k != dropped).map(|(_, t)| t);
                let rels: Vec<SyllableRelation> = kept.zip(short).map(|(x, y)| relation(x, y, letters)).collect();
                if rels.iter().all(|r| *r <= SyllableRelation::SpellingVariant) {
                    let n = rels.len();
                    let total: f64 = (0..n).map(|i| weight(i, n)).sum();
                    let score = rels.iter().enumerate().map(|(i, r)| weight(i, n) * r.similarity()).sum::<f64>() / total * 0.9;
                    if best.as_ref().is_none_or(|(_, _, s)| score > *s) {
                        best = Some((dropped, rels, score));
                    }
                }
            }
            if let Some((dropped, rels, score)) = best {
                let syllables = if with_alignment {
                    let mut rows = Vec::with_capacity(long.len());
                    let mut s = 0;
                    for k in 0..long.len() {
                        let (li, si, rel) = if k == dropped {
                            (k, None, SyllableRelation::Missing)
                        } else {
                            s += 1;
                            (k, Some(s - 1), rels[s - 1])
                        };
                        rows.push(if long_is_left {
                            row(a, b, Some(li), si, rel)
                        } else {
                            row(a, b, si, Some(li), rel)
                        });
                    }
                    rows
                } else {
                    Vec::new()
                };
                return NameMatch {
                    kind: MatchKind::MiddleNameMissing,
                    score: score.min(cap(MatchKind::MiddleNameMissing)),
                    syllables,
                };
            }
        }

        let fold = |t: &[Tok]| t.iter().map(|x| x.fold.as_str()).collect::<Vec<_>>().join(" ");
        let score = 0.5 * strsim::jaro_winkler(&fold(a), &fold(b));
        let syllables = if with_alignment {
            let n = a.len().max(b.len());
            (0..n)
                .map(|i| {
                    let (li, ri) = ((i < a.len()).then_some(i), (i < b.len()).then_some(i));
                    let rel = match (li, ri) {
                        (Some(i), Some(j)) => relation(&a[i], &b[j], letters),
                        _ => SyllableRelation::Missing,
                    };
                    row(a, b, li, ri, rel)
                })
                .collect()
        } else {
            Vec::new()
        };
        NameMatch { kind: MatchKind::Different, score: score.min(cap(MatchKind::Different)), syllables }
    }
}

/// Compares two names and explains the answer syllable by syllable.
pub fn compare_names(a: &str, b: &str) -> NameMatch {
    Comparer::default().compare(a, b, true)
}

/// Writes `raw`'s key; used where a caller compares keys it caches.
pub fn key_into(raw: &str, comparer: &mut Comparer, out: &mut String) {
    write_name(raw, Form::Key, &mut comparer.scratch, out);
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
            ("Hùng", "Hưng"), ("Thu", "Thư"), ("Hoa", "Hòa"), ("Lan", "Lân"), ("Nam", "Năm"), ("Tuấn", "Tuân"),
            ("Phương", "Phượng"), ("Hiền", "Hiển"), ("Đông", "Đồng"), ("Hà", "Hạ"), ("An", "Ân"),
            ("Dương", "Đường"), ("Đào", "Dao"),
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

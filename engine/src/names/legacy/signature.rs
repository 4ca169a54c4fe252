//! Signatures of legacy text: characters and letter patterns that no Unicode
//! Vietnamese name holds, found in one scan.

use unicode_normalization::UnicodeNormalization;

use super::vietnamese::vietnamese_letter;
use crate::names::letters::{combining_mark, compose, decompose, Letter, Mark, Quality, Tone};

/// A character no Vietnamese Unicode name contains, but legacy text does.
fn is_foreign_char(c: char) -> bool {
    !(c.is_ascii()
        || vietnamese_letter(c).is_some()
        || c.is_whitespace()
        || combining_mark(c).is_some()
        || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '’' | '‘' | 'ʼ'))
}

/// Whether `mark` after `vowel` is how VNI writes a mark ("Vaên", "Leâ", "Voõ")
/// rather than a pair Unicode Vietnamese has: "oà" (Hoà) and "uâ" (Quân) are
/// ordinary, so they are not signatures (VNI "Hoà" = Hồ is settled by context).
fn is_vni_pair(vowel: char, mark: char) -> bool {
    let tone = matches!(mark, 'ù' | 'ø' | 'û' | 'õ' | 'ï' | 'Ù' | 'Ø' | 'Û' | 'Õ' | 'Ï');
    match vowel {
        'a' | 'e' | 'A' | 'E' => {
            tone || matches!(
                mark,
                'â' | 'á'
                    | 'à'
                    | 'å'
                    | 'ã'
                    | 'ä'
                    | 'ê'
                    | 'é'
                    | 'è'
                    | 'ú'
                    | 'ü'
                    | 'ë'
                    | 'Â'
                    | 'Á'
                    | 'À'
                    | 'Å'
                    | 'Ã'
                    | 'Ä'
                    | 'Ê'
                    | 'É'
                    | 'È'
                    | 'Ú'
                    | 'Ü'
                    | 'Ë'
            )
        }
        'o' | 'O' => tone || matches!(mark, 'â' | 'Â'),
        'u' | 'y' | 'ô' | 'U' | 'Y' | 'Ô' => tone,
        _ => false,
    }
}

/// Whether `raw` may hold legacy-encoded text: one scan, no allocation (except for
/// decomposed text whose marks do not compose into Vietnamese letters).
pub(crate) fn has_signature(raw: &str) -> bool {
    signature_scan(raw).unwrap_or_else(|| {
        // Legacy text is precomposed Latin-1, so look at the NFC form. Marks that
        // compose into no Vietnamese letter even then are debris that clean-up drops,
        // which may uncover legacy text ("§\u{300}Æng"): the full path settles it.
        let nfc: String = raw.nfc().collect();
        signature_scan(&nfc).unwrap_or(true)
    })
}

/// Capitals with lowercase non-ASCII letters among them and no lowercase ASCII
/// letter: TCVN3 writes toned capitals with its lowercase codes ("CAO Lý"), which
/// the signature scan judges on the whole name, never on one token, so such a name
/// takes the full path (so does the comparer's cached path).
pub(crate) fn capitals_with_small_codes(raw: &str) -> bool {
    !raw.bytes().any(|b| b.is_ascii_lowercase()) && raw.chars().any(|c| !c.is_ascii() && c.is_lowercase())
}

/// None when a combining mark makes the answer depend on composition.
pub(super) fn signature_scan(raw: &str) -> Option<bool> {
    let mut prev = ' ';
    let mut before = ' ';
    // The previous character as a precomposed non-ASCII Vietnamese letter.
    let mut prev_letter: Option<Letter> = None;
    let (mut prev_lower, mut prev_upper, mut before_upper) = (false, false, false);
    // A non-ASCII capital right after a capital: TCVN3 if a lowercase letter follows
    // ("BÝch" is Bích).
    let mut capital_pair = false;
    // A non-ASCII lowercase letter right after a capital: TCVN3 if a capital follows
    // ("LéC" is Lộc in capitals).
    let mut small_after_capital = false;
    // Counts for an all-capitals name with TCVN3's lowercase codes ("CAO Lý").
    let (mut capitals, mut ascii_small, mut small_after_capitals) = (0usize, 0usize, 0usize);
    // The current word's tone and the consonants after its last vowel: a grave, hook
    // or tilde never closes with c, ch, p or t ("Lùc" is TCVN3 Lực).
    let mut word_tone = Tone::Level;
    let mut tail = Tail::default();
    let mut chars = raw.chars().peekable();
    while let Some(mut c) = chars.next() {
        // Loose marks (NFD) are folded into their letter first, so decomposed text
        // is judged exactly as its NFC form; marks that make no Vietnamese letter
        // need the NFC form looked at.
        if chars.peek().is_some_and(|&n| combining_mark(n).is_some()) {
            let mut letter = decompose(c)?;
            while let Some(mark) = chars.peek().and_then(|&n| combining_mark(n)) {
                chars.next();
                match mark {
                    Mark::Quality(q) if letter.quality == Quality::Plain => letter.quality = q,
                    Mark::Tone(t) if letter.tone == Tone::Level && letter.is_vowel() => letter.tone = t,
                    _ => return None,
                }
            }
            c = compose(letter)?;
        }
        if c.is_ascii() {
            if c.is_ascii_alphabetic() {
                if (matches!(prev, '.' | '\'') && is_ascii_vowel(before))
                    || (matches!(c, 'd' | 'D') && matches!(prev, 'd' | 'D'))
                    || (capital_pair && c.is_ascii_lowercase())
                    || (small_after_capital && c.is_ascii_uppercase())
                    || prev_letter.is_some_and(|l| breaks_pair(&l, c))
                {
                    // VIQR marks inside a word ("Ha.nh"), DD for Đ; TCVN3 case
                    // patterns; TCVN3 "Thóy", "Lôa" (Thúy, Lụa).
                    return Some(true);
                }
                if is_ascii_vowel(c) {
                    tail = Tail::default();
                } else {
                    tail.push(c);
                }
                capitals += c.is_ascii_uppercase() as usize;
                ascii_small += c.is_ascii_lowercase() as usize;
            } else {
                if (matches!(c, '+' | '(' | '^' | '~' | '`' | '?') && prev.is_ascii_alphabetic())
                    || (prev == '\'' && is_ascii_vowel(before))
                    || tail.closes_badly(word_tone)
                {
                    // VIQR marks after a letter, an acute closing a word ("Ba' My").
                    return Some(true);
                }
                word_tone = Tone::Level;
                tail = Tail::default();
            }
            prev_lower = c.is_ascii_lowercase();
            before_upper = prev_upper;
            prev_upper = c.is_ascii_uppercase();
            capital_pair = false;
            small_after_capital = false;
            prev_letter = None;
        } else {
            match vietnamese_letter(c) {
                Some(letter) => {
                    // VNI: a vowel and a mark letter ("Vaên"). TCVN3: lowercase codes
                    // that are Latin-1 capitals inside a word ("NguyÔn", "BÝch",
                    // "LéC"), or a vowel Unicode never writes there ("NGUYÔN", "TIÕN").
                    if is_vni_pair(prev, c)
                        || (letter.upper && prev_lower)
                        || (capital_pair && !letter.upper)
                        || (small_after_capital && letter.upper)
                        || (!letter.upper && prev_upper && before_upper)
                        || breaks_glide(before, prev, &letter)
                        // k stands only before i, e, ê and y: "Kú" is TCVN3's Kỳ.
                        || (matches!(prev, 'k' | 'K') && matches!(c, 'ú' | 'Ú'))
                        // Đ only begins a syllable: inside a word Ð is TCVN3's é ("NGHÐN").
                        || (letter.quality == Quality::Stroke && prev.is_alphabetic())
                    {
                        return Some(true);
                    }
                    small_after_capitals += (!letter.upper && prev_upper) as usize;
                    capitals += letter.upper as usize;
                    capital_pair = letter.upper && prev_upper;
                    small_after_capital = !letter.upper && prev_upper;
                    prev_lower = !letter.upper;
                    before_upper = prev_upper;
                    prev_upper = letter.upper;
                    prev_letter = Some(letter);
                    if letter.is_vowel() {
                        tail = Tail::default();
                        if letter.tone != Tone::Level {
                            word_tone = letter.tone;
                        }
                    } else {
                        tail.push('đ');
                    }
                }
                None => {
                    // Mojibake of à (C3 A0) and Ò (C3 92): Ã in cp1252, Ă in cp1250,
                    // then NBSP or a curly quote, which are not foreign on their own.
                    if is_foreign_char(c)
                        || (matches!(prev, 'Ã' | 'Ă') && matches!(c, '\u{A0}' | '’' | '‘'))
                        || tail.closes_badly(word_tone)
                    {
                        return Some(true);
                    }
                    word_tone = Tone::Level;
                    tail = Tail::default();
                    prev_lower = false;
                    prev_upper = false;
                    before_upper = false;
                    capital_pair = false;
                    small_after_capital = false;
                    prev_letter = None;
                }
            }
        }
        before = prev;
        prev = c;
    }
    // A name in capitals but for a few lowercase non-ASCII letters after capitals:
    // TCVN3 capitals written with lowercase codes ("CAO Lý"), not "Lã Bá Tư".
    let small_codes_in_capitals =
        ascii_small == 0 && small_after_capitals > 0 && capitals >= 2 * small_after_capitals + 2;
    Some((prev == '\'' && is_ascii_vowel(before)) || tail.closes_badly(word_tone) || small_codes_in_capitals)
}

/// The consonants after the last vowel of a word, lowercase, up to two.
#[derive(Default)]
struct Tail {
    len: u8,
    chars: [u8; 2],
}

impl Tail {
    fn push(&mut self, c: char) {
        if (self.len as usize) < self.chars.len() && c.is_ascii() {
            self.chars[self.len as usize] = c.to_ascii_lowercase() as u8;
        }
        self.len = self.len.saturating_add(1);
    }

    /// A stop coda after a grave, hook or tilde, which Vietnamese never writes.
    fn closes_badly(&self, tone: Tone) -> bool {
        let stop = match self.len {
            1 => matches!(self.chars[0], b'c' | b'p' | b't'),
            2 => self.chars == *b"ch",
            _ => false,
        };
        stop && matches!(tone, Tone::Grave | Tone::Hook | Tone::Tilde)
    }
}

/// Unicode Vietnamese follows y, and i other than in gi, with no marked vowel but
/// ê, and follows qu with no u.
fn breaks_glide(before: char, prev: char, l: &Letter) -> bool {
    let e_hat = l.base == b'e' && l.quality == Quality::Circumflex;
    match prev {
        'y' | 'Y' => !e_hat,
        'i' | 'I' => !e_hat && !matches!(before, 'g' | 'G'),
        // No rhyme holds uu (ưu has ư): "Huúnh" and "Quú" are TCVN3's ỳ (ú) after u.
        'u' | 'U' => l.base == b'u',
        _ => false,
    }
}

/// A marked o before y ("oy" is no Vietnamese rhyme), or ô/ơ before a.
fn breaks_pair(prev: &Letter, next: char) -> bool {
    // Đ is always followed by a vowel: "Ðc" is TCVN3 Éc.
    (prev.quality == Quality::Stroke && !is_ascii_vowel(next))
        || prev.base == b'o'
            && (matches!(next, 'y' | 'Y') || (prev.quality != Quality::Plain && matches!(next, 'a' | 'A')))
}

fn is_ascii_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'A' | 'E' | 'I' | 'O' | 'U' | 'Y')
}

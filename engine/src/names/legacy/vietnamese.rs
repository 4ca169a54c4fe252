//! What Vietnamese writes, against which every decoding is judged: its marked
//! letters and the syllables names use.

use crate::names::letters::{decompose, Letter, Quality, Tone};
use crate::names::syllable::is_valid_syllable;

/// Every Vietnamese letter with a mark (and đ), lower and upper case, NFC.
pub(super) const MARKED_LETTERS: &str = "àảãáạăằẳẵắặâầẩẫấậèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵđ\
                              ÀẢÃÁẠĂẰẲẴẮẶÂẦẨẪẤẬÈẺẼÉẸÊỀỂỄẾỆÌỈĨÍỊÒỎÕÓỌÔỒỔỖỐỘƠỜỞỠỚỢÙỦŨÚỤƯỪỬỮỨỰỲỶỸÝỴĐ";

/// One of the 134 marked Vietnamese letters (or ASCII): `decompose` also takes
/// letters Vietnamese never writes, such as î, û and ñ, which are legacy bytes here.
pub(super) fn vietnamese_letter(c: char) -> Option<Letter> {
    decompose(c).filter(|l| {
        let quality_fits = match l.quality {
            Quality::Plain => true,
            Quality::Circumflex => matches!(l.base, b'a' | b'e' | b'o'),
            Quality::Breve => l.base == b'a',
            Quality::Horn => matches!(l.base, b'o' | b'u'),
            Quality::Stroke => l.base == b'd',
        };
        quality_fits && (l.tone == Tone::Level || l.is_vowel())
    })
}

/// A valid syllable that Vietnamese also writes: the validator takes a lone y with a
/// coda ("hỵp", "bých"), which only occurs after u (huỳnh, quýt), while decodings
/// that differ by such a letter (VNI î = ỵ, TCVN3 î = ợ) need telling apart.
pub(super) fn plausible_syllable(text: &str) -> bool {
    if !is_valid_syllable(text) {
        return false;
    }
    // A y that begins the vowels stands only after the consonants that take it in
    // names (Hy, Kỳ, Lý, Mỹ, Ny, Sỹ, Tý, Thy, Vy, Xy, Dy); elsewhere only i is written.
    // VNI "Bî" is "Bỵ", which nobody writes, and TCVN3 "Bî" is Bợ.
    let bases: Vec<u8> = text.chars().filter_map(vietnamese_letter).map(|l| l.base).collect();
    if let Some(first_vowel) = bases.iter().position(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')) {
        let onset = &bases[..first_vowel];
        let takes_y =
            matches!(onset, b"" | b"h" | b"k" | b"l" | b"m" | b"n" | b"s" | b"t" | b"th" | b"v" | b"x" | b"d");
        if bases[first_vowel] == b'y' && !takes_y {
            return false;
        }
    }
    let mut prev = ' ';
    let mut chars = bases.iter().copied().peekable();
    while let Some(b) = chars.next() {
        if b == b'y'
            && prev != b'u' as char
            && chars.peek().is_some_and(|&n| !matches!(n, b'a' | b'e' | b'i' | b'o' | b'u' | b'y'))
        {
            return false;
        }
        prev = b as char;
    }
    true
}

//! Control characters in a cell: C0 (tab and line breaks included), DEL and C1,
//! the characters `[\x00-\x1F\x7F-\x9F]` the table readers look for in every
//! cell of a file before deciding which columns to clean.
//!
//! At national size that look covers some 110 million cells; a regular
//! expression took most of the reading time. Here eight bytes are looked at
//! together: a cell none of whose bytes is below a space, DEL or 0xC2 (the
//! first byte of every C1 character in UTF-8) holds no control character, and
//! only the few others are read character by character.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether some byte of `w` is below `n` (n at most 128), all eight at once.
#[inline]
fn has_byte_below(w: u64, n: u8) -> bool {
    w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS != 0
}

/// Whether some byte of `w` is `b`.
#[inline]
fn has_byte(w: u64, b: u8) -> bool {
    has_byte_below(w ^ (ONES * u64::from(b)), 1)
}

#[inline]
fn suspicious(w: u64) -> bool {
    has_byte_below(w, 0x20) || has_byte(w, 0x7F) || has_byte(w, 0xC2)
}

/// Whether a byte that may begin a control character is among `bytes`: never
/// false for text that holds one.
#[inline]
fn may_hold_control(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        if suspicious(u64::from_le_bytes(word.try_into().expect("eight bytes"))) {
            return true;
        }
    }
    let rest = words.remainder();
    if rest.is_empty() {
        return false;
    }
    // Filled with a letter, which is none of the bytes looked for.
    let mut last = [b'A'; 8];
    last[..rest.len()].copy_from_slice(rest);
    suspicious(u64::from_le_bytes(last))
}

/// Whether `text` holds a character in `[\x00-\x1F\x7F-\x9F]`.
#[inline]
pub fn has_control(text: &str) -> bool {
    may_hold_control(text.as_bytes()) && text.chars().any(|c| matches!(c, '\0'..='\x1F' | '\x7F'..='\u{9F}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_chars(text: &str) -> bool {
        text.chars().any(|c| (c as u32) < 0x20 || (0x7F..=0x9F).contains(&(c as u32)))
    }

    #[test]
    fn answers_as_a_character_by_character_look() {
        // Every character up to U+0800, and a few beyond, alone and in each place
        // of cells of every length up to two words.
        let mut chars: Vec<char> = (0u32..0x800).filter_map(char::from_u32).collect();
        chars.extend(['ạ', 'Đ', 'ữ', '\u{2028}', '\u{FEFF}', '😀']);
        for &c in &chars {
            for len in 0..17 {
                for at in 0..=len {
                    let text: String = (0..len).map(|i| if i == at { c } else { 'a' }).collect();
                    let text = if at == len { format!("{text}{c}") } else { text };
                    assert_eq!(has_control(&text), by_chars(&text), "{text:?}");
                }
            }
        }
        for text in ["", "Nguyễn Văn An", "Nguyễn\u{85}Văn", "Â\u{9F}", "Â\u{A0}", "\u{C2}\u{A9}", "x\u{7F}"] {
            assert_eq!(has_control(text), by_chars(text), "{text:?}");
        }
    }
}

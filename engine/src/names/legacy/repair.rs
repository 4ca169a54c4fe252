//! The repair: each token decoded in every encoding that takes it, and the
//! readings chosen for the whole name.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

use super::encoding::Encoding;
use super::mojibake::{reads_as_vietnamese, unmojibake};
use super::signature::{has_signature, signature_scan};
use super::tcvn3::{tcvn3_decode, tcvn3_table};
use super::vietnamese::{plausible_syllable, vietnamese_letter};
use super::viqr::{decode_viqr, is_viqr_mark};
use super::vni::vni_decode;
use crate::names::syllable::{parse_token, ToneStyle};
use crate::names::tokens::is_separator;

/// A raw name with its legacy-encoded tokens decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repaired {
    pub text: String,
    pub encodings: Vec<Encoding>,
}

/// Characters legacy text uses as letters or marks: tokens do not end at them even
/// where the cleaned name would (TCVN3's ¬ §, VIQR's + ( ^ ~ ` ? ' .).
fn is_legacy_char(c: char) -> bool {
    is_viqr_mark(c) || tcvn3_table().contains_key(&c)
}

/// Per-token decoders, in the order that breaks ties.
const TOKEN_ENCODINGS: [Encoding; 6] = [
    Encoding::Vni,
    Encoding::Tcvn3,
    Encoding::Utf8AsCp1252,
    Encoding::Utf8AsCp1250,
    Encoding::Utf8AsMacRoman,
    Encoding::Viqr,
];

struct Candidate {
    encoding: Encoding,
    text: String,
    /// Decoded on the token's own evidence; otherwise only with the name as context.
    sure: bool,
    /// TCVN3 only: per character, whether its case is unknown.
    loose_case: Vec<bool>,
}

/// Whether `token` reads as Unicode Vietnamese as typed: a valid syllable with its
/// tone where either style puts it. VNI "Baù" (Bá) is "bàu" only with the tone on
/// the glide, which nobody types, so it counts as legacy text.
fn reads_as_unicode(token: &str) -> bool {
    // Unicode text is lower, upper or title case; "NguyÔn" and "MÕn" are not.
    let mut letters = token.chars().filter(|c| c.is_alphabetic());
    let first_upper = letters.next().is_some_and(char::is_uppercase);
    let (mut upper, mut lower) = (false, false);
    for c in letters {
        upper |= c.is_uppercase();
        lower |= c.is_lowercase();
    }
    if upper && (lower || !first_upper) {
        return false;
    }
    let mut scratch = Vec::with_capacity(8);
    if !plausible_syllable(token) {
        return false;
    }
    let Some(syllable) = parse_token(token, &mut scratch) else { return false };
    let typed: String = token.nfc().flat_map(char::to_lowercase).collect();
    let mut out = String::with_capacity(typed.len());
    [ToneStyle::New, ToneStyle::Old].into_iter().any(|style| {
        out.clear();
        syllable.render(style, false, &mut out);
        out == typed
    })
}

fn decode_token(token: &str, encoding: Encoding, unicode_valid: bool, signed: bool) -> Option<Candidate> {
    let (text, sure, loose_case) = match encoding {
        Encoding::Vni => {
            let text = vni_decode(token)?;
            (text, signed && !unicode_valid, Vec::new())
        }
        Encoding::Tcvn3 => {
            let t = tcvn3_decode(token)?;
            // VN3 fonts have no toned capitals: in a token that reads as Unicode, such a
            // code is far likelier an ordinary letter (Hà, not HỔ).
            if t.vn1 && unicode_valid {
                return None;
            }
            let text: String = t.chars.iter().collect();
            // Unchanged but for the case only the name can tell ("Tý" in "NGUYÔN Tý").
            if text == token && t.loose_case.iter().any(|&l| l) {
                return Some(Candidate { encoding, text, sure: signed && !unicode_valid, loose_case: t.loose_case });
            }
            (text, signed && !unicode_valid, t.loose_case)
        }
        Encoding::Viqr => {
            let v = decode_viqr(token)?;
            (v.text, !v.weak && !unicode_valid, Vec::new())
        }
        _ => (unmojibake(token, encoding)?, !unicode_valid, Vec::new()),
    };
    if text == token {
        return None;
    }
    // VIQR validated each marked run itself (literal punctuation may stay around it).
    if encoding != Encoding::Viqr && !plausible_syllable(&text) {
        return None;
    }
    Some(Candidate { encoding, text, sure, loose_case })
}

/// Whether `token` is ASCII letters and TCVN3 codes, at least one of them a code.
fn all_tcvn3_codes(token: &str) -> bool {
    let table = tcvn3_table();
    !token.is_ascii() && token.chars().all(|c| c.is_ascii_alphabetic() || table.contains_key(&c))
}

/// Byte ranges of the tokens of `text`: runs between separators, where characters
/// legacy text uses as letters or marks do not separate.
fn token_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_separator(c) && !is_legacy_char(c) {
            if let Some(s) = start.take() {
                spans.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

/// Repairs legacy-encoded tokens of a raw (uncleaned) name; None when no token
/// needed it. One scan and no allocation for ordinary Unicode or ASCII names.
pub fn repair(raw: &str) -> Option<Repaired> {
    if raw.len() > crate::MAX_NAME_BYTES || !has_signature(raw) {
        return None;
    }
    repair_flagged(raw)
}

/// `repair` for text already known to carry a legacy signature.
pub(crate) fn repair_flagged(raw: &str) -> Option<Repaired> {
    if raw.len() > crate::MAX_NAME_BYTES {
        return None;
    }
    // Legacy text is Latin-1 characters, which NFC keeps whole: decode the NFC form
    // so NFD input decodes alike.
    let text: Cow<str> = if unicode_normalization::is_nfc_quick(raw.chars()) == unicode_normalization::IsNormalized::Yes
    {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(raw.nfc().collect())
    };
    repair_mojibake(&text).or_else(|| repair_tokens(&text, None))
}

/// The name read with `font`'s reading taken wherever a legacy syllable reads as a
/// syllable in both 8-bit fonts ("Thuû": VNI Thủ, TCVN3 Thuỷ), when that gives
/// another name than `repair`. The tie `repair` breaks in VNI's favour, a comparison
/// breaks by the other name (see `Comparer`).
pub fn read_preferring(raw: &str, font: Encoding) -> Option<Repaired> {
    if raw.len() > crate::MAX_NAME_BYTES || !has_signature(raw) {
        return None;
    }
    let text: Cow<str> = if unicode_normalization::is_nfc_quick(raw.chars()) == unicode_normalization::IsNormalized::Yes
    {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(raw.nfc().collect())
    };
    if repair_mojibake(&text).is_some() {
        return None;
    }
    let preferred = repair_tokens(&text, Some(font)).filter(|r| r.encodings.contains(&font))?;
    (Some(&preferred) != repair_tokens(&text, None).as_ref()).then_some(preferred)
}

/// Mojibake is undone on the whole string: NBSP (0xA0) may be one of its bytes.
fn repair_mojibake(text: &str) -> Option<Repaired> {
    if text.is_ascii() {
        return None;
    }
    for encoding in [Encoding::Utf8AsCp1252, Encoding::Utf8AsCp1250, Encoding::Utf8AsMacRoman] {
        if let Some(fixed) = unmojibake(text, encoding) {
            if fixed != text && reads_as_vietnamese(&fixed) {
                return Some(Repaired { text: fixed.nfc().collect(), encodings: vec![encoding] });
            }
        }
    }
    None
}

/// The case the rest of a name is written in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CaseContext {
    /// Lowercase letters elsewhere: lower or title case.
    Mixed,
    /// Only capitals elsewhere.
    Capitals,
    Unknown,
}

impl CaseContext {
    /// Whether a decoding's letters of known case fit: no capital after the first
    /// letter in mixed case, no lowercase in capitals.
    fn fits(self, c: &Candidate) -> bool {
        let mut known = c
            .text
            .chars()
            .enumerate()
            .filter(|&(i, ch)| ch.is_alphabetic() && !c.loose_case.get(i).copied().unwrap_or(false));
        match self {
            CaseContext::Mixed => known.skip(1).all(|(_, ch)| !ch.is_uppercase()),
            CaseContext::Capitals => known.all(|(_, ch)| !ch.is_lowercase()),
            CaseContext::Unknown => {
                let first_upper = c.text.chars().find(|ch| ch.is_alphabetic()).is_some_and(char::is_uppercase);
                let rest: Vec<char> = known.skip(1).map(|(_, ch)| ch).collect();
                rest.iter().all(|ch| !ch.is_uppercase()) || (first_upper && rest.iter().all(|ch| !ch.is_lowercase()))
            }
        }
    }
}

/// `prefer`: the encoding a token read as a syllable in several encodings takes
/// (otherwise the best supported by the name's other tokens).
fn repair_tokens(text: &str, prefer: Option<Encoding>) -> Option<Repaired> {
    let spans = token_spans(text);
    let count = |t: &str, f: fn(&char) -> bool| t.chars().filter(f).count();
    // Capitals are letters: VNI's mark characters include capitals that are no
    // letter (Ø, the grave of "AØ"), and counting them made "AØ Hùng" a name in
    // capitals, whose lowercase "ùng" then read as TCVN3's codes (Hựng).
    fn capital(c: &char) -> bool {
        c.is_uppercase() && (c.is_ascii() || vietnamese_letter(*c).is_some())
    }
    let (name_lower, name_upper) = (count(text, |c| c.is_lowercase()), count(text, capital));
    let mut candidates: Vec<(Vec<Candidate>, CaseContext, bool)> = Vec::with_capacity(spans.len());
    let mut votes = [0usize; TOKEN_ENCODINGS.len()];
    // A toned capital that no 8-bit font has ("Ễ" in "NGUYỄN") means the name was
    // typed in Unicode, where a capitals name may hold an ordinary title-case word.
    let unicode_capitals =
        text.chars().any(|c| c.is_uppercase() && !c.is_ascii() && !is_legacy_char(c) && vietnamese_letter(c).is_some());
    for &(s, e) in &spans {
        let token = &text[s..e];
        let (lower, upper) = (count(token, |c| c.is_lowercase()), count(token, capital));
        let context = if name_lower > lower {
            CaseContext::Mixed
        } else if name_upper >= upper + 2 {
            CaseContext::Capitals
        } else {
            CaseContext::Unknown
        };
        let mut found = Vec::new();
        let mut reads_as_typed = false;
        // Plain ASCII letters decode to themselves, except VIQR's DD.
        let plain = token.bytes().all(|b| b.is_ascii_alphanumeric()) && !token.to_ascii_lowercase().contains("dd");
        if !plain {
            // In a name otherwise in capitals, lowercase letters are TCVN3's codes
            // for toned capitals ("CAO Lý"), not how Unicode would write it.
            let odd_case = context == CaseContext::Capitals && lower > 0 && !unicode_capitals;
            let unicode_valid = !odd_case && reads_as_unicode(token);
            reads_as_typed = unicode_valid;
            // One character alone is too little to call a token legacy text: reading
            // TCVN3 "ë" as ở would make "Ë" and its own key two different names.
            let signed = (odd_case || signature_scan(token).unwrap_or(true)) && token.chars().nth(1).is_some();
            // TCVN3's codes for ỳ ỷ ỹ ự and others are accented Latin-1 letters (ú û ü ù):
            // "Huúnh" carries no signature, yet as Unicode it is no syllable and as
            // TCVN3 it is Huỳnh. The decoding must still be a syllable to be taken.
            let tcvn3_signed = signed || (!unicode_valid && token.chars().nth(1).is_some() && all_tcvn3_codes(token));
            for (k, &encoding) in TOKEN_ENCODINGS.iter().enumerate() {
                let signed = if encoding == Encoding::Tcvn3 { tcvn3_signed } else { signed };
                if let Some(c) = decode_token(token, encoding, unicode_valid, signed) {
                    votes[k] += c.sure as usize;
                    found.push(c);
                }
            }
        }
        candidates.push((found, context, reads_as_typed));
    }
    if votes.iter().all(|&v| v == 0) {
        return None;
    }
    // Ties go to the reading whose case fits the rest of the name: in "Cao LÖ",
    // TCVN3 Lệ rather than VNI LƯ; in "CAO Vò", TCVN3 VŨ rather than VNI Vị.
    let rank = |c: &Candidate, context: CaseContext| {
        let k = TOKEN_ENCODINGS.iter().position(|&e| e == c.encoding).unwrap_or(0);
        (Some(c.encoding) == prefer, votes[k], context.fits(c), std::cmp::Reverse(k))
    };
    // A sure token takes its best-supported encoding; any other token is decoded
    // only from an encoding that some sure token of this name used.
    let mut sure_encodings: Vec<Encoding> = Vec::new();
    let mut chosen: Vec<Option<Candidate>> = Vec::with_capacity(candidates.len());
    let mut unsure: Vec<(usize, Vec<Candidate>, CaseContext, bool)> = Vec::new();
    for (i, (found, context, reads_as_typed)) in candidates.into_iter().enumerate() {
        if found.iter().any(|c| c.sure) {
            let best = found.into_iter().filter(|c| c.sure && rank(c, context).1 > 0).max_by_key(|c| rank(c, context));
            if let Some(c) = &best {
                sure_encodings.push(c.encoding);
            }
            chosen.push(best);
        } else {
            chosen.push(None);
            unsure.push((i, found, context, reads_as_typed));
        }
    }
    // A letter no 8-bit font shows (ă, ơ, ư, đ, ễ…) means the name was typed in
    // Unicode: a legacy token in it is one syllable pasted or typed in another
    // font ("Lê Văn Mü"), and its neighbours that read as Unicode stay as typed
    // (Lê, not TCVN3 Lờ).
    let typed_in_unicode =
        text.chars().any(|c| (c as u32) > 0xFF && !is_legacy_char(c) && vietnamese_letter(c).is_some());
    // Only from an encoding a sure token was read in, not one it merely allowed:
    // in "Phuû Hùng" Phuû is VNI Phủ (TCVN3 would be Phuỷ), so Hùng stays Hùng
    // rather than TCVN3 Hựng.
    for (i, found, context, reads_as_typed) in unsure {
        if typed_in_unicode && reads_as_typed {
            continue;
        }
        chosen[i] = found.into_iter().filter(|c| sure_encodings.contains(&c.encoding)).max_by_key(|c| rank(c, context));
    }
    if chosen.iter().all(Option::is_none) {
        return None;
    }
    fix_tcvn3_case(text, &spans, &mut chosen);
    let mut out = String::with_capacity(text.len() + 16);
    let mut encodings = Vec::new();
    let mut last = 0;
    for (&(s, e), choice) in spans.iter().zip(&chosen) {
        out.push_str(&text[last..s]);
        match choice {
            Some(c) => {
                out.push_str(&c.text);
                if !encodings.contains(&c.encoding) {
                    encodings.push(c.encoding);
                }
            }
            None => out.push_str(&text[s..e]),
        }
        last = e;
    }
    out.push_str(&text[last..]);
    let out: String = out.nfc().collect();
    (out != text).then_some(Repaired { text: out, encodings })
}

/// TCVN3's toned capitals are written with lowercase codes: restore the case the
/// rest of the name shows (all capitals, or each word capitalised).
fn fix_tcvn3_case(text: &str, spans: &[(usize, usize)], chosen: &mut [Option<Candidate>]) {
    if !chosen.iter().flatten().any(|c| c.loose_case.iter().any(|&l| l)) {
        return;
    }
    // Capitals after a word's first letter tell all-capitals from title case.
    let (mut inner_upper, mut lower) = (0usize, 0usize);
    let (mut title, mut title_seen) = (true, false);
    for (&(s, e), choice) in spans.iter().zip(chosen.iter()) {
        let letters: Vec<(char, bool)> = match choice {
            Some(c) if !c.loose_case.is_empty() => c.text.chars().zip(c.loose_case.iter().copied()).collect(),
            Some(c) => c.text.chars().map(|ch| (ch, false)).collect(),
            None => text[s..e].chars().map(|ch| (ch, false)).collect(),
        };
        let mut first = true;
        for (ch, loose) in letters {
            if !ch.is_alphabetic() {
                continue;
            }
            if !loose {
                inner_upper += (!first && ch.is_uppercase()) as usize;
                lower += ch.is_lowercase() as usize;
                if first {
                    title_seen = true;
                    title &= ch.is_uppercase();
                }
            }
            first = false;
        }
    }
    let all_caps = inner_upper >= 1 && lower == 0;
    let title = title && title_seen;
    if !all_caps && !title {
        return;
    }
    for c in chosen.iter_mut().flatten().filter(|c| !c.loose_case.is_empty()) {
        let mut fixed = String::with_capacity(c.text.len());
        let mut first = true;
        for (ch, &loose) in c.text.chars().zip(&c.loose_case) {
            if loose && (all_caps || first) {
                fixed.extend(ch.to_uppercase());
            } else {
                fixed.push(ch);
            }
            first &= !ch.is_alphabetic();
        }
        c.text = fixed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::legacy::tables::TCVN3;
    use crate::names::legacy::vietnamese::MARKED_LETTERS;
    use crate::names::legacy::{encode_tcvn3, encode_viqr, encode_vni, keystrokes_decode, mojibake};
    use crate::names::syllable::is_valid_syllable;

    fn fixed(raw: &str) -> String {
        repair(raw).map(|r| r.text).unwrap_or_else(|| raw.to_string())
    }

    const NAMES: [&str; 44] = [
        "Nguyễn Văn Hùng",
        "Trần Thị Thuỷ",
        "Lê Quốc Việt",
        "Phạm Thị Ngọc Ánh",
        "Đặng Hữu Nghĩa",
        "Bùi Thị Hường",
        "Hoàng Văn Quyết",
        "Huỳnh Thị Yến",
        "Võ Đình Quảng",
        "Dương Thị Mỹ",
        "Ngô Xuân Trường",
        "Đỗ Thị Khuê",
        "Phan Văn Khoẻ",
        "Tôn Thất Thuyết",
        "Lý Thị Ngân",
        "Hồ Sĩ Dũng",
        "Trịnh Văn Ước",
        "Vũ Thị Luỹ",
        "Lương Văn Tuyển",
        "Hà Văn Thắng",
        "Trương Thị Mỹ Hạnh",
        "Đinh Công Tráng",
        "Mai Thị Hằng",
        "Tạ Quang Bửu",
        "Lâm Thị Mẫn",
        "Cao Xuân Dục",
        "Kiều Thị Thơ",
        "Âu Dương Lân",
        "Ông Ích Khiêm",
        "Nghiêm Xuân Yêm",
        "Lưu Thị Huế",
        "Quách Tuấn Khanh",
        "Đoàn Thị Điểm",
        "Lò Văn Giàng",
        "Giáp Văn Cương",
        "Hứa Vĩnh Sang",
        "Tăng Bạt Hổ",
        "Nguyễn Thị Ẩn",
        "Ứng Thị Ỷ",
        "Phùng Khắc Khoan",
        "NGUYỄN THỊ HỒNG NHUNG",
        "TRẦN ĐỨC ỨNG",
        "LÊ VĂN ẤN",
        "Nguyễn Trãi",
    ];

    #[test]
    fn reference_examples() {
        let cases = [
            ("Tröông Thò Myõ Haïnh", "Trương Thị Mỹ Hạnh"),
            ("Voõ Ñình Quaûng", "Võ Đình Quảng"),
            ("Löông Vaên Tuyeån", "Lương Văn Tuyển"),
            ("Haø Vaên Thaéng", "Hà Văn Thắng"),
            ("Tr\u{AD}¬ng ThÞ Mü H¹nh", "Trương Thị Mỹ Hạnh"),
            ("Vâ §×nh Qu¶ng", "Võ Đình Quảng"),
            ("L\u{AD}¬ng V¨n TuyÓn", "Lương Văn Tuyển"),
            ("Hµ V¨n Th¾ng", "Hà Văn Thắng"),
            ("Tru+o+ng Thi. My~ Ha.nh", "Trương Thị Mỹ Hạnh"),
            ("Vo~ DDi`nh Qua?ng", "Võ Đình Quảng"),
            ("Lu+o+ng Va(n Tuye^?n", "Lương Văn Tuyển"),
            ("Ha` Va(n Tha('ng", "Hà Văn Thắng"),
            ("Nguyá»…n", "Nguyễn"),
        ];
        for (raw, want) in cases {
            assert_eq!(fixed(raw), want, "{raw}");
        }
        // The reference's VNI "Mì" is not Mỹ (VNI writes ỹ as "yõ"); Mì stays Mì.
        assert_eq!(fixed("Tröông Thò Mì Haïnh"), "Trương Thị Mì Hạnh");
    }

    #[test]
    fn a_lone_y_only_after_the_consonants_that_take_it() {
        // VNI reads "Bî" as Bỵ, which no one writes; TCVN3 reads it as Bợ.
        assert_eq!(fixed("Bî"), "Bợ");
        assert!(!plausible_syllable("bỵ") && !plausible_syllable("chý"));
        for ok in ["mỹ", "kỳ", "lý", "hy", "thy", "vy", "sỹ", "tý", "yến", "huỳnh", "quý", "thụy"] {
            assert!(plausible_syllable(ok), "{ok}");
        }
    }

    #[test]
    fn a_vni_mark_character_is_no_capital() {
        // Ø is VNI's grave: "AØ Hùng" is title case, not capitals with TCVN3 codes.
        assert_eq!(fixed("AØ Hùng"), "À Hùng");
        assert_eq!(fixed("Hùng AØ"), "Hùng À");
        assert_eq!(fixed("CAO Lý"), "CAO LÝ");
        // Left as it is: one-letter words are capitals too, so in "A AØ Rông" the
        // name looks written in capitals and "Rông" reads as TCVN3 Rụng.
    }

    #[test]
    fn gi_is_never_followed_by_another_i() {
        // VNI reads "Giæ" as Giỉ, which is written gỉ; TCVN3 reads it as Giổ (fuzz find).
        assert_eq!(fixed("Giæ"), "Giổ");
        assert_eq!(fixed("GIæ"), "GIỔ");
    }

    #[test]
    fn round_trips() {
        for name in NAMES {
            for (encoded, what) in
                [(encode_vni(name), "vni"), (encode_tcvn3(name), "tcvn3"), (encode_viqr(name), "viqr")]
            {
                assert_ne!(encoded, name, "{what}");
                assert_eq!(fixed(&encoded), name, "{what}: {encoded}");
            }
            for enc in [Encoding::Utf8AsCp1252, Encoding::Utf8AsCp1250, Encoding::Utf8AsMacRoman] {
                let broken = mojibake(name, enc);
                assert_ne!(broken, name);
                let r = repair(&broken).unwrap_or_else(|| panic!("{enc:?}: {broken}"));
                assert_eq!(r.text, name, "{enc:?}: {broken}");
                // cp1250 and cp1252 agree on many bytes: either reading is right then.
                if mojibake(name, Encoding::Utf8AsCp1252) != broken {
                    assert_eq!(r.encodings, vec![enc]);
                }
                // Mis-read twice over.
                assert_eq!(fixed(&mojibake(&broken, enc)), name, "{enc:?} twice");
            }
            // Decomposed input decodes alike.
            let nfd: String = encode_viqr(name).nfd().collect();
            assert_eq!(fixed(&nfd), name);
        }
    }

    #[test]
    fn encodings_are_reported() {
        assert_eq!(repair("Löông Vaên Tuyeån").unwrap().encodings, vec![Encoding::Vni]);
        assert_eq!(repair("L\u{AD}¬ng V¨n TuyÓn").unwrap().encodings, vec![Encoding::Tcvn3]);
        assert_eq!(repair("Lu+o+ng Va(n").unwrap().encodings, vec![Encoding::Viqr]);
        // Tokens in different encodings within one name.
        let r = repair("Löông V¨n Tuye^?n").unwrap();
        assert_eq!(r.text, "Lương Văn Tuyển");
        assert_eq!(r.encodings, vec![Encoding::Vni, Encoding::Tcvn3, Encoding::Viqr]);
    }

    /// A valid syllable carrying `c`, to test every letter in a name.
    fn carrier(c: char) -> Option<String> {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let caps = |s: String| if c.is_uppercase() { s.to_uppercase() } else { s };
        ["t{}", "t{}n", "{}n", "{}a", "ng{}", "kh{}", "h{}t", "{}"]
            .iter()
            .map(|p| p.replace("{}", &lower.to_string()))
            .find(|s| is_valid_syllable(s))
            .map(caps)
    }

    #[test]
    fn every_letter_round_trips() {
        let mut count = 0;
        for c in MARKED_LETTERS.chars().chain("aeiouyAEIOUY".chars()) {
            let syllable = carrier(c).unwrap_or_else(|| panic!("no carrier for {c}"));
            assert!(syllable.contains(c), "{syllable} {c}");
            count += 1;
            let name =
                if c.is_uppercase() { format!("NGUYỄN {syllable}") } else { format!("Nguyễn Thị {syllable}") };
            for (encoded, what) in
                [(encode_vni(&name), "vni"), (encode_tcvn3(&name), "tcvn3"), (encode_viqr(&name), "viqr")]
            {
                assert_eq!(fixed(&encoded), name, "{what} {c}: {encoded}");
            }
            // Each letter alone in its token, and capitals outside an all-caps name.
            assert_eq!(fixed(&format!("Tröông {}", encode_vni(&syllable))), format!("Trương {syllable}"), "vni {c}");
        }
        assert_eq!(count, 134 + 12); // the 134 non-ASCII letters and the plain vowels
    }

    #[test]
    fn tcvn3_full_vn1_capitals_decode() {
        // Text from a VN1 source writes toned capitals with their own codes.
        let vn1: String = "Nguyễn Thị Ánh"
            .chars()
            .map(|c| TCVN3.iter().find(|(l, _)| *l == c).map_or(c, |(_, code)| *code))
            .collect();
        assert_eq!(vn1, "NguyÔn ThÞ ƒnh");
        assert_eq!(fixed(&vn1), "Nguyễn Thị Ánh");
        // VN3 fonts: the lowercase code, capitalised from the rest of the name.
        assert_eq!(encode_tcvn3("Nguyễn Thị Ánh"), "NguyÔn ThÞ ¸nh");
        assert_eq!(fixed("nguyÔn thÞ ¸nh"), "nguyễn thị ánh");
        assert_eq!(fixed("NGUYÔN V¡N Hµ"), "NGUYỄN VĂN HÀ");
        // TCVN3's combining tone marks.
        assert_eq!(fixed("Nguyªn V¨n Ha°"), "Nguyên Văn Hà");
    }

    #[test]
    fn plain_names_and_minority_names_are_left_alone() {
        for s in [
            "Nguyễn Văn Hùng",
            "Nguyen Van Hung",
            "NGUYỄN VĂN HÙNG",
            "Nguyễn Văn A.",
            "Nguyen Van A.",
            "H'Hen Niê",
            "Ksor Y Phen",
            "Y Phen Ktla",
            "Hoà",
            "Lê Thị Hoà",
            "Quân",
            "Xuân",
            "Thò",
            "Nguyễn Thị Hà",
            "Nguyễn V. Hùng",
            "O'Neil",
            "",
            "   ",
            "Nguyễn Thị Thuý (Ba)",
        ] {
            assert_eq!(repair(s), None, "{s}");
        }
        let nfd: String = "Nguyễn Thị Hoà".nfd().collect();
        assert!(!has_signature(&nfd));
        assert!(!has_signature("Trần Thị Thuỷ"));
        assert!(!has_signature("Lã Bá Tư"));
        assert!(!has_signature("TRẦN THỊ THUỶ NGUYỄN QUYẾT"));
    }

    #[test]
    fn vni_ambiguity_follows_context() {
        // "Hoà" alone is Unicode Hòa; beside other VNI tokens it is VNI Hồ.
        assert_eq!(repair("Hoà"), None);
        assert_eq!(fixed("Nguyeãn Thò Hoà"), "Nguyễn Thị Hồ");
        // Context from another encoding does not decode it.
        assert_eq!(fixed("NguyÔn ThÞ Hoà"), "Nguyễn Thị Hoà");
        // With no token that only legacy text could hold, there is nothing to go on:
        // TCVN3 "Khóc Thõa Dô" (Khúc Thừa Dụ) is also valid Unicode.
        assert_eq!(encode_tcvn3("Khúc Thừa Dụ"), "Khóc Thõa Dô");
        assert_eq!(repair("Khóc Thõa Dô"), None);
    }

    #[test]
    fn separators_and_other_tokens_are_kept() {
        assert_eq!(fixed("Löông,  Vaên\u{A0}Tuyeån (Ba)"), "Lương,  Văn\u{A0}Tuyển (Ba)");
        assert_eq!(fixed("OÂng Löông Vaên Tuyeån"), "Ông Lương Văn Tuyển");
        assert_eq!(repair("Ông"), None);
        assert_eq!(fixed("Nguye^~n Va(n A."), "Nguyễn Văn Ạ");
        assert_eq!(fixed("Nguye^~n, Va(n"), "Nguyễn, Văn");
        assert_eq!(fixed("Ho\u{E0}ng"), "Hoàng");
        // NBSP inside mojibake: à is C3 A0.
        assert_eq!(fixed("HoÃ\u{A0}ng VÄƒn"), "Hoàng Văn");
    }

    #[test]
    fn hard_cases_found_on_generated_rosters() {
        let cases = [
            ("Cao LÖ", "Cao Lệ"),                // VNI would read LƯ, in capitals
            ("CAO Vò", "CAO VŨ"),                // VNI would read Vị, in lowercase
            ("Cao Lùc", "Cao Lực"),              // a grave never closes with c
            ("Cao Thóy", "Cao Thúy"),            // "oy" is no rhyme
            ("Cao Quúnh", "Cao Quỳnh"),          // qu is never followed by u
            ("Cao Lôa", "Cao Lụa"),              // "ôa" is no rhyme
            ("CAO LéC", "CAO LỘC"),              // lowercase inside capitals
            ("Cao BÝch", "Cao Bích"),            // capital inside a title-case word
            ("Cao Anh Hîp", "Cao Anh Hợp"),      // VNI would read Hỵp, no Vietnamese rhyme
            ("Cao Baù My", "Cao Bá My"),         // "bàu" with the tone on the glide
            ("Cao Duy Ñònh", "Cao Duy Định"),    // ñ is no Vietnamese letter
            ("CAO Lý", "CAO LÝ"),                // TCVN3 has no Ý code
            ("Cao Ba' My", "Cao Bá My"),         // VIQR acute closing a word
            ("Cao LÃ\u{A0}nh", "Cao Lành"),      // mojibake with NBSP as a byte
            ("CAO THANH HÃ’A", "CAO THANH HÒA"), // mojibake with a curly quote as a byte
            ("DANH TH∆Ø∆†L", "DANH THƯƠL"),      // Khmer Thươl is no syllable
            ("BAN SĆ\u{A0}", "BAN SƠ"),          // cp1250
            ("NGUYỄN THỊ Hà", "NGUYỄN THỊ Hà"),  // Ễ and Ị exist only in Unicode
            ("ÿù", "ÿù"),                        // MacRoman reading is U+061D alone
            ("Phuû Hùng", "Phủ Hùng"),           // Phuû is read as VNI, so Hùng is not TCVN3
            ("NGHÐN", "NGHÉN"),                  // Đ never stands inside a word
            ("Ðc Anh", "Éc Anh"),                // nor before a consonant
        ];
        for (raw, want) in cases {
            assert_eq!(fixed(raw), want, "{raw}");
        }
    }

    #[test]
    fn one_tcvn3_syllable_in_a_unicode_name() {
        // TCVN3 writes ỳ as ú, ự as ù, ỷ as û and ỹ as ü: Latin-1 letters, some of them
        // Vietnamese ones, so a syllable typed in it reads as Unicode text at first sight.
        let cases = [
            ("Nguyễn Thị Huúnh", "Nguyễn Thị Huỳnh"), // no rhyme holds uu
            ("Trần Thị Thuú", "Trần Thị Thuỳ"),
            ("Phạm Văn Kú", "Phạm Văn Kỳ"), // k stands only before i, e, ê, y
            ("Nguyễn Văn Kû", "Nguyễn Văn Kỷ"),
            ("Lê Văn Mü", "Lê Văn Mỹ"),               // Lê reads as Unicode: not TCVN3 Lờ
            ("NGUYỄN THỊ HUúNH", "NGUYỄN THỊ HUỲNH"), // VN3 fonts write the capital with the small code
        ];
        for (raw, want) in cases {
            assert_eq!(fixed(raw), want, "{raw}");
        }
        // The whole name in TCVN3 still decodes every word.
        assert_eq!(fixed("Lª V¨n Mü"), "Lê Văn Mỹ");
        // The Unicode reading is a syllable, or no reading is: nothing to repair.
        for name in [
            "Nguyễn Thị Thuý",
            "Nguyễn Thị Thúy",
            "Lê Thị Lú",
            "Lê Văn Vú",
            "Hà Văn Tú",
            "Nguyễn Văn Phúc",
            "Võ Văn Cù",
            "Trần Thị Mùi",
            "Hơ Niê",
            "Ksor",
            "Y Moan",
            "H'Hen Niê",
            "Y Phen Ktla",
            "Ksor Y Bú",
            "Kpă Thị Hú",
            "Kơ Sa Hà",
            "Ka Hồng",
            "Phạm Văn Kõ", // TCVN3 would be Kừ, which no one writes
        ] {
            assert_eq!(fixed(name), name, "{name}");
        }
    }

    #[test]
    fn decomposed_text_is_judged_as_composed() {
        let mut samples: Vec<String> = NAMES.iter().map(|s| s.to_string()).collect();
        for name in NAMES {
            samples.extend([
                encode_vni(name),
                encode_tcvn3(name),
                encode_viqr(name),
                mojibake(name, Encoding::Utf8AsCp1252),
            ]);
        }
        samples.extend(
            ["NGUYÔN", "CAO LéC", "Cao BÝch", "Cao Lùc", "Cao Thóy", "Hoà", "e\u{303}\u{302}", "ñ", "o\u{308}"]
                .map(String::from),
        );
        for s in samples {
            let nfc: String = s.nfc().collect();
            let nfd: String = s.nfd().collect();
            assert_eq!(has_signature(&nfc), has_signature(&nfd), "{s}");
            assert_eq!(repair(&nfc), repair(&nfd), "{s}");
        }
    }

    #[test]
    fn repairs_are_stable() {
        for name in NAMES {
            for encoded in
                [encode_vni(name), encode_tcvn3(name), encode_viqr(name), mojibake(name, Encoding::Utf8AsCp1252)]
            {
                let once = fixed(&encoded);
                assert_eq!(repair(&once), None, "{encoded} → {once}");
            }
        }
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let all_high = mojibake(MARKED_LETTERS, Encoding::Utf8AsMacRoman);
        let latin1: String = (0x80u32..=0xFF).filter_map(char::from_u32).collect();
        let cp1252: String = (0x80u8..=0xFF)
            .map(|b| encoding_rs::WINDOWS_1252.decode_without_bom_handling(&[b]).0.into_owned())
            .collect();
        let long = "Löông Vaên ".repeat(90);
        let inputs = [
            all_high.as_str(),
            latin1.as_str(),
            cp1252.as_str(),
            long.as_str(),
            "\u{0301}",
            "\u{0301}\u{0302}a\u{031B}\u{0323}\u{0309}",
            "\u{AD}",
            "\u{AD}\u{AD} \u{AD}",
            "a\u{AD}",
            "\\",
            "\\'",
            "a\\",
            "dd",
            "DD DD",
            "a+(^",
            "~~~~",
            "'.'.''",
            "°±²³´",
            "a°±",
            "\u{1}\u{2}\u{17}",
            "Ã",
            "Ã\u{A0}",
            "\u{FFFD}\u{10FFFF}",
            "𝔑𝔤𝔲𝔶ễ𝔫",
            "ǅ ǈ ǋ",
        ];
        for input in inputs {
            if let Some(r) = repair(input) {
                assert!(unicode_normalization::is_nfc(&r.text));
            }
            let _ = keystrokes_decode(input);
            let _ = encode_vni(input);
            let _ = encode_tcvn3(input);
            let _ = encode_viqr(input);
        }
        // A pseudo-random sweep over characters legacy text is made of.
        let alphabet: Vec<char> = "aeiouycnhtgqAIYdD .'+(^~`?\\\u{AD}\u{A0}¬§×µ¨ªÔÓÃÂâãàáùøûõïñöôæìíîò€ƒ’\u{81}\u{300}\u{301}\u{302}\u{303}\u{306}\u{309}\u{31B}\u{323}\u{308}ễăĐÝý"
            .chars()
            .collect();
        let mut seed = 0x2545F4914F6CDD1Du64;
        for _ in 0..20000 {
            let mut s = String::new();
            for _ in 0..(seed % 13) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(1);
            if let Some(r) = repair(&s) {
                assert!(!r.encodings.is_empty());
            }
            let _ = keystrokes_decode(&s);
            let nfc: String = s.nfc().collect();
            let nfd: String = s.nfd().collect();
            assert_eq!(has_signature(&nfc), has_signature(&nfd), "{s:?}");
            assert_eq!(repair(&nfc), repair(&nfd), "{s:?}");
        }
    }
}

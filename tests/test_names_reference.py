"""Every rule and example of docs/names.md ("What the rules rest on"), through the public Python API.

Sections follow the reference: the three relations, the fold key, Unicode, tone
placement, legacy encodings and mojibake, Telex, y/i, structure and honorifics.
The names are the reference's own examples or made up from common syllables.
"""

from __future__ import annotations

import unicodedata

import pytest

import doichieu
from name_strategies import (
    DIFFERENT_PEOPLE,
    MOJIBAKE_CODECS,
    cp1258_form,
    deprecated_tones,
    encode_tcvn3,
    encode_viqr,
    encode_vni,
    mojibake,
)

SAME_NAME = ("identical", "equivalent")


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def assert_same_name(raw: str, canonical: str, kind: str) -> None:
    """`raw` is `canonical` under relation 1 (kind "identical") or 2 ("equivalent")."""
    assert doichieu.normalize_name(raw) == canonical
    assert doichieu.name_key(raw) == doichieu.name_key(canonical)
    assert doichieu.fold_key(raw) == doichieu.fold_key(canonical)
    m = doichieu.compare_names(raw, canonical)
    assert m.kind == kind and m.is_same_name
    assert doichieu.compare_names(canonical, raw).kind == kind


def assert_candidate(a: str, b: str, kind: str) -> None:
    """Relation 3: worth a look, never merged: the keys differ and the kind says why."""
    m = doichieu.compare_names(a, b)
    assert m.kind == kind, (a, b, m.kind)
    assert not m.is_same_name and m.score < 0.99
    assert doichieu.name_key(a) != doichieu.name_key(b)
    assert doichieu.compare_names(b, a).kind == kind


# ---------------------------------------------------------------------------
# 1. Same spelling: NFC, case, whitespace, punctuation noise, Ð → Đ
# ---------------------------------------------------------------------------

SPELLING_NOISE = [
    pytest.param(nfd("Nguyễn Văn Hùng"), id="NFD"),
    pytest.param("NGUYỄN VĂN HÙNG", id="upper"),
    pytest.param("nguyễn văn hùng", id="lower"),
    pytest.param("Nguyễn\u00a0Văn\u00a0Hùng", id="NBSP"),
    pytest.param("Nguyễn\u200bVăn\u200bHùng", id="zero-width-space-between-words"),
    pytest.param("Ng\u200buyễn Văn Hù\u200bng", id="zero-width-space-inside-words"),
    pytest.param("\ufeffNguyễn Văn Hùng\ufeff", id="BOM"),
    pytest.param("Nguyễn\u3000Văn\u3000Hùng", id="ideographic-space"),
    pytest.param("Nguyễn\tVăn\t\tHùng", id="tabs"),
    pytest.param("  Nguyễn   Văn  Hùng  ", id="runs-of-spaces"),
    pytest.param("Nguyễn, Văn. Hùng;", id="punctuation"),
    pytest.param("- Nguyễn Văn Hùng .", id="punctuation-at-the-ends"),
    pytest.param(cp1258_form("Nguyễn Văn Hùng"), id="code-page-1258"),
]


@pytest.mark.parametrize("raw", SPELLING_NOISE)
def test_relation_1_same_spelling(raw: str) -> None:
    assert_same_name(raw, "Nguyễn Văn Hùng", "identical")


@pytest.mark.parametrize("raw", ["Ðỗ Thị Ðào", "ðỗ thị ðào", "ÐỖ THỊ ÐÀO", nfd("Ðỗ Thị Ðào")])
def test_relation_1_eth_is_d_with_stroke(raw: str) -> None:
    """Ð/ð (U+00D0/U+00F0, Icelandic eth) stand for Đ/đ (U+0110/U+0111)."""
    assert_same_name(raw, "Đỗ Thị Đào", "identical")


# ---------------------------------------------------------------------------
# 2. Same name: tone placement, mark order, legacy repair
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Nguyễn Thị Thủy", "Nguyễn Thị Thuỷ"),
        ("Lê Văn Hòa", "Lê Văn Hoà"),
        ("Trần Khỏe", "Trần Khoẻ"),
        ("Phạm Tùy", "Phạm Tuỳ"),
        ("Trần Văn Qúy", "Trần Văn Quý"),
        ("Hùynh Văn An", "Huỳnh Văn An"),
        ("Lê Văn Hòan", "Lê Văn Hoàn"),
        ("Nguye\u0303\u0302n Văn An", "Nguyễn Văn An"),
    ],
)
def test_relation_2_same_name(raw: str, canonical: str) -> None:
    assert_same_name(raw, canonical, "equivalent")
    assert_same_name(nfd(raw.upper()), canonical, "equivalent")


# ---------------------------------------------------------------------------
# 3. Candidates only: a person must confirm; never merged
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("Nguyen Van Hung", "Nguyễn Văn Hùng", "diacritics_missing"),
        ("NGUYEN THI THUY", "Nguyễn Thị Thuỷ", "diacritics_missing"),
        ("Nguyễn Van Hùng", "Nguyễn Văn Hùng", "diacritics_missing"),
        ("Lê Thị Mỹ", "Lê Thị Mĩ", "spelling_variant"),
        ("Nguyễn Văn Hùng", "Nguyễn Hùng", "middle_name_missing"),
        ("Trần Thị Lan", "Trần Lan", "middle_name_missing"),
        ("Hùng Nguyễn Văn", "Nguyễn Văn Hùng", "reordered"),
        ("Hoàng Phủ Ngọc Tường", "Hoàng Ngọc Tường", "middle_name_missing"),
        ("Tôn Thất Thuyết", "Tôn Thuyết", "middle_name_missing"),
        ("Trần Lê Quốc Toàn", "Trần Quốc Toàn", "middle_name_missing"),
        ("Phạm Văn Hùng", "Phạm Văn Hùnh", "typo"),
        ("Phạm Văn Hùng", "Phạm Văn Hùgn", "typo"),
        ("Hoàng Văn Nam", "Huỳnh Văn Nam", "spelling_variant"),
        ("Vũ Đức Thắng", "Võ Đức Thắng", "spelling_variant"),
    ],
)
def test_relation_3_candidates(a: str, b: str, kind: str) -> None:
    assert_candidate(a, b, kind)


# ---------------------------------------------------------------------------
# The fold key blocks; it never decides. The different-people pairs.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), DIFFERENT_PEOPLE, ids=[f"{a}-{b}" for a, b in DIFFERENT_PEOPLE])
@pytest.mark.parametrize("frame", ["{}", "Nguyễn Văn {}", "{} Thị Lan", "NGUYỄN THỊ {}", "Trần {} Minh"])
def test_different_people_fold_alike_and_stay_apart(a: str, b: str, frame: str) -> None:
    left, right = frame.format(a), frame.format(b)
    assert doichieu.fold_key(left) == doichieu.fold_key(right)
    assert doichieu.name_key(left) != doichieu.name_key(right)
    m = doichieu.compare_names(left, right)
    assert not m.is_same_name
    # A character-similarity ratio calls these a typo; the marks say otherwise.
    assert m.kind in ("diacritics_missing", "different_diacritics"), m.kind


@pytest.mark.parametrize(
    ("a", "b"), [("Hùng", "Hưng"), ("Hiền", "Hiển"), ("Hà", "Hạ"), ("Thúy", "Thùy"), ("Trãi", "Trải")]
)
def test_conflicting_marks_are_different_diacritics(a: str, b: str) -> None:
    """Each side carries a mark the other lacks: different names, not missing marks."""
    assert_candidate(f"Lê Văn {a}", f"Lê Văn {b}", "different_diacritics")


def test_d_and_d_with_stroke_are_different_letters() -> None:
    assert doichieu.fold_key("Đào") == doichieu.fold_key("Dao") == "dao"
    assert doichieu.name_key("Đào") != doichieu.name_key("Dao")
    assert doichieu.name_key("Đào") != doichieu.name_key("Dào")


# ---------------------------------------------------------------------------
# Unicode
# ---------------------------------------------------------------------------


def test_nfc_before_case() -> None:
    """Title-casing NFD text gives "NguyễN"; the display form never does."""
    raw = nfd("NGUYỄN THỊ THUỶ")
    assert raw.title() != "Nguyễn Thị Thuỷ"
    assert doichieu.normalize_name(raw) == "Nguyễn Thị Thuỷ"
    assert doichieu.normalize_name(nfd("nguyễn thị thuỷ").title()) == "Nguyễn Thị Thuỷ"


@pytest.mark.parametrize(
    ("raw", "canonical"), [("Ha\u0340", "Hà"), ("Ha\u0341", "Há"), ("Nguye\u0302\u0303n", "Nguyễn")]
)
def test_deprecated_tone_marks_are_the_same_spelling(raw: str, canonical: str) -> None:
    assert unicodedata.normalize("NFC", raw) == canonical
    assert_same_name(raw, canonical, "identical")
    assert_same_name(deprecated_tones(f"Lê Thị {canonical}"), f"Lê Thị {canonical}", "identical")


def test_marks_out_of_order_are_the_same_name_not_the_same_spelling() -> None:
    """Circumflex and tilde share combining class 230: NFC keeps "e + ~ + ^" apart."""
    out_of_order, canonical = "Nguye\u0303\u0302n", "Nguyễn"
    assert unicodedata.normalize("NFC", out_of_order) != canonical
    assert_same_name(out_of_order, canonical, "equivalent")
    # The dot below sorts before the circumflex in NFD itself: that is the same spelling.
    for name in ("Đặng Văn Lộc", "Lê Quốc Việt", "Trần Thị Ngọc Ánh"):
        assert_same_name(nfd(name), name, "identical")


def test_d_with_stroke_has_no_decomposition() -> None:
    assert nfd("Đặng") == "Đa\u0323\u0306ng"
    assert doichieu.fold_key("Đặng") == "dang"
    assert doichieu.normalize_name(nfd("đặng")) == "Đặng"
    assert doichieu.name_key("Đặng") != doichieu.name_key("Đang")
    assert doichieu.compare_names("Đặng", "Đang").kind == "diacritics_missing"


# ---------------------------------------------------------------------------
# Tone-mark placement (rules 1-6); the display form uses the new style
# ---------------------------------------------------------------------------

TONE_RULES = [
    # 1. A vowel with a quality mark carries the tone.
    ("quality-vowel", "Huệ", ["Hụê"]),
    ("quality-vowel", "Nguyễn", ["Ngũyên", "Nguỹên"]),
    ("quality-vowel", "Việt", ["Vịêt"]),
    ("quality-vowel", "Dương", []),
    ("quality-vowel", "Trường", ["Trừơng"]),
    ("quality-vowel", "Thuyết", ["Thúyêt", "Thuýêt"]),
    # 2. Open ia, ua, ưa: the first vowel.
    ("open-ia-ua", "Nghĩa", ["Nghiã"]),
    ("open-ia-ua", "Lụa", ["Luạ"]),
    ("open-ia-ua", "Lửa", ["Lưả"]),
    # 3. Closed syllables: the main (second) vowel in every style.
    ("closed", "Hoàng", ["Hòang"]),
    ("closed", "Toàn", ["Tòan"]),
    ("closed", "Tuấn", ["Túân"]),
    ("closed", "Quyết", ["Qúyêt"]),
    ("closed", "Huỳnh", ["Hùynh"]),
    ("closed", "Khoái", ["Khóai"]),
    ("closed", "Hoàn", ["Hòan"]),
    # 4. After qu and gi: the first vowel after the cluster.
    ("qu-gi", "Quý", ["Qúy"]),
    ("qu-gi", "Quỳnh", ["Qùynh"]),
    ("qu-gi", "Quảng", ["Qủang"]),
    ("qu-gi", "Giáp", ["Gíap"]),
    # 5. The one style difference: open oa, oe, uy (old style on the first vowel).
    ("style", "Hoà", ["Hòa"]),
    ("style", "Khoẻ", ["Khỏe"]),
    ("style", "Thuỷ", ["Thủy"]),
    ("style", "Tuỳ", ["Tùy"]),
]


@pytest.mark.parametrize(("rule", "canonical", "others"), TONE_RULES, ids=[f"{r}-{c}" for r, c, _ in TONE_RULES])
def test_tone_placement(rule: str, canonical: str, others: list[str]) -> None:
    # The canonical form is a fixed point and is the same spelling as itself in NFD.
    assert doichieu.normalize_name(canonical) == canonical
    assert_same_name(nfd(canonical.lower()), canonical, "identical")
    for other in others:
        assert unicodedata.normalize("NFC", other) != canonical
        assert_same_name(other, canonical, "equivalent")
        assert_same_name(f"Lê Văn {other}", f"Lê Văn {canonical}", "equivalent")


def test_naive_replacement_would_corrupt_closed_syllables() -> None:
    """oà→òa string replacement turns Hoàn into Hòan; rebuilding the syllable never does."""
    assert doichieu.normalize_name("Lê Văn Hoàn") == "Lê Văn Hoàn"
    assert doichieu.normalize_name("Lê Văn Hòan") == "Lê Văn Hoàn"
    assert doichieu.normalize_name("Lê Văn Hòa") == "Lê Văn Hoà"
    # Hoàn and Hoà are two names one letter apart: a candidate at most, never the same name.
    match = doichieu.compare_names("Lê Văn Hoàn", "Lê Văn Hoà")
    assert not match.is_same_name and match.kind in ("typo", "different")


def test_both_styles_in_one_list_give_one_key_per_name() -> None:
    names = [
        "Nguyễn Thị Thủy",
        "Nguyễn Thị Thuỷ",
        "NGUYỄN THỊ THỦY",
        nfd("nguyễn thị thuỷ"),
        "Lê Văn Hòa",
        "Lê Văn Hoà",
        "lê văn hòa",
    ]
    assert len(set(doichieu.name_keys(names))) == 2
    assert set(doichieu.normalize_names(names)) == {"Nguyễn Thị Thuỷ", "Lê Văn Hoà"}


# ---------------------------------------------------------------------------
# Legacy encodings and mojibake
# ---------------------------------------------------------------------------

# The reference's table: Unicode, VNI-Windows, TCVN3 (ABC), VIQR.
LEGACY_TABLE = [
    ("Trương Thị Mỹ Hạnh", "Tröông Thò Myõ Haïnh", "Tr\u00ad¬ng ThÞ Mü H¹nh", "Tru+o+ng Thi. My~ Ha.nh"),
    ("Võ Đình Quảng", "Voõ Ñình Quaûng", "Vâ §×nh Qu¶ng", "Vo~ DDi`nh Qua?ng"),
    ("Lương Văn Tuyển", "Löông Vaên Tuyeån", "L\u00ad¬ng V¨n TuyÓn", "Lu+o+ng Va(n Tuye^?n"),
    ("Hà Văn Thắng", "Haø Vaên Thaéng", "Hµ V¨n Th¾ng", "Ha` Va(n Tha('ng"),
]
LEGACY_CASES = [
    pytest.param(raw, unicode, id=f"{enc}-{unicode}")
    for unicode, *forms in LEGACY_TABLE
    for enc, raw in zip(("VNI", "TCVN3", "VIQR"), forms)
]


@pytest.mark.parametrize(("raw", "unicode"), LEGACY_CASES)
def test_reference_legacy_table(raw: str, unicode: str) -> None:
    assert_same_name(raw, unicode, "equivalent")


def test_the_tables_vni_mi_is_a_slip() -> None:
    """The reference writes VNI "Mì" where VNI spells Mỹ "Myõ"; VNI ì is plain ì.

    The rest of the row decodes as the table says, and the token reads as VNI
    would: "Mì". The correct VNI spelling is in LEGACY_TABLE above.
    """
    assert encode_vni("Mỹ") == "Myõ" and encode_vni("Mì") == "Mì"
    assert doichieu.normalize_name("Tröông Thò Mì Haïnh") == "Trương Thị Mì Hạnh"


@pytest.mark.parametrize(("unicode", "vni", "tcvn3", "viqr"), LEGACY_TABLE, ids=[r[0] for r in LEGACY_TABLE])
def test_the_test_encoders_agree_with_the_reference(unicode: str, vni: str, tcvn3: str, viqr: str) -> None:
    """The encoders the fuzz tests use reproduce the reference table exactly."""
    assert (encode_vni(unicode), encode_tcvn3(unicode), encode_viqr(unicode)) == (vni, tcvn3, viqr)


@pytest.mark.parametrize("codec", MOJIBAKE_CODECS)
@pytest.mark.parametrize(
    "unicode",
    [row[0] for row in LEGACY_TABLE] + ["Nguyễn Văn Hùng", "Đặng Thị Ngọc Ánh", "Bùi Thị Hường", "Phan Văn Khoẻ"],
)
def test_utf8_read_as_a_single_byte_code_page_is_repaired(unicode: str, codec: str) -> None:
    """UTF-8 shown as Windows-1252, Windows-1250 or MacRoman ("Nguyá»…n")."""
    broken = mojibake(unicode, codec)
    assert broken != unicode
    assert_same_name(broken, unicode, "equivalent")
    try:
        strict = unicode.encode("utf-8").decode(codec)
    except UnicodeDecodeError:
        return  # the code page leaves a byte undefined: only the lenient reading exists
    assert_same_name(strict, unicode, "equivalent")


def test_reference_mojibake_example() -> None:
    assert "Nguyễn".encode().decode("cp1252") == "Nguyá»…n"
    assert_same_name("Nguyá»…n Văn An", "Nguyễn Văn An", "equivalent")


def test_tcvn3_soft_hyphen_is_a_letter_not_noise() -> None:
    """TCVN3 writes ư as U+00AD: stripping invisible characters first would lose it."""
    assert doichieu.normalize_name("L\u00ad¬ng V¨n TuyÓn") == "Lương Văn Tuyển"
    assert doichieu.normalize_name("Tr\u00ad¬ng V¨n Hïng") == "Trương Văn Hùng"


def test_vni_tokens_that_are_also_valid_unicode_follow_the_record() -> None:
    """VNI "Hoà" is Hồ; Unicode "Hoà" is Hòa. Only context tells."""
    assert doichieu.normalize_name("Hoà") == "Hoà"
    assert doichieu.normalize_name("Lê Thị Hoà") == "Lê Thị Hoà"
    assert doichieu.normalize_name("Nguyeãn Thò Hoà") == "Nguyễn Thị Hồ"
    assert doichieu.compare_names("Nguyeãn Thò Hoà", "Nguyễn Thị Hồ").kind == "equivalent"


def test_records_mix_encodings_token_by_token() -> None:
    assert_same_name("Löông V¨n Tuye^?n", "Lương Văn Tuyển", "equivalent")
    assert_same_name("Tru+o+ng ThÞ Myõ Hạnh", "Trương Thị Mỹ Hạnh", "equivalent")


def test_viqr_needs_its_punctuation() -> None:
    """Stripping punctuation first would leave "Vo DDinh Quang"."""
    assert doichieu.normalize_name("Vo~ DDi`nh Qua?ng") == "Võ Đình Quảng"
    assert doichieu.normalize_name("Tru+o+ng Thi. My~ Ha.nh") == "Trương Thị Mỹ Hạnh"


def test_unicode_names_are_never_decoded() -> None:
    names = [
        "Nguyễn Văn Hùng",
        "Lê Thị Hoà",
        "Hồ Thị Hoà",
        "Khúc Thừa Dụ",
        "Nguyễn Văn A.",
        "Ông Ích Khiêm",
        "NGUYỄN THỊ HỒNG NHUNG",
        "Trần Thị Mỹ Hạnh",
        "Võ Đình Quảng",
    ]
    assert doichieu.normalize_names(names) == [doichieu.normalize_name(n) for n in names]
    for name in names:
        assert doichieu.name_key(name) == unicodedata.normalize("NFC", name.rstrip(".")).lower()


# ---------------------------------------------------------------------------
# Telex residue and other naming traditions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("telex", "unicode"),
    [
        ("Nguyeenx Vawn Hungf", "Nguyễn Văn Hùng"),
        ("Ddawngj Thij Lan", "Đặng Thị Lan"),
        ("Truwowngf Vawn An", "Trường Văn An"),
    ],
)
def test_telex_residue_is_a_candidate_never_a_rewrite(telex: str, unicode: str) -> None:
    assert doichieu.normalize_name(telex) == telex
    assert_candidate(telex, unicode, "spelling_variant")


@pytest.mark.parametrize(
    "name",
    [
        "Y Phen Ktla",
        "Ksor H'Hen",
        "H'Hen Niê",
        "Giàng A Pháo",
        "Vừ Thị Dơ",
        "Sùng A Lử",
        "Danh Sang",
        "Thạch Sô",
        "K'Nơ Ha Blưm",
    ],
)
def test_other_naming_traditions_keep_their_letters(name: str) -> None:
    assert doichieu.normalize_name(name) == name
    assert doichieu.normalize_name(name.upper()) == name
    assert doichieu.name_key(name) == name.lower()
    assert_same_name(nfd(name.lower()), name, "identical")


# ---------------------------------------------------------------------------
# y / i
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"), [("Mỹ", "Mĩ"), ("Kỳ", "Kì"), ("Vỹ", "Vĩ"), ("Sỹ", "Sĩ"), ("Lý", "Lí"), ("Vy", "Vi"), ("My", "Mi")]
)
def test_y_and_i_are_spelling_variants_to_review(a: str, b: str) -> None:
    assert_candidate(f"Nguyễn Thị {a}", f"Nguyễn Thị {b}", "spelling_variant")
    assert_candidate(a, b, "spelling_variant")


def test_thuy_with_the_tone_moved_is_tone_placement_not_y_i() -> None:
    assert_same_name("Thúy", "Thuý", "equivalent")


# ---------------------------------------------------------------------------
# Structure, compound surnames, honorifics
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Trãi",
        "Tôn Thất Thuyết",
        "Tôn Nữ Thị Hà",
        "Hoàng Phủ Ngọc Tường",
        "Âu Dương Lân",
        "Trần Lê Quốc Toàn",
        "Nguyễn Văn Minh Hoàng Anh",
    ],
)
def test_names_keep_every_syllable_in_order(name: str) -> None:
    assert doichieu.normalize_name(name.upper()) == name
    assert doichieu.normalize_name(name).split() == name.split()


@pytest.mark.parametrize("middle", ["Văn", "Thị"])
def test_classic_middle_word_omitted_is_a_missing_middle_name(middle: str) -> None:
    assert_candidate(f"Lê {middle} Tám", "Lê Tám", "middle_name_missing")
    m = doichieu.compare_names(f"Lê {middle} Tám", "Lê Tám")
    missing = [s for s in m.syllables if s.relation == "missing"]
    assert [(s.left, s.right, s.left_text) for s in missing] == [(1, None, middle)]


@pytest.mark.parametrize(
    "honorific", ["Ông", "Bà", "Anh", "Chị", "Đ/c", "đ/c", "Đ/C", "Đồng chí", "đồng chí", "ÔNG", "BÀ"]
)
def test_honorifics_in_front_are_not_part_of_the_name(honorific: str) -> None:
    assert_same_name(f"{honorific} Nguyễn Văn An", "Nguyễn Văn An", "identical")
    assert_same_name(f"{honorific}  Trần Thị Mai", "Trần Thị Mai", "identical")


@pytest.mark.parametrize("name", ["Ông Ích Khiêm", "Nguyễn Anh", "Anh", "Bà", "Trần Văn Anh", "Anh Tuấn"])
def test_honorific_words_that_are_the_name_stay(name: str) -> None:
    """Ông is also a surname, Anh a given name: only an honorific before a name is dropped."""
    assert doichieu.normalize_name(name) == name


# ---------------------------------------------------------------------------
# Names in capitals beside title case
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["TRẦN Hà", "NGUYỄN Văn Hùng", "LÊ THỊ Hà", "TRẦN Văn Lý"])
def test_surname_in_capitals_is_still_unicode(name: str) -> None:
    assert doichieu.normalize_name(name) == doichieu.normalize_name(name.title())
    assert doichieu.compare_names(name, name.title()).kind == "identical"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("TRẦN Hà,", "Trần Hà"),
        ("TRẦN\nHà", "Trần Hà"),
        ("LÊ THỊ Hà.", "Lê Thị Hà"),
        ("Bà NGUYỄN HÙNG", "Nguyễn Hùng"),
        ("Ông TRẦN VĂN Tú", "Trần Văn Tú"),
    ],
)
def test_trailing_punctuation_and_honorifics_do_not_change_a_capitalised_name(raw: str, canonical: str) -> None:
    assert doichieu.normalize_name(raw) == canonical

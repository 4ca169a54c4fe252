"""Names as offices typed them: marks left off or typed wrong, keys typed with no
input method running (Telex, VNI), and one word typed in an old 8-bit font.

The keystroke encoders here are written from the two input methods' published key
layouts, independently of the engine, so the properties test the engine against
the input methods rather than against itself. Every name is made up.
"""

from __future__ import annotations

import os
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import doichieu
from name_strategies import (
    BREVE,
    CIRCUMFLEX,
    FOREIGN_TOKENS,
    HORN,
    TONES,
    Syllable,
    display_of,
    encode_tcvn3,
    name_syllables,
    strip_marks,
)

EXAMPLES = int(os.environ.get("DOICHIEU_FUZZ_EXAMPLES", "250"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SAME_NAME = ("identical", "equivalent")

# ---------------------------------------------------------------------------
# Keystroke encoders: the keys a typist presses for a syllable
# ---------------------------------------------------------------------------

#: The key after a letter that gives it its quality mark; "" repeats the letter (aa, ee, oo).
_TELEX_QUALITY = {CIRCUMFLEX: "", BREVE: "w", HORN: "w"}
_TELEX_TONE = dict(zip(TONES, "frxsj", strict=True))  # grave, hook, tilde, acute, dot
_VNI_QUALITY = {CIRCUMFLEX: "6", BREVE: "8", HORN: "7"}
_VNI_TONE = dict(zip(TONES, "23415", strict=True))


def keys(word: str, quality_keys: dict[str, str], tone_keys: dict[str, str], stroke: str) -> str:
    """A word as keys: each letter with its quality key, đ as d + the stroke key, the tone key last.

    Keys are pressed in the word's case: lower case after the first letter unless
    the whole word is in capitals ("Aau" for Âu, "AAU" for ÂU).
    """
    capitals = word.isupper()

    def cased(key: str) -> str:
        return key.upper() if capitals else key.lower()

    out, tone = [], ""
    for c in unicodedata.normalize("NFD", word):
        if c in tone_keys:
            tone = cased(tone_keys[c])
        elif c in quality_keys:
            out.append(cased(quality_keys[c] or out[-1]))
        elif c in "đĐ":
            out.append(("D" if c == "Đ" else "d") + cased(stroke))
        else:
            out.append(c)
    return "".join(out) + tone


def telex(word: str) -> str:
    return keys(word, _TELEX_QUALITY, _TELEX_TONE, "d")


def vni_keys(word: str) -> str:
    return keys(word, _VNI_QUALITY, _VNI_TONE, "9")


def test_the_encoders_type_what_the_input_methods_take() -> None:
    assert telex("Nguyễn") == "Nguyeenx" and telex("Văn") == "Vawn" and telex("Đặng") == "Ddawngj"
    assert telex("Âu") == "Aau" and telex("ĐỖ") == "DDOOX"
    assert vni_keys("Nguyễn") == "Nguye6n4" and vni_keys("Văn") == "Va8n" and vni_keys("Đặng") == "D9a8ng5"


#: Names from the common lists: every syllable a realistic name has.
REAL_NAMES = [
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
    "Lương Văn Tuyển",
    "Hà Văn Thắng",
    "Trương Thị Mỹ Hạnh",
]


@pytest.mark.parametrize("name", REAL_NAMES)
@pytest.mark.parametrize("encoder", [telex, vni_keys])
def test_names_typed_as_keys_are_candidates_never_rewrites(name: str, encoder: object) -> None:
    assert callable(encoder)
    typed = " ".join(encoder(w) for w in name.split())
    assert doichieu.normalize_name(typed) == typed
    m = doichieu.compare_names(typed, name)
    assert m.kind == "spelling_variant", (typed, m.kind)
    assert not m.is_same_name


@pytest.mark.parametrize(
    "name",
    ["Hơ Niê", "Ksor", "Y Moan", "H'Hen Niê", "Y Phen Ktla", "Ksor H'Hen", "Van Long", "Rcom Kpor", "Adrong Bkrong"],
)
def test_minority_and_unmarked_names_are_not_read_as_keys(name: str) -> None:
    assert doichieu.normalize_name(name) == name
    # Compared with itself in capitals: the same spelling, never a variant of keys.
    assert doichieu.compare_names(name, name.upper()).kind == "identical"


def test_van_is_not_telex() -> None:
    """ "Van" is a syllable as typed: Văn without its mark, not keys for another name."""
    assert doichieu.compare_names("Nguyen Van Long", "Nguyễn Văn Long").kind == "diacritics_missing"
    assert doichieu.compare_names("Nguyễn Vawn Long", "Nguyễn Văn Long").kind == "spelling_variant"


# ---------------------------------------------------------------------------
# Missing marks against other marks
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("Long", "Lòng", "diacritics_missing"),
        ("Van", "Văn", "diacritics_missing"),
        ("Nguyen Van Tuan", "Nguyễn Văn Tuấn", "diacritics_missing"),
        ("Nguyễn Van Tuấn", "Nguyễn Văn Tuấn", "diacritics_missing"),
        ("Đang", "Đặng", "diacritics_missing"),
        ("Tuân", "Tuấn", "different_diacritics"),
        ("Phương", "Phượng", "different_diacritics"),
        ("Nguyễn Văn Tuân", "Nguyễn Văn Tuấn", "different_diacritics"),
        ("Nguyên Văn Hùng", "Nguyễn Văn Hùng", "different_diacritics"),
    ],
)
def test_missing_marks_are_a_bare_syllable(a: str, b: str, kind: str) -> None:
    for left, right in ((a, b), (b, a)):
        assert doichieu.compare_names(left, right).kind == kind, (left, right)


@PROPERTY
@given(name_syllables(min_size=2, max_size=4), st.data())
def test_a_bare_syllable_lacks_marks_and_a_marked_one_differs(tokens: list[Syllable], data: st.DataObject) -> None:
    name = display_of(tokens)
    # Not the first word: a bare "Ong" or "Ba" in front may be read as a title.
    at = data.draw(st.integers(1, len(tokens) - 1))
    s = tokens[at]
    assume(s.fold() != s.render())
    words = name.split()
    words[at] = strip_marks(words[at])
    assert doichieu.compare_names(" ".join(words), name).kind == "diacritics_missing", (words, name)
    # The tone lost from a syllable that keeps a quality mark: typed with marks, so another name.
    quality = any(unicodedata.normalize("NFD", c)[1:2] in (CIRCUMFLEX, BREVE, HORN) for c in s.letters)
    if quality and s.tone:
        words[at] = Syllable(s.onset, s.rhyme, "").display()
        assert doichieu.compare_names(" ".join(words), name).kind == "different_diacritics", (words, name)


# ---------------------------------------------------------------------------
# One word typed in TCVN3 inside a Unicode name
# ---------------------------------------------------------------------------

#: Given names whose TCVN3 form is accented Latin-1 letters that do not read as a syllable
#: (Thuỷ is "Thuû", also VNI Thủ: a tie, see the next tests).
Y_TONE_GIVENS = ["Huỳnh", "Quỳnh", "Thuỳ", "Tuỳ", "Kỳ", "Mỹ", "Kỷ", "Sỹ", "Vỹ", "Luỹ"]


@pytest.mark.parametrize("given_name", Y_TONE_GIVENS)
@pytest.mark.parametrize("front", ["Nguyễn Thị", "Lê Văn", "Đặng Hữu", "Trần Thị Ngọc"])
def test_one_tcvn3_word_in_a_unicode_name_is_repaired(front: str, given_name: str) -> None:
    typed = f"{front} {encode_tcvn3(given_name)}"
    assert typed != f"{front} {given_name}"
    assert doichieu.normalize_name(typed) == f"{front} {given_name}", typed
    assert doichieu.compare_names(typed, f"{front} {given_name}").is_same_name


@pytest.mark.parametrize(
    "name", ["Nguyễn Thị Thuý", "Lê Thị Lú", "Hà Văn Tú", "Võ Văn Cù", "Kpă Thị Hú", *FOREIGN_TOKENS]
)
def test_words_that_read_as_unicode_stay(name: str) -> None:
    assert doichieu.normalize_name(name) == name


def test_a_word_with_two_readings_reads_as_the_other_side_writes_it() -> None:
    """ "Thuû" is VNI Thủ and TCVN3 Thuỷ: the other name decides, and the answer says so."""
    m = doichieu.compare_names("Đỗ Thị Thuû", "Đỗ Thị Thuỷ")
    assert m.kind == "equivalent" and m.reading == ("left", "tcvn3", "Đỗ Thị Thuỷ")
    m = doichieu.compare_names("Đỗ Thị Thuỷ", "Đỗ Thị Thuû")
    assert m.kind == "equivalent" and m.reading == ("right", "tcvn3", "Đỗ Thị Thuỷ")
    m = doichieu.compare_names("Đỗ Thị Thuû", "Đỗ Thị Thủ")
    assert m.kind == "equivalent" and m.reading is None
    assert doichieu.compare_names("Nguyễn Văn Hùng", "Nguyễn Văn Hưng").reading is None


# ---------------------------------------------------------------------------
# Properties: valid names unchanged, normalisation idempotent, comparison symmetric
# ---------------------------------------------------------------------------

#: Letters offices' files mix: ASCII, Vietnamese, and the Latin-1 letters TCVN3 and VNI use.
TYPED = st.text(
    alphabet=st.sampled_from(
        list("aeiouyAEUnghktmlqd '") + list("úùûüýÚÙíìóòõôâêăơưđĐàáãạ¬®µ¸¶·ªÞ\u00ad") + list("123456789")
    ),
    max_size=24,
)


@PROPERTY
@given(name_syllables())
def test_valid_names_are_unchanged(tokens: list[Syllable]) -> None:
    name = display_of(tokens)
    assert doichieu.normalize_name(name) == name
    assert doichieu.compare_names(name, name).kind == "identical"


@PROPERTY
@given(TYPED)
def test_normalisation_is_idempotent(raw: str) -> None:
    once = doichieu.normalize_name(raw)
    assert doichieu.normalize_name(once) == once, (raw, once)
    assert doichieu.name_key(once) == doichieu.name_key(raw), raw


@PROPERTY
@given(st.one_of(TYPED, name_syllables().map(display_of)), st.one_of(TYPED, name_syllables().map(display_of)))
def test_comparison_is_symmetric(a: str, b: str) -> None:
    m, r = doichieu.compare_names(a, b), doichieu.compare_names(b, a)
    assert m.kind == r.kind, (a, b)
    assert abs(m.score - r.score) < 1e-12, (a, b)
    assert (m.reading is None) == (r.reading is None), (a, b)


@PROPERTY
@given(name_syllables(min_size=1, max_size=4), st.sampled_from([telex, vni_keys]))
def test_keys_never_make_the_same_name(tokens: list[Syllable], encoder: object) -> None:
    assert callable(encoder)
    name = display_of(tokens)
    typed = " ".join(encoder(w) for w in name.split())
    # Telex's dd is VIQR's DD, which is Đ itself: "Ddu" is the same name as Đu.
    assume(typed != name and "dd" not in typed.lower())
    m = doichieu.compare_names(typed, name)
    assert not m.is_same_name, (typed, name)
    # Never rewritten (a word that is no syllable may come back in another case).
    assert doichieu.normalize_name(typed).lower() == typed.lower()

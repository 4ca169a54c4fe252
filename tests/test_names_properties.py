"""Properties of the name layer, checked by hypothesis on realistic and arbitrary text."""

from __future__ import annotations

import os
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import doichieu

EXAMPLES = int(os.environ.get("DOICHIEU_FUZZ_EXAMPLES", "400"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Tôn Thất"]
MIDDLES = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Đức", "Hữu", "Xuân", "Đình", ""]
GIVENS = [
    "Hùng",
    "Hưng",
    "Thu",
    "Thư",
    "Hoa",
    "Hoà",
    "Hòa",
    "Lan",
    "Lân",
    "Nam",
    "Năm",
    "Tuấn",
    "Tuân",
    "Phương",
    "Phượng",
    "Thuỷ",
    "Thủy",
    "Khoẻ",
    "Quý",
    "Huỳnh",
    "Nghĩa",
    "Dương",
    "Đường",
    "Mỹ",
    "Mĩ",
    "Ksor",
    "H'Hen",
]
SEPARATORS = [" ", "\u00a0", "\t", "  ", " . ", ", "]
NOISE = ["", " ", "\u00a0", "\u200b", "\ufeff", "\t", ".", ","]

OLD_TO_NEW = {
    "òa": "oà",
    "óa": "oá",
    "ỏa": "oả",
    "õa": "oã",
    "ọa": "oạ",
    "òe": "oè",
    "óe": "oé",
    "ỏe": "oẻ",
    "õe": "oẽ",
    "ọe": "oẹ",
    "ùy": "uỳ",
    "úy": "uý",
    "ủy": "uỷ",
    "ũy": "uỹ",
    "ụy": "uỵ",
}


@st.composite
def vietnamese_names(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(SURNAMES)), draw(st.sampled_from(MIDDLES)), draw(st.sampled_from(GIVENS))]
    name = draw(st.sampled_from(SEPARATORS)).join(p for p in parts if p)
    if draw(st.booleans()):
        name = name.upper()
    if draw(st.booleans()):
        name = unicodedata.normalize("NFD", name)
    if draw(st.integers(0, 9)) == 0:
        name = name.replace("Đ", "Ð")
    return draw(st.sampled_from(NOISE)) + name + draw(st.sampled_from(NOISE))


any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
names = st.one_of(vietnamese_names(), any_text)


@SETTINGS
@given(names)
def test_normalisation_is_idempotent(s: str) -> None:
    once = doichieu.normalize_name(s)
    assert doichieu.normalize_name(once) == once
    assert doichieu.name_key(once) == doichieu.name_key(s)


@SETTINGS
@given(names)
def test_nfc_and_nfd_are_the_same_name(s: str) -> None:
    nfc, nfd = unicodedata.normalize("NFC", s), unicodedata.normalize("NFD", s)
    assert doichieu.name_key(nfc) == doichieu.name_key(nfd)
    assert doichieu.normalize_name(nfc) == doichieu.normalize_name(nfd)


@SETTINGS
@given(vietnamese_names())
def test_tone_style_does_not_change_the_name(s: str) -> None:
    old = unicodedata.normalize("NFC", s)
    for new_style, old_style in ((v, k) for k, v in OLD_TO_NEW.items()):
        old = old.replace(new_style, old_style)
    assert doichieu.name_key(old) == doichieu.name_key(s)


@SETTINGS
@given(names, names)
def test_comparison_is_symmetric_and_bounded(a: str, b: str) -> None:
    ab, ba = doichieu.compare_names(a, b), doichieu.compare_names(b, a)
    assert ab.kind == ba.kind
    assert ab.score == pytest.approx(ba.score, abs=1e-12)
    assert 0.0 <= ab.score <= 1.0
    assert ab.kind in doichieu.MATCH_KINDS


@SETTINGS
@given(names, names)
def test_keys_agree_exactly_for_the_same_name(a: str, b: str) -> None:
    same_key = doichieu.name_key(a) == doichieu.name_key(b)
    kind = doichieu.compare_names(a, b).kind
    if doichieu.name_key(a) and doichieu.name_key(b):
        assert same_key == (kind in ("identical", "equivalent"))


@SETTINGS
@given(
    vietnamese_names(),
    st.sampled_from(
        [
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
        ]
    ),
)
def test_different_people_are_never_the_same_name(name: str, pair: tuple[str, str]) -> None:
    prefix = " ".join(doichieu.normalize_name(name).split()[:-1])
    a, b = f"{prefix} {pair[0]}".strip(), f"{prefix} {pair[1]}".strip()
    assert doichieu.compare_names(a, b).kind not in ("identical", "equivalent")
    assert doichieu.name_key(a) != doichieu.name_key(b)


@SETTINGS
@given(st.lists(names, max_size=30))
def test_bulk_equals_one_at_a_time(batch: list[str]) -> None:
    assert doichieu.normalize_names(batch) == [doichieu.normalize_name(s) for s in batch]
    assert doichieu.name_keys(batch) == [doichieu.name_key(s) for s in batch]
    assert doichieu.fold_keys(batch) == [doichieu.fold_key(s) for s in batch]
    kinds, scores = doichieu.compare_names_bulk(batch, batch[::-1])
    assert kinds == [doichieu.compare_names(a, b).kind for a, b in zip(batch, batch[::-1])]


@SETTINGS
@given(vietnamese_names())
def test_fold_key_is_plain_lowercase_ascii(s: str) -> None:
    folded = doichieu.fold_key(s)
    ascii_part = folded.replace("'", "")
    assert ascii_part == ascii_part.lower()
    assert "  " not in folded and folded == folded.strip()
    assert all(c.isascii() for c in folded)


@SETTINGS
@given(st.text(max_size=80))
def test_nothing_panics_on_arbitrary_text(s: str) -> None:
    """Surrogates are refused with a clear error; everything else is answered."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        with pytest.raises(doichieu.InvalidInputError):
            doichieu.normalize_name(s)
        return
    doichieu.normalize_name(s)
    doichieu.fold_key(s)
    doichieu.compare_names(s, s[::-1])

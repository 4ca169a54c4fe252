"""The name layer against an independent model of the Vietnamese syllable.

tests/test_names_properties.py checks the issue's properties on a fixed list of
names and on arbitrary text. Here names are built syllable by syllable from the
model in name_strategies.py (every onset and rhyme the spelling rules allow,
every tone) and written the ways real files write them: both tone styles,
misplaced tones, marks out of order, NFD, code page 1258, capitals, Ð for Đ,
invisible characters, odd whitespace and honorifics. The engine must give the
display form, key and fold the model predicts, and answer comparisons the way
the reference's three relations say.
"""

from __future__ import annotations

import os
import unicodedata

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import doichieu
from name_strategies import (
    ACUTE,
    CASES,
    DIFFERENT_PEOPLE,
    DOT,
    FOREIGN_TOKENS,
    LEVEL,
    ONSET_RHYME_PAIRS,
    STOPS,
    TONES,
    Syllable,
    cp1258_form,
    display_of,
    fold_of,
    key_of,
    marks_out_of_order,
    name_syllables,
    nucleus_and_coda,
    same_name,
    same_spelling,
    spelled_alike,
    strip_marks,
    syllable_of,
)

# DOICHIEU_FUZZ_EXAMPLES raises every property's budget for a long local run.
EXAMPLES = int(os.environ.get("DOICHIEU_FUZZ_EXAMPLES", "250"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SAME_NAME = ("identical", "equivalent")


def every_syllable() -> list[Syllable]:
    out = []
    for onset, rhyme in ONSET_RHYME_PAIRS:
        nucleus, coda = nucleus_and_coda(rhyme)
        if coda in STOPS:
            tones: tuple[str, ...] = (ACUTE, DOT)
        elif nucleus == "uya":
            tones = (LEVEL,)
        else:
            tones = (LEVEL,) + TONES
        out += [Syllable(onset, rhyme, tone) for tone in tones]
    return out


def writings(s: Syllable) -> list[str]:
    """Every way the model says this syllable may be written and still be the same name."""
    forms = {s.render(), s.render(old_style=True)} | {s.render(tone_at=at) for at in s.misplacements()}
    out = []
    for f in sorted(forms):
        out += [f, f.upper(), unicodedata.normalize("NFD", f), cp1258_form(f.capitalize()), marks_out_of_order(f)]
    return out


def test_every_syllable_of_the_model_has_the_predicted_forms() -> None:
    """The whole syllable space, exhaustively: ~3,400 onset+rhyme pairs, every tone, every writing."""
    raw: list[str] = []
    want: list[tuple[str, str, str]] = []
    for s in every_syllable():
        for w in writings(s):
            raw.append(w)
            want.append((s.display(), s.render(), s.fold()))
    assert len(raw) > 50_000
    got = list(zip(doichieu.normalize_names(raw), doichieu.name_keys(raw), doichieu.fold_keys(raw)))
    wrong = [(r, g, w) for r, g, w in zip(raw, got, want) if g != w]
    assert not wrong, f"{len(wrong)} writings off the model, e.g. {wrong[:5]}"


@PROPERTY
@given(st.data())
def test_spelling_noise_is_the_same_spelling(data: st.DataObject) -> None:
    """Relation 1: case, NFC/NFD/cp1258, Ð, whitespace, punctuation, invisibles, honorifics."""
    tokens = data.draw(name_syllables())
    a = data.draw(same_spelling(tokens))
    b = data.draw(same_spelling(tokens))
    assert doichieu.normalize_name(a) == display_of(tokens)
    assert doichieu.name_key(a) == key_of(tokens)
    assert doichieu.fold_key(a) == fold_of(tokens)
    m = doichieu.compare_names(a, b)
    assert (m.kind, m.score, m.is_same_name) == ("identical", 1.0, True)


@PROPERTY
@given(st.data())
def test_tone_style_and_mark_noise_is_the_same_name(data: st.DataObject) -> None:
    """Relation 2: old/new style, misplaced tones and marks out of order, on top of relation-1 noise."""
    tokens = data.draw(name_syllables())
    a = data.draw(same_name(tokens))
    b = data.draw(same_name(tokens))
    assert doichieu.normalize_name(a) == display_of(tokens)
    assert doichieu.name_key(a) == doichieu.name_key(b) == key_of(tokens)
    m = doichieu.compare_names(a, b)
    assert m.kind in SAME_NAME and m.is_same_name
    assert m.score >= 0.99
    assert len(m.syllables) == len(tokens)
    assert all(s.relation == ("same" if m.kind == "identical" else s.relation) for s in m.syllables)
    assert all(s.relation in ("same", "equivalent") and s.left == s.right for s in m.syllables)


@st.composite
def twins(draw: st.DrawFn) -> tuple[str, str, int, Syllable, Syllable]:
    """A name and the same name with one syllable swapped for its different-person twin."""
    pair = draw(st.sampled_from(DIFFERENT_PEOPLE))
    x, y = (syllable_of(pair[0]), syllable_of(pair[1]))
    if draw(st.booleans()):
        x, y = y, x
    tokens = draw(name_syllables(min_size=1, max_size=4))
    # Another syllable folding like the twins would let the pair also read as a reordering.
    tokens = [t for t in tokens if t.fold() != x.fold()] or [Syllable("m", "inh", LEVEL)]
    at = draw(st.integers(0, len(tokens)))
    left, right = tokens[:at] + [x] + tokens[at:], tokens[:at] + [y] + tokens[at:]
    # Honorific look-alikes in front are read as honorifics (and dropped) on one side only.
    assume(left[0].render() not in ("ông", "bà", "anh", "chị", "đồng"))
    assume(right[0].render() not in ("ông", "bà", "anh", "chị", "đồng"))
    return draw(same_name(left)), draw(same_name(right)), at, x, y


@PROPERTY
@given(twins())
def test_different_people_stay_apart_inside_any_name(case: tuple[str, str, int, Syllable, Syllable]) -> None:
    """The reference's different-people pairs, at any position of a noisy full name, on either side."""
    a, b, at, x, y = case
    m = doichieu.compare_names(a, b)
    assert m.kind in ("diacritics_missing", "different_diacritics"), (a, b, m.kind)
    assert not m.is_same_name and m.score < 0.99
    assert doichieu.name_key(a) != doichieu.name_key(b)
    assert doichieu.fold_key(a) == doichieu.fold_key(b)
    differing = [
        (s.left, s.right, s.left_text, s.right_text, s.relation)
        for s in m.syllables
        if s.relation not in ("same", "equivalent")
    ]
    assert differing == [(at, at, x.display(), y.display(), m.kind)]


# ---------------------------------------------------------------------------
# Pairs that are near one another: where kinds, keys and symmetry are tested hard
# ---------------------------------------------------------------------------


def _swap_y_i(s: Syllable) -> Syllable | None:
    if s.rhyme == "y":
        return Syllable(s.onset, "i", s.tone)
    if s.rhyme == "i" and s.onset not in ("gh", "ngh", "gi", ""):
        return Syllable(s.onset, "y", s.tone)
    return None


@st.composite
def near_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Two writings of related names: the same, re-marked, stripped, shortened, reordered, retyped."""
    tokens = draw(name_syllables(min_size=1, max_size=4))
    texts = [t.render() for t in tokens]
    other = list(texts)
    edits = draw(
        st.lists(st.sampled_from(["strip", "tone", "drop", "swap", "typo", "yi", "foreign", "none"]), max_size=2)
    )
    for edit in edits:
        i = draw(st.integers(0, len(other) - 1)) if other else 0
        if not other:
            break
        if edit == "strip":
            other[i] = strip_marks(other[i])
        elif edit == "tone":
            s = tokens[min(i, len(tokens) - 1)]
            other[i] = Syllable(s.onset, s.rhyme, draw(st.sampled_from((LEVEL,) + TONES))).render()
        elif edit == "drop" and len(other) > 1:
            del other[i]
        elif edit == "swap" and len(other) > 1:
            j = draw(st.integers(0, len(other) - 1))
            other[i], other[j] = other[j], other[i]
        elif edit == "typo":
            pos = draw(st.integers(0, len(other[i])))
            other[i] = other[i][:pos] + draw(st.sampled_from("aeinhtgu")) + other[i][pos + 1 :]
        elif edit == "yi":
            swapped = _swap_y_i(tokens[min(i, len(tokens) - 1)])
            if swapped is not None:
                other[i] = swapped.render()
        elif edit == "foreign":
            other.insert(i, draw(st.sampled_from(FOREIGN_TOKENS)))
    case_a, case_b = draw(st.sampled_from(CASES)), draw(st.sampled_from(CASES))
    a = " ".join([draw(spelled_alike(t, case=case_a)) for t in texts])
    b = " ".join([draw(spelled_alike(t, is_syllable=False, case=case_b)) for t in other])
    return (a, b) if draw(st.booleans()) else (b, a)


names_or_text = st.one_of(
    near_pairs(),
    st.tuples(st.text(max_size=30), st.text(max_size=30)).filter(
        lambda p: all(not any(0xD800 <= ord(c) <= 0xDFFF for c in s) for s in p)
    ),
)


@PROPERTY
@given(names_or_text)
def test_comparison_is_symmetric_down_to_the_alignment(pair: tuple[str, str]) -> None:
    a, b = pair
    ab, ba = doichieu.compare_names(a, b), doichieu.compare_names(b, a)
    assert (ab.kind, ab.score) == (ba.kind, ba.score)

    def rows(m: doichieu.NameMatch, flip: bool) -> list[tuple[int, int, str, str, str]]:
        out = []
        for s in m.syllables:
            left, right = -1 if s.left is None else s.left, -1 if s.right is None else s.right
            out.append(
                (right, left, s.right_text, s.left_text, s.relation)
                if flip
                else (left, right, s.left_text, s.right_text, s.relation)
            )
        return sorted(out)

    assert rows(ab, flip=False) == rows(ba, flip=True)


@PROPERTY
@given(names_or_text)
def test_key_equality_is_exactly_the_same_name(pair: tuple[str, str]) -> None:
    a, b = pair
    m = doichieu.compare_names(a, b)
    ka, kb = doichieu.name_key(a), doichieu.name_key(b)
    if not ka or not kb:
        # A missing name agrees with nothing, not even another missing name.
        assert m.kind == "different" and m.score == 0.0
        return
    assert (ka == kb) == (m.kind in SAME_NAME), (a, b, m.kind)
    assert m.is_same_name == (m.kind in SAME_NAME)


@PROPERTY
@given(names_or_text)
def test_score_and_alignment_are_well_formed(pair: tuple[str, str]) -> None:
    a, b = pair
    m = doichieu.compare_names(a, b)
    assert m.kind in doichieu.MATCH_KINDS
    assert 0.0 <= m.score <= 1.0
    assert (m.score == 1.0) == (m.kind == "identical")
    left, right = doichieu.normalize_name(a).split(), doichieu.normalize_name(b).split()
    assert bool(m.syllables) == bool(left and right)
    seen_left, seen_right = [], []
    for s in m.syllables:
        assert s.left is not None or s.right is not None
        assert s.left_text == (left[s.left] if s.left is not None else "")
        assert s.right_text == (right[s.right] if s.right is not None else "")
        assert (s.relation == "missing") == (s.left is None or s.right is None)
        seen_left += [s.left] if s.left is not None else []
        seen_right += [s.right] if s.right is not None else []
    assert len(set(seen_left)) == len(seen_left) and len(set(seen_right)) == len(seen_right)
    if m.syllables:
        # Every syllable of both names is accounted for.
        assert sorted(seen_left) == list(range(len(left)))
        assert sorted(seen_right) == list(range(len(right)))


# ---------------------------------------------------------------------------
# Bulk forms over Arrow columns
# ---------------------------------------------------------------------------


@st.composite
def noisy_names(draw: st.DrawFn) -> str:
    return draw(
        st.one_of(
            same_name(draw(name_syllables())),
            st.text(max_size=20).filter(lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s)),
        )
    )


column_values = st.lists(st.one_of(st.none(), noisy_names()), max_size=25)
ARROW_TYPES = [pa.string(), pa.large_string(), pa.string_view()]


@settings(max_examples=80, deadline=None)
@given(column_values, st.sampled_from(["polars", "pyarrow", "chunked"]), st.sampled_from(ARROW_TYPES))
def test_bulk_over_arrow_columns_equals_one_at_a_time(values: list[str | None], flavour: str, typ: pa.DataType) -> None:
    if flavour == "polars":
        column: object = pl.Series("ho_ten", values, dtype=pl.String)
    elif flavour == "pyarrow":
        column = pa.array(values, type=typ)
    else:
        half = len(values) // 2
        column = pa.chunked_array([pa.array(values[:half], type=typ), pa.array(values[half:], type=typ)], type=typ)
    for bulk, one in (
        (doichieu.normalize_names, doichieu.normalize_name),
        (doichieu.name_keys, doichieu.name_key),
        (doichieu.fold_keys, doichieu.fold_key),
    ):
        out = bulk(column)
        assert isinstance(out, pl.Series if flavour == "polars" else pa.Array)
        got = out.to_list() if isinstance(out, pl.Series) else out.to_pylist()
        assert got == [None if v is None else one(v) for v in values]
        if isinstance(out, pl.Series):
            assert out.name == "ho_ten"


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.one_of(st.none(), noisy_names()), st.one_of(st.none(), noisy_names())), max_size=25),
    st.sampled_from(["list", "polars", "pyarrow"]),
)
def test_compare_bulk_equals_one_at_a_time(pairs: list[tuple[str | None, str | None]], flavour: str) -> None:
    left = [a for a, _ in pairs]
    right = [b for _, b in pairs]
    if flavour == "list":
        pairs = [(a if a is not None else "", b if b is not None else "") for a, b in pairs]
        left, right = [a for a, _ in pairs], [b for _, b in pairs]
        kinds, scores = doichieu.compare_names_bulk(left, right)
    elif flavour == "polars":
        k, s = doichieu.compare_names_bulk(pl.Series(left, dtype=pl.String), pl.Series(right, dtype=pl.String))
        kinds, scores = k.to_list(), s.to_list()
    else:
        k, s = doichieu.compare_names_bulk(pa.array(left, type=pa.string()), pa.array(right, type=pa.string()))
        kinds, scores = k.to_pylist(), s.to_pylist()
    for (a, b), kind, score in zip(pairs, kinds, scores):
        if a is None or b is None:
            assert kind is None and score is None
            continue
        m = doichieu.compare_names(a, b)
        assert (kind, score) == (m.kind, m.score), (a, b)


# ---------------------------------------------------------------------------
# Bad input: every entry point, a clear error, and never the name in the message
# ---------------------------------------------------------------------------

SECRET = "Nguyễn Thị Bí Mật"
ONE_NAME = [
    doichieu.normalize_name,
    doichieu.name_key,
    doichieu.fold_key,
    lambda s: doichieu.compare_names(s, "An"),
    lambda s: doichieu.compare_names("An", s),
]
BULK = [
    doichieu.normalize_names,
    doichieu.name_keys,
    doichieu.fold_keys,
    lambda c: doichieu.compare_names_bulk(c, ["An"] * len(c)),
    lambda c: doichieu.compare_names_bulk(["An"] * len(c), c),
]


@pytest.mark.parametrize("call", ONE_NAME)
@pytest.mark.parametrize("bad", [None, 3, 2.5, b"Nguyen", bytearray(b"An"), ["An"], ("An",), object()])
def test_every_one_name_entry_refuses_what_is_not_text(call, bad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(doichieu.NotAStringError):
        call(bad)


@pytest.mark.parametrize("call", ONE_NAME)
def test_every_one_name_entry_refuses_surrogates_and_huge_names(call) -> None:  # type: ignore[no-untyped-def]
    for surrogate in ("\ud800", "Nguy\udcffn", SECRET + "\udfff"):
        with pytest.raises(doichieu.InvalidInputError) as err:
            call(surrogate)
        assert "Bí Mật" not in str(err.value)
    # The cap is in UTF-8 bytes: 3-byte letters reach it in a third as many characters.
    at_cap = "ễ" * (doichieu.MAX_NAME_BYTES // 3) + "a" * (doichieu.MAX_NAME_BYTES % 3)
    assert len(at_cap.encode()) == doichieu.MAX_NAME_BYTES
    call(at_cap)
    over = SECRET + " " + "ễ" * (doichieu.MAX_NAME_BYTES // 3)
    with pytest.raises(doichieu.InputTooLongError, match=str(doichieu.MAX_NAME_BYTES)) as err:
        call(over)
    assert "Bí Mật" not in str(err.value) and "ễễ" not in str(err.value)


@pytest.mark.parametrize("call", BULK)
def test_every_bulk_entry_names_the_position_not_the_value(call) -> None:  # type: ignore[no-untyped-def]
    over = SECRET + " " + "ễ" * (doichieu.MAX_NAME_BYTES // 3)
    for column in ([SECRET, "An", over], pa.array([SECRET, None, over]), pl.Series([SECRET, None, over])):
        with pytest.raises(doichieu.InputTooLongError, match="position 2") as err:
            call(column)
        assert "Bí Mật" not in str(err.value)
    with pytest.raises(doichieu.InvalidInputError) as err2:
        call([SECRET, "Nguy\ud800n"])
    assert "Bí Mật" not in str(err2.value)
    with pytest.raises(doichieu.NotAStringError, match="position 1"):
        call(["An", 7])
    with pytest.raises(doichieu.NotAStringError):
        call(pa.array([1, 2, 3]))
    # Empty columns are fine and stay empty.
    out = call([])
    assert (list(out) if not isinstance(out, tuple) else [list(c) for c in out]) in ([], [[], []])


@pytest.mark.parametrize("call", BULK)
def test_bad_rows_far_into_a_long_list_are_named_by_their_row(call) -> None:  # type: ignore[no-untyped-def]
    # A list is read and written in pieces of a few thousand names, side by side:
    # a bad row in a later piece still fails the whole call and names its own row,
    # and a good list of any length comes back whole and in order.
    names = ["Nguyễn Văn Hùng", "TRẦN THỊ THỦY", "Le Van An"] * 7_000
    over = SECRET + " " + "ễ" * (doichieu.MAX_NAME_BYTES // 3)
    for bad, error, row in ((over, doichieu.InputTooLongError, 20_001), (None, doichieu.NotAStringError, 9_000)):
        column = list(names)
        column[row] = bad  # type: ignore[call-overload]
        with pytest.raises(error, match=f"position {row}") as err:
            call(column)
        assert "Bí Mật" not in str(err.value)
    out = call(names)
    flat = list(out) if not isinstance(out, tuple) else list(zip(*out))
    assert len(flat) == len(names)
    assert flat[-3:] == flat[:3]


class _LenLies:
    """A sequence whose len() disagrees with what iterating it gives."""

    def __init__(self, items: list[str], claimed: int) -> None:
        self.items, self.claimed = items, claimed

    def __len__(self) -> int:
        return self.claimed

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)


@pytest.mark.parametrize("claimed", [0, 3, 9_999, 10_001, 20_000])
def test_bulk_lists_refuse_a_column_whose_len_disagrees_with_its_items(claimed: int) -> None:
    # Read in pieces, compared against len(): no row is silently dropped or padded.
    items = ["Nguyễn Văn Hùng"] * 10_000
    with pytest.raises(doichieu.InvalidInputError, match="len"):
        doichieu.compare_names_bulk(_LenLies(items, claimed), _LenLies(items, claimed))
    for bulk in (doichieu.normalize_names, doichieu.name_keys, doichieu.fold_keys):
        with pytest.raises(doichieu.InvalidInputError, match="len"):
            bulk(_LenLies(items, claimed))


def test_fold_key_is_ascii_for_every_vietnamese_letter() -> None:
    letters = "àảãáạăằẳẵắặâầẩẫấậèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵđ"
    names = [f"{c}{c.upper()}" for c in letters] + [f"Nguyễn {c.upper()}n" for c in letters]
    for name, folded in zip(names, doichieu.fold_keys(names)):
        assert folded.isascii() and folded == folded.lower() and folded == " ".join(folded.split()), name
        assert folded == strip_marks(doichieu.normalize_name(name)).lower() or "'" in folded, name

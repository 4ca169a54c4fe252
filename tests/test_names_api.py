"""The public name API: examples from the reference, column flavours, bad input."""

import polars as pl
import pyarrow as pa
import pytest

import doichieu


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("Nguyễn Văn Hùng", "NGUYỄN  văn hùng", "identical"),
        ("Nguyễn Thị Thủy", "Nguyễn Thị Thuỷ", "equivalent"),
        ("Nguyen Van Hung", "Nguyễn Văn Hùng", "diacritics_missing"),
        ("Lê Thị Mỹ", "Lê Thị Mĩ", "spelling_variant"),
        ("Trần Thị Mai", "Trần Mai", "middle_name_missing"),
        ("Hùng Nguyễn Văn", "Nguyễn Văn Hùng", "reordered"),
        ("Phạm Văn Hùng", "Phạm Văn Hùnh", "typo"),
        ("Nguyễn Văn Hùng", "Nguyễn Văn Hưng", "different_diacritics"),
        ("Nguyễn Văn Hùng", "Trần Thị Mai", "different"),
    ],
)
def test_every_kind(a: str, b: str, kind: str) -> None:
    m = doichieu.compare_names(a, b)
    assert m.kind == kind
    assert m.kind in doichieu.MATCH_KINDS
    assert 0.0 <= m.score <= 1.0
    assert doichieu.compare_names(b, a).kind == kind


def test_alignment_names_the_differing_syllable() -> None:
    m = doichieu.compare_names("Nguyễn Văn Hùng", "Nguyễn Văn Hưng")
    differing = [(s.left, s.right, s.left_text, s.right_text, s.relation) for s in m.syllables if s.relation != "same"]
    assert differing == [(2, 2, "Hùng", "Hưng", "different_diacritics")]


def test_display_and_keys() -> None:
    assert doichieu.normalize_name("  nguyễn   THỊ thủy ") == "Nguyễn Thị Thuỷ"
    assert doichieu.name_key("Thủy") == doichieu.name_key("Thuỷ")
    assert doichieu.fold_key("Đặng Thị Thuỷ") == "dang thi thuy"


def test_bulk_list_matches_one_at_a_time() -> None:
    names = ["nguyễn văn hùng", "TRẦN THỊ THỦY", "Ðỗ Mười", ""]
    assert doichieu.normalize_names(names) == [doichieu.normalize_name(n) for n in names]
    assert doichieu.name_keys(names) == [doichieu.name_key(n) for n in names]
    assert doichieu.fold_keys(names) == [doichieu.fold_key(n) for n in names]


def test_bulk_list_hands_a_repeated_name_one_str() -> None:
    # A roster repeats about half its names; each repeat shares the str already made
    # (Python strs are immutable, so sharing is invisible but for `is`).
    names = ["nguyễn văn hùng", "Nguyễn Văn Hùng", "TRẦN THỊ THỦY"] * 2000
    for bulk, one in ((doichieu.normalize_names, doichieu.normalize_name), (doichieu.name_keys, doichieu.name_key)):
        out = bulk(names)
        assert out == [one(n) for n in names]
        distinct_objects = len({id(s) for s in out})
        assert distinct_objects < len(names) // 10, distinct_objects


def test_bulk_list_hands_back_a_name_already_in_form_as_itself() -> None:
    # Most names of a roster are typed in display form already: the input str is
    # the answer, so nothing is made or freed for them. Others get a new str.
    typed = [f"Nguyễn Văn Hùng {i}" for i in range(20_000)] + [f"NGUYỄN VĂN HÙNG {i}" for i in range(20_000)]
    out = doichieu.normalize_names(typed)
    assert out == [doichieu.normalize_name(n) for n in typed]
    assert all(o is t for o, t in zip(out[:20_000], typed[:20_000]))
    assert not any(o is t for o, t in zip(out[20_000:], typed[20_000:]))
    # So for every form: keys typed as keys come back as themselves.
    keys = [f"nguyễn văn hùng {i}" for i in range(20_000)]
    assert all(o is t for o, t in zip(doichieu.name_keys(keys), keys))


def test_bulk_list_takes_any_iterable_of_str() -> None:
    names = ["nguyễn văn hùng", "TRẦN THỊ THỦY", "Ðỗ Mười"] * 5_000
    want = doichieu.normalize_names(names)
    assert doichieu.normalize_names(tuple(names)) == want
    assert doichieu.normalize_names(n for n in names) == want
    assert doichieu.name_keys(iter(names)) == doichieu.name_keys(names)


def test_bulk_polars_keeps_name_and_nulls() -> None:
    s = pl.Series("ho_ten", ["nguyễn thị thủy", None, "Ðặng Văn Hải"])
    out = doichieu.normalize_names(s)
    assert isinstance(out, pl.Series)
    assert out.name == "ho_ten"
    assert out.to_list() == ["Nguyễn Thị Thuỷ", None, "Đặng Văn Hải"]


def test_bulk_pyarrow_in_pyarrow_out() -> None:
    out = doichieu.fold_keys(pa.chunked_array([["Hùng"], ["Hưng", None]]))
    assert isinstance(out, pa.Array)
    assert out.to_pylist() == ["hung", "hung", None]


def test_compare_bulk() -> None:
    kinds, scores = doichieu.compare_names_bulk(["Hùng", "Thủy"], ["Hưng", "Thuỷ"])
    assert kinds == ["different_diacritics", "equivalent"]
    assert len(scores) == 2
    with pytest.raises(doichieu.InvalidInputError, match="differ in length"):
        doichieu.compare_names_bulk(["a"], ["a", "b"])


@pytest.mark.parametrize("bad", [None, 5, b"Hung", ["Hung"]])
def test_non_text_is_a_type_error(bad: object) -> None:
    with pytest.raises(doichieu.NotAStringError):
        doichieu.normalize_name(bad)  # type: ignore[arg-type]


def test_caps_and_surrogates() -> None:
    with pytest.raises(doichieu.InputTooLongError, match="1024 bytes"):
        doichieu.name_key("a" * (doichieu.MAX_NAME_BYTES + 1))
    with pytest.raises(doichieu.InvalidInputError, match="surrogate"):
        doichieu.normalize_name("Nguy\ud800n")
    with pytest.raises(doichieu.NotAStringError, match="position 1"):
        doichieu.normalize_names(["An", None])
    with pytest.raises(doichieu.NotAStringError, match="single str"):
        doichieu.normalize_names("Nguyễn Văn An")
    with pytest.raises(doichieu.NotAStringError, match="string column"):
        doichieu.normalize_names(pa.array([1, 2]))

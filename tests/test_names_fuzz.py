"""Volume fuzzing of the decoder and normaliser, through hypothesis.

The chosen fuzz approach for the name layer (instead of a cargo-fuzz target):
hypothesis drives the public API with arbitrary Unicode, with text made of the
characters legacy encodings are built from, and with names from the syllable
model encoded in VNI, TCVN3, VIQR, mojibake and code page 1258, whole or token
by token, then damaged. DOICHIEU_FUZZ_EXAMPLES sets the number of examples per
test (default 2,000; CI runs derandomized, see conftest.py):

    DOICHIEU_FUZZ_EXAMPLES=100000 .venv/bin/python -m pytest tests/test_names_fuzz.py

Every input must keep the contract: a clear error for surrogates, never a
crash; display forms in NFC with single spaces; normalising twice changes
nothing; a name is always the same name as its own display form.
"""

from __future__ import annotations

import os
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import doichieu
from name_strategies import (
    CASES,
    LEVEL,
    MARKED_LETTERS,
    ONSET_RHYME_PAIRS,
    TONES,
    VIETNAMESE_LETTERS,
    Syllable,
    cased,
    cp1258_form,
    display_of,
    encode_tcvn3,
    encode_viqr,
    encode_vni,
    key_of,
    mojibake,
    name_syllables,
)

EXAMPLES = int(os.environ.get("DOICHIEU_FUZZ_EXAMPLES", "2000"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
SAME_NAME = ("identical", "equivalent")

# What legacy text is made of: VNI and TCVN3 code characters, VIQR marks, mojibake
# lead and continuation characters, loose combining marks, the soft hyphen,
# invisible and odd whitespace, and the Vietnamese letters themselves.
LEGACY_ALPHABET = sorted(
    set(
        "aeiouyAEIOUYdDnNgGhHtTcCmMqQrRsSvVxXkKlLbBpP"
        + encode_vni(MARKED_LETTERS)
        + encode_tcvn3(MARKED_LETTERS)
        + encode_tcvn3(MARKED_LETTERS.upper())
        + "¡¢£¤¥¦§ÐðÑñ°±²³´"
        + "+(^~`?'.\\"
        + "ÃÄÅÆá»…€ƒ†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ√∆·ª∑πƒ≈ĂÂĐŁąşţ"
        + "\u00ad\u00a0\u200b\u200d\ufeff\u3000\t\n"
        + "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b\u0340\u0341"
        + MARKED_LETTERS
        + " ,;-/()"
    )
)
legacy_text = st.text(alphabet=st.sampled_from(LEGACY_ALPHABET), max_size=40)


def has_surrogate(s: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in s)


def keep_the_contract(s: str) -> None:
    display, key, fold = doichieu.normalize_name(s), doichieu.name_key(s), doichieu.fold_key(s)
    for form in (display, key, fold):
        assert isinstance(form, str)
        assert form == " ".join(form.split(" ")) and "  " not in form and form == form.strip(" ")
        assert form == " ".join(form.split()), "only single ASCII spaces between tokens"
    assert unicodedata.is_normalized("NFC", display) and unicodedata.is_normalized("NFC", key)
    assert len(display.split()) == len(key.split()) == len(fold.split())
    # Normalising twice changes nothing; the display form is the same name as the input.
    assert doichieu.normalize_name(display) == display
    assert doichieu.name_key(display) == key
    # Not asserted: name_key(key) == key. A key is lower case, and lower-cased legacy
    # debris can read differently from the text it came from ("ÒY" is no TCVN3, "òy"
    # is VNI); keys are always taken from what was typed, never from another key.
    assert doichieu.fold_key(display) == fold
    m = doichieu.compare_names(s, display)
    assert m.kind in (SAME_NAME if key else ("different",))
    assert doichieu.compare_names(s, s).kind == ("identical" if key else "different")
    assert 0.0 <= m.score <= 1.0


@FUZZ
@given(st.text(max_size=80))
def test_arbitrary_unicode(s: str) -> None:
    """Any str: surrogates are refused with a clear error; everything else keeps the contract."""
    if has_surrogate(s):
        for call in (
            doichieu.normalize_name,
            doichieu.name_key,
            doichieu.fold_key,
            lambda t: doichieu.compare_names(t, "An"),
            lambda t: doichieu.compare_names("An", t),
        ):
            with pytest.raises(doichieu.InvalidInputError):
                call(s)
        return
    keep_the_contract(s)


@FUZZ
@given(legacy_text)
def test_text_made_of_legacy_characters(s: str) -> None:
    keep_the_contract(s)
    keep_the_contract(unicodedata.normalize("NFD", s))


ENCODINGS = ("vni", "tcvn3", "viqr", "cp1258", "cp1252", "cp1250", "mac_roman", "cp1252-twice", "per-token")


def encode(text: str, how: str) -> str:
    if how == "vni":
        return encode_vni(text)
    if how == "tcvn3":
        return encode_tcvn3(text)
    if how == "viqr":
        return encode_viqr(text)
    if how == "cp1258":
        return cp1258_form(text)
    if how == "cp1252-twice":
        return mojibake(mojibake(text, "cp1252"), "cp1252")
    return mojibake(text, how)


def surely_legacy(token: str, how: str) -> bool:
    """A token no Unicode name could be: a character outside the Vietnamese alphabet.

    A VIQR dot at the end of a word is also a full stop ("Nguyễn Văn A."). One
    character alone is too little evidence (TCVN3 "µ" is à, but "ë" is also a
    letter of other languages), so the engine leaves single characters as typed.
    """
    if how == "viqr":
        token = token[:-1] if token.endswith(".") else token
    # Ð (eth) is how many Unicode records write Đ, so it proves nothing (TCVN3 "Ðo" is Éo).
    return len(token) > 1 and any(c not in VIETNAMESE_LETTERS and c not in "Ðð" for c in token)


def _readings() -> dict[str, dict[str, set[str]]]:
    """Every model syllable's lower-case VNI and TCVN3 forms: encoded text -> syllables."""
    table: dict[str, dict[str, set[str]]] = {"vni": {}, "tcvn3": {}}
    for onset, rhyme in ONSET_RHYME_PAIRS:
        for tone in (LEVEL,) + TONES:
            syllable = Syllable(onset, rhyme, tone)
            for old_style in (False, True):
                word = syllable.render(old_style=old_style)
                for how, forms in table.items():
                    forms.setdefault(encode(word, how), set()).add(syllable.render())
    return table


READINGS = _readings()


def readings(token: str, how: str) -> set[str]:
    """What `token` reads as in `how`, whatever its case: fully lower-cased (VNI's mark
    letters have both cases), and with only its ASCII letters lower-cased (TCVN3's
    Latin-1 codes are case-sensitive: "LÝ" holds the code of í, so reads Lí)."""
    ascii_lower = "".join(c.lower() if c.isascii() else c for c in token)
    return READINGS[how].get(token.lower(), set()) | READINGS[how].get(ascii_lower, set())


def reads_two_ways(token: str, how: str) -> bool:
    """Whether a VNI or TCVN3 token is also the other encoding of another syllable
    (TCVN3 "Khæn" is Khổn, VNI "Khæn" is Khỉn): one word alone cannot settle it."""
    other = "tcvn3" if how == "vni" else "vni"
    return bool(readings(token, other) - readings(token, how))


@st.composite
def encoded_names(draw: st.DrawFn) -> tuple[list[Syllable], str, bool]:
    """A model name, encoded; and whether it carries enough evidence to be decoded."""
    tokens = draw(name_syllables(min_size=1, max_size=4))
    case = draw(st.sampled_from(CASES))
    words = [cased(t.render(old_style=draw(st.booleans())), case) for t in tokens]
    how = draw(st.sampled_from(ENCODINGS))
    # The loan rhymes oong/ooc (no name has them) encode in TCVN3 as "oä", which VNI
    # reads as ộ: both readings are syllables and nothing in one word tells them apart.
    loan_rhyme = any(t.rhyme in ("oong", "ooc") for t in tokens)
    if loan_rhyme and how in ("tcvn3", "vni", "per-token"):
        return tokens, encode(" ".join(words), "tcvn3" if how == "per-token" else how), False
    if how == "per-token":
        # Records mix Unicode and legacy text token by token (a name typed in one 8-bit
        # font, then edited in Unicode); a legacy token decodes on its own evidence.
        legacy = draw(st.sampled_from(("vni", "tcvn3", "viqr")))
        encodings = [draw(st.sampled_from((legacy, "none"))) for _ in words]
        parts = [w if e == "none" else encode(w, e) for w, e in zip(words, encodings)]

        def settled(p: str, w: str, e: str) -> bool:
            if p == w:
                # A Unicode word that is also the name's 8-bit encoding of another
                # syllable (Unicode Hoàng is VNI Hồng) follows the rest of the name.
                return legacy == "viqr" or not (readings(w, legacy) - {w.lower()})
            return surely_legacy(p, e) and not (e != "viqr" and reads_two_ways(p, e))

        decidable = all(settled(p, w, e) for p, w, e in zip(parts, words, encodings))
        return tokens, " ".join(parts), decidable
    text = encode(" ".join(words), how)
    if how in ("vni", "tcvn3", "viqr"):
        # A token that is also valid Unicode follows the record: some token must be sure,
        # and no token may read as another syllable in the other 8-bit encoding.
        parts = text.split(" ")
        decidable = any(surely_legacy(p, how) for p in parts) and not (
            how != "viqr" and any(reads_two_ways(p, how) for p in parts)
        )
    else:
        decidable = True
    return tokens, text, decidable


@FUZZ
@given(encoded_names())
def test_legacy_encoded_names_come_back(case: tuple[list[Syllable], str, bool]) -> None:
    tokens, text, decidable = case
    keep_the_contract(text)
    if decidable:
        assert doichieu.normalize_name(text) == display_of(tokens), text
        assert doichieu.name_key(text) == key_of(tokens)
        assert doichieu.compare_names(text, display_of(tokens)).kind in SAME_NAME


@st.composite
def damaged(draw: st.DrawFn) -> str:
    """An encoded name with characters inserted, deleted or replaced."""
    _, text, _ = draw(encoded_names())
    chars = list(text)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        at = draw(st.integers(0, len(chars)))
        if op == "insert":
            chars.insert(at, draw(st.sampled_from(LEGACY_ALPHABET)))
        elif chars and at < len(chars):
            if op == "delete":
                del chars[at]
            else:
                chars[at] = draw(st.sampled_from(LEGACY_ALPHABET))
    return "".join(chars)


@FUZZ
@given(damaged())
def test_damaged_legacy_names(s: str) -> None:
    keep_the_contract(s)


@settings(
    max_examples=max(EXAMPLES // 40, 10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(
        st.one_of(legacy_text, damaged(), st.text(max_size=30).filter(lambda s: not has_surrogate(s))),
        min_size=100,
        max_size=400,
    )
)
def test_bulk_at_volume_equals_one_at_a_time(batch: list[str]) -> None:
    """Big columns cross the engine's chunking and per-thread caches; answers must not depend on them."""
    for bulk, one in (
        (doichieu.normalize_names, doichieu.normalize_name),
        (doichieu.name_keys, doichieu.name_key),
        (doichieu.fold_keys, doichieu.fold_key),
    ):
        expected = [one(s) for s in batch]
        assert bulk(batch) == expected
        assert bulk(batch * 8) == expected * 8
    kinds, scores = doichieu.compare_names_bulk(batch, batch[::-1])
    expected_pairs = [doichieu.compare_names(a, b) for a, b in zip(batch, batch[::-1])]
    assert kinds == [m.kind for m in expected_pairs]
    assert scores == [m.score for m in expected_pairs]

"""Deterministic, made-up Vietnamese names with the noise real rosters carry.

Nothing here is a real person's record: names are drawn from lists of common
surnames, middle words and given names (shares from
docs/names.md, "What the rules rest on") and combined at random.

- `realistic_names(n)`: a column as it arrives from provincial files: both
  tone-placement styles (about 1 old : 3 new), NFD, upper case, stray
  whitespace, Ð for Đ, misplaced tones, lost diacritics and legacy encodings.
- `realistic_pairs(n)`: (left, right, same_person) triples for comparison:
  half the same person written another way, half different people (a third of
  those a "near miss" that differs only in marks: Hùng/Hưng).
- `SAME_NAME_CLASSES`, `DIFFERENT_CLASSES`: the reference's example classes,
  used to count what each tool gets right.

Legacy-encoded forms come from the engine's encoders when the Python package
exposes them (`encode_vni`, `encode_tcvn3`, `encode_viqr`); until then from a
fixed list of encodings checked against the Rust encoder tests.
"""

from __future__ import annotations

import hashlib
import os
import random
import tempfile
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import polars as pl

# Shares in percent (reference: "Surname shares (widely cited)"); the last ~10 %
# is spread over less common and compound surnames.
SURNAME_SHARES: list[tuple[str, float]] = [
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.1),
    ("Hoàng", 2.8),
    ("Huỳnh", 2.3),
    ("Phan", 4.5),
    ("Vũ", 2.0),
    ("Võ", 1.9),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
]
OTHER_SURNAMES = [
    "Trương",
    "Đinh",
    "Đoàn",
    "Lâm",
    "Mai",
    "Trịnh",
    "Lương",
    "Cao",
    "Hà",
    "Tạ",
    "Chu",
    "Kiều",
    "Quách",
    "Tô",
    "Vương",
    "Thái",
    "La",
    "Lưu",
    "Tăng",
    "Triệu",
    "Giang",
    "Mạc",
    "Khúc",
    "Lại",
    "Tôn Thất",
    "Tôn Nữ",
    "Hoàng Phủ",
    "Âu Dương",
]
OTHER_SHARE = 100.0 - sum(share for _, share in SURNAME_SHARES)

MIDDLE_MALE = [
    "Minh",
    "Quốc",
    "Đức",
    "Hữu",
    "Xuân",
    "Duy",
    "Đình",
    "Quang",
    "Thanh",
    "Ngọc",
    "Hoàng",
    "Công",
    "Trọng",
    "Bá",
    "Tiến",
    "Việt",
    "Anh",
]
MIDDLE_FEMALE = [
    "Thanh",
    "Ngọc",
    "Minh",
    "Thu",
    "Kim",
    "Hồng",
    "Mỹ",
    "Bảo",
    "Diệu",
    "Phương",
    "Thúy",
    "Hoài",
    "Quỳnh",
    "Khánh",
]
# Given names cover the syllable shapes that decide tone placement: open oa/oe/uy
# (the two styles), ia/ua/ưa, qu/gi, closed glides, ươ/yê.
GIVEN_MALE = [
    "Hùng",
    "Hưng",
    "Dũng",
    "Tuấn",
    "Tuân",
    "Quý",
    "Quyết",
    "Nghĩa",
    "Phương",
    "Trường",
    "Thắng",
    "Khoa",
    "Hòa",
    "Thụy",
    "Toàn",
    "Hoàng",
    "Huỳnh",
    "Khoái",
    "Giáp",
    "Giang",
    "Việt",
    "Nam",
    "Năm",
    "An",
    "Bình",
    "Cường",
    "Hải",
    "Long",
    "Sơn",
    "Tâm",
    "Phúc",
    "Quân",
    "Thành",
    "Đông",
    "Đồng",
    "Hiển",
    "Khánh",
    "Tùng",
    "Vinh",
    "Lộc",
    "Thịnh",
    "Tuyển",
    "Quảng",
    "Đạt",
    "Kiên",
    "Huệ",
    "Tùy",
    "Khỏe",
]
GIVEN_FEMALE = [
    "Lan",
    "Mai",
    "Hương",
    "Hòa",
    "Thủy",
    "Thúy",
    "Tuyết",
    "Khỏe",
    "Hạnh",
    "Ánh",
    "Hà",
    "Yến",
    "Hiền",
    "Hoa",
    "Thu",
    "Thư",
    "Nga",
    "Trang",
    "Dung",
    "Ngân",
    "Thảo",
    "Phượng",
    "Quỳnh",
    "Loan",
    "Huệ",
    "Nhung",
    "Vân",
    "Oanh",
    "Xuân",
    "Diệp",
    "Hòe",
    "Thùy",
    "Ngọc Ánh",
    "Thu Hà",
    "Bích Ngọc",
]
# Ethnic-minority naming patterns (reference: Y…, H'…, Ksor, Niê; Hmong Giàng,
# Vừ, Sùng; Khmer Danh, Thạch), combined at random.
MINORITY = ["Y {} Niê", "H'{} Niê", "Ksor {}", "Giàng A {}", "Vừ Thị {}", "Sùng A {}", "Thạch {}", "Danh {}"]
MINORITY_GIVEN = ["Phen", "Hen", "Blưm", "Sô", "Pó", "Dơ", "Lử", "Sang", "Khiêm"]

# Old style (tone on the first vowel of open oa/oe/uy) → new style.
NEW_STYLE = {
    "Hòa": "Hoà",
    "Thủy": "Thuỷ",
    "Thúy": "Thuý",
    "Thụy": "Thuỵ",
    "Tùy": "Tuỳ",
    "Thùy": "Thuỳ",
    "Khỏe": "Khoẻ",
    "Hòe": "Hoè",
}
MISPLACED = {"Quý": "Qúy", "Huỳnh": "Hùynh", "Toàn": "Tòan", "Giáp": "Gíap", "Quỳnh": "Qùynh", "Khoái": "Khóai"}
# Pairs the reference names as different people (marks decide the name).
DIACRITIC_TWINS = [
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
]

# Legacy forms of the reference's examples (Unicode, VNI-Windows, TCVN3, VIQR), as
# engine/src/names/legacy.rs's encoder tests produce them. The reference's VNI
# "Mì" is a slip: VNI writes ỹ as "yõ".
LEGACY_FIXED: list[tuple[str, dict[str, str]]] = [
    (
        "Trương Thị Mỹ Hạnh",
        {"VNI": "Tröông Thò Myõ Haïnh", "TCVN3": "Tr\u00ad¬ng ThÞ Mü H¹nh", "VIQR": "Tru+o+ng Thi. My~ Ha.nh"},
    ),
    ("Võ Đình Quảng", {"VNI": "Voõ Ñình Quaûng", "TCVN3": "Vâ §×nh Qu¶ng", "VIQR": "Vo~ DDi`nh Qua?ng"}),
    ("Lương Văn Tuyển", {"VNI": "Löông Vaên Tuyeån", "TCVN3": "L\u00ad¬ng V¨n TuyÓn", "VIQR": "Lu+o+ng Va(n Tuye^?n"}),
    ("Hà Văn Thắng", {"VNI": "Haø Vaên Thaéng", "TCVN3": "Hµ V¨n Th¾ng", "VIQR": "Ha` Va(n Tha('ng"}),
]


def mojibake_cp1252(name: str) -> str | None:
    """UTF-8 bytes read as Windows-1252, or None where a byte has no cp1252 character."""
    try:
        return name.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return None


def engine_encoders() -> dict[str, Callable[[str], str]]:
    """The engine's legacy encoders, where this build exposes them to Python."""
    try:
        from doichieu import _engine
    except ImportError:
        return {}
    found = {
        label: getattr(_engine, attr, None)
        for label, attr in (("VNI", "encode_vni"), ("TCVN3", "encode_tcvn3"), ("VIQR", "encode_viqr"))
    }
    return {label: f for label, f in found.items() if callable(f)}


def legacy_source() -> str:
    if engine_encoders():
        return "the engine's VNI, TCVN3 and VIQR encoders, and UTF-8 read as cp1252"
    return (
        "VIQR and UTF-8 read as cp1252 encoded here; VNI and TCVN3 from the reference's fixed examples "
        "(names only, not pairs: the engine's encoders are not exposed to Python yet)"
    )


def _surname(rng: random.Random) -> str:
    r = rng.random() * 100.0
    for surname, share in SURNAME_SHARES:
        if r < share:
            return surname
        r -= share
    # About 2 % of all names carry an added mother's surname (Trần Lê Quốc Toàn).
    other = rng.choice(OTHER_SURNAMES)
    return other if rng.random() > 0.2 else f"{other} {SURNAME_SHARES[rng.randrange(4)][0]}"


def clean_name(rng: random.Random) -> str:
    """One made-up person's name in canonical Unicode, old tone style."""
    if rng.random() < 0.01:
        return rng.choice(MINORITY).format(rng.choice(MINORITY_GIVEN))
    female = rng.random() < 0.45
    surname = _surname(rng)
    r = rng.random()
    if r < 0.01:  # about 1 % have no middle word (Nguyễn Trãi)
        middles: list[str] = []
    elif female:
        middles = ["Thị"] if rng.random() < 0.55 else [rng.choice(MIDDLE_FEMALE)]
    else:
        middles = ["Văn"] if rng.random() < 0.40 else [rng.choice(MIDDLE_MALE)]
    if middles and rng.random() < 0.16:  # about 16 % have two middle words
        middles.append(rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE))
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    return " ".join([surname, *middles, given])


_VIQR_MARKS = {
    "\u0302": "^",
    "\u0306": "(",
    "\u031b": "+",
    "\u0301": "'",
    "\u0300": "`",
    "\u0309": "?",
    "\u0303": "~",
    "\u0323": ".",
}


def encode_viqr(name: str) -> str:
    """VIQR (RFC 1456) for plain names: quality mark, then tone, after the letter."""
    out = []
    for c in unicodedata.normalize("NFD", unicodedata.normalize("NFC", name)):
        out.append({"đ": "dd", "Đ": "DD"}.get(c) or _VIQR_MARKS.get(c, c))
    return "".join(out)


def _legacy(name: str, rng: random.Random, keep_person: bool) -> str:
    """A legacy-encoded form. With `keep_person` it must still be this person's
    name; otherwise a fixed VNI/TCVN3 form of another name may stand in."""
    encoders = engine_encoders()
    if encoders and rng.random() < 0.75:
        return encoders[rng.choice(sorted(encoders))](name)
    r = rng.random()
    if not encoders and not keep_person and r < 0.4:
        _, forms = rng.choice(LEGACY_FIXED)
        return forms[rng.choice(("VNI", "TCVN3"))]
    if r < 0.7:
        return encode_viqr(name)
    return mojibake_cp1252(name) or encode_viqr(name)


def noisy(name: str, rng: random.Random, keep_person: bool = False) -> str:
    """`name` as a provincial file might hold it."""
    words = name.split(" ")
    if rng.random() < 0.75:  # new tone style for about 3 in 4 writers
        words = [NEW_STYLE.get(w, w) for w in words]
    name = " ".join(words)
    r = rng.random()
    if r < 0.10:
        return unicodedata.normalize("NFD", name)
    if r < 0.20:
        return name.upper()
    if r < 0.23:
        return strip_marks(name)
    if r < 0.25:
        return _legacy(name, rng, keep_person)
    if r < 0.26:
        return name.replace("Đ", "Ð").replace("đ", "ð")
    if r < 0.27:
        return " ".join(MISPLACED.get(w, w) for w in name.split(" "))
    if r < 0.29:
        return rng.choice(["  {} ", "{}\u00a0", "\ufeff{}", "{}\t"]).format(
            name.replace(" ", rng.choice([" ", "  ", "\u00a0"]))
        )
    return name


def realistic_names(n: int, seed: int = 2) -> list[str]:
    rng = random.Random(seed)
    return [noisy(clean_name(rng), rng) for _ in range(n)]


def _plain(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).casefold().split())


def strip_marks(name: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", plain).replace("đ", "d").replace("Đ", "D")


def _typo(name: str, rng: random.Random) -> str:
    """One letter struck for another, in the same case."""
    letters = [i for i, c in enumerate(name) if c.isalpha() and c.isascii()]
    i = rng.choice(letters)
    wrong = rng.choice([c for c in "aeinouhtgc" if c != name[i].lower()])
    return name[:i] + (wrong.upper() if name[i].isupper() else wrong) + name[i + 1 :]


def _drop_middle(name: str) -> str:
    words = name.split(" ")
    return " ".join(words[:1] + words[2:]) if len(words) >= 3 else name


def _near_miss(name: str, rng: random.Random) -> str | None:
    words = name.split(" ")
    for a, b in rng.sample(DIACRITIC_TWINS, len(DIACRITIC_TWINS)):
        if words[-1] in (a, b):
            return " ".join(words[:-1] + [b if words[-1] == a else a])
    return None


def realistic_pairs(n: int, seed: int = 5) -> tuple[list[str], list[str], list[bool]]:
    """Pairs as a cross-check meets them: the same person written by two
    offices (half), or two different people with different names."""
    rng = random.Random(seed)
    left, right, same = [], [], []
    for _ in range(n):
        person = clean_name(rng)
        if rng.random() < 0.5:
            r = rng.random()
            if r < 0.35:
                other = person
            elif r < 0.85:
                other = noisy(person, rng, keep_person=True)
            elif r < 0.93:
                other = _drop_middle(person)
            else:
                other = _typo(person, rng)
            left.append(noisy(person, rng, keep_person=True))
            right.append(other)
            same.append(True)
            continue
        r = rng.random()
        other = (_near_miss(person, rng) if r < 0.33 else None) or clean_name(rng)
        while other == person:
            other = clean_name(rng)
        # Noise may not erase what tells them apart (both sides losing their marks
        # makes Nam and Năm one string): such a pair is not two names any more.
        while True:
            a, b = noisy(person, rng, keep_person=True), noisy(other, rng, keep_person=True)
            if _plain(a) != _plain(b):
                break
        left.append(a)
        right.append(b)
        same.append(False)
    return left, right, same


# --- cached on disk, so subprocess probes reuse the same data -----------------


def _cache_dir() -> Path:
    folder = Path(os.environ.get("DOICHIEU_BENCH_CACHE", Path(tempfile.gettempdir()) / "doichieu-bench"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _fingerprint() -> str:
    source = Path(__file__).read_bytes() + legacy_source().encode()
    return hashlib.sha256(source).hexdigest()[:12]


@lru_cache(maxsize=4)
def names_frame(n: int) -> pl.DataFrame:
    path = _cache_dir() / f"names-{n}-{_fingerprint()}.parquet"
    if path.exists():
        return pl.read_parquet(path)
    frame = pl.DataFrame({"full_name": realistic_names(n)})
    frame.write_parquet(path)
    return frame


@lru_cache(maxsize=4)
def pairs_frame(n: int) -> pl.DataFrame:
    path = _cache_dir() / f"pairs-{n}-{_fingerprint()}.parquet"
    if path.exists():
        return pl.read_parquet(path)
    left, right, same = realistic_pairs(n)
    frame = pl.DataFrame({"left": left, "right": right, "same_person": same})
    frame.write_parquet(path)
    return frame


# --- the reference's example classes ------------------------------------------


def _nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def _legacy_pairs(label: str) -> list[tuple[str, str]]:
    return [(name, forms[label]) for name, forms in LEGACY_FIXED]


# Each pair is one name written two ways: a tool that keeps names apart only when
# they are different names must give both sides the same form.
SAME_NAME_CLASSES: dict[str, list[tuple[str, str]]] = {
    "tone placement, old vs new style (Thủy/Thuỷ, Hòa/Hoà)": [
        ("Nguyễn Thị Thủy", "Nguyễn Thị Thuỷ"),
        ("Lê Văn Hòa", "Lê Văn Hoà"),
        ("Trần Văn Khỏe", "Trần Văn Khoẻ"),
        ("Vũ Thị Tùy", "Vũ Thị Tuỳ"),
        ("Phạm Thị Thúy", "Phạm Thị Thuý"),
    ],
    "misplaced tone (Qúy, Hùynh, Hòan)": [
        ("Phạm Văn Quý", "Phạm Văn Qúy"),
        ("Đỗ Văn Huỳnh", "Đỗ Văn Hùynh"),
        ("Nguyễn Văn Hoàn", "Nguyễn Văn Hòan"),
        ("Lê Giáp", "Lê Gíap"),
        ("Bùi Thị Quỳnh", "Bùi Thị Qùynh"),
    ],
    "NFD (decomposed) text": [(n, _nfd(n)) for n in ("Nguyễn Văn Hùng", "Trương Thị Mỹ Hạnh", "Đặng Quốc Việt")],
    "marks in non-canonical order": [
        ("Nguyễn", "Nguy" + "e\u0303\u0302" + "n"),
        ("Lê Văn Thể", "Lê Văn Th" + "e\u0309\u0302"),
        ("Hà Văn Thắng", "Hà Văn Th" + "a\u0301\u0306" + "ng"),
    ],
    "Ð (eth) for Đ": [("Đặng Văn Hải", "Ðặng Văn Hải"), ("Đỗ Thị Đào", "Ðỗ Thị Ðào")],
    "case, invisible and odd whitespace": [
        ("Nguyễn Văn An", "NGUYỄN  VĂN AN"),
        ("Nguyễn Văn An", "Ng\u200buyễn\u00a0Văn An"),
        ("Trần Thị Bình", "\ufeffTrần Thị Bình "),
        ("Lê Thị Lan", "Lê\u3000Thị\tLan"),
    ],
    "legacy: VNI-Windows": _legacy_pairs("VNI"),
    "legacy: TCVN3 (ABC)": _legacy_pairs("TCVN3"),
    "legacy: VIQR": _legacy_pairs("VIQR"),
    "mojibake: UTF-8 read as cp1252": [
        (n, m) for n in ("Nguyễn Văn Hùng", "Trần Thị Thu Hà", "Lê Thị Hương") if (m := mojibake_cp1252(n))
    ],
}

# Each pair is two different names: a tool must give them different forms.
DIFFERENT_CLASSES: dict[str, list[tuple[str, str]]] = {
    "different marks (reference list: Hùng/Hưng, Thu/Thư, …)": [
        (f"Nguyễn Văn {a}", f"Nguyễn Văn {b}") for a, b in DIACRITIC_TWINS
    ],
    "Đ vs D (Đào/Dao)": [("Lê Thị Đào", "Lê Thị Dao"), ("Đinh Văn Nam", "Dinh Văn Nam")],
    "y/i spelling variants (review, not merge)": [
        ("Trần Thị Mỹ", "Trần Thị Mĩ"),
        ("Lê Văn Kỳ", "Lê Văn Kì"),
        ("Phạm Vỹ", "Phạm Vĩ"),
        ("Ngô Sỹ Hùng", "Ngô Sĩ Hùng"),
        ("Lý Văn An", "Lí Văn An"),
    ],
    "North/South surnames (Hoàng/Huỳnh, Vũ/Võ)": [("Hoàng Văn An", "Huỳnh Văn An"), ("Vũ Thị Lan", "Võ Thị Lan")],
}


def input_classes(n: int, seed: int = 3) -> dict[str, list[str]]:
    """The same `n` clean names rendered one way per class, to price each kind of input."""
    rng = random.Random(seed)
    clean = [clean_name(rng) for _ in range(n)]
    new_style = [" ".join(NEW_STYLE.get(w, w) for w in c.split(" ")) for c in clean]
    return {
        "canonical (old tone style)": clean,
        "new tone style": new_style,
        "NFD": [unicodedata.normalize("NFD", c) for c in new_style],
        "upper case": [c.upper() for c in new_style],
        "no diacritics": [strip_marks(c) for c in new_style],
        "Ð for Đ, stray whitespace": ["  " + c.replace("Đ", "Ð").replace(" ", "\u00a0") + "\t" for c in new_style],
        "VIQR": [encode_viqr(c) for c in new_style],
        "UTF-8 read as cp1252": [mojibake_cp1252(c) or encode_viqr(c) for c in new_style],
        "VNI (the reference's 4 names)": [LEGACY_FIXED[i % 4][1]["VNI"] for i in range(n)],
        "TCVN3 (the reference's 4 names)": [LEGACY_FIXED[i % 4][1]["TCVN3"] for i in range(n)],
    }

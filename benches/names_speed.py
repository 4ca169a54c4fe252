"""Name-layer speed and correctness beside Python peers, in one run.

Run alone: `.venv/bin/python benches/names_speed.py` (bench extras needed).
Peers: `unicodedata.normalize("NFC")`, vn-text's `fold`, underthesea's
`text_normalize` (the best single Python normaliser for tone placement).
"""

from __future__ import annotations

import random
import time
import unicodedata
from typing import Any, Callable

import polars as pl

import doichieu

SURNAMES = ["Nguyễn"] * 38 + ["Trần"] * 11 + ["Lê"] * 10 + ["Phạm"] * 7 + ["Hoàng"] * 3 + ["Huỳnh"] * 2 + ["Phan"] * 5 + [
    "Vũ", "Vũ", "Võ", "Võ", "Đặng", "Đặng", "Bùi", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Tôn Thất", "Hoàng Phủ"]
MIDDLES_M = ["Văn", "Văn", "Minh", "Quốc", "Đức", "Hữu", "Xuân", "Duy", "Đình", "Quang", "Thanh", "Ngọc"]
MIDDLES_F = ["Thị", "Thị", "Thị", "Thanh", "Ngọc", "Minh", "Thu", "Kim", "Hồng", "Mỹ"]
GIVENS = ["Hùng", "Hưng", "Dũng", "Tuấn", "Quý", "Huỳnh", "Nghĩa", "Phương", "Trường", "Thắng", "Quyết", "Khoa",
          "Lan", "Mai", "Hương", "Hoà", "Hòa", "Thuỷ", "Thủy", "Tuyết", "Khoẻ", "Hạnh", "Ngọc Ánh", "Thu Hà", "Yến"]


def realistic_names(n: int, seed: int = 2) -> list[str]:
    """Synthetic names with the noise of real rosters: NFD (10%), upper case
    (10%), both tone styles (in the given names), misplaced tones and Ð (2%)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        female = rng.random() < 0.45
        middle = rng.choice(MIDDLES_F if female else MIDDLES_M)
        name = f"{rng.choice(SURNAMES)} {middle} {rng.choice(GIVENS)}"
        r = rng.random()
        if r < 0.10:
            name = unicodedata.normalize("NFD", name)
        elif r < 0.20:
            name = name.upper()
        elif r < 0.22:
            name = name.replace("Đ", "Ð").replace("Quý", "Qúy").replace("Huỳnh", "Hùynh")
        out.append(name)
    return out


def _best(f: Callable[[], Any], rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - start)
    return best


# Pairs that are one name written differently, and pairs that are different people.
SAME_NAME = [
    ("Nguyễn Thị Thủy", "Nguyễn Thị Thuỷ"), ("Lê Văn Hòa", "Lê Văn Hoà"), ("Trần Khỏe", "Trần Khoẻ"),
    ("Phạm Văn Quý", "Phạm Văn Qúy"), ("Đỗ Huỳnh", "Đỗ Hùynh"), ("Ðặng Văn Hải", "Đặng Văn Hải"),
    ("Nguyễn Văn Hoàn", "Nguyễn Văn Hòan"), ("Vũ Thị Tùy", "Vũ Thị Tuỳ"),
    # Marks typed in a non-canonical order, a zero-width space, a misplaced tone after gi.
    ("Nguyễn", "Nguy" + "e\u0303\u0302" + "n"), ("Nguyễn Văn An", "Ng\u200buyễn Văn An"), ("Lê Giáp", "Lê Gíap"),
] + [(n, unicodedata.normalize("NFD", n)) for n in ("Nguyễn Văn Hùng", "Trương Thị Mỹ Hạnh")]
DIFFERENT = [("Hùng", "Hưng"), ("Thu", "Thư"), ("Hoa", "Hòa"), ("Lan", "Lân"), ("Nam", "Năm"), ("Tuấn", "Tuân"),
             ("Phương", "Phượng"), ("Hiền", "Hiển"), ("Đông", "Đồng"), ("Hà", "Hạ"), ("An", "Ân"), ("Dương", "Đường"),
             ("Đào", "Dao")]


def _correct(normalise: Callable[[str], str]) -> tuple[int, int]:
    same = sum(normalise(a).lower() == normalise(b).lower() for a, b in SAME_NAME)
    apart = sum(normalise(a).lower() != normalise(b).lower() for a, b in DIFFERENT)
    return same, apart


def rows(n: int = 100_000, peers: bool = True) -> list[dict[str, Any]]:
    names = realistic_names(n)
    series = pl.Series("full_name", names)
    doichieu.name_keys(series)  # warm the per-thread caches and the thread pool
    both = _best(lambda: (doichieu.normalize_names(series), doichieu.name_keys(series)))
    both_list = _best(lambda: (doichieu.normalize_names(names), doichieu.name_keys(names)))
    # Peers produce one normalised form, so they are measured against one form.
    ours = _best(lambda: doichieu.normalize_names(series))
    out: list[dict[str, Any]] = []

    def row(tool: str, seconds: float, per: int, correct: tuple[int, int] | None) -> dict[str, Any]:
        return {
            "tool": tool,
            "names": per,
            "ms": round(seconds * 1e3, 1),
            "names/s": f"{per / seconds:,.0f}",
            "peer time ÷ doichieu normalize_names": "—" if tool.startswith("doichieu") else f"{seconds / ours:.1f}×",
            "same name kept together": f"{correct[0]}/{len(SAME_NAME)}" if correct else "",
            "different people kept apart": f"{correct[1]}/{len(DIFFERENT)}" if correct else "",
        }

    out.append(row("doichieu normalize_names (polars column)", ours, n, _correct(doichieu.name_key)))
    out.append(row("doichieu normalize_names + name_keys (polars column)", both, n, None))
    out.append(row("doichieu normalize_names + name_keys (list of str)", both_list, n, None))
    nfc = _best(lambda: [unicodedata.normalize("NFC", s) for s in names])
    out.append(row("unicodedata.normalize('NFC')", nfc, n, _correct(lambda s: unicodedata.normalize("NFC", s))))
    if peers:
        import vn_text
        from underthesea import text_normalize

        fold = _best(lambda: [vn_text.fold(s) for s in names])
        out.append(row("vn-text fold", fold, n, _correct(vn_text.fold)))
        sample = names[: n // 10]
        under = _best(lambda: [text_normalize(s) for s in sample], rounds=1) * 10
        out.append(row("underthesea text_normalize (10% sample, scaled)", under, n, _correct(text_normalize)))
    return out


def compare_rows(n: int = 100_000) -> list[dict[str, Any]]:
    names = realistic_names(n)
    rng = random.Random(5)
    # Half the pairs are one person written another way, half are other people.
    right = [doichieu.normalize_name(s).upper() if rng.random() < 0.5 else names[rng.randrange(n)] for s in names]
    left_s, right_s = pl.Series(names), pl.Series(right)
    doichieu.compare_names_bulk(left_s, right_s)
    seconds = _best(lambda: doichieu.compare_names_bulk(left_s, right_s))
    kinds, _ = doichieu.compare_names_bulk(left_s, right_s)
    spread = kinds.value_counts().sort("count", descending=True)
    return [{
        "pairs": n,
        "ms": round(seconds * 1e3, 1),
        "pairs/s": f"{n / seconds:,.0f}",
        "kinds": ", ".join(f"{k} {c}" for k, c in spread.iter_rows()),
    }]


if __name__ == "__main__":
    for r in rows() + compare_rows():
        print(r)

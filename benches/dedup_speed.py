"""Deduplication time and quality on a Vietnamese-style roster, doichieu beside
Splink (DuckDB) in the same run.

Run alone: `.venv/bin/python benches/dedup_speed.py [members]` (bench extras needed).
The roster is synthetic (tests/test_dedup_engine.py's generator) with planted
duplicates of the three types, so pairwise precision and recall are exact.
"""

from __future__ import annotations

import random
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_dedup_engine import synthetic


def planted_roster(n: int, seed: int = 11) -> tuple[pl.DataFrame, set[tuple[int, int]]]:
    """`n` members plus 5% duplicates: a third with the same ID (name upper-cased
    or without marks), a third transferred (other unit, ID missing), a third under
    an ID with one digit changed."""
    from doichieu import fold_key

    base = synthetic(n, seed)
    rng = random.Random(seed)
    rows, truth = [], set()
    for k in range(n // 20):
        src = rng.randrange(n)
        row = base.row(src, named=True)
        kind = k % 3
        if kind == 0:
            row["full_name"] = row["full_name"].upper() if k % 2 else fold_key(row["full_name"])
        elif kind == 1:
            row["party_unit"], row["citizen_id"] = "chi bo 999", None
        else:
            cid = row["citizen_id"]
            row["citizen_id"] = cid[:-1] + str((int(cid[-1]) + 1) % 10)
        rows.append(row)
        truth.add((src, n + k))
    roster = pl.concat([base, pl.DataFrame(rows, schema=base.schema)])
    # Duplicates of one source are also duplicates of each other.
    by_source: dict[int, list[int]] = {}
    for a, b in truth:
        by_source.setdefault(a, [a]).append(b)
    closure = {(min(x, y), max(x, y)) for group in by_source.values() for x in group for y in group if x != y}
    return roster, closure


def _scores(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> tuple[float, float, float]:
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth) if truth else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run_doichieu(roster: pl.DataFrame) -> tuple[set[tuple[int, int]], float]:
    from doichieu import _engine

    start = time.perf_counter()
    result = _engine.find_duplicates({c: roster[c] for c in roster.columns})
    seconds = time.perf_counter() - start
    pairs = result["pairs"]
    found = {(a, b) for a, b in zip(pairs["a"].to_pylist(), pairs["b"].to_pylist())}
    return found, seconds


def run_splink(roster: pl.DataFrame) -> tuple[set[tuple[int, int]], float]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    table = roster.with_row_index("unique_id").with_columns(
        # What a careful Splink user does first: NFC and lower case (DuckDB compares bytes).
        pl.col("full_name").map_elements(lambda s: unicodedata.normalize("NFC", s).lower(), return_dtype=pl.String),
        pl.date(pl.col("birth_year"), pl.col("birth_month"), pl.col("birth_day")).cast(pl.String).alias("dob"),
    )
    start = time.perf_counter()
    db_api = DuckDBAPI()
    df = db_api.register(table.to_arrow())
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("citizen_id"),
            block_on("full_name", "birth_year"),
            block_on("dob"),
        ],
        comparisons=[
            cl.NameComparison("full_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.ExactMatch("gender"),
            cl.ExactMatch("hometown"),
            cl.DamerauLevenshteinAtThresholds("citizen_id", [1, 2]),
        ],
    )
    linker = Linker(df, settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("citizen_id"), block_on("full_name", "dob")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("citizen_id"), estimate_without_term_frequencies=True
    )
    predictions = linker.inference.predict(threshold_match_probability=0.9).as_pandas_dataframe()
    seconds = time.perf_counter() - start
    found = {
        (min(int(a), int(b)), max(int(a), int(b)))
        for a, b in zip(predictions["unique_id_l"], predictions["unique_id_r"])
    }
    return found, seconds


def rows(members: int = 100_000, peers: bool = True) -> list[dict[str, Any]]:
    roster, truth = planted_roster(members)
    out = []
    found, seconds = run_doichieu(roster)
    p, r, f1 = _scores(found, truth)
    ours = seconds
    out.append(
        {
            "tool": "doichieu",
            "members": roster.height,
            "seconds": round(seconds, 2),
            "precision": round(p, 4),
            "recall": round(r, 4),
            "F1": round(f1, 4),
            "ratio": "1.0×",
        }
    )
    if peers:
        found, seconds = run_splink(roster)
        p, r, f1 = _scores(found, truth)
        out.append(
            {
                "tool": "Splink 5 + DuckDB (NFC, lower case)",
                "members": roster.height,
                "seconds": round(seconds, 2),
                "precision": round(p, 4),
                "recall": round(r, 4),
                "F1": round(f1, 4),
                "ratio": f"{seconds / ours:.1f}× slower",
            }
        )
    return out


if __name__ == "__main__":
    for row in rows(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000):
        print(row)

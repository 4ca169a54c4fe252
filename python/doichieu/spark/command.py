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

Both commands also write their answers as Parquet folders, and leave out the
files too large to write (``doichieu.spark.outputs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import polars as pl

from doichieu import _engine
from doichieu.dedup import DuplicateResult, SkippedBlock
from doichieu.errors import CataloguedError
from doichieu.output_folder import OutputFolder
from doichieu.spark_options import DRIVER_MEMORY, MASTER, SHUFFLE_PARTITIONS
from doichieu.table_layout import SOURCE_COLUMNS
from doichieu.vocabulary import POPULATION_COLUMNS, ROSTER_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SparkChecked", "SparkDeduped", "dedupe_on_spark", "revalidate_on_spark"]


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
    master: str = MASTER,
    shuffle_partitions: int = SHUFFLE_PARTITIONS,
    driver_memory: str = DRIVER_MEMORY,
) -> SparkChecked:
    """Cross-checks on Spark and deduplicates on the driver (see the module docs)."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise CataloguedError("spark.no_pyspark") from exc
    from doichieu.spark import layout, session
    from doichieu.spark.links import links_of
    from doichieu.spark.revalidate import revalidate

    spark = session(master, shuffle_partitions=shuffle_partitions, driver_memory=driver_memory)
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


@dataclass(frozen=True)
class SparkDeduped:
    """What ``dedupe --engine spark`` found and wrote: the roster's size, the
    run's counts (pairs by type, people in clusters), warnings, model, files."""

    members: int
    candidate_pairs: int
    by_type: list[tuple[str, int]]
    people: int
    warnings: list[SkippedBlock]
    model: _engine.DedupModel
    files: list[Path]


def dedupe_on_spark(
    roster_path: str | Path,
    folder: OutputFolder,
    *,
    threshold: float = 0.9,
    model: _engine.DedupModel | None = None,
    master: str = MASTER,
    shuffle_partitions: int = SHUFFLE_PARTITIONS,
    driver_memory: str = DRIVER_MEMORY,
    cluster_bound: int | None = None,
) -> SparkDeduped:
    """``doichieu dedupe --engine spark``: the roster (a Parquet file or folder)
    deduplicated on Spark (``doichieu.spark.dedupe``), written into ``folder``
    (entered): pairs.csv and clusters.csv as one machine writes them, and the
    Parquet folders pairs/ and clusters/ (``doichieu.spark.outputs``)."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise CataloguedError("spark.no_pyspark") from exc
    from pyspark.sql import functions as F

    from doichieu.dedup import PAIR_COLUMNS, write_outputs
    from doichieu.spark import layout, outputs, session
    from doichieu.spark.dedupe import CLUSTER_BOUND, dedupe

    spark = session(master, shuffle_partitions=shuffle_partitions, driver_memory=driver_memory)
    # As load_dedup_roster reads a roster: columns deduplication does not use are set aside.
    table = layout.read_roster(spark, roster_path, "ignore")
    found = dedupe(
        spark,
        table.frame,
        model,
        present=ROSTER_COLUMNS,
        threshold=threshold,
        cluster_bound=CLUSTER_BOUND if cluster_bound is None else cluster_bound,
    )
    if found.tables is not None:
        pairs, clusters = found.tables
        result = DuplicateResult(pairs, clusters, found.warnings, found.candidate_pairs, found.model)
        files = list(write_outputs(result, folder))
        files += [
            outputs.parts_from_driver(folder, "pairs", pairs),
            outputs.parts_from_driver(folder, "clusters", clusters),
        ]
        by_type = list(pairs.group_by("type").len().sort("type").iter_rows()) if pairs.height else []
        people = clusters["cluster_id"].n_unique() if clusters.height else 0
    else:
        assert found.frames is not None
        pairs_frame, clusters_frame = found.frames
        parts = [outputs.parts_from_spark(folder, "pairs", pairs_frame)]
        parts.append(outputs.parts_from_spark(folder, "clusters", clusters_frame))
        files = [
            outputs.csv_from_parts(folder, "pairs.csv", folder.temp / "pairs", PAIR_COLUMNS),
            outputs.csv_from_parts(folder, "clusters.csv", folder.temp / "clusters", tuple(clusters_frame.columns)),
            *parts,
        ]
        counts = pairs_frame.groupBy("type").count().collect()
        by_type = sorted((str(r["type"]), int(r["count"])) for r in counts)
        people = clusters_frame.select(F.countDistinct("cluster_id")).first()[0]  # type: ignore[index]
    return SparkDeduped(
        members=table.rows,
        candidate_pairs=found.candidate_pairs,
        by_type=by_type,
        people=int(people),
        warnings=found.warnings,
        model=found.model,
        files=files,
    )

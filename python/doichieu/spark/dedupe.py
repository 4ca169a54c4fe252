"""Deduplication of a whole roster on Spark (the national roster, provinces
together: a member transferred and never removed), with the single-machine
pairs and clusters.

1. Keys: the engine gives each member its key under each of the seven blocking
   rules (``_engine.dedup_rule_keys``) and its name key.
2. Blocks: each rule is a grouping key. The members are bucketed on (rule, key),
   so every member sharing a key lands in one bucket, and each bucket runs the
   rule's own pair generation (``dedup_rule_pairs``): a block over the cap is
   split by finer keys, else skipped with the same warning as on one machine. A
   pair several rules find counts once.
3. Scores: the candidate pairs are bucketed and scored by the engine
   (``dedup_score_pairs``) with one model, trained once or loaded (the saved
   model), shipped to every task, and the name's frequency in the whole roster
   (a count by name key): the two rules that need the whole roster.
4. Clusters: up to ``cluster_bound`` kept pairs (``CLUSTER_BOUND`` by default),
   the kept pairs, few beside the members, come to the driver, which holds the
   roster; the engine scores them again (cheap), clusters them and orders them
   as ``find_roster_duplicates`` does (``find_roster_duplicates_from``). Past
   the bound the pairs stay in Spark, their table rows made in the tasks, and
   the clusters are found there (``doichieu.spark.clusters``: the engine's rule,
   as greedy matching and label propagation), the same partition and numbering.

The warnings of skipped blocks come back in the single machine's order: by
rule, then by the block's key read as unsigned (``dedup_rule_pairs`` says
which block each is about), each block's own in the order its splits ran.

Training (when no model is given) needs every candidate pair's agreement
pattern and random pairs of the whole roster: it runs on the driver, as one
machine runs it. Pass the saved model to leave it out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, LongType, StructField, StructType

from doichieu import _engine
from doichieu.spark.clusters import clusters_of
from doichieu.spark.keys import appending
from doichieu.vocabulary import ROSTER_COLUMNS

__all__ = ["CLUSTER_BOUND", "SparkDuplicates", "dedupe"]

#: Candidate pairs per scoring bucket, roughly.
PAIRS_PER_BUCKET = 200_000
#: Kept pairs up to which the driver clusters them with the engine; past it the
#: clusters are found in Spark. At 20 million the pairs' rows (a, b, 8 bytes
#: each, and the engine's pair of some 300 bytes) would take the driver some 6 GiB (an estimate).
CLUSTER_BOUND = 20_000_000

#: The columns of a kept pair as the scoring tasks give it: its rows, the
#: unrounded probability the clustering reads, then the pairs table's columns.
SCORED = (
    "a long, b long, probability double, member_id_a string, member_id_b string, score double, type string, "
    "match_weight double, name_kind string, explanation string, name_level string, date_of_birth_level string, "
    "gender_level string, hometown_level string, citizen_id_level string, old_id_level string, "
    "party_card_level string, admission_date_level string"
)
#: The pairs table's columns (``find_roster_duplicates``' pairs).
PAIR_TABLE = tuple(c.split()[0] for c in SCORED.split(", ")[3:])
_ARROW_TYPES = {"long": pa.int64(), "double": pa.float64(), "string": pa.string()}
SCORED_ARROW = pa.schema([(c.split()[0], _ARROW_TYPES[c.split()[1]]) for c in SCORED.split(", ")])
#: Rule keys are 64-bit hashes carried as Spark longs; one machine orders by the unsigned value.
UNSIGNED = 1 << 64


@dataclass(frozen=True)
class SparkDuplicates:
    """What ``dedupe`` found. ``tables`` (pairs, clusters as
    ``find_roster_duplicates`` gives them) when the driver clustered the kept
    pairs; ``frames`` (the same columns, as Spark DataFrames in the tables'
    order, ``cluster_id`` a long) when there were more than ``cluster_bound``
    and the clusters were found in Spark: exactly one of the two is set.
    ``warnings`` in the single machine's order."""

    tables: tuple[pl.DataFrame, pl.DataFrame] | None
    frames: tuple[DataFrame, DataFrame] | None
    warnings: list[str]
    candidate_pairs: int
    kept_pairs: int
    model: _engine.DedupModel

    def collect(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The pairs and clusters on the driver (collected from Spark when they are there)."""
        if self.tables is not None:
            return self.tables
        assert self.frames is not None
        pairs, clusters = (pl.DataFrame(pl.from_arrow(f.toArrow())) for f in self.frames)
        return pairs, clusters


def _with_rule_keys(roster: DataFrame, present: tuple[str, ...]) -> DataFrame:
    schema = pa.schema([("name_key", pa.int64()), ("rule_keys", pa.list_(pa.int64()))])

    def keys(batch: pa.RecordBatch) -> pa.Table:
        return pa.table(_engine.dedup_rule_keys({c: batch.column(c) for c in present}))

    spark_schema = StructType(
        roster.schema.fields + [StructField("name_key", LongType()), StructField("rule_keys", ArrayType(LongType()))]
    )
    return roster.mapInArrow(appending(keys, schema), spark_schema)


def _blocker(present: tuple[str, ...], cap: int) -> Callable[[pa.Table], pa.Table]:
    def block(members: pa.Table) -> pa.Table:
        members = members.sort_by("row")
        rule = members.column("rule")[0].as_py()
        pairs, warnings = _engine.dedup_rule_pairs({c: members.column(c) for c in present}, rule, cap)
        local = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        rows = members.column("row").to_numpy()
        skipped = np.full(len(warnings), -1, dtype=np.int64)
        nothing = [None] * len(pairs)
        return pa.table(
            {
                "a": pa.array(np.concatenate([rows[local[:, 0]], skipped])),
                "b": pa.array(np.concatenate([rows[local[:, 1]], skipped])),
                "rule": pa.array([rule] * (len(pairs) + len(warnings)), pa.int64()),
                "key": pa.array(nothing + [k for k, _ in warnings], pa.int64()),
                # A block's warnings in the order its splits said them.
                "seq": pa.array(nothing + list(range(len(warnings))), pa.int64()),
                "warning": pa.array(nothing + [w for _, w in warnings], pa.string()),
            }
        )

    return block


def _scorer(
    present: tuple[str, ...], members: int, model: dict[str, Any], threshold: float, strong: float, cap: int
) -> Callable[[pa.Table, pa.Table], pa.Table]:
    names = SCORED_ARROW.names

    def score(pairs: pa.Table, people: pa.Table) -> pa.Table:
        if pairs.num_rows == 0:
            return SCORED_ARROW.empty_table()
        people = people.sort_by("row")
        rows = people.column("row")
        kept = pa.table(
            _engine.dedup_score_pairs(
                {c: people.column(c) for c in present},
                pc.index_in(pairs.column("a"), value_set=rows),
                pc.index_in(pairs.column("b"), value_set=rows),
                pairs.column("name_count"),
                members,
                _engine.DedupModel.from_dict(model),
                threshold=threshold,
                strong_threshold=strong,
                max_block_size=cap,
            )
        )
        place = kept.column("pair")
        columns = {"a": pc.take(pairs.column("a"), place), "b": pc.take(pairs.column("b"), place)}
        columns |= {c: kept.column(c) for c in names[2:]}
        return pa.table(columns).cast(SCORED_ARROW)

    return score


def _in_table_order(warnings: list[tuple[int, int, int, str]]) -> list[str]:
    """(rule, key, seq, text) → the texts by rule, then key as unsigned, then seq."""
    return [w for *_, w in sorted(warnings, key=lambda r: (r[0], r[1] % UNSIGNED, r[2]))]


def dedupe(
    spark: SparkSession,
    roster: DataFrame,
    model: _engine.DedupModel | None = None,
    *,
    present: Sequence[str] | None = None,
    threshold: float = 0.9,
    strong_threshold: float = 0.99,
    max_block_size: int = 400,
    cluster_bound: int = CLUSTER_BOUND,
) -> SparkDuplicates:
    """Deduplicates ``roster`` (canonical text columns and ``row``, as
    ``doichieu.spark.layout`` reads it): the pairs and clusters
    ``_engine.find_roster_duplicates`` gives for the same roster and model, on
    the driver up to ``cluster_bound`` kept pairs, in Spark past it (see
    ``SparkDuplicates``). The roster comes to the driver (``toArrow``) only to
    train the model (``model`` None) or for the driver's clustering: with a
    saved model and past the bound it stays in Spark."""
    if present is None:
        present = tuple(c for c in ROSTER_COLUMNS if c in roster.columns)
    present = tuple(present)
    keep = [*ROSTER_COLUMNS, "row"]
    roster = roster.select(*(c if c in roster.columns else F.lit(None).cast("string").alias(c) for c in keep))

    def on_driver() -> dict[str, pl.Series]:
        # The roster on the driver, for training and the driver's clustering, which read it whole.
        table = pl.DataFrame(pl.from_arrow(roster.toArrow())).sort("row")
        return {c: table[c] for c in present}

    columns = on_driver() if model is None else None
    if model is None:
        assert columns is not None
        # Training needs the whole roster's candidate patterns and random pairs: one machine's way, on the driver.
        model = _engine.find_roster_duplicates(
            columns, threshold=threshold, strong_threshold=strong_threshold, max_block_size=max_block_size
        )["model"]
    members = _with_rule_keys(roster, present).persist()
    n = members.count()
    least = int(spark.conf.get("spark.sql.shuffle.partitions") or "8")

    # Blocks: one bucket per (rule, hash of key); the rule's own pair generation in each.
    keyed = members.select("row", F.posexplode("rule_keys").alias("rule", "key")).filter(F.col("key").isNotNull())
    keyed = keyed.withColumn("bucket", F.pmod(F.xxhash64("rule", "key"), F.lit(least)))
    in_blocks = keyed.join(members.select(*keep), "row").select(*keep, "rule", "bucket")
    found = (
        in_blocks.groupBy("rule", "bucket")
        .applyInArrow(
            _blocker(present, max_block_size), "a long, b long, rule long, key long, seq long, warning string"
        )
        .persist()
    )
    said = found.filter(F.col("a") < 0).select("rule", "key", "seq", "warning").collect()
    warnings = _in_table_order([(r["rule"], r["key"], r["seq"], r["warning"]) for r in said])
    candidates = found.filter(F.col("a") >= 0).select("a", "b").distinct().persist()
    candidate_pairs = candidates.count()

    # Scores: the name's frequency in the whole roster, and the model, in every task.
    counts = members.groupBy("name_key").count().withColumnRenamed("count", "name_count")
    buckets = max(least, candidate_pairs // PAIRS_PER_BUCKET + 1)
    scored = (
        candidates.join(members.select(F.col("row").alias("a"), "name_key"), "a")
        .join(counts, "name_key")
        .select("a", "b", "name_count", F.pmod(F.xxhash64("a"), F.lit(buckets)).alias("bucket"))
        .persist()
    )
    wanted = scored.select("bucket", F.col("a").alias("row")).unionByName(
        scored.select("bucket", F.col("b").alias("row"))
    )
    people = wanted.distinct().join(members.select(*keep), "row").withColumnRenamed("bucket", "to")
    kept = (
        scored.groupBy("bucket")
        .cogroup(people.groupBy("to"))
        .applyInArrow(_scorer(present, n, model.to_dict(), threshold, strong_threshold, max_block_size), SCORED)
        .persist()
    )
    kept_pairs = kept.count()
    tables: tuple[pl.DataFrame, pl.DataFrame] | None = None
    frames: tuple[DataFrame, DataFrame] | None = None
    if kept_pairs <= cluster_bound:
        pairs = pl.DataFrame(pl.from_arrow(kept.select("a", "b").toArrow()))
        result = _engine.find_roster_duplicates_from(
            columns if columns is not None else on_driver(),
            pairs["a"],
            pairs["b"],
            candidate_pairs,
            warnings,
            model,
            threshold=threshold,
            strong_threshold=strong_threshold,
            max_block_size=max_block_size,
        )
        tables = (pl.DataFrame(result["pairs"]), pl.DataFrame(result["clusters"]))
    else:
        # Too many for the driver: the tables are made where the pairs are, in the tables' order.
        shared = (F.col("type") == "CITIZEN_ID_SHARED").cast("int")
        pairs_frame = kept.orderBy(shared, F.col("score").desc(), "a", "b").select(*PAIR_TABLE)
        ids = members.select("row", "member_id")
        frames = (pairs_frame, clusters_of(kept, ids, strong_threshold))
    members.unpersist()
    found.unpersist()
    candidates.unpersist()
    scored.unpersist()
    if tables is not None:
        kept.unpersist()
    return SparkDuplicates(tables, frames, warnings, candidate_pairs, kept_pairs, model)

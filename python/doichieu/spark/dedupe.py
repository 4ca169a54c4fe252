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
4. Clusters: the kept pairs, few beside the members, come to the driver, which
   holds the roster; the engine scores them again (cheap), clusters them and
   orders them as ``find_roster_duplicates`` does (``find_roster_duplicates_from``).

Training (when no model is given) needs every candidate pair's agreement
pattern and random pairs of the whole roster: it runs on the driver, as one
machine runs it. Pass the saved model to leave it out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, LongType, StructField, StructType

from doichieu import _engine
from doichieu.spark.keys import appending
from doichieu.vocabulary import ROSTER_COLUMNS

__all__ = ["dedupe"]

#: Candidate pairs per scoring bucket, roughly.
PAIRS_PER_BUCKET = 200_000


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
        return pa.table(
            {
                "a": pa.array(np.concatenate([rows[local[:, 0]], skipped])),
                "b": pa.array(np.concatenate([rows[local[:, 1]], skipped])),
                "warning": pa.array([None] * len(pairs) + list(warnings), pa.string()),
            }
        )

    return block


def _scorer(
    present: tuple[str, ...], members: int, model: dict[str, Any], threshold: float, strong: float, cap: int
) -> Callable[[pa.Table, pa.Table], pa.Table]:
    def score(pairs: pa.Table, people: pa.Table) -> pa.Table:
        if pairs.num_rows == 0:
            return pa.table({"a": pa.array([], pa.int64()), "b": pa.array([], pa.int64())})
        people = people.sort_by("row")
        rows = people.column("row")
        kept = _engine.dedup_score_pairs(
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
        return pa.table({"a": pairs.column("a"), "b": pairs.column("b")}).filter(pa.array(kept, pa.bool_()))

    return score


def dedupe(
    spark: SparkSession,
    roster: DataFrame,
    model: _engine.DedupModel | None = None,
    *,
    present: Sequence[str] | None = None,
    threshold: float = 0.9,
    strong_threshold: float = 0.99,
    max_block_size: int = 400,
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """Deduplicates ``roster`` (canonical text columns and ``row``, as
    ``doichieu.spark.layout`` reads it); returns (pairs, clusters, details) as
    ``_engine.find_roster_duplicates`` gives them for the same roster and model
    (pairs and clusters collected on the driver, where the clustering runs;
    details: warnings (sorted), candidate_pairs, model)."""
    if present is None:
        present = tuple(c for c in ROSTER_COLUMNS if c in roster.columns)
    present = tuple(present)
    keep = [*ROSTER_COLUMNS, "row"]
    roster = roster.select(*(c if c in roster.columns else F.lit(None).cast("string").alias(c) for c in keep))
    table = pl.DataFrame(pl.from_arrow(roster.toArrow())).sort("row")
    columns = {c: table[c] for c in present}
    if model is None:
        # Training needs the whole roster's candidate patterns and random pairs: one machine's way, on the driver.
        model = _engine.find_roster_duplicates(
            columns, threshold=threshold, strong_threshold=strong_threshold, max_block_size=max_block_size
        )["model"]
    members = _with_rule_keys(roster, present).persist()
    n = table.height
    least = int(spark.conf.get("spark.sql.shuffle.partitions") or "8")

    # Blocks: one bucket per (rule, hash of key); the rule's own pair generation in each.
    keyed = members.select("row", F.posexplode("rule_keys").alias("rule", "key")).filter(F.col("key").isNotNull())
    keyed = keyed.withColumn("bucket", F.pmod(F.xxhash64("rule", "key"), F.lit(least)))
    in_blocks = keyed.join(members.select(*keep), "row").select(*keep, "rule", "bucket")
    found = (
        in_blocks.groupBy("rule", "bucket")
        .applyInArrow(_blocker(present, max_block_size), "a long, b long, warning string")
        .persist()
    )
    warnings = sorted(r["warning"] for r in found.filter(F.col("a") < 0).select("warning").collect())
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
        .applyInArrow(
            _scorer(present, n, model.to_dict(), threshold, strong_threshold, max_block_size), "a long, b long"
        )
    )
    pairs = pl.DataFrame(pl.from_arrow(kept.toArrow()))
    result = _engine.find_roster_duplicates_from(
        columns,
        pairs["a"],
        pairs["b"],
        candidate_pairs,
        warnings,
        model,
        threshold=threshold,
        strong_threshold=strong_threshold,
        max_block_size=max_block_size,
    )
    members.unpersist()
    found.unpersist()
    candidates.unpersist()
    scored.unpersist()
    details = {"warnings": result["warnings"], "candidate_pairs": result["candidate_pairs"], "model": result["model"]}
    return pl.DataFrame(result["pairs"]), pl.DataFrame(result["clusters"]), details

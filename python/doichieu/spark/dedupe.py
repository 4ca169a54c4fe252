"""Deduplication of a whole roster on Spark (the national roster, provinces
together: a member transferred and never removed), with the single-machine
pairs and clusters.

1. Keys: the engine gives each member its key under each of the seven blocking
   rules (``_engine.dedup_rule_keys``) and its name key; each member carries how
   many of the whole roster share its name key (the name's frequency, which one
   machine weighs a name by).
2. Blocks, scored where they are: every member goes, once per rule it has a key
   for, to the bucket of (rule, key), so every member sharing a key lands in one
   bucket with its columns. Each bucket runs the rule's own pair generation and
   scores the pairs at once (``dedup_rule_blocks``): a block over the cap is
   split by finer keys, else skipped with the same warning as on one machine;
   the model, trained once or loaded (the saved model), goes to every task. Only
   the kept pairs, few beside the members, leave the task with their table
   columns; a pair several rules keep is the same pair with the same score,
   kept once.
3. The candidates counted once: a task counts the pairs no other rule keys
   together (only its rule can find them) and hands on the others, packed in
   one long each, for Spark to count once over all rules.
4. Clusters: up to ``cluster_bound`` kept pairs (``CLUSTER_BOUND`` by default),
   the kept pairs come to the driver, which holds the roster; the engine scores
   them again (cheap), clusters them and orders them as
   ``find_roster_duplicates`` does (``find_roster_duplicates_from``). Past the
   bound the pairs stay in Spark and the clusters are found there
   (``doichieu.spark.clusters``: the engine's rule, as greedy matching and label
   propagation), the same partition and numbering.

The warnings of skipped blocks come back in the single machine's order: by
rule, then by the block's key read as unsigned (``dedup_rule_blocks`` says
which block each is about), each block's own in the order its splits ran.

Training (when no model is given) runs on the driver, as one machine trains,
on the whole roster up to ``TRAINING_MEMBERS`` members and on a fixed sample of
about that many past it (u from random pairs and λ from a share of all pairs do
not depend on the roster's size; m is learned from the pairs the sample's
members make among themselves). Pass the saved model to leave it out, and to
get one machine's answers exactly on a larger roster.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, LongType, StructField, StructType

from doichieu import _engine
from doichieu.dedup import SkippedBlock
from doichieu.spark.clusters import clusters_of
from doichieu.spark.keys import appending
from doichieu.spark_options import SHUFFLE_PARTITIONS
from doichieu.vocabulary import BLOCK_KINDS, DEDUP_COLUMNS, ROSTER_COLUMNS

__all__ = ["CLUSTER_BOUND", "TRAINING_MEMBERS", "SparkDuplicates", "dedupe"]

#: Members the model is trained on when none is given: the whole roster up to
#: this many, a fixed sample of about this many past it. A province's worth:
#: one machine trains on as many in some seconds.
TRAINING_MEMBERS = 250_000
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
    warnings: list[SkippedBlock]
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


#: A bucket's answer: the kept pairs (``SCORED``), each skipped block (``rule``,
#: ``key``, ``seq``, ``members``, ``cap``) and one row counting its candidates
#: (``own``, ``shared``). Rows of one kind leave the other kinds' columns null.
BLOCKS = SCORED + ", rule long, key long, seq long, members long, cap long, own long, shared array<long>"
BLOCKS_ARROW = pa.schema(
    [*SCORED_ARROW, *((c, pa.int64()) for c in ("rule", "key", "seq", "members", "cap"))]
    + [("own", pa.int64()), ("shared", pa.list_(pa.int64()))]
)


def _of_blocks(n: int, columns: dict[str, Any]) -> pa.Table:
    """``n`` rows of ``BLOCKS_ARROW`` with ``columns`` and nulls elsewhere."""
    return pa.table(
        [columns[f.name] if f.name in columns else pa.nulls(n, f.type) for f in BLOCKS_ARROW], schema=BLOCKS_ARROW
    )


def _blocks(
    present: tuple[str, ...], members: int, model: dict[str, Any], threshold: float, strong: float, cap: int
) -> Callable[[pa.Table], pa.Table]:
    def blocks(people: pa.Table) -> pa.Table:
        # A member alone under its key has no pair under this rule: left out before the engine reads it.
        _, where, sizes = np.unique(people.column("key").to_numpy(), return_inverse=True, return_counts=True)
        people = people.filter(pa.array(sizes[where] > 1)).sort_by("row")
        if people.num_rows == 0:
            return BLOCKS_ARROW.empty_table()
        rule = people.column("rule")[0].as_py()
        found = _engine.dedup_rule_blocks(
            {c: people.column(c) for c in present},
            rule,
            people.column("name_count"),
            members,
            _engine.DedupModel.from_dict(model),
            threshold=threshold,
            strong_threshold=strong,
            max_block_size=cap,
        )
        rows = people.column("row").to_numpy()
        kept, shared = pa.table(found["kept"]), pa.table(found["shared"])
        columns: dict[str, Any] = {c: kept.column(c) for c in SCORED_ARROW.names[2:]}
        columns |= {c: pa.array(rows[kept.column(c).to_numpy()]) for c in ("a", "b")}
        said = found["warnings"]
        warnings = {
            "rule": pa.array([rule] * len(said), pa.int64()),
            "key": pa.array([key for key, *_ in said], pa.int64()),
            # A block's warnings in the order its splits said them.
            "seq": pa.array(range(len(said)), pa.int64()),
            "members": pa.array([members for _, _, members, _ in said], pa.int64()),
            "cap": pa.array([cap for *_, cap in said], pa.int64()),
        }
        # Row numbers are far below 2^31: a pair's two in one long.
        packed = (rows[shared.column("a").to_numpy()] << 32) | rows[shared.column("b").to_numpy()]
        counts = {"own": pa.array([found["own"]], pa.int64()), "shared": pa.array([packed], pa.list_(pa.int64()))}
        parts = [_of_blocks(kept.num_rows, columns), _of_blocks(len(said), warnings), _of_blocks(1, counts)]
        return pa.concat_tables(parts)

    return blocks


def _in_table_order(said: list[tuple[int, int, int, int, int]]) -> list[SkippedBlock]:
    """(rule, key, seq, members, cap) → the skipped blocks by rule, then key as unsigned, then seq."""
    ordered = sorted(said, key=lambda r: (r[0], r[1] % UNSIGNED, r[2]))
    return [SkippedBlock(BLOCK_KINDS[rule], members, cap) for rule, _, _, members, cap in ordered]


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
    train the model (``model`` None; a sample of ``TRAINING_MEMBERS`` past
    that many) or for the driver's clustering: with a saved model and past the
    bound it stays in Spark."""
    if present is None:
        present = tuple(c for c in ROSTER_COLUMNS if c in roster.columns)
    # Only what deduplication reads travels: the answers are the same without the rest.
    present = tuple(c for c in present if c in DEDUP_COLUMNS)
    keep = [*DEDUP_COLUMNS, "row"]
    roster = roster.select(*(c if c in roster.columns else F.lit(None).cast("string").alias(c) for c in keep))

    def on_driver(frame: DataFrame) -> dict[str, pl.Series]:
        table = pl.DataFrame(pl.from_arrow(frame.toArrow())).sort("row")
        return {c: table[c] for c in present}

    # Each member with its rule keys, made once here (the count): both sides of
    # the join below would otherwise make it, at the same time.
    keyed = _with_rule_keys(roster, present).persist()
    n = keyed.count()
    columns: dict[str, pl.Series] | None = None
    if model is None:
        if n <= TRAINING_MEMBERS:
            # The whole roster, which the driver's clustering reads again.
            columns = on_driver(roster)
            training = columns
        else:
            # The same sample each run: rows chosen by a hash of their number.
            chosen = F.pmod(F.xxhash64("row"), F.lit(n)) < TRAINING_MEMBERS
            training = on_driver(roster.filter(chosen))
        model = _engine.find_roster_duplicates(
            training, threshold=threshold, strong_threshold=strong_threshold, max_block_size=max_block_size
        )["model"]
    least = int(spark.conf.get("spark.sql.shuffle.partitions") or SHUFFLE_PARTITIONS)

    # Each member once per rule key, with its name's count in the whole roster.
    counts = keyed.groupBy("name_key").agg(F.count("*").alias("name_count"))
    people = keyed.join(counts, "name_key").select(*keep, "name_count", F.posexplode("rule_keys").alias("rule", "key"))
    people = people.filter(F.col("key").isNotNull())
    bucket = F.pmod(F.xxhash64("rule", "key"), F.lit(least)).alias("bucket")
    found = (
        people.select("*", bucket)
        .groupBy("rule", "bucket")
        .applyInArrow(_blocks(present, n, model.to_dict(), threshold, strong_threshold, max_block_size), BLOCKS)
        .persist()
    )
    said = found.filter(F.col("members").isNotNull()).select("rule", "key", "seq", "members", "cap").collect()
    warnings = _in_table_order([tuple(r) for r in said])
    tally = found.filter(F.col("own").isNotNull())
    own = tally.agg(F.sum("own")).collect()[0][0] or 0
    shared = tally.select(F.explode("shared").alias("pair")).distinct().count()
    candidate_pairs = int(own) + shared
    kept = found.filter(F.col("a").isNotNull()).select(*SCORED_ARROW.names).dropDuplicates(["a", "b"]).persist()
    kept_pairs = kept.count()
    keyed.unpersist()
    found.unpersist()
    tables: tuple[pl.DataFrame, pl.DataFrame] | None = None
    frames: tuple[DataFrame, DataFrame] | None = None
    if kept_pairs <= cluster_bound:
        pairs = pl.DataFrame(pl.from_arrow(kept.select("a", "b").toArrow()))
        kept.unpersist()
        result = _engine.find_roster_duplicates_from(
            columns if columns is not None else on_driver(roster),
            pairs["a"],
            pairs["b"],
            candidate_pairs,
            [w.as_engine() for w in warnings],
            model,
            threshold=threshold,
            strong_threshold=strong_threshold,
            max_block_size=max_block_size,
        )
        tables = (pl.DataFrame(result["pairs"]), pl.DataFrame(result["clusters"]))
    else:
        # Too many for the driver: the tables are made where the pairs are, in the tables' order.
        shared_number = (F.col("type") == "CITIZEN_ID_SHARED").cast("int")
        pairs_frame = kept.orderBy(shared_number, F.col("score").desc(), "a", "b").select(*PAIR_TABLE)
        ids = roster.select("row", "member_id")
        frames = (pairs_frame, clusters_of(kept, ids, strong_threshold))
    return SparkDuplicates(tables, frames, warnings, candidate_pairs, kept_pairs, model)

"""Duplicate pairs into people, in Spark: the engine's clustering
(``engine/src/dedup/cluster.rs``) for more kept pairs than the driver holds.

The engine's rule: only pairs of one person join (never ``CITIZEN_ID_SHARED``),
taken strongest first (probability, unrounded, falling; then rows ``a``, ``b``).
A *strong* pair (probability at least the strong threshold, or
``DUPLICATE_CITIZEN_ID``) always joins; a weak one joins two members only while
both are still alone, so one weak link never chains two people together.

That order-bound rule becomes three steps that need no order across the cluster:

1. A weak pair can only join if it comes before every strong pair of both its
   members (a strong pair always joins, so after it the member is not alone);
   the others are dropped.
2. Among those, the ones that join are the greedy matching in the pairs' order:
   each round keeps every pair that comes first among the remaining pairs of
   both its members (the first remaining pair overall always does), then drops
   the pairs touching the members just matched; until none remain. This is the
   greedy choice exactly: a pair is kept when no earlier pair took a member.
3. The people are the connected components of the strong pairs and the weak
   pairs kept, found by min-label propagation: every member starts with its own
   row as label and takes the smallest label among its pairs' members, until no
   label changes. A component's label is its smallest row.

Numbered as the engine numbers them: from 0 in the order of the smallest row,
each typed by the most specific type (``DUPLICATE_TYPES`` order) among all the
kept one-person pairs inside it, its members listed in row order. Each round's
result is checkpointed (``localCheckpoint``) so the plan stays one round long.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from doichieu.vocabulary import DUPLICATE_TYPES

__all__ = ["clusters_of"]

SHARED = "CITIZEN_ID_SHARED"
ONE_NUMBER = "DUPLICATE_CITIZEN_ID"


def _ends(edges: DataFrame, *carried: str) -> DataFrame:
    """Each edge once per member: (v, carried...)."""
    return edges.select(F.col("a").alias("v"), *carried).unionByName(edges.select(F.col("b").alias("v"), *carried))


def _at(edges: DataFrame, per_member: DataFrame, name: str) -> DataFrame:
    """``edges`` with ``name``_a and ``name``_b: ``per_member``'s ``name`` at each end."""
    for end in ("a", "b"):
        edges = edges.join(per_member.select(F.col("v").alias(end), F.col(name).alias(f"{name}_{end}")), end, "left")
    return edges


def _greedy_matching(weak: DataFrame) -> DataFrame:
    """Step 2: the weak pairs kept (a, b)."""
    remaining = weak.select("a", "b", "order").localCheckpoint()
    kept: DataFrame | None = None
    while not remaining.isEmpty():
        best = _ends(remaining, "order").groupBy("v").agg(F.min("order").alias("best"))
        ends = _at(remaining, best, "best")
        chosen = ends.filter((F.col("order") == F.col("best_a")) & (F.col("order") == F.col("best_b")))
        chosen = chosen.select("a", "b").localCheckpoint()
        kept = chosen if kept is None else kept.unionByName(chosen).localCheckpoint()
        matched = _ends(chosen).distinct()
        remaining = (
            remaining.join(matched.withColumnRenamed("v", "a"), "a", "left_anti")
            .join(matched.withColumnRenamed("v", "b"), "b", "left_anti")
            .localCheckpoint()
        )
    if kept is None:
        return weak.select("a", "b").limit(0)
    return kept


def _labels(links: DataFrame) -> DataFrame:
    """Step 3: (v, label) for every member of a link, label the smallest row of its component."""
    labels = _ends(links).distinct().withColumn("label", F.col("v")).localCheckpoint()
    while True:
        ends = _at(links, labels, "label")
        least = F.least("label_a", "label_b")
        offered = ends.select(F.col("a").alias("v"), least.alias("label")).unionByName(
            ends.select(F.col("b").alias("v"), least.alias("label"))
        )
        new = offered.groupBy("v").agg(F.min("label").alias("label")).localCheckpoint()
        changed = new.join(labels.withColumnRenamed("label", "old"), "v").filter(F.col("label") != F.col("old"))
        labels = new
        if changed.isEmpty():
            return labels


def _numbered(labels: DataFrame) -> DataFrame:
    """(label, cluster_id): the labels numbered from 0 in their order, without one task holding them all."""
    spread = labels.select("label").distinct().repartitionByRange("label")
    spread = spread.withColumn("part", F.spark_partition_id())
    spread = spread.withColumn("k", F.row_number().over(Window.partitionBy("part").orderBy("label")) - 1)
    counts = sorted((r["part"], r["count"]) for r in spread.groupBy("part").count().collect())
    offsets, total = [], 0
    for part, count in counts:
        offsets.append((part, total))
        total += count
    starts = spread.sparkSession.createDataFrame(offsets or [(0, 0)], "part int, start long")
    return spread.join(F.broadcast(starts), "part").select("label", (F.col("start") + F.col("k")).alias("cluster_id"))


def clusters_of(pairs: DataFrame, member_ids: DataFrame, strong_threshold: float) -> DataFrame:
    """The clusters table (cluster_id, member_id, type; members in row order)
    of the kept ``pairs`` (a, b rows, probability, type), as the engine's
    clustering makes it; ``member_ids`` is (row, member_id) of the roster."""
    one = pairs.filter(F.col("type") != SHARED).select("a", "b", "probability", "type").localCheckpoint()
    # Earlier in the engine's order is smaller: probability falling, then rows.
    edges = one.withColumn("order", F.struct((-F.col("probability")).alias("p"), "a", "b"))
    strong = (F.col("probability") >= F.lit(strong_threshold)) | (F.col("type") == ONE_NUMBER)
    firm = edges.filter(strong)
    first_firm = _ends(firm, "order").groupBy("v").agg(F.min("order").alias("first"))
    weak = _at(edges.filter(~strong), first_firm, "first")
    before = (F.col("first_a").isNull() | (F.col("order") < F.col("first_a"))) & (
        F.col("first_b").isNull() | (F.col("order") < F.col("first_b"))
    )
    links = firm.select("a", "b").unionByName(_greedy_matching(weak.filter(before))).localCheckpoint()
    labels = _labels(links)
    ranks = F.array(*(F.lit(t) for t in DUPLICATE_TYPES))
    inside = _at(one, labels, "label").filter(F.col("label_a") == F.col("label_b"))
    kinds = inside.groupBy(F.col("label_a").alias("label")).agg(
        F.min(F.array_position(ranks, F.col("type"))).alias("rank")
    )
    return (
        labels.join(_numbered(labels), "label")
        .join(kinds, "label")
        .join(member_ids.withColumnRenamed("row", "v"), "v")
        .orderBy("v")
        .select("cluster_id", "member_id", F.element_at(ranks, F.col("rank").cast("int")).alias("type"))
    )

"""doichieu on Apache Spark: the cross-check of a national roster against the
whole population, on a cluster (the ``spark`` extra: ``pip install doichieu[spark]``).

``revalidate(spark, roster, population)`` answers with the findings and
verdicts the single-machine path gives, as Spark DataFrames, and
``dedupe(spark, roster, model)`` with its duplicate pairs and clusters; the
Rust engine runs unchanged inside each task on Arrow batches. See docs/spark.md.

One concept per module: ``session`` (the settings), ``layout`` (reading Parquet
with the one reader's checks), ``keys`` (what rows are grouped by), ``check``
(one bucket through the engine), ``revalidate`` (the passes), ``links`` (the
members' ties to citizens), ``dedupe`` (deduplication), ``clusters`` (the
clustering in Spark, past the bound), ``outputs`` (Parquet folders and the
size rule), ``command`` (the ``--engine spark`` commands).
"""

from __future__ import annotations

from doichieu.spark.dedupe import dedupe
from doichieu.spark.layout import SparkTable, read_population, read_roster
from doichieu.spark.revalidate import revalidate
from doichieu.spark.session import session

__all__ = ["SparkTable", "dedupe", "read_population", "read_roster", "revalidate", "session"]

"""The Spark settings the ``--engine spark`` commands offer, with their
defaults. Here, outside ``doichieu.spark`` (whose package loads PySpark), so
that the command line can be built without PySpark: before Spark is needed,
and on a machine without the ``spark`` extra."""

from __future__ import annotations

__all__ = ["DRIVER_MEMORY", "MASTER", "SHUFFLE_PARTITIONS"]

#: Spark on this machine, two cores (a province; docs/spark.md for a cluster).
MASTER = "local[2]"
#: Buckets a grouping spreads over: a few per core for a province, thousands
#: for the national tables.
SHUFFLE_PARTITIONS = 8
#: The driver's JVM heap when this process starts Spark: a province, or a roster
#: of a million members. The national roster needs about 12g (docs/spark.md,
#: "The roster on the driver"); in local mode the tasks and the cache share it.
#: On a cluster spark-submit sets it.
DRIVER_MEMORY = "4g"

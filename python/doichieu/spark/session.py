"""A Spark session for doichieu: the settings its jobs rely on, in one place.

The tasks hand Arrow batches to the Rust engine (``applyInArrow``,
``mapInArrow``), so Arrow must be on and the Python workers must run the
interpreter that has ``doichieu`` installed. On a cluster the same settings go
to ``spark-submit`` (docs/spark.md); this helper is for a local run and tests.
"""

from __future__ import annotations

import os
import sys

from pyspark.sql import SparkSession

from doichieu.spark_options import DRIVER_MEMORY, MASTER, SHUFFLE_PARTITIONS

__all__ = ["SETTINGS", "session"]

#: Settings every doichieu job wants, whatever the master.
SETTINGS: dict[str, str] = {
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # Rows per Arrow batch handed to a Python worker (mapInArrow): a batch's
    # engine call is bulk work, and the worker's memory is bounded by it.
    "spark.sql.execution.arrow.maxRecordsPerBatch": "20000",
    "spark.sql.session.timeZone": "UTC",
    # The commands collect the roster and one answer per member on the driver.
    "spark.driver.maxResultSize": "0",
    "spark.ui.showConsoleProgress": "false",
}


def session(
    master: str = MASTER,
    *,
    shuffle_partitions: int = SHUFFLE_PARTITIONS,
    app_name: str = "doichieu",
    driver_memory: str = DRIVER_MEMORY,
) -> SparkSession:
    """The SparkSession (made, or the active one with these settings applied).

    ``shuffle_partitions`` is the number of buckets a grouping spreads over; a
    few per core is right for a province, thousands for the national tables.
    ``driver_memory`` is the driver's JVM heap, set only when this call starts
    the JVM (Spark's default of 1 GiB loses the results of a million-member
    roster collected on the driver)."""
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in SETTINGS.items():
        builder = builder.config(key, value)
    builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    builder = builder.config("spark.driver.memory", driver_memory)
    if master.startswith("local"):
        # The workers are this machine's: the interpreter that runs this, with doichieu in it
        # (PySpark's context reads the variable, not the setting).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark

"""The keys a Spark run groups rows by, added to each row by the engine in
bulk (``mapInArrow``): a member's citizen ID as the cross-check reads it
(``_engine.roster_keys``: dots, spaces and dashes dropped, lost leading zeros
put back) and the name blocks its candidate search may look in; a population
row's 12-digit number, old 9-digit numbers and the name blocks it is filed
under (``_engine.population_keys``). Block keys are 64-bit hashes (Spark longs)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

from doichieu import _engine
from doichieu.vocabulary import POPULATION_COLUMNS

__all__ = ["with_population_keys", "with_roster_keys"]

Batches = Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]


def _date_tuple(as_of: date) -> tuple[int, int, int]:
    return (as_of.year, as_of.month, as_of.day)


def appending(keys: Callable[[pa.RecordBatch], pa.Table], schema: pa.Schema) -> Batches:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            if batch.num_rows == 0:
                continue
            added = keys(batch).cast(schema)
            columns = batch.columns + [added.column(name).combine_chunks() for name in schema.names]
            yield pa.RecordBatch.from_arrays(columns, names=batch.schema.names + schema.names)

    return run


def with_roster_keys(roster: DataFrame, present: tuple[str, ...], as_of: date) -> DataFrame:
    """``roster`` with citizen_id_kind, id_number (the normalised number) and block_keys."""
    schema = pa.schema(
        [("citizen_id_kind", pa.string()), ("id_number", pa.string()), ("block_keys", pa.list_(pa.int64()))]
    )
    day = _date_tuple(as_of)

    def keys(batch: pa.RecordBatch) -> pa.Table:
        found = pa.table(_engine.roster_keys({c: batch.column(c) for c in present}, as_of=day))
        return found.rename_columns(["citizen_id_kind", "id_number", "block_keys"])

    spark_schema = StructType(
        roster.schema.fields
        + [
            StructField("citizen_id_kind", StringType()),
            StructField("id_number", StringType()),
            StructField("block_keys", ArrayType(LongType())),
        ]
    )
    return roster.mapInArrow(appending(keys, schema), spark_schema)


def with_population_keys(population: DataFrame) -> DataFrame:
    """``population`` with id_number (its 12-digit number), old_ids and block_keys."""
    schema = pa.schema(
        [("id_number", pa.string()), ("old_ids", pa.list_(pa.string())), ("block_keys", pa.list_(pa.int64()))]
    )

    def keys(batch: pa.RecordBatch) -> pa.Table:
        found = pa.table(_engine.population_keys({c: batch.column(c) for c in POPULATION_COLUMNS}))
        return found.rename_columns(["id_number", "old_ids", "block_keys"])

    spark_schema = StructType(
        population.schema.fields
        + [
            StructField("id_number", StringType()),
            StructField("old_ids", ArrayType(StringType())),
            StructField("block_keys", ArrayType(LongType())),
        ]
    )
    return population.mapInArrow(appending(keys, schema), spark_schema)

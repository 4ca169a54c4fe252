"""Reading a roster or a population table from Parquet for a Spark run, with
the one reader's rules.

A table is one Parquet file or a folder of parts (read in path order, as one
table). Before any task starts, the driver applies the single-machine
reader's checks to every part (``check_parts``): each part's headers, read
from its footer, are mapped by ``doichieu.records.canonical_columns`` (the
same ``ColumnError`` for missing, unknown and doubly-mapped columns, naming the
part) and must map as the first part's do, with types Spark reads as one
machine reads them; the cells of each part are judged by
``refuse_double_encoding`` (text encoded twice) on a sample of its first rows. The tasks then
cast every column to text and remove control characters as
``remove_control_characters`` does, so a member reads as it does on one machine.

Every row keeps where it came from (``source_file``, ``source_row`` from 1 in
its part) and its ``row``: its position in the whole table (parts in path
order), the number the single-machine path gives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from doichieu.errors import EmptyFileError, FileFormatError
from doichieu.records import canonical_columns
from doichieu.table_layout import DOUBLE_ENCODING_SAMPLE, SOURCE_COLUMNS, refuse_double_encoding
from doichieu.vocabulary import POPULATION_COLUMNS, POPULATION_REQUIRED, ROSTER_COLUMNS, ROSTER_REQUIRED

__all__ = [
    "CONTROL_PATTERN",
    "PART_SAMPLE",
    "SparkTable",
    "check_parts",
    "parquet_parts",
    "read_population",
    "read_roster",
]

#: The control characters ``remove_control_characters`` removes (tabs and line breaks stay), as a Java regex.
CONTROL_PATTERN = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]"
#: Rows of each part whose cells are judged, at least, when a table has many parts.
PART_SAMPLE = 500


@dataclass(frozen=True)
class SparkTable:
    """A table read for Spark: ``frame`` has the canonical text columns, then
    ``SOURCE_COLUMNS`` and ``row``; ``present`` the canonical columns the source
    has; ``rows`` its row count."""

    frame: DataFrame
    present: tuple[str, ...]
    rows: int
    parts: tuple[Path, ...]


def parquet_parts(path: str | Path) -> tuple[Path, ...]:
    """The Parquet files of a table: the file, or a folder's ``*.parquet`` files
    (in subfolders too) in path order."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(2, "No such file or directory", str(path))
    if path.is_dir():
        parts = tuple(sorted(p for p in path.rglob("*.parquet") if p.is_file()))
        if not parts:
            raise EmptyFileError("spark.no_parts", folder=path)
        return parts
    if path.suffix.lower() not in (".parquet", ".pq"):
        raise FileFormatError("spark.parquet_only", file=path.name)
    return (path,)


def _unreadable(part: Path, exc: Exception) -> FileFormatError:
    detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return FileFormatError("file.unreadable_parquet", file=part.name, detail=detail)


def _schema(part: Path) -> pa.Schema:
    """A part's columns and types, from its footer alone."""
    try:
        return pq.read_schema(part)
    except Exception as exc:  # pyarrow raises its own types for a broken file
        raise _unreadable(part, exc) from exc


def _head(part: Path, rows: int = DOUBLE_ENCODING_SAMPLE) -> pl.DataFrame:
    """The first ``rows`` rows of a part as polars reads them (to judge headers and cells)."""
    try:
        parquet = pq.ParquetFile(part)
        batch = next(parquet.iter_batches(batch_size=rows), None)
        table = batch if batch is not None else parquet.schema_arrow.empty_table()
        head = pl.from_arrow(table)
    except Exception as exc:  # pyarrow raises its own types for a broken file
        raise _unreadable(part, exc) from exc
    assert isinstance(head, pl.DataFrame)
    return head


def _mapping(
    headers: list[str],
    columns: tuple[str, ...],
    required: tuple[str, ...],
    what: str,
    extra: Literal["error", "ignore"],
) -> dict[str, str]:
    """Canonical column → the source's header, by the one reader's rules: a row
    whose cells are the headers themselves goes through ``canonical_columns``,
    which raises its ``ColumnError`` as for a file on one machine."""
    headers = [h for h in headers if h not in SOURCE_COLUMNS]
    probe = pl.DataFrame({h: [h] for h in headers}, schema={h: pl.String for h in headers})
    mapped = canonical_columns(probe, columns, required, what, extra).row(0, named=True)
    return {c: str(h) for c, h in mapped.items() if c in columns and h is not None}


def _readable_as_text(kind: pa.DataType) -> bool:
    """Types Spark casts to the text one machine reads (polars' cast to text):
    text, whole numbers, dates, true/false, and a column of nulls. Floats,
    times and nested values read differently there, so they are refused."""
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_string_view(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_date32(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_null(kind)
    )


def _same_reading(a: pa.DataType, b: pa.DataType) -> bool:
    """Whether Spark reads the two types of one column in two parts as one."""
    text = (pa.types.is_string, pa.types.is_large_string, pa.types.is_string_view)
    return bool(a == b or (any(t(a) for t in text) and any(t(b) for t in text)) or pa.types.is_null(b))


def check_parts(
    parts: tuple[Path, ...],
    columns: tuple[str, ...],
    required: tuple[str, ...],
    kind: str,
    extra: Literal["error", "ignore"],
) -> dict[str, str]:
    """The single-machine reader's checks over the whole dataset, before any
    task starts; returns the first part's column mapping. Every part's footer
    (cheap): its headers mapped as one machine maps a file's (the same
    ``ColumnError`` naming the part), the same mapping as the first part's, and
    column types Spark reads as one machine does. Then the cells of every part,
    each judged as a file (``refuse_double_encoding``) on a sample of its first
    rows: ``DOUBLE_ENCODING_SAMPLE`` rows for a single part, as on one machine;
    spread over many parts, at least ``PART_SAMPLE`` rows of each."""
    first = parts[0]
    rows = max(PART_SAMPLE, DOUBLE_ENCODING_SAMPLE // len(parts))
    head = _head(first, min(rows, DOUBLE_ENCODING_SAMPLE) if len(parts) > 1 else DOUBLE_ENCODING_SAMPLE)
    if head.width <= 1:
        raise EmptyFileError("file.no_columns", file=first.name)
    # In the single-machine reader's order: the cells' encoding, then the headers.
    refuse_double_encoding(head, first.name)
    chosen = _mapping(head.columns, columns, required, f"{kind} {first.name}", extra)
    schemas = [_schema(p) for p in parts]
    types = {h: schemas[0].field(h).type for h in chosen.values()}
    for part, schema in zip(parts, schemas):
        if part != first:
            if len(schema.names) <= 1:
                raise EmptyFileError("file.no_columns", file=part.name)
            if _mapping(schema.names, columns, required, f"{kind} {part.name}", extra) != chosen:
                raise FileFormatError("spark.parts_differ", file=part.name, first=first.name)
        for header in chosen.values():
            found = schema.field(header).type
            if not _readable_as_text(found):
                raise FileFormatError("spark.column_type", file=part.name, column=header, type=str(found))
            if not _same_reading(types[header], found):
                raise FileFormatError(
                    "spark.column_types_differ", file=part.name, column=header, type=str(found), first=first.name
                )
    for part in parts[1:]:
        refuse_double_encoding(_head(part, rows), part.name)
    return chosen


def _read(
    spark: SparkSession,
    path: str | Path,
    kind: Literal["roster", "population"],
    extra_columns: Literal["error", "ignore"],
) -> SparkTable:
    parts = parquet_parts(path)
    columns, required = (
        (ROSTER_COLUMNS, ROSTER_REQUIRED) if kind == "roster" else (POPULATION_COLUMNS, POPULATION_REQUIRED)
    )
    chosen = check_parts(parts, tuple(columns), tuple(required), kind, extra_columns)
    raw = spark.read.parquet(*(str(p) for p in parts)).select(
        *(F.col(f"`{h}`") for h in chosen.values()),
        F.col("_metadata.file_path").alias("_part"),
        F.col("_metadata.row_index").alias("_index"),
    )
    # Row numbers continue across parts in path order (a small job counts each part's rows).
    counts = sorted((r["_part"], r["count"]) for r in raw.groupBy("_part").count().collect())
    if not counts or sum(n for _, n in counts) == 0:
        raise EmptyFileError("file.no_rows", file=parts[0].name)
    offsets, total = [], 0
    for part, n in counts:
        offsets.append((part, total))
        total += n
    starts = spark.createDataFrame(offsets, "_part string, _start long")

    def text(c: str) -> Column:
        if c not in chosen:
            return F.lit(None).cast("string").alias(c)
        return F.regexp_replace(F.col(f"`{chosen[c]}`").cast("string"), CONTROL_PATTERN, "").alias(c)

    source_row = (F.col("_index") + 1).cast("long")
    frame = raw.join(F.broadcast(starts), "_part").select(
        *(text(c) for c in columns),
        F.regexp_extract(F.col("_part"), r"([^/]*)$", 1).alias("source_file"),
        F.lit("").alias("source_sheet"),  # as TableReading has it for a file without sheets
        source_row.alias("source_row"),
        (F.col("_start") + F.col("_index")).alias("row"),
    )
    present = tuple(c for c in columns if c in chosen)
    if kind == "roster" and "member_id" not in chosen:
        # As read_roster: a roster without member IDs knows each member by its row.
        frame = frame.withColumn("member_id", F.format_string("dòng %d", F.col("source_row")))
        present = tuple(c for c in columns if c in chosen or c == "member_id")
    return SparkTable(frame=frame, present=present, rows=total, parts=parts)


def read_roster(
    spark: SparkSession, path: str | Path, extra_columns: Literal["error", "ignore"] = "error"
) -> SparkTable:
    """The roster (a Parquet file or folder of parts) as ``doichieu.records.read_roster`` reads it."""
    return _read(spark, path, "roster", extra_columns)


def read_population(
    spark: SparkSession, path: str | Path, extra_columns: Literal["error", "ignore"] = "error"
) -> SparkTable:
    """The population table (a Parquet file or folder of parts) as ``load_population`` reads it."""
    return _read(spark, path, "population", extra_columns)

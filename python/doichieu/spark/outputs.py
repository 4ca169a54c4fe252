"""The outputs of an ``--engine spark`` command: partitioned Parquet beside the
single-machine files, and the rule for the files too large to write.

Every table also goes out as a folder of Parquet parts (``findings/``,
``verdicts/``, ``pairs/``, ``clusters/``), whatever its size: written by Spark
where the table is in Spark (the duplicates past the clustering bound), by the
driver where the answer is on the driver (``ROWS_PER_PART`` rows a part). The
folders go into the output folder's temporary folder (``OutputFolder``: 0700,
beside the output folder, renamed into place only when the whole run
succeeded); Spark writes its parts there with its own modes, which are then
narrowed to 0600 for files and 0700 for folders, and its checksum and
``_SUCCESS`` files removed, before the folder is renamed into place.

What is written where its size allows (``left_out``):

- CSV files: always (no row limit; a table in Spark is written part by part).
- ``worklist_<owner>.xlsx``: when its rows fit one Excel sheet
  (``EXCEL_ROWS``, the header aside); else left out, its rows being in
  ``findings.csv`` and ``findings/`` (the owner column).
- ``report.html``: when it lists at most ``REPORT_MAX_PAIRS`` duplicate pairs
  (every cluster is shown with the evidence of its pairs; past that the page is
  too large for a browser); else left out.

A file left out is named with the reason in a catalogued note after the summary.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from doichieu.csv_cells import neutralise_formulas
from doichieu.messages import text
from doichieu.output_folder import FILE_MODE, FOLDER_MODE, OutputFolder, create_private

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = [
    "EXCEL_ROWS",
    "REPORT_MAX_PAIRS",
    "ROWS_PER_PART",
    "csv_from_parts",
    "left_out",
    "parts_from_driver",
    "parts_from_spark",
]

#: Rows a driver-written Parquet part holds.
ROWS_PER_PART = 1_000_000
#: Data rows one Excel sheet holds under its header row.
EXCEL_ROWS = 1_048_575
#: Duplicate pairs up to which report.html is written (each listed with its evidence: about 1.3 KB of
#: page a pair, measured on generated provinces; some 130 MB at the limit).
REPORT_MAX_PAIRS = 100_000


def _folder(out: OutputFolder, name: str) -> Path:
    folder = out.temp / name
    os.mkdir(folder, FOLDER_MODE)
    out.files.append(f"{name}/")  # the marker lists a folder with its slash
    return folder


def parts_from_driver(out: OutputFolder, name: str, table: pl.DataFrame) -> Path:
    """``name/`` as Parquet parts of ``ROWS_PER_PART`` rows (one, empty, for an
    empty table: the schema); returns where it will be."""
    with out.naming(name):
        folder = _folder(out, name)
        chunks = list(table.iter_slices(ROWS_PER_PART)) or [table]
        for k, chunk in enumerate(chunks):
            part = folder / f"part-{k:05d}.parquet"
            create_private(part)
            chunk.write_parquet(part)
    return out.path(name)


def _narrowed(folder: Path) -> None:
    """Spark's parts made private, its bookkeeping files removed."""
    for root, dirs, files in os.walk(folder):
        for d in dirs:
            os.chmod(Path(root) / d, FOLDER_MODE)
        for f in files:
            path = Path(root) / f
            if f.endswith(".crc") or f == "_SUCCESS":
                path.unlink()
            else:
                os.chmod(path, FILE_MODE)
    os.chmod(folder, FOLDER_MODE)


def parts_from_spark(out: OutputFolder, name: str, frame: DataFrame) -> Path:
    """``name/`` written by Spark from ``frame`` (parts in the frame's order);
    returns where it will be."""
    with out.naming(name):
        folder = out.temp / name
        out.files.append(f"{name}/")  # the marker lists a folder with its slash
        frame.write.parquet(str(folder))
        _narrowed(folder)
    return out.path(name)


def csv_from_parts(out: OutputFolder, name: str, parts: Path, columns: tuple[str, ...]) -> Path:
    """``name`` (a CSV file) from a folder of Parquet parts, in part order, one
    part at a time: the file ``write_csv_for_people`` writes for the whole table."""
    with out.writing(name) as path, open(path, "wb") as sink:
        files = sorted(parts.glob("*.parquet"))
        for k, part in enumerate(files):
            table = neutralise_formulas(pl.read_parquet(part, columns=list(columns)))
            if k == 0 or table.height:
                table.write_csv(sink, include_header=k == 0)
        if not files:
            pl.DataFrame({c: [] for c in columns}).write_csv(sink)
    return out.path(name)


def left_out(worklist_rows: dict[str, int], pairs: int) -> dict[str, str]:
    """The files too large to write (file name → the catalogued reason)."""
    reasons = {}
    for owner, rows in worklist_rows.items():
        if rows > EXCEL_ROWS:
            reasons[f"worklist_{owner}.xlsx"] = text(
                "spark.left_out_worklist", rows=f"{rows:,}", most=f"{EXCEL_ROWS:,}"
            )
    if pairs > REPORT_MAX_PAIRS:
        reasons["report.html"] = text("spark.left_out_report", pairs=f"{pairs:,}", most=f"{REPORT_MAX_PAIRS:,}")
    return reasons

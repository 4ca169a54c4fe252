"""The work-list writer the engine's replaced (polars + the Python xlsxwriter
package): the baseline `benches/revalidate_stages.py` measures the engine's writer
against (it writes the same rows and legend, all rows on one sheet under their
column codes, where the engine's has a sheet per ward and Vietnamese headers)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from doichieu import worklist as wl

#: The one sheet the replaced writer put every row on.
ROWS_SHEET = "Việc cần làm"


def write_worklist_xlsxwriter(path: Path, owner: str, rows: pl.DataFrame, legend: pl.DataFrame) -> None:
    """The same workbook through polars ``write_excel`` and the Python
    ``xlsxwriter`` package: the writer ``doichieu.revalidate.write_worklist``
    replaced, kept here (not in the package) as the baseline the engine's writer
    is measured against. Unlike it, this one lets xlsxwriter turn text
    that starts with "=" into a formula, so nothing but tests and benches use it."""
    import xlsxwriter  # type: ignore[import-untyped]  # ships no type information

    with xlsxwriter.Workbook(path) as workbook:
        if rows.height == 0:
            rows.write_excel(workbook, worksheet=ROWS_SHEET, autofit=True)
        for part, start in enumerate(range(0, rows.height, wl.SHEET_ROWS), 1):
            name = ROWS_SHEET if rows.height <= wl.SHEET_ROWS else f"{ROWS_SHEET} {part}"
            rows.slice(start, wl.SHEET_ROWS).write_excel(
                workbook, worksheet=name, autofit=rows.height <= 50_000, freeze_panes=(1, 0), autofilter=True
            )
        legend.write_excel(workbook, worksheet=wl.LEGEND_SHEET, autofit=True)
        info = workbook.add_worksheet(wl.INFO_SHEET)
        for row, (label, value) in enumerate(wl._info(owner, rows)):
            info.write(row, 0, label)
            info.write(row, 1, value)

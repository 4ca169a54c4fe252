"""The work-list writer the engine's replaced (polars + the Python xlsxwriter
package): the baseline `benches/revalidate_stages.py` measures the engine's writer
against, and the reference `tests/test_worklist.py` checks its workbooks against."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from doichieu import revalidate as rv


def write_worklist_xlsxwriter(path: Path, owner: str, rows: pl.DataFrame, legend: pl.DataFrame) -> None:
    """The same workbook through polars ``write_excel`` and the Python
    ``xlsxwriter`` package: the writer ``doichieu.revalidate.write_worklist``
    replaced, kept here (not in the package) as the reference the engine's writer
    is tested and measured against. Unlike it, this one lets xlsxwriter turn text
    that starts with "=" into a formula, so nothing but tests and benches use it."""
    import xlsxwriter  # type: ignore[import-untyped]  # ships no type information

    with xlsxwriter.Workbook(path) as workbook:
        if rows.height == 0:
            rows.write_excel(workbook, worksheet=rv.ROWS_SHEET, autofit=True)
        for part, start in enumerate(range(0, rows.height, rv.SHEET_ROWS), 1):
            name = rv.ROWS_SHEET if rows.height <= rv.SHEET_ROWS else f"{rv.ROWS_SHEET} {part}"
            rows.slice(start, rv.SHEET_ROWS).write_excel(
                workbook, worksheet=name, autofit=rows.height <= 50_000, freeze_panes=(1, 0), autofilter=True
            )
        legend.write_excel(workbook, worksheet=rv.LEGEND_SHEET, autofit=True)
        info = workbook.add_worksheet(rv.INFO_SHEET)
        for row, (label, value) in enumerate(rv._info(owner, rows)):
            info.write(row, 0, label)
            info.write(row, 1, value)

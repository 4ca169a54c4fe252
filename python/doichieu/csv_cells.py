"""CSV files that people open in a spreadsheet: no cell may start a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula (and a leading tab or carriage return can hide such
a start), so a member's data could make the data team's spreadsheet compute,
fetch or run something (CSV injection). As the OWASP guidance says, such a
text cell is written with a single quote in front (``'=cmd``): spreadsheets
show it as text, and the value stays readable. Nothing is stripped first, so a
leading tab stays (``'\\t=cmd``) and never turns into a bare ``=cmd``.

Only text columns change, all at once per column (no loop over records);
numbers, dates and IDs that start with a digit are written as they are. The
files a program reads back (the generator's roster and population data) are not
written through here.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

__all__ = ["FORMULA_STARTS", "QUOTE", "neutralise_formulas", "write_csv_for_people"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: What goes in front of such a cell.
QUOTE = "'"

_FORMULA_START = "^[" + "".join("\\" + c if c in "-\\]^" else c for c in FORMULA_STARTS) + "]"


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell that could start a formula quoted."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(_FORMULA_START))
        .then(pl.lit(QUOTE) + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )


def write_csv_for_people(frame: pl.DataFrame, path: str | Path) -> None:
    """Writes ``frame`` as UTF-8 CSV to ``path``, its text cells neutralised."""
    neutralise_formulas(frame).write_csv(path)

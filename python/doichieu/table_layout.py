"""Tables as offices send them: where the members are in a sheet, and where each came from.

An office's roster is rarely a bare table. A title block (the party committee's
name, "DANH SÁCH ĐẢNG VIÊN ĐỀ NGHỊ ĐỔI THẺ ĐẢNG", merged cells, blank lines) sits
above the column headers, a guide sheet ("Hướng dẫn") may come first, and below
the members come blank lines, totals ("Tổng cộng", "Cộng"), the place-and-date
line ("Hà Nội, ngày … tháng … năm …") and the signature block ("Người lập biểu",
"Thủ trưởng đơn vị", "Bí thư" and the signers' names). Cells may hold NUL bytes
and other control characters, and a file may have been encoded as UTF-8 twice.

``doichieu.records.read_table`` reads every cell as text without headers; this
module finds the header row, sets aside the rows that are not members, cleans
the cells and renders Excel's date cells, on whole columns (no loop over rows in
Python), and says what it did (``TableReading``). Every table it returns carries
``SOURCE_COLUMNS``: the file's name, the sheet's name (empty for CSV and
Parquet) and the row number as Excel or a text editor shows it.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from doichieu import _engine, messages
from doichieu.errors import DuplicateHeaderError, FileEncodingError

__all__ = [
    "HEADER_SEARCH_ROWS",
    "MIN_KNOWN_HEADERS",
    "SKIP_REASONS",
    "SOURCE_COLUMNS",
    "HeaderClassifier",
    "TableReading",
    "add_table_arguments",
    "column_letter",
    "columns_with_controls",
    "first_filled_row",
    "header_names",
    "header_index",
    "members_only",
    "refuse_double_encoding",
    "remove_control_characters",
    "render_excel_dates",
    "with_source",
]

#: Where each record came from: file name (no folder), sheet name (empty for CSV
#: and Parquet), row as Excel or a text editor shows it (1-based, header lines counted).
SOURCE_COLUMNS = ("source_file", "source_sheet", "source_row")

#: The header row is looked for in this many rows from the top of a sheet.
HEADER_SEARCH_ROWS = 50

#: A row is the header row when at least this many of its cells are known headers
#: (a title such as "Danh sách đảng viên" is one cell; rosters need more columns).
MIN_KNOWN_HEADERS = 2

#: For each header cell: the column it names, "" when the column is set aside
#: (STT, ghi chú, …), None when unknown. ``doichieu.records`` provides it.
HeaderClassifier = Callable[[Sequence[str]], list[str | None]]

#: Why a row below the headers is not a member; each reason's words are the
#: catalogue's ``reading.skip.<reason>``.
SKIP_REASONS: tuple[str, ...] = ("numbers", "blank", "total", "signature")

# Control characters: C0 but tab, line feed and carriage return (whitespace the
# value rules trim and fold), DEL, and C1 (what a mis-decoded byte leaves behind).
_CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]"
# Any of them, tab and line breaks included: one pass finds the few columns to look at closer.
_ANY_CONTROL = r"[\x00-\x1F\x7F-\x9F]"

# UTF-8 read as Windows-1252 (or Latin-1) and encoded again: the first byte of a
# Vietnamese letter's sequence becomes Ã, Ä, Å or Æ, or á before º/» (U+1EA0–U+1EF9),
# followed by a character no Vietnamese text puts there.
_DOUBLE_ENCODED = (
    r"á[º»]|[ÃÄÅÆ][\x80-\xBF\x{152}\x{153}\x{160}\x{161}\x{178}\x{17D}\x{17E}\x{192}\x{2C6}\x{2DC}"
    r"\x{2013}\x{2014}\x{2018}-\x{201E}\x{2020}-\x{2022}\x{2026}\x{2030}\x{2039}\x{203A}\x{20AC}\x{2122}]"
)
#: Rows sampled to judge whether a whole file was encoded twice.
DOUBLE_ENCODING_SAMPLE = 5_000

# Footer rows, matched on the first cell that holds something. Totals on the
# text in lower case with its marks, so that "Tổng"/"Cộng" never take the
# surname Tống or the name Công (unmarked, only "tong cong" itself); the rest on
# the text folded (no case, no marks, đ as d, punctuation as spaces).
_TOTAL = r"^(tổng cộng|tổng số|tổng|cộng)([\s:.,]|$)|^tong cong(\s|$)"
_SIGNATURE = (
    r"^(nguoi lap( bieu| bang| danh sach| bao cao)?|thu truong( don vi| co quan)?|(pho )?bi thu|t/m|tm|"
    r"xac nhan|ky (ten|ghi|va|dong)|truong ban|chu tich)( |$)"
)
_PLACE_AND_DATE = r"(^|\s)ngay( .*)? thang( .*)? nam( |$)"

# A column's number in the row under the headers: "(1)", "1", "[1]".
_COLUMN_NUMBER = re.compile(r"[(\[]?(\d{1,3})[)\]]?")

# An Excel date cell as calamine renders it for a text column.
_EXCEL_DATE = r"^(\d{4})-(\d{2})-(\d{2}) 00:00:00$"


@dataclass
class TableReading:
    """What the reader chose and set aside in one file, for the terminal and the summary."""

    file: str
    #: The sheet read ("" for CSV and Parquet) and the sheets passed over before it.
    sheet: str = ""
    sheets_passed: tuple[str, ...] = ()
    #: The header row as Excel or a text editor numbers it; 0 when the file has no
    #: header row (Parquet); whether it was found, given by the user or taken as the first row.
    header_row: int = 0
    header_found: str = "found"
    rows: int = 0
    #: Rows set aside below the headers, by reason (``SKIP_REASONS``).
    skipped: dict[str, int] = field(default_factory=dict)
    control_characters: int = 0
    control_cells: int = 0

    def shown(self) -> list[str]:
        """What to tell the user, in the language in force."""
        return self.lines_in(messages.language())

    def lines(self) -> list[tuple[str, str]]:
        """What to tell the user, each line as (Vietnamese, English)."""
        return list(zip(self.lines_in("vi"), self.lines_in("en"), strict=True))

    def lines_in(self, lang: str) -> list[str]:
        """What to tell the user, in ``lang``, from the catalogue's ``reading.`` messages."""

        def say(key: str, **values: object) -> str:
            return messages.text_in(lang, key, **values)

        where = say("reading.read", file=self.file)
        if self.sheet:
            where += say("reading.sheet", sheet=self.sheet)
        if self.header_row:
            where += say(f"reading.header_{self.header_found}", row=self.header_row)
        out = [where + say("reading.rows", rows=self.rows)]
        if self.sheets_passed:
            out.append(say("reading.sheets_passed", sheets=", ".join(f"'{s}'" for s in self.sheets_passed)))
        if self.header_row > 1:
            out.append(say("reading.title_rows", rows=self.header_row - 1))
        total = sum(self.skipped.values())
        if total:
            reasons = ", ".join(say(f"reading.skip.{k}", count=n) for k, n in self.skipped.items() if n)
            out.append(say("reading.skipped", total=total, reasons=reasons))
        if self.control_characters:
            out.append(say("reading.controls", characters=self.control_characters, cells=self.control_cells))
        return out


def column_letter(index: int) -> str:
    """Excel's name of the 0-based column ``index`` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _cells(frame: pl.DataFrame, row: int) -> list[str]:
    return ["" if v is None else str(v).strip().lstrip("\ufeff") for v in frame.row(row)]


def header_index(head: pl.DataFrame, classify: HeaderClassifier) -> int | None:
    """The first row of ``head`` (text cells, no headers) with at least
    ``MIN_KNOWN_HEADERS`` known headers, or None."""
    for i in range(head.height):
        cells = [c for c in _cells(head, i) if c]
        if len(cells) >= MIN_KNOWN_HEADERS and sum(1 for k in classify(cells) if k) >= MIN_KNOWN_HEADERS:
            return i
    return None


def first_filled_row(head: pl.DataFrame) -> int:
    """The first row with anything in it (0 when there is none)."""
    filled = head.select(pl.any_horizontal(pl.all().str.contains(r"\S").fill_null(False))).to_series()
    hits = filled.arg_true()
    return int(hits[0]) if hits.len() else 0


def header_names(
    frame: pl.DataFrame, row: int, classify: HeaderClassifier, file: str, letters: bool
) -> tuple[list[str], list[bool]]:
    """The headers on ``row`` as column names, and which columns are set aside
    (STT, ghi chú, …). A blank header is named after its column, so it is set
    aside too; the same header written twice is a ``DuplicateHeaderError`` naming both columns."""
    cells = _cells(frame, row)

    def where(i: int) -> str:
        return column_letter(i) if letters else str(i + 1)

    kinds = classify(cells)
    names: list[str] = []
    seen: dict[str, int] = {}
    doubled: list[tuple[str, int, int]] = []
    for i, (cell, kind) in enumerate(zip(cells, kinds)):
        if not cell:
            names.append(f"({where(i)})")
            continue
        if cell in seen and kind != "":
            doubled.append((cell, seen[cell], i))
        seen.setdefault(cell, i)
        names.append(cell if cell not in names else f"{cell} ({where(i)})")
    if doubled:
        raise DuplicateHeaderError(file, tuple((h, where(a), where(b)) for h, a, b in doubled))
    return names, [k == "" for k in kinds]


def refuse_double_encoding(frame: pl.DataFrame, file: str) -> None:
    """Raises ``FileEncodingError`` when the text cells, judged on a sample of
    ``DOUBLE_ENCODING_SAMPLE`` rows, read as UTF-8 encoded twice ("Nguyá»…n" for
    "Nguyễn") in at least half of the cells that hold letters beyond ASCII."""
    text = [c for c, t in frame.schema.items() if t == pl.String]
    if not text:
        return
    sample = frame.head(DOUBLE_ENCODING_SAMPLE)
    counts = sample.select(
        pl.sum_horizontal(pl.col(c).str.contains(_DOUBLE_ENCODED).sum() for c in text).alias("twice"),
        pl.sum_horizontal(pl.col(c).str.contains(r"[^\x00-\x7F]").sum() for c in text).alias("accented"),
    ).row(0)
    twice, accented = int(counts[0] or 0), int(counts[1] or 0)
    if twice and 2 * twice >= accented:
        raise FileEncodingError("file.encoded_twice", file=file, twice=twice, accented=accented)


def columns_with_controls(frame: pl.DataFrame) -> list[str]:
    """The text columns with a control character in some cell (tabs and line
    breaks included): the only ones ``remove_control_characters`` and the line
    count of a text file need to look at."""
    text = [c for c, t in frame.schema.items() if t == pl.String]
    if not text:
        return []
    # The engine looks for ``_ANY_CONTROL`` eight bytes at a time: at national
    # size the regular expression was most of the time it took to read a file.
    found = _engine.columns_with_controls([frame[c] for c in text])
    return [c for c, hit in zip(text, found) if hit]


def remove_control_characters(frame: pl.DataFrame, suspects: Sequence[str]) -> tuple[pl.DataFrame, int, int]:
    """``frame`` without control characters in the text cells of the
    ``suspects`` columns (``columns_with_controls``; NUL and the like; tabs and
    line breaks stay, as whitespace), with the number of characters removed and
    of cells they were in."""
    if not suspects:
        return frame, 0, 0
    found = frame.select(pl.col(c).str.count_matches(_CONTROL).sum().alias(c) for c in suspects).row(0)
    dirty = [c for c, n in zip(suspects, found) if n]
    if not dirty:
        return frame, 0, 0
    cells = frame.select(pl.sum_horizontal(pl.col(c).str.contains(_CONTROL).sum() for c in dirty)).item()
    cleaned = frame.with_columns(pl.col(c).str.replace_all(_CONTROL, "") for c in dirty)
    return cleaned, int(sum(n for n in found if n)), int(cells)


def render_excel_dates(frame: pl.DataFrame) -> pl.DataFrame:
    """Excel's date cells as dd/mm/yyyy (calamine renders them as
    "1950-01-01 00:00:00" in a text column)."""
    text = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(pl.col(c).str.replace(_EXCEL_DATE, "$3/$2/$1") for c in text)


def _folded(expr: pl.Expr) -> pl.Expr:
    return (
        expr.str.normalize("NFD")
        .str.replace_all(r"\p{Mn}", "")
        .str.to_lowercase()
        .str.replace_all("đ", "d")
        .str.replace_all(r"[^a-z0-9/]+", " ")
        .str.strip_chars()
    )


def _numbers_columns(cells: Sequence[str | None]) -> bool:
    """Whether a row numbers the columns under the headers, as forms do:
    "(1)", "(2)", "(3)", … (or 1, 2, 3, …) from left to right, at least three."""
    filled = [c.strip() for c in cells if c is not None and c.strip()]
    numbers = [m.group(1) for m in (_COLUMN_NUMBER.fullmatch(c) for c in filled) if m]
    if len(filled) < 3 or len(numbers) != len(filled):
        return False
    values = [int(n) for n in numbers]
    return all(b == a + 1 for a, b in zip(values, values[1:]))


def members_only(body: pl.DataFrame, set_aside: Sequence[bool]) -> tuple[pl.DataFrame, dict[str, int]]:
    """The rows of ``body`` (text cells below the headers, a ``source_row``
    column last) that may be members, and how many of the others were set aside
    by reason: the row numbering the columns right under the headers ("(1)",
    "(2)", …), blank (nothing but in set-aside columns such as STT), totals
    ("Tổng cộng", "Cộng"), and from the first place-and-date or signature line
    on, every row that does not look like a member (the signers' titles and names).

    A row looks like a member when at least half of the columns read (not set
    aside) hold something; such a row is never set aside."""
    data = [c for c, aside in zip(body.columns, set_aside) if not aside and c not in SOURCE_COLUMNS]
    if not data or body.height == 0:
        return body, {k: 0 for k in SKIP_REASONS}
    numbered = _numbers_columns(body.select(pl.exclude(SOURCE_COLUMNS)).row(0))
    if numbered:
        body = body.slice(1)
    member_like = max(2, math.ceil(len(data) / 2))
    # Cells that are not empty, counted cheaply; only the few short rows need a
    # closer look, where a cell of spaces counts as empty.
    nonempty = pl.sum_horizontal((pl.col(c).str.len_bytes().fill_null(0) > 0) for c in data)
    filled_cells = [pl.col(c).str.contains(r"\S").fill_null(False) for c in data]
    short = (
        body.with_row_index("__at")
        .filter(nonempty < member_like)
        .with_columns(pl.sum_horizontal(filled_cells).alias("__filled"))
    )
    first = pl.coalesce([pl.when(f).then(pl.col(c)) for f, c in zip(filled_cells, data)])
    looked = short.select(
        "__at",
        (pl.col("__filled") == 0).alias("blank"),
        first.str.normalize("NFC").str.to_lowercase().str.strip_chars().alias("lower"),
        _folded(first).alias("first"),
    ).with_columns(
        pl.col("lower").str.contains(_TOTAL).fill_null(False).alias("total"),
        (pl.col("first").str.contains(_SIGNATURE) | pl.col("first").str.contains(_PLACE_AND_DATE))
        .fill_null(False)
        .alias("signs"),
    )
    signature_from = looked.filter(pl.col("signs"))["__at"].min()
    in_signature = pl.lit(False) if signature_from is None else (pl.col("__at") >= signature_from) & ~pl.col("blank")
    marked = looked.with_columns(in_signature.alias("signature"))
    marked = marked.with_columns((pl.col("total") & ~pl.col("signature") & ~pl.col("blank")).alias("total"))
    drop = marked.filter(pl.col("blank") | pl.col("total") | pl.col("signature"))["__at"]
    counts = {
        "numbers": int(numbered),
        "blank": int(marked["blank"].sum()),
        "total": int(marked["total"].sum()),
        "signature": int(marked["signature"].sum()),
    }
    if drop.len() == 0:
        return body, counts
    kept = body.with_row_index("__at").filter(~pl.col("__at").is_in(drop.implode())).drop("__at")
    return kept, counts


def with_source(table: pl.DataFrame, roster: pl.DataFrame, row: str = "row") -> pl.DataFrame:
    """``table`` with the source columns of the roster rows its ``row`` column
    points at; blank where the roster carries none (a table given in memory)."""
    if table.height == 0 or not set(SOURCE_COLUMNS) <= set(roster.columns):
        return table.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in SOURCE_COLUMNS)
    at = table[row]
    return table.with_columns(roster[c].gather(at).alias(c) for c in SOURCE_COLUMNS)


def _row_number(text: str) -> int:
    try:
        number = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(messages.text("value.row_number", value=text)) from exc
    if number < 1:
        raise argparse.ArgumentTypeError(messages.text("value.row_from_one", value=number))
    return number


def add_table_arguments(parser: argparse.ArgumentParser, table: str, prefix: str = "") -> None:
    """``--{prefix}sheet`` and ``--{prefix}header-row``: where a table is when
    the reader cannot find it by itself. ``table`` is "roster" or "population"."""
    whose = messages.text(f"table.whose_{table}")
    parser.add_argument(
        f"--{prefix}sheet",
        metavar=messages.text("metavar.sheet"),
        default=None,
        help=messages.text("table.sheet", whose=whose),
    )
    parser.add_argument(
        f"--{prefix}header-row",
        metavar="N",
        type=_row_number,
        default=None,
        help=messages.text("table.header_row", whose=whose),
    )

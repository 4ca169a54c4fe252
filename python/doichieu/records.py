"""Records: a province's party roster cross-checked against the population data.

``load_roster(path)`` and ``load_population(path)`` read CSV (UTF-8), Excel
``.xlsx`` or Parquet into polars tables of text columns under their canonical
names, recognising English snake_case and Vietnamese headers ("Họ và tên",
"Ngày sinh", "Số CCCD", …) whatever their case and accents, wherever the header
row is and whichever sheet holds it (``doichieu.table_layout``); every row keeps
where it came from (``SOURCE_COLUMNS``).
``PopulationIndex(population)`` indexes the population table once in the Rust
engine; ``.verify(member)`` checks one record and ``.verify_all(roster)`` the
whole roster on all cores, answering with a findings table and a verdicts table.
Nothing is checked row by row in Python: the columns go to the engine as Arrow.

Every finding names the field, both values, a message in Vietnamese and English,
a severity (info, review, error) and who must act (party_board, police,
intake_officer); see docs/records.md.
"""

from __future__ import annotations

import codecs
import csv
import errno
import io
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import fastexcel
import polars as pl

from doichieu import _engine
from doichieu.errors import (
    CataloguedError,
    ColumnError,
    EmptyFileError,
    FileEncodingError,
    FileFormatError,
    InvalidInputError,
)
from doichieu.names import NameMatch, compare_names, fold_keys
from doichieu.table_layout import (
    HEADER_SEARCH_ROWS,
    MIN_KNOWN_HEADERS,
    SOURCE_COLUMNS,
    TableReading,
    columns_with_controls,
    first_filled_row,
    header_index,
    header_names,
    members_only,
    refuse_double_encoding,
    remove_control_characters,
    render_excel_dates,
)
from doichieu.vocabulary import (
    OWNER_TITLES,
    OWNERS,
    POPULATION_COLUMNS,
    POPULATION_REQUIRED,
    ROSTER_COLUMNS,
    ROSTER_REQUIRED,
    SEVERITIES,
    VERDICTS,
)

__all__ = [
    "FINDING_COLUMNS",
    "OWNERS",
    "OWNER_TITLES",
    "POPULATION_COLUMNS",
    "ROSTER_COLUMNS",
    "SEVERITIES",
    "SOURCE_COLUMNS",
    "VERDICTS",
    "Candidate",
    "Finding",
    "PopulationIndex",
    "PopulationRecord",
    "TableReading",
    "Verdict",
    "finding_codes",
    "load_population",
    "load_roster",
    "read_roster",
    "read_table",
]

log = logging.getLogger(__name__)

#: A message catalogue key and its values, told after a table's name in a ``ColumnError``.
Hint = tuple[str, dict[str, object]]

#: The columns of a findings table (``findings.csv``), in order.
FINDING_COLUMNS: tuple[str, ...] = (
    "member_id",
    "code",
    "field",
    "severity",
    "owner",
    "party_value",
    "population_value",
    "message_vi",
    "message_en",
)

# Header spellings per column, compared on the name layer's fold key (no case, no
# marks, punctuation as spaces), so "SỐ CCCD", "so cccd" and "Số_CCCD" are one.
_HEADERS: dict[str, tuple[str, ...]] = {
    "member_id": (
        "member_id",
        "member id",
        "mã đảng viên",
        "mã số đảng viên",
        "mã ĐV",
        "số lý lịch",
        "số lý lịch đảng viên",
        "số LLĐV",
        "id",
    ),
    "full_name": ("full_name", "name", "họ và tên", "họ tên", "họ và tên đang dùng", "họ tên đang dùng", "tên"),
    "birth_name": ("birth_name", "họ và tên khai sinh", "họ tên khai sinh", "tên khai sinh"),
    "other_names": ("other_names", "tên gọi khác", "tên khác", "bí danh"),
    "date_of_birth": (
        "date_of_birth",
        "dob",
        "birth date",
        "ngày sinh",
        "ngày tháng năm sinh",
        "ngày, tháng, năm sinh",
        "năm sinh",
    ),
    "gender": ("gender", "sex", "giới tính", "giới", "phái"),
    "citizen_id": (
        "citizen_id",
        "citizen id",
        "số CCCD",
        "CCCD",
        "số căn cước",
        "số căn cước công dân",
        "căn cước công dân",
        "số định danh",
        "số định danh cá nhân",
        "mã định danh",
        "số ĐDCN",
        "số CCCD/CMND",
        "CCCD/CMND",
    ),
    "party_card_number": ("party_card_number", "card number", "số thẻ đảng viên", "số thẻ đảng", "số thẻ", "số thẻ ĐV"),
    "admission_date": ("admission_date", "ngày vào đảng", "ngày kết nạp", "ngày kết nạp đảng", "ngày kết nạp vào đảng"),
    "official_date": (
        "official_date",
        "ngày chính thức",
        "ngày công nhận chính thức",
        "ngày được công nhận chính thức",
        "ngày công nhận đảng viên chính thức",
    ),
    "party_unit": ("party_unit", "chi bộ", "chi bộ sinh hoạt", "tổ chức đảng", "tổ chức cơ sở đảng"),
    "ward": ("ward", "xã/phường", "phường/xã", "xã phường", "phường", "xã", "đơn vị hành chính", "đảng bộ xã/phường"),
    "hometown": ("hometown", "quê quán", "nguyên quán"),
    "status": ("status", "trạng thái", "tình trạng", "tình trạng đảng viên", "loại đảng viên"),
    "old_id_number": (
        "old_id_number",
        "old id",
        "old id number",
        "số CMND",
        "CMND",
        "số CMND cũ",
        "số chứng minh nhân dân",
        "chứng minh nhân dân",
        "số chứng minh",
    ),
}

# Headers that carry nothing the checks use and are common in provincial files
# (row numbers, notes, ethnicity, an index written by pandas): set aside quietly.
_HARMLESS = (
    "stt",
    "tt",
    "số thứ tự",
    "#",
    "ghi chú",
    "notes",
    "note",
    "dân tộc",
    "ethnicity",
    "tôn giáo",
    "religion",
    "index",
    "__index_level_0__",
    "unnamed: 0",
    "",
)

_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_fold_cache: dict[str, dict[str, str]] = {}


def _header_folds(headers: Sequence[str]) -> list[str]:
    cleaned = [_PAREN.sub(" ", h).replace("_", " ") for h in headers]
    return [" ".join(f.split()) for f in fold_keys(cleaned)]


def _alias_table() -> dict[str, str]:
    """Folded header → canonical column (built once)."""
    if "aliases" not in _fold_cache:
        names = [(canon, spelling) for canon, spellings in _HEADERS.items() for spelling in spellings]
        folds = _header_folds([s for _, s in names] + list(_HARMLESS))
        table = {fold: canon for (canon, _), fold in zip(names, folds[: len(names)])}
        for fold in folds[len(names) :]:
            table.setdefault(fold, "")
        _fold_cache["aliases"] = table
    return _fold_cache["aliases"]


def canonical_columns(
    frame: pl.DataFrame,
    columns: Sequence[str],
    required: Sequence[str],
    what: str,
    extra_columns: Literal["error", "ignore"] = "error",
    hint: Hint | None = None,
) -> pl.DataFrame:
    """``frame`` with its headers mapped onto ``columns`` (all present, text, in
    order; optional ones added empty), then the ``SOURCE_COLUMNS`` the frame
    carries. One ``ColumnError`` names every missing, unrecognised and
    doubly-mapped column, with ``hint`` (how the header row was chosen) after the table's name."""
    aliases = _alias_table()
    sources = [c for c in SOURCE_COLUMNS if c in frame.columns]
    headers = [h for h in frame.columns if h not in SOURCE_COLUMNS]
    folds = _header_folds(headers)
    chosen: dict[str, str] = {}
    unknown: list[str] = []
    duplicated: list[str] = []
    for header, fold in zip(headers, folds):
        canon = aliases.get(fold)
        if canon == "":
            continue
        if canon is None or canon not in columns:
            unknown.append(header)
            continue
        if canon in chosen:
            duplicated.append(f"{canon} ({chosen[canon]!r} and {header!r})")
            continue
        chosen[canon] = header
    missing = [c for c in required if c not in chosen]
    if extra_columns == "ignore":
        if unknown:
            log.info("%s: set aside unrecognised columns %s", what, unknown)
        unknown_reported: list[str] = []
    else:
        unknown_reported = unknown
    if missing or unknown_reported or duplicated:
        shown = missing or [c for c in columns if c not in chosen] or list(columns)
        accepted = "; ".join(f"{c}: {', '.join(repr(s) for s in _HEADERS[c][1:5])}" for c in shown)
        raise ColumnError(
            what,
            missing=tuple(missing),
            unknown=tuple(unknown_reported),
            duplicated=tuple(duplicated),
            accepted=accepted,
            hint=hint,
        )
    height = frame.height
    return frame.select(
        (
            pl.col(chosen[c]).cast(pl.String).alias(c)
            if c in chosen
            else pl.repeat(None, height, dtype=pl.String).alias(c)
        )
        for c in columns
    ).with_columns(frame[c] for c in sources)


def classify_headers(cells: Sequence[str]) -> list[str | None]:
    """For each header: the column it names, "" when it is set aside (STT, ghi
    chú, …), None when it is not recognised."""
    aliases = _alias_table()
    return [aliases.get(fold) for fold in _header_folds(cells)]


def _head_text(path: Path) -> str:
    """The start of a text file, checked to be UTF-8 (not UTF-16, not a legacy encoding)."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(head) > 3 and head[1:2] == b"\x00" and head[3:4] == b"\x00"
    ):
        raise FileEncodingError("file.utf16", file=path.name)
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise _encoding_error(path, exc.start) from exc
    return text.lstrip("\ufeff")


def _separator_of(line: str) -> str:
    counts = {sep: line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _csv_header_line(text: str, header_row: int | None) -> tuple[str, int, str]:
    """The separator, the header's line (1-based) and how it was chosen ("given",
    "found", or "first" when no line of the start holds known headers): the
    first record, for the separator that reads the most known headers in it."""
    if header_row is not None:
        lines = text.splitlines()
        if header_row > len(lines):
            raise CataloguedError("file.header_row_past_lines", row=header_row, lines=len(lines))
        return _separator_of(lines[header_row - 1]), header_row, "given"
    best: tuple[int, int, str] | None = None
    for separator in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text), delimiter=separator)
        line = 1
        try:
            for _, record in zip(range(HEADER_SEARCH_ROWS), reader):
                cells = [c.strip() for c in record if c.strip()]
                known = sum(1 for kind in classify_headers(cells) if kind) if len(cells) >= MIN_KNOWN_HEADERS else 0
                if known >= MIN_KNOWN_HEADERS:
                    if best is None or known > best[0]:
                        best = (known, line, separator)
                    break
                line = reader.line_num + 1
        except csv.Error:
            continue
    if best is None:
        return _separator_of(text.split("\n", 1)[0]), 1, "first"
    return best[2], best[1], "found"


def _encoding_error(path: Path, offset: int | None) -> FileEncodingError:
    if offset is None:
        return FileEncodingError("file.not_utf8", file=path.name)
    return FileEncodingError("file.not_utf8_at", file=path.name, offset=offset)


def _check_not_truncated(path: Path, separator: str, columns: int) -> None:
    """A file cut short ends mid-row: its last line, with no newline after it, has
    fewer fields than the header (polars would fill them with nulls)."""
    with open(path, "rb") as f:
        f.seek(0, io.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - (1 << 16)))
        tail = f.read()
    if not tail or tail.endswith((b"\n", b"\r")):
        return
    last = tail.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")
    fields = next(csv.reader([last], delimiter=separator), [])
    if len(fields) < columns:
        raise FileFormatError("file.truncated", file=path.name, fields=len(fields), columns=columns)


def _read_csv(path: Path, header_row: int | None) -> tuple[pl.DataFrame, int, int, str]:
    """Every cell of a CSV file from its header line on, as text without headers;
    the header's line, its index in the frame (0 unless no header was found) and how it was chosen."""
    separator, line, how = _csv_header_line(_head_text(path), header_row)
    try:
        raw = pl.read_csv(
            path, has_header=False, infer_schema=False, separator=separator, encoding="utf8", skip_lines=line - 1
        )
    except pl.exceptions.NoDataError as exc:
        raise EmptyFileError("file.no_header", file=path.name) from exc
    except pl.exceptions.ComputeError as exc:
        message = str(exc)
        if "utf-8" in message.lower() or "utf8" in message.lower():
            raise _encoding_error(path, None) from exc
        if "not properly escaped" in message or "more fields" in message:
            first = message.split("\n\n")[-1].strip().splitlines()[-1] if "\n" in message else message
            raise FileFormatError("file.broken_csv", file=path.name, detail=first[:200]) from exc
        raise FileFormatError("file.unreadable_csv", file=path.name, detail=message.splitlines()[0][:200]) from exc
    _check_not_truncated(path, separator, raw.width)
    at = 0
    if how == "first":
        at = first_filled_row(raw.head(HEADER_SEARCH_ROWS))
        line += at
    return raw, line, at, how


def _excel_failure(path: Path, exc: Exception) -> FileFormatError:
    detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return FileFormatError("file.unreadable_xlsx", file=path.name, detail=detail)


def _read_xlsx(
    path: Path, sheet: str | int | None, header_row: int | None
) -> tuple[pl.DataFrame, str, tuple[str, ...], int, str]:
    """Every cell of the sheet holding the roster, as text without headers (row
    0 is the sheet's first row), its name, the sheets passed over before it, the
    header's index and how it was chosen.

    Without ``sheet``, the first visible sheet whose first ``HEADER_SEARCH_ROWS``
    rows hold known headers (a guide or cover sheet is passed over), else the
    first visible sheet; ``sheet`` is a name or a number from 1."""
    try:
        workbook = fastexcel.read_excel(path)
        names = workbook.sheet_names

        def load(at: int, rows: int | None = None) -> fastexcel.ExcelSheet:
            return workbook.load_sheet(at, header_row=None, skip_rows=0, n_rows=rows, dtypes="string")

        passed: list[str] = []
        chosen: int | None = None
        found: int | None = None
        if sheet is not None:
            chosen = _sheet_number(path, names, sheet)
        else:
            for at, name in enumerate(names):
                head = load(at, HEADER_SEARCH_ROWS)
                if head.visible != "visible":
                    continue
                frame = head.to_polars()
                found = header_index(frame, classify_headers) if frame.width else None
                if found is not None:
                    chosen = at
                    break
                passed.append(name)
            if chosen is None:
                visible = [at for at, name in enumerate(names) if name in passed]
                chosen, passed = (visible[0] if visible else 0), []
        raw = load(chosen).to_polars()
    except (FileFormatError, MemoryError, InvalidInputError):
        raise
    except Exception as exc:  # fastexcel raises its own types for corrupt workbooks
        raise _excel_failure(path, exc) from exc
    name = names[chosen]
    if raw.width == 0 or raw.height == 0:
        raise EmptyFileError("file.named_sheet_empty", file=path.name, sheet=name)
    if header_row is not None:
        if header_row > raw.height:
            raise CataloguedError("file.header_row_past_sheet", row=header_row, sheet=name, rows=raw.height)
        return raw, name, tuple(passed), header_row - 1, "given"
    if found is None:
        found = header_index(raw.head(HEADER_SEARCH_ROWS), classify_headers)
    if found is None:
        return raw, name, tuple(passed), first_filled_row(raw.head(HEADER_SEARCH_ROWS)), "first"
    return raw, name, tuple(passed), found, "found"


def _sheet_number(path: Path, names: Sequence[str], sheet: str | int) -> int:
    """The index of ``sheet`` (a name, any case, or a number from 1) among ``names``."""
    text = str(sheet).strip()
    for at, name in enumerate(names):
        if name == text:
            return at
    for at, name in enumerate(names):
        if name.casefold() == text.casefold():
            return at
    if text.isdigit() and 1 <= int(text) <= len(names):
        return int(text) - 1
    listed = ", ".join(f"{i}: '{n}'" for i, n in enumerate(names, start=1))
    raise CataloguedError("file.no_such_sheet", file=path.name, sheet=text, sheets=listed)


def _line_breaks_before(raw: pl.DataFrame, suspects: Sequence[str]) -> pl.Series | None:
    """For each row of a text file's table, the line breaks inside quoted cells
    of the rows before it (each one puts the next rows a line further down);
    None when no cell of the ``suspects`` columns (``columns_with_controls``) holds one."""
    if not suspects:
        return None
    holding = raw.select(pl.col(c).str.contains("\n", literal=True).any() for c in suspects).row(0)
    broken = [c for c, any_break in zip(suspects, holding) if any_break]
    if not broken:
        return None
    breaks = raw.select(
        pl.sum_horizontal(pl.col(c).str.count_matches("\n", literal=True).fill_null(0) for c in broken)
    ).to_series()
    return (breaks.cum_sum() - breaks).cast(pl.UInt32)


def _table_below_header(
    raw: pl.DataFrame, at: int, first_line: int, reading: TableReading, *, excel: bool
) -> pl.DataFrame:
    """The rows below the header row ``at`` of ``raw`` (text cells, no headers,
    row 0 on line ``first_line``), under the header names, with their
    ``source_row``, cleaned, without the rows that are not members."""
    refuse_double_encoding(raw, reading.file)
    suspects = columns_with_controls(raw)
    breaks = None if excel else _line_breaks_before(raw, suspects)
    raw, reading.control_characters, reading.control_cells = remove_control_characters(raw, suspects)
    names, set_aside = header_names(raw, at, classify_headers, reading.file, letters=excel)
    lines = pl.int_range(first_line, first_line + raw.height, dtype=pl.UInt32, eager=True)
    if breaks is not None:
        lines = lines + breaks
    body = raw.slice(at + 1).rename(dict(zip(raw.columns, names)))
    body = body.with_columns(lines.slice(at + 1).alias("source_row"))
    if excel:
        body = render_excel_dates(body)
    body, reading.skipped = members_only(body, set_aside)
    return body


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    on_read: Callable[[TableReading], None] | None = None,
) -> pl.DataFrame:
    """A table file as text columns under its headers as written, with
    ``SOURCE_COLUMNS`` last: CSV (UTF-8, comma, semicolon or tab), Excel .xlsx
    or Parquet, or a folder of Parquet parts read as one table.

    In CSV and xlsx files the header row is found (``header_row``, as Excel or
    a text editor numbers it, says which it is), the rows above it and the blank,
    totals and signature rows below the members are set aside, control characters
    are removed and Excel's date cells read as dd/mm/yyyy (``doichieu.table_layout``).
    In a workbook, the first sheet with known headers is read unless ``sheet``
    (a name or a number from 1) says which. ``on_read`` is told what was chosen
    and set aside (logged at info level when it is None)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
    # A folder is a Parquet dataset (the parts `generate --national` or Spark write),
    # read whole, its parts in path order as `doichieu.spark.layout.parquet_parts` takes them.
    parts = sorted(p for p in path.rglob("*.parquet") if p.is_file()) if path.is_dir() else [path]
    if not parts:
        raise FileFormatError("file.is_folder", path=path)
    if path.is_file() and path.stat().st_size == 0:
        raise EmptyFileError("file.empty", file=path.name)
    if header_row is not None and header_row < 1:
        raise CataloguedError("file.header_row_from_one", row=header_row)
    suffix = ".parquet" if path.is_dir() else path.suffix.lower()
    excel = suffix in (".xlsx", ".xlsm")
    if sheet is not None and not excel:
        raise CataloguedError("file.sheet_not_excel", file=path.name)
    reading = TableReading(file=path.name)
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            raw, line, at, reading.header_found = _read_csv(path, header_row)
            reading.header_row = line
            frame = _table_below_header(raw, at, line - at, reading, excel=False)
        elif excel:
            raw, reading.sheet, reading.sheets_passed, at, reading.header_found = _read_xlsx(path, sheet, header_row)
            reading.header_row = at + 1
            frame = _table_below_header(raw, at, 1, reading, excel=True)
        elif suffix in (".parquet", ".pq"):
            if header_row is not None:
                raise CataloguedError("file.header_row_parquet", file=path.name)
            try:
                frame = pl.read_parquet(parts) if path.is_dir() else pl.read_parquet(path)
            except (pl.exceptions.ComputeError, pl.exceptions.SchemaError, OSError) as exc:
                detail = str(exc).splitlines()[0][:200]
                raise FileFormatError("file.unreadable_parquet", file=path.name, detail=detail) from exc
            refuse_double_encoding(frame, path.name)
            frame, reading.control_characters, reading.control_cells = remove_control_characters(
                frame, columns_with_controls(frame)
            )
            frame = frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.UInt32).alias("source_row"))
        elif suffix == ".xls":
            raise FileFormatError("file.xls", file=path.name)
        else:
            raise FileFormatError("file.unsupported", file=path.name, suffix=suffix or "—")
    except pl.exceptions.PolarsError as exc:
        raise FileFormatError("file.unreadable", file=path.name, detail=str(exc).splitlines()[0][:200]) from exc
    if frame.width <= 1:
        raise EmptyFileError("file.no_columns", file=path.name)
    if frame.height == 0:
        raise EmptyFileError("file.no_rows", file=path.name)
    reading.rows = frame.height
    frame = frame.with_columns(
        pl.lit(path.name).alias("source_file"), pl.lit(reading.sheet).alias("source_sheet")
    ).select(pl.exclude(SOURCE_COLUMNS), *SOURCE_COLUMNS)
    if on_read is None:
        for vi, en in reading.lines():
            log.info("%s / %s", vi.strip(), en.strip())
    else:
        on_read(reading)
    return frame


def _as_frame(
    source: str | Path | pl.DataFrame,
    sheet: str | int | None,
    header_row: int | None,
    on_read: Callable[[TableReading], None] | None,
) -> tuple[pl.DataFrame, str, Hint | None]:
    """The table, how errors name it and, where the header row was given or no
    row held known headers, a hint saying so and how to point at the right row."""
    if isinstance(source, pl.DataFrame):
        return source, "table", None
    seen: list[TableReading] = []
    frame = read_table(source, sheet=sheet, header_row=header_row, on_read=seen.append)
    reading = seen[0]
    if on_read is None:
        for vi, en in reading.lines():
            log.info("%s / %s", vi.strip(), en.strip())
    else:
        on_read(reading)
    if reading.header_found == "given":
        return frame, reading.file, ("file.header_given", {"row": reading.header_row})
    if reading.header_found == "first":
        return frame, reading.file, ("file.header_not_found", {"rows": HEADER_SEARCH_ROWS, "row": reading.header_row})
    return frame, reading.file, None


def load_roster(
    source: str | Path | pl.DataFrame,
    *,
    extra_columns: Literal["error", "ignore"] = "error",
    sheet: str | int | None = None,
    header_row: int | None = None,
    on_read: Callable[[TableReading], None] | None = None,
) -> pl.DataFrame:
    """The roster (party side) as a table of text columns named as in
    ``ROSTER_COLUMNS``, from a file or a DataFrame with recognisable headers,
    then ``SOURCE_COLUMNS`` (always from a file; from a DataFrame when it has
    them). ``sheet``, ``header_row`` and ``on_read`` are ``read_table``'s."""
    frame, what, hint = _as_frame(source, sheet, header_row, on_read)
    return canonical_columns(frame, ROSTER_COLUMNS, ROSTER_REQUIRED, f"roster {what}", extra_columns, hint)


def read_roster(
    source: str | Path | pl.DataFrame,
    *,
    extra_columns: Literal["error", "ignore"] = "error",
    sheet: str | int | None = None,
    header_row: int | None = None,
    on_read: Callable[[TableReading], None] | None = None,
) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """The roster as ``load_roster`` reads it, and the roster columns the source
    has, in ``ROSTER_COLUMNS`` order: the engine is handed only those, and skips
    the checks that need another. A roster without ``member_id`` has each member
    known by its row as the spreadsheet shows it, "dòng 7" (its ``source_row``; its
    position under the header when the table has none)."""
    frame, what, hint = _as_frame(source, sheet, header_row, on_read)
    table = canonical_columns(frame, ROSTER_COLUMNS, ROSTER_REQUIRED, f"roster {what}", extra_columns, hint)
    aliases = _alias_table()
    has = {aliases.get(fold) for fold in _header_folds([c for c in frame.columns if c not in SOURCE_COLUMNS])}
    if "member_id" not in has:
        row = (
            pl.col("source_row").cast(pl.String)
            if "source_row" in table.columns
            else pl.int_range(2, table.height + 2).cast(pl.String)
        )
        table = table.with_columns(pl.format("dòng {}", row).alias("member_id"))
        has.add("member_id")
    return table, tuple(c for c in ROSTER_COLUMNS if c in has)


def load_population(
    source: str | Path | pl.DataFrame,
    *,
    extra_columns: Literal["error", "ignore"] = "error",
    sheet: str | int | None = None,
    header_row: int | None = None,
    on_read: Callable[[TableReading], None] | None = None,
) -> pl.DataFrame:
    """The population table as text columns named as in ``POPULATION_COLUMNS``,
    then ``SOURCE_COLUMNS`` as ``load_roster`` has them."""
    frame, what, hint = _as_frame(source, sheet, header_row, on_read)
    return canonical_columns(frame, POPULATION_COLUMNS, POPULATION_REQUIRED, f"population {what}", extra_columns, hint)


def finding_codes() -> pl.DataFrame:
    """Every finding code with its severity, usual owner, field and a one-line summary."""
    return pl.DataFrame(_engine.finding_codes())


@dataclass(frozen=True)
class Finding:
    code: str
    field: str
    severity: str
    owner: str
    party_value: str
    population_value: str
    message_vi: str
    message_en: str


@dataclass(frozen=True)
class PopulationRecord:
    """One population row; ``row`` is its position in the population table."""

    row: int
    citizen_id: str
    full_name: str
    other_names: tuple[str, ...]
    date_of_birth: str
    gender: str
    hometown: str
    old_id_number: str

    @classmethod
    def from_dict(cls, row: int, values: Mapping[str, str | None]) -> PopulationRecord:
        other = values.get("other_names") or ""
        return cls(
            row=row,
            citizen_id=values.get("citizen_id") or "",
            full_name=values.get("full_name") or "",
            other_names=tuple(n.strip() for n in other.split(";") if n.strip()),
            date_of_birth=values.get("date_of_birth") or "",
            gender=values.get("gender") or "",
            hometown=values.get("hometown") or "",
            old_id_number=values.get("old_id_number") or "",
        )


@dataclass(frozen=True)
class Candidate:
    """A population record that may be the member, for a person to confirm."""

    record: PopulationRecord
    score: float
    name_kind: str


@dataclass(frozen=True)
class Verdict:
    """The answer for one member: ``verdict`` is accept, review or reject."""

    verdict: str
    findings: tuple[Finding, ...]
    matched: PopulationRecord | None
    name_match: NameMatch | None
    candidates: tuple[Candidate, ...]

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]


def _date_tuple(value: date | None) -> tuple[int, int, int] | None:
    return None if value is None else (value.year, value.month, value.day)


class PopulationIndex:
    """The population table indexed once (lookup by citizen ID and old ID, blocking
    on folded name + birth year); thread-safe and reusable for many rosters.

    ``as_of`` is the reference date for ages and "in the future" (today when None).
    """

    def __init__(
        self,
        population: pl.DataFrame | str | Path,
        *,
        as_of: date | None = None,
        max_candidates: int = 5,
        min_candidate_score: float = 0.6,
        extra_columns: Literal["error", "ignore"] = "error",
    ) -> None:
        frame = load_population(population, extra_columns=extra_columns)
        self._index = _engine.PopulationIndex(
            {c: frame[c] for c in POPULATION_COLUMNS},
            as_of=_date_tuple(as_of),
            max_candidates=max_candidates,
            min_candidate_score=min_candidate_score,
        )
        for warning in self._index.warnings:
            log.warning("%s", warning)

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return repr(self._index)

    @property
    def report(self) -> dict[str, int]:
        """Counts of what the build found in the population table."""
        return self._index.report

    @property
    def warnings(self) -> list[str]:
        return self._index.warnings

    @property
    def as_of(self) -> date:
        return date(*self._index.as_of)

    @property
    def engine(self) -> _engine.PopulationIndex:
        """The compiled index, for callers that speak its column dicts directly."""
        return self._index

    def record(self, row: int) -> PopulationRecord:
        return PopulationRecord.from_dict(row, self._index.record(row))

    def lookup(self, citizen_id: str) -> PopulationRecord | None:
        """The population record of a 12-digit number (spaces, dots, dashes forgiven)."""
        row = self._index.lookup(citizen_id)
        return None if row is None else self.record(row)

    def candidates(
        self,
        full_name: str,
        date_of_birth: str | None = None,
        gender: str | None = None,
        hometown: str | None = None,
    ) -> list[Candidate]:
        """People who may be this person, best first; never an answer on its own."""
        found = self._index.candidates(full_name, date_of_birth, gender, hometown)
        return [Candidate(self.record(row), score, kind) for row, score, kind in found]

    def verify(self, member: Mapping[str, str | None]) -> Verdict:
        """Checks one member (a mapping of roster column names to text or None; empty text is missing)."""
        raw = self._index.verify(member)
        pair = raw["name_pair"]
        return Verdict(
            verdict=raw["verdict"],
            findings=tuple(Finding(**f) for f in raw["findings"]),
            matched=None if raw["matched"] is None else self.record(raw["matched"]),
            name_match=None if pair is None else compare_names(pair[0], pair[1]),
            candidates=tuple(Candidate(self.record(r), s, k) for r, s, k in raw["candidates"]),
        )

    def _run(self, roster: pl.DataFrame) -> dict[str, pl.DataFrame]:
        raw = self._index.verify_all({c: roster[c] for c in ROSTER_COLUMNS})
        # Series built from Arrow take the field's name, not the one given: alias them.
        tables = ("findings", "verdicts", "candidates")
        return {name: pl.DataFrame([pl.Series(v).alias(k) for k, v in raw[name].items()]) for name in tables}

    def verify_all(
        self,
        roster: pl.DataFrame | str | Path,
        *,
        chunk_size: int = 1 << 18,
        on_progress: Callable[[int, int], None] | None = None,
        extra_columns: Literal["error", "ignore"] = "error",
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Checks a whole roster; returns (findings, verdicts).

        findings: member_id, code, field, severity, owner, party_value,
        population_value, message_vi, message_en, and ``row`` (the roster row).
        verdicts: member_id, verdict, matched_citizen_id, name_kind, name_score,
        candidates (list of {citizen_id, full_name, date_of_birth, score,
        name_kind}, best first), and ``row``. One engine call per ``chunk_size``
        members; ``on_progress(done, total)`` after each. The engine builds both
        tables whole (the ones ``doichieu revalidate`` writes); the chunks'
        tables are set end to end without copying.
        """
        if chunk_size < 1:
            raise InvalidInputError(f"chunk_size must be at least 1, got {chunk_size}")
        frame, present = read_roster(roster, extra_columns=extra_columns)
        findings: list[pl.DataFrame] = []
        verdicts: list[pl.DataFrame] = []
        total = frame.height
        for start in range(0, max(total, 1), chunk_size):
            part = frame.slice(start, chunk_size)
            f, v = _engine.verify_tables(self._index, {c: part[c] for c in present}, row_offset=start)
            findings.append(pl.DataFrame(f))
            verdicts.append(pl.DataFrame(v))
            if on_progress is not None:
                on_progress(min(start + chunk_size, total), total)
        return pl.concat(findings, how="vertical", rechunk=False), pl.concat(verdicts, how="vertical", rechunk=False)

    def verify_rows(self, roster: pl.DataFrame) -> list[Verdict]:
        """One ``Verdict`` per roster row, from one engine call (for callers that
        need objects per record, such as the gRPC verifier's streams)."""
        frame = load_roster(roster, extra_columns="ignore")
        raw = self._run(frame)
        f, v, c = raw["findings"], raw["verdicts"], raw["candidates"]
        by_member: list[list[Finding]] = [[] for _ in range(frame.height)]
        for row in f.iter_rows(named=True):
            member = row.pop("member")
            by_member[member].append(Finding(**row))
        cands: list[list[Candidate]] = [[] for _ in range(frame.height)]
        for member, prow, score, kind in c.iter_rows():
            cands[member].append(Candidate(self.record(prow), float(score), kind))
        names = frame["full_name"].to_list()
        births = frame["birth_name"].to_list()
        out: list[Verdict] = []
        for i, (verdict, matched, kind) in enumerate(zip(v["verdict"], v["matched"], v["name_kind"])):
            record = None if matched is None else self.record(matched)
            name_match = None
            if record is not None and kind is not None:
                party = names[i] or births[i]
                # The engine compared the best pair (aliases included); the main names are shown.
                if party:
                    name_match = compare_names(party, record.full_name)
            out.append(Verdict(verdict, tuple(by_member[i]), record, name_match, tuple(cands[i])))
        return out


def owners_of(findings: pl.DataFrame) -> Iterable[str]:
    """The owners present in a findings table, in the documented order."""
    present = set(findings["owner"].unique().to_list()) if findings.height else set()
    return [o for o in OWNERS if o in present]

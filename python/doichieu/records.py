"""Records: a province's party roster cross-checked against the population data.

``load_roster(path)`` and ``load_population(path)`` read CSV (UTF-8), Excel
``.xlsx`` or Parquet into polars tables of text columns under their canonical
names, recognising English snake_case and Vietnamese headers ("Họ và tên",
"Ngày sinh", "Số CCCD", …) whatever their case and accents.
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
import io
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import polars as pl

from doichieu import _engine
from doichieu.errors import (
    ColumnError,
    EmptyFileError,
    FileEncodingError,
    FileFormatError,
    InvalidInputError,
)
from doichieu.names import NameMatch, compare_names, fold_keys
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
    "VERDICTS",
    "Candidate",
    "Finding",
    "PopulationIndex",
    "PopulationRecord",
    "Verdict",
    "finding_codes",
    "load_population",
    "load_roster",
    "read_roster",
    "read_table",
]

log = logging.getLogger(__name__)

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
) -> pl.DataFrame:
    """``frame`` with its headers mapped onto ``columns`` (all present, text, in
    order; optional ones added empty). One ``ColumnError`` names every missing,
    unrecognised and doubly-mapped column."""
    aliases = _alias_table()
    headers = list(frame.columns)
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
        parts = []
        if missing:
            parts.append(f"missing required column(s): {', '.join(missing)}")
        if unknown_reported:
            parts.append(f"unrecognised column(s): {', '.join(repr(u) for u in unknown_reported)}")
        if duplicated:
            parts.append(f"column(s) given twice: {'; '.join(duplicated)}")
        shown = missing or [c for c in columns if c not in chosen] or list(columns)
        accepted = "; ".join(f"{c}: {', '.join(repr(s) for s in _HEADERS[c][1:5])}" for c in shown)
        raise ColumnError(
            f"{what}: {'; '.join(parts)}. Headers accepted (case and accents do not matter) include {accepted}. "
            "Pass extra_columns='ignore' (CLI: --ignore-unknown-columns) to set unrecognised columns aside.",
            missing=tuple(missing),
            unknown=tuple(unknown_reported),
            duplicated=tuple(duplicated),
        )
    height = frame.height
    return frame.select(
        (
            pl.col(chosen[c]).cast(pl.String).alias(c)
            if c in chosen
            else pl.repeat(None, height, dtype=pl.String).alias(c)
        )
        for c in columns
    )


def _sniff_text(path: Path) -> str:
    """Checks the start of a text file is UTF-8 and returns its separator."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(head) > 3 and head[1:2] == b"\x00" and head[3:4] == b"\x00"
    ):
        raise FileEncodingError(
            f"{path.name}: the file is UTF-16 (Excel's 'Unicode Text'); save it as 'CSV UTF-8 (Comma delimited)'"
        )
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise FileEncodingError(_encoding_message(path, exc.start)) from exc
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _encoding_message(path: Path, offset: int | None) -> str:
    where = f" (byte {offset})" if offset is not None else ""
    return (
        f"{path.name}: not UTF-8{where}; it looks like Windows-1258/1252 or a legacy Vietnamese font's bytes. "
        "Re-save it as 'CSV UTF-8' (Excel: File › Save As › CSV UTF-8), or send the .xlsx file itself"
    )


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
        raise FileFormatError(
            f"{path.name}: the file looks truncated: its last line has {len(fields)} of {columns} fields and no line end; "
            "copy or export it again"
        )


def read_table(path: str | Path) -> pl.DataFrame:
    """A table file as text columns, headers as written: CSV (UTF-8, comma,
    semicolon or tab), Excel .xlsx (first sheet) or Parquet."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise FileFormatError(f"{path}: is a folder, not a file")
    if path.stat().st_size == 0:
        raise EmptyFileError(f"{path.name}: the file is empty (0 bytes)")
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            separator = _sniff_text(path)
            try:
                frame = pl.read_csv(path, infer_schema=False, separator=separator, encoding="utf8")
            except pl.exceptions.NoDataError as exc:
                raise EmptyFileError(f"{path.name}: the file has no header and no rows") from exc
            except pl.exceptions.ComputeError as exc:
                message = str(exc)
                if "utf-8" in message.lower() or "utf8" in message.lower():
                    raise FileEncodingError(_encoding_message(path, None)) from exc
                if "not properly escaped" in message or "more fields" in message:
                    first = message.split("\n\n")[-1].strip().splitlines()[-1] if "\n" in message else message
                    raise FileFormatError(
                        f"{path.name}: broken CSV (an unclosed quote or a row with more fields than the header, as in a "
                        f"file cut short or edited by hand): {first[:200]}"
                    ) from exc
                raise FileFormatError(f"{path.name}: cannot be read as CSV ({message.splitlines()[0][:200]})") from exc
            frame = frame.rename(lambda c: c.lstrip("\ufeff"))
            _check_not_truncated(path, separator, frame.width)
        elif suffix in (".xlsx", ".xlsm"):
            try:
                frame = pl.read_excel(path, engine="calamine", infer_schema_length=0)
            except pl.exceptions.NoDataError as exc:
                raise EmptyFileError(f"{path.name}: the first sheet is empty") from exc
            except Exception as exc:  # fastexcel raises its own types for corrupt workbooks
                if isinstance(exc, (FileFormatError, MemoryError)):
                    raise
                detail = str(exc).splitlines()[0][:200]
                raise FileFormatError(
                    f"{path.name}: cannot be opened as an Excel workbook; it may be truncated, password-protected or "
                    f"another format saved as .xlsx ({detail})"
                ) from exc
        elif suffix in (".parquet", ".pq"):
            try:
                frame = pl.read_parquet(path)
            except (pl.exceptions.ComputeError, OSError) as exc:
                detail = str(exc).splitlines()[0][:200]
                raise FileFormatError(
                    f"{path.name}: not a readable Parquet file; it may be truncated ({detail})"
                ) from exc
        elif suffix == ".xls":
            raise FileFormatError(
                f"{path.name}: the old Excel 97–2003 format is not read; open it in Excel and save as .xlsx"
            )
        else:
            raise FileFormatError(
                f"{path.name}: unsupported file type {suffix or '(none)'}; use .csv, .xlsx or .parquet"
            )
    except pl.exceptions.PolarsError as exc:
        raise FileFormatError(f"{path.name}: cannot be read ({str(exc).splitlines()[0][:200]})") from exc
    if frame.width == 0:
        raise EmptyFileError(f"{path.name}: the file has no columns")
    if frame.height == 0:
        raise EmptyFileError(f"{path.name}: the file has column headers but no rows")
    return frame


def _as_frame(source: str | Path | pl.DataFrame) -> tuple[pl.DataFrame, str]:
    if isinstance(source, pl.DataFrame):
        return source, "table"
    return read_table(source), Path(source).name


def load_roster(
    source: str | Path | pl.DataFrame, *, extra_columns: Literal["error", "ignore"] = "error"
) -> pl.DataFrame:
    """The roster (party side) as a table of text columns named as in
    ``ROSTER_COLUMNS``, from a file or a DataFrame with recognisable headers."""
    frame, what = _as_frame(source)
    return canonical_columns(frame, ROSTER_COLUMNS, ROSTER_REQUIRED, f"roster {what}", extra_columns)


def read_roster(
    source: str | Path | pl.DataFrame, *, extra_columns: Literal["error", "ignore"] = "error"
) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """The roster as ``load_roster`` reads it, and the roster columns the source
    has, in ``ROSTER_COLUMNS`` order: the engine is handed only those, and skips
    the checks that need another. A roster without ``member_id`` has each member
    known by its row as a spreadsheet shows it (``dòng 2`` under the header)."""
    frame, what = _as_frame(source)
    table = canonical_columns(frame, ROSTER_COLUMNS, ROSTER_REQUIRED, f"roster {what}", extra_columns)
    aliases = _alias_table()
    has = {aliases.get(fold) for fold in _header_folds(list(frame.columns))}
    if "member_id" not in has:
        table = table.with_columns(pl.format("dòng {}", pl.int_range(2, table.height + 2)).alias("member_id"))
        has.add("member_id")
    return table, tuple(c for c in ROSTER_COLUMNS if c in has)


def load_population(
    source: str | Path | pl.DataFrame, *, extra_columns: Literal["error", "ignore"] = "error"
) -> pl.DataFrame:
    """The population table as text columns named as in ``POPULATION_COLUMNS``."""
    frame, what = _as_frame(source)
    return canonical_columns(frame, POPULATION_COLUMNS, POPULATION_REQUIRED, f"population {what}", extra_columns)


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
    """The population table indexed once (hash on citizen ID and old ID, blocking
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

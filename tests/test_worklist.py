"""The work lists ``doichieu revalidate`` writes, read back with openpyxl as a
spreadsheet program sees them: a file per owner, a sheet per ward and one for
the members not eligible for a card, Vietnamese headers, a bold frozen header
with a filter, every cell text (a value that looks like a formula stays text),
dates dd/mm/yyyy, names as the engine reads them, and the file readable by its
owner only."""

from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from doichieu import _engine
from doichieu import revalidate as rv
from doichieu import worklist as wl
from doichieu.errors import InvalidInputError
from doichieu.generate import generate_province
from doichieu.records import PopulationIndex, finding_codes, load_roster
from doichieu.vocabulary import OWNER_TITLES, OWNERS

MEMBERS = 3_000
AS_OF = date(2025, 9, 1)
#: Values a spreadsheet would run or link if they were not written as text.
FORMULA_LIKE = ("=1+1", '=HYPERLINK("http://example.invalid","x")', "=SUM(A1:A9)", "+1", "-2", "@A1", "=")
HEADERS = [wl.header(c) for c in wl.WORKLIST_COLUMNS]
LEGACY_NAME, NAME_AS_READ = "NguyÔn V¨n Hïng", "Nguyễn Văn Hùng"
TAIL_SHEETS = [wl.LEGEND_SHEET, wl.INFO_SHEET]


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, rv.Revalidation]:
    """A generated province's roster and the engine's answer on it."""
    folder = tmp_path_factory.mktemp("province")
    made = generate_province(folder, members=MEMBERS, seed=7, fmt="csv")
    roster = load_roster(made.roster)
    return roster, rv.revalidate(PopulationIndex(made.population, as_of=AS_OF), roster)


@pytest.fixture(scope="module")
def worklists(
    province: tuple[pl.DataFrame, rv.Revalidation], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[pl.DataFrame, Path]]:
    """Each owner's rows and file, as ``run`` writes them."""
    roster, result = province
    folder = tmp_path_factory.mktemp("lists")
    lists = {}
    for owner in OWNERS:
        rows = rv._worklist(owner, result.findings, roster, result.verdicts)
        path = folder / f"worklist_{owner}.xlsx"
        rv.write_worklist(path, owner, rows, finding_codes())
        lists[owner] = (rows, path)
    return lists


def _values(sheet: Worksheet) -> list[list[str | None]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _data_sheets(path: Path) -> Iterator[Worksheet]:
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[-2:] == TAIL_SHEETS
    for name in book.sheetnames[:-2]:
        yield book[name]


def test_one_file_per_owner_readable_by_its_owner_only(worklists: dict[str, tuple[pl.DataFrame, Path]]) -> None:
    for owner, (rows, path) in worklists.items():
        assert rows.height > 0, owner
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, owner
        book = openpyxl.load_workbook(path)
        info = _values(book[wl.INFO_SHEET])
        assert info[0][1] == OWNER_TITLES[owner]
        assert info[1][1] == rows.height


@pytest.mark.parametrize("owner", OWNERS)
def test_a_sheet_per_ward_and_every_row_on_one(worklists: dict[str, tuple[pl.DataFrame, Path]], owner: str) -> None:
    rows, path = worklists[owner]
    ward_col, member_col = HEADERS.index(wl.header("ward")), HEADERS.index(wl.header("member_id"))
    eligible = rows.filter(pl.col("sheet") != wl.NOT_ELIGIBLE_SHEET)
    wards = eligible["ward"].unique(maintain_order=True).to_list()
    names = []
    read: list[list[str | None]] = []
    for sheet in _data_sheets(path):
        names.append(sheet.title)
        values = _values(sheet)
        assert values[0] == HEADERS
        read.extend(values[1:])
        if sheet.title != wl.NOT_ELIGIBLE_SHEET:
            # The ward of every row is the sheet's: its name, or its name cut to Excel's 31 characters.
            on_sheet = {r[ward_col] for r in values[1:]}
            assert len(on_sheet) == 1
            ward = on_sheet.pop()
            assert sheet.title == wl.NO_WARD_SHEET if ward is None else str(ward).startswith(sheet.title)
    assert len(names) == len(set(names)) == len(wards) + (eligible.height < rows.height)
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert sorted(r[member_col] or "" for r in read) == sorted(rows["member_id"].fill_null("").to_list())
    assert len(read) == rows.height


def test_members_not_eligible_for_a_card_have_their_own_sheet(
    worklists: dict[str, tuple[pl.DataFrame, Path]], province: tuple[pl.DataFrame, rv.Revalidation]
) -> None:
    _, result = province
    not_eligible = set(result.findings.filter(pl.col("code") == wl.NOT_ELIGIBLE_CODE)["member_id"].to_list())
    assert not_eligible
    rows, path = worklists["party_board"]
    book = openpyxl.load_workbook(path)
    assert wl.NOT_ELIGIBLE_SHEET in book.sheetnames
    values = _values(book[wl.NOT_ELIGIBLE_SHEET])
    members = {r[HEADERS.index(wl.header("member_id"))] for r in values[1:]}
    codes = {r[HEADERS.index(wl.header("code"))] for r in values[1:]}
    assert members == not_eligible
    assert wl.NOT_ELIGIBLE_CODE in codes
    # Not on any ward's sheet.
    for sheet in _data_sheets(path):
        if sheet.title != wl.NOT_ELIGIBLE_SHEET:
            assert not {r[HEADERS.index(wl.header("member_id"))] for r in _values(sheet)[1:]} & not_eligible


def test_header_is_bold_frozen_and_filtered_and_columns_sized(
    worklists: dict[str, tuple[pl.DataFrame, Path]],
) -> None:
    _, path = worklists["party_board"]
    book = openpyxl.load_workbook(path)
    for name in book.sheetnames[:-1]:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}", name
        assert all(cell.font.b for cell in sheet[1]), name
        widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
        assert all(6 <= w <= 61 for w in widths), (name, widths)
    ward_sheet = book[book.sheetnames[0]]
    assert ward_sheet.max_column == len(wl.WORKLIST_COLUMNS)
    for column in (wl.DONE_HEADER, wl.NOTE_HEADER, "Việc cần làm", "Ngày sinh", "Số định danh cá nhân"):
        assert column in HEADERS
    # The officer's columns are there and empty.
    done, note = HEADERS.index(wl.DONE_HEADER), HEADERS.index(wl.NOTE_HEADER)
    assert all(r[done] is None and r[note] is None for r in _values(ward_sheet)[1:])


def test_every_cell_is_text_and_dates_read_dd_mm_yyyy(worklists: dict[str, tuple[pl.DataFrame, Path]]) -> None:
    born = HEADERS.index(wl.header("date_of_birth"))
    for _, path in worklists.values():
        dates = []
        for sheet in _data_sheets(path):
            for row in sheet.iter_rows(min_row=2):
                assert all(cell.data_type == "s" or cell.value is None for cell in row)
                dates.append(row[born].value)
        full = [d for d in dates if d and re.fullmatch(r"\d\d/\d\d/\d{4}", d)]
        assert len(full) > 0.9 * len(dates)
        assert not [d for d in dates if d and re.search(r"\d{4}-\d\d-\d\d", d)]


def test_action_per_code_and_the_legend(worklists: dict[str, tuple[pl.DataFrame, Path]]) -> None:
    codes = finding_codes()
    actions = dict(codes.select("code", "action_vi").iter_rows())
    assert all(actions.values())
    rows, path = worklists["intake_officer"]
    assert rows.filter(pl.col("action_vi") != pl.col("code").replace_strict(actions)).height == 0
    legend = _values(openpyxl.load_workbook(path)[wl.LEGEND_SHEET])
    assert legend[0] == [wl.header(c) for c in codes.columns]
    assert "Việc cần làm" in legend[0] and "What to do" in legend[0]
    assert len(legend) == codes.height + 1


def test_name_as_read_date_and_source_beside_the_finding(
    province: tuple[pl.DataFrame, rv.Revalidation], tmp_path: Path
) -> None:
    roster, result = province
    row = int(result.findings.filter(pl.col("owner") == "police")["row"][0])
    typed = roster.with_columns(
        pl.when(pl.int_range(pl.len()) == row).then(pl.lit(LEGACY_NAME)).otherwise("full_name").alias("full_name"),
        pl.when(pl.int_range(pl.len()) == row)
        .then(pl.lit("1950-01-01 00:00:00"))
        .otherwise("date_of_birth")
        .alias("date_of_birth"),
        source_file=pl.lit("roster.xlsx"),
        source_sheet=pl.lit("Danh sách"),
        source_row=pl.int_range(2, pl.len() + 2),
    )
    rows = rv._worklist("police", result.findings, typed, result.verdicts)
    path = tmp_path / "w.xlsx"
    rv.write_worklist(path, "police", rows, finding_codes())
    read = [r for sheet in _data_sheets(path) for r in _values(sheet)[1:]]
    at = {h: HEADERS.index(wl.header(h)) for h in wl.WORKLIST_COLUMNS}
    member = roster["member_id"][row]
    mine = [r for r in read if r[at["member_id"]] == member]
    assert mine
    for r in mine:
        assert r[at["full_name"]] == LEGACY_NAME
        assert r[at["name_as_read"]] == NAME_AS_READ
        assert r[at["date_of_birth"]] == "01/01/1950"
        assert r[at["citizen_id"]] == roster["citizen_id"][row]
        assert r[at["party_card_number"]] == roster["party_card_number"][row]
        assert (r[at["source_file"]], r[at["source_sheet"]], r[at["source_row"]]) == (
            "roster.xlsx",
            "Danh sách",
            str(row + 2),
        )


def test_source_cells_are_blank_when_the_roster_has_no_source(
    province: tuple[pl.DataFrame, rv.Revalidation], tmp_path: Path
) -> None:
    roster, result = province
    bare = roster.drop([c for c in wl.SOURCE_COLUMNS if c in roster.columns])
    path = tmp_path / "worklist_police.xlsx"
    rv.write_worklist(path, "police", rv._worklist("police", result.findings, bare, result.verdicts), finding_codes())
    source = [HEADERS.index(wl.header(c)) for c in wl.SOURCE_COLUMNS]
    for sheet in _data_sheets(path):
        assert all(r[i] is None for r in _values(sheet)[1:] for i in source)


def test_source_cells_say_where_each_member_was_read(worklists: dict[str, tuple[pl.DataFrame, Path]]) -> None:
    _, path = worklists["police"]
    source = [HEADERS.index(wl.header(c)) for c in wl.SOURCE_COLUMNS]
    rows = [r for sheet in _data_sheets(path) for r in _values(sheet)[1:]]
    assert rows and all(r[source[0]] and r[source[2]] and r[source[2]].isdigit() for r in rows)


def _texts(n: int) -> pl.DataFrame:
    values = [FORMULA_LIKE[i % len(FORMULA_LIKE)] for i in range(n)]
    frame = pl.DataFrame({c: values for c in wl.WORKLIST_COLUMNS})
    return frame.with_columns(
        pl.Series("ward", [None, "", *values[2:]], dtype=pl.String), pl.lit("Phường =1").alias("sheet")
    )


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    rows = _texts(len(FORMULA_LIKE) + 3)
    path = tmp_path / "w.xlsx"
    rv.write_worklist(path, "police", rows, finding_codes())
    sheet = openpyxl.load_workbook(path)["Phường =1"]
    written = _values(sheet)[1:]
    expected = rows.select(wl.WORKLIST_COLUMNS).with_columns(pl.all().replace("", None)).rows()
    # The date column shows what the engine cannot read as typed.
    assert [tuple(r) for r in written] == expected
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        assert sheets
        for name in sheets:
            xml = z.read(name).decode("utf-8")
            assert "<f>" not in xml and "<f " not in xml, f"{name} holds a formula"
        assert not [n for n in z.namelist() if "hyperlink" in n.lower() or "calcChain" in n]


def test_sheet_names_are_valid_and_unique_and_long_wards_continue(
    worklists: dict[str, tuple[pl.DataFrame, Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = worklists["party_board"][0].head(9)
    wards = ["Phường 1/2 [cũ]", "phường 1/2 [CŨ]", "Xã " + "Rất Dài " * 6, None]
    sheet = [wards[i % 3] for i in range(6)] + [None, None, None]
    rows = rows.with_columns(pl.Series("sheet", sheet, dtype=pl.String), pl.Series("ward", sheet, dtype=pl.String))
    monkeypatch.setattr(wl, "SHEET_ROWS", 1)
    path = tmp_path / "w.xlsx"
    rv.write_worklist(path, "party_board", rows, finding_codes())
    names = openpyxl.load_workbook(path).sheetnames
    assert names[:2] == ["Phường 1-2 -cũ- 1", "Phường 1-2 -cũ- 2"]
    assert names[2:4] == ["phường 1-2 -CŨ- 1 (2)", "phường 1-2 -CŨ- 2 (2)"]
    assert [len(n) for n in names[4:6]] == [31, 31] and names[4].endswith(" 1") and names[5].endswith(" 2")
    assert names[6:9] == [f"{wl.NO_WARD_SHEET} {i}" for i in (1, 2, 3)]
    assert names[9:] == TAIL_SHEETS
    assert len({n.lower() for n in names}) == len(names)


def test_an_empty_list_keeps_its_headers(worklists: dict[str, tuple[pl.DataFrame, Path]], tmp_path: Path) -> None:
    rows = worklists["police"][0].clear()
    path = tmp_path / "w.xlsx"
    rv.write_worklist(path, "police", rows, finding_codes())
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [wl.NO_WARD_SHEET, *TAIL_SHEETS]
    assert _values(book[wl.NO_WARD_SHEET]) == [HEADERS]


def test_bad_tables_and_paths_are_refused(tmp_path: Path) -> None:
    legend = {c: finding_codes()[c] for c in finding_codes().columns}
    info = [("label", 1)]
    names = {"rows_sheet": "a", "legend_sheet": "b", "info_sheet": "c", "sheet_rows": 10}
    with pytest.raises(InvalidInputError, match="has 1 values"):
        _engine.write_worklist(
            tmp_path / "x.xlsx", {"a": ["x", "y"], "b": ["z"]}, legend, info, sheets=["s", "s"], **names
        )
    with pytest.raises(InvalidInputError, match="has 1 values"):
        _engine.write_worklist(tmp_path / "x.xlsx", {"a": ["x", "y"]}, legend, info, sheets=["s"], **names)
    with pytest.raises(InvalidInputError, match="rows a sheet"):
        _engine.write_worklist(
            tmp_path / "x.xlsx", {"a": ["x"]}, legend, info, sheets=["s"], **{**names, "sheet_rows": 0}
        )
    with pytest.raises(InvalidInputError, match="date column"):
        _engine.write_worklist(tmp_path / "x.xlsx", {"a": ["x"]}, legend, info, sheets=["s"], dates=["b"], **names)
    with pytest.raises(OSError):
        _engine.write_worklist(tmp_path / "missing" / "x.xlsx", {"a": ["x"]}, legend, info, sheets=["s"], **names)

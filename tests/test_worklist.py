"""The work lists ``doichieu revalidate`` writes: the engine's xlsx writer
against the polars/xlsxwriter one it replaced, read back with a real xlsx reader
(fastexcel, through polars), and text that looks like a formula staying text."""

from __future__ import annotations

import re
import sys
import zipfile
from datetime import date
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from doichieu import _engine
from doichieu import revalidate as rv
from doichieu.errors import InvalidInputError
from doichieu.generate import generate_province
from doichieu.records import PopulationIndex, finding_codes, load_roster
from doichieu.vocabulary import OWNER_TITLES, OWNERS

# The writer the engine's replaced lives with the benches (the product does not ship it).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benches"))
from worklist_baseline import write_worklist_xlsxwriter

MEMBERS = 3_000
AS_OF = date(2025, 9, 1)
#: Values a spreadsheet would run or link if they were not written as text.
FORMULA_LIKE = ("=1+1", '=HYPERLINK("http://example.invalid","x")', "=SUM(A1:A9)", "+1", "-2", "@A1", "=")


@pytest.fixture(scope="module")
def worklists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    """Each owner's work list rows for a generated province, as ``run`` builds them."""
    folder = tmp_path_factory.mktemp("province")
    province = generate_province(folder, members=MEMBERS, seed=7, fmt="csv")
    index = PopulationIndex(province.population, as_of=AS_OF)
    roster = load_roster(province.roster)
    result = rv.revalidate(index, roster)
    return {owner: rv._worklist(owner, result.findings, roster, result.verdicts) for owner in OWNERS}


def _sheets(path: Path) -> dict[str, pl.DataFrame]:
    """Every sheet of a workbook as text, read by fastexcel; the information
    sheet (no header) keeps its two columns as read."""
    names = fastexcel.read_excel(path).sheet_names
    return {
        name: pl.read_excel(path, sheet_name=name, infer_schema_length=0, has_header=name != rv.INFO_SHEET)
        for name in names
    }


def _both(tmp_path: Path, owner: str, rows: pl.DataFrame) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    legend = finding_codes()
    engine, reference = tmp_path / f"engine_{owner}.xlsx", tmp_path / f"xlsxwriter_{owner}.xlsx"
    rv.write_worklist(engine, owner, rows, legend)
    write_worklist_xlsxwriter(reference, owner, rows, legend)
    return _sheets(engine), _sheets(reference)


def _as_read(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` as a reader sees them: an empty string is a blank cell, so null."""
    return rows.with_columns(pl.all().replace("", None))


def _assert_same(written: dict[str, pl.DataFrame], reference: dict[str, pl.DataFrame]) -> None:
    assert list(written) == list(reference)
    for name, frame in reference.items():
        assert written[name].columns == frame.columns, name
        assert written[name].equals(frame), name


@pytest.mark.parametrize("owner", OWNERS)
def test_engine_workbook_holds_what_the_xlsxwriter_one_did(
    worklists: dict[str, pl.DataFrame], tmp_path: Path, owner: str
) -> None:
    rows = worklists[owner]
    assert rows.height > 0
    written, reference = _both(tmp_path, owner, rows)
    _assert_same(written, reference)
    assert list(written) == [rv.ROWS_SHEET, rv.LEGEND_SHEET, rv.INFO_SHEET]
    assert written[rv.ROWS_SHEET].columns == list(rv.WORKLIST_COLUMNS)
    assert written[rv.ROWS_SHEET].height == rows.height
    assert written[rv.ROWS_SHEET].equals(_as_read(rows))
    info = written[rv.INFO_SHEET].rows()
    assert info[0][1] == OWNER_TITLES[owner]
    assert info[1][1] == str(rows.height)


def test_long_lists_continue_on_numbered_sheets(
    worklists: dict[str, pl.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = worklists["party_board"]
    per_sheet = rows.height // 3 + 1
    monkeypatch.setattr(rv, "SHEET_ROWS", per_sheet)
    written, reference = _both(tmp_path, "party_board", rows)
    _assert_same(written, reference)
    parts = [f"{rv.ROWS_SHEET} {i}" for i in (1, 2, 3)]
    assert list(written)[:3] == parts
    assert pl.concat([written[p] for p in parts]).equals(_as_read(rows))
    assert [written[p].height for p in parts] == [per_sheet, per_sheet, rows.height - 2 * per_sheet]


def test_an_empty_list_keeps_its_headers(worklists: dict[str, pl.DataFrame], tmp_path: Path) -> None:
    rows = worklists["police"].clear()
    written, reference = _both(tmp_path, "police", rows)
    assert list(written) == list(reference) == [rv.ROWS_SHEET, rv.LEGEND_SHEET, rv.INFO_SHEET]
    for name in (rv.LEGEND_SHEET, rv.INFO_SHEET):
        assert written[name].equals(reference[name]), name
    # One blank row under the header, as the table needs, is read as a row of nulls.
    assert written[rv.ROWS_SHEET].columns == reference[rv.ROWS_SHEET].columns == list(rv.WORKLIST_COLUMNS)
    assert written[rv.ROWS_SHEET].drop_nulls().height == 0


def _texts(n: int) -> pl.DataFrame:
    values = [FORMULA_LIKE[i % len(FORMULA_LIKE)] for i in range(n)]
    frame = pl.DataFrame({c: values for c in rv.WORKLIST_COLUMNS})
    return frame.with_columns(pl.Series("ward", [None, "", *values[2:]], dtype=pl.String))


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    rows = _texts(len(FORMULA_LIKE) + 3)
    path = tmp_path / "w.xlsx"
    rv.write_worklist(path, "police", rows, finding_codes())
    read = _sheets(path)[rv.ROWS_SHEET]
    assert read.equals(_as_read(rows))
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        assert sheets
        for name in sheets:
            xml = z.read(name).decode("utf-8")
            assert "<f>" not in xml and "<f " not in xml, f"{name} holds a formula"
        assert not [n for n in z.namelist() if "hyperlink" in n.lower() or "calcChain" in n]


def test_rows_sheet_layout(worklists: dict[str, pl.DataFrame], tmp_path: Path) -> None:
    """Frozen header row, an autofilter (the table's), widths within bounds."""
    path = tmp_path / "w.xlsx"
    rv.write_worklist(path, "party_board", worklists["party_board"], finding_codes())
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
        table = z.read("xl/tables/table1.xml").decode("utf-8")
    assert re.search(r'<pane ySplit="1" topLeftCell="A2"[^>]*state="frozen"', sheet)
    assert "<autoFilter " in table
    # Neighbouring columns of one width share a <col min= max=> element.
    spans = re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', sheet)
    widths = [float(w) for lo, hi, w in spans for _ in range(int(lo), int(hi) + 1)]
    assert len(widths) == len(rv.WORKLIST_COLUMNS)
    assert all(6 <= w <= 61 for w in widths)


def test_bad_tables_and_paths_are_refused(tmp_path: Path) -> None:
    legend = {c: finding_codes()[c] for c in finding_codes().columns}
    info = [("label", 1)]
    names = {"rows_sheet": "a", "legend_sheet": "b", "info_sheet": "c", "sheet_rows": 10}
    with pytest.raises(InvalidInputError, match="has 1 values"):
        _engine.write_worklist(tmp_path / "x.xlsx", {"a": ["x", "y"], "b": ["z"]}, legend, info, **names)
    with pytest.raises(InvalidInputError, match="rows a sheet"):
        _engine.write_worklist(tmp_path / "x.xlsx", {"a": ["x"]}, legend, info, **{**names, "sheet_rows": 0})
    with pytest.raises(OSError):
        _engine.write_worklist(tmp_path / "missing" / "x.xlsx", {"a": ["x"]}, legend, info, **names)

"""Files as offices send them (issue 15): the header row and the sheet found by
themselves, title, blank, totals and signature rows set aside, where each member
came from, doubled headers, control characters, text encoded twice, date cells."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import doichieu
from doichieu.cli import main
from doichieu.errors import ColumnError, FileEncodingError, InvalidInputError
from doichieu.records import ROSTER_COLUMNS, SOURCE_COLUMNS, TableReading, read_table
from doichieu.table_layout import _ANY_CONTROL, columns_with_controls
from office_files import (
    GUIDE_SHEET,
    HEADER_ROW,
    OFFICE_HEADERS,
    SHEET,
    encoded_twice,
    members,
    office_csv,
    office_workbook,
)
from records_fixtures import AS_OF, population


def read(path: Path, **options: object) -> tuple[pl.DataFrame, TableReading]:
    seen: list[TableReading] = []
    frame = doichieu.load_roster(path, on_read=seen.append, **options)  # type: ignore[arg-type]
    assert len(seen) == 1
    return frame, seen[0]


def test_an_office_workbook_is_read_past_its_guide_title_and_footer(tmp_path: Path) -> None:
    made = office_workbook(tmp_path / "DS doi the.xlsx")
    roster, reading = read(made.path)
    assert roster.columns == [*ROSTER_COLUMNS, *SOURCE_COLUMNS]
    assert roster["member_id"].to_list() == [m["member_id"] for m in members()]
    assert dict(zip(roster["member_id"], roster["source_row"])) == made.rows
    assert set(roster["source_file"]) == {"DS doi the.xlsx"}
    assert set(roster["source_sheet"]) == {SHEET}
    assert reading.sheet == SHEET and reading.sheets_passed == (GUIDE_SHEET,)
    assert reading.header_row == HEADER_ROW and reading.header_found == "found"
    assert reading.skipped == made.skipped
    assert reading.rows == len(members())
    told = "\n".join(f"{vi}\n{en}" for vi, en in reading.lines())
    assert f"trang '{SHEET}', tiêu đề ở dòng {HEADER_ROW}" in told
    assert f"sheet '{SHEET}', headers on row {HEADER_ROW}" in told
    assert f"bỏ qua trang '{GUIDE_SHEET}'" in told
    blank, totals, signature = made.skipped["blank"], made.skipped["total"], made.skipped["signature"]
    every = 1 + blank + totals + signature
    assert (
        f"bỏ qua {every} dòng không phải đảng viên: 1 dòng đánh số cột, {blank} dòng trống, "
        f"{totals} dòng tổng cộng, {signature} dòng ngày tháng, chữ ký" in told
    )
    assert f"skipped {every} rows that are not members: 1 column numbering, {blank} blank" in told
    assert f"bỏ qua {HEADER_ROW - 1} dòng tiêu đề phía trên" in told
    # Every value as the office wrote it (the signers and the totals are no members).
    expected = pl.DataFrame(members(), schema={c: pl.String for c in ROSTER_COLUMNS})
    assert roster.select(ROSTER_COLUMNS).drop("date_of_birth").equals(expected.drop("date_of_birth"))


def test_members_with_few_values_stay_whatever_their_name(tmp_path: Path) -> None:
    people = members()
    sparse = {c: None for c in people[0]}
    # Tống and Công are names; only Tổng and Cộng head a totals row.
    people[2] = sparse | {"full_name": "Tống Văn Hải", "date_of_birth": "1970"}
    people[4] = sparse | {"full_name": "Công Thị Hoa"}
    made = office_workbook(tmp_path / "roster.xlsx", people)
    roster, reading = read(made.path)
    assert roster.height == len(people)
    assert roster["full_name"][2] == "Tống Văn Hải" and roster["full_name"][4] == "Công Thị Hoa"
    assert reading.skipped == made.skipped


def test_excel_date_cells_read_as_dates_people_write(tmp_path: Path) -> None:
    made = office_workbook(tmp_path / "roster.xlsx")
    roster, _ = read(made.path)
    births = dict(zip(roster["member_id"], roster["date_of_birth"]))
    assert births["HT000000"] == "05/03/1960"  # a date cell
    assert births["HT000001"] == "20/07/1965"  # typed 1965-07-20 into a date cell
    assert births["HT000002"] == "00/00/1970"  # a partial date stays text
    for column in ROSTER_COLUMNS:
        assert not any("00:00:00" in (v or "") for v in roster[column]), column


def test_the_sheet_and_the_header_row_can_be_given(tmp_path: Path) -> None:
    made = office_workbook(tmp_path / "roster.xlsx")
    found, _ = read(made.path)
    for sheet in (SHEET, "ds ĐẢNG VIÊN", "2", 2):
        given, reading = read(made.path, sheet=sheet, header_row=HEADER_ROW)
        assert given.equals(found)
        assert reading.header_found == "given" and reading.sheets_passed == ()
    with pytest.raises(InvalidInputError, match=f"no sheet 'Sheet9'.*1: '{GUIDE_SHEET}', 2: '{SHEET}'"):
        read(made.path, sheet="Sheet9")
    with pytest.raises(ColumnError, match="no row of the first 50 holds known headers; row 1 was taken"):
        read(made.path, sheet=GUIDE_SHEET)
    with pytest.raises(InvalidInputError, match="--header-row 900"):
        read(made.path, header_row=900)
    with pytest.raises(InvalidInputError, match="--sheet is for Excel"):
        read(office_csv(tmp_path / "roster.csv").path, sheet="1")


def test_an_office_csv_is_read_past_its_title_and_footer(tmp_path: Path) -> None:
    for separator in (",", ";"):
        made = office_csv(tmp_path / "roster.csv", separator=separator)
        roster, reading = read(made.path)
        assert roster["member_id"].to_list() == [m["member_id"] for m in members()]
        # Rows as a text editor numbers them: the title lines and the line break
        # inside the first member's cell counted.
        assert dict(zip(roster["member_id"], roster["source_row"])) == made.rows
        assert set(roster["source_sheet"]) == {""}
        assert reading.header_row == HEADER_ROW
        assert reading.skipped == made.skipped
        assert roster["party_unit"][0] == "Chi bộ\nKhối phố 1"
        given, _ = read(made.path, header_row=HEADER_ROW)
        assert given.equals(roster)


def test_the_same_header_twice_is_an_error_naming_both_columns(tmp_path: Path) -> None:
    headers = list(OFFICE_HEADERS.values())
    headers[8] = "Ngày sinh"  # the official date's column headed like column D
    made = office_workbook(tmp_path / "roster.xlsx", headers=headers)
    with pytest.raises(ColumnError, match="'Ngày sinh' in columns D and I") as caught:
        read(made.path)
    assert "'Ngày sinh' ở cột D và cột I" in caught.value.message("vi")
    doubled = tmp_path / "doubled.csv"
    doubled.write_text("Mã đảng viên;Họ và tên;Ngày sinh;Ngày sinh\nHT1;Lê Văn A;1960;1961\n", encoding="utf-8")
    with pytest.raises(ColumnError, match="'Ngày sinh' in columns 3 and 4"):
        read(doubled)
    headers[8] = "Ngày tháng năm sinh"  # another spelling of the same column
    made = office_workbook(tmp_path / "roster.xlsx", headers=headers)
    with pytest.raises(ColumnError, match="given twice: date_of_birth \\('Ngày sinh' and 'Ngày tháng năm sinh'\\)"):
        read(made.path)


def test_control_characters_are_removed_and_counted(tmp_path: Path) -> None:
    people = members()
    people[0]["full_name"] = "Nguyễn\x00 Văn\x07 Hùng"
    people[2]["hometown"] = "Hà\x1b Tây"
    people[3]["party_unit"] = "Chi bộ\tKhối phố 1"  # a tab is whitespace, kept
    for made in (office_csv(tmp_path / "roster.csv", people), office_workbook(tmp_path / "roster.xlsx", people)):
        roster, reading = read(made.path)
        assert roster["full_name"][0] == "Nguyễn Văn Hùng"
        assert roster["hometown"][2] == "Hà Tây"
        assert roster["party_unit"][3] == "Chi bộ\tKhối phố 1"
        assert dict(zip(roster["member_id"], roster["source_row"])) == made.rows
        assert (reading.control_characters, reading.control_cells) == (3, 2)
        assert any("đã xoá 3 ký tự điều khiển (như NUL) trong 2 ô" in vi for vi, _ in reading.lines())


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(st.characters(codec="utf-8", max_codepoint=0x1FF), max_size=30),
            st.text(max_size=30),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_the_engine_finds_control_characters_where_the_pattern_does(cells: list[str | None]) -> None:
    # Views inline (up to 12 bytes) and in buffers, nulls, C0, DEL, C1 and the
    # letters beside them (U+00A0 to U+01FF share C1's first byte or its neighbours).
    frame = pl.DataFrame(
        {"a": cells, "b": [c[::-1] if c else c for c in cells]}, schema={"a": pl.String, "b": pl.String}
    )
    expected = [c for c in frame.columns if frame[c].str.contains(_ANY_CONTROL).any()]
    assert columns_with_controls(frame) == expected


def test_text_encoded_twice_is_refused_as_a_whole(tmp_path: Path) -> None:
    made = office_csv(tmp_path / "roster.csv")
    text = made.path.read_text(encoding="utf-8")
    made.path.write_bytes(encoded_twice(text))
    assert "Nguyá»…n" in made.path.read_text(encoding="utf-8")
    with pytest.raises(FileEncodingError, match="encoded as UTF-8 twice") as caught:
        read(made.path)
    assert "mã hoá UTF-8 hai lần" in caught.value.message("vi")
    # One pasted cell is not a file encoded twice.
    people = members()
    people[0]["hometown"] = encoded_twice("Hà Tĩnh").decode("utf-8")
    roster, _ = read(office_csv(tmp_path / "one.csv", people).path)
    assert roster.height == len(people)


def test_a_table_without_title_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    pl.DataFrame(members(), schema={c: pl.String for c in ROSTER_COLUMNS}).write_csv(path)
    table = read_table(path)
    assert table["source_row"].to_list() == list(range(2, len(members()) + 2))
    assert table.columns[-3:] == list(SOURCE_COLUMNS)
    parquet = tmp_path / "plain.parquet"
    pl.read_csv(path, infer_schema=False).write_parquet(parquet)
    table = read_table(parquet)  # no header line: records numbered from 1
    assert table["source_row"].to_list() == list(range(1, len(members()) + 1))
    assert set(table["source_sheet"]) == {""} and set(table["source_file"]) == {"plain.parquet"}
    with pytest.raises(InvalidInputError, match="--header-row is for CSV and Excel"):
        read_table(parquet, header_row=2)


def test_revalidate_says_what_it_read_and_findings_say_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = office_workbook(tmp_path / "roster.xlsx")
    pop = tmp_path / "population.csv"
    population().write_csv(pop)
    out = tmp_path / "out"
    args = ["--roster", str(made.path), "--population", str(pop), "--out", str(out), "--as-of", AS_OF.isoformat()]
    assert main(["revalidate", *args]) == 0
    printed = capsys.readouterr().out
    assert f"đọc roster.xlsx, trang '{SHEET}', tiêu đề ở dòng {HEADER_ROW}" in printed
    findings = pl.read_csv(out / "findings.csv", infer_schema=False)
    assert findings.columns[-3:] == list(SOURCE_COLUMNS)
    assert findings.height > 0
    for member_id, file, sheet, row in findings.select("member_id", *SOURCE_COLUMNS).iter_rows():
        assert (file, sheet, int(row)) == ("roster.xlsx", SHEET, made.rows[member_id])
    assert main(["revalidate", *args, "--sheet", "Sheet9"]) == 2
    assert "không có trang 'Sheet9'" in capsys.readouterr().err
    assert main(["--lang", "en", "revalidate", *args]) == 0
    assert f"read roster.xlsx, sheet '{SHEET}', headers on row {HEADER_ROW}" in capsys.readouterr().out
    assert main(["--lang", "en", "revalidate", *args, "--sheet", "Sheet9"]) == 2
    assert "no sheet 'Sheet9'" in capsys.readouterr().err


def test_dedupe_reads_an_office_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    made = office_workbook(tmp_path / "roster.xlsx")
    out = tmp_path / "dd"
    assert main(["dedupe", "--roster", str(made.path), "--out", str(out), "--sheet", SHEET]) == 0
    printed = capsys.readouterr().out
    assert f"tiêu đề ở dòng {HEADER_ROW}" in printed
    assert f"{len(members())} đảng viên" in printed


def test_serve_reads_office_files_where_it_is_told(tmp_path: Path) -> None:
    from doichieu.cli import build_parser
    from doichieu.verifier.engine_adapter import EngineAdapter

    made = office_workbook(tmp_path / "roster.xlsx")
    pop = tmp_path / "population.csv"
    population().write_csv(pop)
    args = build_parser().parse_args(
        ["serve", "--population", str(pop), "--roster", str(made.path), "--sheet", SHEET, "--header-row", "7"]
    )
    assert (args.sheet, args.header_row, args.population_sheet, args.population_header_row) == (SHEET, 7, None, None)
    engine = EngineAdapter(pop, made.path, roster_layout=(args.sheet, args.header_row))
    assert sum(engine.required.values()) == len(members())
    with pytest.raises(ColumnError, match="headers read on row 3, as --header-row says"):
        EngineAdapter(pop, made.path, roster_layout=(None, 3))


def test_the_report_says_what_the_reader_chose_and_set_aside(tmp_path: Path) -> None:
    from markupsafe import escape

    made = office_workbook(tmp_path / "roster.xlsx")
    pop = tmp_path / "population.csv"
    population().write_csv(pop)
    out = tmp_path / "out"
    args = ["--roster", str(made.path), "--population", str(pop), "--out", str(out), "--as-of", AS_OF.isoformat()]
    assert main(["--lang", "en", "revalidate", *args]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    section = re.search(r'<div class="note" id="readings">.*?</div>', page, re.S)
    assert section, "the report does not say what was read"
    _, reading = read(made.path)
    told = reading.lines()
    assert len(told) >= 3  # the sheet and header row, the guide sheet passed over, the title rows, the rows set aside
    for vi, en in told:
        assert str(escape(vi.strip())) in section.group(0)
        assert str(escape(en.strip())) in section.group(0)
    assert str(escape(f"trang '{SHEET}', tiêu đề ở dòng {HEADER_ROW}")) in section.group(0)
    assert f"{sum(reading.skipped.values())} dòng không phải đảng viên" in section.group(0)
    assert "đọc population.csv" in section.group(0)

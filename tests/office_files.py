"""Roster files as provincial offices send them, made at test time from made-up people.

``office_workbook`` writes an .xlsx the way offices lay one out: a guide sheet
first, then the list under a title block of merged cells (the committee's name,
"DANH SÁCH ĐẢNG VIÊN ĐỀ NGHỊ ĐỔI THẺ ĐẢNG", blank lines), the headers with an
STT column, dates of birth as Excel date cells, a blank line, a pre-numbered
empty row and a subtotal between the members, and below them the totals, the
place-and-date line and the signature block; the row under the headers numbers
the columns "(1)", "(2)", …, as forms do. ``office_csv`` writes the same as
a CSV file. Each returns where every member is (the row Excel or a text editor
shows) and what the reader should set aside, so tests compare the reader's
account with the writer's. The people are ``records_fixtures``' made-up ones.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import xlsxwriter

from records_fixtures import clean_member

#: Column headers as an office writes them, in order (the STT column first).
OFFICE_HEADERS: dict[str, str] = {
    "stt": "STT",
    "member_id": "Mã đảng viên",
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "gender": "Giới tính",
    "citizen_id": "Số CCCD",
    "party_card_number": "Số thẻ đảng viên",
    "admission_date": "Ngày vào Đảng",
    "official_date": "Ngày chính thức",
    "party_unit": "Chi bộ",
    "ward": "Xã/Phường",
    "hometown": "Quê quán",
    "status": "Trạng thái",
}

SHEET = "DS đảng viên"
GUIDE_SHEET = "Hướng dẫn"
#: The list's title block: rows 1–6 of the sheet; the headers are on row 7.
TITLE_ROWS: list[tuple[str, str]] = [
    ("ĐẢNG BỘ TỈNH HÀ TĨNH", "ĐẢNG CỘNG SẢN VIỆT NAM"),
    ("ĐẢNG ỦY PHƯỜNG THẠCH QUÝ", ""),
    ("", ""),
    ("DANH SÁCH ĐẢNG VIÊN ĐỀ NGHỊ ĐỔI THẺ ĐẢNG", ""),
    ("(Kèm theo Công văn số 12-CV/ĐU ngày 01/9/2025)", ""),
    ("", ""),
]
HEADER_ROW = len(TITLE_ROWS) + 1


def members(count: int = 8) -> list[dict[str, str | None]]:
    """Made-up members, each agreeing with a row of ``records_fixtures.population()``."""
    return [clean_member(i) for i in range(count)]


@dataclass
class OfficeFile:
    path: Path
    #: member_id → the row it is on, as Excel or a text editor numbers it.
    rows: dict[str, int] = field(default_factory=dict)
    #: Rows the reader should set aside below the headers, by reason.
    skipped: dict[str, int] = field(default_factory=dict)


def _date_cell(text: str | None) -> datetime | None:
    """The date an office would type into a date cell, for dd/mm/yyyy and ISO text."""
    if not text:
        return None
    for form in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    return None


def _lines(people: list[dict[str, str | None]]) -> tuple[list[list[object]], OfficeFile]:
    """The sheet's rows below the headers (cells as values; datetimes for date
    cells), and where each member lands (rows counted from the header row + 1)."""
    width = len(OFFICE_HEADERS)
    made = OfficeFile(Path())
    # Forms number their columns under the headers.
    rows: list[list[object]] = [[f"({n})" for n in range(1, width + 1)]]
    blank, totals, signature = 0, 0, 0
    for n, person in enumerate(people, start=1):
        cells: list[object] = [n]
        for column in list(OFFICE_HEADERS)[1:]:
            value = person.get(column)
            cells.append(_date_cell(value) or value if column == "date_of_birth" else value)
        rows.append(cells)
        made.rows[str(person["member_id"])] = HEADER_ROW + len(rows)
        if n == 3:
            rows.append([None] * width)
            blank += 1
        if n == 5:
            rows.append([None, None, "Cộng chi bộ Khối phố 1: 5 đồng chí"] + [None] * (width - 3))
            totals += 1
    rows.append([len(people) + 1] + [None] * (width - 1))  # a pre-numbered row left empty
    rows.append([None] * width)
    blank += 2
    rows.append([None, None, "Tổng cộng", f"{len(people)} đảng viên"] + [None] * (width - 4))
    totals += 1
    footer = [
        (9, "Thạch Quý, ngày 01 tháng 9 năm 2025"),
        (2, "Người lập biểu"),
        (9, "T/M ĐẢNG ỦY"),
        (9, "BÍ THƯ"),
        (2, "(Ký, ghi rõ họ tên)"),
        (2, "Nguyễn Thị Hoa"),
        (9, "Trần Văn Kiên"),
    ]
    rows.append([None] * width)
    blank += 1
    for column, text in footer:
        line: list[object] = [None] * width
        line[column] = text
        rows.append(line)
        signature += 1
    made.skipped = {"numbers": 1, "blank": blank, "total": totals, "signature": signature}
    return rows, made


def office_workbook(
    path: Path,
    people: list[dict[str, str | None]] | None = None,
    *,
    guide: bool = True,
    headers: list[str] | None = None,
) -> OfficeFile:
    """An office's .xlsx: the guide sheet (unless ``guide`` is False), then the
    list under its title block; ``headers`` replaces the header row's texts."""
    people = members() if people is None else people
    lines, made = _lines(people)
    made.path = path
    workbook = xlsxwriter.Workbook(path)
    if guide:
        sheet = workbook.add_worksheet(GUIDE_SHEET)
        sheet.write(0, 0, "HƯỚNG DẪN GHI DANH SÁCH")
        sheet.write(2, 0, "Họ và tên: ghi đầy đủ, có dấu")
        sheet.write(3, 0, "Ngày sinh: ngày/tháng/năm")
        sheet.write(4, 0, "Số CCCD: đủ 12 chữ số")
    sheet = workbook.add_worksheet(SHEET)
    bold = workbook.add_format({"bold": True, "align": "center"})
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    width = len(OFFICE_HEADERS)
    for at, (left, right) in enumerate(TITLE_ROWS):
        if left and at == 3:
            sheet.merge_range(at, 0, at, width - 1, left, bold)
        elif left:
            sheet.merge_range(at, 0, at, 4, left, bold)
        if right:
            sheet.merge_range(at, 7, at, width - 1, right, bold)
    for column, text in enumerate(headers or list(OFFICE_HEADERS.values())):
        sheet.write_string(HEADER_ROW - 1, column, text, bold)
    for at, cells in enumerate(lines, start=HEADER_ROW):
        for column, value in enumerate(cells):
            if isinstance(value, datetime):
                sheet.write_datetime(at, column, value, date)
            elif isinstance(value, int):
                sheet.write_number(at, column, value)
            elif value is not None:
                sheet.write_string(at, column, str(value))
    workbook.close()
    return made


def office_csv(path: Path, people: list[dict[str, str | None]] | None = None, *, separator: str = ",") -> OfficeFile:
    """The same list as a CSV file (dates as text), its title block as short lines;
    the first member's name holds a line break, so later members sit one line lower."""
    people = members() if people is None else people
    people = [dict(p) for p in people]
    people[0]["party_unit"] = "Chi bộ\nKhối phố 1"
    lines, made = _lines(people)
    made.path = path
    for member_id, row in made.rows.items():
        if member_id != people[0]["member_id"]:
            made.rows[member_id] = row + 1
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    for left, _ in TITLE_ROWS:
        writer.writerow([left] if left else [])
    writer.writerow(OFFICE_HEADERS.values())
    for cells in lines:
        writer.writerow(["" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, datetime) else v for v in cells])
    path.write_text(out.getvalue(), encoding="utf-8")
    return made


def encoded_twice(text: str) -> bytes:
    """``text`` in UTF-8, read back as Windows-1252 (Latin-1 where it has no
    character) and saved as UTF-8 again: "Nguyễn" becomes "Nguyá»…n"."""
    once = text.encode("utf-8")
    wrong = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in once)
    return wrong.encode("utf-8")

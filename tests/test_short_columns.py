"""Rosters as party organisations keep them: a short column set (no member ID,
dates of admission, ward or status), and IDs and card numbers a spreadsheet
stored as numbers. Checked end to end through ``doichieu revalidate``."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

import doichieu
from doichieu.cli import main
from doichieu.generate import generate_province
from doichieu.vocabulary import FIELD_TERMS, ROSTER_CHECK_TERMS
from records_fixtures import AS_OF, POPULATION_ROWS, clean_member, population

#: A chi bộ's own list: STT, Họ và tên, Ngày sinh, Giới tính, Số CCCD, Số thẻ đảng viên, Quê quán, Chi bộ.
SHORT_HEADERS = {
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "gender": "Giới tính",
    "citizen_id": "Số CCCD",
    "party_card_number": "Số thẻ đảng viên",
    "hometown": "Quê quán",
    "party_unit": "Chi bộ",
}
ABSENT = ("member_id", "birth_name", "admission_date", "official_date", "ward", "status")
#: The checks the short list keeps from running, with the columns each lacks.
NOT_RUN = {
    "admission_date": ("admission_date",),
    "official_date": ("official_date",),
    "age_at_admission": ("admission_date",),
    "status": ("status",),
}


def revalidate(roster: Path, population: Path, out: Path, lang: str = "vi") -> str:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(
            [
                "--lang",
                lang,
                "revalidate",
                "--roster",
                str(roster),
                "--population",
                str(population),
                "--out",
                str(out),
                "--as-of",
                AS_OF.isoformat(),
            ]
        )
    assert code == 0
    return printed.getvalue()


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("short")
    generate_province(folder / "province", members=3000, seed=11, fmt="csv")
    return folder / "province"


def test_a_short_column_set_checks_what_it_has_and_says_what_it_could_not(province: Path, tmp_path: Path) -> None:
    full = pl.read_csv(province / "roster.csv", infer_schema=False)
    short = (
        full.select(*SHORT_HEADERS)
        .rename(SHORT_HEADERS)
        .with_columns(pl.int_range(1, full.height + 1).cast(pl.String).alias("STT"))
        .select("STT", *SHORT_HEADERS.values())
    )
    short_path = tmp_path / "chi_bo.csv"
    short.write_csv(short_path)
    printed = revalidate(short_path, province / "population.csv", tmp_path / "short")
    revalidate(province / "roster.csv", province / "population.csv", tmp_path / "full")

    findings = pl.read_csv(tmp_path / "short" / "findings.csv", infer_schema=False)
    assert findings.height > 0
    assert not set(findings["field"].to_list()) & set(ABSENT), "no finding about a column the file does not have"
    assert findings.filter(pl.col("code") == "STATUS_NOT_ELIGIBLE").is_empty()
    assert findings.filter(pl.col("code") == "UNDER_AGE_AT_ADMISSION").is_empty()
    # What the short list has is checked as the full roster's is: the same citizen ID and date findings.
    # (Names differ: without birth names, a name that matched through one no longer does.)
    full_findings = pl.read_csv(tmp_path / "full" / "findings.csv", infer_schema=False)
    on_ids = {"CITIZEN_ID_MISSING", "CITIZEN_ID_MALFORMED", "CITIZEN_NOT_FOUND", "DOB_MISMATCH", "GENDER_MISMATCH"}

    def per_code(frame: pl.DataFrame) -> dict[str, int]:
        return dict(frame.filter(pl.col("code").is_in(on_ids)).group_by("code").len().iter_rows())

    assert per_code(findings) == per_code(full_findings)

    # Without a member ID a member is known by the row a spreadsheet shows (the header is row 1).
    verdicts = pl.read_csv(tmp_path / "short" / "verdicts.csv", infer_schema=False)
    assert verdicts["member_id"].head(3).to_list() == ["dòng 2", "dòng 3", "dòng 4"]
    assert verdicts["member_id"].n_unique() == full.height

    # The terminal says which checks did not run and why, in Vietnamese unless English is asked for.
    assert "Kiểm tra không chạy vì thiếu cột:" in printed
    for check, columns in NOT_RUN.items():
        term = ROSTER_CHECK_TERMS[check]
        assert f"Không kiểm tra {term.title_vi}: danh sách không có cột {FIELD_TERMS[columns[0]].title_vi}" in printed
    english = revalidate(short_path, province / "population.csv", tmp_path / "short-en", lang="en")
    assert "Checks not run for lack of a column:" in english
    for check, columns in NOT_RUN.items():
        term = ROSTER_CHECK_TERMS[check]
        assert f"Not checked: {term.title_en}; the roster has no {FIELD_TERMS[columns[0]].title_en}" in english
    assert ROSTER_CHECK_TERMS["citizen_id"].title_en not in printed
    page = (tmp_path / "short" / "report.html").read_text(encoding="utf-8")
    assert 'id="checks-not-run"' in page
    assert ROSTER_CHECK_TERMS["status"].title_vi in page
    full_page = (tmp_path / "full" / "report.html").read_text(encoding="utf-8")
    assert 'id="checks-not-run"' not in full_page


def test_the_engine_answers_which_checks_did_not_run() -> None:
    roster = pl.DataFrame([clean_member(0)]).drop(*ABSENT)
    idx = doichieu.PopulationIndex(population(), as_of=AS_OF)
    raw = doichieu._engine.revalidate(idx.engine, {c: roster[c] for c in roster.columns})
    assert dict((check, tuple(columns)) for check, columns in raw["checks_not_run"]) == {
        "member_id": ("member_id",),
        **NOT_RUN,
    }
    assert pl.DataFrame(raw["findings"]).is_empty()
    everything = idx.engine.verify_all({c: pl.Series([v], dtype=pl.String) for c, v in clean_member(0).items()})
    assert everything["checks_not_run"] == []


def write_numbers_xlsx(path: Path, members: list[dict[str, str | None]]) -> None:
    """A roster as Excel keeps it when the ID columns are not formatted as Text:
    citizen IDs and card numbers stored as numbers, their leading zeros gone."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Danh sách")
    columns = list(members[0])
    for j, name in enumerate(columns):
        sheet.write_string(0, j, name)
    for i, member in enumerate(members, start=1):
        for j, name in enumerate(columns):
            value = member[name]
            if value is None:
                continue
            if name in ("citizen_id", "party_card_number"):
                sheet.write_number(i, j, int(value))
            else:
                sheet.write_string(i, j, value)
    book.close()


def test_ids_and_card_numbers_stored_as_numbers_are_read_with_their_zeros(tmp_path: Path) -> None:
    members = [
        clean_member(0, party_card_number="01234567"),  # province 042: one zero lost; the card's zero too
        clean_member(2),  # province 001: two zeros lost
        clean_member(3),
        clean_member(7, party_card_number="12345678"),
    ]
    roster = tmp_path / "roster.xlsx"
    write_numbers_xlsx(roster, members)
    pop = tmp_path / "population.csv"
    population().write_csv(pop)
    out = tmp_path / "out"
    revalidate(roster, pop, out)

    verdicts = pl.read_csv(out / "verdicts.csv", infer_schema=False)
    assert verdicts["verdict"].to_list() == ["accept"] * len(members)
    findings = pl.read_csv(out / "findings.csv", infer_schema=False)
    said = sorted(zip(findings["member_id"].to_list(), findings["code"].to_list()))
    assert said == [
        ("HT000000", "CARD_NUMBER_LEADING_ZERO"),
        ("HT000000", "CITIZEN_ID_LEADING_ZERO"),
        ("HT000002", "CITIZEN_ID_LEADING_ZERO"),
        ("HT000003", "CITIZEN_ID_LEADING_ZERO"),
        ("HT000007", "CITIZEN_ID_LEADING_ZERO"),
    ]
    assert set(findings["severity"].to_list()) == {"info"}
    assert all("Văn bản" in m for m in findings["message_vi"].to_list())
    assert all("Text" in m for m in findings["message_en"].to_list())
    two = findings.filter(pl.col("member_id") == "HT000002")
    assert "hai số 0" in two["message_vi"][0] and "two leading zeros" in two["message_en"][0]

    # The population side reads the same rule: its numbers stored as numbers are found.
    pop_numbers = population().with_columns(pl.col("citizen_id").str.strip_chars_start("0"))
    idx = doichieu.PopulationIndex(pop_numbers, as_of=AS_OF)
    assert (idx.report["citizen_id_malformed"], idx.report["citizen_id_zeros_restored"]) == (0, 8)
    for i, row in enumerate(POPULATION_ROWS):
        found = idx.lookup(str(row["citizen_id"]))
        assert found is not None and found.row == i


def test_a_short_id_starting_with_zero_is_malformed_not_repaired() -> None:
    idx = doichieu.PopulationIndex(population(), as_of=AS_OF)
    verdict = idx.verify(clean_member(0, citizen_id="04206000123"))
    assert verdict.codes == ["CITIZEN_ID_MALFORMED"]
    assert "thiếu một chữ số" in verdict.findings[0].message_vi
    assert verdict.candidates and verdict.candidates[0].record.citizen_id == "042060001234"

"""Reading roster and population files (CSV, xlsx, Parquet), their headers, bad
files, and the `doichieu revalidate` command end to end."""

from __future__ import annotations

import datetime
from pathlib import Path

import polars as pl
import pytest

import doichieu
from doichieu import worklist
from doichieu.cli import main
from doichieu.errors import ColumnError, EmptyFileError, FileEncodingError, FileFormatError
from doichieu.records import FINDING_COLUMNS, POPULATION_COLUMNS, ROSTER_COLUMNS, SOURCE_COLUMNS
from records_fixtures import AS_OF, PLANTED, clean_member, population

VIETNAMESE_ROSTER_HEADERS = {
    "member_id": "Mã đảng viên",
    "full_name": "HỌ VÀ TÊN",
    "birth_name": "Tên khai sinh",
    "date_of_birth": "Ngày sinh (dd/mm/yyyy)",
    "gender": "giới tính",
    "citizen_id": "Số CCCD",
    "party_card_number": "Số thẻ đảng viên",
    "admission_date": "Ngày vào Đảng",
    "official_date": "Ngày chính thức",
    "party_unit": "Chi bộ",
    "ward": "Xã/Phường",
    "hometown": "Quê quán",
    "status": "Trạng thái",
}


def roster_frame() -> pl.DataFrame:
    members = list(PLANTED.values()) + [clean_member(i) for i in range(8)]
    return pl.DataFrame(members, schema={c: pl.String for c in ROSTER_COLUMNS})


def write(frame: pl.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.write_csv(path)
    elif path.suffix == ".xlsx":
        frame.write_excel(path)
    else:
        frame.write_parquet(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_vietnamese_headers_in_every_format(tmp_path: Path, suffix: str) -> None:
    frame = roster_frame().rename(VIETNAMESE_ROSTER_HEADERS).with_columns(pl.lit("1").alias("STT"))
    loaded = doichieu.load_roster(write(frame, tmp_path / f"roster{suffix}"))
    assert loaded.columns == [*ROSTER_COLUMNS, *SOURCE_COLUMNS]
    assert loaded.drop(SOURCE_COLUMNS).equals(roster_frame())


def test_headers_without_marks_and_in_other_cases(tmp_path: Path) -> None:
    frame = population().rename(
        {
            "citizen_id": "so cccd",
            "full_name": "Ho Ten",
            "other_names": "TÊN GỌI KHÁC",
            "date_of_birth": "NGAY SINH",
            "gender": "Gioi_Tinh",
            "hometown": "que quan",
            "old_id_number": "Số CMND",
        }
    )
    loaded = doichieu.load_population(write(frame, tmp_path / "p.csv"))
    assert loaded.columns == [*POPULATION_COLUMNS, *SOURCE_COLUMNS]
    assert loaded.drop(SOURCE_COLUMNS).equals(population())


def test_optional_columns_may_be_absent() -> None:
    loaded = doichieu.load_population(population().drop("other_names", "old_id_number"))
    assert loaded.columns == list(POPULATION_COLUMNS)
    assert loaded["other_names"].null_count() == loaded.height
    assert doichieu.load_roster(roster_frame().drop("birth_name"))["birth_name"].null_count() == roster_frame().height


def test_missing_and_unknown_columns_are_named_in_one_error() -> None:
    frame = roster_frame().drop("status", "citizen_id").rename({"full_name": "Tên đầy đủ của đồng chí"})
    with pytest.raises(ColumnError) as caught:
        doichieu.load_roster(frame)
    err = caught.value
    # Only the name and the citizen ID are required: a roster without a status is read.
    assert set(err.missing) == {"citizen_id", "full_name"}
    assert err.unknown == ("Tên đầy đủ của đồng chí",)
    text = str(err)
    for name in ("citizen_id", "full_name", "Tên đầy đủ của đồng chí", "họ và tên"):
        assert name in text


def test_unknown_columns_can_be_set_aside() -> None:
    frame = roster_frame().with_columns(pl.lit("x").alias("Nơi ở hiện nay"))
    with pytest.raises(ColumnError, match="Nơi ở hiện nay"):
        doichieu.load_roster(frame)
    assert doichieu.load_roster(frame, extra_columns="ignore").columns == list(ROSTER_COLUMNS)


def test_a_column_given_twice_is_an_error() -> None:
    frame = roster_frame().with_columns(pl.col("citizen_id").alias("Số định danh cá nhân"))
    with pytest.raises(ColumnError, match="given twice") as caught:
        doichieu.load_roster(frame)
    assert caught.value.duplicated


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes("member_id,full_name\nA1,Nguyễn\n".encode().replace("ễ".encode(), b"\xea"))
    with pytest.raises(FileEncodingError, match="not UTF-8"):
        doichieu.load_roster(path)
    path.write_bytes("member_id,full_name\nA1,Nguyễn\n".encode("utf-16"))
    with pytest.raises(FileEncodingError, match="UTF-16"):
        doichieu.load_roster(path)
    # Bad bytes far into a large file are caught too.
    good = "member_id,full_name\n" + "A1,Nguyễn Văn An\n" * 10_000
    path.write_bytes(good.encode("utf-8") + b"A2,Tr\xe2n\n")
    with pytest.raises(FileEncodingError):
        doichieu.load_roster(path)


def test_utf8_with_bom_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    text = roster_frame().write_csv(separator=";")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert doichieu.load_roster(path).drop(SOURCE_COLUMNS).equals(roster_frame())


def test_empty_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError, match="empty"):
        doichieu.load_roster(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text(",".join(ROSTER_COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(EmptyFileError, match="no rows"):
        doichieu.load_roster(header_only)
    xlsx = tmp_path / "empty.xlsx"
    roster_frame().clear().write_excel(xlsx)
    with pytest.raises(EmptyFileError):
        doichieu.load_roster(xlsx)
    parquet = tmp_path / "empty.parquet"
    roster_frame().clear().write_parquet(parquet)
    with pytest.raises(EmptyFileError):
        doichieu.load_roster(parquet)


def test_truncated_files(tmp_path: Path) -> None:
    full = roster_frame().write_csv().encode("utf-8")
    cut = tmp_path / "cut.csv"
    cut.write_bytes(full[: len(full) - 40])
    with pytest.raises(FileFormatError, match="truncated"):
        doichieu.load_roster(cut)
    quote = tmp_path / "quote.csv"
    quote.write_bytes(full + b'X1,"Nguy\xc3\xaan')
    with pytest.raises(FileFormatError):
        doichieu.load_roster(quote)
    for suffix in (".xlsx", ".parquet"):
        whole = write(roster_frame(), tmp_path / f"whole{suffix}").read_bytes()
        broken = tmp_path / f"broken{suffix}"
        broken.write_bytes(whole[: len(whole) // 2])
        with pytest.raises(FileFormatError, match="truncated"):
            doichieu.load_roster(broken)


def test_other_bad_paths(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        doichieu.load_roster(tmp_path / "nope.csv")
    odd = tmp_path / "roster.json"
    odd.write_text("{}", encoding="utf-8")
    with pytest.raises(FileFormatError, match="unsupported"):
        doichieu.load_roster(odd)
    old = tmp_path / "roster.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(FileFormatError, match="97"):
        doichieu.load_roster(old)
    not_parquet = tmp_path / "roster.parquet"
    not_parquet.write_text("member_id\nA1\n", encoding="utf-8")
    with pytest.raises(FileFormatError):
        doichieu.load_roster(not_parquet)


def test_typed_parquet_columns_are_read_as_text(tmp_path: Path) -> None:
    """Numbers and dates stored typed: the ID loses its leading zero, the date is a date."""
    frame = (
        roster_frame()
        .head(8)
        .with_columns(
            pl.col("party_card_number").cast(pl.Int64),
            pl.lit(datetime.date(2010, 5, 10)).alias("admission_date"),
        )
    )
    path = write(frame.with_columns(pl.col("citizen_id").cast(pl.Int64, strict=False)), tmp_path / "typed.parquet")
    idx = doichieu.PopulationIndex(population(), as_of=AS_OF)
    findings, _ = idx.verify_all(doichieu.load_roster(path))
    codes = findings.filter(pl.col("member_id") == "HT000000")["code"].to_list()
    assert "CITIZEN_ID_LEADING_ZERO" in codes
    assert "VALUE_UNREADABLE" not in findings["code"].to_list()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_revalidate_command(tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]) -> None:
    roster = write(roster_frame().rename(VIETNAMESE_ROSTER_HEADERS), tmp_path / f"roster{suffix}")
    pop = write(population(), tmp_path / f"population{suffix}")
    out = tmp_path / "out"
    code = main(
        [
            "revalidate",
            "--roster",
            str(roster),
            "--population",
            str(pop),
            "--out",
            str(out),
            "--as-of",
            AS_OF.isoformat(),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "accept" in printed and "reject" in printed and "DOB_MISMATCH" in printed
    verdicts = pl.read_csv(out / "verdicts.csv", infer_schema=False)
    assert verdicts.columns == ["member_id", "verdict"]
    assert verdicts.height == roster_frame().height
    assert set(verdicts["verdict"].to_list()) == {"accept", "review", "reject"}
    findings = pl.read_csv(out / "findings.csv", infer_schema=False)
    assert findings.columns == [*FINDING_COLUMNS, *SOURCE_COLUMNS]
    assert set(PLANTED) - {"POPULATION_DUPLICATE_ID"} <= set(findings["code"].to_list())
    for owner in ("party_board", "police", "intake_officer"):
        work = _worklist_rows(out / f"worklist_{owner}.xlsx")
        expected = findings.filter((pl.col("owner") == owner) & (pl.col("severity") != "info"))
        assert work.height == expected.height
        columns = ("member_id", "code", "message_vi", "candidates", "ward", "party_unit")
        assert {worklist.header(c) for c in columns} <= set(work.columns)
    intake = _worklist_rows(out / "worklist_intake_officer.xlsx")
    missing = intake.filter(pl.col(worklist.header("code")) == "CITIZEN_ID_MISSING")
    assert "042060001234" in missing[worklist.header("candidates")][0]


def _worklist_rows(path: Path) -> pl.DataFrame:
    """Every row of a work list: its sheets but the legend and the information sheet, together."""
    sheets = pl.read_excel(path, sheet_id=0, infer_schema_length=0)
    tail = {worklist.LEGEND_SHEET, worklist.INFO_SHEET}
    return pl.concat([frame for name, frame in sheets.items() if name not in tail])


def test_revalidate_reports_bad_files_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = write(roster_frame().drop("citizen_id"), tmp_path / "roster.csv")
    pop = write(population(), tmp_path / "population.csv")
    code = main(
        [
            "--lang",
            "en",
            "revalidate",
            "--roster",
            str(roster),
            "--population",
            str(pop),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "missing required column(s): citizen_id" in err
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert (
        main(
            [
                "--lang",
                "en",
                "revalidate",
                "--roster",
                str(empty),
                "--population",
                str(pop),
                "--out",
                str(tmp_path / "out"),
            ]
        )
        == 2
    )
    assert "empty" in capsys.readouterr().err
    assert (
        main(
            [
                "revalidate",
                "--roster",
                str(tmp_path / "nope.csv"),
                "--population",
                str(pop),
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 2
    )

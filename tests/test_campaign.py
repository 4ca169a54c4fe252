"""The campaign loop end to end on a generated province: day 1's run, the work
lists filled by officers (some findings fixed in the next export, some marked
done but not fixed, notes in Vietnamese, a sheet re-saved sorted with a column
added, a member ID edited by hand), their import into the campaign state, and
day 2's run after the roster was exported again: the changes, the notes carried
forward and the "marked done but still found" list, exactly. Then bad input:
corrupted, foreign and unstamped lists, and a campaign folder an older version
wrote."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from doichieu import cli
from doichieu import worklist as wl
from doichieu.campaign import KEY, SCHEMA_VERSION, CampaignStore, finding_key
from doichieu.campaign.store import DATABASE, MIGRATIONS, migrate
from doichieu.generate import generate_province

MEMBERS = 3_000
AS_OF = "2025-09-01"
FIXED_CODE = "GENDER_MISMATCH"
OWNER_FILE = "worklist_party_board.xlsx"
NOTE_FIXED = "Đã sửa giới tính theo CCCD"
NOTE_NOT_FIXED = "Đã liên hệ chi bộ, chờ đảng viên bổ sung giấy tờ"
NOTE_ONLY = "Đảng viên đi công tác, hẹn tuần sau"
HEADERS = [wl.header(c) for c in wl.WORKLIST_COLUMNS]


@dataclass
class Day:
    out: Path
    changes: pl.DataFrame


@dataclass
class Campaign:
    folder: Path
    roster: Path
    population: Path
    day1: Day
    day2: Day
    fixed: set[str]
    done_not_fixed: set[str]
    noted: set[str]
    day1_keys: set[str]
    marks_after_first: pl.DataFrame
    marks_after_second: pl.DataFrame


def _revalidate(roster: Path, population: Path, out: Path, *extra: str) -> int:
    return cli.main(
        [
            "revalidate",
            "--roster",
            str(roster),
            "--population",
            str(population),
            "--out",
            str(out),
            "--as-of",
            AS_OF,
            *extra,
        ]
    )


def _day(out: Path) -> Day:
    changes = pl.read_csv(out / "changes.csv", infer_schema=False).with_columns(finding_key())
    return Day(out, changes)


def _keys(frame: pl.DataFrame) -> set[str]:
    return set(frame[KEY].to_list())


def _column(name: str) -> int:
    return HEADERS.index(wl.header(name))


def _key_of(row: tuple[object, ...], offset: int = 0) -> str:
    def cell(name: str) -> str:
        value = row[_column(name) + offset]
        return "" if value is None else str(value)

    field_codes = {term_title: code for code, term_title in _field_titles().items()}
    return "\x1f".join((cell("member_id"), cell("code"), field_codes.get(cell("field"), cell("field"))))


def _field_titles() -> dict[str, str]:
    from doichieu.vocabulary import FIELD_TERMS

    return {code: term.title_vi for code, term in FIELD_TERMS.items()}


def _fill(day1: Path, returned: Path, fixed: set[str], not_fixed: set[str], noted: set[str]) -> Path:
    """An officer's work on the party board's list: done marks and notes; the
    first ward's sheet re-saved sorted by member ID (descending) with a column
    added in front; the legend deleted; one row's member ID edited by hand."""
    book = openpyxl.load_workbook(day1 / OWNER_FILE)
    done, note = _column("done"), _column("note")
    del book[wl.LEGEND_SHEET]
    wards = [n for n in book.sheetnames if n not in (wl.INFO_SHEET, wl.NOT_ELIGIBLE_SHEET)]
    for name in book.sheetnames:
        if name == wl.INFO_SHEET:
            continue
        sheet = book[name]
        for row in sheet.iter_rows(min_row=2):
            key = _key_of(tuple(c.value for c in row))
            if key in fixed:
                row[done].value, row[note].value = "x", NOTE_FIXED
            elif key in not_fixed:
                row[done].value, row[note].value = "Đã xử lý", NOTE_NOT_FIXED
            elif key in noted:
                row[note].value = NOTE_ONLY
    # A row whose member ID was typed over, with a note: reported, not guessed at.
    edited = book[wards[-1]]
    edited.cell(row=2, column=_column("member_id") + 1).value = "DV-SUA-TAY"
    edited.cell(row=2, column=note + 1).value = "Sửa mã đảng viên"
    # The first ward's sheet sorted by member ID, descending, with a column added in front.
    first = book[wards[0]]
    values = [tuple(c.value for c in row) for row in first.iter_rows()]
    body = sorted(values[1:], key=lambda r: str(r[_column("member_id")]), reverse=True)
    first.delete_rows(1, first.max_row)
    first.append(("Người kiểm tra", *values[0]))
    for row in body:
        first.append(("Lan", *row))
    book.save(returned)
    return returned


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Campaign:
    base = tmp_path_factory.mktemp("campaign")
    made = generate_province(base / "province", members=MEMBERS, seed=7, fmt="csv")
    folder = base / "chien_dich"
    day1_out = base / "ngay1"
    assert _revalidate(made.roster, made.population, day1_out, "--campaign", str(folder)) == 0
    day1 = _day(day1_out)
    findings = pl.read_csv(day1_out / "findings.csv", infer_schema=False)
    acting = findings.filter(pl.col("severity") != "info").with_columns(finding_key())
    party_board = acting.filter(pl.col("owner") == "party_board")
    mismatched = party_board.filter(pl.col("code") == FIXED_CODE).sort("member_id")
    assert mismatched.height >= 6
    fixed_rows = mismatched.head(3)
    not_fixed_rows = mismatched.slice(3, 3)
    others = party_board.filter(pl.col("code") != FIXED_CODE).sort("member_id")
    noted_rows = others.head(4)
    fixed, not_fixed, noted = _keys(fixed_rows), _keys(not_fixed_rows), _keys(noted_rows)
    # Two notes on the sheet that comes back sorted with a column added.
    book = openpyxl.load_workbook(day1_out / OWNER_FILE, read_only=True)
    first_ward = next(n for n in book.sheetnames if n not in (wl.INFO_SHEET, wl.NOT_ELIGIBLE_SHEET))
    on_first = [_key_of(r) for r in book[first_ward].iter_rows(min_row=2, values_only=True)]
    noted |= set([k for k in on_first if k not in fixed | not_fixed][:2])
    assert len(noted) == 6

    returned = _fill(day1_out, base / "tra_ve_ban_to_chuc.xlsx", fixed, not_fixed, noted)
    assert cli.main(["worklists", "import", "--campaign", str(folder), str(returned)]) == 0
    with CampaignStore(folder) as store:
        marks_first = store.marks().sort(KEY)
    # The same file again changes nothing.
    assert cli.main(["worklists", "import", "--campaign", str(folder), str(returned)]) == 0
    with CampaignStore(folder) as store:
        marks_second = store.marks().sort(KEY)

    # Day 2: the roster exported again, the fixed members' gender corrected.
    roster = pl.read_csv(made.roster, infer_schema=False)
    fixes = fixed_rows.select("member_id", pl.col("population_value").alias("corrected"))
    roster = (
        roster.join(fixes, on="member_id", how="left")
        .with_columns(pl.coalesce("corrected", "gender").alias("gender"))
        .drop("corrected")
    )
    day2_roster = base / "province" / "dang_vien_ngay2.csv"
    roster.write_csv(day2_roster)
    day2_out = base / "ngay2"
    assert _revalidate(day2_roster, made.population, day2_out, "--campaign", str(folder)) == 0
    day2 = _day(day2_out)
    return Campaign(
        folder, day2_roster, made.population, day1, day2, fixed, not_fixed, noted, _keys(acting),
        marks_first, marks_second,
    )  # fmt: skip


def test_day_one_finds_everything_new(campaign: Campaign) -> None:
    changes = campaign.day1.changes
    assert set(changes["status"].to_list()) == {"new"}
    assert _keys(changes) == campaign.day1_keys


def test_import_takes_the_marks_and_notes_and_a_second_import_changes_nothing(campaign: Campaign) -> None:
    marks = campaign.marks_after_first
    assert _keys(marks) == campaign.fixed | campaign.done_not_fixed | campaign.noted
    notes = dict(zip(marks[KEY].to_list(), marks["note"].to_list(), strict=True))
    assert {notes[k] for k in campaign.fixed} == {NOTE_FIXED}
    assert {notes[k] for k in campaign.done_not_fixed} == {NOTE_NOT_FIXED}
    assert {notes[k] for k in campaign.noted} == {NOTE_ONLY}
    assert campaign.marks_after_second.equals(marks)


def test_day_two_says_exactly_what_changed(campaign: Campaign) -> None:
    changes = campaign.day2.changes
    by_status = {
        s: _keys(changes.filter(pl.col("status") == s)) for s in ("new", "resolved", "open", "done_still_found")
    }
    assert by_status["resolved"] == campaign.fixed
    assert by_status["new"] == set()
    assert by_status["done_still_found"] == campaign.done_not_fixed
    assert by_status["open"] == campaign.day1_keys - campaign.fixed - campaign.done_not_fixed
    still = changes.filter(pl.col("status") == "done_still_found")
    assert set(still["note"].to_list()) == {NOTE_NOT_FIXED}
    assert set(still["owner"].to_list()) == {"party_board"}
    assert still["ward"].null_count() == 0


def test_day_two_work_lists_carry_the_notes_and_marks_forward(campaign: Campaign) -> None:
    book = openpyxl.load_workbook(campaign.day2.out / OWNER_FILE)
    carried: dict[str, tuple[object, object]] = {}
    for name in book.sheetnames:
        if name in (wl.INFO_SHEET, wl.LEGEND_SHEET):
            continue
        for row in book[name].iter_rows(min_row=2, values_only=True):
            if row[_column("done")] is not None or row[_column("note")] is not None:
                carried[_key_of(row)] = (row[_column("done")], row[_column("note")])
    expected = {k: ("Đã xử lý", NOTE_NOT_FIXED) for k in campaign.done_not_fixed}
    expected |= {k: (None, NOTE_ONLY) for k in campaign.noted}
    assert carried == expected


def test_the_report_has_the_campaign_section(campaign: Campaign) -> None:
    page = (campaign.day2.out / "report.html").read_text(encoding="utf-8")
    assert 'id="chien-dich"' in page and 'data-chart="campaign"' in page
    assert f'data-status="resolved">{len(campaign.fixed)}<' in page
    assert f'data-status="done_still_found">{len(campaign.done_not_fixed)}<' in page
    assert NOTE_NOT_FIXED in page


def test_the_campaign_folder_keeps_each_run_owner_only(campaign: Campaign) -> None:
    with CampaignStore(campaign.folder) as store:
        runs = store.runs()
        assert [r.out for r in runs] == [str(campaign.day1.out), str(campaign.day2.out)]
        assert runs[1].open_findings == len(campaign.day1_keys) - len(campaign.fixed)
        assert store.version == SCHEMA_VERSION
    assert stat.S_IMODE((campaign.folder / DATABASE).stat().st_mode) == 0o600


def test_previous_folder_gives_the_same_changes_without_marks(campaign: Campaign, tmp_path: Path) -> None:
    out = tmp_path / "so_voi_ngay1"
    assert _revalidate(campaign.roster, campaign.population, out, "--previous", str(campaign.day1.out)) == 0
    changes = _day(out).changes
    assert _keys(changes.filter(pl.col("status") == "resolved")) == campaign.fixed
    # Without the campaign's marks, marked-done findings are simply still open.
    assert _keys(changes.filter(pl.col("status") == "open")) == campaign.day1_keys - campaign.fixed
    assert changes.filter(pl.col("status") == "new").height == 0
    wards = dict(zip(campaign.day2.changes[KEY].to_list(), campaign.day2.changes["ward"].to_list(), strict=True))
    assert dict(zip(changes[KEY].to_list(), changes["ward"].to_list(), strict=True)) == wards


def test_unmatched_rows_are_reported_not_guessed(
    campaign: Campaign, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Day 1's list again, its fixed rows now resolved: they and the edited ID are reported.
    folder = tmp_path / "chien_dich"
    shutil.copytree(campaign.folder, folder)
    returned = _fill(campaign.day1.out, tmp_path / "lai.xlsx", campaign.fixed, set(), set())
    # A different file (its contents differ), so it is not skipped as imported before.
    capsys.readouterr()
    assert cli.main(["--lang", "en", "worklists", "import", "--campaign", str(folder), str(returned)]) == 0
    shown = capsys.readouterr().out
    assert f"{len(campaign.fixed) + 1} rows with a mark or note match no finding" in shown
    assert shown.count("no longer found by the latest run") == len(campaign.fixed)
    assert shown.count("edited by hand?") == 1


def _refused(folder: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    with CampaignStore(folder) as store:
        before = store.marks().sort(KEY)
    capsys.readouterr()
    assert cli.main(["--lang", "en", "worklists", "import", "--campaign", str(folder), str(path)]) == 2
    with CampaignStore(folder) as store:
        assert store.marks().sort(KEY).equals(before)
    return capsys.readouterr().err


def test_a_corrupted_or_foreign_list_is_refused(
    campaign: Campaign, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corrupted = tmp_path / "hong.xlsx"
    corrupted.write_bytes((campaign.day2.out / OWNER_FILE).read_bytes()[:5000])
    assert "cannot be read as an .xlsx work list" in _refused(campaign.folder, corrupted, capsys)

    not_a_list = tmp_path / "khac.xlsx"
    other = openpyxl.Workbook()
    other.active.append(["Họ tên", "Ngày sinh"])  # type: ignore[union-attr]
    other.save(not_a_list)
    assert "is not a doichieu work list" in _refused(campaign.folder, not_a_list, capsys)

    # A list written without --campaign carries no stamp.
    unstamped = tmp_path / "khong_dau"
    assert _revalidate(campaign.roster, campaign.population, unstamped) == 0
    assert "carries no campaign stamp" in _refused(campaign.folder, unstamped / OWNER_FILE, capsys)

    # Another campaign's list (another province's folder).
    foreign_folder, foreign_out = tmp_path / "tinh_khac", tmp_path / "tinh_khac_ngay1"
    assert _revalidate(campaign.roster, campaign.population, foreign_out, "--campaign", str(foreign_folder)) == 0
    assert "belongs to another campaign" in _refused(campaign.folder, foreign_out / OWNER_FILE, capsys)


def test_a_campaign_folder_from_an_older_version_is_migrated_not_lost(tmp_path: Path) -> None:
    folder = tmp_path / "cu"
    folder.mkdir()
    with sqlite3.connect(folder / DATABASE) as old:
        assert migrate(old, upto=1) == 1
        old.execute("INSERT INTO campaign VALUES ('c0ffee', '2025-09-01T08:00:00+00:00')")
        old.execute("INSERT INTO runs VALUES ('001-old', 1, '2025-09-01T08:00:00+00:00', '/tmp/ngay1')")
        old.executemany(
            "INSERT INTO findings VALUES ('001-old', ?, ?, ?, ?, 'police', 'Phường 1')",
            [
                (f"DV{i}\x1fCITIZEN_ID_INVALID\x1fcitizen_id", f"DV{i}", "CITIZEN_ID_INVALID", "citizen_id")
                for i in range(5)
            ],
        )
    old.close()
    with CampaignStore(folder, create=False) as store:
        assert store.version == SCHEMA_VERSION == MIGRATIONS[-1][0]
        assert store.campaign_id == "c0ffee"
        [run] = store.runs()
        assert (run.run_id, run.open_findings) == ("001-old", 5)
        assert store.findings("001-old").height == 5
        assert store.marks().height == 0


def test_a_campaign_folder_from_a_newer_version_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "moi"
    CampaignStore(folder).close()
    with sqlite3.connect(folder / DATABASE) as db:
        db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION + 1,))
    db.close()
    assert cli.main(["--lang", "en", "worklists", "import", "--campaign", str(folder), "x.xlsx"]) == 2
    assert "was written by a newer doichieu" in capsys.readouterr().err

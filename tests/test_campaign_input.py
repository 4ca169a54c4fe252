"""The campaign state against bad input: corrupted, foreign and unstamped
returned lists, rows that match nothing (reported, not guessed), the same file
twice, an import while a run writes, a state from an older or newer doichieu,
a migration that fails; and the same loop on PostgreSQL where a server is at
hand (``DOICHIEU_TEST_POSTGRES_DSN``, see .ci/postgres.sh)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

from doichieu import worklist as wl
from doichieu.campaign import KEY, SCHEMA_VERSION, CampaignError, CampaignStore, finding_key
from doichieu.campaign import store as store_mod
from doichieu.campaign.store import DATABASE, MIGRATIONS
from doichieu.generate import generate_province
from postgres import needs_postgres
from worklist_rows import column, key_of, run_cli

MEMBERS = 1_500
AS_OF = "2025-09-01"
OWNER_FILE = "worklist_party_board.xlsx"


def _revalidate(roster: Path, population: Path, *extra: str) -> None:
    code, _, err = run_cli(
        "revalidate", "--roster", str(roster), "--population", str(population), "--as-of", AS_OF, *extra
    )
    assert code == 0, err


def _import(campaign: str | Path, *files: Path) -> tuple[int, str, str]:
    return run_cli("worklists", "import", "--campaign", str(campaign), *map(str, files))


@dataclass
class Province:
    base: Path
    roster: Path
    population: Path
    folder: Path
    day1: Path


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    base = tmp_path_factory.mktemp("campaign_input")
    made = generate_province(base / "province", members=MEMBERS, seed=21, fmt="csv")
    folder, day1 = base / "chien_dich", base / "ngay1"
    _revalidate(made.roster, made.population, "--campaign", str(folder), "--out", str(day1))
    return Province(base, made.roster, made.population, folder, day1)


@pytest.fixture
def folder(province: Province, tmp_path: Path) -> Path:
    """A copy of the campaign after day 1, for one test to change."""
    copy = tmp_path / "chien_dich"
    shutil.copytree(province.folder, copy)
    return copy


def _marks(location: str | Path) -> pl.DataFrame:
    with CampaignStore(location, create=False) as store:
        return store.marks().sort(KEY)


def _filled(source: Path, target: Path, rows: int = 5) -> tuple[Path, list[str]]:
    """``source``'s list with its first ``rows`` rows of every ward marked done, noted."""
    book = openpyxl.load_workbook(source)
    keys = []
    for name in book.sheetnames:
        if name in (wl.INFO_SHEET, wl.LEGEND_SHEET):
            continue
        for row in list(book[name].iter_rows(min_row=2))[:rows]:
            row[column("done")].value, row[column("note")].value = "x", f"ghi chú {name}"
            keys.append(key_of(tuple(c.value for c in row)))
    book.save(target)
    return target, keys


def _refused(location: str | Path, *files: Path) -> str:
    before = _marks(location)
    code, out, err = _import(location, *files)
    assert code == 2, out
    assert _marks(location).equals(before)
    return err


# ---------------------------------------------------------------- returned lists that are refused


def test_a_corrupted_list_is_refused(province: Province, folder: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "hong.xlsx"
    truncated.write_bytes((province.day1 / OWNER_FILE).read_bytes()[:5000])
    assert "hong.xlsx cannot be read as an .xlsx work list" in _refused(folder, truncated)
    text_file = tmp_path / "van_ban.xlsx"
    text_file.write_text("Họ tên,Ngày sinh\nNguyễn Văn An,01/01/1970\n", encoding="utf-8")
    assert "van_ban.xlsx cannot be read as an .xlsx work list" in _refused(folder, text_file)


def test_a_workbook_that_is_not_a_work_list_is_refused(province: Province, folder: Path, tmp_path: Path) -> None:
    other = openpyxl.Workbook()
    other.active.append(["Họ tên", "Ngày sinh"])  # type: ignore[union-attr]
    other.save(tmp_path / "khac.xlsx")
    assert "khac.xlsx is not a doichieu work list" in _refused(folder, tmp_path / "khac.xlsx")
    # A campaign's list with its information sheet kept and every work-list sheet deleted.
    book = openpyxl.load_workbook(province.day1 / OWNER_FILE)
    for name in book.sheetnames:
        if name != wl.INFO_SHEET:
            del book[name]
    book.save(tmp_path / "chi_thong_tin.xlsx")
    assert "chi_thong_tin.xlsx is not a doichieu work list" in _refused(folder, tmp_path / "chi_thong_tin.xlsx")
    # An empty information sheet.
    book = openpyxl.Workbook()
    book.active.title = wl.INFO_SHEET  # type: ignore[union-attr]
    book.save(tmp_path / "trong.xlsx")
    assert "trong.xlsx carries no campaign stamp" in _refused(folder, tmp_path / "trong.xlsx")


def test_a_list_without_a_campaign_stamp_is_refused(province: Province, folder: Path, tmp_path: Path) -> None:
    _revalidate(province.roster, province.population, "--out", str(tmp_path / "khong_dau"))
    assert "carries no campaign stamp" in _refused(folder, tmp_path / "khong_dau" / OWNER_FILE)


def test_another_provinces_list_is_refused(folder: Path, tmp_path: Path) -> None:
    other = generate_province(tmp_path / "tinh_khac", members=400, seed=3, fmt="csv")
    _revalidate(
        other.roster, other.population, "--campaign", str(tmp_path / "cd_khac"), "--out", str(tmp_path / "ngay1")
    )
    err = _refused(folder, tmp_path / "ngay1" / OWNER_FILE)
    assert "belongs to another campaign (another province or campaign folder); refused" in err


def test_one_refused_file_takes_nothing_from_the_others(province: Province, folder: Path, tmp_path: Path) -> None:
    good, _ = _filled(province.day1 / OWNER_FILE, tmp_path / "tot.xlsx")
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert "hong.xlsx cannot be read" in _refused(folder, good, bad)


def test_an_import_into_no_campaign_is_refused(province: Province, tmp_path: Path) -> None:
    code, _, err = _import(tmp_path / "khong_co", province.day1 / OWNER_FILE)
    assert code == 2 and "is not a campaign folder" in err
    assert not (tmp_path / "khong_co").exists()


# ---------------------------------------------------------------- what is taken and what is reported


def test_the_same_file_twice_changes_nothing(province: Province, folder: Path, tmp_path: Path) -> None:
    returned, keys = _filled(province.day1 / OWNER_FILE, tmp_path / "tra_ve.xlsx")
    code, out, _ = _import(folder, returned)
    assert code == 0 and f"took {len(keys)}" in out
    first = _marks(folder)
    assert set(first[KEY].to_list()) == set(keys)
    with sqlite3.connect(folder / DATABASE) as db:
        imports = db.execute("SELECT count(*) FROM imports").fetchone()
    # Again, and a byte-identical copy under another name in the same call.
    shutil.copy(returned, tmp_path / "ban_sao.xlsx")
    code, out, _ = _import(folder, returned, tmp_path / "ban_sao.xlsx")
    assert code == 0
    assert out.splitlines() == [
        "tra_ve.xlsx: this file was imported before, nothing changed",
        "ban_sao.xlsx: this file was imported before, nothing changed",
    ]
    assert _marks(folder).equals(first)
    with sqlite3.connect(folder / DATABASE) as db:
        assert db.execute("SELECT count(*) FROM imports").fetchone() == imports


def test_rows_that_match_nothing_are_reported_not_guessed(province: Province, folder: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(province.day1 / OWNER_FILE)
    sheet = book[next(n for n in book.sheetnames if n not in (wl.INFO_SHEET, wl.LEGEND_SHEET))]
    rows = list(sheet.iter_rows(min_row=2))
    member, code_cell, note = column("member_id"), column("code"), column("note")
    # Row 2: a member ID typed over; row 3: the code typed over; row 4: a real one.
    rows[0][member].value = "DV-KHONG-CO"
    rows[1][code_cell].value = "CODE_THAT_NEVER_WAS"
    for row in rows[:3]:
        row[note].value = "Đã xem"
    real = key_of(tuple(c.value for c in rows[2]))
    book.save(tmp_path / "sua_tay.xlsx")
    code, out, _ = _import(folder, tmp_path / "sua_tay.xlsx")
    assert code == 0
    assert out.splitlines() == [
        f"sua_tay.xlsx: read {sum(1 for _ in _listed_rows(province.day1 / OWNER_FILE)):,} rows, took 1",
        "2 rows with a mark or note match no finding of the latest run (not taken):",
        f"  sua_tay.xlsx, sheet {sheet.title}, row 2: the member ID is not on the list that was sent (edited by hand?)",
        f"  sua_tay.xlsx, sheet {sheet.title}, row 3: the member has no such finding on the list that was sent",
    ]
    assert _marks(folder)[KEY].to_list() == [real]


def _listed_rows(path: Path) -> Iterator[tuple[object, ...]]:
    book = openpyxl.load_workbook(path, read_only=True)
    for name in book.sheetnames:
        if name not in (wl.INFO_SHEET, wl.LEGEND_SHEET):
            yield from book[name].iter_rows(min_row=2, values_only=True)


def test_a_row_whose_finding_was_resolved_is_reported(province: Province, folder: Path, tmp_path: Path) -> None:
    # Day 2 with every party-board finding's member removed: day 1's marks on them match nothing now.
    day1 = pl.read_csv(province.day1 / "findings.csv", infer_schema=False)
    book = openpyxl.load_workbook(province.day1 / OWNER_FILE)
    sheet = book[next(n for n in book.sheetnames if n not in (wl.INFO_SHEET, wl.LEGEND_SHEET))]
    row = next(iter(sheet.iter_rows(min_row=2)))
    row[column("note")].value = "Đã sửa"
    gone = str(row[column("member_id")].value)
    book.save(tmp_path / "tra_ve.xlsx")
    roster = pl.read_csv(province.roster, infer_schema=False).filter(pl.col("member_id") != gone)
    roster.write_csv(tmp_path / "ngay2.csv")
    _revalidate(tmp_path / "ngay2.csv", province.population, "--campaign", str(folder), "--out", str(tmp_path / "n2"))
    assert gone in day1["member_id"].to_list()
    code, out, _ = _import(folder, tmp_path / "tra_ve.xlsx")
    assert code == 0
    assert out.splitlines()[1:] == [
        "1 rows with a mark or note match no finding of the latest run (not taken):",
        f"  tra_ve.xlsx, sheet {sheet.title}, row 2: this finding is no longer found by the latest run",
    ]
    assert _marks(folder).height == 0


def test_an_older_list_returned_late_does_not_overwrite_a_newer_ones_words(
    province: Province, folder: Path, tmp_path: Path
) -> None:
    _revalidate(province.roster, province.population, "--campaign", str(folder), "--out", str(tmp_path / "ngay2"))
    newer, keys = _filled(tmp_path / "ngay2" / OWNER_FILE, tmp_path / "moi.xlsx", rows=1)
    book = openpyxl.load_workbook(newer)
    for name in book.sheetnames:
        if name not in (wl.INFO_SHEET, wl.LEGEND_SHEET):
            row = next(iter(book[name].iter_rows(min_row=2)))
            row[column("done")].value, row[column("note")].value = "chưa", "Chưa xong, hẹn thứ Hai"
    book.save(newer)
    assert _import(folder, newer)[0] == 0
    taken = _marks(folder)
    assert set(taken["note"].to_list()) == {"Chưa xong, hẹn thứ Hai"} and set(taken[KEY].to_list()) == set(keys)
    # Day 1's list, the same findings marked done, comes back after day 2's.
    older, _ = _filled(province.day1 / OWNER_FILE, tmp_path / "cu.xlsx", rows=50)
    code, out, _ = _import(folder, older)
    assert code == 0
    after = {k: (done, note) for k, done, note in _marks(folder).iter_rows()}
    assert {after[k] for k in keys} == {("chưa", "Chưa xong, hẹn thứ Hai")}
    assert len(after) > len(keys)  # the rest of the older list's words are taken


# ---------------------------------------------------------------- one writer at a time


def test_an_import_while_a_run_writes_is_refused_and_works_after(
    province: Province, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from doichieu import revalidate

    writing, release = threading.Event(), threading.Event()
    real = revalidate.write_worklist

    def slow(*args: Any, **kwargs: Any) -> None:
        writing.set()
        assert release.wait(60)
        real(*args, **kwargs)

    monkeypatch.setattr(revalidate, "write_worklist", slow)
    result: list[tuple[int, str, str]] = []
    run = threading.Thread(
        target=lambda: result.append(
            run_cli(
                "revalidate",
                "--roster",
                str(province.roster),
                "--population",
                str(province.population),
                "--as-of",
                AS_OF,
                "--campaign",
                str(folder),
            )
        )
    )
    run.start()
    try:
        assert writing.wait(120)
        returned, keys = _filled(province.day1 / OWNER_FILE, tmp_path / "tra_ve.xlsx")
        err = _refused(folder, returned)
        assert f"the campaign {folder / DATABASE} is being written by doichieu revalidate (pid {os.getpid()}" in err
        assert "run this again once that is finished (nothing changed)" in err
        # A second run is refused the same way.
        code, _, err = run_cli(
            "revalidate", "--roster", str(province.roster), "--population", str(province.population),
            "--campaign", str(folder),
        )  # fmt: skip
        assert code == 2 and "is being written by doichieu revalidate (pid " in err
    finally:
        release.set()
        run.join(120)
    assert result and result[0][0] == 0, result
    code, out, _ = _import(folder, returned)
    assert code == 0 and f"took {len(keys)}" in out


def test_a_run_while_an_import_holds_the_campaign_is_refused(province: Province, folder: Path) -> None:
    with CampaignStore(folder) as store, store.writing("import"):
        code, _, err = run_cli(
            "revalidate", "--roster", str(province.roster), "--population", str(province.population),
            "--campaign", str(folder),
        )  # fmt: skip
    assert code == 2 and "is being written by doichieu import (pid " in err
    with CampaignStore(folder) as store:
        assert len(store.runs()) == 1


# ---------------------------------------------------------------- states from other versions

#: The schema as doichieu's first campaign release wrote it (frozen here: a
#: shipped migration must never change, and this is what is on disk).
VERSION_1 = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES (1);
CREATE TABLE campaign (campaign_id TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE runs (run_id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, started_at TEXT NOT NULL, out TEXT NOT NULL);
CREATE TABLE findings (
    run_id TEXT NOT NULL REFERENCES runs (run_id), finding_key TEXT NOT NULL, member_id TEXT, code TEXT NOT NULL,
    field TEXT, owner TEXT, ward TEXT, PRIMARY KEY (run_id, finding_key)
);
INSERT INTO campaign VALUES ('c0ffee', '2025-09-01T08:00:00+00:00');
INSERT INTO runs VALUES ('001-old', 1, '2025-09-01T08:00:00+00:00', '/srv/ngay1');
INSERT INTO runs VALUES ('002-old', 2, '2025-09-02T08:00:00+00:00', '/srv/ngay2');
"""


def _old_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "cu"
    folder.mkdir(mode=0o700)
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as old, old:
        old.executescript(VERSION_1)
        old.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, 'CITIZEN_ID_INVALID', 'citizen_id', 'police', 'Phường 1')",
            [
                (run, f"DV{i}\x1fCITIZEN_ID_INVALID\x1fcitizen_id", f"DV{i}")
                for run, count in (("001-old", 5), ("002-old", 3))
                for i in range(count)
            ],
        )
    os.chmod(folder / DATABASE, 0o600)
    return folder


def test_a_campaign_from_an_older_version_is_migrated_not_lost(tmp_path: Path) -> None:
    folder = _old_folder(tmp_path)
    with CampaignStore(folder, create=False) as store:
        assert store.version == SCHEMA_VERSION == MIGRATIONS[-1][0]
        assert store.campaign_id == "c0ffee"
        assert [(r.run_id, r.open_findings) for r in store.runs()] == [("001-old", 5), ("002-old", 3)]
        assert store.findings("001-old").height == 5 and store.latest_findings().height == 3
        assert store.marks().height == 0
    # The state as the older version left it, kept beside it, owner-only.
    copy = folder / "campaign.v1.sqlite"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with contextlib.closing(sqlite3.connect(copy)) as kept:
        assert kept.execute("SELECT max(version) FROM schema_version").fetchone() == (1,)
        assert kept.execute("SELECT count(*) FROM findings").fetchone() == (8,)
    # Opening it again changes nothing.
    with CampaignStore(folder, create=False) as store:
        assert store.version == SCHEMA_VERSION and len(store.runs()) == 2


def test_a_migration_that_fails_leaves_the_state_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _old_folder(tmp_path)
    broken = (*MIGRATIONS[:2], (3, "ALTER TABLE runs ADD COLUMN open_findings INTEGER; SELECT * FROM no_such_table"))
    monkeypatch.setattr(store_mod, "MIGRATIONS", broken)
    with pytest.raises(CampaignError) as refused:
        CampaignStore(folder, create=False)
    assert refused.value.key == "campaign.migration_failed"
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db:
        assert db.execute("SELECT max(version) FROM schema_version").fetchone() == (2,)
        columns = [c[1] for c in db.execute("PRAGMA table_info(runs)")]
        assert "open_findings" not in columns
        assert db.execute("SELECT count(*) FROM findings").fetchone() == (8,)
    monkeypatch.undo()
    with CampaignStore(folder, create=False) as store:
        assert [r.open_findings for r in store.runs()] == [5, 3]


def test_a_campaign_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "moi"
    CampaignStore(folder).close()
    with contextlib.closing(sqlite3.connect(folder / DATABASE)) as db, db:
        db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION + 1,))
    code, _, err = _import(folder, tmp_path / "x.xlsx")
    assert code == 2 and "was written by a newer doichieu" in err


def test_a_file_that_is_not_a_state_is_refused(tmp_path: Path) -> None:
    (tmp_path / DATABASE).write_bytes(b"not a database at all, just bytes" * 10)
    code, _, err = _import(tmp_path, tmp_path / "x.xlsx")
    assert code == 2 and "cannot be read as a campaign state" in err


# ---------------------------------------------------------------- PostgreSQL


@needs_postgres
def test_the_campaign_loop_on_postgresql_says_what_sqlite_says(
    province: Province, postgres_db: str, tmp_path: Path
) -> None:
    pg_day1, pg_day2, sq_day2 = tmp_path / "pg1", tmp_path / "pg2", tmp_path / "sq2"
    _revalidate(province.roster, province.population, "--campaign", postgres_db, "--out", str(pg_day1))
    # Day 1's lists on PostgreSQL carry its own campaign stamp; the folder's are refused there.
    assert "belongs to another campaign" in _refused(postgres_db, province.day1 / OWNER_FILE)
    pg_returned, keys = _filled(pg_day1 / OWNER_FILE, tmp_path / "pg.xlsx")
    sq_returned, _ = _filled(province.day1 / OWNER_FILE, tmp_path / "sq.xlsx")
    code, out, _ = _import(postgres_db, pg_returned)
    assert code == 0 and f"took {len(keys)}" in out
    assert _import(postgres_db, pg_returned)[1].strip().endswith("this file was imported before, nothing changed")
    sq_folder = tmp_path / "sq"
    shutil.copytree(province.folder, sq_folder)
    assert _import(sq_folder, sq_returned)[0] == 0
    assert _marks(postgres_db).equals(_marks(sq_folder))

    marked = sorted({k.split("\x1f")[0] for k in keys})
    fixed = marked[: len(marked) // 2]
    roster = pl.read_csv(province.roster, infer_schema=False).filter(~pl.col("member_id").is_in(fixed))
    roster.write_csv(tmp_path / "ngay2.csv")
    _revalidate(tmp_path / "ngay2.csv", province.population, "--campaign", postgres_db, "--out", str(pg_day2))
    _revalidate(tmp_path / "ngay2.csv", province.population, "--campaign", str(sq_folder), "--out", str(sq_day2))
    pg, sq = (pl.read_csv(d / "changes.csv", infer_schema=False) for d in (pg_day2, sq_day2))
    assert pg.equals(sq)
    assert set(pg["status"].to_list()) >= {"resolved", "done_still_found", "open"}
    with CampaignStore(postgres_db, create=False) as store:
        assert store.version == SCHEMA_VERSION
        assert [Path(r.out) for r in store.runs()] == [pg_day1, pg_day2]
        assert store.where.startswith("127.0.0.1") or "@" not in store.where


@needs_postgres
def test_postgresql_one_writer_at_a_time_and_no_out_folder(province: Province, postgres_db: str) -> None:
    with CampaignStore(postgres_db) as store, store.writing("import"):
        code, _, err = run_cli(
            "revalidate", "--roster", str(province.roster), "--population", str(province.population),
            "--campaign", postgres_db, "--out", "/nonexistent/never",
        )  # fmt: skip
        assert code == 2 and f"is being written by doichieu import (pid {os.getpid()}" in err
    code, _, err = run_cli(
        "revalidate", "--roster", str(province.roster), "--population", str(province.population),
        "--campaign", postgres_db,
    )  # fmt: skip
    assert code == 2 and "--out, or --campaign naming a folder, is needed" in err


@needs_postgres
def test_postgresql_state_from_an_older_version_is_migrated(postgres_db: str) -> None:
    import psycopg

    with psycopg.connect(postgres_db, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {store_mod.PG_SCHEMA}")
        db.execute(f"SET search_path TO {store_mod.PG_SCHEMA}")
        for statement in VERSION_1.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(
            "INSERT INTO findings VALUES ('001-old', %s, 'DV1', 'CITIZEN_ID_INVALID', 'citizen_id', 'police', 'P1')",
            ("DV1\x1fCITIZEN_ID_INVALID\x1fcitizen_id",),
        )
    with CampaignStore(postgres_db, create=False) as store:
        assert store.version == SCHEMA_VERSION and store.campaign_id == "c0ffee"
        assert [(r.run_id, r.open_findings) for r in store.runs()] == [("001-old", 1), ("002-old", 0)]


def test_a_finding_key_is_member_code_and_field() -> None:
    frame = pl.DataFrame({"member_id": ["DV1", None], "code": ["C", "D"], "field": [None, "f"]})
    assert frame.select(finding_key())[KEY].to_list() == ["DV1\x1fC\x1f", "\x1fD\x1ff"]


def test_a_previous_folder_without_a_run_is_refused_before_the_work(province: Province, tmp_path: Path) -> None:
    (tmp_path / "trong").mkdir()
    code, _, err = run_cli(
        "revalidate", "--roster", str(province.roster), "--population", str(province.population),
        "--out", str(tmp_path / "ra"), "--previous", str(tmp_path / "trong"),
    )  # fmt: skip
    assert code == 2 and "is not the output folder of a revalidate run (no findings.csv)" in err
    assert not (tmp_path / "ra").exists()


def test_an_officers_words_reach_the_next_outputs_as_text(province: Province, folder: Path, tmp_path: Path) -> None:
    """A note is whatever an officer typed: a leading minus a spreadsheet would
    take for a formula, a tab, a line break, a right-to-left mark. The next
    run's changes.csv keeps it text and its work list holds the note as it was
    typed, in a file that opens."""
    book = openpyxl.load_workbook(province.day1 / OWNER_FILE)
    sheet = book[next(n for n in book.sheetnames if n not in (wl.INFO_SHEET, wl.LEGEND_SHEET))]
    first, second = list(sheet.iter_rows(min_row=2))[:2]
    typed = {
        key_of(tuple(c.value for c in first)): "-1 giấy tờ, +2 ảnh @anh Nam",
        key_of(tuple(c.value for c in second)): "xong\thết\ncòn \u202evài việc",
    }
    first[column("note")].value = typed[key_of(tuple(c.value for c in first))]
    second[column("note")].value = typed[key_of(tuple(c.value for c in second))]
    book.save(tmp_path / "tra_ve.xlsx")
    assert _import(folder, tmp_path / "tra_ve.xlsx")[0] == 0
    _revalidate(province.roster, province.population, "--campaign", str(folder), "--out", str(tmp_path / "ngay2"))
    raw = (tmp_path / "ngay2" / "changes.csv").read_text(encoding="utf-8")
    assert "'-1 giấy tờ, +2 ảnh @anh Nam" in raw
    carried = {}
    listed = openpyxl.load_workbook(tmp_path / "ngay2" / OWNER_FILE, read_only=True)
    for name in listed.sheetnames:
        if name not in (wl.INFO_SHEET, wl.LEGEND_SHEET):
            for row in listed[name].iter_rows(min_row=2, values_only=True):
                if row[column("note")] is not None:
                    carried[key_of(row)] = row[column("note")]
    assert carried == typed


@pytest.mark.parametrize("title", ["DANH SÁCH ĐÃ RÀ SOÁT — Chi bộ 3", None])
def test_rows_added_above_the_headers_move_nothing(
    province: Province, folder: Path, tmp_path: Path, title: str | None
) -> None:
    """An officer inserts two rows above a sheet's headers (a title and a blank
    row, or two blank rows) and types over one member ID: the marks are taken,
    and the row reported is the row the officer sees."""
    book = openpyxl.load_workbook(province.day1 / OWNER_FILE)
    sheet = book[next(n for n in book.sheetnames if n not in (wl.INFO_SHEET, wl.LEGEND_SHEET))]
    rows = list(sheet.iter_rows(min_row=2))
    rows[0][column("note")].value = "Đã gọi"
    rows[1][column("note")].value = "Sai mã"
    rows[1][column("member_id")].value = "DV-GO-NHAM"
    kept = key_of(tuple(c.value for c in rows[0]))
    sheet.insert_rows(1, amount=2)
    sheet.cell(row=1, column=1).value = title
    book.save(tmp_path / "co_tieu_de.xlsx")
    code, out, _ = _import(folder, tmp_path / "co_tieu_de.xlsx")
    assert code == 0
    assert out.splitlines()[1:] == [
        "1 rows with a mark or note match no finding of the latest run (not taken):",
        f"  co_tieu_de.xlsx, sheet {sheet.title}, row 5: the member ID is not on the list that was sent "
        "(edited by hand?)",
    ]
    assert _marks(folder)[KEY].to_list() == [kept]


def test_a_failed_run_leaves_no_trace_and_releases_the_campaign(
    province: Province, folder: Path, tmp_path: Path
) -> None:
    code, _, err = run_cli(
        "revalidate", "--roster", str(tmp_path / "khong_co.csv"), "--population", str(province.population),
        "--campaign", str(folder), "--out", str(tmp_path / "ra"),
    )  # fmt: skip
    assert code == 2, err
    with CampaignStore(folder) as store:
        assert len(store.runs()) == 1
    assert (folder / "campaign.lock").read_text() == ""
    returned, keys = _filled(province.day1 / OWNER_FILE, tmp_path / "tra_ve.xlsx")
    code, out, _ = _import(folder, returned)
    assert code == 0 and f"took {len(keys)}" in out


@needs_postgres
def test_the_campaign_and_the_verifiers_ledger_share_one_database(postgres_db: str) -> None:
    from doichieu.verifier import ledger as ledger_mod

    ledger = ledger_mod.PostgresLedger(postgres_db)
    try:
        with CampaignStore(postgres_db) as store:
            run_id = store.new_run_id()
            findings = pl.DataFrame(
                {"finding_key": ["DV1\x1fC\x1f"], "member_id": ["DV1"], "code": ["C"], "field": [None]}
                | {"owner": ["police"], "ward": ["P1"]},
                schema=dict.fromkeys(("finding_key", "member_id", "code", "field", "owner", "ward"), pl.String),
            )
            store.record_run(run_id, Path("/srv/ngay1"), findings)
            assert store.latest_findings().equals(findings)
        assert ledger.count() == 0
    finally:
        ledger.close()
    import psycopg

    with psycopg.connect(postgres_db) as db:
        tables = set(
            db.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables"
                " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            ).fetchall()
        )
    assert ("public.submissions",) in tables and (f"{store_mod.PG_SCHEMA}.marks",) in tables

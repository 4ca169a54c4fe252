"""A three-day campaign end to end on a generated province, run from one
campaign folder with the real commands and intake through the real gRPC
verifier on loopback between the runs.

Day 1: the first revalidation (everything new). Officers return the party
board's list: three gender mismatches marked done and truly fixed in the next
export (A), three marked done but not fixed (B), notes in Vietnamese, the first
ward's sheet re-saved sorted with a column added, the legend deleted, one
member ID typed over. Intake: clean members, the A, B and C members (blocked)
and two taken off the list.

Day 2: the roster exported again with A fixed; the run says A resolved and B
marked done but still found, and its lists carry the notes. Intake retakes A
and B. The officers return day 2's list: B now "chưa" with a new note, C marked
done, one note cleared, a ward sheet deleted.

Day 3: exported again with C fixed and a new mistake (D); the run says C
resolved, D new, nothing marked done but still found. Intake retakes C and D.

Everything is asserted exactly: the changes, the carried notes, the marked-done
list, the import's counts, the open findings run by run, the progress figures.
"""

from __future__ import annotations

import collections
import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

from doichieu import worklist as wl
from doichieu.campaign import KEY, CampaignStore, finding_key
from doichieu.campaign.run import RUNS_FOLDER
from doichieu.generate import generate_province
from doichieu.v1 import verifier_pb2 as pb
from grpc_harness import InProcessServer, make_engine, stub
from worklist_rows import column, key_of, run_cli

MEMBERS = 3_000
AS_OF = "2025-09-01"
CODE = "GENDER_MISMATCH"
OWNER_FILE = "worklist_party_board.xlsx"
NOTE_FIXED = "Đã sửa giới tính theo CCCD"
NOTE_NOT_FIXED = "Đã liên hệ chi bộ, chờ đảng viên bổ sung giấy tờ"
NOTE_WAITING = "Chưa xong: chờ công an xã xác minh"
NOTE_ONLY = "Đảng viên đi công tác, hẹn tuần sau"
NOTE_EDITED = "Sửa mã đảng viên"
STATUSES = ("new", "resolved", "open", "done_still_found")


def _revalidate(roster: Path, population: Path, campaign: Path, *extra: str) -> str:
    code, out, err = run_cli(
        "revalidate",
        "--roster",
        str(roster),
        "--population",
        str(population),
        "--as-of",
        AS_OF,
        "--campaign",
        str(campaign),
        *extra,
    )
    assert code == 0, err
    return out


def _work_sheets(book: Any) -> list[str]:
    return [n for n in book.sheetnames if n not in (wl.INFO_SHEET, wl.LEGEND_SHEET)]


def _listed(path: Path) -> dict[str, tuple[object, object]]:
    """Every row of a work list: its finding's key -> (done, note)."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows: dict[str, tuple[object, object]] = {}
    for name in _work_sheets(book):
        for row in book[name].iter_rows(min_row=2, values_only=True):
            rows[key_of(row)] = (row[column("done")], row[column("note")])
    return rows


def _sheet_of(path: Path) -> dict[str, str]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {
        key_of(row): name for name in _work_sheets(book) for row in book[name].iter_rows(min_row=2, values_only=True)
    }


def _officer(
    source: Path,
    returned: Path,
    cells: dict[str, tuple[str | None, str | None]],
    *,
    sort_first: bool = False,
    edit_id: bool = False,
    delete: tuple[str, ...] = (),
) -> Path:
    """An officer's work on a list: the done and note cells of ``cells``'s
    findings; the first ward's sheet re-saved sorted by member ID (descending)
    with a column added in front; the legend and ``delete``'s sheets deleted;
    one row (on no other errand) with its member ID typed over and a note."""
    book = openpyxl.load_workbook(source)
    done, note = column("done"), column("note")
    for name in (wl.LEGEND_SHEET, *delete):
        del book[name]
    wards = [n for n in _work_sheets(book) if n != wl.NOT_ELIGIBLE_SHEET]
    for name in _work_sheets(book):
        for row in book[name].iter_rows(min_row=2):
            key = key_of(tuple(c.value for c in row))
            if key in cells:
                row[done].value, row[note].value = cells[key]
    if edit_id:
        sheet = book[wards[-1]]
        at = next(
            r for r, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2) if key_of(row) not in cells
        )
        sheet.cell(row=at, column=column("member_id") + 1).value = "DV-SUA-TAY"
        sheet.cell(row=at, column=note + 1).value = NOTE_EDITED
    if sort_first:
        first = book[wards[0]]
        values = [tuple(c.value for c in row) for row in first.iter_rows()]
        body = sorted(values[1:], key=lambda r: str(r[column("member_id")]), reverse=True)
        first.delete_rows(1, first.max_row)
        first.append(("Người kiểm tra", *values[0]))
        for row in body:
            first.append(("Lan", *row))
    book.save(returned)
    return returned


def _keys(changes: pl.DataFrame, status: str) -> set[str]:
    return set(changes.filter(pl.col("status") == status)[KEY].to_list())


def _changes(out: Path) -> pl.DataFrame:
    return pl.read_csv(out / "changes.csv", infer_schema=False).with_columns(finding_key())


def _flip(gender: str) -> str:
    return {"Nam": "Nữ", "Nữ": "Nam"}[gender]


@dataclass
class Intake:
    """The ledger's expected state, kept by hand as the officers submit."""

    state: dict[str, str] = field(default_factory=dict)  # member_id -> done / blocked / excluded
    codes: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class Day:
    out: Path
    printed: str
    changes: pl.DataFrame
    listed: dict[str, tuple[object, object]]
    progress: Any = None


@dataclass
class Campaign:
    folder: Path
    population: Path
    rosters: list[Path]
    days: list[Day]
    keys: list[set[str]]  # each day's findings to act on
    a: set[str]
    b: set[str]
    c: set[str]
    d: set[str]
    noted: set[str]
    cleared: str
    deleted_noted: str
    imports: list[str]
    marks: list[pl.DataFrame]
    intake: list[tuple[dict[str, Any], dict[str, Any]]]
    members: dict[str, dict[str, str]]
    returned_rows: int
    on_deleted: set[str]  # the noted findings on the sheet deleted from day 2's returned list


def _acting(out: Path) -> pl.DataFrame:
    return (
        pl.read_csv(out / "findings.csv", infer_schema=False)
        .filter(pl.col("severity") != "info")
        .with_columns(finding_key())
    )


def _submit(verifier: Any, member: dict[str, str], machine: int, **extra: Any) -> pb.SubmitResponse:
    fields = {k: v or "" for k, v in member.items() if k in pb.MemberRecord.DESCRIPTOR.fields_by_name}
    request = pb.SubmitRequest(
        submission_id=str(uuid.uuid4()),
        member=pb.MemberRecord(**fields),
        site_id="site-1" if machine <= 4 else "site-2",
        machine_id=f"m-{machine:02d}",
        officer_id="cb-1",
        **extra,
    )
    answer: pb.SubmitResponse = verifier.Submit(request, timeout=10)
    return answer


@contextlib.contextmanager
def _verifier(population: Path, roster: Path, ledger: Path) -> Iterator[Any]:
    with InProcessServer(make_engine(population, roster), f"sqlite:///{ledger}") as server:
        yield stub(server.target)


def _take(verifier: Any, members: dict[str, dict[str, str]], intake: Intake, who: list[str], verdict: str) -> None:
    for k, member_id in enumerate(who):
        answer = _submit(verifier, members[member_id], k % 7 + 1)
        assert answer.outcome == pb.SUBMIT_OUTCOME_RECORDED, member_id
        assert answer.verification.verdict == getattr(pb, f"VERDICT_{verdict.upper()}"), member_id
        intake.state[member_id] = "done" if verdict == "accept" else "blocked"
        intake.codes[member_id] = set() if verdict == "accept" else {CODE}


def _progress(verifier: Any) -> dict[str, Any]:
    report = verifier.GetProgress(pb.GetProgressRequest(), timeout=10)
    t = report.total
    return {
        "total": (t.required, t.done, t.blocked, t.excluded, t.remaining),
        "blocked_by_code": dict(t.blocked_by_code),
        "excluded_by_reason": dict(t.excluded_by_reason),
        "wards": {w.key: (w.required, w.done, w.blocked, w.excluded) for w in report.wards},
        "machines": report.active_machines,
    }


def _expected_progress(intake: Intake, members: dict[str, dict[str, str]]) -> dict[str, Any]:
    states = collections.Counter(intake.state.values())
    by_code: collections.Counter[str] = collections.Counter()
    for member_id, state in intake.state.items():
        if state == "blocked":
            by_code.update(intake.codes[member_id])
    required = collections.Counter(m["ward"] for m in members.values())
    per_ward: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for member_id, state in intake.state.items():
        per_ward[members[member_id]["ward"]][state] += 1
    return {
        "total": (
            len(members),
            states["done"],
            states["blocked"],
            states["excluded"],
            len(members) - len(intake.state),
        ),
        "blocked_by_code": dict(by_code),
        "excluded_by_reason": {"abroad": states["excluded"]} if states["excluded"] else {},
        "wards": {
            ward: (count, per_ward[ward]["done"], per_ward[ward]["blocked"], per_ward[ward]["excluded"])
            for ward, count in required.items()
        },
        "machines": 7,
    }


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Campaign:
    base = tmp_path_factory.mktemp("campaign")
    made = generate_province(base / "province", members=MEMBERS, seed=7, fmt="csv")
    folder, ledger = base / "chien_dich", base / "so_cai.db"
    generated = pl.read_csv(made.roster, infer_schema=False)
    members = {m["member_id"]: m for m in generated.unique("member_id", keep="first").iter_rows(named=True)}

    def export(rows: pl.DataFrame, flipped: list[str], name: str) -> tuple[pl.DataFrame, Path]:
        """The roster exported again, ``flipped``'s gender changed (a mistake typed, or corrected)."""
        rows = rows.with_columns(
            pl.when(pl.col("member_id").is_in(flipped))
            .then(pl.col("gender").replace_strict({"Nam": "Nữ", "Nữ": "Nam"}, default=pl.col("gender")))
            .otherwise(pl.col("gender"))
            .alias("gender")
        )
        path = base / "province" / name
        rows.write_csv(path)
        for m in flipped:
            members[m] = {**members[m], "gender": _flip(members[m]["gender"])}
        return rows, path

    # Members the generator planted nothing on: A, B, C get a gender typed wrong in day 1's export.
    planted = set(pl.read_csv(made.truth_findings, infer_schema=False)["member_id"].to_list())
    pairs = pl.read_csv(made.truth_duplicates, infer_schema=False)
    planted |= set(pairs["member_id_a"].to_list()) | set(pairs["member_id_b"].to_list())
    once = set(generated.group_by("member_id").len().filter(pl.col("len") == 1)["member_id"].to_list())
    untouched = sorted(m for m in once - planted if members[m]["gender"] in ("Nam", "Nữ"))
    a, b, c, d = untouched[0:3], untouched[3:6], untouched[6:9], untouched[9:10]
    roster1, roster1_path = export(generated, a + b + c, "dang_vien_ngay1.csv")

    # ---- day 1
    day1_out = base / "ngay1"
    printed = _revalidate(roster1_path, made.population, folder, "--out", str(day1_out))
    acting = _acting(day1_out)
    per_member = dict(
        pl.read_csv(day1_out / "findings.csv", infer_schema=False)
        .group_by("member_id")
        .agg(pl.col("code").sort())
        .iter_rows()
    )
    assert {m: per_member.get(m) for m in a + b + c} == {m: [CODE] for m in a + b + c}
    verdicts = dict(pl.read_csv(day1_out / "verdicts.csv", infer_schema=False).iter_rows())
    clean = [m for m in untouched[10:] if m not in per_member and verdicts[m] == "accept"]
    assert len(clean) >= 22
    key_of = dict(zip(acting["member_id"].to_list(), acting[KEY].to_list(), strict=False))
    ka, kb, kc = ({key_of[m] for m in group} for group in (a, b, c))
    day1_list = day1_out / OWNER_FILE
    sheets = _sheet_of(day1_list)
    ward_sheets = [
        n for n in _work_sheets(openpyxl.load_workbook(day1_list, read_only=True)) if n != wl.NOT_ELIGIBLE_SHEET
    ]
    # Notes on two rows of each ward's sheet (the first comes back sorted) and of the not-eligible sheet.
    free = sorted(k for k in sheets if k not in ka | kb | kc)
    noted = {
        k for name in (*ward_sheets[:2], wl.NOT_ELIGIBLE_SHEET) for k in [k for k in free if sheets[k] == name][:2]
    }
    assert len(noted) == 6
    days = [Day(day1_out, printed, _changes(day1_out), _listed(day1_list))]
    keys = [set(acting[KEY].to_list())]

    cells: dict[str, tuple[str | None, str | None]] = {k: ("x", NOTE_FIXED) for k in ka}
    cells |= {k: ("Đã xử lý", NOTE_NOT_FIXED) for k in kb}
    cells |= {k: (None, NOTE_ONLY) for k in noted}
    returned1 = _officer(day1_list, base / "tra_ve_ngay1.xlsx", cells, sort_first=True, edit_id=True)
    imports, marks = [], []
    code, out, err = run_cli("worklists", "import", "--campaign", str(folder), str(returned1))
    assert code == 0, err
    imports.append(out)
    with CampaignStore(folder) as store:
        marks.append(store.marks().sort(KEY))
    code, out, err = run_cli("worklists", "import", "--campaign", str(folder), str(returned1))
    assert code == 0, err
    imports.append(out)
    with CampaignStore(folder) as store:
        marks.append(store.marks().sort(KEY))

    # ---- intake between day 1 and day 2
    intake, figures = Intake(), []  # type: ignore[var-annotated]
    with _verifier(made.population, roster1_path, ledger) as verifier:
        _take(verifier, members, intake, clean[:20], "accept")
        _take(verifier, members, intake, a + b + c, "review")
        for member_id in clean[20:22]:
            answer = _submit(verifier, members[member_id], 1, exclusion_reason=pb.EXCLUSION_REASON_ABROAD)
            assert answer.outcome == pb.SUBMIT_OUTCOME_EXCLUDED
            intake.state[member_id] = "excluded"
        figures.append((_progress(verifier), _expected_progress(intake, members)))

    # ---- day 2: the roster exported again, A's gender corrected
    roster2, roster2_path = export(roster1, a, "dang_vien_ngay2.csv")
    printed = _revalidate(roster2_path, made.population, folder)
    with CampaignStore(folder) as store:
        day2_out = Path(store.runs()[-1].out)
    days.append(Day(day2_out, printed, _changes(day2_out), _listed(day2_out / OWNER_FILE)))
    keys.append(set(_acting(day2_out)[KEY].to_list()))
    with _verifier(made.population, roster2_path, ledger) as verifier:
        _take(verifier, members, intake, a, "accept")
        _take(verifier, members, intake, b, "review")
        figures.append((_progress(verifier), _expected_progress(intake, members)))

    # The officers return day 2's list: B not done after all, C done, one note cleared, a sheet deleted.
    day2_list = day2_out / OWNER_FILE
    sheets2 = _sheet_of(day2_list)
    cleared = min(k for k in noted if sheets2[k] == ward_sheets[0])
    deleted_noted = min(k for k in noted if sheets2[k] == wl.NOT_ELIGIBLE_SHEET)
    assert not {sheets2[k] for k in kb | kc} & {wl.NOT_ELIGIBLE_SHEET}
    cells = {k: ("Chưa", NOTE_WAITING) for k in kb}
    cells |= {k: ("x", NOTE_FIXED) for k in kc}
    cells[cleared] = (None, None)
    returned_rows = sum(1 for s in sheets2.values() if s != sheets2[deleted_noted])
    returned2 = _officer(day2_list, base / "tra_ve_ngay2.xlsx", cells, delete=(sheets2[deleted_noted],))
    code, out, err = run_cli("worklists", "import", "--campaign", str(folder), str(returned2))
    assert code == 0, err
    imports.append(out)
    with CampaignStore(folder) as store:
        marks.append(store.marks().sort(KEY))

    # ---- day 3: C fixed, and a new mistake: D's gender typed wrong
    _, roster3_path = export(roster2, c + d, "dang_vien_ngay3.csv")
    printed = _revalidate(roster3_path, made.population, folder)
    with CampaignStore(folder) as store:
        day3_out = Path(store.runs()[-1].out)
    days.append(Day(day3_out, printed, _changes(day3_out), _listed(day3_out / OWNER_FILE)))
    keys.append(set(_acting(day3_out)[KEY].to_list()))
    kd = {k for k in keys[2] if k.split("\x1f")[0] in d}
    with _verifier(made.population, roster3_path, ledger) as verifier:
        _take(verifier, members, intake, c, "accept")
        _take(verifier, members, intake, d, "review")
        figures.append((_progress(verifier), _expected_progress(intake, members)))

    return Campaign(
        folder, made.population, [roster1_path, roster2_path, roster3_path], days, keys,
        ka, kb, kc, kd, noted, cleared, deleted_noted, imports, marks, figures, members, returned_rows,
        {k for k in noted if sheets2[k] == wl.NOT_ELIGIBLE_SHEET},
    )  # fmt: skip


def test_day_one_finds_everything_new(campaign: Campaign) -> None:
    changes = campaign.days[0].changes
    assert set(changes["status"].to_list()) == {"new"}
    assert set(changes[KEY].to_list()) == campaign.keys[0]
    assert changes.height == len(campaign.keys[0])


def test_the_first_import_takes_the_marks_and_notes_and_reports_the_edited_id(campaign: Campaign) -> None:
    rows = len(campaign.days[0].listed)
    assert campaign.imports[0].splitlines()[:2] == [
        f"tra_ve_ngay1.xlsx: read {rows:,} rows, took 12",
        "1 rows with a mark or note match no finding of the latest run (not taken):",
    ]
    assert "the member ID is not on the list that was sent (edited by hand?)" in campaign.imports[0]
    marks = campaign.marks[0]
    assert set(marks[KEY].to_list()) == campaign.a | campaign.b | campaign.noted
    cells = {k: (done, note) for k, done, note in marks.iter_rows()}
    assert {cells[k] for k in campaign.a} == {("x", NOTE_FIXED)}
    assert {cells[k] for k in campaign.b} == {("Đã xử lý", NOTE_NOT_FIXED)}
    assert {cells[k] for k in campaign.noted} == {(None, NOTE_ONLY)}
    assert NOTE_EDITED not in set(marks["note"].to_list())


def test_importing_the_same_file_again_changes_nothing(campaign: Campaign) -> None:
    assert campaign.imports[1].strip() == "tra_ve_ngay1.xlsx: this file was imported before, nothing changed"
    assert campaign.marks[1].equals(campaign.marks[0])


def test_day_two_says_exactly_what_changed(campaign: Campaign) -> None:
    changes = campaign.days[1].changes
    assert _keys(changes, "resolved") == campaign.a
    assert _keys(changes, "new") == set()
    assert _keys(changes, "done_still_found") == campaign.b
    assert _keys(changes, "open") == campaign.keys[0] - campaign.a - campaign.b
    assert changes.height == len(campaign.keys[0])
    still = changes.filter(pl.col("status") == "done_still_found")
    assert set(still.select("done", "note").iter_rows()) == {("Đã xử lý", NOTE_NOT_FIXED)}
    assert set(still["owner"].to_list()) == {"party_board"}
    assert still["ward"].null_count() == 0
    opened = len(campaign.keys[0]) - 6
    assert (
        f"Since the previous run: 0 new, 3 resolved, {opened:,} still open, 3 marked done but still found"
        in campaign.days[1].printed
    )


def _carried(day: Day) -> dict[str, tuple[object, object]]:
    return {k: cells for k, cells in day.listed.items() if cells != (None, None)}


def test_day_two_work_lists_carry_the_notes_and_marks_forward(campaign: Campaign) -> None:
    expected = {k: ("Đã xử lý", NOTE_NOT_FIXED) for k in campaign.b}
    expected |= {k: (None, NOTE_ONLY) for k in campaign.noted}
    assert _carried(campaign.days[1]) == expected


def test_day_two_runs_into_the_campaign_folder(campaign: Campaign) -> None:
    out = campaign.days[1].out
    assert out.parent == campaign.folder / RUNS_FOLDER
    with CampaignStore(campaign.folder) as store:
        assert [Path(r.out) for r in store.runs()] == [d.out for d in campaign.days]
        assert [r.open_findings for r in store.runs()] == [len(k) for k in campaign.keys]


def test_the_second_import_takes_new_words_clears_a_note_and_keeps_a_deleted_sheets(campaign: Campaign) -> None:
    # B, C, the cleared row, and the notes carried onto day 2's list (taken again, unchanged).
    took = len(campaign.b | campaign.c | (campaign.noted - campaign.on_deleted))
    assert took == 10
    assert campaign.imports[2].splitlines() == [f"tra_ve_ngay2.xlsx: read {campaign.returned_rows:,} rows, took {took}"]
    cells = {k: (done, note) for k, done, note in campaign.marks[2].iter_rows()}
    assert {cells[k] for k in campaign.b} == {("Chưa", NOTE_WAITING)}
    assert {cells[k] for k in campaign.c} == {("x", NOTE_FIXED)}
    assert cells[campaign.cleared] == (None, None)
    # A's marks stay (their findings are gone); the deleted sheet's note is untouched.
    assert {cells[k] for k in campaign.a} == {("x", NOTE_FIXED)}
    assert {cells[k] for k in campaign.on_deleted} == {(None, NOTE_ONLY)}
    assert campaign.deleted_noted in campaign.on_deleted


def test_day_three_says_exactly_what_changed(campaign: Campaign) -> None:
    changes = campaign.days[2].changes
    assert len(campaign.d) == 1
    assert _keys(changes, "resolved") == campaign.c
    assert _keys(changes, "new") == campaign.d
    # B's officer now says "chưa": open, not marked done.
    assert _keys(changes, "done_still_found") == set()
    assert _keys(changes, "open") == campaign.keys[1] - campaign.c
    assert campaign.keys[2] == (campaign.keys[1] - campaign.c) | campaign.d
    b_rows = changes.filter(pl.col(KEY).is_in(list(campaign.b)))
    assert set(b_rows.select("status", "done", "note").iter_rows()) == {("open", "Chưa", NOTE_WAITING)}


def test_day_three_work_lists_carry_the_latest_words(campaign: Campaign) -> None:
    expected = {k: ("Chưa", NOTE_WAITING) for k in campaign.b}
    expected |= {k: (None, NOTE_ONLY) for k in campaign.noted - {campaign.cleared}}
    assert _carried(campaign.days[2]) == expected


def test_the_report_shows_the_changes_and_the_runs(campaign: Campaign) -> None:
    page = (campaign.days[1].out / "report.html").read_text(encoding="utf-8")
    assert 'id="chien-dich"' in page and 'data-chart="campaign"' in page
    assert 'data-status="resolved">3<' in page and 'data-status="done_still_found">3<' in page
    assert page.count(NOTE_NOT_FIXED) == 3
    third = (campaign.days[2].out / "report.html").read_text(encoding="utf-8")
    assert 'data-status="new">1<' in third and 'data-status="done_still_found">0<' in third
    assert 'id="done-still-found"' not in third


def test_intake_progress_between_the_runs_is_exact(campaign: Campaign) -> None:
    for day, (seen, expected) in enumerate(campaign.intake, start=1):
        assert seen == expected, f"after day {day}"
    totals = [seen["total"] for seen, _ in campaign.intake]
    required = len(campaign.members)
    assert totals == [
        (required, 20, 9, 2, required - 31),
        (required, 23, 6, 2, required - 31),
        (required, 26, 4, 2, required - 32),
    ]

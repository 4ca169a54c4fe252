"""`doichieu progress-page` over a ledger filled by simulated intake sites through
the real verifier: the page's numbers are `doichieu progress`'s, it renders in
headless Chromium with the network off, and a viewer without the token or the
client certificate gets no page."""

from __future__ import annotations

import argparse
import asyncio
import html
import http.client
import os
import re
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from browser import chromium_or_skip, dump_dom
from doichieu import messages
from doichieu.cli import build_parser, main
from doichieu.errors import CataloguedError
from doichieu.progress_server import Exposure, PageCache, build_app, page_computation, serve_in_thread
from doichieu.report import external_references
from doichieu.simulate import SimulationConfig, run
from doichieu.verifier.ledger import LedgerOpenError
from doichieu.verifier.ledger_view import open_ledger_view
from grpc_harness import InProcessServer, generated_province, make_engine, make_pki
from postgres import needs_postgres

TOKEN = "to-mat-khau-ban-chi-dao-7f3a"


@dataclass(frozen=True)
class Campaign:
    ledger: str
    roster: Path
    target: str
    as_of: str
    deadline: str


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Campaign]:
    folder = tmp_path_factory.mktemp("campaign")
    province = generated_province(folder, members=3000, seed=5)
    ledger = f"sqlite:///{folder / 'ledger.db'}"
    with InProcessServer(make_engine(province.population, province.roster), ledger) as server:
        # A day and a half of intakes: capture times over two or three local days.
        summary = run(
            SimulationConfig(
                target=server.target,
                roster=str(province.roster),
                sites=2,
                machines=7,
                days=1.5,
                as_fast_as_possible=True,
                exclude=0.03,
                duplicates=0.02,
                outages=0.3,
                seed=4,
            )
        )
        assert summary.failed == 0
        now = datetime.now(UTC)
        yield Campaign(
            ledger=ledger,
            roster=province.roster,
            target=server.target,
            as_of=now.isoformat(),
            # Members are left in most wards: a deadline two hours away will be missed.
            deadline=(now + timedelta(hours=2)).isoformat(),
        )


def _page_args(campaign: Campaign, *extra: str) -> argparse.Namespace:
    return build_parser().parse_args(
        [
            "progress-page",
            "--ledger",
            campaign.ledger,
            "--roster",
            str(campaign.roster),
            "--as-of",
            campaign.as_of,
            "--deadline",
            campaign.deadline,
            "--units",
            "0",
            *extra,
        ]
    )


def _rows(html: str, table: str) -> dict[str, list[str]]:
    body = re.search(rf'<table id="{table}">(.*?)</table>', html, re.S)
    assert body, table
    rows = {}
    for key, cells in re.findall(r'<tr data-key="([^"]+)">(.*?)</tr>', body.group(1), re.S):
        rows[key] = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
    return rows


def _cli_rows(printed: str) -> dict[str, list[str]]:
    """Rich's table rows: the first cell is the key."""
    rows = {}
    for line in printed.splitlines():
        if "│" not in line:
            continue
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells and cells[0]:
            rows.setdefault(cells[0], cells[1:])
    return rows


def _serve(campaign: Campaign, exposure: Exposure, *extra: str, max_age: float = 10.0) -> tuple[object, int, PageCache]:
    cache = PageCache(page_computation(_page_args(campaign, *extra)), max_age=max_age)
    app = build_app(cache, exposure.token, secure_cookie=exposure.tls_cert is not None)
    server, port, _ = serve_in_thread(app, exposure)
    return server, port, cache


def _stop(server: object) -> None:
    server.should_exit = True  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_numbers_are_those_of_doichieu_progress(
    campaign: Campaign, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = ["--server", campaign.target, "--as-of", campaign.as_of, "--deadline", campaign.deadline, "--units", "0"]
    assert main(["--lang", lang, "progress", *flags]) == 0
    printed = capsys.readouterr().out
    messages.set_language(lang)
    page = page_computation(_page_args(campaign))()
    assert f'<html lang="{lang}">' in page

    shown = _cli_rows(printed)
    tables = {table: _rows(page, table) for table in ("wards", "sites", "machines", "units")}
    assert len(tables["wards"]) >= 2 and len(tables["machines"]) == 7 and len(tables["sites"]) == 2
    for table, rows in tables.items():
        for key, cells in rows.items():
            if table == "units":
                # The terminal wraps the last column ("blocked by") over several lines.
                assert shown[key][:-1] == cells[:-1] and cells[-1].startswith(shown[key][-1]), key
            else:
                assert shown[key] == cells, (table, key)
    # Summary: each label with its value, on one line of the terminal's summary.
    table = re.search(r'<table class="summary" id="summary">(.*?)</table>', page, re.S)
    assert table
    summary = re.findall(r'<tr data-row="(\w+)"><th>([^<]+)</th><td[^>]*>([^<]*)</td></tr>', table.group(1))
    assert {name for name, _, _ in summary} >= {"required", "done", "excluded", "blocked", "remaining", "campaign"}
    for _, label, value in summary:
        assert any(label in line and value in line for line in printed.splitlines()), (label, value)
    # The wards that will miss the deadline: the same ones, in the same order.
    late = re.search(r'<p class="late" id="wards-missing">(.*?)</p>', page, re.S)
    assert late, "a deadline two hours away is missed by some ward"
    wards = re.findall(r'<span data-ward="([^"]+)">', late.group(1))
    flat = " ".join(printed.split())
    heading = messages.text("progress.wards_missing", deadline="X").split("(")[0].strip()
    told = re.search(
        re.escape(heading) + r" \([^)]*\): (.*?)(?: " + re.escape(messages.text("progress.wards_not_started")) + "|$)",
        flat,
    )
    assert told and told.group(1).strip().split(", ") == wards


def test_daily_intakes_add_up_to_the_done_and_blocked(campaign: Campaign) -> None:
    view = open_ledger_view(campaign.ledger)
    try:
        daily = view.daily_intakes(7 * 3600 * 1_000_000)
        rows = view.progress_rows(None, 0)
    finally:
        view.close()
    assert len(daily) >= 2
    done = sum(r.count for r in rows if r.outcome == "recorded" and r.verdict == "accept")
    blocked = sum(r.count for r in rows if r.outcome == "recorded" and r.verdict != "accept")
    assert sum(d.accepted for d in daily) == done and sum(d.blocked for d in daily) == blocked


def test_the_view_cannot_write(campaign: Campaign, tmp_path: Path) -> None:
    import sqlite3

    view = open_ledger_view(campaign.ledger)
    try:
        with pytest.raises(sqlite3.OperationalError):
            view._conn().execute("DELETE FROM submissions")  # type: ignore[union-attr]
    finally:
        view.close()
    with pytest.raises(CataloguedError):
        open_ledger_view(f"sqlite:///{tmp_path / 'none.db'}")
    assert not (tmp_path / "none.db").exists()
    # A file that is not a ledger: refused when the view opens, in the user's language, unchanged.
    sheet = tmp_path / "danh_sach.csv"
    sheet.write_text("member_id,ward\nM1,Phường A\n", encoding="utf-8")
    other = tmp_path / "other.db"
    made = sqlite3.connect(other)
    made.execute("CREATE TABLE t (x)")
    made.commit()
    made.close()
    for path in (sheet, other):
        before = path.read_bytes()
        with pytest.raises(LedgerOpenError) as refused:
            open_ledger_view(f"sqlite:///{path}")
        assert str(path) in str(refused.value) and path.read_bytes() == before


def test_renders_in_headless_chromium_with_the_network_off(campaign: Campaign, tmp_path: Path) -> None:
    browser = chromium_or_skip()
    exposure = Exposure("127.0.0.1", TOKEN.encode(), None, None, None)
    # One computation serves both reads: on a loaded machine Chromium can take
    # longer to start than the page's usual ten seconds, and the rows compared
    # below must be those of one page.
    server, port, _ = _serve(campaign, exposure, max_age=3600.0)
    try:
        with urllib.request.urlopen(
            urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Authorization": f"Bearer {TOKEN}"})
        ) as answer:
            html = answer.read().decode("utf-8")
            assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
        assert list(external_references(html)) == []
        assert not re.search(r"@import|@font-face|<link\b|<script\b|<iframe|<img\b", html, re.I)
        assert '<meta http-equiv="refresh"' in html
        # Every request off this machine goes to a proxy that is not there.
        dom = dump_dom(
            browser,
            f"http://127.0.0.1:{port}/?token={TOKEN}",
            tmp_path / "profile",
            "--proxy-server=http://127.0.0.1:9",
            "--window-size=1280,900",
        )
    finally:
        _stop(server)
    assert re.search(r'<svg[^>]*data-chart="daily"', dom), "the daily chart is not in the rendered DOM"
    assert _rows(dom, "wards") == _rows(html, "wards")
    assert _rows(dom, "machines") == _rows(html, "machines")
    assert "Tiến độ đợt tiếp nhận" in dom


def _status(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, dict[str, str]]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}, method=method)) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}
    except urllib.error.HTTPError as refused:
        return refused.code, {k.lower(): v for k, v in refused.headers.items()}


def test_a_viewer_without_the_token_is_refused(campaign: Campaign) -> None:
    exposure = Exposure("127.0.0.1", TOKEN.encode(), None, None, None)
    server, port, cache = _serve(campaign, exposure)
    url = f"http://127.0.0.1:{port}/"
    try:
        status, headers = _status(url)
        assert status == 401 and headers["www-authenticate"].startswith("Bearer")
        assert _status(url, {"Authorization": "Bearer wrong"})[0] == 401
        assert _status(url, {"Authorization": f"Bearer {TOKEN}x"})[0] == 401
        assert _status(url + "?token=wrong")[0] == 401
        assert _status(url, {"Cookie": "doichieu_page_token=wrong"})[0] == 401
        assert cache.recomputations == 0, "a refused viewer made the server read the ledger"
        assert _status(url, {"Authorization": f"Bearer {TOKEN}"})[0] == 200
        moved, headers = _status(url + f"?token={TOKEN}")
        assert moved == 303 and headers["location"] == "/"
        assert "HttpOnly" in headers["set-cookie"] and "samesite=strict" in headers["set-cookie"].lower()
        assert _status(url, {"Cookie": f"doichieu_page_token={TOKEN}"})[0] == 200
        # Read-only: nothing but GET and HEAD.
        assert _status(url, {"Authorization": f"Bearer {TOKEN}"}, method="POST")[0] == 405
        assert _status(url, {"Authorization": f"Bearer {TOKEN}"}, method="HEAD")[0] == 200
        assert cache.recomputations == 1, "the page is recomputed at most once per --recompute"
    finally:
        _stop(server)


def test_under_mutual_tls_a_viewer_without_a_certificate_is_refused(campaign: Campaign, tmp_path: Path) -> None:
    pki = make_pki(tmp_path / "pki", ["ban-chi-dao"])
    exposure = Exposure("127.0.0.1", None, str(pki.server_cert), str(pki.server_key), str(pki.ca))
    server, port, _ = _serve(campaign, exposure)
    try:
        bare = ssl.create_default_context(cafile=str(pki.ca))
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=bare, timeout=10)
        with pytest.raises((ssl.SSLError, ConnectionError, http.client.RemoteDisconnected)):
            connection.request("GET", "/")
            connection.getresponse().read()
        holder = ssl.create_default_context(cafile=str(pki.ca))
        holder.load_cert_chain(*pki.clients["ban-chi-dao"])
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=holder, timeout=30)
        connection.request("GET", "/")
        answer = connection.getresponse()
        assert answer.status == 200 and b'data-key="' in answer.read()
    finally:
        _stop(server)


def test_beyond_loopback_it_does_not_start_unprotected(
    campaign: Campaign, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for host in ("0.0.0.0", "192.0.2.10", "::"):
        assert main(["progress-page", "--ledger", campaign.ledger, "--host", host]) == 2
        assert "--token-file" in capsys.readouterr().err
    token = tmp_path / "token.txt"
    token.write_text(f"{TOKEN}\n", encoding="utf-8")
    Exposure("0.0.0.0", TOKEN.encode(), None, None, None).check()
    Exposure("0.0.0.0", None, "c.pem", "k.pem", "ca.pem").check()
    with pytest.raises(CataloguedError):
        Exposure("127.0.0.1", None, None, None, "ca.pem").check()
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    assert main(["progress-page", "--ledger", campaign.ledger, "--token-file", str(empty)]) == 2
    assert main(["progress-page", "--ledger", f"sqlite:///{tmp_path / 'absent.db'}"]) == 2
    assert "absent.db" in capsys.readouterr().err
    not_a_ledger = tmp_path / "notes.txt"
    not_a_ledger.write_text("không phải sổ tiếp nhận\n", encoding="utf-8")
    assert main(["progress-page", "--ledger", str(not_a_ledger)]) == 2
    said = capsys.readouterr().err
    assert "notes.txt" in said and "Traceback" not in said and len(said.strip().splitlines()) == 1


def test_the_cache_recomputes_once_for_many_viewers() -> None:
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        return "<html></html>"

    async def viewers() -> None:
        cache = PageCache(compute, max_age=60.0)
        pages = await asyncio.gather(*(cache.page() for _ in range(50)))
        assert set(pages) == {b"<html></html>"}

    asyncio.run(viewers())
    assert len(calls) == 1


def test_a_viewer_never_waits_for_a_recomputation_once_there_is_a_page() -> None:
    import threading

    release = threading.Event()
    pages = iter(["<html>1</html>", "<html>2</html>"])

    def compute() -> str:
        page = next(pages)
        if page == "<html>2</html>":
            release.wait(30)  # a slow read of a large ledger
        return page

    async def viewers() -> None:
        cache = PageCache(compute, max_age=0.01)
        assert await cache.page() == b"<html>1</html>"
        await asyncio.sleep(0.02)
        # The second read is held; twenty viewers still get the last page, and only one read runs.
        answers = await asyncio.wait_for(asyncio.gather(*(cache.page() for _ in range(20))), timeout=10)
        assert set(answers) == {b"<html>1</html>"} and cache.recomputations == 1
        release.set()
        await cache.settled()
        assert await cache.page() == b"<html>2</html>" and cache.recomputations == 2

    asyncio.run(viewers())


def test_todays_pace_is_against_the_target_pro_rata_of_the_shift() -> None:
    from doichieu.progress_page import todays_pace
    from doichieu.v1 import verifier_pb2 as pb
    from doichieu.verifier.progress import VIETNAM, Shift

    report = pb.GetProgressResponse(target_per_machine_per_day=250)
    # 15:30 in Vietnam: 7.5 of the 15 hours of the 08:00-23:00 shift are gone.
    report.as_of_time.FromDatetime(datetime(2025, 10, 3, 15, 30, tzinfo=VIETNAM))
    for key, today in (("s1/m1", 150), ("s1/m2", 90), ("s2/m1", 0)):
        report.machines.add(key=key, recorded_today=today, intakes=today + 400)
    pace = todays_pace(report, Shift.parse("08:00-23:00"))
    assert (pace.intakes, pace.machines, pace.per_machine) == (240, 2, 120.0)
    assert pace.shift_share == 0.5 and pace.expected_per_machine == 125.0
    # Before the shift nothing is expected yet; after it, the whole target.
    report.as_of_time.FromDatetime(datetime(2025, 10, 3, 7, 0, tzinfo=VIETNAM))
    assert todays_pace(report, Shift.parse("08:00-23:00")).expected_per_machine == 0.0
    report.as_of_time.FromDatetime(datetime(2025, 10, 3, 23, 30, tzinfo=VIETNAM))
    assert todays_pace(report, Shift.parse("08:00-23:00")).expected_per_machine == 250.0


def _summary_cells(html: str, table: str) -> dict[str, str]:
    body = re.search(rf'<table class="summary" id="{table}">(.*?)</table>', html, re.S)
    assert body, table
    return dict(re.findall(r'<tr data-row="(\w+)"><th>[^<]*</th><td[^>]*>([^<]*)</td></tr>', body.group(1)))


def test_todays_pace_and_the_daily_chart_agree_with_the_ledger(
    campaign: Campaign, capsys: pytest.CaptureFixture[str]
) -> None:
    from doichieu.verifier.command import DEFAULT_PER_DAY

    flags = ["--server", campaign.target, "--as-of", campaign.as_of, "--units", "0"]
    assert main(["progress", *flags]) == 0
    machines = {k: v for k, v in _cli_rows(capsys.readouterr().out).items() if "/" in k and len(v) == 9}
    page = page_computation(_page_args(campaign))()
    pace = _summary_cells(page, "today")
    today = [int(cells[4].replace(",", "")) for cells in machines.values()]
    assert int(pace["intakes"].replace(",", "")) == sum(today)
    assert int(pace["machines"]) == sum(1 for n in today if n)
    # The target by this hour is 250 times the share of today's shift gone by, as the page says.
    share = re.search(r"\((\d+)%", page[page.index('data-row="expected"') :])
    assert share and DEFAULT_PER_DAY == 250
    assert abs(int(pace["expected"].replace(",", "")) - 250 * int(share.group(1)) / 100) <= 2.5

    # One bar a day, labelled with the day, and the target line for the active machines.
    view = open_ledger_view(campaign.ledger)
    try:
        days = view.daily_intakes(7 * 3600 * 1_000_000)
    finally:
        view.close()
    chart = re.search(r'<svg[^>]*data-chart="daily".*?</svg>', page, re.S)
    assert chart and len(days) >= 2
    from datetime import date

    for day in days:
        assert (date(1970, 1, 1) + timedelta(days=day.day_number)).strftime("%d/%m") in chart.group(0)
    assert messages.text("page.daily_target", machines=7, per_day=250) in chart.group(0)


#: XML namespace names in the inline SVG: identifiers, never fetched.
_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_no_external_address_anywhere_in_the_page(campaign: Campaign) -> None:
    for lang in ("vi", "en"):
        messages.set_language(lang)
        page = page_computation(_page_args(campaign))()
        assert list(external_references(page)) == []
        addresses = set(re.findall(r"(?:[a-z][a-z0-9+.-]*:)?//[^\s\"'<>)]*", page, re.I))
        assert addresses <= _NAMESPACES, addresses - _NAMESPACES
        assert not re.search(r"<(script|link|iframe|img|object|embed|base)\b|@import|@font-face", page, re.I)


def _start_command(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    """``doichieu progress-page`` as an operator starts it; its first line (the address)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "doichieu", "progress-page", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    return process, process.stdout.readline()


def _wait_for_page(url: str, headers: dict[str, str] | None = None) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as answer:
                return str(answer.read().decode("utf-8"))
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _outward_address() -> str | None:
    """An address of this machine that is not loopback, if it has one (no packet is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        address = str(probe.getsockname()[0])
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_by_default_on_loopback_in_vietnamese_and_in_english_when_asked(campaign: Campaign) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    ledger = ["--ledger", campaign.ledger, "--roster", str(campaign.roster), "--as-of", campaign.as_of]
    process, line = _start_command(*ledger, env=env)
    try:
        found = re.fullmatch(r"Trang tiến độ: http://127\.0\.0\.1:(\d+)/\n", line)
        assert found, line
        port = int(found.group(1))
        page = _wait_for_page(f"http://127.0.0.1:{port}/")
        assert '<html lang="vi">' in page and "Tiến độ đợt tiếp nhận" in page and "Xã/phường" in page
        outward = _outward_address()
        if outward is not None:
            with pytest.raises(OSError):
                socket.create_connection((outward, port), timeout=5).close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    process, line = _start_command(*ledger, "--lang", "en", env=env)
    try:
        found = re.fullmatch(r"Progress page: http://127\.0\.0\.1:(\d+)/\n", line)
        assert found, line
        page = _wait_for_page(f"http://127.0.0.1:{found.group(1)}/")
        assert '<html lang="en">' in page and "Campaign progress" in page and "Tiến độ" not in page
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_reader_holding_a_snapshot_never_holds_up_intake(tmp_path: Path) -> None:
    """The page's reads take no lock the verifier's writer waits for (WAL), and they change no byte of the ledger."""
    import hashlib
    import sqlite3

    from doichieu.verifier import ledger as ledger_mod

    path = tmp_path / "ledger.db"

    def intake(k: int) -> ledger_mod.Intake:
        sid = f"sub-{k}"
        return ledger_mod.Intake(
            sid, f"M{k}", "site-1", "m1", "o1", "Phường A", "Chi bộ 1", ledger_mod.now_us(), "accept", "", "",
            ledger_mod.fingerprint(sid.encode()),
        )  # fmt: skip

    writer = ledger_mod.SqliteLedger(path)
    try:
        writer.submit(intake(0), lambda decision: b"\0").result(timeout=30)
        view = open_ledger_view(f"sqlite:///{path}")
        try:
            conn = view._conn()  # type: ignore[union-attr]
            assert conn.execute("PRAGMA query_only").fetchone()[0] == 1
            conn.execute("BEGIN")
            assert conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 1
            # The reader is inside a transaction with its snapshot; the writer commits beside it.
            for k in range(1, 20):
                writer.submit(intake(k), lambda decision: b"\0").result(timeout=30)
            assert conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 1
            conn.execute("COMMIT")
            assert sum(r.count for r in view.progress_rows(None, 0)) == 20
            with pytest.raises(sqlite3.OperationalError):
                conn.execute("INSERT INTO submissions (submission_id) VALUES ('x')")
        finally:
            view.close()
    finally:
        writer.close()
    # With the verifier stopped, serving the page leaves the ledger file as it was.
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    view = open_ledger_view(f"sqlite:///{path}")
    try:
        assert sum(r.count for r in view.progress_rows(None, 0)) == 20
        assert sum(d.accepted for d in view.daily_intakes(7 * 3600 * 1_000_000)) == 20
    finally:
        view.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def _get(port: int, host_header: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/", headers={"Host": host_header, **(headers or {})})
        answer = connection.getresponse()
        return answer.status, answer.read().decode("utf-8")
    finally:
        connection.close()


def test_unprotected_on_loopback_it_answers_only_loopback_names() -> None:
    """A web page elsewhere that rebinds its own name to 127.0.0.1 gets nothing from an unprotected page."""
    cache = PageCache(lambda: "<html>trang</html>", max_age=60.0)
    open_ = Exposure("127.0.0.1", None, None, None, None)
    assert open_.allowed_hosts() is not None
    server, port, _ = serve_in_thread(build_app(cache, None, allowed_hosts=open_.allowed_hosts()), open_)
    try:
        for name in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "LOCALHOST"):
            assert _get(port, name) == (200, "<html>trang</html>"), name
        for name in (f"evil.example:{port}", "evil.example", f"192.0.2.10:{port}", "127.0.0.1.evil.example", ""):
            status, said = _get(port, name)
            assert status == 421 and said == messages.text("page.wrong_host"), name
    finally:
        _stop(server)
    # Protected, the token decides whatever the name: the page may be reached under the server's name.
    assert Exposure("127.0.0.1", TOKEN.encode(), None, None, None).allowed_hosts() is None
    assert Exposure("0.0.0.0", TOKEN.encode(), None, None, None).allowed_hosts() is None
    assert Exposure("127.0.0.1", None, "c.pem", "k.pem", "ca.pem").allowed_hosts() is None


def test_a_ledger_that_cannot_be_read_keeps_the_last_page() -> None:
    answers: list[str | Exception] = [OSError("disk gone"), "<html>1</html>", OSError("again"), "<html>2</html>"]
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def viewers() -> None:
        cache = PageCache(compute, max_age=0.05)
        assert await cache.page() is None  # nothing read yet: the viewer is told to come back
        assert await cache.page() is None, "a failed read is not retried before max_age"
        await asyncio.sleep(0.06)
        assert await cache.page() == b"<html>1</html>"  # the first page: the viewer waited for it
        await asyncio.sleep(0.06)
        assert await cache.page() == b"<html>1</html>"  # served at once; the read under way fails
        await cache.settled()
        assert await cache.page() == b"<html>1</html>", "a failed read keeps the last page"
        await asyncio.sleep(0.06)
        assert await cache.page() == b"<html>1</html>"  # the last page at once, the next one under way
        await cache.settled()
        assert await cache.page() == b"<html>2</html>"
        assert (cache.recomputations, cache.failures) == (2, 2)

    asyncio.run(viewers())
    assert len(calls) == 4

    cache = PageCache(lambda: (_ for _ in ()).throw(OSError("down")), max_age=60.0)
    loopback = Exposure("127.0.0.1", None, None, None, None)
    server, port, _ = serve_in_thread(build_app(cache, None, allowed_hosts=loopback.allowed_hosts()), loopback)
    try:
        assert _get(port, f"127.0.0.1:{port}") == (503, messages.text("page.unavailable"))
    finally:
        _stop(server)


def test_the_web_framework_is_pinned_and_installed_at_its_pin() -> None:
    import tomllib
    from importlib import metadata

    with open(Path(__file__).resolve().parent.parent / "pyproject.toml", "rb") as source:
        dependencies = tomllib.load(source)["project"]["dependencies"]
    for name in ("starlette", "uvicorn"):
        (pin,) = [d for d in dependencies if re.match(rf"{name}\b", d)]
        assert re.fullmatch(rf"{name}==\d+(\.\d+)+", pin), pin
        assert metadata.version(name) == pin.split("==")[1], f"{name}: `make dev` installs {pin}"


@needs_postgres
def test_on_a_postgresql_ledger_the_page_reads_what_the_verifier_counts_and_cannot_write(postgres_db: str) -> None:
    import psycopg

    from doichieu.verifier import ledger as ledger_mod

    writer = ledger_mod.PostgresLedger(postgres_db)
    try:
        for k in range(40):
            sid = f"sub-{k}"
            writer.submit(
                ledger_mod.Intake(
                    sid,
                    f"M{k % 30}",
                    f"site-{k % 2}",
                    f"m{k % 3}",
                    "o1",
                    f"Phường {k % 4}",
                    "Chi bộ 1",
                    ledger_mod.now_us() - (k % 3) * 86_400_000_000,
                    "accept" if k % 5 else "review",
                    "",
                    "" if k % 5 else "DOB_MISMATCH",
                    ledger_mod.fingerprint(sid.encode()),
                ),  # fmt: skip
                lambda decision: b"\0",
            ).result(timeout=60)
        view = open_ledger_view(postgres_db)
        try:
            for ward in (None, "Phường 1"):
                assert sorted(map(repr, view.progress_rows(ward, 0))) == sorted(
                    map(repr, writer.progress_rows(ward, 0))
                )
            daily = view.daily_intakes(7 * 3600 * 1_000_000)
            current = [r for r in writer.progress_rows(None, 0) if r.outcome == "recorded"]
            assert sum(d.accepted + d.blocked for d in daily) == sum(r.count for r in current) == 30
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                view._query("DELETE FROM submissions", [])  # type: ignore[union-attr]
            assert writer.count() == 40
        finally:
            view.close()
    finally:
        writer.close()


def test_the_blocking_codes_are_explained_in_the_page_language(campaign: Campaign) -> None:
    from doichieu.progress_cli import _moment, fetch
    from doichieu.vocabulary import CODE_TERMS

    # The verifier's own count (GetProgress) for the same moment.
    report = fetch(campaign.target, as_of=_moment(campaign.as_of, "--as-of"))
    expected = sorted(report.total.blocked_by_code.items(), key=lambda kv: (-kv[1], kv[0]))
    assert expected, "members are blocked in this campaign"
    for lang in ("vi", "en"):
        messages.set_language(lang)
        page = page_computation(_page_args(campaign))()
        table = re.search(r'<table class="summary" id="codes">(.*?)</table>', page, re.S)
        assert table
        shown = re.findall(
            r'<tr data-code="(\w+)"><th>\w+</th><td>([^<]*)</td><td class="n">([\d,]+)</td></tr>', table.group(1)
        )
        assert [(code, int(count.replace(",", ""))) for code, _, count in shown] == expected
        for code, title, _ in shown:
            term = CODE_TERMS[code]
            assert html.unescape(title) == (term.title_en if lang == "en" else term.title_vi), code

"""`doichieu progress-page` over a ledger filled by simulated intake sites through
the real verifier: the page's numbers are `doichieu progress`'s, it renders in
headless Chromium with the network off, and a viewer without the token or the
client certificate gets no page."""

from __future__ import annotations

import argparse
import asyncio
import http.client
import re
import ssl
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
from doichieu.verifier.ledger import LedgerError
from doichieu.verifier.ledger_view import open_ledger_view
from grpc_harness import InProcessServer, generated_province, make_engine, make_pki

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


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    was = messages.language()
    yield
    messages.set_language(was)


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


def _serve(campaign: Campaign, exposure: Exposure, *extra: str) -> tuple[object, int, PageCache]:
    cache = PageCache(page_computation(_page_args(campaign, *extra)), max_age=10.0)
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
    assert issubclass(LedgerError, Exception)


def test_renders_in_headless_chromium_with_the_network_off(campaign: Campaign, tmp_path: Path) -> None:
    browser = chromium_or_skip()
    exposure = Exposure("127.0.0.1", TOKEN.encode(), None, None, None)
    server, port, _ = _serve(campaign, exposure)
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

"""Submit's durable rate while the live progress page is watched (issue 18).

    .venv/bin/python benches/progress_page_load.py                    # 20 viewers every 2 s, 3 rounds of 10 s
    .venv/bin/python benches/progress_page_load.py --recompute 10,2 --rounds 5
    .venv/bin/python benches/progress_page_load.py --quick            # a short run

One ``doichieu serve`` (SQLite ledger: WAL, fsync per group commit) takes Submit
calls from ``grpc_load``'s load processes (the same load as the Submit floor of
issue 4: a fresh submission and member each call, 32 calls in flight per
process). Beside it, ``doichieu progress-page`` reads that ledger as it grows
(its own process, as an operator starts it, with a token). The same Submit
load runs again and again, with nobody looking at the page and with
``--viewers`` viewers each loading it every ``--every`` seconds (a browser's
refresh, a new connection each time, with the token) in turn: unwatched,
watched, unwatched, …, unwatched. A round's ratio is the watched run's rate
over the mean of the unwatched runs just before and after it (the ledger's
growth and slow changes in background load cancel out); the figure is the
median over rounds. Beside it, the ratio of the unwatched run after to the one
before, the same measurement with nobody watching: how much this machine's
noise alone moves the ratio.

``--recompute`` is the page's own flag: how old the figures may get before a
viewer's request reads the ledger again (10 s by default; 2 s makes every
refresh cycle of every viewer trigger a grouped read of the ledger and a new
chart). Several values are measured one after the other, each with a fresh page
server over the same ledger.

Everything listens on 127.0.0.1. On a 2-core machine the load processes, the
verifier, the page and its viewers share the cores: the ratio is what a page
costs intake on a starved machine, which is the case that matters.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import grpc_load  # noqa: E402


@dataclass
class PageServer:
    process: subprocess.Popen[str]
    host: str
    port: int
    token: str

    def cpu_seconds(self) -> float:
        return grpc_load.process_cpu_seconds(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_page(folder: Path, ledger: Path, roster: Path, recompute: float) -> PageServer:
    """``doichieu progress-page`` in its own process, on a free loopback port, behind a token."""
    token = secrets.token_urlsafe(24)
    token_file = folder / "page-token.txt"
    token_file.write_text(token + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "doichieu",
            "progress-page",
            "--ledger",
            f"sqlite:///{ledger}",
            "--roster",
            str(roster),
            "--port",
            "0",
            "--token-file",
            str(token_file),
            "--recompute",
            f"{recompute:g}",
            "--refresh",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"http://([0-9.]+):(\d+)/", line)
    if not found:
        process.kill()
        raise RuntimeError(f"the page did not start: {line!r} {process.stderr.read() if process.stderr else ''}")
    # The URL is printed before uvicorn listens: wait until it answers.
    page = PageServer(process, found.group(1), int(found.group(2)), token)
    deadline = time.monotonic() + 60
    while True:
        try:
            if fetch_page(page)[0] == 200:
                return page
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            page.stop()
            raise RuntimeError("the page did not answer in time")
        time.sleep(0.1)


def fetch_page(page: PageServer) -> tuple[int, int]:
    """One viewer's load of the page: a new connection, the token, the whole body. (status, bytes)."""
    connection = http.client.HTTPConnection(page.host, page.port, timeout=30)
    try:
        connection.request("GET", "/", headers={"Authorization": f"Bearer {page.token}"})
        answer = connection.getresponse()
        body = answer.read()
        return answer.status, len(body)
    finally:
        connection.close()


@dataclass
class Viewers:
    """``count`` viewers, each loading the page every ``every`` seconds, spread evenly over the period."""

    page: PageServer
    count: int
    every: float
    latencies: list[float] = field(default_factory=list)
    pages: int = 0
    errors: int = 0
    bytes: int = 0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._viewer, args=(k,), daemon=True) for k in range(self.count)]

    def _viewer(self, index: int) -> None:
        next_at = time.monotonic() + self.every * index / self.count
        while not self._stop.wait(max(0.0, next_at - time.monotonic())):
            next_at += self.every
            t0 = time.perf_counter()
            try:
                status, size = fetch_page(self.page)
            except OSError:
                status, size = 0, 0
            took = time.perf_counter() - t0
            with self._lock:
                if status == 200:
                    self.pages += 1
                    self.bytes += size
                    self.latencies.append(took)
                else:
                    self.errors += 1

    def __enter__(self) -> Viewers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


@dataclass
class Settings:
    members: int = 20_000
    seconds: float = 10.0
    rounds: int = 3
    procs: int = 2
    concurrency: int = 32
    workers: int = 1
    viewers: int = 20
    every: float = 2.0
    recompute: tuple[float, ...] = (10.0,)
    warmup_seconds: float = 3.0


def sandwich(rounds: int) -> list[bool]:
    """Unwatched, watched, unwatched, …, unwatched: each watched run between two unwatched ones."""
    return [False, True] * rounds + [False]


def one_run(page: PageServer, load: Any, verifier: Any, settings: Settings, watched: bool) -> dict[str, Any]:
    """One Submit run, with the viewers looking at the page or not; the page process's CPU seconds during it."""
    page_cpu, verifier_cpu, own_cpu = page.cpu_seconds(), verifier.cpu_seconds(), time.process_time()
    if watched:
        with Viewers(page, settings.viewers, settings.every) as viewers:
            result = load.run("submit", verifier.target, settings.concurrency, settings.seconds)
        result |= {
            "pages": viewers.pages,
            "page errors": viewers.errors,
            "page bytes": viewers.bytes / max(viewers.pages, 1),
            "page latencies": sorted(viewers.latencies),
        }
    else:
        result = load.run("submit", verifier.target, settings.concurrency, settings.seconds)
    result["page cpu s"] = page.cpu_seconds() - page_cpu
    # CPU time per submission of the verifier (every thread): what the page may add to its own work,
    # whatever share of the cores the rest of the machine leaves it.
    result["verifier µs/submission"] = (verifier.cpu_seconds() - verifier_cpu) / max(result["calls"], 1) * 1e6
    result["viewers cpu s"] = time.process_time() - own_cpu
    return dict(result)


def spread(values: list[float]) -> tuple[float, tuple[float, float]]:
    """The median and the quartiles."""
    if len(values) < 2:
        return values[0], (values[0], values[0])
    quartiles = statistics.quantiles(values, n=4)
    return statistics.median(values), (quartiles[0], quartiles[2])


def measure(settings: Settings, folder: Path, say: Any = print) -> dict[str, Any]:
    population, roster = grpc_load.province_tables(folder, settings.members)
    ledger = folder / "ledger.db"
    facts: dict[str, Any] = {
        "cores": os.cpu_count(),
        "members": settings.members,
        "cases": [],
        "load": [load_average()],
    }
    with grpc_load.LoadPool(settings.procs, roster) as load:
        verifier = grpc_load.start_doichieu(folder, population, roster, settings.workers, ledger)
        try:
            # Intakes in the ledger before the first page, so that its first read has rows to group.
            warm = load.run("submit", verifier.target, settings.concurrency, settings.warmup_seconds)
            say(f"warm-up: {warm['calls']:,} submissions")
            for recompute in settings.recompute:
                page = start_page(folder, ledger, roster, recompute)
                case: dict[str, Any] = {"recompute": recompute, "rounds": []}
                try:
                    runs = [one_run(page, load, verifier, settings, watched) for watched in sandwich(settings.rounds)]
                finally:
                    page.stop()
                for round_ in range(settings.rounds):
                    before, seen, after = runs[2 * round_], runs[2 * round_ + 1], runs[2 * round_ + 2]
                    without = (before["calls/s"] + after["calls/s"]) / 2
                    lat = seen["page latencies"]
                    p50 = lat[len(lat) // 2] * 1000 if lat else float("nan")
                    p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1000 if lat else float("nan")
                    row = {
                        "round": round_,
                        "without": without,
                        "with": seen["calls/s"],
                        "ratio": seen["calls/s"] / without,
                        # The same measurement with nobody watching either run: the noise of the machine.
                        "unwatched ratio": after["calls/s"] / before["calls/s"],
                        "submit errors": before["errors"] + seen["errors"] + after["errors"],
                        "submit p99 without": max(before["p99 ms"], after["p99 ms"]),
                        "submit p99 with": seen["p99 ms"],
                        "pages": seen["pages"],
                        "page errors": seen["page errors"],
                        "page p50 ms": p50,
                        "page p99 ms": p99,
                        "page bytes": seen["page bytes"],
                        "page cpu s": seen["page cpu s"],
                        "idle page cpu s": max(before["page cpu s"], after["page cpu s"]),
                        "verifier µs watched": seen["verifier µs/submission"],
                        "verifier µs unwatched": (before["verifier µs/submission"] + after["verifier µs/submission"])
                        / 2,
                        "viewers cpu s": seen["viewers cpu s"],
                    }
                    case["rounds"].append(row)
                    say(
                        f"recompute {recompute:g} s, round {round_ + 1}: Submit {before['calls/s']:,.0f}/s and "
                        f"{after['calls/s']:,.0f}/s without viewers, {seen['calls/s']:,.0f}/s with "
                        f"{settings.viewers} between them (ratio {row['ratio']:.1%}); {row['pages']} pages served "
                        f"(errors {row['page errors']}), page p50 {p50:.0f} ms p99 {p99:.0f} ms, page process "
                        f"{row['page cpu s']:.2f} CPU s ({row['idle page cpu s']:.2f} unwatched), viewers "
                        f"{seen['viewers cpu s']:.2f} CPU s; verifier {seen['verifier µs/submission']:.0f} µs CPU "
                        f"a submission watched, {before['verifier µs/submission']:.0f} and "
                        f"{after['verifier µs/submission']:.0f} unwatched"
                    )
                case["ratio"], case["quartiles"] = spread([r["ratio"] for r in case["rounds"]])
                case["unwatched ratio"], case["unwatched quartiles"] = spread(
                    [r["unwatched ratio"] for r in case["rounds"]]
                )
                facts["cases"].append(case)
            facts["ledger rows"] = ledger_rows(ledger)
            facts["load"].append(load_average())
        finally:
            verifier.stop()
    return facts


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def ledger_rows(ledger: Path) -> int:
    import sqlite3

    with sqlite3.connect(f"file:{ledger}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])


def report(settings: Settings, facts: dict[str, Any]) -> str:
    lines = [
        f"{facts['cores']} cores; province of {facts['members']:,} members; {settings.procs} load processes x "
        f"{settings.concurrency} Submit calls in flight; {settings.seconds:g} s per run; {settings.viewers} viewers "
        f"every {settings.every:g} s; {facts['ledger rows']:,} submissions in the ledger at the end; load average "
        f"(1, 5, 15 min) {facts['load'][0]} at the start, {facts['load'][1]} at the end",
        "",
        "| page --recompute | round | Submit/s without viewers (mean of the runs around) | Submit/s with viewers "
        "| ratio | unwatched after / before | pages served | page errors | page p50 ms | page p99 ms "
        "| page CPU s (watched / unwatched) | Submit errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case in facts["cases"]:
        for row in case["rounds"]:
            lines.append(
                f"| {case['recompute']:g} s | {row['round'] + 1} | {row['without']:,.0f} | {row['with']:,.0f} | "
                f"{row['ratio']:.1%} | {row['unwatched ratio']:.1%} | {row['pages']} | {row['page errors']} | {row['page p50 ms']:.0f} | "
                f"{row['page p99 ms']:.0f} | {row['page cpu s']:.2f} / {row['idle page cpu s']:.2f} | "
                f"{row['submit errors']} |"
            )
    lines.append("")
    for case in facts["cases"]:
        verdict = "met" if case["ratio"] >= 0.9 else "NOT met"
        lines.append(
            f"--recompute {case['recompute']:g} s: median ratio {case['ratio']:.1%} (quartiles "
            f"{case['quartiles'][0]:.1%} to {case['quartiles'][1]:.1%}; floor 90 %: {verdict}); by round "
            + ", ".join(f"{r['ratio']:.1%}" for r in case["rounds"])
        )
        watched = statistics.median(r["verifier µs watched"] for r in case["rounds"])
        unwatched = statistics.median(r["verifier µs unwatched"] for r in case["rounds"])
        lines.append(
            f"--recompute {case['recompute']:g} s: the verifier's CPU time a submission, median over rounds: "
            f"{watched:.0f} µs watched, {unwatched:.0f} µs unwatched ({watched / unwatched:.1%}); the page process "
            f"{statistics.median(r['page cpu s'] for r in case['rounds']) / settings.seconds:.1%} of a core and "
            f"the viewers {statistics.median(r['viewers cpu s'] for r in case['rounds']) / settings.seconds:.1%} "
            "while watched (median)"
        )
        lines.append(
            f"--recompute {case['recompute']:g} s, nobody watching either run (the machine's noise): median ratio "
            f"{case['unwatched ratio']:.1%} (quartiles {case['unwatched quartiles'][0]:.1%} to "
            f"{case['unwatched quartiles'][1]:.1%})"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=20_000, help="province size")
    parser.add_argument("--seconds", type=float, default=10.0, help="each Submit run")
    parser.add_argument("--rounds", type=int, default=3, help="pairs (without, with viewers) per --recompute value")
    parser.add_argument("--procs", type=int, default=2, help="load generator processes")
    parser.add_argument("--concurrency", type=int, default=32, help="Submit calls in flight per load process")
    parser.add_argument("--workers", type=int, default=1, help="verifier processes (doichieu serve --workers)")
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between a viewer's loads")
    parser.add_argument("--recompute", default="10", help="the page's --recompute, a comma-separated list")
    parser.add_argument("--quick", action="store_true", help="3 s runs, one round, a small province")
    args = parser.parse_args()
    settings = Settings(
        members=args.members,
        seconds=args.seconds,
        rounds=args.rounds,
        procs=args.procs,
        concurrency=args.concurrency,
        workers=args.workers,
        viewers=args.viewers,
        every=args.every,
        recompute=tuple(float(v) for v in args.recompute.split(",") if v.strip()),
    )
    if args.quick:
        settings.members, settings.seconds, settings.rounds, settings.warmup_seconds = 2000, 3.0, 1, 1.0
    with tempfile.TemporaryDirectory(prefix="doichieu-page-bench-") as tmp:
        facts = measure(settings, Path(tmp), say=lambda line: print(line, flush=True))
    print()
    print(report(settings, facts))
    return 0 if all(case["ratio"] >= 0.9 for case in facts["cases"]) else 1


if __name__ == "__main__":
    sys.exit(main())

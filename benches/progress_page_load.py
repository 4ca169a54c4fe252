"""Submit's durable rate while the live progress page is watched (issue 18).

    .venv/bin/python benches/progress_page_load.py                    # 20 viewers every 2 s, 8 rounds
    .venv/bin/python benches/progress_page_load.py --recompute 10,2 --rounds 12
    .venv/bin/python benches/progress_page_load.py --quick            # a short run

Two twin ``doichieu serve`` processes (same province, each its own SQLite ledger:
WAL, fsync per group commit, in the same folder) take Submit calls from
``grpc_load``'s load processes at the same moments (a fresh submission and
member each call, 32 calls in flight per twin). Beside each, its own
``doichieu progress-page`` reads that ledger as it grows (its own process, as an
operator starts it, with a token). ``--viewers`` viewers load one twin's page
every ``--every`` seconds (a browser's refresh: a new connection each time, with
the token) while both twins take the same load; the ratio is the watched twin's
rate over its twin's in the same seconds. Whatever else the machine does during
a run (other work on its cores, the disk's other writes) falls on both twins
alike, which a run before or after cannot promise on a shared machine.

A round is four runs: viewers on A's page, on B's, then nobody watching, twice.
Its ratio is the geometric mean of (watched / beside) over its two watched runs,
so whichever twin happens to be faster cancels out; the same estimate over the
two unwatched runs is the machine's noise (it should be 100 %). The figure is the
median over rounds. Each run also gives the verifier's CPU time a submission,
watched and beside, and the CPU time of the page process and of the viewers.

``--recompute`` is the page's own flag: how old the figures may get before a
viewer's request reads the ledger again (10 s by default; 2 s makes every
refresh cycle of every viewer trigger a grouped read of the ledger and a new
chart). Several values are measured one after the other, each with fresh page
servers over the same ledgers, which keep growing (a few hundred thousand
submissions by the end: more than a province's whole campaign).

Everything listens on 127.0.0.1. On a 2-core machine the load, the twins, the
pages and the viewers share the cores: the page's CPU time is taken from every
process alike, the twin beside included, so the ratio shows what the page does
to its own verifier (locks, reads); its CPU cost is given apart, as a share of a
core.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import math
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
    seconds: float = 4.0
    rounds: int = 8
    procs: int = 1
    concurrency: int = 32
    workers: int = 1
    viewers: int = 20
    every: float = 2.0
    recompute: tuple[float, ...] = (10.0,)
    warmup_seconds: float = 3.0


@dataclass
class Twin:
    """One verifier with its own ledger, its own load processes and its own progress page."""

    name: str
    verifier: grpc_load.Server
    load: grpc_load.LoadPool
    ledger: Path
    page: PageServer | None = None


def spread(values: list[float]) -> tuple[float, tuple[float, float]]:
    """The median and the quartiles."""
    if len(values) < 2:
        return values[0], (values[0], values[0])
    quartiles = statistics.quantiles(values, n=4)
    return statistics.median(values), (quartiles[0], quartiles[2])


def together(twins: list[Twin], settings: Settings, watched: Twin | None) -> dict[str, dict[str, Any]]:
    """Both twins under the same Submit load at the same moment; the viewers, if any, on ``watched``'s page.
    Per twin: the load's figures, its verifier's CPU time a submission, its page's CPU seconds."""
    from concurrent.futures import ThreadPoolExecutor

    before = {t.name: (t.verifier.cpu_seconds(), t.page.cpu_seconds() if t.page else 0.0) for t in twins}
    own = time.process_time()
    viewers = Viewers(watched.page, settings.viewers, settings.every) if watched and watched.page else None
    with ThreadPoolExecutor(len(twins)) as pool:
        if viewers:
            viewers.__enter__()
        try:
            futures = {
                t.name: pool.submit(t.load.run, "submit", t.verifier.target, settings.concurrency, settings.seconds)
                for t in twins
            }
            results = {name: future.result() for name, future in futures.items()}
        finally:
            if viewers:
                viewers.__exit__(None, None, None)
    for t in twins:
        verifier_cpu, page_cpu = before[t.name]
        result = results[t.name]
        result["verifier µs/submission"] = (t.verifier.cpu_seconds() - verifier_cpu) / max(result["calls"], 1) * 1e6
        result["page cpu s"] = (t.page.cpu_seconds() if t.page else 0.0) - page_cpu
    if viewers and watched:
        results[watched.name] |= {
            "pages": viewers.pages,
            "page errors": viewers.errors,
            "page latencies": sorted(viewers.latencies),
            "viewers cpu s": time.process_time() - own,
        }
    return results


def measure(settings: Settings, folder: Path, say: Any = print) -> dict[str, Any]:
    """Twin verifiers side by side, loaded at the same moments: whatever else the machine does in a run
    (other work on its cores, its disk's fsyncs) falls on both alike. A round runs four times: the
    viewers on A's page, on B's, then nobody watching twice. Its ratio is the geometric mean of
    watched / unwatched over the two watched runs (which twin is faster cancels out); the two unwatched
    runs give the same estimate with nobody watching, the machine's noise."""
    population, roster = grpc_load.province_tables(folder, settings.members)
    facts: dict[str, Any] = {
        "cores": os.cpu_count(),
        "members": settings.members,
        "cases": [],
        "load": [load_average()],
    }
    twins: list[Twin] = []
    try:
        for name in ("A", "B"):
            load = grpc_load.LoadPool(settings.procs, roster)
            twin_folder = folder / name
            twin_folder.mkdir()
            ledger = twin_folder / "ledger.db"
            verifier = grpc_load.start_doichieu(twin_folder, population, roster, settings.workers, ledger)
            twins.append(Twin(name, verifier, load, ledger))
        # Intakes in the ledgers before the first page, so that its first read has rows to group.
        warm = together(twins, dataclasses.replace(settings, seconds=settings.warmup_seconds), None)
        say("warm-up: " + ", ".join(f"{n} {r['calls']:,} submissions" for n, r in warm.items()))
        a, b = twins
        for recompute in settings.recompute:
            case: dict[str, Any] = {"recompute": recompute, "rounds": []}
            try:
                for twin in twins:
                    twin.page = start_page(folder / twin.name, twin.ledger, roster, recompute)
                for round_ in range(settings.rounds):
                    on_a, on_b = together(twins, settings, a), together(twins, settings, b)
                    calm = [together(twins, settings, None) for _ in range(2)]

                    def rate(run: dict[str, dict[str, Any]], twin: Twin) -> float:
                        return float(run[twin.name]["calls/s"])

                    ratio = math.sqrt(rate(on_a, a) / rate(on_a, b) * rate(on_b, b) / rate(on_b, a))
                    noise = math.sqrt(rate(calm[0], a) / rate(calm[0], b) * rate(calm[1], b) / rate(calm[1], a))
                    seen = [on_a[a.name], on_b[b.name]]
                    beside = [on_a[b.name], on_b[a.name]]
                    lat = sorted(x for r in seen for x in r["page latencies"])
                    row = {
                        "round": round_,
                        "watched": statistics.mean(r["calls/s"] for r in seen),
                        "unwatched": statistics.mean(r["calls/s"] for r in beside),
                        "ratio": ratio,
                        "noise": noise,
                        "submit errors": sum(r[t.name]["errors"] for r in (on_a, on_b, *calm) for t in twins),
                        "pages": sum(r["pages"] for r in seen) / 2,
                        "page errors": sum(r["page errors"] for r in seen),
                        "page p50 ms": lat[len(lat) // 2] * 1000 if lat else float("nan"),
                        "page p99 ms": lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1000 if lat else float("nan"),
                        "page cpu s": statistics.mean(r["page cpu s"] for r in seen),
                        "viewers cpu s": statistics.mean(r["viewers cpu s"] for r in seen),
                        "verifier µs watched": statistics.mean(r["verifier µs/submission"] for r in seen),
                        "verifier µs unwatched": statistics.mean(r["verifier µs/submission"] for r in beside),
                    }
                    case["rounds"].append(row)
                    say(
                        f"recompute {recompute:g} s, round {round_ + 1}: Submit {rate(on_a, a):,.0f}/s watched "
                        f"beside {rate(on_a, b):,.0f}/s, {rate(on_b, b):,.0f}/s watched beside {rate(on_b, a):,.0f}/s "
                        f"(ratio {ratio:.1%}); nobody watching {rate(calm[0], a):,.0f} / {rate(calm[0], b):,.0f} and "
                        f"{rate(calm[1], a):,.0f} / {rate(calm[1], b):,.0f} (noise {noise:.1%}); "
                        f"{row['pages']:.0f} pages a watched run (errors {row['page errors']}), page p50 "
                        f"{row['page p50 ms']:.0f} ms p99 {row['page p99 ms']:.0f} ms, page process "
                        f"{row['page cpu s']:.2f} CPU s, viewers {row['viewers cpu s']:.2f}; verifier "
                        f"{row['verifier µs watched']:.0f} µs CPU a submission watched, "
                        f"{row['verifier µs unwatched']:.0f} beside"
                    )
            finally:
                for twin in twins:
                    if twin.page:
                        twin.page.stop()
                        twin.page = None
            case["ratio"], case["quartiles"] = spread([r["ratio"] for r in case["rounds"]])
            case["noise"], case["noise quartiles"] = spread([r["noise"] for r in case["rounds"]])
            facts["cases"].append(case)
        facts["ledger rows"] = sum(ledger_rows(t.ledger) for t in twins) // len(twins)
        facts["load"].append(load_average())
    finally:
        for twin in twins:
            twin.verifier.stop()
            twin.load.close()
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
        f"{facts['cores']} cores; province of {facts['members']:,} members; two twin verifiers, each "
        f"{settings.procs} load process(es) x {settings.concurrency} Submit calls in flight; {settings.seconds:g} s "
        f"per run; {settings.viewers} viewers every {settings.every:g} s; {facts['ledger rows']:,} submissions in "
        f"each ledger at the end; load average (1, 5, 15 min) {facts['load'][0]} at the start, "
        f"{facts['load'][1]} at the end",
        "",
        "| page --recompute | round | Submit/s watched | Submit/s of the twin beside | ratio | nobody watching "
        "(noise) | pages a run | page errors | page p50 ms | page p99 ms | page CPU s a run | verifier CPU "
        "µs/submission watched / beside | Submit errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for case in facts["cases"]:
        for row in case["rounds"]:
            lines.append(
                f"| {case['recompute']:g} s | {row['round'] + 1} | {row['watched']:,.0f} | {row['unwatched']:,.0f} | "
                f"{row['ratio']:.1%} | {row['noise']:.1%} | {row['pages']:.0f} | {row['page errors']} | "
                f"{row['page p50 ms']:.0f} | {row['page p99 ms']:.0f} | {row['page cpu s']:.2f} | "
                f"{row['verifier µs watched']:.0f} / {row['verifier µs unwatched']:.0f} | {row['submit errors']} |"
            )
    lines.append("")
    for case in facts["cases"]:
        rounds = case["rounds"]
        verdict = "met" if case["ratio"] >= 0.9 else "NOT met"
        watched = statistics.median(r["verifier µs watched"] for r in rounds)
        beside = statistics.median(r["verifier µs unwatched"] for r in rounds)
        lines += [
            f"--recompute {case['recompute']:g} s: Submit watched / unwatched, median over rounds "
            f"{case['ratio']:.1%} (quartiles {case['quartiles'][0]:.1%} to {case['quartiles'][1]:.1%}; floor 90 %: "
            f"{verdict}); by round " + ", ".join(f"{r['ratio']:.1%}" for r in rounds),
            f"--recompute {case['recompute']:g} s, nobody watching (the machine's noise): median "
            f"{case['noise']:.1%} (quartiles {case['noise quartiles'][0]:.1%} to {case['noise quartiles'][1]:.1%})",
            f"--recompute {case['recompute']:g} s: the verifier's CPU time a submission, median over rounds: "
            f"{watched:.0f} µs watched, {beside:.0f} µs beside ({watched / beside:.1%}); the page process "
            f"{statistics.median(r['page cpu s'] for r in rounds) / settings.seconds:.1%} of a core and the viewers "
            f"{statistics.median(r['viewers cpu s'] for r in rounds) / settings.seconds:.1%} while watched (median)",
        ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=20_000, help="province size")
    parser.add_argument("--seconds", type=float, default=4.0, help="each Submit run")
    parser.add_argument("--rounds", type=int, default=8, help="rounds (4 runs each) per --recompute value")
    parser.add_argument("--procs", type=int, default=1, help="load generator processes per twin")
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
        settings.members, settings.seconds, settings.rounds, settings.warmup_seconds = 2000, 2.0, 1, 1.0
    with tempfile.TemporaryDirectory(prefix="doichieu-page-bench-") as tmp:
        facts = measure(settings, Path(tmp), say=lambda line: print(line, flush=True))
    print()
    print(report(settings, facts))
    return 0 if all(case["ratio"] >= 0.9 for case in facts["cases"]) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Load on the gRPC verifier, beside a trivial echo server with the same messages.

    .venv/bin/python benches/grpc_load.py                     # every mode, 5 s each
    .venv/bin/python benches/grpc_load.py --modes verify,echo --seconds 10 --workers 1,2
    .venv/bin/python benches/grpc_load.py --quick             # a short run

`benches/bench_grpc.py` runs the same measurements for BENCHMARKS.md.

The province is `doichieu generate`'s (planted discrepancies, missing IDs that
send the engine looking for candidates), so the answers are the real mix. The
load comes from separate client processes (``--procs``), started once and kept
for every mode, each a ``grpc.aio`` event loop with ``--concurrency`` calls in
flight; every run is bounded in time and count, and everything listens on
127.0.0.1 only.

What is compared, in the same run:
* ``echo``: a grpc.aio server that parses each request and answers stored bytes
  of the real server's answers (a Verify answer of the median size; the real
  VerifyStream answer of the chunk sent), so the same bytes travel: the cost of
  gRPC in Python alone.
* ``verify``: ``doichieu serve``'s Verify (unary), cycling through the roster.
* ``stream`` (and ``echo-stream``): VerifyStream, chunks of 1,000 records.
* ``submit``: Submit with a fresh submission and member each call, each
  acknowledged only after its SQLite commit (WAL, fsync).
* ``ledger``: the SQLite ledger alone (1, 16, 64 concurrent submitters), to
  tell the cost of durability from the cost of gRPC.
Servers run with ``--workers`` processes sharing the port (SO_REUSEPORT).

On a 2-core machine the client processes and the server share the cores, so
the figures are floors for the server, not its ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHUNK = 1000


def province_tables(folder: Path, members: int, seed: int = 7) -> tuple[Path, Path]:
    """A generated province (population.csv, roster.csv): made-up people with the planted noise."""
    from doichieu.generate import generate_province

    made = generate_province(folder / "province", members=members, seed=seed)
    return made.population, made.roster


def roster_members(roster: str | Path, limit: int = 5000) -> list[Any]:
    """The first ``limit`` members of a roster as MemberRecord messages."""
    import polars as pl

    from doichieu.records import SOURCE_COLUMNS, load_roster
    from doichieu.v1 import verifier_pb2 as pb

    frame = load_roster(roster).head(limit).drop(SOURCE_COLUMNS).with_columns(pl.all().fill_null(""))
    return [pb.MemberRecord(**row) for row in frame.iter_rows(named=True)]


# ---------------------------------------------------------------- servers


def serve_echo(port_file: str, answer_path: str, stream_answer_path: str, workers: int) -> None:
    """The reference: same service name and messages, no work."""
    import grpc

    from doichieu.v1 import verifier_pb2 as pb

    answer = Path(answer_path).read_bytes()
    stream_answer = Path(stream_answer_path).read_bytes()

    async def main(reuse: bool, port: int, announce: bool) -> None:
        async def verify(request: bytes, context: Any) -> bytes:
            pb.VerifyRequest.FromString(request)  # the same parsing the real server does
            return answer

        async def stream(requests: Any, context: Any) -> Any:
            async for raw in requests:
                pb.VerifyStreamRequest.FromString(raw)
                yield stream_answer

        handler = grpc.method_handlers_generic_handler(
            "doichieu.v1.Verifier",
            {
                "Verify": grpc.unary_unary_rpc_method_handler(verify),
                "VerifyStream": grpc.stream_stream_rpc_method_handler(stream),
            },
        )
        server = grpc.aio.server(
            options=[("grpc.so_reuseport", 1 if reuse else 0), ("grpc.max_receive_message_length", 4 << 20)]
        )
        server.add_generic_rpc_handlers((handler,))
        bound = server.add_insecure_port(f"127.0.0.1:{port}")
        await server.start()
        if announce:
            Path(port_file).write_text(f"{bound}\n")
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        await server.stop(1)

    if workers <= 1:
        asyncio.run(main(False, 0, True))
        return
    import socket

    probe = socket.socket()
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    children = []
    for k in range(workers):
        pid = os.fork()
        if pid == 0:
            asyncio.run(main(True, port, k == 0))
            os._exit(0)
        children.append(pid)
    signal.signal(signal.SIGTERM, lambda *_: [os.kill(c, signal.SIGTERM) for c in children])
    for c in children:
        os.waitpid(c, 0)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the server process and its forked workers, every thread."""
        return sum(process_cpu_seconds(pid) for pid in [self.process.pid, *children_of(self.process.pid)])

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def children_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc; 0 where unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(command: list[str], port_file: Path, workers: int = 1) -> Server:
    port_file.unlink(missing_ok=True)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not port_file.exists():
        if process.poll() is not None:
            raise RuntimeError(f"server failed: {process.stderr.read().decode() if process.stderr else ''}")
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("server did not start in time")
        time.sleep(0.05)
    if workers > 1:
        time.sleep(0.5 * workers)  # every worker of a multi-process server builds its index and binds
    return Server(process, int(port_file.read_text()))


def start_doichieu(folder: Path, population: Path, roster: Path, workers: int, ledger: Path) -> Server:
    return start(
        [
            sys.executable,
            "-m",
            "doichieu",
            "serve",
            "--population",
            str(population),
            "--roster",
            str(roster),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--port-file",
            str(folder / "real.port"),
            "--ledger",
            f"sqlite:///{ledger}",
            "--workers",
            str(workers),
        ],
        folder / "real.port",
        workers,
    )


def start_echo(folder: Path, answer: Path, stream_answer: Path, workers: int) -> Server:
    return start(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--serve-echo",
            str(folder / "echo.port"),
            str(answer),
            str(stream_answer),
            str(workers),
        ],
        folder / "echo.port",
        workers,
    )


def capture_answers(target: str, members: list[Any], folder: Path) -> tuple[Path, Path, int, int]:
    """The real server's answers the echo server will send: a Verify answer of
    the median size over the first members, and the VerifyStream answer of the
    chunk the load sends. Returns their paths and sizes."""
    import grpc

    from doichieu.v1 import verifier_pb2 as pb
    from doichieu.v1 import verifier_pb2_grpc as pb_grpc

    with grpc.insecure_channel(target) as channel:
        stub = pb_grpc.VerifierStub(channel)
        answers = sorted(
            (stub.Verify(pb.VerifyRequest(member=m), timeout=30).SerializeToString() for m in members[:200]), key=len
        )
        chunk = pb.VerifyStreamRequest(members=members[:CHUNK])
        (stream_answer,) = list(stub.VerifyStream(iter([chunk]), timeout=60))
    answer = answers[len(answers) // 2]
    answer_path, stream_path = folder / "answer.bin", folder / "stream-answer.bin"
    answer_path.write_bytes(answer)
    stream_bytes = stream_answer.SerializeToString()
    stream_path.write_bytes(stream_bytes)
    return answer_path, stream_path, len(answer), len(stream_bytes)


# ---------------------------------------------------------------- load


def load_worker(index: int, roster: str) -> None:
    """One load process (``grpc_load.py --load-worker``): reads the members once,
    then runs the jobs it reads from stdin, one JSON line each, answering one
    JSON line each on stdout."""
    import grpc

    from doichieu.v1 import verifier_pb2 as pb
    from doichieu.v1 import verifier_pb2_grpc as pb_grpc

    members = roster_members(roster)
    chunk = pb.VerifyStreamRequest(members=members[:CHUNK])
    print(json.dumps({"ready": index}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            break
        mode, target, concurrency, seconds, max_calls, start_at, nonce = json.loads(line)
        latencies: list[float] = []
        counts = {"calls": 0, "records": 0, "errors": 0}

        async def main() -> float:
            channels = [
                grpc.aio.insecure_channel(target, options=[("grpc.max_receive_message_length", 4 << 20)])
                for _ in range(max(1, concurrency // 16))
            ]
            stubs = [pb_grpc.VerifierStub(c) for c in channels]
            await asyncio.gather(*(c.channel_ready() for c in channels))
            await asyncio.sleep(max(0.0, start_at - time.time()))
            begin = time.perf_counter()
            stop_at = begin + seconds

            async def unary(worker: int) -> None:
                stub = stubs[worker % len(stubs)]
                k = worker
                while time.perf_counter() < stop_at and counts["calls"] < max_calls:
                    member = members[k % len(members)]
                    k += concurrency
                    t0 = time.perf_counter()
                    try:
                        if mode == "submit":
                            fresh = pb.MemberRecord()
                            fresh.CopyFrom(member)
                            fresh.member_id = f"L{nonce}-{index}-{worker}-{k}"
                            await stub.Submit(
                                pb.SubmitRequest(
                                    submission_id=str(uuid.uuid4()),
                                    member=fresh,
                                    site_id=f"site-{index}",
                                    machine_id=f"m{worker % 7}",
                                    officer_id="bench",
                                ),
                                timeout=30,
                            )
                        else:
                            await stub.Verify(pb.VerifyRequest(member=member), timeout=30)
                    except grpc.aio.AioRpcError:
                        counts["errors"] += 1
                        continue
                    latencies.append(time.perf_counter() - t0)
                    counts["calls"] += 1
                    counts["records"] += 1

            async def streaming(worker: int) -> None:
                stub = stubs[worker % len(stubs)]

                async def requests() -> Any:
                    while time.perf_counter() < stop_at and counts["calls"] < max_calls:
                        yield chunk

                call = stub.VerifyStream(requests(), timeout=seconds + 60)
                t0 = time.perf_counter()
                try:
                    async for response in call:
                        latencies.append(time.perf_counter() - t0)
                        t0 = time.perf_counter()
                        counts["calls"] += 1
                        counts["records"] += len(response.verifications)
                except grpc.aio.AioRpcError:
                    counts["errors"] += 1

            work = streaming if mode == "stream" else unary
            await asyncio.gather(*(work(w) for w in range(concurrency)))
            elapsed = time.perf_counter() - begin
            for c in channels:
                await c.close()
            return elapsed

        elapsed = asyncio.run(main())
        print(json.dumps({"elapsed": elapsed, "latencies": latencies, **counts}), flush=True)


class LoadPool:
    """``procs`` load processes (fresh interpreters: no gRPC state crosses a
    fork), started once and reused for every run."""

    def __init__(self, procs: int, roster: Path) -> None:
        self.processes = [
            subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--load-worker", str(k), str(roster)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for k in range(procs)
        ]
        for process in self.processes:
            self._get(process)
        self.runs = 0

    @staticmethod
    def _get(process: subprocess.Popen[str]) -> Any:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"a load process died (exit {process.wait()})")
        return json.loads(line)

    def run(
        self, mode: str, target: str, concurrency: int, seconds: float, max_calls: int = 2_000_000
    ) -> dict[str, Any]:
        self.runs += 1
        start_at = time.time() + 0.2
        job = json.dumps([mode, target, concurrency, seconds, max_calls // len(self.processes), start_at, self.runs])
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.write(job + "\n")
            process.stdin.flush()
        results = [self._get(process) for process in self.processes]
        latencies = sorted(x for r in results for x in r["latencies"])
        elapsed = max(r["elapsed"] for r in results)
        calls = sum(r["calls"] for r in results)
        records = sum(r["records"] for r in results)

        def pct(q: float) -> float:
            return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")

        return {
            "calls/s": calls / elapsed,
            "records/s": records / elapsed,
            "p50 ms": pct(0.50),
            "p99 ms": pct(0.99),
            "errors": sum(r["errors"] for r in results),
            "calls": calls,
            "records": records,
            "in flight": concurrency * len(self.processes),
        }

    def close(self) -> None:
        for process in self.processes:
            if process.stdin is not None:
                process.stdin.close()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self) -> LoadPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ledger_rate(folder: Path, submitters: int, seconds: float) -> float:
    """Durable submissions/s of the SQLite ledger alone (group commit), no gRPC."""
    from concurrent.futures import ThreadPoolExecutor

    from doichieu.verifier import ledger as ledger_mod

    ledger = ledger_mod.SqliteLedger(folder / f"ledger-only-{submitters}.db")
    stop_at = time.perf_counter() + seconds

    def submitter(index: int) -> int:
        done = 0
        while time.perf_counter() < stop_at:
            sid = str(uuid.uuid4())
            ledger.submit(
                ledger_mod.Intake(
                    sid,
                    f"L{index}-{done}",
                    "site",
                    "m1",
                    "o1",
                    "w",
                    "u",
                    ledger_mod.now_us(),
                    "accept",
                    "",
                    "",
                    ledger_mod.fingerprint(sid.encode()),
                ),
                lambda decision: b"\0" * 200,
            ).result()
            done += 1
        return done

    begin = time.perf_counter()
    with ThreadPoolExecutor(submitters) as pool:
        total = sum(pool.map(submitter, range(submitters)))
    elapsed = time.perf_counter() - begin
    ledger.close()
    return total / elapsed


# ---------------------------------------------------------------- a whole run


@dataclass
class Settings:
    members: int = 20_000
    seconds: float = 5.0
    procs: int = 2
    concurrency: int = 32  # unary calls in flight per load process, for the rates
    latency_concurrency: int = 4  # per load process, for p50/p99 at a moderate load
    stream_concurrency: int = 2
    workers: tuple[int, ...] = (1,)
    modes: tuple[str, ...] = ("echo", "verify", "latency", "echo-stream", "stream", "submit")
    #: Each mode runs this many times, interleaved with the others (echo beside
    #: verify, round after round), and the best round counts: other work on a
    #: shared machine comes and goes, and best-of keeps it out of the ratios.
    rounds: int = 1


def measure(settings: Settings, folder: Path, say: Any = print) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every mode for every workers count; rows for a table and facts about the run."""
    population, roster = province_tables(folder, settings.members)
    members = roster_members(roster)
    facts: dict[str, Any] = {"members": settings.members, "cores": os.cpu_count()}
    rows: list[dict[str, Any]] = []
    with LoadPool(settings.procs, roster) as load:
        for workers in settings.workers:
            real = start_doichieu(folder, population, roster, workers, folder / f"ledger-{workers}.db")
            echo = None
            try:
                answer, stream_answer, facts["answer bytes"], facts["stream answer bytes"] = capture_answers(
                    real.target, members, folder
                )
                needs_echo = any(m.startswith("echo") or m == "latency" for m in settings.modes)
                echo = start_echo(folder, answer, stream_answer, workers) if needs_echo else None
                for round_, mode in [(r, m) for r in range(settings.rounds) for m in settings.modes]:
                    runs: list[tuple[str, str, str, int]] = []
                    if mode == "echo" and echo:
                        runs.append(("echo", "verify", echo.target, settings.concurrency))
                    elif mode == "verify":
                        runs.append(("verify", "verify", real.target, settings.concurrency))
                    elif mode == "latency":
                        if echo:
                            runs.append(("echo (moderate load)", "verify", echo.target, settings.latency_concurrency))
                        runs.append(("verify (moderate load)", "verify", real.target, settings.latency_concurrency))
                    elif mode == "echo-stream" and echo:
                        runs.append(("echo-stream", "stream", echo.target, settings.stream_concurrency))
                    elif mode == "stream":
                        runs.append(("stream", "stream", real.target, settings.stream_concurrency))
                    elif mode == "submit":
                        runs.append(("submit", "submit", real.target, settings.concurrency))
                    for name, kind, target, concurrency in runs:
                        server = echo if target == (echo.target if echo else None) else real
                        assert server is not None
                        before = server.cpu_seconds()
                        result = load.run(kind, target, concurrency, settings.seconds)
                        used = server.cpu_seconds() - before
                        # Server CPU time per record: what a core buys, whatever else the machine runs.
                        result["server µs/record"] = used / max(result["records"], 1) * 1e6
                        row = {"server": name, "workers": workers, "round": round_, **result}
                        rows.append(row)
                        say(
                            f"{name:24s} workers={workers}: {result['calls/s']:9.0f} calls/s {result['records/s']:10.0f} "
                            f"records/s p50 {result['p50 ms']:7.2f} ms p99 {result['p99 ms']:7.2f} ms "
                            f"in flight {result['in flight']} errors {result['errors']} "
                            f"server {result['server µs/record']:.1f} µs CPU/record"
                        )
            finally:
                if echo:
                    echo.stop()
                real.stop()
    return best_rounds(rows), facts


PARTNERS = {"verify": "echo", "verify (moderate load)": "echo (moderate load)", "stream": "echo-stream"}


def best_rounds(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per server and workers count: the best rate and the lowest
    latencies among its rounds, errors summed; and ``vs echo``, the median over
    rounds of its rate over its echo's in the same round (the two ran one after
    the other, under the same background load)."""
    ratios: dict[tuple[str, int], list[float]] = {}
    for row in rows:
        partner = PARTNERS.get(row["server"])
        echo = next(
            (
                r
                for r in rows
                if r["server"] == partner and r["workers"] == row["workers"] and r["round"] == row["round"]
            ),
            None,
        )
        if echo is not None and echo["calls/s"]:
            ratios.setdefault((row["server"], row["workers"]), []).append(row["calls/s"] / echo["calls/s"])
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for row in rows:
        key = (row["server"], row["workers"])
        if key not in out:
            out[key] = dict(row, rounds=1)
            continue
        best = out[key]
        best["rounds"] += 1
        for name in ("calls/s", "records/s"):
            best[name] = max(best[name], row[name])
        for name in ("p50 ms", "p99 ms", "server µs/record"):
            best[name] = min(best[name], row[name])
        best["errors"] += row["errors"]
        best["calls"] += row["calls"]
        best["records"] += row["records"]
    for key, found in ratios.items():
        found.sort()
        middle = len(found) // 2
        out[key]["vs echo"] = found[middle] if len(found) % 2 else (found[middle - 1] + found[middle]) / 2
        out[key]["vs echo by round"] = found
    return list(out.values())


def versus(rows: list[dict[str, Any]], row: dict[str, Any]) -> float | None:
    """The row's rate over its echo's: the median over rounds of the ratio in
    the same round (see ``best_rounds``)."""
    ratio = row.get("vs echo")
    return None if ratio is None else float(ratio)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default="ledger,echo,verify,latency,echo-stream,stream,submit")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--procs", type=int, default=2, help="load generator processes")
    parser.add_argument("--concurrency", type=int, default=32, help="unary calls in flight per load process")
    parser.add_argument(
        "--latency-concurrency",
        type=int,
        default=4,
        help="unary calls in flight per load process for the moderate-load latency run",
    )
    parser.add_argument("--stream-concurrency", type=int, default=2, help="streams per load process")
    parser.add_argument("--workers", default="1", help="server processes, a comma-separated list to compare")
    parser.add_argument("--members", type=int, default=20_000, help="province size")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds per mode; the best counts")
    parser.add_argument("--quick", action="store_true", help="1 s per mode, a small province")
    parser.add_argument(
        "--serve-echo", nargs=4, metavar=("PORT_FILE", "ANSWER", "STREAM_ANSWER", "WORKERS"), help=argparse.SUPPRESS
    )
    parser.add_argument("--load-worker", nargs=2, metavar=("INDEX", "ROSTER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_worker:
        load_worker(int(args.load_worker[0]), args.load_worker[1])
        return 0
    if args.serve_echo:
        serve_echo(args.serve_echo[0], args.serve_echo[1], args.serve_echo[2], int(args.serve_echo[3]))
        return 0
    if args.quick:
        args.seconds, args.members = 1.0, 2000

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    with tempfile.TemporaryDirectory(prefix="doichieu-grpc-bench-") as tmp:
        folder = Path(tmp)
        if "ledger" in modes:
            for submitters in (1, 16, 64):
                rate = ledger_rate(folder, submitters, args.seconds)
                print(
                    f"ledger  {submitters:2d} submitters: {rate:9.0f} durable submissions/s (SQLite, no gRPC)",
                    flush=True,
                )
            modes = [m for m in modes if m != "ledger"]
            if not modes:
                return 0
        settings = Settings(
            members=args.members,
            seconds=args.seconds,
            procs=args.procs,
            concurrency=args.concurrency,
            latency_concurrency=args.latency_concurrency,
            stream_concurrency=args.stream_concurrency,
            workers=tuple(int(w) for w in args.workers.split(",")),
            modes=tuple(modes),
            rounds=args.rounds,
        )
        rows, facts = measure(settings, folder, say=lambda line: print(line, flush=True))

    print()
    print(
        f"{facts['cores']} cores; {args.procs} load processes; {args.seconds:g} s per mode; province of "
        f"{facts['members']:,} members; Verify answer {facts.get('answer bytes')} bytes, stream answer "
        f"{facts.get('stream answer bytes')} bytes per {CHUNK} records"
    )
    print(
        "| server | workers | in flight | calls/s | records/s | p50 ms | p99 ms | server CPU µs/record | errors | vs echo |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        ratio = versus(rows, row)
        print(
            f"| {row['server']} | {row['workers']} | {row['in flight']} | {row['calls/s']:.0f} | {row['records/s']:.0f} | "
            f"{row['p50 ms']:.2f} | {row['p99 ms']:.2f} | {row['server µs/record']:.1f} | {row['errors']} | "
            f"{'' if ratio is None else f'{ratio:.0%}'} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

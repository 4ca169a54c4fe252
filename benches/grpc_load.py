"""Load on the gRPC verifier, beside a trivial echo server with the same messages.

    .venv/bin/python benches/grpc_load.py                     # every mode, 5 s each
    .venv/bin/python benches/grpc_load.py --modes verify --seconds 10 --workers 1,2
    .venv/bin/python benches/grpc_load.py --quick             # a short run for CI

The load comes from separate client processes (``--procs``), each a
``grpc.aio`` event loop with ``--concurrency`` calls in flight; every run is
bounded in time and count, and everything listens on 127.0.0.1 only.

What is compared, in the same run:
* ``echo``: a grpc.aio server whose Verify parses the request and returns a
  fixed answer of the size the real server gives (so the same bytes travel):
  the cost of gRPC in Python alone.
* ``verify``: ``doichieu serve``'s Verify (unary) on the same records.
* ``submit``: Submit with a fresh submission and member each call, each
  acknowledged only after its SQLite commit (WAL, fsync).
* ``stream``: VerifyStream, chunks of 1,000 records.
* ``ledger``: the SQLite ledger alone (1, 16, 64 concurrent submitters), to
  tell the cost of durability from the cost of gRPC.
Servers run with ``--workers`` processes sharing the port (SO_REUSEPORT).

On a 2-core machine the client processes and the server share the cores, so
the figures are floors for the server, not its ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import signal
import statistics
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

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Xuân", "Hoàng", "Kim", "Bảo"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan", "Long", "Mai",
         "Nam", "Ngân", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Thủy", "Trang", "Tuấn", "Việt", "Yến"]
PROVINCES = ["001", "031", "038", "040", "048", "079", "092"]


def synthetic_tables(folder: Path, members: int, seed: int = 7) -> tuple[Path, Path]:
    """A made-up population and a roster drawn from it (no real person)."""
    import polars as pl

    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    while len(rows) < members:
        year = rng.randint(1940, 2005)
        female = rng.random() < 0.4
        century = (year - 1900) // 100 * 2 + int(female)
        cid = f"{rng.choice(PROVINCES)}{century}{year % 100:02d}{rng.randint(0, 999_999):06d}"
        if cid in seen:
            continue
        seen.add(cid)
        name = f"{rng.choice(SURNAMES)} {'Thị' if female and rng.random() < 0.7 else rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        rows.append({
            "citizen_id": cid, "full_name": name, "date_of_birth": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
            "gender": "Nữ" if female else "Nam", "hometown": "Hà Nội",
        })
    population = pl.DataFrame(rows).with_columns(pl.lit("").alias("other_names"), pl.lit("").alias("old_id_number"))
    roster = pl.DataFrame(rows).with_columns(
        pl.format("M{}", pl.int_range(pl.len())).alias("member_id"),
        pl.lit("").alias("birth_name"),
        pl.format("{}", (pl.int_range(pl.len()) * 7919 % 90_000_000 + 10_000_000)).alias("party_card_number"),
        pl.concat_str([pl.lit("01/05/"), (pl.col("date_of_birth").str.slice(6, 4).cast(pl.Int32) + 25).cast(pl.Utf8)]).alias("admission_date"),
        pl.concat_str([pl.lit("01/05/"), (pl.col("date_of_birth").str.slice(6, 4).cast(pl.Int32) + 26).cast(pl.Utf8)]).alias("official_date"),
        pl.format("Chi bộ {}", pl.int_range(pl.len()) % 40).alias("party_unit"),
        pl.format("Phường {}", pl.int_range(pl.len()) % 5).alias("ward"),
        pl.lit("official").alias("status"),
    )
    population_path, roster_path = folder / "population.parquet", folder / "roster.parquet"
    population.write_parquet(population_path)
    roster.write_parquet(roster_path)
    return population_path, roster_path


# ---------------------------------------------------------------- servers


def serve_echo(port_file: str, answer_path: str, workers: int) -> None:
    """The reference: same service name and messages, no work."""
    import grpc

    from doichieu.v1 import verifier_pb2 as pb

    answer = Path(answer_path).read_bytes()

    async def main(reuse: bool) -> None:
        async def verify(request: bytes, context: Any) -> bytes:
            pb.VerifyRequest.FromString(request)  # the same parsing the real server does
            return answer

        async def stream(requests: Any, context: Any) -> Any:
            async for raw in requests:
                chunk = pb.VerifyStreamRequest.FromString(raw)
                yield pb.VerifyStreamResponse(
                    verifications=[pb.VerifyResponse.FromString(answer).verification] * len(chunk.members)
                ).SerializeToString()

        handler = grpc.method_handlers_generic_handler(
            "doichieu.v1.Verifier",
            {
                "Verify": grpc.unary_unary_rpc_method_handler(verify),
                "VerifyStream": grpc.stream_stream_rpc_method_handler(stream),
            },
        )
        server = grpc.aio.server(options=[("grpc.so_reuseport", 1 if reuse else 0)])
        server.add_generic_rpc_handlers((handler,))
        port = server.add_insecure_port(f"127.0.0.1:{probe_port}")
        await server.start()
        if not reuse or os.getpid() == first_child[0]:
            Path(port_file).write_text(f"{port}\n")
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        await server.stop(1)

    import socket

    first_child = [0]
    if workers <= 1:
        probe_port = 0
        asyncio.run(main(False))
        return
    probe = socket.socket()
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    probe.bind(("127.0.0.1", 0))
    probe_port = probe.getsockname()[1]
    children = []
    for k in range(workers):
        pid = os.fork()
        if pid == 0:
            first_child[0] = os.getpid() if k == 0 else -1
            asyncio.run(main(True))
            os._exit(0)
        children.append(pid)
    signal.signal(signal.SIGTERM, lambda *_: [os.kill(c, signal.SIGTERM) for c in children])
    for c in children:
        os.waitpid(c, 0)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(command: list[str], port_file: Path) -> Server:
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
    time.sleep(0.3)  # every worker of a multi-process server binds
    return Server(process, int(port_file.read_text()))


# ---------------------------------------------------------------- load


def load_process(args: tuple[str, str, int, float, int, str, int, Any]) -> dict[str, Any]:
    mode, target, concurrency, seconds, max_calls, roster_path, proc_index, barrier = args
    import grpc
    import polars as pl

    from doichieu.v1 import verifier_pb2 as pb
    from doichieu.v1 import verifier_pb2_grpc as pb_grpc

    roster = pl.read_parquet(roster_path)
    fields = [f for f in pb.MemberRecord.DESCRIPTOR.fields_by_name if f in roster.columns]
    members = [pb.MemberRecord(**{f: str(row[f]) for f in fields}) for row in roster.head(5000).iter_rows(named=True)]
    latencies: list[float] = []
    counts = {"calls": 0, "records": 0, "errors": 0}

    async def main() -> float:
        channels = [grpc.aio.insecure_channel(target) for _ in range(max(1, concurrency // 16))]
        stubs = [pb_grpc.VerifierStub(c) for c in channels]
        await asyncio.gather(*(c.channel_ready() for c in channels))
        barrier.wait()
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
                        fresh.member_id = f"P{proc_index}-{worker}-{k}"
                        await stub.Submit(pb.SubmitRequest(
                            submission_id=str(uuid.uuid4()), member=fresh, site_id=f"site-{proc_index}",
                            machine_id=f"m{worker % 7}", officer_id="bench"), timeout=30)
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
            chunk = pb.VerifyStreamRequest(members=[members[(worker * 1000 + i) % len(members)] for i in range(1000)])

            async def requests() -> Any:
                while time.perf_counter() < stop_at and counts["calls"] < max_calls:
                    yield chunk

            call = stub.VerifyStream(requests(), timeout=seconds + 60)
            t0 = time.perf_counter()
            async for response in call:
                latencies.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                counts["calls"] += 1
                counts["records"] += len(response.verifications)

        work = streaming if mode == "stream" else unary
        await asyncio.gather(*(work(w) for w in range(concurrency)))
        elapsed = time.perf_counter() - begin
        for c in channels:
            await c.close()
        return elapsed

    elapsed = asyncio.run(main())
    return {"elapsed": elapsed, "latencies": latencies, **counts}


def run_load(mode: str, target: str, procs: int, concurrency: int, seconds: float, max_calls: int, roster: Path) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    barrier = ctx.Manager().Barrier(procs)
    with ctx.Pool(procs) as pool:
        results = pool.map(
            load_process,
            [(mode, target, concurrency, seconds, max_calls // procs, str(roster), k, barrier) for k in range(procs)],
        )
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
    }


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
                ledger_mod.Intake(sid, f"L{index}-{done}", "site", "m1", "o1", "w", "u", ledger_mod.now_us(),
                                  "accept", "", "", ledger_mod.fingerprint(sid.encode())),
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default="ledger,echo,verify,submit,stream")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--procs", type=int, default=2, help="load generator processes")
    parser.add_argument("--concurrency", type=int, default=32, help="calls in flight per load process")
    parser.add_argument("--stream-concurrency", type=int, default=2, help="streams per load process")
    parser.add_argument("--max-calls", type=int, default=2_000_000, help="cap on calls per mode")
    parser.add_argument("--workers", default="1", help="server processes, a comma-separated list to compare")
    parser.add_argument("--members", type=int, default=20_000, help="population size")
    parser.add_argument("--quick", action="store_true", help="1 s per mode, small tables")
    parser.add_argument("--serve-echo", nargs=3, metavar=("PORT_FILE", "ANSWER", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        serve_echo(args.serve_echo[0], args.serve_echo[1], int(args.serve_echo[2]))
        return 0
    if args.quick:
        args.seconds, args.members = 1.0, 2000

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    rows: list[dict[str, Any]] = []
    answer_bytes = 0
    with tempfile.TemporaryDirectory(prefix="doichieu-grpc-bench-") as tmp:
        folder = Path(tmp)
        if "ledger" in modes:
            for submitters in (1, 16, 64):
                rate = ledger_rate(folder, submitters, args.seconds)
                print(f"ledger  {submitters:2d} submitters: {rate:9.0f} durable submissions/s (SQLite, no gRPC)", flush=True)
            modes = [m for m in modes if m != "ledger"]
            if not modes:
                return 0
        population, roster = synthetic_tables(folder, args.members)
        answer_path = folder / "answer.bin"
        for workers in [int(w) for w in args.workers.split(",")]:
            doichieu = start(
                [sys.executable, "-m", "doichieu", "serve", "--population", str(population), "--roster", str(roster),
                 "--host", "127.0.0.1", "--port", "0", "--port-file", str(folder / "real.port"),
                 "--ledger", f"sqlite:///{folder / f'ledger-{workers}.db'}", "--workers", str(workers)],
                folder / "real.port",
            )
            try:
                import grpc

                from doichieu.v1 import verifier_pb2 as pb
                from doichieu.v1 import verifier_pb2_grpc as pb_grpc
                import polars as pl

                first = pl.read_parquet(roster).row(0, named=True)
                member = pb.MemberRecord(**{k: str(v) for k, v in first.items() if k in pb.MemberRecord.DESCRIPTOR.fields_by_name})
                with grpc.insecure_channel(f"127.0.0.1:{doichieu.port}") as channel:
                    real_answer = pb_grpc.VerifierStub(channel).Verify(pb.VerifyRequest(member=member), timeout=30)
                answer_path.write_bytes(real_answer.SerializeToString())
                answer_bytes = real_answer.ByteSize()
                echo = None
                if "echo" in modes:
                    echo = start(
                        [sys.executable, str(Path(__file__).resolve()), "--serve-echo", str(folder / "echo.port"),
                         str(answer_path), str(workers)],
                        folder / "echo.port",
                    )
                for mode in modes:
                    target = f"127.0.0.1:{(echo.port if mode == 'echo' and echo else doichieu.port)}"
                    load_mode = "verify" if mode == "echo" else mode
                    concurrency = args.stream_concurrency if mode == "stream" else args.concurrency
                    result = run_load(load_mode, target, args.procs, concurrency, args.seconds, args.max_calls, roster)
                    rows.append({"server": mode, "workers": workers, **result})
                    print(f"{mode:7s} workers={workers}: {result['calls/s']:9.0f} calls/s {result['records/s']:10.0f} records/s "
                          f"p50 {result['p50 ms']:6.2f} ms p99 {result['p99 ms']:6.2f} ms errors {result['errors']}", flush=True)
                if echo:
                    echo.stop()
            finally:
                doichieu.stop()

    print()
    print(f"{os.cpu_count()} cores; {args.procs} load processes x {args.concurrency} calls in flight; "
          f"{args.seconds:.0f} s per mode; Verify answer {answer_bytes} bytes")
    print("| server | workers | calls/s | records/s | p50 ms | p99 ms | errors | vs echo |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        echo_rate = next((r["calls/s"] for r in rows if r["server"] == "echo" and r["workers"] == row["workers"]), None)
        ratio = f"{row['calls/s'] / echo_rate:.0%}" if echo_rate and row["server"] in ("verify", "submit") else ""
        print(f"| {row['server']} | {row['workers']} | {row['calls/s']:.0f} | {row['records/s']:.0f} | "
              f"{row['p50 ms']:.2f} | {row['p99 ms']:.2f} | {row['errors']} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

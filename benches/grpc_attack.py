"""A well-behaved client's Verify while the verifier is attacked (issue 16).

    .venv/bin/python benches/grpc_attack.py                      # every case, figures to stdout
    .venv/bin/python benches/grpc_attack.py --out benches/recorded/grpc-attack.md

Each case starts a fresh `doichieu serve` on 127.0.0.1 (one process, the
defaults except the stream caps, raised so that one attacking address may hold
1,000 streams) over a generated province (4,000 members), then:
* ``none``: no attack;
* ``idle``: 1,000 VerifyStream calls that send nothing (20 connections);
* ``unread``: 40 VerifyStream calls, each on its own connection, sending valid
  2.9 MB chunks of 1,000 records over and over and never reading an answer.
The attackers are a separate process (``grpc.aio``, no thread per call); once
they are in place the client sends ``--calls`` Verify calls one after another
(one record each, cycling through the roster, 5 s deadline) and the p50, p99 and
worst latency are recorded, with the server's resident size at rest and its
peak (VmHWM of /proc/<pid>/status) over the case.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
IDLE_STREAMS = 1000
IDLE_CONNECTIONS = 20
UNREAD_STREAMS = 40
METHOD = "/doichieu.v1.Verifier/VerifyStream"


def status_bytes(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def big_chunk() -> bytes:
    """1,000 valid records of about 2.9 KB each (fields near their caps)."""
    from doichieu.v1 import verifier_pb2 as pb

    long_name = " ".join(["Nguyễn Văn An"] * 58)  # 985 bytes, under the name cap of 1,024
    place = " ".join(["Phường Ba Đình"] * 12)  # 239 bytes, under the cap of 256
    record = pb.MemberRecord(
        member_id="M1",
        full_name=long_name,
        birth_name=long_name,
        date_of_birth="12/03/1970",
        gender="Nam",
        citizen_id="001070123456",
        ward=place,
        party_unit=place,
        hometown=place,
        status="official",
    )
    return pb.VerifyStreamRequest(members=[record] * 1000).SerializeToString()


async def _attack(kind: str, target: str) -> None:
    """Runs until killed: the attackers of ``kind`` against ``target``."""
    import grpc

    forever = asyncio.Event()
    calls = []
    if kind == "idle":

        async def silent() -> object:
            await forever.wait()
            yield b""  # never reached

        channels = [grpc.aio.insecure_channel(target) for _ in range(IDLE_CONNECTIONS)]
        for i in range(IDLE_STREAMS):
            call = channels[i % IDLE_CONNECTIONS].stream_stream(METHOD)(silent())
            calls.append(call)
    else:
        chunk = big_chunk()

        async def flood() -> object:
            while True:
                yield chunk

        channels = [grpc.aio.insecure_channel(target) for _ in range(UNREAD_STREAMS)]
        calls = [channel.stream_stream(METHOD)(flood()) for channel in channels]
    print("ready", flush=True)
    await forever.wait()


def spawn_server(folder: Path, population: Path, roster: Path) -> tuple[subprocess.Popen[bytes], int]:
    port_file = folder / "server.port"
    port_file.unlink(missing_ok=True)
    log = open(folder / "server.log", "ab")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "doichieu", "serve",
            "--population", str(population), "--roster", str(roster),
            "--host", "127.0.0.1", "--port", "0", "--port-file", str(port_file),
            "--ledger", f"sqlite:///{folder / 'ledger.db'}",
            "--max-concurrent-rpcs", "2200", "--max-streams", "1100", "--max-streams-per-peer", "1100",
            "--stream-idle-timeout", "600",
        ],
        stdout=log, stderr=subprocess.STDOUT, cwd=folder,
    )  # fmt: skip
    log.close()
    deadline = time.monotonic() + 120
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError((folder / "server.log").read_text())
        time.sleep(0.1)
    return process, int(port_file.read_text())


def measure(
    case: str, folder: Path, population: Path, roster: Path, requests: list[bytes], calls: int
) -> dict[str, float]:
    import grpc

    server, port = spawn_server(folder, population, roster)
    target = f"127.0.0.1:{port}"
    attacker = None
    try:
        channel = grpc.insecure_channel(target)
        verify = channel.unary_unary("/doichieu.v1.Verifier/Verify")
        for data in requests[:200]:
            verify(data, timeout=5)
        at_rest = status_bytes(server.pid, "VmRSS")
        if case != "none":
            attacker = subprocess.Popen(
                [sys.executable, __file__, "--attacker", case, "--target", target], stdout=subprocess.PIPE
            )
            assert attacker.stdout is not None and attacker.stdout.readline().strip() == b"ready"
            time.sleep(8)  # the streams open and, for ``unread``, fill what the server lets them
        latencies = []
        for i in range(calls):
            start = time.perf_counter()
            verify(requests[i % len(requests)], timeout=5)
            latencies.append(time.perf_counter() - start)
        peak = status_bytes(server.pid, "VmHWM")
        channel.close()
    finally:
        if attacker is not None:
            attacker.kill()
            attacker.wait()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "max_ms": latencies[-1] * 1000,
        "rest_mib": at_rest / 2**20,
        "peak_mib": peak / 2**20,
    }


CASES = {
    "none": "no attack",
    "idle": f"{IDLE_STREAMS:,} idle streams",
    "unread": f"{UNREAD_STREAMS} unread 2.9 MB-chunk streams",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2000, help="Verify calls per case (default 2000)")
    parser.add_argument("--cases", default="none,idle,unread")
    parser.add_argument("--out", help="write the figures as a Markdown section to this file")
    parser.add_argument("--attacker", choices=["idle", "unread"], help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.attacker:
        asyncio.run(_attack(args.attacker, args.target))
        return 0

    from doichieu.generate import generate_province
    from doichieu.v1 import verifier_pb2 as pb

    with tempfile.TemporaryDirectory(prefix="grpc-attack-") as tmp:
        folder = Path(tmp)
        made = generate_province(folder / "province", members=4000, seed=11)
        import polars as pl

        fields = [f.name for f in pb.MemberRecord.DESCRIPTOR.fields]
        rows = pl.read_csv(made.roster, infer_schema=False).fill_null("").iter_rows(named=True)
        requests = [
            pb.VerifyRequest(
                member=pb.MemberRecord(**{k: v for k, v in row.items() if k in fields})
            ).SerializeToString()
            for row in rows
        ]
        load = os.getloadavg()[0]
        results = {
            case: measure(case, folder, made.population, made.roster, requests, args.calls)
            for case in args.cases.split(",")
        }
        load_end = os.getloadavg()[0]
    lines = [
        "| attack | Verify p50 | Verify p99 | worst | server RSS at rest | server peak RSS (VmHWM) |",
        "|---|---|---|---|---|---|",
    ]
    for case, r in results.items():
        lines.append(
            f"| {CASES[case]} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | {r['max_ms']:.1f} ms "
            f"| {r['rest_mib']:.0f} MiB | {r['peak_mib']:.0f} MiB |"
        )
    table = "\n".join(lines)
    print(table)
    print(f"load average {load:.1f} at the start, {load_end:.1f} at the end; {os.cpu_count()} cores")
    if args.out:
        Path(args.out).write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

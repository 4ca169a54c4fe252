"""The gRPC verifier (issue 4) under load, beside a trivial grpcio echo server.

Everything comes from `grpc_load.py` in one run: a generated province (planted
discrepancies, missing IDs that send the engine looking for candidates) served
by `doichieu serve` (the real record model, a SQLite ledger), an echo server
that parses each request and answers the real server's answer bytes, and a
multi-process `grpc.aio` load generator started once for every mode. Each mode
runs `rounds` times, interleaved (echo just before verify): rates are the best
round's, ratios the median of each round's ratio, so other work coming and
going on the machine does not decide them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import benchkit
import grpc_load
from benchkit import Case, Floor, Mode, Section, Table, Timings

ORDER = 40


def cases(mode: Mode) -> list[Case]:
    # The load runs in separate processes against servers of their own: timed
    # by grpc_load, not by pytest-benchmark.
    return []


def settings(mode: Mode) -> grpc_load.Settings:
    if mode.quick:
        return grpc_load.Settings(
            members=1000,
            seconds=0.3,
            procs=1,
            concurrency=16,
            latency_concurrency=2,
            stream_concurrency=1,
            workers=(1,),
            rounds=1,
        )
    return grpc_load.Settings(
        members=20_000,
        seconds=2.0,
        procs=2,
        concurrency=32,
        latency_concurrency=4,
        stream_concurrency=2,
        workers=(1, 2),
        rounds=3,
    )


def _row(row: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    ratio = grpc_load.versus(rows, row)
    return {
        "server": row["server"],
        "workers": row["workers"],
        "calls in flight": row["in flight"],
        "calls/s": benchkit.rate(row["calls/s"]),
        "records/s": benchkit.rate(row["records/s"]),
        "p50 ms": f"{row['p50 ms']:.2f}",
        "p99 ms": f"{row['p99 ms']:.2f}",
        "server CPU µs/record": f"{row['server µs/record']:.1f}",
        "vs echo": "" if ratio is None else f"{ratio:.0%}",
        "errors": row["errors"],
    }


def sections(mode: Mode, timings: Timings) -> list[Section]:
    chosen = settings(mode)
    with tempfile.TemporaryDirectory(prefix="doichieu-bench-grpc-") as tmp:
        rows, facts = grpc_load.measure(chosen, Path(tmp), say=lambda line: None)
        ledger = (
            []
            if mode.quick
            else [
                {"submitters": n, "durable submissions/s": benchkit.rate(grpc_load.ledger_rate(Path(tmp), n, 2.0))}
                for n in (1, 16, 64)
            ]
        )

    def find(server: str, workers: int) -> dict[str, Any] | None:
        return next((r for r in rows if r["server"] == server and r["workers"] == workers), None)

    def best(server: str) -> dict[str, Any] | None:
        candidates = [r for r in rows if r["server"] == server]
        return max(candidates, key=lambda r: r["records/s"]) if candidates else None

    judged = not mode.quick
    floors: list[Floor] = []
    verify, echo = find("verify", 1), find("echo", 1)
    if verify and echo and grpc_load.versus(rows, verify) is not None:
        ratio = float(grpc_load.versus(rows, verify) or 0.0)
        by_round = ", ".join(f"{r:.0%}" for r in verify.get("vs echo by round", []))
        floors.append(
            Floor(
                4,
                "Verify ≥ 80% of the echo server's rate",
                ratio >= 0.8 if judged else None,
                f"{ratio:.0%} (median of rounds: {by_round}); best {verify['calls/s']:,.0f} vs "
                f"{echo['calls/s']:,.0f} calls/s ({verify['in flight']} in flight, 1 server process)",
            )
        )
    moderate, moderate_echo = find("verify (moderate load)", 1), find("echo (moderate load)", 1)
    if moderate:
        floors.append(
            Floor(
                4,
                "Verify p99 < 10 ms",
                moderate["p99 ms"] < 10 if judged else None,
                f"p99 {moderate['p99 ms']:.1f} ms, p50 {moderate['p50 ms']:.1f} ms at "
                f"{moderate['calls/s']:,.0f} calls/s ({moderate['in flight']} in flight; echo p99 "
                f"{moderate_echo['p99 ms'] if moderate_echo else float('nan'):.1f} ms)",
            )
        )
    stream = best("stream")
    if stream:
        per_core = 1e6 / stream["server µs/record"] if stream["server µs/record"] > 0 else float("nan")
        floors.append(
            Floor(
                4,
                "VerifyStream ≥ 200,000 records/s",
                stream["records/s"] >= 200_000 if judged else None,
                f"{stream['records/s']:,.0f} records/s ({stream['workers']} server process"
                f"{'es' if stream['workers'] > 1 else ''}); the server spent "
                f"{stream['server µs/record']:.1f} µs of CPU per record, {per_core:,.0f} records per "
                f"core-second",
            )
        )
    submit = best("submit")
    if submit:
        floors.append(
            Floor(
                4,
                "Submit ≥ 1,000 durable submissions/s on SQLite",
                submit["calls/s"] >= 1000 if judged else None,
                f"{submit['calls/s']:,.0f}/s, p99 {submit['p99 ms']:.0f} ms ({submit['workers']} server "
                f"process{'es' if submit['workers'] > 1 else ''}, {submit['in flight']} in flight)",
            )
        )

    intro = (
        f"A generated province of {facts['members']:,} members served by `doichieu serve` (the record model, SQLite "
        f"ledger: WAL, fsync per group commit) beside an echo server answering the real answer bytes (Verify: "
        f"{facts.get('answer bytes')} bytes, the median; VerifyStream: {facts.get('stream answer bytes'):,} bytes per "
        f"{grpc_load.CHUNK:,} records). Load: {chosen.procs} `grpc.aio` client process(es), {chosen.concurrency} unary "
        f"calls or {chosen.stream_concurrency} streams of {grpc_load.CHUNK:,}-record chunks in flight each; "
        f"{chosen.seconds:g} s per run, {chosen.rounds} interleaved round(s): rates and latencies are the best "
        "round's, `vs echo` the median over rounds of the ratio to the echo run just before. The load generator shares the "
        f"machine's {facts['cores']} cores with the servers, so these are floors for the server, not its ceiling. "
        "Rates are taken at saturation; p50/p99 for the latency floor at a moderate load (few calls in flight), "
        "since at saturation latency is queueing (calls in flight ÷ rate). `server CPU µs/record` is the CPU time "
        "(user + system, every thread and worker process) the server used per record during the run: what one core "
        "buys, whatever else the machine was running. "
        "Reproduce: `.venv/bin/python benches/grpc_load.py --workers 1,2 --rounds 3 --seconds 2`."
    )
    tables = [Table([_row(r, rows) for r in rows], caption="Calls and records per second, latencies")]
    if ledger:
        tables.append(
            Table(ledger, caption="The SQLite ledger alone (no gRPC): group commit with concurrent submitters")
        )
    notes = []
    if len(chosen.workers) > 1:
        notes.append(
            "Workers: `doichieu serve --workers N` forks N processes sharing the port (SO_REUSEPORT) before "
            "gRPC starts; on 2 cores shared with the load generator more processes cannot add cores."
        )
    return [Section("The gRPC verifier under load (issue 4)", intro=intro, tables=tables, floors=floors, notes=notes)]

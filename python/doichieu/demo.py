"""`doichieu demo`: the whole campaign on a synthetic province, in a few minutes.

The steps are the commands a provincial team runs, each as its own process,
so the demo exercises exactly what a user would: generate a province,
revalidate it (findings, work lists, duplicates, report.html), start the
verifier, let two sites with seven machines take a compressed intake day
against it, and print progress against the deadline. Everything it writes
goes under one folder (default ``demo-out/``); nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from doichieu import messages
from doichieu.errors import CataloguedError
from doichieu.messages import text
from doichieu.names_report import write_names_report

#: The province of the field report: one province's member count.
DEFAULT_MEMBERS = 102_235


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="demo-out", help=text("demo.out"))
    parser.add_argument(
        "--members", type=int, default=DEFAULT_MEMBERS, help=text("demo.members", default=f"{DEFAULT_MEMBERS:,}")
    )
    parser.add_argument("--seed", type=int, default=7, help=text("demo.seed"))
    parser.add_argument("--speed", type=float, default=900.0, help=text("demo.speed"))
    parser.add_argument("--names-only", action="store_true", help=text("demo.names_only"))
    parser.set_defaults(func=main)


def _step(title: str) -> None:
    print(f"\n=== {title} ===", flush=True)


def _run(*args: str) -> None:
    """One doichieu command in its own process; its output goes straight to the terminal."""
    command = [sys.executable, "-m", "doichieu", "--lang", messages.language(), *args]
    completed = subprocess.run(command, check=False)
    if completed.returncode != 0:
        raise CataloguedError("demo.step_failed", command=args[0], code=completed.returncode)


def _start_server(province: Path, out: Path, deadline: date) -> tuple[subprocess.Popen[bytes], str]:
    port_file = Path(tempfile.mkdtemp(prefix="doichieu-demo-")) / "port"
    ledger = out / "ledger.db"
    if ledger.exists():
        ledger.unlink()  # a fresh campaign each run: the same members are taken again
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "doichieu",
            "--lang",
            messages.language(),
            "serve",
            "--population",
            str(province / "population.parquet"),
            "--roster",
            str(province / "roster.parquet"),
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--ledger",
            f"sqlite:///{ledger}",
            "--deadline",
            f"{deadline.isoformat()}T23:00+07:00",
        ]
    )
    started = time.monotonic()
    while not port_file.exists() or not port_file.read_text().strip():
        if server.poll() is not None:
            raise CataloguedError("demo.server_exited", code=server.returncode)
        if time.monotonic() - started > 120:
            server.terminate()
            raise CataloguedError("demo.server_slow")
        time.sleep(0.2)
    return server, f"127.0.0.1:{port_file.read_text().strip()}"


def _compare_sample_names() -> int:
    sample = resources.files("doichieu").joinpath("data/demo_names.tsv").read_text(encoding="utf-8")
    print(text("demo.names_intro") + "\n")
    lines = [line for line in sample.splitlines() if line.strip() and not line.startswith("#")]
    return write_names_report(lines, sys.stdout, explain=True)


def main(args: argparse.Namespace) -> int:
    _step(text("demo.step_names"))
    _compare_sample_names()
    if args.names_only:
        return 0

    out = Path(args.out).resolve()
    province, revalidation = out / "province", out / "revalidation"
    out.mkdir(parents=True, exist_ok=True)
    begun = time.monotonic()

    _step(text("demo.step_generate", members=f"{args.members:,}"))
    _run(
        "generate",
        "--members",
        str(args.members),
        "--seed",
        str(args.seed),
        "--format",
        "parquet",
        "--out",
        str(province),
    )

    _step(text("demo.step_revalidate"))
    _run(
        "revalidate",
        "--roster",
        str(province / "roster.parquet"),
        "--population",
        str(province / "population.parquet"),
        "--out",
        str(revalidation),
    )

    # The deadline sits a week ahead so the projection has something to say.
    deadline = date.today() + timedelta(days=7)
    _step(text("demo.step_serve"))
    server, target = _start_server(province, out, deadline)
    print(text("demo.listening", address=target), flush=True)
    try:
        first_ward = _largest_ward(province / "roster.parquet")
        _step(text("demo.step_simulate", ward=repr(first_ward)))
        _run(
            "simulate",
            "--server",
            target,
            "--roster",
            str(province / "roster.parquet"),
            "--ward",
            first_ward,
            "--sites",
            "2",
            "--machines",
            "7",
            "--days",
            "1",
            "--speed",
            str(args.speed),
            "--queue-dir",
            str(out / "offline-queues"),
        )
        _step(text("demo.step_progress"))
        _run("progress", "--server", target, "--ward", first_ward, "--deadline", deadline.isoformat())
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    print("\n" + text("demo.finished", seconds=f"{time.monotonic() - begun:.0f}"))
    print(text("demo.report", path=revalidation / "report.html"))
    print(text("demo.outputs", results=f"{revalidation}/", province=f"{province}/"))
    return 0


def _largest_ward(roster: Path) -> str:
    """The ward with the most members: the demo's busiest intake."""
    import polars as pl

    wards = pl.read_parquet(roster, columns=["ward"]).group_by("ward").len().sort("len", descending=True)
    if wards.height == 0:
        raise CataloguedError("demo.no_wards")
    return str(wards["ward"][0])


if __name__ == "__main__":  # pragma: no cover
    from doichieu.cli import main as doichieu

    sys.exit(doichieu(["demo", *sys.argv[1:]]))

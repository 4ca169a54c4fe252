"""`doichieu revalidate` stage by stage: files on disk to every output written.

    .venv/bin/python benches/revalidate_stages.py --roster R.csv --population P.csv [--repeat 3] [--cold 3]

Without files, a province of ``--members`` (default 100,000; seed 7) is generated
first into a temp folder. Each run is the command's own ``run`` (reading,
one engine call, the CSV writers, each work list, the report); the seconds of
each stage are printed per run and the best of the runs (other work on a shared
machine only ever slows a run down). The report's charts are drawn on a second
thread while the CSV and work-list writers run, so the report stage is what was
left to wait for after them.

``--repeat`` runs share one interpreter (warm: libraries loaded, the allocator's
pages in use); ``--cold`` runs start a fresh interpreter each, as the command
does, and also give the process's wall time, interpreter start and imports
included. Then the work lists are written by both writers on the same rows (the
engine's, and the polars/xlsxwriter one it replaced), best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.console import Console

from doichieu.generate import generate_province
from doichieu.records import PopulationIndex, finding_codes, load_roster
from doichieu.revalidate import (
    OWNERS,
    _worklist,
    revalidate,
    run,
    write_worklist,
)
from doichieu.summary import Summary
from worklist_baseline import write_worklist_xlsxwriter

AS_OF = date(2025, 9, 1)

#: One cold run: the command's ``run`` in a fresh interpreter, its stages as JSON.
COLD_RUN = """
import json, sys, time
from datetime import date
from rich.console import Console
from doichieu.revalidate import run
s = run(sys.argv[1], sys.argv[2], sys.argv[3], as_of=date(2025, 9, 1), console=Console(quiet=True))
print(json.dumps({"seconds": s.seconds, "members": s.members, "stages": s.stages}))
"""


def _print_runs(label: str, runs: list[dict[str, float]], totals: list[float]) -> None:
    best = min(range(len(runs)), key=lambda i: totals[i])
    print(f"{label}: best run {totals[best]:.2f} s")
    for stage in runs[best]:
        print(f"  {stage:<26} {min(r[stage] for r in runs):6.2f} s (best of {len(runs)})")


def _writers(roster: Path, population: Path, folder: Path, repeat: int) -> None:
    index = PopulationIndex(population, as_of=AS_OF)
    members = load_roster(roster)
    result = revalidate(index, members)
    legend = finding_codes()
    writers: dict[str, Callable[..., None]] = {"engine": write_worklist, "xlsxwriter": write_worklist_xlsxwriter}
    totals = dict.fromkeys(writers, 0.0)
    print(f"work list writers (best of {repeat}, same rows):")
    for owner in OWNERS:
        rows = _worklist(owner, result.findings, members, result.verdicts)
        best: dict[str, float] = {}
        for name, write in writers.items():
            seconds = []
            for _ in range(repeat):
                started = time.perf_counter()
                write(folder / f"{name}_{owner}.xlsx", owner, rows, legend)
                seconds.append(time.perf_counter() - started)
            best[name] = min(seconds)
            totals[name] += best[name]
        print(
            f"  {owner:<16} {rows.height:>7,} rows  engine {best['engine']:6.3f} s"
            f"  xlsxwriter {best['xlsxwriter']:6.3f} s  ({best['xlsxwriter'] / best['engine']:.1f}x)"
        )
    ratio = totals["xlsxwriter"] / totals["engine"]
    print(
        f"  {'all three':<16} {'':>12}  engine {totals['engine']:6.3f} s  xlsxwriter {totals['xlsxwriter']:6.3f} s  ({ratio:.1f}x)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roster", type=Path)
    parser.add_argument("--population", type=Path)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold", type=int, default=0, help="runs in a fresh interpreter each (default none)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        roster, population = args.roster, args.population
        if roster is None or population is None:
            province = generate_province(folder / "province", members=args.members, seed=7, fmt="csv")
            roster, population = province.roster, province.population
        if args.cold:
            cold: list[dict[str, float]] = []
            walls: list[float] = []
            for i in range(args.cold):
                started = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-c", COLD_RUN, str(roster), str(population), str(folder / f"cold{i}")],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                walls.append(time.perf_counter() - started)
                answer = json.loads(done.stdout)
                cold.append(answer["stages"])
                stages = "  ".join(f"{k} {v:.2f}" for k, v in answer["stages"].items())
                print(
                    f"cold run {i + 1}: {answer['seconds']:.2f} s in run, {walls[-1]:.2f} s process"
                    f" ({answer['members']:,} members)  {stages}"
                )
            _print_runs("cold", cold, [sum(r.values()) for r in cold])
            print(f"  {'process wall time':<26} {min(walls):6.2f} s (best of {len(walls)})")
        runs: list[Summary] = []
        for i in range(args.repeat):
            summary = run(roster, population, folder / f"out{i}", as_of=AS_OF, console=Console(quiet=True))
            runs.append(summary)
            stages = "  ".join(f"{k} {v:.2f}" for k, v in summary.stages.items())
            print(f"run {i + 1}: {summary.seconds:.2f} s ({summary.members:,} members)  {stages}")
        if runs:
            _print_runs("warm", [r.stages for r in runs], [r.seconds for r in runs])
        _writers(roster, population, folder, max(args.repeat, 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`doichieu revalidate` stage by stage: files on disk to every output written.

    .venv/bin/python benches/revalidate_stages.py --roster R.csv --population P.csv [--repeat 3]

Without files, a province of ``--members`` (default 100,000; seed 7) is generated
first into a temp folder. Each run is the command's own ``run`` (reading,
one engine call, the CSV writers, each work list, the report); the seconds of
each stage are printed per run and the best of the runs (other work on a shared
machine only ever slows a run down).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

from rich.console import Console

from doichieu.generate import generate_province
from doichieu.revalidate import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roster", type=Path)
    parser.add_argument("--population", type=Path)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        roster, population = args.roster, args.population
        if roster is None or population is None:
            province = generate_province(folder / "province", members=args.members, seed=7, fmt="csv")
            roster, population = province.roster, province.population
        runs = []
        for i in range(args.repeat):
            summary = run(roster, population, folder / f"out{i}", as_of=date(2025, 9, 1), console=Console(quiet=True))
            runs.append(summary)
            stages = "  ".join(f"{k} {v:.2f}" for k, v in summary.stages.items())
            print(f"run {i + 1}: {summary.seconds:.2f} s ({summary.members:,} members)  {stages}")
        best = min(runs, key=lambda s: s.seconds)
        print(f"best run: {best.seconds:.2f} s")
        for stage in best.stages:
            print(f"  {stage:<26} {min(r.stages[stage] for r in runs):6.2f} s (best of {len(runs)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

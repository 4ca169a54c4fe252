"""Speed and memory of ``doichieu generate --national`` beside the one-province
generator in the same run.

Each command runs as a fresh process; its wall time, CPU seconds (user + system)
and peak resident memory come from the operating system (``os.wait4``). The
baseline is the one-province generator writing Parquet for the same members with
as many non-members as it allows (one per member): rows per CPU-second compare the
two, since the national run writes ten times the population rows.

    .venv/bin/python benches/generate_national.py --members 1000000 --population 10000000 --out /tmp/gen-bench

Prints a Markdown table (BENCHMARKS.md, "Recorded by hand: the national generator").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

DOICHIEU = Path(sys.executable).with_name("doichieu")


def run(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak resident bytes of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def rows_of(folder: Path) -> tuple[int, int]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    rows = manifest["rows"]
    return rows["roster"], rows["population"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--population", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--keep", action="store_true", help="keep the generated folders")
    args = parser.parse_args()
    national = args.out / "national"
    single = args.out / "single"
    common = ["--members", str(args.members), "--seed", str(args.seed)]
    runs = {
        "national": [str(DOICHIEU), "generate", "--national", *common, "--population", str(args.population)],
        "one province (baseline)": [
            str(DOICHIEU),
            "generate",
            *common,
            "--population-extra",
            "1",
            "--format",
            "parquet",
        ],
    }
    folders = {"national": national, "one province (baseline)": single}
    load_before = os.getloadavg()
    results = {}
    for name, command in runs.items():
        results[name] = run([*command, "--out", str(folders[name])])
    load_after = os.getloadavg()
    print(f"load average at the start {load_before[0]:.1f}, at the end {load_after[0]:.1f}\n")
    print("| run | roster rows | population rows | wall | CPU | rows per CPU-second | peak resident |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    per_cpu = {}
    for name, (wall, cpu, peak) in results.items():
        roster, population = rows_of(folders[name])
        per_cpu[name] = (roster + population) / cpu
        print(
            f"| {name} | {roster:,} | {population:,} | {wall:.1f} s | {cpu:.1f} s | "
            f"{per_cpu[name]:,.0f} | {peak / 2**20:,.0f} MiB |"
        )
    ratio = per_cpu["national"] / per_cpu["one province (baseline)"]
    print(f"\nnational rows per CPU-second / baseline: {ratio:.2f}")
    size = sum(p.stat().st_size for p in national.rglob("*") if p.is_file())
    print(f"national folder: {size / 2**20:,.0f} MiB on disk")
    if not args.keep:
        shutil.rmtree(args.out)


if __name__ == "__main__":
    main()

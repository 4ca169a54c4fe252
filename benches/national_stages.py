"""The national cross-check (`bench_records.national_probe`'s work) stage by
stage, in this one fresh process: wall seconds, CPU seconds (user + system, all
threads) and resident memory after each stage and at its peak.

    .venv/bin/python benches/national_stages.py --members 5600000 [--out PREFIX]

On a machine shared with other work the wall seconds say little and the CPU
seconds hold; the peak resident memory does not depend on the load. The
province is the one `bench_records.province` generates and caches (seed 7);
generate it first in another process, so that this one's memory is the run's
alone. ``--out`` writes the findings and verdicts as ``PREFIX-findings.parquet``
and ``PREFIX-verdicts.parquet``, to compare two builds frame for frame.
Runs on 2 threads unless ``RAYON_NUM_THREADS`` and ``POLARS_MAX_THREADS`` say
otherwise (set before polars and the engine start their pools).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("RAYON_NUM_THREADS", "2")
os.environ.setdefault("POLARS_MAX_THREADS", "2")

# Imported after the thread counts are set.
import bench_records

GIB = 2**30


def _status_gib(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) * 1024 / GIB
    return 0.0


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--out", help="write the findings and verdicts as PREFIX-findings/verdicts.parquet")
    args = parser.parse_args()
    folder = bench_records.province(args.members)
    import doichieu

    peak = [0.0]

    def sample() -> None:
        # The peak within each stage; /proc's VmHWM is the process's whole life.
        while True:
            peak[0] = max(peak[0], _status_gib("VmRSS"))
            time.sleep(0.005)

    threading.Thread(target=sample, daemon=True).start()
    stages: dict[str, dict[str, float]] = {}

    def stage(name: str, run: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), _cpu()
        peak[0] = _status_gib("VmRSS")
        result = run()
        stages[name] = {
            "wall_s": round(time.perf_counter() - wall, 3),
            "cpu_s": round(_cpu() - cpu, 3),
            "rss_after_gib": round(_status_gib("VmRSS"), 3),
            "rss_peak_gib": round(max(peak[0], _status_gib("VmRSS")), 3),
        }
        return result

    base = _status_gib("VmRSS")
    wall, cpu = time.perf_counter(), _cpu()
    population = stage("load_population", lambda: doichieu.load_population(folder / "population.parquet"))
    index = stage("PopulationIndex", partial(doichieu.PopulationIndex, population, as_of=bench_records.AS_OF))
    del population
    roster = stage("load_roster", lambda: doichieu.load_roster(folder / "roster.parquet"))
    findings, verdicts = stage("verify_all", lambda: index.verify_all(roster))
    total = {
        "wall_s": round(time.perf_counter() - wall, 3),
        "cpu_s": round(_cpu() - cpu, 3),
        "peak_resident_gib": round(_status_gib("VmHWM"), 3),
    }
    print(
        json.dumps(
            {
                "members": args.members,
                "roster_rows": verdicts.height,
                "findings": findings.height,
                "index_bytes": index.engine.memory_bytes,
                "interpreter_gib": round(base, 3),
                "stages": stages,
                "total": total,
                "load_average": os.getloadavg(),
            }
        )
    )
    if args.out:
        findings.write_parquet(f"{args.out}-findings.parquet")
        verdicts.write_parquet(f"{args.out}-verdicts.parquet")


if __name__ == "__main__":
    main()

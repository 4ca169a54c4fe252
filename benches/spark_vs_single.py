"""The cross-check of a generated province on one process beside Spark
``local[2]``, in the same run: time and peak memory of the driver and of the
Python workers; then its deduplication, both sides scoring with one model. Run by hand (it needs the ``spark`` extra and Java); its
figures are kept in ``recorded/spark.md``.

    .venv/bin/python benches/spark_vs_single.py --members 100000 --out /tmp/spark-bench

Both sides read the same Parquet files and answer the same findings and
verdicts (checked here, as tests/test_spark.py does). The single process is
``load_population`` + ``read_roster`` + the engine's ``verify_tables``; the
Spark side is ``doichieu.spark`` reading the files and both passes, its answers
collected to the driver. The single process runs in a fresh interpreter so its
peak is its own; the Spark driver's peak is this process's, and a Python
worker's is the largest ``VmHWM`` among the workers alive at the end (Spark
reuses them across tasks). The JVM's own memory is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from doichieu.spark_options import MASTER, SHUFFLE_PARTITIONS

AS_OF = date(2025, 9, 1)

SINGLE = """
import json, resource, sys, time
t = time.perf_counter()
import polars as pl
from doichieu import _engine
from doichieu.records import load_population, read_roster
from doichieu.vocabulary import POPULATION_COLUMNS
population = load_population(sys.argv[1])
index = _engine.PopulationIndex({c: population[c] for c in POPULATION_COLUMNS}, as_of=(2025, 9, 1))
roster, present = read_roster(sys.argv[2])
findings, verdicts = _engine.verify_tables(index, {c: roster[c] for c in present})
pl.DataFrame(findings).write_parquet(sys.argv[3] + "/findings.parquet")
print(json.dumps({"seconds": time.perf_counter() - t, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def worker_peaks_kib() -> list[int]:
    """VmHWM of every PySpark Python worker alive (daemon and forked workers)."""
    peaks = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"pyspark.daemon" not in cmdline and b"pyspark.worker" not in cmdline:
                continue
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]))
        except OSError:
            continue
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument(
        "--population-extra", type=float, default=0.2, help="population rows beyond the members, as a fraction"
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--master", default=MASTER)
    parser.add_argument("--shuffle-partitions", type=int, default=SHUFFLE_PARTITIONS)
    args = parser.parse_args()
    import polars as pl

    from doichieu.generate import generate_province

    folder = args.out / f"province-{args.members}-{args.population_extra}"
    if not (folder / "roster.parquet").exists():
        generate_province(
            folder,
            members=args.members,
            seed=7,
            fmt="parquet",
            as_of=AS_OF.isoformat(),
            population_extra=args.population_extra,
        )
    roster, population = folder / "roster.parquet", folder / "population.parquet"

    done = subprocess.run(
        [sys.executable, "-c", SINGLE, str(population), str(roster), str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    single = json.loads(done.stdout.strip().splitlines()[-1])

    from doichieu.spark import read_population, read_roster, revalidate, session

    started = time.perf_counter()
    spark = session(args.master, shuffle_partitions=args.shuffle_partitions)
    ready = time.perf_counter()
    r, p = read_roster(spark, roster), read_population(spark, population)
    findings, verdicts = revalidate(spark, r.frame, p.frame, present=r.present, as_of=AS_OF)
    got = pl.from_arrow(findings.toArrow())
    n_verdicts = verdicts.count()
    finished = time.perf_counter()
    workers = worker_peaks_kib()
    expected = pl.read_parquet(folder / "findings.parquet")
    assert isinstance(got, pl.DataFrame)
    same = got.sort("row", "seq")["message_en"].to_list() == expected.sort("row")["message_en"].to_list()
    # Deduplication of the roster, both sides scoring with one model (trained once, here by one machine).
    from doichieu import _engine
    from doichieu.records import read_roster as read_one
    from doichieu.spark.dedupe import dedupe

    frame, present = read_one(roster)
    columns = {c: frame[c] for c in present}
    model = _engine.find_roster_duplicates(columns)["model"]
    t = time.perf_counter()
    one = _engine.find_roster_duplicates(columns, model=model)
    dedupe_single = time.perf_counter() - t
    t = time.perf_counter()
    pairs, _ = dedupe(spark, r.frame, model, present=r.present).collect()
    dedupe_spark = time.perf_counter() - t
    same_pairs = pairs.height == pl.DataFrame(one["pairs"]).height
    result = {
        "members": args.members,
        "dedupe_single_seconds": round(dedupe_single, 2),
        "dedupe_spark_seconds": round(dedupe_spark, 2),
        "dedupe_pairs": pairs.height,
        "dedupe_candidates": one["candidate_pairs"],
        "dedupe_same_pair_count": same_pairs,
        "roster_rows": n_verdicts,
        "population_rows": p.rows,
        "single_seconds": round(single["seconds"], 2),
        "single_peak_mib": round(single["peak_kib"] / 1024),
        "spark_session_seconds": round(ready - started, 2),
        "spark_seconds": round(finished - ready, 2),
        "spark_driver_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "spark_worker_peak_mib": round(max(workers, default=0) / 1024),
        "spark_workers_alive": len(workers),
        "same_findings": same,
        "master": args.master,
        "shuffle_partitions": args.shuffle_partitions,
    }
    print(json.dumps(result, indent=2))
    spark.stop()


if __name__ == "__main__":
    main()

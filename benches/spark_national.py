"""The national-shaped cross-check: one process beside Spark ``local[2]`` on the
same generated files (``doichieu generate --national``), in the same run. Run
by hand (it needs the ``spark`` extra, Java and a generated folder); its
figures are kept in ``recorded/spark-national.md``.

    .venv/bin/python -m doichieu generate --national --members 1000000 --population 10000000 --out /data/n1m10m
    .venv/bin/python benches/spark_national.py --data /data/n1m10m --results /tmp/national.jsonl

Both sides read the roster and population parts the generator wrote.

- **One process**: a fresh interpreter reads the parts (polars), builds the
  engine's population index and runs ``verify_tables``, printing its resident
  memory after each stage. This process watches its resident memory and stops
  it past ``--single-cap-gib`` (default 22 of the machine's 24 GiB), which is
  how "the single-process index does not fit" is measured: the stage it
  reached, the memory there, and the memory per population row of the stages
  it finished.
- **Spark**: ``doichieu.spark`` reads the same parts and runs both passes; the
  findings are collected to the driver and compared with the single process's
  where it finished. Every process of the run is watched (``process_tree``):
  the driver's interpreter, the JVM (the driver and the local executors: one
  process in local mode), and each Python worker, whose peak is the peak of the
  tasks it ran (Spark reuses workers). CPU seconds are the whole tree's, so a
  run on a machine shared with other work can be read at its CPU cost too.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from doichieu.spark_options import MASTER, SHUFFLE_PARTITIONS

sys.path.insert(0, str(Path(__file__).parent))
from process_tree import Watch, load_average

AS_OF = date(2025, 9, 1)
GIB = 2**30

SINGLE = """
import json, sys, time
from pathlib import Path

def resident():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024

def mark(stage, **more):
    print(json.dumps({"stage": stage, "seconds": time.perf_counter() - t, "resident": resident(), **more}), flush=True)

t = time.perf_counter()
import polars as pl
from doichieu import _engine
from doichieu.records import load_population, read_roster
from doichieu.vocabulary import POPULATION_COLUMNS
data = Path(sys.argv[1])
mark("start")
population = load_population(pl.read_parquet(str(data / "population" / "*.parquet")))
mark("population_read", rows=population.height)
index = _engine.PopulationIndex({c: population[c] for c in POPULATION_COLUMNS}, as_of=(2025, 9, 1))
del population
mark("index_built")
roster, present = read_roster(pl.read_parquet(str(data / "roster" / "*.parquet")))
mark("roster_read", rows=roster.height)
findings, verdicts = _engine.verify_tables(index, {c: roster[c] for c in present})
pl.DataFrame(findings).select("row", "code", "message_en").write_parquet(sys.argv[2])
mark("verified")
"""


def run_single(data: Path, out: Path, cap_bytes: int) -> dict[str, object]:
    """The single process, stopped past ``cap_bytes`` resident."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", SINGLE, str(data), str(out)], stdout=subprocess.PIPE, text=True)
    marks: list[dict[str, object]] = []
    reader = threading.Thread(target=lambda: marks.extend(json.loads(line) for line in child.stdout or ()))
    reader.start()
    peak, stopped = 0, False
    status = Path(f"/proc/{child.pid}/status")
    while child.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    resident = int(line.split()[1]) * 1024
                    peak = max(peak, resident)
                    if resident > cap_bytes:
                        child.kill()
                        stopped = True
        except OSError:
            pass
        time.sleep(0.1)
    child.wait()
    reader.join()
    stages = {str(m["stage"]): m for m in marks}
    population_rows = stages.get("population_read", {}).get("rows")
    result: dict[str, object] = {
        "finished": "verified" in stages and child.returncode == 0,
        "stopped_at_cap": stopped,
        "exit_code": child.returncode,
        "seconds": round(time.perf_counter() - started, 1),
        "peak_gib": round(peak / GIB, 2),
        "last_stage": marks[-1]["stage"] if marks else None,
        "stages": {
            k: {"seconds": round(float(v["seconds"]), 1), "resident_gib": round(int(v["resident"]) / GIB, 2)}
            for k, v in stages.items()
        },
    }
    if population_rows and "index_built" in stages:
        grown = int(stages["index_built"]["resident"]) - int(stages["start"]["resident"])
        result["index_bytes_per_population_row"] = round(grown / int(population_rows))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="a folder written by generate --national")
    parser.add_argument("--results", type=Path, required=True, help="JSON lines file the run is appended to")
    parser.add_argument("--master", default=MASTER)
    parser.add_argument("--driver-memory", default="8g")
    parser.add_argument("--shuffle-partitions", type=int, default=SHUFFLE_PARTITIONS)
    parser.add_argument("--single-cap-gib", type=float, default=22.0)
    parser.add_argument("--no-single", action="store_true", help="Spark only")
    parser.add_argument("--no-spark", action="store_true", help="one process only")
    args = parser.parse_args()
    import polars as pl

    manifest = json.loads((args.data / "manifest.json").read_text())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    result: dict[str, object] = {
        "data": str(args.data),
        "commit": commit,
        "rows": manifest.get("rows"),
        "load_average_start": load_average(),
    }
    single_findings = args.data / "single-findings.parquet"
    if not args.no_single:
        result["single"] = run_single(args.data, single_findings, int(args.single_cap_gib * GIB))
        print(json.dumps(result["single"]), file=sys.stderr, flush=True)
    if not args.no_spark:
        from doichieu.spark import read_population, read_roster, revalidate, session

        with Watch() as watch:
            started = time.perf_counter()
            spark = session(args.master, shuffle_partitions=args.shuffle_partitions, driver_memory=args.driver_memory)
            ready = time.perf_counter()
            cpu_ready = watch.cpu_seconds()
            r = read_roster(spark, args.data / "roster")
            p = read_population(spark, args.data / "population")
            findings, verdicts = revalidate(spark, r.frame, p.frame, present=r.present, as_of=AS_OF)
            got = pl.DataFrame(pl.from_arrow(findings.select("row", "code", "message_en").toArrow()))
            n_verdicts = verdicts.count()
            finished = time.perf_counter()
            watch.poll()
            cpu_done = watch.cpu_seconds()
            spark.stop()
        spark_result: dict[str, object] = {
            "session_seconds": round(ready - started, 1),
            "seconds": round(finished - ready, 1),
            "cpu_seconds": round(cpu_done - cpu_ready, 1),
            "driver_python_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "jvm_peak_mib": watch.peak_mib("jvm"),
            "python_worker_peak_mib": watch.peak_mib("python_worker"),
            "python_workers_seen": watch.count("python_worker"),
            "roster_rows": n_verdicts,
            "population_rows": p.rows,
            "findings": got.height,
            "master": args.master,
            "driver_memory": args.driver_memory,
        }
        single = result.get("single")
        if isinstance(single, dict) and single.get("finished"):
            expected = pl.read_parquet(single_findings)
            spark_result["same_findings_as_single"] = got.sort("row", "code", "message_en").equals(
                expected.sort("row", "code", "message_en")
            )
        result["spark"] = spark_result
    result["load_average_end"] = load_average()
    with args.results.open("a") as out:
        out.write(json.dumps(result) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

"""Deduplication of a generated roster by doichieu on Spark beside Splink's own
Spark backend, both under ``local[2]`` in the same run (issue 17). Run by hand
(it needs the ``spark`` extra, the bench extras and Java); its figures are kept
in ``recorded/splink_spark.md``.

    .venv/bin/python benches/splink_spark.py --members 100000 --out /tmp/splink-spark

The roster is ``doichieu generate --members N --format parquet`` (seed 7),
written once under ``--out`` and reused. Each tool runs in a fresh interpreter
with its own Spark session, one after the other; its clock starts once its
session is up and stops when its pairs and clusters are on the driver:

- doichieu: what ``doichieu dedupe --engine spark`` runs (``dedupe_on_spark``)
  short of writing its files: the roster read through ``doichieu.spark.layout``, the
  model trained on the driver (no saved model is given; past 250,000 members on
  its fixed sample), blocks scored in the tasks that make them, clusters on the
  driver.
- Splink 5 on Spark: the roster prepared as ``benches/dedup_province.py``'s
  ``splink_table`` prepares it (Unicode NFC and lower case, dates read from
  dd/mm/yyyy and ISO, IDs stripped to their digits), with that file's blocking
  rules, comparisons and training (``splink_settings``, ``splink_predict``),
  pairs at match probability 0.9 (doichieu's threshold) and Splink's clustering
  at the same threshold. Its session is set up as Splink's Spark documentation
  recommends: its similarity jar, ``spark.default.parallelism`` and shuffle
  partitions at five per core, lineage broken by writing Parquet to a
  checkpoint folder (Splink's default).

Both get the same driver heap. Scored on the generator's truth as
``dedup_province.py`` scores (same-person pairs; the members planted with
someone else's citizen number are two people), and at the cluster level (a
planted group of one person's rows found exactly). Time, CPU seconds of the
whole process tree (driver, JVM, Python workers), peak memory of the driver,
the JVM and the largest Python worker, and the load average of the machine
while the tool ran (this machine is shared).

    .venv/bin/python benches/splink_spark.py --render /tmp/splink-spark/results-100000.json

prints the tables of a run again.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import polars as pl

from doichieu.spark_options import DRIVER_MEMORY, MASTER, SHUFFLE_PARTITIONS

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchkit  # noqa: E402
from dedup_province import (  # noqa: E402
    THRESHOLD,
    U_PAIRS,
    name_causes_of,
    recall_tables,
    score_tool,
    splink_pairs,
    splink_predict,
    splink_settings,
    splink_table,
)
from process_tree import Watch  # noqa: E402

SEED = 7
SPLINK = "Splink 5 on Spark"
TOOLS = {"doichieu": "doichieu on Spark", "splink": SPLINK}


# --- the Spark sessions ---------------------------------------------------------------------


def splink_session(master: str, driver_memory: str, checkpoints: Path) -> Any:
    """A session as Splink's Spark documentation sets one up."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    cores = os.cpu_count() or 2
    if master.startswith("local[") and master[6:-1].isdigit():
        cores = int(master[6:-1])
    parallelism = str(5 * cores)  # "around 5x the number of CPUs"
    spark = (
        SparkSession.builder.master(master)
        .appName("splink")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", driver_memory)
        .config("spark.default.parallelism", parallelism)
        .config("spark.sql.shuffle.partitions", parallelism)
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(str(checkpoints))
    return spark


# --- one tool's run, in a fresh interpreter --------------------------------------------------


def run_doichieu(args: argparse.Namespace) -> tuple[pl.DataFrame, pl.DataFrame]:
    from doichieu.dedup import SHARED_NUMBER
    from doichieu.spark import layout, session
    from doichieu.spark.dedupe import dedupe
    from doichieu.vocabulary import ROSTER_COLUMNS

    # What `dedupe --engine spark` runs (doichieu.spark.command.dedupe_on_spark), without writing its files.
    spark = session(args.master, shuffle_partitions=args.shuffle_partitions)
    table = layout.read_roster(spark, args.roster, "ignore")
    pairs, clusters = dedupe(spark, table.frame, None, present=ROSTER_COLUMNS).collect()
    clusters = clusters.filter(pl.col("type") != SHARED_NUMBER).select(pl.col("cluster_id").cast(pl.Int64), "member_id")
    return pairs.select("member_id_a", "member_id_b", "type"), clusters


def run_splink(args: argparse.Namespace, spark: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
    from pyspark.sql import functions as F
    from splink import Linker, SparkAPI

    table = splink_table(pl.read_parquet(args.roster))
    frame = spark.createDataFrame(table.to_arrow())
    linker = Linker(SparkAPI(spark_session=spark).register(frame), splink_settings(date_format="yyyy-MM-dd"))
    predictions = splink_predict(linker)
    found = pl.DataFrame(pl.from_arrow(predictions.as_spark_dataframe().select("member_id_l", "member_id_r").toArrow()))
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, THRESHOLD)
    every = clustered.as_spark_dataframe().select("cluster_id", "member_id")
    groups = every.groupBy("cluster_id").count().filter(F.col("count") > 1).select("cluster_id")
    in_groups = pl.DataFrame(pl.from_arrow(every.join(groups, "cluster_id").toArrow()))
    clusters = in_groups.select(pl.col("cluster_id").rank("dense").cast(pl.Int64), "member_id")
    return splink_pairs(found["member_id_l"].to_list(), found["member_id_r"].to_list()), clusters


class _Load:
    """The machine's 1-minute load average, sampled while a tool runs."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(10):
                return

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return {"load_mean": round(sum(self.samples) / len(self.samples), 2), "load_max": round(max(self.samples), 2)}


def child(args: argparse.Namespace) -> None:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if args.child == "doichieu":
        from doichieu.spark import session

        started = time.perf_counter()
        spark = session(args.master, shuffle_partitions=args.shuffle_partitions, driver_memory=args.driver_memory)
    else:
        import splink.comparison_library  # noqa: F401

        started = time.perf_counter()
        spark = splink_session(args.master, args.driver_memory, args.out / "splink-checkpoints")
    session_seconds = time.perf_counter() - started
    with Watch() as watch:
        before = watch.cpu_seconds()
        load = _Load()
        started = time.perf_counter()
        pairs, clusters = run_doichieu(args) if args.child == "doichieu" else run_splink(args, spark)
        seconds = time.perf_counter() - started
        watch.poll()
        after = watch.cpu_seconds()
    cost = {
        "seconds": seconds,
        "cpu_seconds": after - before,
        "session_seconds": session_seconds,
        "driver_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "jvm_peak": 1024 * watch.peak_kib("jvm"),
        "worker_peak": 1024 * watch.peak_kib("python_worker"),
        **load.stop(),
    }
    spark.stop()
    pairs.write_parquet(args.out / f"{args.child}-pairs.parquet")
    clusters.write_parquet(args.out / f"{args.child}-clusters.parquet")
    (args.out / f"{args.child}-cost.json").write_text(json.dumps(cost))


# --- the run -------------------------------------------------------------------------------


def truth_clusters(same: pl.DataFrame) -> set[frozenset[str]]:
    """One planted person's rows: the connected groups of the same-person truth pairs."""
    parent: dict[str, str] = {}

    def root(m: str) -> str:
        while parent.setdefault(m, m) != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    for a, b in same.select("member_id_a", "member_id_b").iter_rows():
        parent[root(a)] = root(b)
    groups: dict[str, set[str]] = {}
    for m in list(parent):
        groups.setdefault(root(m), set()).add(m)
    return {frozenset(g) for g in groups.values()}


def cluster_scores(clusters: pl.DataFrame, truth: set[frozenset[str]]) -> dict[str, Any]:
    """Exact groups: precision is the share of the tool's groups that are a planted
    person's rows exactly, recall the share of planted people found exactly."""
    found = {frozenset(g) for g in clusters.group_by("cluster_id").agg("member_id")["member_id"].to_list()}
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "clusters": len(found),
        "clusters_planted": len(truth),
        "cluster_precision": round(precision, 4),
        "cluster_recall": round(recall, 4),
        "cluster_F1": round(f1, 4),
    }


def roster_folder(out: Path, members: int) -> Path:
    from doichieu.generate import generate_province

    folder = out / f"roster-{members}"
    if not (folder / "roster.parquet").exists():
        # As `doichieu generate --members N --format parquet --out folder` (seed 7).
        generate_province(folder, members=members, seed=SEED, fmt="parquet")
    return folder


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from doichieu.dedup_scores import split_truth

    folder = roster_folder(args.out, args.members)
    roster = pl.read_parquet(folder / "roster.parquet")
    same, _ = split_truth(pl.read_csv(folder / "truth_duplicates.csv", infer_schema=False))
    name_causes = name_causes_of(pl.read_csv(folder / "truth_findings.csv", infer_schema=False))
    planted = truth_clusters(same)
    results: dict[str, Any] = {
        "members": args.members,
        "seed": SEED,
        "rows": roster.height,
        "master": args.master,
        "driver_memory": args.driver_memory,
        "shuffle_partitions": args.shuffle_partitions,
        "splink_u_pairs": U_PAIRS,
        "threshold": THRESHOLD,
        "tools": {},
    }
    work = args.out / f"work-{args.members}"
    work.mkdir(parents=True, exist_ok=True)
    for tool in args.tools:
        command = [sys.executable, __file__, "--child", tool, "--roster", str(folder / "roster.parquet")]
        command += ["--out", str(work), "--master", args.master, "--driver-memory", args.driver_memory]
        command += ["--shuffle-partitions", str(args.shuffle_partitions)]
        print(f"running {TOOLS[tool]} ({time.strftime('%H:%M:%S')})", flush=True)
        subprocess.run(command, check=True)
        pairs = pl.read_parquet(work / f"{tool}-pairs.parquet")
        clusters = pl.read_parquet(work / f"{tool}-clusters.parquet")
        cost = json.loads((work / f"{tool}-cost.json").read_text())
        scored = score_tool(pairs, same, roster, name_causes)
        results["tools"][TOOLS[tool]] = {**cost, **scored, **cluster_scores(clusters, planted)}
        print(json.dumps({k: v for k, v in results["tools"][TOOLS[tool]].items() if k != "by_type"}), flush=True)
    return results


def markdown(results: dict[str, Any]) -> str:
    tools = results["tools"]
    ours = tools.get(TOOLS["doichieu"])
    lines = [
        f"{results['members']:,} members ({results['rows']:,} roster rows), Spark `{results['master']}`, "
        f"driver heap {results['driver_memory']}",
        "",
        "| tool | wall seconds | × doichieu's | CPU seconds | × doichieu's | driver peak | JVM peak "
        "| largest Python worker | load average (mean, max) | precision | recall | F1 | clusters exact: P / R / F1 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, t in tools.items():
        ratio = f"{t['seconds'] / ours['seconds']:.1f}×" if ours else "–"
        cpu_ratio = f"{t['cpu_seconds'] / ours['cpu_seconds']:.1f}×" if ours else "–"
        lines.append(
            f"| {label} | {t['seconds']:.1f} | {ratio} | {t['cpu_seconds']:.1f} | {cpu_ratio} | "
            f"{benchkit.mib(t['driver_peak'])} MiB | {benchkit.mib(t['jvm_peak'])} MiB | "
            f"{benchkit.mib(t['worker_peak'])} MiB | {t['load_mean']}, {t['load_max']} | "
            f"{t['precision']} | {t['recall']} | {t['F1']} | "
            f"{t['cluster_precision']} / {t['cluster_recall']} / {t['cluster_F1']} |"
        )
    lines += recall_tables(tools)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--out", type=Path, help="folder for the generated roster and each run's files")
    parser.add_argument("--master", default=MASTER)
    parser.add_argument("--driver-memory", default=DRIVER_MEMORY, help="both tools' driver heap")
    parser.add_argument(
        "--shuffle-partitions", type=int, default=SHUFFLE_PARTITIONS, help="doichieu's (Splink's: five per core)"
    )
    parser.add_argument("--tools", nargs="+", choices=list(TOOLS), default=list(TOOLS))
    parser.add_argument("--child", choices=list(TOOLS))
    parser.add_argument("--roster", type=Path)
    parser.add_argument("--render", type=Path, help="print the tables of a run's results JSON")
    args = parser.parse_args()
    if args.render:
        print(markdown(json.loads(args.render.read_text())))
        return
    if args.out is None:
        parser.error("--out is needed")
    if args.child:
        child(args)
        return
    results = measure(args)
    path = args.out / f"results-{args.members}.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(markdown(results))
    print(f"\n(written {path})")


if __name__ == "__main__":
    main()

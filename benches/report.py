"""Runs every benchmark module and writes BENCHMARKS.md.

    make bench                                  # full mode: peers, 100k sizes, writes BENCHMARKS.md
    .venv/bin/python benches/report.py --quick  # short mode for CI: small sizes, no peers, writes nothing

Every figure is measured in this run beside its peer, and each floor from the
issues is printed as met or not met with the measured value.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import dedup_quality  # noqa: E402
import dedup_speed  # noqa: E402
import names_speed  # noqa: E402


def table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "(no rows)\n"
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r.get(h, "")) for h in head) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def machine() -> str:
    cpu = "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = "unknown"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        memory = f"{kb / 2**20:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return f"{os.cpu_count()} cores, {memory}, {cpu}"


def versions() -> str:
    parts = [f"python {platform.python_version()}"]
    for package in ("doichieu", "polars", "pyarrow", "splink", "duckdb", "recordlinkage", "underthesea", "vn-text"):
        try:
            parts.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
        parts.append(f"commit {commit}")
    except OSError:
        pass
    return ", ".join(parts)


def floor(label: str, met: bool, measured: str) -> dict[str, str]:
    return {"floor": label, "status": "met" if met else "NOT met", "measured": measured}


def _ms(rows: list[dict[str, Any]], tool: str) -> float:
    return float(next(r["ms"] for r in rows if r["tool"] == tool))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, no peers, write nothing (CI)")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    args = parser.parse_args(argv)
    quick = args.quick
    peers = not quick
    n_names = 5_000 if quick else 100_000
    n_roster = 5_000 if quick else 100_000

    sections: list[tuple[str, str, Callable[[], list[dict[str, Any]]]]] = [
        ("Name layer: normalisation (issue 2)", "", lambda: names_speed.rows(n_names, peers=peers)),
        ("Name layer: comparison (issue 2)", "", lambda: names_speed.compare_rows(n_names)),
        ("Deduplication on a Vietnamese-style roster (issue 7)", "", lambda: dedup_speed.rows(n_roster, peers=peers)),
    ]
    if not quick:
        sections += [
            ("Deduplication quality on FEBRL3 (issue 7)", "", lambda: dedup_quality.febrl3_rows(peers=True)),
            ("Linkage quality on FEBRL4 (issue 7)", "", lambda: dedup_quality.febrl4_rows(peers=True)),
        ]
    results: dict[str, list[dict[str, Any]]] = {}
    for title, _, run in sections:
        print(f"running: {title}", file=sys.stderr)
        results[title] = run()
        print(table(results[title]), file=sys.stderr)
    if quick:
        return 0

    names = results["Name layer: normalisation (issue 2)"]
    both = _ms(names, "doichieu normalize_names + name_keys (polars column)")
    display = _ms(names, "doichieu normalize_names (polars column)")
    under = _ms(names, "underthesea text_normalize (10% sample, scaled)")
    pairs = results["Name layer: comparison (issue 2)"][0]
    dedup = results["Deduplication on a Vietnamese-style roster (issue 7)"]
    ours_dedup, splink_dedup = dedup[0], dedup[1]
    febrl3 = results["Deduplication quality on FEBRL3 (issue 7)"]
    febrl4 = results["Linkage quality on FEBRL4 (issue 7)"]

    def f1(rows: list[dict[str, Any]], tool: str) -> float:
        return float(next(r["F1 @0.9"] for r in rows if r["tool"] == tool))

    floors = [
        floor("normalize_names + name_keys, 100k names, < 30 ms on 2 cores (≥ 3 M names/s)", both < 30, f"{both} ms"),
        floor("normalize_names ≥ 100× faster than underthesea", under / display >= 100, f"{under / display:.1f}×"),
        floor("compare_names_bulk ≥ 2 M pairs/s", float(pairs["pairs/s"].replace(",", "")) >= 2e6, f"{pairs['pairs/s']} pairs/s"),
        floor("dedup 100k members < 2 s on 2 cores", ours_dedup["seconds"] < 2, f"{ours_dedup['seconds']} s"),
        floor("dedup ≥ 10× faster than Splink + DuckDB", splink_dedup["seconds"] / ours_dedup["seconds"] >= 10,
              f"{splink_dedup['seconds'] / ours_dedup['seconds']:.1f}×"),
        floor("F1 ≥ 0.98 on the Vietnamese synthetic roster", ours_dedup["F1"] >= 0.98, f"{ours_dedup['F1']}"),
        floor("F1 ≥ Splink's on FEBRL3 (at 0.9)", f1(febrl3, "doichieu") >= f1(febrl3, "Splink 5 + DuckDB"),
              f"{f1(febrl3, 'doichieu')} vs {f1(febrl3, 'Splink 5 + DuckDB')}"),
        floor("F1 ≥ Splink's on FEBRL4 (at 0.9)", f1(febrl4, "doichieu") >= f1(febrl4, "Splink 5 + DuckDB"),
              f"{f1(febrl4, 'doichieu')} vs {f1(febrl4, 'Splink 5 + DuckDB')}"),
    ]

    doc = [
        "# Benchmarks\n",
        "Written by `make bench` (`.venv/bin/python benches/report.py`); do not edit by hand.\n",
        f"- date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- machine: {machine()}",
        f"- versions: {versions()}",
        "- every figure below was measured in the same run as the peer beside it; times are the best of several rounds\n",
        "## Floors from the issues\n",
        table(floors),
    ]
    for title, _, _ in sections:
        doc += [f"## {title}\n", table(results[title])]
    recorded = HERE / "recorded"
    if recorded.is_dir():
        for page in sorted(recorded.glob("*.md")):
            doc.append(page.read_text(encoding="utf-8"))
    Path(args.out).write_text("\n".join(doc), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

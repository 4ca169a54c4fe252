"""Runs every bench module and writes BENCHMARKS.md.

    make bench                                   # full mode, with peers: writes BENCHMARKS.md
    make bench-full                              # adds the national-scale sizes (5.6 M names)
    .venv/bin/python benches/report.py --quick   # CI smoke: small sizes, no peers, writes nothing

Steps: (1) time every case of every `bench_*.py` module under pytest-benchmark,
in one pytest process (`benches/test_benchmarks.py`), doichieu and its peers
side by side; (2) ask each module for its sections (tables it builds from the
timings, plus what it measures itself: quality, memory peaks in fresh
processes, thread scaling); (3) write the document, with each floor from the
issues as met or not met and the measured value. To add a capability, add a
`bench_<name>.py` (see benchkit.py); nothing here changes.

Without pytest-benchmark installed (CI, where the bench extras are not), the
cases are timed in this process with the same rounds instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import benchkit  # noqa: E402
from benchkit import Floor, Mode, Section, Timing, Timings  # noqa: E402

# Peers must never reach for a model hub: underthesea imports huggingface_hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    memory = "unknown memory"
    try:
        found = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        if found:
            memory = f"{int(found.group(1)) / 2**20:.0f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {memory}, {cpu}, {platform.system()} {platform.release()}"


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def versions() -> str:
    parts = [f"python {platform.python_version()}"]
    for package in (
        "doichieu",
        "polars",
        "pyarrow",
        "pytest-benchmark",
        "vn-text",
        "underthesea",
        "underthesea_core",
        "splink",
        "duckdb",
        "recordlinkage",
    ):
        try:
            parts.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package} (not installed)")
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if git.returncode == 0:
        parts.append(f"commit {git.stdout.strip()}{' with uncommitted changes' if dirty.stdout.strip() else ''}")
    return ", ".join(parts)


def pytest_command(mode: Mode, json_path: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        str(HERE / "test_benchmarks.py"),
        f"--bench-mode={mode.name}",
        f"--benchmark-json={json_path}",
        "--benchmark-columns=min,median,rounds",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
    ]


def time_with_pytest(mode: Mode) -> tuple[Timings, str]:
    with tempfile.TemporaryDirectory() as folder:
        json_path = Path(folder) / "timings.json"
        command = pytest_command(mode, json_path)
        done = subprocess.run(command, cwd=ROOT, check=False)
        if done.returncode != 0:
            raise SystemExit(f"benchmark cases failed (pytest exit {done.returncode})")
        shown = (
            " ".join(shlex.quote(c) for c in command)
            .replace(str(json_path), "TIMINGS.json")
            .replace(sys.executable, os.path.relpath(sys.executable, ROOT))
            .replace(str(ROOT) + "/", "")
        )
        return Timings.from_pytest_benchmark(json_path), shown


def time_in_process(mode: Mode) -> tuple[Timings, str]:
    out = []
    for case in benchkit.all_cases(mode):
        if benchkit.unavailable(case):
            continue
        run = case.setup()
        for _ in range(case.warmup):
            run()
        samples = []
        for _ in range(case.rounds):
            start = time.perf_counter()
            run()
            samples.append(time.perf_counter() - start)
        samples.sort()
        out.append(
            Timing(
                case.group,
                case.tool,
                case.items,
                case.unit,
                case.role,
                case.versus,
                case.note,
                samples[0],
                samples[len(samples) // 2],
                len(samples),
            )
        )
    return Timings(out), "in-process timer (pytest-benchmark not installed)"


def render(
    mode: Mode, sections: list[Section], command: str, timer: str, started: str, seconds: float, load_at_start: str
) -> str:
    floors: list[Floor] = [f for s in sections for f in s.floors]
    doc = [
        "# Benchmarks\n",
        f"Written by `{command}`; do not edit by hand. Every figure below was measured in this one run, each peer "
        "beside doichieu on the same input; times are the best of several rounds (median beside it), ratios are "
        "the peer's best time over doichieu's.\n",
        f"- date: {started} UTC; the run took {seconds / 60:.1f} min",
        f"- mode: {mode.name}",
        f"- machine: {machine()}; load average (1, 5, 15 min) {load_at_start} at the start, {load()} at the end "
        "(other work shares the machine: medians beside the best times show the noise)",
        f"- versions: {versions()}",
        f"- timings: `{timer}`",
        "",
        "## Floors from the issues\n",
        benchkit.table([f.row() for f in floors]),
    ]
    for section in sections:
        doc.append(f"## {section.title}\n")
        if section.intro:
            doc.append(section.intro + "\n")
        for t in section.tables:
            if t.caption:
                doc.append(f"**{t.caption}**\n")
            doc.append(benchkit.table(t.rows))
        for note in section.notes:
            doc.append(f"- {note}")
        if section.notes:
            doc.append("")
    recorded = HERE / "recorded"
    if recorded.is_dir() and not mode.quick:
        for page in sorted(recorded.glob("*.md")):
            doc.append(page.read_text(encoding="utf-8").rstrip() + "\n")
    return "\n".join(doc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--quick",
        action="store_const",
        dest="mode",
        const="quick",
        help="small sizes, no peers; prints the floors and writes nothing unless --out is given",
    )
    group.add_argument(
        "--national",
        action="store_const",
        dest="mode",
        const="national",
        help="also the national-scale sizes (5.6 M names)",
    )
    parser.add_argument("--out", help="where to write the document (default: BENCHMARKS.md, except in --quick)")
    parser.add_argument("--in-process", action="store_true", help="time in this process, without pytest-benchmark")
    args = parser.parse_args(argv)
    mode = Mode(args.mode or "full")
    out = args.out or (None if mode.quick else str(ROOT / "BENCHMARKS.md"))

    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    load_at_start = load()
    clock = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        # One data cache for this run, shared with the pytest process and the probes.
        os.environ.setdefault("DOICHIEU_BENCH_CACHE", cache)
        if args.in_process or find_spec("pytest_benchmark") is None:
            timings, timer = time_in_process(mode)
        else:
            timings, timer = time_with_pytest(mode)
        sections: list[Section] = []
        for module in benchkit.bench_modules():
            print(f"sections: {module.__name__}", file=sys.stderr)
            sections += module.sections(mode, timings)
    seconds = time.perf_counter() - clock

    command = {"quick": "make bench-quick", "full": "make bench", "national": "make bench-full"}[mode.name]
    command += f" (= {os.path.relpath(sys.executable, ROOT)} benches/report.py{' --' + mode.name if mode.name != 'full' else ''})"
    doc = render(mode, sections, command, timer, started, seconds, load_at_start)
    floors = [f for s in sections for f in s.floors]
    print(benchkit.table([f.row() for f in floors]), file=sys.stderr)
    if out:
        Path(out).write_text(doc, encoding="utf-8")
        print(f"wrote {out} ({seconds:.0f} s)", file=sys.stderr)
    else:
        print(f"{mode.name} mode done in {seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The small framework every bench module plugs into.

A bench module is a file `benches/bench_<capability>.py` that defines:

    ORDER: int                                   # place in BENCHMARKS.md (names 10, records 20, dedup 30, gRPC 40)
    def cases(mode: Mode) -> list[Case]          # what pytest-benchmark times, doichieu and peers in one group
    def sections(mode: Mode, timings: Timings) -> list[Section]
                                                 # rows and floors for the document, built from the timings
                                                 # plus anything the module measures itself (quality, memory, cores)

`report.py` finds the modules, runs `test_benchmarks.py` under pytest-benchmark
(one process, one run, so a peer and doichieu always share the machine's state),
then asks each module for its sections and writes BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass(frozen=True)
class Mode:
    """How much to run. quick: CI smoke (small sizes, no peers); full: `make bench`;
    national: `make bench-full`, which adds the national-scale sizes."""

    name: str

    @property
    def peers(self) -> bool:
        return self.name != "quick"

    @property
    def quick(self) -> bool:
        return self.name == "quick"

    def pick(self, quick: Any, full: Any, national: Any = None) -> Any:
        if self.name == "quick":
            return quick
        if self.name == "national" and national is not None:
            return national
        return full


MODES = ("quick", "full", "national")


@dataclass
class Case:
    """One timed call. `setup` builds the inputs (outside the timing) and returns
    the zero-argument function to time. Cases of one `group` are compared with
    each other; `versus` names the case a peer's ratio is taken against."""

    group: str
    tool: str
    items: int
    setup: Callable[[], Callable[[], Any]]
    unit: str = "items"
    role: str = "doichieu"  # "doichieu", "baseline" (standard library) or "peer"
    versus: str | None = None
    rounds: int = 10
    warmup: int = 1
    note: str = ""
    requires: tuple[str, ...] = ()  # importable modules the case needs (peers)

    @property
    def id(self) -> str:
        return f"{self.group}::{self.tool}"

    def info(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "items": self.items,
            "unit": self.unit,
            "role": self.role,
            "versus": self.versus,
            "note": self.note,
        }


@dataclass
class Timing:
    group: str
    tool: str
    items: int
    unit: str
    role: str
    versus: str | None
    note: str
    best_s: float
    median_s: float
    rounds: int

    @property
    def rate(self) -> float:
        return self.items / self.best_s


class Timings:
    """The timings of one run, looked up by group and tool."""

    def __init__(self, timings: list[Timing], missing: dict[str, str] | None = None) -> None:
        self.all = timings
        # Cases that could not run (a peer not installed), with the reason.
        self.missing = missing or {}

    def get(self, group: str, tool: str) -> Timing | None:
        return next((t for t in self.all if t.group == group and t.tool == tool), None)

    def group(self, group: str) -> list[Timing]:
        return [t for t in self.all if t.group == group]

    @classmethod
    def from_pytest_benchmark(cls, path: Path) -> Timings:
        data = json.loads(path.read_text(encoding="utf-8"))
        out = []
        for bench in data.get("benchmarks", []):
            info = bench.get("extra_info", {})
            stats = bench["stats"]
            out.append(
                Timing(
                    group=bench["group"],
                    tool=info["tool"],
                    items=int(info["items"]),
                    unit=info["unit"],
                    role=info["role"],
                    versus=info.get("versus"),
                    note=info.get("note", ""),
                    best_s=float(stats["min"]),
                    median_s=float(stats["median"]),
                    rounds=int(stats["rounds"]),
                )
            )
        return cls(out)


@dataclass
class Floor:
    issue: int
    label: str
    met: bool | None  # None: could not be measured in this run
    measured: str

    def row(self) -> dict[str, str]:
        status = "not measured" if self.met is None else ("met" if self.met else "**NOT met**")
        return {"issue": f"#{self.issue}", "floor": self.label, "status": status, "measured": self.measured}


@dataclass
class Table:
    rows: list[dict[str, Any]]
    caption: str = ""


@dataclass
class Section:
    title: str
    intro: str = ""
    tables: list[Table] = field(default_factory=list)
    floors: list[Floor] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- discovery -------------------------------------------------------------------


def bench_modules() -> list[ModuleType]:
    """Every `bench_*.py` beside this file, in document order."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    modules = [import_module(p.stem) for p in sorted(HERE.glob("bench_*.py"))]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def all_cases(mode: Mode) -> list[Case]:
    return [case for module in bench_modules() for case in module.cases(mode)]


def unavailable(case: Case) -> str | None:
    """Why `case` cannot run here (a peer not installed), or None."""
    from importlib.util import find_spec

    for name in case.requires:
        try:
            if find_spec(name) is None:
                return f"{name} is not installed"
        except (ImportError, ValueError) as error:
            return f"{name} cannot be imported: {error}"
    return None


# --- formatting --------------------------------------------------------------------


def table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "(no rows)\n"
    head: list[str] = []
    for r in rows:
        head += [h for h in r if h not in head]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r.get(h, "")) for h in head) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f}" if seconds < 10 else f"{seconds * 1e3:,.0f}"


def rate(x: float) -> str:
    return f"{x:,.0f}"


def ratio(x: float) -> str:
    return f"{x:,.1f}×" if x < 100 else f"{x:,.0f}×"


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:,.1f}"


# --- memory and subprocess probes ---------------------------------------------------


def _status_kib(key: str) -> int | None:
    try:
        match = re.search(rf"{key}:\s+(\d+) kB", Path("/proc/self/status").read_text())
    except OSError:
        return None
    return int(match.group(1)) if match else None


def peak_above(run: Callable[[], Any]) -> tuple[int, Any]:
    """Runs `run` once; returns (peak resident memory above what the process held
    just before, in bytes; its result). Linux resets the peak through clear_refs,
    so what the inputs cost to build does not hide the call's own peak; elsewhere
    the high-water mark of getrusage is the fallback (an under-estimate)."""
    import resource

    before = _status_kib("VmRSS")
    reset = False
    try:
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        pass
    if before is None or not reset:
        start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result = run()
        return max(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start) * 1024, result
    result = run()
    peak = _status_kib("VmHWM") or before
    return max(0, peak - before) * 1024, result


def best_of(run: Callable[[], Any], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def probe(
    module: str, function: str, threads: int | None = None, timeout: float = 900, **kwargs: Any
) -> dict[str, Any]:
    """Runs `module.function(**kwargs)` in a fresh interpreter (its own memory
    peak, its own rayon pool: RAYON_NUM_THREADS is read once per process) and
    returns the dict it answers."""
    env = dict(os.environ)
    if threads is not None:
        env["RAYON_NUM_THREADS"] = str(threads)
        env["POLARS_MAX_THREADS"] = str(threads)
    command = [sys.executable, str(HERE / "probe.py"), module, function, json.dumps(kwargs)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"probe {module}.{function}({kwargs}) failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))

"""Memory and CPU of a process and everything it started, read from /proc: the
Spark benches' one way to count a local run (the driver's interpreter, its
JVM, and the Python workers the JVM forks), whose processes come and go.

``Watch`` polls in a thread and keeps each process's peak resident memory
(``VmHWM``, the kernel's own high-water mark, so a peak between two polls is
not missed while the process lives) and its CPU seconds, including those of
children it has reaped (a PySpark daemon reaps its workers, so an ended worker
counts in the daemon).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Seen:
    kind: str
    peak_kib: int = 0
    cpu_seconds: float = 0.0


def kind_of(cmdline: bytes, name: str) -> str:
    """What a process of a local Spark run is: the JVM, a Python worker or daemon, or other."""
    if b"pyspark.daemon" in cmdline or b"pyspark.worker" in cmdline:
        return "python_worker"
    if name == "java":
        return "jvm"
    return "other"


def _read(pid: int) -> tuple[int, str, float, int, bytes] | None:
    """(parent, name, cpu seconds with reaped children, VmHWM KiB, cmdline) of one process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    rest = stat[stat.rindex(")") + 2 :].split()
    parent = int(rest[1])
    cpu = sum(int(x) for x in rest[11:15]) / TICKS
    peak = 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1])
    return parent, name, cpu, peak, cmdline


@dataclass
class Watch:
    """Peaks and CPU of ``root`` (this process by default) and its descendants."""

    root: int = field(default_factory=os.getpid)
    every: float = 0.5
    seen: dict[int, Seen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.alive: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def poll(self) -> None:
        table = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (got := _read(int(entry))) is not None:
                table[int(entry)] = got
        children: dict[int, list[int]] = {}
        for pid, (parent, *_) in table.items():
            children.setdefault(parent, []).append(pid)
        todo, alive = [self.root], set()
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            if pid not in table:
                continue
            alive.add(pid)
            _, name, cpu, peak, cmdline = table[pid]
            one = self.seen.setdefault(pid, Seen(kind="driver"))
            if pid != self.root:
                # Read each time: spark-submit's shell script becomes the JVM by exec, under the same pid.
                one.kind = kind_of(cmdline, name)
            one.peak_kib = max(one.peak_kib, peak)
            one.cpu_seconds = max(one.cpu_seconds, cpu)
        self.alive = alive

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.poll()

    def __enter__(self) -> Watch:
        self.poll()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.poll()

    def cpu_seconds(self) -> float:
        """CPU seconds of the tree's processes alive at the last poll, with those of
        the children they have reaped (a process that has ended counts once, in its
        parent, not also on its own)."""
        return sum(self.seen[pid].cpu_seconds for pid in self.alive)

    def peak_kib(self, kind: str) -> int:
        """The largest peak among processes of this kind."""
        return max((s.peak_kib for s in self.seen.values() if s.kind == kind), default=0)

    def peak_mib(self, kind: str) -> int:
        return round(self.peak_kib(kind) / 1024)

    def count(self, kind: str) -> int:
        return sum(1 for s in self.seen.values() if s.kind == kind)


def load_average() -> float:
    return os.getloadavg()[0]

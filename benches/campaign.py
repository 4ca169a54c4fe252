"""The campaign loop's cost on a province: ``revalidate --previous`` against the
same run without it, and ``worklists import`` of every returned list.

    .venv/bin/python benches/campaign.py [--roster R.csv --population P.csv] [--members 102235] [--repeat 5]

Without files, a province of ``--members`` (default 102,235, Hà Tĩnh; seed 7)
is generated first into a temp folder.

1. ``revalidate`` (the command's ``run``, warm, one interpreter) without and
   with ``--previous`` (the first run's folder), then with ``--campaign``,
   alternated run by run so that other work on the machine weighs on each the
   same; best and median of ``--repeat`` each, and the ratio of the bests.
2. The three work lists of a campaign run, every row marked done with a note
   and re-saved by openpyxl (as a spreadsheet program re-saves them), imported
   into a fresh copy of the campaign folder each round (``import_worklists``,
   reading, checking and taking; the copy is not timed); beside it the same-run
   baseline: fastexcel reading every sheet of the same files and nothing else.
   Then once as the command in a fresh process (interpreter start and imports
   included).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import fastexcel
import openpyxl
from rich.console import Console

from doichieu import worklist as wl
from doichieu.campaign.returned import import_worklists
from doichieu.campaign.store import CampaignStore
from doichieu.generate import generate_province
from doichieu.revalidate import OWNERS, run
from doichieu.summary import Summary

AS_OF = date(2025, 9, 1)


def _stats(seconds: list[float]) -> str:
    return f"best {min(seconds):.3f} s, median {statistics.median(seconds):.3f} s"


def _fill(source: Path, target: Path) -> int:
    """Every row of ``source`` marked done with a note; returns the rows filled."""
    book = openpyxl.load_workbook(source)
    headers = [wl.header(c) for c in wl.WORKLIST_COLUMNS]
    done, note = headers.index(wl.DONE_HEADER), headers.index(wl.NOTE_HEADER)
    filled = 0
    for name in book.sheetnames:
        if name in (wl.INFO_SHEET, wl.LEGEND_SHEET):
            continue
        for row in book[name].iter_rows(min_row=2):
            row[done].value, row[note].value = "x", "Đã xử lý theo hồ sơ"
            filled += 1
    book.save(target)
    return filled


def _read_only(paths: list[Path]) -> int:
    rows = 0
    for path in paths:
        book = fastexcel.read_excel(path.read_bytes())
        for name in book.sheet_names:
            rows += book.load_sheet(name, header_row=None, dtypes="string").to_polars().height
    return rows


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roster", type=Path)
    parser.add_argument("--population", type=Path)
    parser.add_argument("--members", type=int, default=102_235)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    quiet = Console(quiet=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        roster, population = args.roster, args.population
        if roster is None or population is None:
            made = generate_province(folder / "province", members=args.members, seed=7, fmt="csv")
            roster, population = made.roster, made.population
        first = folder / "first"
        summary = run(roster, population, first, as_of=AS_OF, console=quiet)
        print(f"province: {summary.members:,} roster rows; work-list rows {summary.owners}")

        # A campaign's first run; each round's campaign run is then its second, on a copy.
        run(roster, population, folder / "camp0", as_of=AS_OF, console=quiet, campaign=folder / "campaign0")

        # 1. --previous and --campaign against the same run without them.
        runs: dict[str, list[Summary]] = {"plain": [], "previous": [], "campaign": []}
        cpu: dict[str, list[float]] = {"plain": [], "previous": [], "campaign": []}

        def measured(mode: str, out: Path, **extra: Path) -> None:
            before = _cpu()
            runs[mode].append(run(roster, population, out, as_of=AS_OF, console=quiet, **extra))
            cpu[mode].append(_cpu() - before)

        for i in range(args.repeat):
            measured("plain", folder / f"plain{i}")
            measured("previous", folder / f"prev{i}", previous=first)
            store = folder / f"campaign{i + 1}"
            shutil.copytree(folder / "campaign0", store)
            measured("campaign", folder / f"camp{i + 1}", campaign=store)
        plain, previous, campaign = ([s.seconds for s in runs[k]] for k in ("plain", "previous", "campaign"))
        print(f"revalidate ({args.repeat} rounds, alternated, warm):")
        print(f"  without --previous      {_stats(plain)}")
        print(f"  with --previous         {_stats(previous)}  ({min(previous) / min(plain) - 1:+.1%} on the best)")
        print(f"  with --campaign (run 2) {_stats(campaign)}  ({min(campaign) / min(plain) - 1:+.1%} on the best)")
        # CPU seconds (user + system, every thread of this process): what a run costs, whatever
        # else the machine was doing meanwhile; wall times on a shared machine move with the load.
        print("  CPU seconds of the process (user + system), same rounds:")
        for mode in ("plain", "previous", "campaign"):
            extra = min(cpu[mode]) / min(cpu["plain"]) - 1
            print(f"    {mode:<9} {_stats(cpu[mode])}  ({extra:+.1%} on the best)")
        # Stage by stage (best of the rounds each): what each mode adds, apart from the load's noise.
        stages = list(dict.fromkeys(k for m in ("campaign", "previous", "plain") for s in runs[m] for k in s.stages))
        print(f"  {'stage (best of each)':<24} {'plain':>8} {'previous':>9} {'campaign':>9}")
        for stage in stages:
            cells = [
                f"{min(s.stages[stage] for s in runs[m]):.3f}" if stage in runs[m][0].stages else "-"
                for m in ("plain", "previous", "campaign")
            ]
            print(f"  {stage:<24} {cells[0]:>8} {cells[1]:>9} {cells[2]:>9}")

        # 2. Import of every returned list.
        day1 = folder / "camp0"
        returned = []
        rows = 0
        for owner in OWNERS:
            target = folder / f"returned_{owner}.xlsx"
            rows += _fill(day1 / f"worklist_{owner}.xlsx", target)
            returned.append(target)
        imports: list[float] = []
        reads: list[float] = []
        taken = 0
        for i in range(args.repeat):
            copy = folder / f"import{i}"
            shutil.copytree(folder / "campaign0", copy)
            reads.append(_timed(lambda: _read_only(returned)))

            def take(copy: Path = copy) -> None:
                nonlocal taken
                with CampaignStore(copy, create=False) as store:
                    taken = sum(r.taken for r in import_worklists(returned, store))

            imports.append(_timed(take))
        print(f"worklists import ({len(returned)} files, {rows:,} rows filled, {taken:,} taken):")
        print(f"  import_worklists        {_stats(imports)}")
        print(
            f"  baseline: fastexcel read of the same sheets  {_stats(reads)}  (import / read {min(imports) / min(reads):.2f}x)"
        )
        copy = folder / "import_cold"
        shutil.copytree(folder / "campaign0", copy)
        command = [
            sys.executable,
            "-m",
            "doichieu",
            "worklists",
            "import",
            "--campaign",
            str(copy),
            *map(str, returned),
        ]
        wall = _timed(lambda: subprocess.run(command, check=True, capture_output=True))
        print(f"  the command, fresh process: {wall:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

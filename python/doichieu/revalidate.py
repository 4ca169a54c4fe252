"""``doichieu revalidate``: a province's roster against its population data.

Writes into ``--out``:

* ``verdicts.csv``: member_id, verdict (accept, review, reject);
* ``findings.csv``: member_id, code, field, severity, owner, party_value,
  population_value, message_vi, message_en;
* one work list per owner (``worklist_party_board.xlsx``,
  ``worklist_police.xlsx``, ``worklist_intake_officer.xlsx``): the findings that
  owner must act on (review and error), sorted by ward and party organisation,
  with the member's name and the candidates offered, and a legend of the codes;

and prints a summary. The cross-check itself is one engine call per chunk of the
roster, with a progress bar on the terminal.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, TextIO

import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from doichieu.errors import InvalidInputError
from doichieu.records import FINDING_COLUMNS, OWNERS, PopulationIndex, finding_codes, load_roster

#: Excel holds 1,048,576 rows a sheet; longer work lists continue on further sheets.
SHEET_ROWS = 1_000_000

OWNER_TITLES = {
    "party_board": "Ban xây dựng Đảng xã/phường (party board)",
    "police": "Công an xã/phường (police)",
    "intake_officer": "Cán bộ tiếp nhận (intake officer)",
}

WORKLIST_COLUMNS = (
    "ward", "party_unit", "member_id", "full_name", "code", "field", "severity",
    "party_value", "population_value", "message_vi", "message_en", "candidates",
)


@dataclass
class Summary:
    members: int
    population: int
    as_of: date
    verdicts: dict[str, int]
    codes: dict[str, int]
    owners: dict[str, int]
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def _worklist(owner: str, findings: pl.DataFrame, roster: pl.DataFrame, verdicts: pl.DataFrame) -> pl.DataFrame:
    mine = findings.filter((pl.col("owner") == owner) & (pl.col("severity") != "info"))
    people = roster.select(
        pl.int_range(0, roster.height, dtype=pl.UInt32).alias("row"), "ward", "party_unit", "full_name"
    )
    offered = verdicts.select(
        "row",
        pl.col("candidates")
        .list.eval(
            pl.format(
                "{} {} {} ({})",
                pl.element().struct.field("citizen_id").fill_null("—"),
                pl.element().struct.field("full_name").fill_null(""),
                pl.element().struct.field("date_of_birth").fill_null(""),
                pl.element().struct.field("score"),
            )
        )
        .list.join("; ")
        .alias("candidates"),
    )
    return (
        mine.join(people, on="row", how="left")
        .join(offered, on="row", how="left")
        .sort("ward", "party_unit", "member_id", "row", nulls_last=True)
        .select(WORKLIST_COLUMNS)
    )


def _write_xlsx(path: Path, owner: str, rows: pl.DataFrame, legend: pl.DataFrame) -> None:
    import xlsxwriter  # type: ignore[import-untyped]  # ships no type information

    with xlsxwriter.Workbook(path) as workbook:
        if rows.height == 0:
            rows.write_excel(workbook, worksheet="Việc cần làm", autofit=True)
        for part, start in enumerate(range(0, rows.height, SHEET_ROWS), 1):
            name = "Việc cần làm" if rows.height <= SHEET_ROWS else f"Việc cần làm {part}"
            rows.slice(start, SHEET_ROWS).write_excel(
                workbook, worksheet=name, autofit=rows.height <= 50_000, freeze_panes=(1, 0), autofilter=True
            )
        legend.write_excel(workbook, worksheet="Mã lỗi (codes)", autofit=True)
        info = workbook.add_worksheet("Thông tin")
        info.write(0, 0, "Danh sách việc cho / Work list for")
        info.write(0, 1, OWNER_TITLES[owner])
        info.write(1, 0, "Số dòng / Rows")
        info.write(1, 1, rows.height)


def run(
    roster_path: str | Path,
    population_path: str | Path,
    out: str | Path,
    *,
    as_of: date | None = None,
    extra_columns: Literal["error", "ignore"] = "error",
    console: Console | None = None,
) -> Summary:
    """The whole command without the argument parsing; returns the summary."""
    started = time.perf_counter()
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InvalidInputError(f"{out}: exists and is not a folder")
    console = console or Console(stderr=True)
    columns = (
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        step = progress.add_task("Đọc CSDL dân cư / reading the population data", total=None)
        index = PopulationIndex(population_path, as_of=as_of, extra_columns=extra_columns)
        progress.update(step, description="Đọc danh sách đảng viên / reading the roster")
        roster = load_roster(roster_path, extra_columns=extra_columns)
        progress.remove_task(step)
        check = progress.add_task("Đối chiếu / cross-checking", total=roster.height)
        findings, verdicts = index.verify_all(
            roster, chunk_size=1 << 17, on_progress=lambda done, _total: progress.update(check, completed=done)
        )
        progress.remove_task(check)
        writing = progress.add_task("Ghi kết quả / writing the results", total=2 + len(OWNERS))
        out.mkdir(parents=True, exist_ok=True)
        files = [out / "verdicts.csv", out / "findings.csv"]
        verdicts.select("member_id", "verdict").write_csv(files[0])
        progress.advance(writing)
        findings.select(FINDING_COLUMNS).write_csv(files[1])
        progress.advance(writing)
        legend = finding_codes()
        owners: dict[str, int] = {}
        for owner in OWNERS:
            rows = _worklist(owner, findings, roster, verdicts)
            path = out / f"worklist_{owner}.xlsx"
            _write_xlsx(path, owner, rows, legend)
            owners[owner] = rows.height
            files.append(path)
            progress.advance(writing)
    counts = verdicts.group_by("verdict").len()
    by_verdict = {v: 0 for v in ("accept", "review", "reject")} | dict(counts.iter_rows())
    by_code = dict(findings.group_by("code").len().sort("len", "code", descending=[True, False]).iter_rows())
    return Summary(
        members=roster.height,
        population=len(index),
        as_of=index.as_of,
        verdicts={str(k): int(v) for k, v in by_verdict.items()},
        codes={str(k): int(v) for k, v in by_code.items()},
        owners=owners,
        files=files,
        seconds=time.perf_counter() - started,
    )


def print_summary(summary: Summary, out: TextIO) -> None:
    n = max(summary.members, 1)
    out.write(
        f"Đối chiếu {summary.members:,} đảng viên với {summary.population:,} bản ghi dân cư "
        f"(ngày đối chiếu {summary.as_of.isoformat()}), {summary.seconds:.1f} s\n"
        f"Cross-checked {summary.members:,} members against {summary.population:,} population records\n\n"
    )
    out.write("Kết luận / verdicts:\n")
    for verdict in ("accept", "review", "reject"):
        count = summary.verdicts.get(verdict, 0)
        out.write(f"  {verdict:<8} {count:>10,}  {100 * count / n:5.1f} %\n")
    if summary.codes:
        out.write("\nPhát hiện theo mã / findings by code:\n")
        for code, count in summary.codes.items():
            out.write(f"  {code:<28} {count:>10,}\n")
    out.write("\nDanh sách việc / work lists (review and error findings):\n")
    for owner, count in summary.owners.items():
        out.write(f"  {owner:<15} {count:>10,}  worklist_{owner}.xlsx\n")
    out.write("\nĐã ghi / wrote:\n")
    for path in summary.files:
        out.write(f"  {path}\n")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from exc


def cmd_revalidate(args: argparse.Namespace) -> int:
    summary = run(
        args.roster,
        args.population,
        args.out,
        as_of=args.as_of,
        extra_columns="ignore" if args.ignore_unknown_columns else "error",
    )
    print_summary(summary, sys.stdout)
    return 0


def add_revalidate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--roster", required=True, help="party roster (CSV UTF-8, .xlsx or .parquet)")
    parser.add_argument("--population", required=True, help="population table (CSV UTF-8, .xlsx or .parquet)")
    parser.add_argument("--out", required=True, help="folder for verdicts.csv, findings.csv and the work lists")
    parser.add_argument("--as-of", type=_date, default=None, help="reference date YYYY-MM-DD for ages (default: today)")
    parser.add_argument(
        "--ignore-unknown-columns", action="store_true", help="set unrecognised columns aside instead of stopping"
    )
    parser.set_defaults(func=cmd_revalidate)

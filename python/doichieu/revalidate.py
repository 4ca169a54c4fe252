"""``doichieu revalidate``: a province's roster against its population data.

Writes into ``--out``:

* ``verdicts.csv``: member_id, verdict (accept, review, reject);
* ``findings.csv``: member_id, code, field, severity, owner, party_value,
  population_value, message_vi, message_en;
* ``duplicates.csv``: the roster's duplicate pairs (``doichieu.find_duplicates``)
  with their cluster, type, score and per-field evidence, checked against the
  population data (two members linked to two different citizens are cleared);
* ``report.html``: one self-contained page for the provincial data team (totals,
  verdicts, findings by code, owner, ward and party organisation, duplicate
  clusters, charts), see ``doichieu.report``;
* one work list per owner (``worklist_party_board.xlsx``,
  ``worklist_police.xlsx``, ``worklist_intake_officer.xlsx``): the findings that
  owner must act on (review and error), sorted by ward and party organisation,
  with the member's name and the candidates offered, and a legend of the codes;

and prints a summary. Python reads the files (``doichieu.records``) and writes
the outputs; the cross-check, the deduplication and the population data's word
on each duplicate pair are one engine call (``revalidate``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

import polars as pl
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from doichieu import _engine
from doichieu.errors import InvalidInputError
from doichieu.records import (
    FINDING_COLUMNS,
    ROSTER_COLUMNS,
    PopulationIndex,
    finding_codes,
    read_roster,
)
from doichieu.summary import Summary
from doichieu.vocabulary import DUPLICATE_TYPES, OWNER_TITLES, OWNERS, VERDICTS

if TYPE_CHECKING:
    from doichieu.report import Prepared

__all__ = ["DUPLICATE_COLUMNS", "DUPLICATE_TYPES", "Revalidation", "Summary", "revalidate", "run"]

#: Excel holds 1,048,576 rows a sheet; longer work lists continue on further sheets.
SHEET_ROWS = 1_000_000
#: A work list's sheets: its rows (numbered past ``SHEET_ROWS``), the legend of
#: the codes, and whose list it is.
ROWS_SHEET = "Việc cần làm"
LEGEND_SHEET = "Mã lỗi (codes)"
INFO_SHEET = "Thông tin"

#: Columns of ``duplicates.csv``, in order.
DUPLICATE_COLUMNS = (
    "cluster_id",
    "member_id_a",
    "member_id_b",
    "type",
    "status",
    "score",
    "population_check",
    "ward_a",
    "party_unit_a",
    "ward_b",
    "party_unit_b",
    "name_level",
    "date_of_birth_level",
    "gender_level",
    "hometown_level",
    "citizen_id_level",
    "old_id_level",
    "explanation",
)

WORKLIST_COLUMNS = (
    "ward",
    "party_unit",
    "member_id",
    "full_name",
    "code",
    "field",
    "severity",
    "party_value",
    "population_value",
    "message_vi",
    "message_en",
    "candidates",
)


@dataclass(frozen=True)
class Revalidation:
    """What one engine call answers for a roster (``row`` is the roster row).

    findings: ``FINDING_COLUMNS`` and row. verdicts: member_id, verdict,
    matched_citizen_id, name_kind, name_score, candidates (list of
    {citizen_id, full_name, date_of_birth, score, name_kind}, best first), row.
    pairs: ``DUPLICATE_COLUMNS``, row_a, row_b: every pair deduplication scored
    at or above its threshold, with ``population_check`` saying whether the two
    members are tied to the same citizen (``same_citizen``), to two different
    citizens (``different_citizens``) or not both tied (``unknown``), and
    ``status`` ``duplicate``, or ``cleared`` where the population data shows
    two people (never for ``DUPLICATE_CITIZEN_ID``); a pair's ``cluster_id`` is
    null when it was cleared or is a weak link kept out of clusters. clusters:
    cluster_id, type, member_id, ward, party_unit, row, rebuilt from the pairs
    that stay (a cleared pair may split a cluster). checks_not_run: (check
    code, absent column codes) for each check the roster's columns kept from
    running.
    """

    findings: pl.DataFrame
    verdicts: pl.DataFrame
    pairs: pl.DataFrame
    clusters: pl.DataFrame
    checks_not_run: list[tuple[str, tuple[str, ...]]]


def revalidate(index: PopulationIndex, roster: pl.DataFrame, present: tuple[str, ...] = ROSTER_COLUMNS) -> Revalidation:
    """Cross-checks and deduplicates a roster (as ``read_roster`` reads it) in
    one engine call, the GIL released throughout. Only the ``present`` columns
    (the ones the file has) go to the engine, which skips the checks needing
    another."""
    raw = _engine.revalidate(index.engine, {c: roster[c] for c in present})
    return Revalidation(
        findings=pl.DataFrame(raw["findings"]),
        verdicts=pl.DataFrame(raw["verdicts"]),
        pairs=pl.DataFrame(raw["pairs"]),
        clusters=pl.DataFrame(raw["clusters"]),
        checks_not_run=[(check, tuple(columns)) for check, columns in raw["checks_not_run"]],
    )


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


def _info(owner: str, rows: pl.DataFrame) -> list[tuple[str, str | float]]:
    return [("Danh sách việc cho / Work list for", OWNER_TITLES[owner]), ("Số dòng / Rows", rows.height)]


def write_worklist(path: Path, owner: str, rows: pl.DataFrame, legend: pl.DataFrame) -> None:
    """Writes ``owner``'s work list (rows as ``_worklist`` builds them) with the
    engine's xlsx writer, the GIL released: every value a text cell (a leading
    "=" stays text), the rows as a table under a frozen header, split across
    sheets past ``SHEET_ROWS``, then the legend and the information sheet."""
    _engine.write_worklist(
        path,
        {c: rows[c] for c in rows.columns},
        {c: legend[c] for c in legend.columns},
        _info(owner, rows),
        rows_sheet=ROWS_SHEET,
        legend_sheet=LEGEND_SHEET,
        info_sheet=INFO_SHEET,
        sheet_rows=SHEET_ROWS,
    )


def _prepare_report(r: Revalidation, roster: pl.DataFrame) -> Prepared:
    from doichieu.report import prepare

    return prepare(roster, r.verdicts, r.findings, r.pairs, r.clusters)


def run(
    roster_path: str | Path,
    population_path: str | Path,
    out: str | Path,
    *,
    as_of: date | None = None,
    extra_columns: Literal["error", "ignore"] = "error",
    console: Console | None = None,
) -> Summary:
    """The whole command without the argument parsing; returns the summary,
    with the seconds of each stage in ``summary.stages``."""
    started = time.perf_counter()
    stages: dict[str, float] = {}
    clock = [started]

    def lap(stage: str) -> None:
        now = time.perf_counter()
        stages[stage] = now - clock[0]
        clock[0] = now

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InvalidInputError(f"{out}: exists and is not a folder")
    console = console or Console(stderr=True)
    # A second thread loads the report's libraries (matplotlib, Jinja2) while the
    # files are read and the engine runs, then draws the report's charts while
    # the writers run: both hold the GIL, which the engine and writers release.
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="doichieu-report") as background,
        Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
        ) as progress,
    ):
        background.submit(importlib.import_module, "doichieu.report")
        step = progress.add_task("Đọc CSDL dân cư / reading the population data", total=None)
        index = PopulationIndex(population_path, as_of=as_of, extra_columns=extra_columns)
        lap("read population")
        progress.update(step, description="Đọc danh sách đảng viên / reading the roster")
        roster, present = read_roster(roster_path, extra_columns=extra_columns)
        lap("read roster")
        progress.update(step, description="Đối chiếu và tìm trùng lặp / cross-checking and finding duplicates")
        result = revalidate(index, roster, present)
        findings, verdicts, pairs, clusters = result.findings, result.verdicts, result.pairs, result.clusters
        lap("engine")
        report_drawn = background.submit(_prepare_report, result, roster)
        progress.update(step, description="Ghi kết quả / writing the results")
        out.mkdir(parents=True, exist_ok=True)
        files = [out / "verdicts.csv", out / "findings.csv", out / "duplicates.csv"]
        verdicts.select("member_id", "verdict").write_csv(files[0])
        findings.select(FINDING_COLUMNS).write_csv(files[1])
        pairs.select(DUPLICATE_COLUMNS).write_csv(files[2])
        lap("csv")
        legend = finding_codes()
        owners: dict[str, int] = {}
        for owner in OWNERS:
            rows = _worklist(owner, findings, roster, verdicts)
            path = out / f"worklist_{owner}.xlsx"
            write_worklist(path, owner, rows, legend)
            owners[owner] = rows.height
            files.append(path)
            lap(f"worklist {owner}")
        counts = verdicts.group_by("verdict").len()
        by_verdict = {v: 0 for v in VERDICTS} | dict(counts.iter_rows())
        by_code = dict(findings.group_by("code").len().sort("len", "code", descending=[True, False]).iter_rows())
        kept = pairs.filter(pl.col("status") == "duplicate")
        by_pairs = dict(kept.group_by("type").len().iter_rows())
        by_clusters = dict(clusters.group_by("type").agg(pl.col("cluster_id").n_unique()).iter_rows())
        files.append(out / "report.html")
        summary = Summary(
            members=roster.height,
            population=len(index),
            as_of=index.as_of,
            verdicts={str(k): int(v) for k, v in by_verdict.items()},
            codes={str(k): int(v) for k, v in by_code.items()},
            owners=owners,
            duplicates={t: int(by_pairs.get(t, 0)) for t in DUPLICATE_TYPES},
            duplicate_clusters={t: int(by_clusters.get(t, 0)) for t in DUPLICATE_TYPES},
            duplicates_cleared=pairs.height - kept.height,
            files=files,
            seconds=time.perf_counter() - started,
            checks_not_run=result.checks_not_run,
        )
        lap("summary")
        report_started = time.perf_counter()
        from doichieu.report import write_report

        write_report(files[-1], summary, roster, verdicts, findings, pairs, clusters, report_drawn.result())
        summary.report_seconds = time.perf_counter() - report_started
        lap("report")
    summary.seconds = time.perf_counter() - started
    summary.stages = stages
    return summary


def print_summary(summary: Summary, out: TextIO) -> None:
    n = max(summary.members, 1)
    out.write(
        f"Đối chiếu {summary.members:,} đảng viên với {summary.population:,} bản ghi dân cư "
        f"(ngày đối chiếu {summary.as_of.isoformat()}), {summary.seconds:.1f} s\n"
        f"Cross-checked {summary.members:,} members against {summary.population:,} population records\n\n"
    )
    not_run = summary.not_run_lines()
    if not_run:
        out.write("Kiểm tra không chạy vì thiếu cột / checks not run for lack of a column:\n")
        for vi, en in not_run:
            out.write(f"  {vi}\n    {en}\n")
        out.write("\n")
    out.write("Kết luận / verdicts:\n")
    for verdict in VERDICTS:
        count = summary.verdicts.get(verdict, 0)
        out.write(f"  {verdict:<8} {count:>10,}  {100 * count / n:5.1f} %\n")
    if summary.codes:
        out.write("\nPhát hiện theo mã / findings by code:\n")
        for code, count in summary.codes.items():
            out.write(f"  {code:<28} {count:>10,}\n")
    pairs, groups = sum(summary.duplicates.values()), sum(summary.duplicate_clusters.values())
    out.write(f"\nTrùng lặp / duplicates: {groups:,} nhóm / clusters, {pairs:,} cặp / pairs")
    out.write(f" ({summary.duplicates_cleared:,} cặp loại nhờ CSDL dân cư / pairs cleared by the population data)\n")
    for kind in DUPLICATE_TYPES:
        out.write(
            f"  {kind:<28} {summary.duplicate_clusters.get(kind, 0):>10,} nhóm / clusters"
            f" {summary.duplicates.get(kind, 0):>8,} cặp / pairs\n"
        )
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

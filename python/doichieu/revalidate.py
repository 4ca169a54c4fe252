"""``doichieu revalidate``: a province's roster against its population data.

Writes into ``--out``:

* ``verdicts.csv``: member_id, verdict (accept, review, reject);
* ``findings.csv``: member_id, code, field, severity, owner, party_value,
  population_value, message_vi, message_en, and where the member is in the
  roster file (source_file, source_sheet, source_row);
* ``duplicates.csv``: the roster's duplicate pairs (``doichieu.find_duplicates``)
  with their cluster, type, score and per-field evidence, checked against the
  population data (two members linked to two different citizens are cleared);
* ``report.html``: one self-contained page for the provincial data team (totals,
  verdicts, findings by code, owner, ward and party organisation, duplicate
  clusters, charts), see ``doichieu.report``;
* one work list per owner (``worklist_party_board.xlsx``,
  ``worklist_police.xlsx``, ``worklist_intake_officer.xlsx``): the findings that
  owner must act on (review and error), one sheet per ward and one for the
  members not eligible for a card, with what to do, the candidates offered and
  columns for the officer, and a legend of the codes (``doichieu.worklist``);
* with ``--previous`` (a previous run's folder) or ``--campaign`` (a campaign
  folder): ``changes.csv``, each finding to act on as new, resolved, still open
  or marked done but still found, and the report's campaign section
  (``doichieu.campaign``); a campaign run also keeps its findings in the
  campaign's state and carries the officers' marks into its work lists;

all written as a whole or not at all, readable by their owner only
(``doichieu.output_folder``), the CSV cells safe to open in a spreadsheet
(``doichieu.csv_cells``); and prints a summary. Python reads the files
(``doichieu.records``) and writes the outputs; the cross-check, the deduplication and the population data's word
on each duplicate pair are one engine call (``revalidate``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

import polars as pl
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from doichieu import _engine, worklist
from doichieu.campaign import CHANGE_STATUSES, CampaignError, CampaignStore, Changes
from doichieu.campaign.run import (
    RUNS_FOLDER,
    campaign_findings,
    campaign_section,
    campaign_state,
    compare_runs,
    history,
    read_previous,
)
from doichieu.campaign.store import FINDING_COLUMNS as FINDING_COLUMNS_KEPT
from doichieu.csv_cells import write_csv_for_people
from doichieu.messages import text, title
from doichieu.output_folder import OutputFolder
from doichieu.records import (
    FINDING_COLUMNS,
    ROSTER_COLUMNS,
    PopulationIndex,
    TableReading,
    finding_codes,
    load_population,
    read_roster,
)
from doichieu.spark_options import DRIVER_MEMORY, MASTER, SHUFFLE_PARTITIONS
from doichieu.summary import Summary
from doichieu.table_layout import SOURCE_COLUMNS, add_table_arguments, with_source
from doichieu.vocabulary import (
    DUPLICATE_TERMS,
    DUPLICATE_TYPES,
    OWNER_TERMS,
    OWNERS,
    VERDICT_TERMS,
    VERDICTS,
    Term,
)

if TYPE_CHECKING:
    from doichieu.report import Prepared

__all__ = ["DUPLICATE_COLUMNS", "DUPLICATE_TYPES", "Revalidation", "Summary", "revalidate", "run"]

#: The files a revalidation writes, as name patterns (``doichieu.output_folder``).
OUTPUT_PATTERNS = (
    "verdicts.csv",
    "findings.csv",
    "duplicates.csv",
    "worklist_*.xlsx",
    "report.html",
    "changes.csv",
)

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


def _worklist(
    owner: str,
    findings: pl.DataFrame,
    roster: pl.DataFrame,
    verdicts: pl.DataFrame,
    marks: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``owner``'s work-list rows (``doichieu.worklist.worklist_rows``)."""
    return worklist.worklist_rows(owner, findings, roster, verdicts, marks)


def write_worklist(
    path: Path, owner: str, rows: pl.DataFrame, legend: pl.DataFrame, stamp: tuple[str, str] | None = None
) -> None:
    """Writes ``owner``'s work list: one sheet per ward, the members not eligible
    for a card on their own, every cell text, the file readable by its owner
    only (``doichieu.worklist.write_worklist``)."""
    worklist.write_worklist(path, owner, rows, legend, stamp)


def _prepare_report(r: Revalidation, roster: pl.DataFrame) -> Prepared:
    from doichieu.report import prepare

    return prepare(roster, r.verdicts, r.findings, r.pairs, r.clusters)


def run(
    roster_path: str | Path,
    population_path: str | Path,
    out: str | Path | None,
    *,
    as_of: date | None = None,
    extra_columns: Literal["error", "ignore"] = "error",
    console: Console | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    population_sheet: str | int | None = None,
    population_header_row: int | None = None,
    engine: Literal["local", "spark"] = "local",
    master: str = MASTER,
    shuffle_partitions: int = SHUFFLE_PARTITIONS,
    driver_memory: str = DRIVER_MEMORY,
    previous: str | Path | None = None,
    campaign: str | Path | None = None,
) -> Summary:
    """The whole command without the argument parsing; returns the summary,
    with the seconds of each stage in ``summary.stages``. ``sheet`` and
    ``header_row`` say where the roster's table is, ``population_sheet`` and
    ``population_header_row`` the population's, when the reader cannot find it.
    ``engine="spark"`` cross-checks on the Spark ``master`` (Parquet files or
    folders; ``doichieu.spark.command``) and writes the same outputs.
    ``previous`` (a previous run's output folder) or ``campaign`` (a campaign
    folder or ``postgresql://`` database; a folder is where ``out`` defaults to
    a folder per run) add the changes since the run before; ``out`` may be None
    only with a campaign folder. A campaign run holds the campaign from start
    to end (``CampaignStore.writing``): an import meanwhile is refused."""

    def go(store: CampaignStore | None) -> Summary:
        return _run(
            roster_path,
            population_path,
            out,
            as_of=as_of,
            extra_columns=extra_columns,
            console=console,
            sheet=sheet,
            header_row=header_row,
            population_sheet=population_sheet,
            population_header_row=population_header_row,
            previous=previous,
            store=store,
            engine=engine,
            master=master,
            shuffle_partitions=shuffle_partitions,
            driver_memory=driver_memory,
        )

    if previous is not None and not (Path(previous) / "findings.csv").is_file():
        raise CampaignError("campaign.no_previous", folder=previous)
    if campaign is None:
        return go(None)
    with CampaignStore(campaign) as store, store.writing("revalidate"):
        return go(store)


def _run(
    roster_path: str | Path,
    population_path: str | Path,
    out: str | Path | None,
    *,
    as_of: date | None,
    extra_columns: Literal["error", "ignore"],
    console: Console | None,
    sheet: str | int | None,
    header_row: int | None,
    population_sheet: str | int | None,
    population_header_row: int | None,
    previous: str | Path | None,
    store: CampaignStore | None,
    engine: Literal["local", "spark"] = "local",
    master: str = MASTER,
    shuffle_partitions: int = SHUFFLE_PARTITIONS,
    driver_memory: str = DRIVER_MEMORY,
) -> Summary:
    started = time.perf_counter()
    stages: dict[str, float] = {}
    clock = [started]

    def lap(stage: str) -> None:
        now = time.perf_counter()
        stages[stage] = now - clock[0]
        clock[0] = now

    run_id = store.new_run_id() if store is not None else None
    if out is None:
        if store is None or store.folder is None or run_id is None:
            raise CampaignError("campaign.no_out")
        out = store.folder / RUNS_FOLDER / run_id
    out = Path(out)
    folder = OutputFolder(out, "revalidate", expected=OUTPUT_PATTERNS)
    console = console or Console(stderr=True)
    # A second thread loads the report's libraries (matplotlib, Jinja2) while the
    # files are read and the engine runs, then draws the report's charts while
    # the writers run: both hold the GIL, which the engine and writers release.
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="doichieu-report") as background,
        folder,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            # A file or a pipe gets no progress line (rich would leave a blank line in it).
            disable=not console.is_terminal,
        ) as progress,
    ):
        background.submit(importlib.import_module, "doichieu.report")
        # The previous run's findings are read while the engine runs (polars releases the GIL).
        previous_read = background.submit(read_previous, previous) if previous is not None else None
        # So is the campaign's state: the officers' marks and the last run's findings.
        state_read = background.submit(campaign_state, store) if store is not None else None
        readings: list[TableReading] = []
        if engine == "spark":
            from doichieu.spark.command import revalidate_on_spark

            step = progress.add_task(text("revalidate.checking"), total=None)
            as_of = as_of or date.today()
            checked = revalidate_on_spark(
                roster_path,
                population_path,
                as_of=as_of,
                extra_columns=extra_columns,
                master=master,
                shuffle_partitions=shuffle_partitions,
                driver_memory=driver_memory,
            )
            roster, population_rows = checked.roster, checked.population
            result = Revalidation(
                checked.findings, checked.verdicts, checked.pairs, checked.clusters, checked.checks_not_run
            )
            lap("spark")
        else:
            step = progress.add_task(text("revalidate.reading_population"), total=None)
            population = load_population(
                population_path,
                extra_columns=extra_columns,
                sheet=population_sheet,
                header_row=population_header_row,
                on_read=readings.append,
            )
            index = PopulationIndex(population, as_of=as_of, extra_columns=extra_columns)
            population_rows, as_of = len(index), index.as_of
            lap("read population")
            progress.update(step, description=text("revalidate.reading_roster"))
            roster, present = read_roster(
                roster_path, extra_columns=extra_columns, sheet=sheet, header_row=header_row, on_read=readings.append
            )
            lap("read roster")
            progress.update(step, description=text("revalidate.checking"))
            result = revalidate(index, roster, present)
            lap("engine")
        findings, verdicts, pairs, clusters = result.findings, result.verdicts, result.pairs, result.clusters
        report_drawn = background.submit(_prepare_report, result, roster)
        progress.update(step, description=text("revalidate.writing"))
        tables = {
            "verdicts.csv": verdicts.select("member_id", "verdict"),
            "findings.csv": with_source(findings, roster).select(*FINDING_COLUMNS, *SOURCE_COLUMNS),
            "duplicates.csv": pairs.select(DUPLICATE_COLUMNS),
        }
        marks, last = state_read.result() if state_read is not None else (None, None)
        acting: pl.DataFrame | None = None
        changes: Changes | None = None
        section_drawn: Future[dict[str, Any]] | None = None
        if store is not None or previous is not None:
            acting = campaign_findings(findings, roster)
            before = previous_read.result() if previous_read is not None else None
            changes = compare_runs(acting, roster, before, last, marks)
            tables["changes.csv"] = changes.table
            # The section's chart is drawn beside the writers, as the report's are.
            section_drawn = background.submit(campaign_section, changes, history(store, previous, changes))
            lap("changes")
        files = []
        for name, table in tables.items():
            with folder.writing(name) as path:
                write_csv_for_people(table, path)
            files.append(folder.path(name))
        lap("csv")
        left_out: dict[str, str] = {}
        if engine == "spark":
            from doichieu.spark import outputs

            # The answers as Parquet parts beside the CSV files, whatever their size.
            parquet = {
                "findings": tables["findings.csv"].with_columns(findings["row"]),
                "verdicts": verdicts,
                "pairs": pairs,
                "clusters": clusters,
            }
            files += [outputs.parts_from_driver(folder, name, table) for name, table in parquet.items()]
            lap("parquet")
        legend = finding_codes()
        owners: dict[str, int] = {}
        for owner in OWNERS:
            rows = _worklist(owner, findings, roster, verdicts, marks)
            name = f"worklist_{owner}.xlsx"
            owners[owner] = rows.height
            if engine == "spark" and (too_large := outputs.left_out({owner: rows.height}, 0)):
                left_out |= too_large
                continue
            stamp = (store.campaign_id, run_id) if store is not None and run_id is not None else None
            with folder.writing(name, created=False) as path:
                write_worklist(path, owner, rows, legend, stamp)
            files.append(folder.path(name))
            lap(f"worklist {owner}")
        counts = verdicts.group_by("verdict").len()
        by_verdict = {v: 0 for v in VERDICTS} | dict(counts.iter_rows())
        by_code = dict(findings.group_by("code").len().sort("len", "code", descending=[True, False]).iter_rows())
        kept = pairs.filter(pl.col("status") == "duplicate")
        by_pairs = dict(kept.group_by("type").len().iter_rows())
        by_clusters = dict(clusters.group_by("type").agg(pl.col("cluster_id").n_unique()).iter_rows())
        if engine == "spark":
            left_out |= outputs.left_out({}, pairs.height)
        if "report.html" not in left_out:
            files.append(folder.path("report.html"))
        summary = Summary(
            members=roster.height,
            population=population_rows,
            as_of=as_of,
            verdicts={str(k): int(v) for k, v in by_verdict.items()},
            codes={str(k): int(v) for k, v in by_code.items()},
            owners=owners,
            duplicates={t: int(by_pairs.get(t, 0)) for t in DUPLICATE_TYPES},
            duplicate_clusters={t: int(by_clusters.get(t, 0)) for t in DUPLICATE_TYPES},
            duplicates_cleared=pairs.height - kept.height,
            files=files,
            seconds=time.perf_counter() - started,
            readings=readings,
            checks_not_run=result.checks_not_run,
            left_out=left_out,
        )
        lap("summary")
        report_started = time.perf_counter()
        from doichieu.report import write_report

        section = section_drawn.result() if section_drawn is not None else None
        if "report.html" not in left_out:
            with folder.writing("report.html") as path:
                write_report(
                    path, summary, roster, verdicts, findings, pairs, clusters, report_drawn.result(), campaign=section
                )
        summary.report_seconds = time.perf_counter() - report_started
        summary.changes = None if changes is None else {s: changes.count(s) for s in CHANGE_STATUSES}
        lap("report")
    if store is not None and acting is not None and run_id is not None:
        # Kept once the outputs are in place: a failed run leaves no trace in the state.
        store.record_run(run_id, out, acting.select(FINDING_COLUMNS_KEPT))
        lap("campaign")
    summary.seconds = time.perf_counter() - started
    summary.stages = stages
    return summary


def _label(term: Term) -> str:
    """A term as the summary shows it: its title, and the code the files carry."""
    shown = title(term)
    return shown if shown == term.code else f"{shown} ({term.code})"


def print_summary(summary: Summary, out: TextIO) -> None:
    n = max(summary.members, 1)
    for reading in summary.readings:
        for line in reading.shown():
            out.write(f"{line}\n")
    if summary.readings:
        out.write("\n")
    head = text(
        "revalidate.summary_head",
        members=f"{summary.members:,}",
        population=f"{summary.population:,}",
        as_of=summary.as_of.isoformat(),
        seconds=f"{summary.seconds:.1f}",
    )
    not_run = summary.not_run_lines()
    if not_run:
        out.write(f"{text('revalidate.checks_not_run')}\n")
        for line in not_run:
            out.write(f"  {line}\n")
        out.write("\n")
    out.write(f"{head}\n\n{text('revalidate.verdicts')}\n")
    verdicts = {_label(VERDICT_TERMS[v]): summary.verdicts.get(v, 0) for v in VERDICTS}
    width = max(map(len, verdicts))
    for label, count in verdicts.items():
        out.write(f"  {label:<{width}} {count:>10,}  {100 * count / n:5.1f} %\n")
    if summary.codes:
        out.write(f"\n{text('revalidate.findings_by_code')}\n")
        width = max(map(len, summary.codes))
        for code, count in summary.codes.items():
            out.write(f"  {code:<{width}} {count:>10,}\n")
    pairs, groups = sum(summary.duplicates.values()), sum(summary.duplicate_clusters.values())
    totals = text(
        "revalidate.duplicates",
        clusters=f"{groups:,}",
        pairs=f"{pairs:,}",
        cleared=f"{summary.duplicates_cleared:,}",
    )
    out.write(f"\n{totals}\n")
    kinds = {_label(DUPLICATE_TERMS[kind]): kind for kind in DUPLICATE_TYPES}
    width = max(map(len, kinds))
    for label, kind in kinds.items():
        counts = text(
            "revalidate.duplicate_row",
            clusters=f"{summary.duplicate_clusters.get(kind, 0):>10,}",
            pairs=f"{summary.duplicates.get(kind, 0):>8,}",
        )
        out.write(f"  {label:<{width}} {counts}\n")
    out.write(f"\n{text('revalidate.worklists')}\n")
    owners = {_label(OWNER_TERMS[owner]): (owner, count) for owner, count in summary.owners.items()}
    width = max(map(len, owners), default=0)
    for label, (owner, count) in owners.items():
        out.write(f"  {label:<{width}} {count:>10,}  worklist_{owner}.xlsx\n")
    if summary.changes is not None:
        out.write(f"\n{text('revalidate.changes', **{k: f'{v:,}' for k, v in summary.changes.items()})}\n")
    out.write(f"\n{text('revalidate.wrote')}\n")
    for path in summary.files:
        out.write(f"  {path}\n")
    if summary.left_out:
        out.write(f"\n{text('spark.left_out')}\n")
        for name, why in summary.left_out.items():
            out.write(f"  {name}: {why}\n")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(text("value.date", value=value)) from exc


def cmd_revalidate(args: argparse.Namespace) -> int:
    if args.out is None and args.campaign is None:
        raise CampaignError("campaign.no_out")
    summary = run(
        args.roster,
        args.population,
        args.out,
        as_of=args.as_of,
        extra_columns="ignore" if args.ignore_unknown_columns else "error",
        sheet=args.sheet,
        header_row=args.header_row,
        population_sheet=args.population_sheet,
        population_header_row=args.population_header_row,
        engine=args.engine,
        master=args.master,
        shuffle_partitions=args.shuffle_partitions,
        driver_memory=args.driver_memory,
        previous=args.previous,
        campaign=args.campaign,
    )
    print_summary(summary, sys.stdout)
    return 0


def add_revalidate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--roster", required=True, help=text("revalidate.roster"))
    parser.add_argument("--population", required=True, help=text("revalidate.population"))
    parser.add_argument("--out", help=text("revalidate.out"))
    parser.add_argument("--previous", metavar="DIR", help=text("revalidate.previous"))
    parser.add_argument("--campaign", metavar="DIR", help=text("revalidate.campaign"))
    parser.add_argument("--as-of", type=_date, default=None, help=text("revalidate.as_of"))
    parser.add_argument("--ignore-unknown-columns", action="store_true", help=text("revalidate.ignore_unknown_columns"))
    parser.add_argument("--engine", choices=("local", "spark"), default="local", help=text("revalidate.engine"))
    parser.add_argument("--master", default=MASTER, help=text("revalidate.master", default=MASTER))
    parser.add_argument(
        "--shuffle-partitions", type=int, default=SHUFFLE_PARTITIONS, help=text("revalidate.shuffle_partitions")
    )
    parser.add_argument(
        "--driver-memory", default=DRIVER_MEMORY, help=text("revalidate.driver_memory", default=DRIVER_MEMORY)
    )
    add_table_arguments(parser, "roster")
    add_table_arguments(parser, "population", prefix="population-")
    parser.set_defaults(func=cmd_revalidate)

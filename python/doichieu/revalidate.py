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

from doichieu.dedup import find_duplicates
from doichieu.errors import InvalidInputError
from doichieu.records import FINDING_COLUMNS, PopulationIndex, finding_codes, load_roster
from doichieu.vocabulary import DUPLICATE_TYPES, OWNER_TITLES, OWNERS, VERDICTS

#: Excel holds 1,048,576 rows a sheet; longer work lists continue on further sheets.
SHEET_ROWS = 1_000_000

#: A cluster takes the most specific type among its pairs (as the engine does).
CLUSTER_TYPE_ORDER = DUPLICATE_TYPES

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

#: A member without a citizen-ID match is linked to its best population
#: candidate only when that candidate scores at least this and is not tied.
LINK_MIN_SCORE = 0.9

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


@dataclass
class Summary:
    members: int
    population: int
    as_of: date
    verdicts: dict[str, int]
    codes: dict[str, int]
    owners: dict[str, int]
    duplicates: dict[str, int] = field(default_factory=dict)
    duplicate_clusters: dict[str, int] = field(default_factory=dict)
    duplicates_cleared: int = 0
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    report_seconds: float = 0.0


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


def _population_links(verdicts: pl.DataFrame) -> pl.DataFrame:
    """Per roster row, the citizen the cross-check tied the member to: the record
    of the member's own citizen ID when the names agree, else (no ID match, or a
    number that belongs to someone else) the best candidate when it is clear
    (scores at least ``LINK_MIN_SCORE``, no tie); null when neither."""
    candidates = pl.col("candidates")
    top = candidates.list.first().struct.field("score")
    second = candidates.list.get(1, null_on_oob=True).struct.field("score")
    by_id = pl.when(pl.col("name_kind").is_not_null() & (pl.col("name_kind") != "different")).then(
        pl.col("matched_citizen_id")
    )
    best = pl.when((top >= LINK_MIN_SCORE) & (second.is_null() | (second < top))).then(
        candidates.list.first().struct.field("citizen_id")
    )
    matched = pl.col("matched_citizen_id").is_not_null()
    return verdicts.select(
        pl.col("row"),
        pl.coalesce(pl.when(matched).then(by_id), best).alias("link"),
    )


def _components(edges: pl.DataFrame) -> pl.DataFrame:
    """Connected components of an edge list (``row_a``, ``row_b``): ``row`` and
    ``component`` (the smallest row in it), by label propagation in polars; one
    round per step of the longest path, and clusters are small."""
    both = pl.concat(
        [
            edges.select(pl.col("row_a").alias("row"), pl.col("row_b").alias("other")),
            edges.select(pl.col("row_b").alias("row"), pl.col("row_a").alias("other")),
        ]
    )
    labels = both.select("row").unique().with_columns(pl.col("row").alias("component")).sort("row")
    while True:
        nearest = (
            both.join(labels.rename({"row": "other", "component": "theirs"}), on="other")
            .group_by("row")
            .agg(pl.col("theirs").min())
        )
        updated = (
            labels.join(nearest, on="row", how="left")
            .select("row", pl.min_horizontal("component", "theirs").alias("component"))
            .sort("row")
        )
        if updated.equals(labels):
            return labels
        labels = updated


def find_roster_duplicates(roster: pl.DataFrame, verdicts: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The roster's duplicates, checked against the population data.

    Returns ``(pairs, clusters)``. ``pairs`` has ``DUPLICATE_COLUMNS`` (plus
    ``row_a``/``row_b``): every pair ``find_duplicates`` scored at or above its
    threshold, with ``population_check`` saying whether the two members are tied
    to the same citizen (``same_citizen``), to two different citizens
    (``different_citizens``) or not both tied (``unknown``), and ``status``
    ``duplicate``, or ``cleared`` where the population data shows two people
    (never for ``DUPLICATE_CITIZEN_ID``: one number on two members is always
    reported). ``clusters``: cluster_id, type, member_id, ward, party_unit,
    row: the engine's clusters rebuilt from the pairs that stay (a cleared pair
    may split a cluster); a pair's ``cluster_id`` is null when it was cleared or
    is a weak link the engine kept out of clusters.
    """
    rows = pl.int_range(0, roster.height, dtype=pl.UInt32)
    # Row numbers stand in for member IDs, which a roster may hold twice.
    result = find_duplicates(roster.with_columns(rows.cast(pl.String).alias("member_id")))
    people = roster.select(rows.alias("row"), "member_id", "ward", "party_unit")
    links = _population_links(verdicts)
    engine_clusters = result.clusters.select(
        pl.col("cluster_id").cast(pl.UInt32),
        pl.col("member_id").cast(pl.UInt32).alias("row"),
        pl.col("type").alias("cluster_type"),
    )

    def side(suffix: str) -> tuple[pl.DataFrame, pl.DataFrame]:
        who = people.join(links, on="row", how="left").rename(lambda c: f"{c}_{suffix}")
        cluster = engine_clusters.select(
            pl.col("row").alias(f"row_{suffix}"), pl.col("cluster_id").alias(f"cluster_{suffix}")
        )
        return who, cluster

    who_a, cluster_a = side("a")
    who_b, cluster_b = side("b")
    pairs = (
        result.pairs.with_columns(
            pl.col("member_id_a").cast(pl.UInt32).alias("row_a"), pl.col("member_id_b").cast(pl.UInt32).alias("row_b")
        )
        .drop("member_id_a", "member_id_b")
        .join(who_a, on="row_a", how="left")
        .join(who_b, on="row_b", how="left")
        .join(cluster_a, on="row_a", how="left")
        .join(cluster_b, on="row_b", how="left")
    )
    both = pl.col("link_a").is_not_null() & pl.col("link_b").is_not_null()
    check = (
        pl.when(both & (pl.col("link_a") == pl.col("link_b")))
        .then(pl.lit("same_citizen"))
        .when(both)
        .then(pl.lit("different_citizens"))
        .otherwise(pl.lit("unknown"))
    )
    pairs = pairs.with_columns(
        pl.when(pl.col("cluster_a") == pl.col("cluster_b")).then(pl.col("cluster_a")).alias("cluster_id"),
        check.alias("population_check"),
    ).with_columns(
        pl.when((pl.col("population_check") == "different_citizens") & (pl.col("type") != "DUPLICATE_CITIZEN_ID"))
        .then(pl.lit("cleared"))
        .otherwise(pl.lit("duplicate"))
        .alias("status")
    )
    # Clusters again, from the pairs that stay: the engine's clusters less the
    # links the population data cut (a cluster may split or vanish).
    linked = pairs.filter((pl.col("status") == "duplicate") & pl.col("cluster_id").is_not_null())
    component = _components(linked.select("row_a", "row_b"))
    rank = {kind: i for i, kind in enumerate(CLUSTER_TYPE_ORDER)}
    kinds = (
        linked.join(component.rename({"row": "row_a"}), on="row_a")
        .group_by("component")
        .agg(pl.col("type").replace_strict(rank, return_dtype=pl.UInt8).min().alias("rank"))
        .with_columns(
            pl.col("rank").replace_strict(dict(enumerate(CLUSTER_TYPE_ORDER)), return_dtype=pl.String).alias("type")
        )
    )
    clusters = (
        component.join(kinds.select("component", "type"), on="component")
        .join(people, on="row", how="left")
        .with_columns(pl.col("component").rank("dense").cast(pl.UInt32).sub(1).alias("cluster_id"))
        .select("cluster_id", "type", "member_id", "ward", "party_unit", "row")
        .sort("cluster_id", "row")
    )
    final = clusters.select("row", pl.col("cluster_id").alias("final_cluster"))
    pairs = (
        pairs.join(final.rename({"row": "row_a"}), on="row_a", how="left")
        .with_columns(
            pl.when(pl.col("cluster_id").is_not_null() & (pl.col("status") == "duplicate"))
            .then(pl.col("final_cluster"))
            .alias("cluster_id")
        )
        .sort(
            pl.col("status") != "duplicate",
            "cluster_id",
            pl.col("score"),
            descending=[False, False, True],
            nulls_last=True,
        )
        .select(*DUPLICATE_COLUMNS, "row_a", "row_b")
    )
    return pairs, clusters


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
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
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
        step = progress.add_task("Tìm trùng lặp / finding duplicates", total=None)
        pairs, clusters = find_roster_duplicates(roster, verdicts)
        progress.remove_task(step)
        writing = progress.add_task("Ghi kết quả / writing the results", total=4 + len(OWNERS))
        out.mkdir(parents=True, exist_ok=True)
        files = [out / "verdicts.csv", out / "findings.csv", out / "duplicates.csv"]
        verdicts.select("member_id", "verdict").write_csv(files[0])
        progress.advance(writing)
        findings.select(FINDING_COLUMNS).write_csv(files[1])
        progress.advance(writing)
        pairs.select(DUPLICATE_COLUMNS).write_csv(files[2])
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
        )
        report_started = time.perf_counter()
        from doichieu.report import write_report  # matplotlib and Jinja2 load only when a report is written

        write_report(files[-1], summary, roster, verdicts, findings, pairs, clusters)
        summary.report_seconds = time.perf_counter() - report_started
        progress.advance(writing)
    summary.seconds = time.perf_counter() - started
    return summary


def print_summary(summary: Summary, out: TextIO) -> None:
    n = max(summary.members, 1)
    out.write(
        f"Đối chiếu {summary.members:,} đảng viên với {summary.population:,} bản ghi dân cư "
        f"(ngày đối chiếu {summary.as_of.isoformat()}), {summary.seconds:.1f} s\n"
        f"Cross-checked {summary.members:,} members against {summary.population:,} population records\n\n"
    )
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

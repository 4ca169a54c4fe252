"""``doichieu progress``: where the campaign stands, from a running verifier.

Calls ``GetProgress`` and prints, per ward, site, machine and party
organisation, the members required, done, excluded and blocked, the intake
rate against the target (250 per machine per day by default), the projected
completion against the deadline, and the wards that will miss it.

    doichieu progress --server verifier.tinh.example:50051 --deadline 2025-10-15

Counts only: no name or ID number is ever asked for or printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from doichieu.errors import CataloguedError
from doichieu.messages import text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from doichieu.v1 import verifier_pb2 as pb

VIETNAM = timezone(timedelta(hours=7), "ICT")


def add_progress_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", default="127.0.0.1:50051", help=text("client.server"))
    parser.add_argument("--ward", help=text("progress.ward"))
    parser.add_argument("--deadline", help=text("progress.deadline"))
    parser.add_argument("--as-of", help=text("progress.as_of"))
    parser.add_argument("--units", type=int, default=15, help=text("progress.units"))
    parser.add_argument("--ca", help=text("client.ca"))
    parser.add_argument("--cert", help=text("progress.cert"))
    parser.add_argument("--key", help=text("client.key"))
    parser.add_argument("--timeout", type=float, default=30.0, help=text("progress.timeout"))
    parser.set_defaults(func=cmd_progress)


def _moment(value: str, what: str, end_of_day: time | None = None) -> datetime:
    try:
        if end_of_day is not None and len(value) == 10:
            return datetime.combine(date.fromisoformat(value), end_of_day, VIETNAM)
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CataloguedError("value.date_or_time", flag=what, value=value) from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=VIETNAM)


def fetch(
    target: str,
    *,
    ward: str | None = None,
    as_of: datetime | None = None,
    credentials: Any | None = None,
    timeout: float = 30.0,
) -> pb.GetProgressResponse:
    import grpc

    from doichieu.v1 import verifier_pb2 as pb
    from doichieu.v1 import verifier_pb2_grpc as pb_grpc

    request = pb.GetProgressRequest(ward=ward or "")
    if as_of is not None:
        request.as_of_time.FromDatetime(as_of)
    channel = grpc.secure_channel(target, credentials) if credentials is not None else grpc.insecure_channel(target)
    try:
        answer: pb.GetProgressResponse = pb_grpc.VerifierStub(channel).GetProgress(request, timeout=timeout)
    except grpc.RpcError as error:
        code = error.code() if hasattr(error, "code") else None
        details = error.details() if hasattr(error, "details") else ""
        raise CataloguedError(
            "grpc.failed", method="GetProgress", address=target, code=getattr(code, "name", code), details=details
        ) from error
    finally:
        channel.close()
    return answer


def cmd_progress(args: argparse.Namespace) -> int:
    from rich.console import Console

    credentials = None
    if args.ca:
        from doichieu.verifier.tls import channel_credentials

        credentials = channel_credentials(args.ca, args.cert, args.key)
    elif args.cert or args.key:
        raise CataloguedError("value.needs", flag="--cert/--key", other="--ca", why=text("value.client_cert_why"))
    if args.units < 0:
        raise CataloguedError("value.units")
    as_of = _moment(args.as_of, "--as-of") if args.as_of else None
    report = fetch(args.server, ward=args.ward, as_of=as_of, credentials=credentials, timeout=args.timeout)
    deadline = None
    if args.deadline:
        from doichieu.verifier.progress import Shift

        deadline = _moment(args.deadline, "--deadline", Shift.parse(report.shift or "08:00-23:00").end)
    elif report.HasField("deadline"):
        deadline = report.deadline.ToDatetime(tzinfo=UTC)
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)  # into a file or a pipe: wide rows, never cut
    render(report, console, deadline=deadline, units=args.units)
    return 0


# ---------------------------------------------------------------- rendering


def _when(moment: datetime | None) -> str:
    return "—" if moment is None else moment.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M")


def _stamp(message: Any, name: str) -> datetime | None:
    if not message.HasField(name):
        return None
    value: datetime = getattr(message, name).ToDatetime(tzinfo=UTC)
    return value


def _pct(part: float, whole: float) -> str:
    return "—" if whole <= 0 else f"{100.0 * part / whole:.0f}%"


def standing(projected: datetime | None, deadline: datetime | None, remaining: int, started: bool) -> str:
    """A ward's place against the deadline: ``done``, ``not_started``, ``on_track``,
    ``will_miss``, ``unknown`` (no projection yet) or ``no_deadline``."""
    if remaining == 0:
        return "done"
    if not started:
        return "not_started"
    if projected is None:
        return "unknown"
    if deadline is None:
        return "no_deadline"
    return "on_track" if projected <= deadline else "will_miss"


def late_wards(wards: Iterable[pb.ProgressCounts], deadline: datetime | None) -> tuple[list[str], list[str]]:
    """The wards that will miss the deadline, and those with members left and no intake yet."""
    missing: list[str] = []
    not_started: list[str] = []
    if deadline is None:
        return missing, not_started
    for ward in wards:
        if not ward.remaining:
            continue
        if ward.intakes <= 0:
            not_started.append(ward.key)
        else:
            projected = _stamp(ward, "projected_completion_observed")
            if projected is None or projected > deadline:
                missing.append(ward.key)
    return missing, not_started


#: A ward's place against the deadline (``standing``) as the terminal colours it; its words are ``progress.<place>``.
_VERDICT_STYLE = {"done": "green", "not_started": "yellow", "on_track": "green", "will_miss": "bold red"}


def _verdict(projected: datetime | None, deadline: datetime | None, remaining: int, started: bool) -> str:
    place = standing(projected, deadline, remaining, started)
    if place == "unknown":
        return "—"
    if place == "no_deadline":
        return ""
    style = _VERDICT_STYLE[place]
    return f"[{style}]{text(f'progress.{place}')}[/{style}]"


def _counts_columns(table: Table) -> None:
    for name in ("required", "done", "excluded", "blocked", "remaining", "handled"):
        table.add_column(text(f"progress.{name}"), justify="right")


def counts_cells(row: pb.ProgressCounts) -> list[str]:
    handled = row.done + row.excluded + row.blocked
    return [
        f"{row.required:,}",
        f"{row.done:,}",
        f"{row.excluded:,}",
        f"{row.blocked:,}",
        f"{row.remaining:,}",
        _pct(handled, row.required),
    ]


SITE_COLUMNS = ("machines", "done", "excluded", "blocked", "today", "per_day", "vs_target")
MACHINE_COLUMNS = ("intakes", "done", "blocked", "excluded", "today", "first", "last", "per_day", "vs_target")


def site_rows(report: pb.GetProgressResponse) -> list[tuple[pb.ProgressCounts, list[str]]]:
    """Each site with its cells under ``SITE_COLUMNS``; its machines are those with an intake."""
    target = report.target_per_machine_per_day or 250
    machines_at: dict[str, int] = {}
    for machine in report.machines:
        if machine.intakes:
            site_id = machine.key.split("/", 1)[0]
            machines_at[site_id] = machines_at.get(site_id, 0) + 1
    rows = []
    for site in report.sites:
        count = machines_at.get(site.key, 0)
        cells = [
            str(count),
            f"{site.done:,}",
            f"{site.excluded:,}",
            f"{site.blocked:,}",
            f"{site.recorded_today:,}",
            f"{site.observed_per_day:,.0f}" if site.observed_per_day else "—",
            _pct(site.observed_per_day, count * target) if site.observed_per_day else "—",
        ]
        rows.append((site, cells))
    return rows


def machine_cells(machine: pb.ProgressCounts, target: int) -> list[str]:
    """A machine's cells under ``MACHINE_COLUMNS``."""
    rate = machine.observed_per_day
    return [
        f"{machine.intakes:,}",
        f"{machine.done:,}",
        f"{machine.blocked:,}",
        f"{machine.excluded:,}",
        f"{machine.recorded_today:,}",
        _when(_stamp(machine, "first_intake_time")),
        _when(_stamp(machine, "last_intake_time")),
        f"{rate:,.0f}" if rate else "—",
        _pct(rate, target) if rate else "—",
    ]


def behind_target(machine: pb.ProgressCounts, target: int) -> bool:
    """Under 90 % of the target per machine per day."""
    return bool(machine.observed_per_day) and machine.observed_per_day < 0.9 * target


def ward_cells(ward: pb.ProgressCounts) -> list[str]:
    """A ward's counts, its observed intakes per day and its projected completion."""
    return [
        *counts_cells(ward),
        f"{ward.observed_per_day:,.0f}" if ward.observed_per_day else "—",
        _when(_stamp(ward, "projected_completion_observed")),
    ]


def _top(mapping: Iterable[tuple[str, int]], n: int = 3) -> str:
    items = sorted(mapping, key=lambda kv: (-kv[1], kv[0]))
    shown = ", ".join(f"{key} {count:,}" for key, count in items[:n])
    return shown + (text("progress.more", count=len(items) - n) if len(items) > n else "")


def campaign_on_track(report: pb.GetProgressResponse, deadline: datetime | None) -> bool:
    """The whole campaign ends by ``deadline``: at the observed rate, or at the target before any is observed."""
    if deadline is None or not report.total.remaining:
        return True
    at_observed = _stamp(report, "projected_completion_observed")
    basis = at_observed if at_observed is not None else _stamp(report, "projected_completion_at_target")
    return basis is not None and basis <= deadline


def summary_rows(report: pb.GetProgressResponse, deadline: datetime | None) -> list[tuple[str, str, str]]:
    """The campaign's figures as (name, label, value), in the order they are shown."""
    target = report.target_per_machine_per_day or 250
    total = report.total
    observed = report.observed_per_machine_per_day
    rows = [
        ("as_of", text("progress.row_as_of"), _when(_stamp(report, "as_of_time"))),
        ("required", text("progress.required"), f"{total.required:,}"),
        ("done", text("progress.done_accepted"), f"{total.done:,} ({_pct(total.done, total.required)})"),
        (
            "excluded",
            text("progress.excluded"),
            f"{total.excluded:,}" + (f"  ({_top(total.excluded_by_reason.items(), 7)})" if total.excluded else ""),
        ),
        (
            "blocked",
            text("progress.blocked"),
            f"{total.blocked:,}" + (f"  ({_top(total.blocked_by_code.items(), 4)})" if total.blocked else ""),
        ),
        ("remaining", text("progress.remaining"), f"{total.remaining:,}"),
        ("shift", text("progress.shift"), report.shift),
        ("active_machines", text("progress.active_machines"), f"{report.active_machines}"),
        (
            "rate",
            text("progress.rate"),
            text(
                "progress.rate_observed",
                observed=f"{observed:,.0f}",
                target=f"{target:,}",
                share=_pct(observed, target),
            )
            if observed
            else text("progress.rate_target_only", target=f"{target:,}"),
        ),
        (
            "projected_target",
            text("progress.projected_target"),
            _when(_stamp(report, "projected_completion_at_target")),
        ),
        (
            "projected_observed",
            text("progress.projected_observed"),
            _when(_stamp(report, "projected_completion_observed")),
        ),
        ("deadline", text("progress.row_deadline"), _when(deadline)),
    ]
    if deadline is not None and total.remaining:
        on_track = campaign_on_track(report, deadline)
        rows.append(
            (
                "campaign",
                text("progress.campaign"),
                text("progress.on_track" if on_track else "progress.will_miss_deadline"),
            )
        )
    return rows


def render(
    report: pb.GetProgressResponse, console: Console, *, deadline: datetime | None = None, units: int = 15
) -> None:
    from rich.table import Table

    target = report.target_per_machine_per_day or 250
    total = report.total
    heading = text("progress.title", key=f" — {total.key}" if total.key else "")
    summary = Table(title=heading, show_header=False, box=None)
    summary.add_column(style="bold")
    summary.add_column()
    for name, label, value in summary_rows(report, deadline):
        if name == "campaign":
            value = (
                f"[green]{value}[/green]" if campaign_on_track(report, deadline) else f"[bold red]{value}[/bold red]"
            )
        summary.add_row(label, value)
    console.print(summary)

    wards = Table(title=text("progress.wards"), title_justify="left")
    wards.add_column(text("progress.col_ward"), no_wrap=True)
    _counts_columns(wards)
    wards.add_column(text("progress.per_day"), justify="right")
    wards.add_column(text("progress.projected"), justify="right")
    wards.add_column(text("progress.row_deadline"))
    missing, not_started = late_wards(report.wards, deadline)
    for ward in report.wards:
        projected = _stamp(ward, "projected_completion_observed")
        started = ward.intakes > 0
        wards.add_row(ward.key, *ward_cells(ward), _verdict(projected, deadline, ward.remaining, started))
    console.print(wards)

    sites = Table(title=text("progress.sites"), title_justify="left")
    sites.add_column(text("progress.site"), no_wrap=True)
    for name in SITE_COLUMNS:
        sites.add_column(text(f"progress.{name}"), justify="right")
    for site, site_cells in site_rows(report):
        sites.add_row(site.key, *site_cells)
    console.print(sites)

    machines = Table(title=text("progress.machines_title"), title_justify="left")
    machines.add_column(text("progress.site_machine"), no_wrap=True)
    for name in MACHINE_COLUMNS:
        machines.add_column(text(f"progress.{name}"), justify="right")
    for machine in report.machines:
        shown_cells = machine_cells(machine, target)
        if behind_target(machine, target):
            shown_cells[-1] = f"[red]{shown_cells[-1]}[/red]"
        machines.add_row(machine.key, *shown_cells)
    console.print(machines)

    shown = sorted(report.party_units, key=lambda u: (-u.remaining, u.key))
    if units:
        shown = shown[:units]
    title = text("progress.units_title") + (
        text("progress.units_some", shown=len(shown), total=len(report.party_units))
        if len(shown) < len(report.party_units)
        else ""
    )
    cells = Table(title=title, title_justify="left")
    cells.add_column(text("progress.unit"), no_wrap=True)
    _counts_columns(cells)
    cells.add_column(text("progress.blocked_by"), justify="left")
    for unit in shown:
        cells.add_row(unit.key, *counts_cells(unit), _top(unit.blocked_by_code.items(), 2) if unit.blocked else "")
    console.print(cells)

    if deadline is not None:
        if missing:
            late = text("progress.wards_missing", deadline=_when(deadline))
            console.print(f"[bold red]{late}[/bold red] " + ", ".join(missing))
        if not_started:
            console.print(f"[yellow]{text('progress.wards_not_started')}[/yellow] " + ", ".join(not_started))
        if not missing and not not_started:
            console.print(f"[green]{text('progress.all_on_track', deadline=_when(deadline))}[/green]")


def main(argv: Sequence[str] | None = None) -> int:
    """``doichieu progress`` on its own: the command line's parser, texts and errors."""
    from doichieu.cli import main as doichieu

    return doichieu(["progress", *(sys.argv[1:] if argv is None else argv)])

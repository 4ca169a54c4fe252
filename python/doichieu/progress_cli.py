"""``doichieu progress``: where the campaign stands, from a running verifier.

Calls ``GetProgress`` and prints, per ward, site, machine and party
organisation, the members required, done, excluded and blocked, the intake
rate against the target (250 per machine per day by default), the projected
completion against the deadline, and the wards that will miss it.

    doichieu progress --target verifier.tinh.example:50051 --deadline 2025-10-15

Counts only: no name or ID number is ever asked for or printed.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from doichieu.errors import DoichieuError, InvalidInputError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from doichieu.v1 import verifier_pb2 as pb

VIETNAM = timezone(timedelta(hours=7), "ICT")


def add_progress_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", default="127.0.0.1:50051", help="the verifier's address (default 127.0.0.1:50051)")
    parser.add_argument("--ward", help="only this ward")
    parser.add_argument(
        "--deadline",
        help="campaign deadline: YYYY-MM-DD (the end of that day's shift) or an ISO 8601 time; default: the server's",
    )
    parser.add_argument("--as-of", help="project from this moment (ISO 8601; default now)")
    parser.add_argument(
        "--units",
        type=int,
        default=15,
        help="party organisations to list, those with the most members remaining first (default 15; 0: all)",
    )
    parser.add_argument("--ca", help="the server's CA certificate (PEM): use TLS")
    parser.add_argument("--cert", help="this machine's client certificate (PEM), under mutual TLS")
    parser.add_argument("--key", help="its private key (PEM)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the answer (default 30)")
    parser.set_defaults(func=cmd_progress)


def _moment(text: str, what: str, end_of_day: time | None = None) -> datetime:
    try:
        if end_of_day is not None and len(text) == 10:
            return datetime.combine(date.fromisoformat(text), end_of_day, VIETNAM)
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInputError(f"{what}: expected YYYY-MM-DD or ISO 8601, got {text!r}") from exc
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
        raise DoichieuError(f"GetProgress on {target} failed: {getattr(code, 'name', code)} {details}") from error
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
        raise InvalidInputError("--cert and --key need --ca (the server's CA)")
    if args.units < 0:
        raise InvalidInputError("--units must be 0 (all) or more")
    as_of = _moment(args.as_of, "--as-of") if args.as_of else None
    report = fetch(args.target, ward=args.ward, as_of=as_of, credentials=credentials, timeout=args.timeout)
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


def _verdict(projected: datetime | None, deadline: datetime | None, remaining: int, started: bool) -> str:
    if remaining == 0:
        return "[green]done[/green]"
    if not started:
        return "[yellow]not started[/yellow]"
    if projected is None:
        return "—"
    if deadline is None:
        return ""
    return "[green]on track[/green]" if projected <= deadline else "[bold red]will miss[/bold red]"


def _counts_columns(table: Table) -> None:
    for name in ("required", "done", "excluded", "blocked", "remaining", "handled"):
        table.add_column(name, justify="right")


def _counts_cells(row: pb.ProgressCounts) -> list[str]:
    handled = row.done + row.excluded + row.blocked
    return [
        f"{row.required:,}",
        f"{row.done:,}",
        f"{row.excluded:,}",
        f"{row.blocked:,}",
        f"{row.remaining:,}",
        _pct(handled, row.required),
    ]


def _top(mapping: Iterable[tuple[str, int]], n: int = 3) -> str:
    items = sorted(mapping, key=lambda kv: (-kv[1], kv[0]))
    shown = ", ".join(f"{key} {count:,}" for key, count in items[:n])
    return shown + (f", +{len(items) - n} more" if len(items) > n else "")


def render(
    report: pb.GetProgressResponse, console: Console, *, deadline: datetime | None = None, units: int = 15
) -> None:
    from rich.table import Table

    target = report.target_per_machine_per_day or 250
    as_of = _stamp(report, "as_of_time")
    total = report.total
    observed = report.observed_per_machine_per_day
    at_target = _stamp(report, "projected_completion_at_target")
    at_observed = _stamp(report, "projected_completion_observed")
    basis = at_observed if at_observed is not None else at_target

    summary = Table(title=f"Campaign progress{f' — {total.key}' if total.key else ''}", show_header=False, box=None)
    summary.add_column(style="bold")
    summary.add_column()
    summary.add_row("as of", _when(as_of))
    summary.add_row("required", f"{total.required:,}")
    summary.add_row("done (accepted)", f"{total.done:,} ({_pct(total.done, total.required)})")
    summary.add_row(
        "excluded",
        f"{total.excluded:,}" + (f"  ({_top(total.excluded_by_reason.items(), 7)})" if total.excluded else ""),
    )
    summary.add_row(
        "blocked", f"{total.blocked:,}" + (f"  ({_top(total.blocked_by_code.items(), 4)})" if total.blocked else "")
    )
    summary.add_row("remaining", f"{total.remaining:,}")
    summary.add_row("shift", report.shift)
    summary.add_row("active machines", f"{report.active_machines}")
    summary.add_row(
        "rate per machine per day",
        f"{observed:,.0f} observed against a target of {target:,} ({_pct(observed, target)})"
        if observed
        else f"target {target:,} (under an hour of shift history: nothing observed yet)",
    )
    summary.add_row("projected at the target", _when(at_target))
    summary.add_row("projected at the observed rate", _when(at_observed))
    summary.add_row("deadline", _when(deadline))
    if deadline is not None and total.remaining:
        ok = basis is not None and basis <= deadline
        summary.add_row("campaign", "[green]on track[/green]" if ok else "[bold red]will miss the deadline[/bold red]")
    console.print(summary)

    wards = Table(title="Wards", title_justify="left")
    wards.add_column("ward", no_wrap=True)
    _counts_columns(wards)
    wards.add_column("per day", justify="right")
    wards.add_column("projected", justify="right")
    wards.add_column("deadline")
    missing: list[str] = []
    not_started: list[str] = []
    for ward in report.wards:
        projected = _stamp(ward, "projected_completion_observed")
        started = ward.intakes > 0
        if ward.remaining and deadline is not None:
            if not started:
                not_started.append(ward.key)
            elif projected is None or projected > deadline:
                missing.append(ward.key)
        wards.add_row(
            ward.key,
            *_counts_cells(ward),
            f"{ward.observed_per_day:,.0f}" if ward.observed_per_day else "—",
            _when(projected),
            _verdict(projected, deadline, ward.remaining, started),
        )
    console.print(wards)

    sites = Table(title="Sites", title_justify="left")
    sites.add_column("site", no_wrap=True)
    machines_at: dict[str, int] = {}
    for machine in report.machines:
        if machine.intakes:
            site_id = machine.key.split("/", 1)[0]
            machines_at[site_id] = machines_at.get(site_id, 0) + 1
    for name in ("machines", "done", "excluded", "blocked", "today", "per day", "vs target"):
        sites.add_column(name, justify="right")
    for site in report.sites:
        count = machines_at.get(site.key, 0)
        sites.add_row(
            site.key,
            str(count),
            f"{site.done:,}",
            f"{site.excluded:,}",
            f"{site.blocked:,}",
            f"{site.recorded_today:,}",
            f"{site.observed_per_day:,.0f}" if site.observed_per_day else "—",
            _pct(site.observed_per_day, count * target) if site.observed_per_day else "—",
        )
    console.print(sites)

    machines = Table(title="Machines", title_justify="left")
    machines.add_column("site/machine", no_wrap=True)
    for name in ("intakes", "done", "blocked", "excluded", "today", "first", "last", "per day", "vs target"):
        machines.add_column(name, justify="right")
    for machine in report.machines:
        rate = machine.observed_per_day
        machines.add_row(
            machine.key,
            f"{machine.intakes:,}",
            f"{machine.done:,}",
            f"{machine.blocked:,}",
            f"{machine.excluded:,}",
            f"{machine.recorded_today:,}",
            _when(_stamp(machine, "first_intake_time")),
            _when(_stamp(machine, "last_intake_time")),
            f"{rate:,.0f}" if rate else "—",
            (f"[red]{_pct(rate, target)}[/red]" if rate < 0.9 * target else _pct(rate, target)) if rate else "—",
        )
    console.print(machines)

    shown = sorted(report.party_units, key=lambda u: (-u.remaining, u.key))
    if units:
        shown = shown[:units]
    title = "Party organisations" + (
        f" (the {len(shown)} with the most remaining of {len(report.party_units)})"
        if len(shown) < len(report.party_units)
        else ""
    )
    cells = Table(title=title, title_justify="left")
    cells.add_column("party organisation", no_wrap=True)
    _counts_columns(cells)
    cells.add_column("blocked by", justify="left")
    for unit in shown:
        cells.add_row(unit.key, *_counts_cells(unit), _top(unit.blocked_by_code.items(), 2) if unit.blocked else "")
    console.print(cells)

    if deadline is not None:
        if missing:
            console.print(f"[bold red]Will miss the deadline ({_when(deadline)}):[/bold red] " + ", ".join(missing))
        if not_started:
            console.print("[yellow]No intake yet:[/yellow] " + ", ".join(not_started))
        if not missing and not not_started:
            console.print(f"[green]Every ward is on track for {_when(deadline)}.[/green]")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="doichieu progress", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_progress_arguments(parser)
    args = parser.parse_args(argv)
    return int(args.func(args))

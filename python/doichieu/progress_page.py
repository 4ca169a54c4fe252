"""The live progress page: where the campaign stands, as one self-contained HTML page.

The figures are ``GetProgress``'s (``compute_progress`` over the ledger's grouped
rows, turned into the same message) and every cell is the one ``doichieu
progress`` prints (``progress_cli``'s row helpers), so the page and the terminal
never disagree. Added here: today's pace against the target by this hour of the
shift, and a chart of intakes per day. Nothing on the page leaves it: no script,
no font, no stylesheet from elsewhere; the chart is inline SVG.

Counts only: no name or ID number reaches the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from doichieu import progress_cli
from doichieu.messages import language, text
from doichieu.verifier.ledger_view import DailyIntakes, LedgerView
from doichieu.verifier.progress import VIETNAM, Shift, compute_progress, start_of_day

if TYPE_CHECKING:
    from doichieu.v1 import verifier_pb2 as pb

#: The chart shows the campaign's last days at most.
DAYS_CHARTED = 31
_VIETNAM_OFFSET_US = 7 * 3600 * 1_000_000


@dataclass(frozen=True)
class PageSettings:
    shift: Shift
    per_day: int
    #: The campaign's deadline (``doichieu progress --deadline``).
    deadline: datetime | None = None
    #: Fixed "now" for a frozen view; None: the clock at each recomputation.
    as_of: datetime | None = None
    #: Party organisations listed (most remaining first); 0: all.
    units: int = 15
    refresh_seconds: int = 30
    recompute_seconds: float = 10.0


@dataclass(frozen=True)
class Figures:
    report: pb.GetProgressResponse
    daily: list[DailyIntakes]


def read_figures(view: LedgerView, required: Mapping[tuple[str, str], int], settings: PageSettings) -> Figures:
    """One read of the ledger: the grouped rows and the intakes per day."""
    from doichieu.verifier.service import _progress_message

    as_of = settings.as_of or datetime.now(UTC)
    since_us = int(start_of_day(as_of).timestamp() * 1_000_000)
    progress = compute_progress(
        view.progress_rows(None, since_us),
        required,
        as_of=as_of,
        shift=settings.shift,
        target_per_machine_per_day=settings.per_day,
        deadline=settings.deadline,
    )
    return Figures(_progress_message(progress, as_of), view.daily_intakes(_VIETNAM_OFFSET_US))


# --------------------------------------------------------------------------- today's pace


@dataclass(frozen=True)
class Pace:
    intakes: int
    machines: int
    per_machine: float
    #: Share of today's shift gone by at ``as_of``.
    shift_share: float
    expected_per_machine: float


def todays_pace(report: pb.GetProgressResponse, shift: Shift) -> Pace:
    """Today's intakes per machine at work today, against the target pro rata of the shift gone by."""
    as_of = report.as_of_time.ToDatetime(tzinfo=UTC)
    today = [machine.recorded_today for machine in report.machines if machine.recorded_today]
    share = shift.working_hours_between(start_of_day(as_of), as_of) / shift.hours
    target = report.target_per_machine_per_day
    return Pace(
        intakes=sum(today),
        machines=len(today),
        per_machine=sum(today) / len(today) if today else 0.0,
        shift_share=share,
        expected_per_machine=target * share,
    )


# --------------------------------------------------------------------------- chart


def _daily_chart(figures: Figures, per_day: int) -> Markup | None:
    from matplotlib.figure import Figure

    from doichieu.report import LABEL_FONT, TICK_FONT, TITLE_FONT, _inline_svg

    days = figures.daily[-DAYS_CHARTED:]
    if not days:
        return None
    labels = [(date(1970, 1, 1) + timedelta(days=d.day_number)).strftime("%d/%m") for d in days]
    accepted = [d.accepted for d in days]
    blocked = [d.blocked for d in days]
    title = text("page.daily_title")
    figure = Figure(figsize=(max(5.0, 0.45 * len(days) + 2.5), 3.6), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(days)))
    axes.bar(positions, accepted, color="#2e7d32", label=text("page.daily_accepted"), width=0.7)
    axes.bar(positions, blocked, bottom=accepted, color="#f9a825", label=text("page.daily_blocked"), width=0.7)
    machines = figures.report.active_machines
    if machines:
        axes.axhline(
            machines * per_day,
            color="#1565c0",
            linestyle="--",
            linewidth=1.2,
            label=text("page.daily_target", machines=machines, per_day=per_day),
        )
    axes.set_xticks(positions, labels=labels, rotation=45 if len(days) > 10 else 0)
    axes.set_ylabel(text("page.daily_axis"), fontsize=LABEL_FONT)
    axes.set_title(title, fontsize=TITLE_FONT, loc="left")
    axes.tick_params(labelsize=TICK_FONT)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    axes.set_axisbelow(True)
    figure.legend(fontsize=TICK_FONT, loc="outside lower center", ncols=3, frameon=False)
    return _inline_svg(figure, "daily", title)


# --------------------------------------------------------------------------- page


def _standing_text(place: str) -> str:
    return {
        "done": text("progress.done"),
        "not_started": text("progress.not_started"),
        "on_track": text("progress.on_track"),
        "will_miss": text("progress.will_miss"),
        "unknown": "—",
        "no_deadline": "",
    }[place]


def _share(value: float) -> str:
    return f"{100 * value:.0f}%"


def blocking_codes(report: pb.GetProgressResponse) -> list[dict[str, str]]:
    """The finding codes holding members back, most frequent first, each with its title from the
    engine's vocabulary in the page's language: the summary and the tables give codes, as
    ``doichieu progress`` does; the committee reads what they mean here."""
    from doichieu.vocabulary import CODE_TERMS

    english = language() == "en"
    rows = []
    for code, count in sorted(report.total.blocked_by_code.items(), key=lambda kv: (-kv[1], kv[0])):
        term = CODE_TERMS.get(code)
        title = "" if term is None else term.title_en if english else term.title_vi
        rows.append({"code": code, "title": title, "count": f"{count:,}"})
    return rows


def build_context(figures: Figures, settings: PageSettings) -> dict[str, Any]:
    report = figures.report
    deadline = settings.deadline
    target = report.target_per_machine_per_day
    wards = []
    for ward in report.wards:
        projected = progress_cli._stamp(ward, "projected_completion_observed")
        place = progress_cli.standing(projected, deadline, ward.remaining, ward.intakes > 0)
        wards.append({"key": ward.key, "cells": progress_cli.ward_cells(ward), "standing": place})
    units = sorted(report.party_units, key=lambda u: (-u.remaining, u.key))
    shown_units = units[: settings.units] if settings.units else units
    missing, not_started = progress_cli.late_wards(report.wards, deadline)
    pace = todays_pace(report, settings.shift)
    return {
        "lang": language(),
        "t": text,
        "title": text("progress.title", key=""),
        "refresh": settings.refresh_seconds,
        "summary": progress_cli.summary_rows(report, deadline),
        "on_track": progress_cli.campaign_on_track(report, deadline),
        "codes": blocking_codes(report),
        "counts_columns": ("required", "done", "excluded", "blocked", "remaining", "handled"),
        "wards": wards,
        "standing_text": _standing_text,
        "sites": [{"key": site.key, "cells": cells} for site, cells in progress_cli.site_rows(report)],
        "site_columns": progress_cli.SITE_COLUMNS,
        "machines": [
            {
                "key": machine.key,
                "cells": progress_cli.machine_cells(machine, target),
                "behind": progress_cli.behind_target(machine, target),
            }
            for machine in report.machines
        ],
        "machine_columns": progress_cli.MACHINE_COLUMNS,
        "units": [
            {
                "key": unit.key,
                "cells": progress_cli.counts_cells(unit),
                "blocked_by": progress_cli._top(unit.blocked_by_code.items(), 2) if unit.blocked else "",
            }
            for unit in shown_units
        ],
        "units_title": text("progress.units_title")
        + (
            text("progress.units_some", shown=len(shown_units), total=len(units))
            if len(shown_units) < len(units)
            else ""
        ),
        "deadline": progress_cli._when(deadline) if deadline is not None else None,
        "missing": missing,
        "not_started": not_started,
        "pace": {
            "intakes": f"{pace.intakes:,}",
            "machines": str(pace.machines),
            "per_machine": f"{pace.per_machine:,.0f}" if pace.machines else "—",
            "expected": f"{pace.expected_per_machine:,.0f}",
            "shift_share": _share(pace.shift_share),
            "vs": progress_cli._pct(pace.per_machine, pace.expected_per_machine) if pace.machines else "—",
            "behind": pace.machines > 0 and pace.per_machine < 0.9 * pace.expected_per_machine,
        },
        "chart": _daily_chart(figures, target),
        "recompute": f"{settings.recompute_seconds:g}",
        "as_of_local": report.as_of_time.ToDatetime(tzinfo=UTC).astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M:%S"),
    }


def render_page(figures: Figures, settings: PageSettings) -> str:
    from doichieu.report import _TEMPLATES

    return _TEMPLATES.get_template("progress.html.j2").render(**build_context(figures, settings))

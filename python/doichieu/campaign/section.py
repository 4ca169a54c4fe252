"""The report's campaign section: what changed since the previous run, per
owner and ward, and the open findings run by run (``campaign.html.j2``)."""

from __future__ import annotations

from typing import Any, Final

from doichieu.campaign.changes import CHANGE_STATUSES, Changes
from doichieu.messages import text_in
from doichieu.vocabulary import OWNER_TITLES

__all__ = ["STATUS_TITLES", "campaign_section"]

#: Each change status as the page shows it: (Vietnamese, English), from the catalogue.
STATUS_TITLES: Final[dict[str, tuple[str, str]]] = {
    s: (text_in("vi", f"campaign.status.{s}"), text_in("en", f"campaign.status.{s}")) for s in CHANGE_STATUSES
}
#: The runs the chart labels at most (the rest are drawn, unlabelled).
LABELLED_RUNS: Final = 8
#: The marked-done-but-still-found findings listed on the page (all are in changes.csv).
DONE_STILL_FOUND_SHOWN: Final = 200


def _chart(history: list[tuple[str, int]]) -> Any:
    from matplotlib.figure import Figure

    from doichieu.report import LABEL_FONT, TICK_FONT, TITLE_FONT, _inline_svg, _number, _style

    title = f"{text_in('vi', 'campaign.chart_title')} / {text_in('en', 'campaign.chart_title').lower()}"
    figure = Figure(figsize=(8.5, 3.2), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(history)))
    values = [count for _, count in history]
    axes.plot(positions, values, marker="o" if len(history) <= 31 else None, color="#1565c0")
    # A long campaign (a run a day for weeks) labels about LABELLED_RUNS of its runs, the last always.
    step = max(1, -(-len(history) // LABELLED_RUNS))
    shown = [x for x in positions if (len(history) - 1 - x) % step == 0]
    for x in shown:
        y = values[x]
        axes.annotate(_number(y), (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=TICK_FONT)
    # Labels a few runs apart say the day only (the time of day would run into the next label).
    labels = [history[x][0] if step == 1 else history[x][0].split(" ")[0] for x in shown]
    axes.set_xticks(shown, labels=labels, fontsize=TICK_FONT)
    axes.set_ylim(bottom=0, top=max(values, default=0) * 1.2 + 1)
    axes.set_xlabel(
        f"{text_in('vi', 'campaign.chart_axis')} / {text_in('en', 'campaign.chart_axis')}", fontsize=LABEL_FONT
    )
    axes.set_title(title, fontsize=TITLE_FONT, loc="left")
    _style(axes)
    return _inline_svg(figure, "campaign", title)


def campaign_section(changes: Changes, history: list[tuple[str, int]]) -> dict[str, Any]:
    """What ``campaign.html.j2`` shows."""
    still = changes.table.filter(changes.table["status"] == "done_still_found")
    return {
        "statuses": [(s, *STATUS_TITLES[s]) for s in CHANGE_STATUSES],
        "counts": {s: changes.count(s) for s in CHANGE_STATUSES},
        "by_owner": [
            {**row, "title": OWNER_TITLES.get(row["owner"], row["owner"])} for row in changes.by_owner.to_dicts()
        ],
        "by_ward": changes.by_ward.to_dicts(),
        "done_still_found": [
            {**row, "owner": OWNER_TITLES.get(row["owner"] or "", row["owner"])}
            for row in still.head(DONE_STILL_FOUND_SHOWN).to_dicts()
        ],
        "done_still_found_total": still.height,
        "history": history,
        "chart": _chart(history),
    }

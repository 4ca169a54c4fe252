"""A revalidation's part in a campaign: its findings to act on, the previous
run they are compared with (a previous output folder, or the campaign's last
run), and the open findings run by run."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import polars as pl

from doichieu.campaign.changes import Changes, compare, read_previous, with_wards
from doichieu.campaign.identity import acting
from doichieu.campaign.section import campaign_section
from doichieu.campaign.store import FINDING_COLUMNS, MARK_COLUMNS, CampaignStore

__all__ = [
    "RUNS_FOLDER",
    "campaign_findings",
    "campaign_section",
    "campaign_state",
    "compare_runs",
    "history",
    "read_previous",
]

#: Where a campaign folder keeps each run's outputs, one folder per run.
RUNS_FOLDER: Final = "runs"


def campaign_findings(findings: pl.DataFrame, roster: pl.DataFrame) -> pl.DataFrame:
    """The run's findings to act on, one per identity, with their member's ward:
    ``FINDING_COLUMNS``."""
    wards = roster.select(pl.int_range(0, roster.height, dtype=pl.UInt32).alias("row"), pl.col("ward").cast(pl.String))
    return (
        acting(findings).join(wards, on="row", how="left").select(*(pl.col(c).cast(pl.String) for c in FINDING_COLUMNS))
    )


def _empty(columns: tuple[str, ...]) -> pl.DataFrame:
    return pl.DataFrame(schema=dict.fromkeys(columns, pl.String))


def campaign_state(store: CampaignStore) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What a run needs of the campaign's state: the officers' marks
    (``MARK_COLUMNS``) and the last run's findings (``FINDING_COLUMNS``; none
    before the first run)."""
    return store.marks(), store.latest_findings()


def compare_runs(
    current: pl.DataFrame,
    roster: pl.DataFrame,
    previous: pl.DataFrame | None,
    last: pl.DataFrame | None,
    marks: pl.DataFrame | None,
) -> Changes:
    """The changes since ``previous`` (a previous folder's findings, as
    ``read_previous`` reads them) or else ``last`` (the campaign's last run;
    empty on its first: every finding is new)."""
    if previous is not None:
        before = with_wards(previous, roster).select(FINDING_COLUMNS)
    elif last is not None:
        before = last
    else:
        before = _empty(FINDING_COLUMNS)
    return compare(current, before, marks if marks is not None else _empty(MARK_COLUMNS))


def history(store: CampaignStore | None, previous: str | Path | None, changes: Changes) -> list[tuple[str, int]]:
    """Open findings run by run, this run last: the campaign's runs (labelled by
    their number, and the day and time they were kept, UTC) or else the
    previous folder's and this one."""
    open_now = changes.table.height - changes.count("resolved")
    if store is not None:
        points = [(f"{r.seq}\n{r.started_at[5:16].replace('T', ' ')}", r.open_findings) for r in store.runs()]
        now = datetime.now(UTC).isoformat(timespec="minutes")
        return [*points, (f"{len(points) + 1}\n{now[5:16].replace('T', ' ')}", open_now)]
    label = Path(previous).name if previous is not None else ""
    return [(label, changes.before), ("→", open_now)]

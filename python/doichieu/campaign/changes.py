"""What changed since the previous run, finding by finding, by their identity
(``doichieu.campaign.identity``): a join of two runs' findings to act on and
the officers' marks, column-wise.

Each finding of either run gets one status (``CHANGE_STATUSES``):

* ``new``: found now, not before;
* ``resolved``: found before, not now;
* ``open``: found in both runs;
* ``done_still_found``: found now although an officer marked it done.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl

from doichieu.campaign.identity import KEY, finding_key

__all__ = [
    "CHANGE_COLUMNS",
    "CHANGE_STATUSES",
    "NOT_DONE",
    "Changes",
    "compare",
    "is_done",
    "previous_from_folder",
    "read_previous",
    "with_wards",
]

CHANGE_STATUSES: Final = ("new", "resolved", "open", "done_still_found")
#: Columns of ``changes.csv``, in order.
CHANGE_COLUMNS: Final = ("status", "ward", "owner", "member_id", "code", "field", "done", "note")
#: What an officer writes in the done column to say "not yet" (any other
#: non-empty value says done), compared lower-cased.
NOT_DONE: Final = frozenset({"không", "khong", "chưa", "chua", "no", "0", "false", "sai"})
_COMPARED: Final = (KEY, "member_id", "code", "field", "owner", "ward")


def is_done(column: str = "done") -> pl.Expr:
    """Whether an officer's done cell says done."""
    cell = pl.col(column).str.strip_chars().str.to_lowercase()
    return (cell.is_not_null() & (cell != "") & ~cell.is_in(list(NOT_DONE))).fill_null(False)


@dataclass(frozen=True)
class Changes:
    """``table``: ``CHANGE_COLUMNS``, one row per finding of either run.
    ``by_owner`` and ``by_ward``: a count per status (one column each).
    ``before``: the previous run's findings to act on."""

    table: pl.DataFrame
    by_owner: pl.DataFrame
    by_ward: pl.DataFrame
    before: int

    def count(self, status: str) -> int:
        return int((self.table["status"] == status).sum())


def _per(table: pl.DataFrame, by: str) -> pl.DataFrame:
    counts = table.group_by(pl.col(by).fill_null("")).agg(
        (pl.col("status") == status).sum().alias(status) for status in CHANGE_STATUSES
    )
    return counts.sort(by)


def compare(current: pl.DataFrame, previous: pl.DataFrame, marks: pl.DataFrame) -> Changes:
    """``current`` and ``previous``: findings to act on with ``_COMPARED``
    columns; ``marks``: finding_key, done, note (empty without a campaign)."""
    now = current.select(_COMPARED)
    before = previous.select(_COMPARED)
    found = now.join(before.select(KEY).with_columns(pl.lit(True).alias("before")), on=KEY, how="left")
    resolved = before.join(now.select(KEY), on=KEY, how="anti")
    table = (
        pl.concat(
            [found.with_columns(pl.lit(True).alias("now")), resolved.with_columns(pl.lit(False).alias("now"))],
            how="diagonal",
        )
        .join(marks.select(KEY, "done", "note"), on=KEY, how="left")
        .with_columns(
            pl.when(~pl.col("now"))
            .then(pl.lit("resolved"))
            .when(is_done())
            .then(pl.lit("done_still_found"))
            .when(pl.col("before").fill_null(False))
            .then(pl.lit("open"))
            .otherwise(pl.lit("new"))
            .alias("status")
        )
        .with_columns(pl.col("status").replace_strict({s: i for i, s in enumerate(CHANGE_STATUSES)}).alias("rank"))
        .sort("rank", "ward", "owner", "member_id", "code", "field", nulls_last=True)
        .select(CHANGE_COLUMNS)
    )
    return Changes(table, _per(table, "owner"), _per(table, "ward"), before.height)


def read_previous(folder: str | Path) -> pl.DataFrame:
    """A previous run's findings to act on, from its output folder's
    ``findings.csv``, one per identity (without their wards: see ``with_wards``)."""
    findings = pl.read_csv(
        Path(folder) / "findings.csv",
        columns=["member_id", "code", "field", "severity", "owner"],
        schema_overrides=dict.fromkeys(("member_id", "code", "field", "severity", "owner"), pl.String),
        infer_schema=False,
    )
    return (
        findings.filter((pl.col("severity") != "info") & (pl.col("member_id").fill_null("").str.strip_chars() != ""))
        .with_columns(finding_key())
        .unique(KEY, keep="first", maintain_order=True)
    )


def with_wards(previous: pl.DataFrame, roster: pl.DataFrame) -> pl.DataFrame:
    """``previous`` (``read_previous``), each finding with the ward its member is
    in now (the file does not say; a member no longer on the roster has none)."""
    wards = roster.select(pl.col("member_id").cast(pl.String), pl.col("ward").cast(pl.String)).unique(
        "member_id", keep="first"
    )
    return previous.join(wards, on="member_id", how="left")


def previous_from_folder(folder: str | Path, roster: pl.DataFrame) -> pl.DataFrame:
    """A previous run's findings to act on with their members' wards now."""
    return with_wards(read_previous(folder), roster)

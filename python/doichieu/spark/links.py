"""Which citizen each member is, read from the verdicts a cross-check gave:
the rule of the engine's ``population_links``, for a cross-check that ran on
Spark, whose index the driver does not hold.

A member is tied to the record of its own citizen ID when the names agree
(any kind but ``different``), else to its best candidate when that one is
clear: it scores at least ``LINK_MIN_SCORE`` (the score as the table shows it)
and the next one scores less.
"""

from __future__ import annotations

import polars as pl

from doichieu import _engine

__all__ = ["links_of"]


def links_of(verdicts: pl.DataFrame) -> pl.Series:
    """Per verdicts row, the citizen ID of the citizen the member is tied to (null when none)."""
    agree = pl.col("name_kind").is_not_null() & (pl.col("name_kind") != "different")
    first = pl.col("candidates").list.get(0, null_on_oob=True)
    second = pl.col("candidates").list.get(1, null_on_oob=True)
    top = first.struct.field("score")
    clear = (top >= _engine.LINK_MIN_SCORE) & (second.is_null() | (second.struct.field("score") < top))
    tie = (
        pl.when(pl.col("matched_citizen_id").is_not_null() & agree)
        .then(pl.col("matched_citizen_id"))
        .when(clear.fill_null(False))
        .then(first.struct.field("citizen_id"))
        .otherwise(None)
    )
    return verdicts.select(tie.cast(pl.String).alias("link")).to_series()

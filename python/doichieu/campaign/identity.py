"""A finding's identity across runs: the member it is about, its code and the
field it concerns (empty for a finding about the whole record).

The row number is not part of it (a re-exported roster is ordered anew), nor
the values (a correction changes them while the finding may stay).
"""

from __future__ import annotations

from typing import Final

import polars as pl

__all__ = ["KEY", "acting", "finding_key"]

#: The column that holds a finding's identity.
KEY: Final = "finding_key"
#: Between the parts of a key: a character no member ID, code or field holds.
_SEPARATOR: Final = "\x1f"


def finding_key(member_id: str = "member_id", code: str = "code", field: str = "field") -> pl.Expr:
    """The identity of each finding, from its member ID, code and field columns."""
    return pl.concat_str(
        [pl.col(member_id).fill_null(""), pl.col(code).fill_null(""), pl.col(field).fill_null("")],
        separator=_SEPARATOR,
    ).alias(KEY)


def acting(findings: pl.DataFrame) -> pl.DataFrame:
    """The findings someone must act on (the work lists' rows: review and
    error) that can be followed from run to run, with their identity; one row
    per identity. A finding on a roster row without a member ID has no identity
    (its row number changes with each export) and is left out."""
    return (
        findings.filter((pl.col("severity") != "info") & (pl.col("member_id").fill_null("").str.strip_chars() != ""))
        .with_columns(finding_key())
        .unique(KEY, keep="first", maintain_order=True)
    )

"""One task of a Spark cross-check: a bucket of members against the population
rows their checks can reach, through the engine's bulk cross-check
(``_engine.verify_tables``), the answer one row per member.

The index a task builds holds a slice of the population. A member's answer is
the single-machine one when the slice holds every row its check can reach: the
rows with its 12-digit number (all of them: one more makes
``POPULATION_DUPLICATE_ID``), the rows with its old number, and every row of
each name block its candidate search looks in, save the blocks too large to
search in the whole table (``skip``), which the index is told to pass over
whatever their size in the slice. The slice's rows keep the table's order
(``row``), so the first holder of a shared number and the order of candidates
scoring alike are the table's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DoubleType,
    LongType,
    StringType,
    StructField,
    StructType,
)

from doichieu import _engine
from doichieu.records import FINDING_COLUMNS
from doichieu.vocabulary import MATCH_KINDS, POPULATION_COLUMNS

__all__ = ["ANSWER", "ANSWER_ARROW", "UNSETTLED_NAME_KINDS", "checker"]

#: Name kinds for which the check also searches by name (check.rs: the number
#: may be someone else's): an index of one number's rows cannot answer them.
UNSETTLED_NAME_KINDS: tuple[str, ...] = MATCH_KINDS[MATCH_KINDS.index("different_diacritics") :]

_CANDIDATE = pa.struct(
    [
        ("citizen_id", pa.string()),
        ("full_name", pa.string()),
        ("date_of_birth", pa.string()),
        ("score", pa.float64()),
        ("name_kind", pa.string()),
    ]
)
_FINDING = pa.struct([(c, pa.string()) for c in FINDING_COLUMNS if c != "member_id"])

#: One row per member: its verdict, candidates and findings (in check order), and
#: whether the bucket could settle it (always true where the bucket held every row it can reach).
ANSWER_ARROW = pa.schema(
    [
        ("row", pa.int64()),
        ("member_id", pa.string()),
        ("verdict", pa.string()),
        ("matched_citizen_id", pa.string()),
        ("name_kind", pa.string()),
        ("name_score", pa.float64()),
        ("candidates", pa.list_(_CANDIDATE)),
        ("findings", pa.list_(_FINDING)),
        ("settled", pa.bool_()),
    ]
)

ANSWER = StructType(
    [
        StructField("row", LongType()),
        StructField("member_id", StringType()),
        StructField("verdict", StringType()),
        StructField("matched_citizen_id", StringType()),
        StructField("name_kind", StringType()),
        StructField("name_score", DoubleType()),
        StructField(
            "candidates",
            ArrayType(
                StructType(
                    [
                        StructField("citizen_id", StringType()),
                        StructField("full_name", StringType()),
                        StructField("date_of_birth", StringType()),
                        StructField("score", DoubleType()),
                        StructField("name_kind", StringType()),
                    ]
                )
            ),
        ),
        StructField(
            "findings",
            ArrayType(StructType([StructField(c, StringType()) for c in FINDING_COLUMNS if c != "member_id"])),
        ),
        StructField("settled", BooleanType()),
    ]
)


def _answer(
    members: pa.Table,
    population: pa.Table,
    present: Sequence[str],
    day: tuple[int, int, int],
    max_block: int,
    skip: list[int],
    by_number: bool,
) -> pa.Table:
    members = members.sort_by("row")
    population = population.sort_by("row")
    columns = {c: population.column(c) for c in POPULATION_COLUMNS}
    index = _engine.PopulationIndex(columns, as_of=day, max_block=max_block, skip_blocks=skip)
    findings, verdicts = _engine.verify_tables(index, {c: members.column(c) for c in present})
    findings, verdicts = pa.table(findings), pa.table(verdicts)
    n = members.num_rows
    # The findings come in member order: one list per member, cut by its count.
    counts = np.bincount(findings.column("row").to_numpy(), minlength=n)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    found = pa.StructArray.from_arrays(
        [findings.column(f).combine_chunks().cast(pa.string()) for f in _FINDING.names], fields=list(_FINDING)
    )
    settled = pa.array(np.ones(n, dtype=bool))
    if by_number:
        # Matched by its number, and no search by name was needed.
        kind = verdicts.column("name_kind").cast(pa.string())
        searched = pc.fill_null(pc.is_in(kind, value_set=pa.array(UNSETTLED_NAME_KINDS)), False)
        settled = pc.and_(pc.is_valid(verdicts.column("matched_citizen_id")), pc.invert(searched))
    out = pa.table(
        {
            "row": members.column("row").cast(pa.int64()),
            "member_id": verdicts.column("member_id").cast(pa.string()),
            "verdict": verdicts.column("verdict").cast(pa.string()),
            "matched_citizen_id": verdicts.column("matched_citizen_id").cast(pa.string()),
            "name_kind": verdicts.column("name_kind").cast(pa.string()),
            "name_score": verdicts.column("name_score").cast(pa.float64()),
            "candidates": verdicts.column("candidates").cast(pa.list_(_CANDIDATE)),
            "findings": pa.ListArray.from_arrays(offsets, found),
            "settled": settled,
        }
    )
    return out.cast(ANSWER_ARROW)


def checker(
    present: Sequence[str], as_of: date, max_block: int, skip: Sequence[int], *, by_number: bool
) -> Callable[[pa.Table, pa.Table], pa.Table]:
    """The function a cogroup applies to (members, population rows) of one
    bucket. ``by_number``: the bucket holds the rows of its members' 12-digit
    numbers only (pass 1), and says which members that settles."""
    present = tuple(present)
    day = (as_of.year, as_of.month, as_of.day)
    skipped = list(skip)

    def check(members: pa.Table, population: pa.Table) -> pa.Table:
        if members.num_rows == 0:
            return ANSWER_ARROW.empty_table()
        return _answer(members, population, present, day, max_block, skipped, by_number)

    return check

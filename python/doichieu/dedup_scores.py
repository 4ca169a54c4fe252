"""Deduplication scored against the generator's truth (``truth_duplicates.csv``),
two questions kept apart:

* **same-person pairs**: one member held twice (every planted pair but a lent
  number), against every pair the engine calls one person (any type but
  ``CITIZEN_ID_SHARED``);
* **shared-number findings**: a member recorded with someone else's citizen
  number (cause ``borrowed_id``), against the pairs the engine calls two people
  on one number (``CITIZEN_ID_SHARED``).

A lent number counted as a same-person pair would be a false positive, and a
same-person pair called a shared number a miss, so each side has its own
precision and recall. The tests hold the floors, the benches print the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from doichieu.dedup import SHARED_NUMBER

__all__ = ["LENT_NUMBER_CAUSE", "DedupScores", "Score", "by_planted_type", "score_pairs"]

#: The generator's cause for a member recorded with someone else's number.
LENT_NUMBER_CAUSE = "borrowed_id"


@dataclass(frozen=True)
class Score:
    planted: int
    found: int
    right: int

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.planted if self.planted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self, **first: Any) -> dict[str, Any]:
        return first | {
            "planted": self.planted,
            "found": self.found,
            "recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            "F1": round(self.f1, 4),
        }


@dataclass(frozen=True)
class DedupScores:
    same_person: Score
    shared_number: Score

    def rows(self) -> list[dict[str, Any]]:
        return [
            self.same_person.row(question="same-person pairs"),
            self.shared_number.row(question="shared-number findings (CITIZEN_ID_SHARED)"),
        ]


def ordered(frame: pl.DataFrame) -> pl.DataFrame:
    """Each pair once, its two member IDs in order (``x`` < ``y``), other columns kept."""
    return frame.with_columns(
        pl.min_horizontal("member_id_a", "member_id_b").alias("x"),
        pl.max_horizontal("member_id_a", "member_id_b").alias("y"),
    ).unique(["x", "y"], keep="first", maintain_order=True)


def _score(found: pl.DataFrame, truth: pl.DataFrame) -> Score:
    right = found.join(truth, on=["x", "y"], how="semi").height
    return Score(planted=truth.height, found=found.height, right=right)


def split_truth(truth: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(same-person pairs, lent numbers) of ``truth_duplicates``, ordered."""
    truth = ordered(truth)
    lent = pl.col("cause") == LENT_NUMBER_CAUSE
    return truth.filter(~lent), truth.filter(lent)


def score_pairs(found: pl.DataFrame, truth: pl.DataFrame) -> DedupScores:
    """``found``: pairs with ``member_id_a``, ``member_id_b`` and ``type`` (as
    ``find_duplicates`` or ``duplicates.csv`` with status ``duplicate`` give
    them); ``truth``: ``truth_duplicates`` (with ``cause``)."""
    found = ordered(found)
    same, lent = split_truth(truth)
    shared = pl.col("type") == SHARED_NUMBER
    return DedupScores(_score(found.filter(~shared), same), _score(found.filter(shared), lent))


def by_planted_type(found: pl.DataFrame, truth: pl.DataFrame) -> list[dict[str, Any]]:
    """Same-person pairs per planted type (recall per type; precision of the
    engine's pairs of that type), then the shared numbers and both totals."""
    found = ordered(found)
    same, _ = split_truth(truth)
    one_person = found.filter(pl.col("type") != SHARED_NUMBER)
    rows = []
    for kind in sorted(same["type"].unique().to_list()):
        planted = same.filter(pl.col("type") == kind)
        claimed = one_person.filter(pl.col("type") == kind)
        hits = planted.join(one_person, on=["x", "y"], how="semi").height
        right = claimed.join(same, on=["x", "y"], how="semi").height
        recall = hits / planted.height if planted.height else 1.0
        precision = right / claimed.height if claimed.height else 1.0
        rows.append(
            {
                "pairs": f"same person, planted {kind}",
                "planted": planted.height,
                "found": claimed.height,
                "recall": round(recall, 4),
                "precision": round(precision, 4),
            }
        )
    scores = score_pairs(found.drop("x", "y"), truth)
    for label, score in (("same person, all", scores.same_person), ("two people on one number", scores.shared_number)):
        rows.append({k: v for k, v in score.row(pairs=label).items() if k != "F1"})
    return rows

"""Deduplication of a roster: the same person held twice.

``find_duplicates(roster)`` takes a roster (a file, or a table with the
record-model columns, ``doichieu.records.ROSTER_COLUMNS``: ``member_id``,
``full_name`` and ``date_of_birth`` at least) and returns the duplicate pairs,
with a per-field explanation of every score, and the clusters of records that
are one person. The roster is read as ``doichieu.records`` reads it (Vietnamese
headers, encoding checks); each member's fields are parsed by the engine's
record layer, the same parsers the cross-check uses, in one call that releases
the GIL.

A trained model can be kept and reused instead of training on every run
(``result.model.save(path)``, ``find_duplicates(roster, model=DedupModel.load(path))``;
see docs/dedup.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl

from doichieu import _engine
from doichieu.csv_cells import write_csv_for_people
from doichieu.errors import CataloguedError, InvalidInputError
from doichieu.messages import text, title
from doichieu.output_folder import OutputFolder
from doichieu.records import ROSTER_COLUMNS, TableReading, canonical_columns, read_table
from doichieu.vocabulary import BLOCK_KIND_TERMS, DUPLICATE_TYPES

#: The duplicate type of two people on one citizen number: reported, listed apart,
#: never clustered (docs/dedup.md).
SHARED_NUMBER = "CITIZEN_ID_SHARED"
assert SHARED_NUMBER in DUPLICATE_TYPES

#: A trained model: ``save``/``load`` a file, ``to_dict``/``from_dict``.
DedupModel = _engine.DedupModel


def load_model(path: str | Path) -> Any:
    """The model saved in ``path``; a file that is not one (cut short, another
    program's, an older format) is a ``CataloguedError`` naming the file, with
    the engine's reason."""
    try:
        return DedupModel.load(path)
    except CataloguedError:
        raise
    except InvalidInputError as exc:
        raise CataloguedError("file.not_a_model", file=Path(path).name, detail=str(exc)) from exc


#: The roster columns deduplication cannot do without.
REQUIRED = ("member_id", "full_name", "date_of_birth")

#: The files ``doichieu dedupe`` writes (``doichieu.output_folder``).
OUTPUT_PATTERNS = ("pairs.csv", "clusters.csv")

#: Pair columns written to ``pairs.csv``, in order.
PAIR_COLUMNS = (
    "member_id_a",
    "member_id_b",
    "score",
    "type",
    "match_weight",
    "name_kind",
    "explanation",
    "name_level",
    "date_of_birth_level",
    "gender_level",
    "hometown_level",
    "citizen_id_level",
    "old_id_level",
    "party_card_level",
    "admission_date_level",
)


@dataclass(frozen=True)
class SkippedBlock:
    """A block deduplication did not compare: ``members`` share one key of the
    blocking rule ``rule`` (a ``BLOCK_KINDS`` code), more than it compares
    pairwise (``cap``), and no finer key split them. ``str()`` says so in the
    reader's language."""

    rule: str
    members: int
    cap: int

    def __str__(self) -> str:
        return text(
            "dedupe.block_skipped", members=f"{self.members:,}", rule=title(BLOCK_KIND_TERMS[self.rule]), cap=self.cap
        )

    def as_engine(self) -> tuple[str, int, int]:
        """As the engine gives and takes it."""
        return (self.rule, self.members, self.cap)


def skipped_blocks(rows: Iterable[tuple[str, int, int]]) -> list[SkippedBlock]:
    """The engine's (rule, members, cap) rows as ``SkippedBlock``."""
    return [SkippedBlock(rule, members, cap) for rule, members, cap in rows]


#: Skipped blocks told one by one up to this many; past it, a line per rule.
SKIPPED_TOLD_EACH = 10


def skipped_lines(warnings: list[SkippedBlock]) -> list[str]:
    """What to tell a person of the skipped blocks, in their language: each
    block up to ``SKIPPED_TOLD_EACH``, else a line per rule (how many blocks,
    the members in them, the largest). A national roster skips tens of
    thousands of small blocks of one surname and birth date; a line each would
    bury the rest of the output."""
    if len(warnings) <= SKIPPED_TOLD_EACH:
        return [str(w) for w in warnings]
    lines = []
    for rule in BLOCK_KIND_TERMS:
        mine = [w for w in warnings if w.rule == rule]
        if mine:
            lines.append(
                text(
                    "dedupe.blocks_skipped",
                    blocks=f"{len(mine):,}",
                    rule=title(BLOCK_KIND_TERMS[rule]),
                    members=f"{sum(w.members for w in mine):,}",
                    largest=f"{max(w.members for w in mine):,}",
                    cap=mine[0].cap,
                )
            )
    return lines


@dataclass(frozen=True)
class DuplicateResult:
    pairs: pl.DataFrame
    clusters: pl.DataFrame
    warnings: list[SkippedBlock]
    candidate_pairs: int
    model: Any


def load_dedup_roster(
    source: str | Path | pl.DataFrame,
    *,
    extra_columns: Literal["error", "ignore"] = "ignore",
    sheet: str | int | None = None,
    header_row: int | None = None,
    on_read: Callable[[TableReading], None] | None = None,
) -> pl.DataFrame:
    """A roster as deduplication reads it: ``doichieu.records``' reader and
    header names, only ``REQUIRED`` columns required (the others are missing
    where absent); unrecognised columns are set aside unless ``extra_columns``
    is ``"error"``. ``sheet``, ``header_row`` and ``on_read`` are ``read_table``'s."""
    if isinstance(source, pl.DataFrame):
        frame, what = source, "table"
    else:
        frame = read_table(source, sheet=sheet, header_row=header_row, on_read=on_read)
        what = Path(source).name
    return canonical_columns(frame, ROSTER_COLUMNS, REQUIRED, f"roster {what}", extra_columns)


def dedup_columns(roster: str | Path | pl.DataFrame) -> pl.DataFrame:
    """The roster as deduplication reads it, one row per member: the parsed
    columns ``_engine.find_duplicates`` and ``_engine.DuplicateIndex`` take
    (``birth_year``/``birth_month``/``birth_day`` with 0 where unknown, gender
    1 male / 0 female / null, citizen and old IDs as digits, the hometown's fold
    key, the party card's digits, the admission date's parts)."""
    frame = load_dedup_roster(roster)
    return pl.DataFrame(_engine.dedup_columns({c: frame[c] for c in ROSTER_COLUMNS}))


def find_duplicates(
    roster: str | Path | pl.DataFrame,
    threshold: float = 0.9,
    strong_threshold: float = 0.99,
    max_block_size: int = 400,
    model: DedupModel | None = None,
) -> DuplicateResult:
    """Duplicate pairs and clusters in one roster (see the module docs).

    ``roster`` is read by ``load_dedup_roster``. With ``model`` the pairs are
    scored with it and nothing is trained."""
    frame = load_dedup_roster(roster)
    result = _engine.find_roster_duplicates(
        {c: frame[c] for c in ROSTER_COLUMNS},
        threshold=threshold,
        strong_threshold=strong_threshold,
        max_block_size=max_block_size,
        model=model,
    )
    return DuplicateResult(
        pl.DataFrame(result["pairs"]),
        pl.DataFrame(result["clusters"]),
        skipped_blocks(result["warnings"]),
        int(result["candidate_pairs"]),
        result["model"],
    )


def write_outputs(result: DuplicateResult, out: str | Path | OutputFolder) -> tuple[Path, Path]:
    """Writes ``pairs.csv`` and ``clusters.csv`` into ``out`` as a whole, readable
    by their owner only (``doichieu.output_folder``), every text cell safe to open
    in a spreadsheet (``doichieu.csv_cells``); returns their paths. ``out`` may
    be a folder already entered, to which more files are added."""
    if not isinstance(out, OutputFolder):
        with OutputFolder(out, "dedupe", expected=OUTPUT_PATTERNS) as folder:
            return write_outputs(result, folder)
    tables = {"pairs.csv": result.pairs.select(PAIR_COLUMNS), "clusters.csv": result.clusters}
    for name, table in tables.items():
        with out.writing(name) as path:
            write_csv_for_people(table, path)
    return out.path("pairs.csv"), out.path("clusters.csv")

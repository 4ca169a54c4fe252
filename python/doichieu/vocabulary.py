"""The engine's vocabulary, as Python constants: every code the project writes
and its Vietnamese and English titles, defined once in the engine
(``engine/src/vocabulary``) and read here from ``doichieu._engine``.

Each concept is a tuple of codes in the engine's order (``VERDICTS``,
``SEVERITIES``, ``OWNERS``, ``DUPLICATE_TYPES``, ``MATCH_KINDS``, ``STATUSES``),
a mapping of code to ``Term`` (``VERDICT_TERMS``, …; ``CODE_TERMS`` for the
finding codes, titled by their summaries) and a mapping of code to
its label as work lists and the report show it, Vietnamese first
(``VERDICT_TITLES``: ``{"accept": "Chấp nhận / accept", …}``). The tables'
columns: ``ROSTER_COLUMNS``, ``POPULATION_COLUMNS`` (in file order), the ones a
file must have (``ROSTER_REQUIRED``, ``POPULATION_REQUIRED``), every
field's titles (``FIELD_TERMS``, ``FIELD_TITLES``), and the checks of a roster
that need columns a short list may lack (``ROSTER_CHECK_TERMS``); deduplication's
blocking rules (``BLOCK_KINDS``, ``BLOCK_KIND_TERMS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from doichieu import _engine

__all__ = [
    "BLOCK_KINDS",
    "BLOCK_KIND_TERMS",
    "DEDUP_COLUMNS",
    "CODE_TERMS",
    "DUPLICATE_TERMS",
    "DUPLICATE_TITLES",
    "DUPLICATE_TYPES",
    "FIELDS",
    "FIELD_TERMS",
    "FIELD_TITLES",
    "MATCH_KINDS",
    "MATCH_KIND_TERMS",
    "MATCH_KIND_TITLES",
    "OWNERS",
    "OWNER_TERMS",
    "OWNER_TITLES",
    "POPULATION_COLUMNS",
    "POPULATION_REQUIRED",
    "ROSTER_CHECK_TERMS",
    "ROSTER_COLUMNS",
    "ROSTER_REQUIRED",
    "SEVERITIES",
    "SEVERITY_TERMS",
    "SEVERITY_TITLES",
    "STATUSES",
    "STATUS_TERMS",
    "STATUS_TITLES",
    "VERDICTS",
    "VERDICT_TERMS",
    "VERDICT_TITLES",
    "Term",
]


@dataclass(frozen=True)
class Term:
    """One value of a concept: its stable code and its titles."""

    code: str
    title_vi: str
    title_en: str

    @property
    def title(self) -> str:
        """Vietnamese first, English beside it, as labels show a term."""
        return f"{self.title_vi} / {self.title_en}"


_CONCEPTS: Final = {name: tuple(Term(*term) for term in terms) for name, terms in _engine.vocabulary()}


def _terms(concept: str) -> MappingProxyType[str, Term]:
    return MappingProxyType({term.code: term for term in _CONCEPTS[concept]})


def _titles(terms: MappingProxyType[str, Term]) -> dict[str, str]:
    return {code: term.title for code, term in terms.items()}


VERDICT_TERMS: Final = _terms("verdicts")
SEVERITY_TERMS: Final = _terms("severities")
OWNER_TERMS: Final = _terms("owners")
#: In order of specificity: a duplicate cluster takes the first type among its pairs.
DUPLICATE_TERMS: Final = _terms("duplicate_types")
#: From "same" to "different".
MATCH_KIND_TERMS: Final = _terms("match_kinds")
STATUS_TERMS: Final = _terms("statuses")
#: Every field of either table; the Vietnamese title is the running-text form.
FIELD_TERMS: Final = _terms("fields")
#: The cross-check's checks of the party record, each skipped where the roster lacks a column it reads.
ROSTER_CHECK_TERMS: Final = _terms("roster_checks")
#: Deduplication's blocking rules, in the order it applies them; the Vietnamese title is the running-text form.
BLOCK_KIND_TERMS: Final = _terms("block_kinds")

#: Every finding code, titled by its one-line summary (``_engine.finding_codes``).
CODE_TERMS: Final = MappingProxyType(
    {c["code"]: Term(c["code"], c["summary_vi"], c["summary_en"]) for c in _engine.finding_codes()}
)

VERDICTS: Final[tuple[str, ...]] = tuple(VERDICT_TERMS)
SEVERITIES: Final[tuple[str, ...]] = tuple(SEVERITY_TERMS)
OWNERS: Final[tuple[str, ...]] = tuple(OWNER_TERMS)
DUPLICATE_TYPES: Final[tuple[str, ...]] = tuple(DUPLICATE_TERMS)
MATCH_KINDS: Final[tuple[str, ...]] = tuple(MATCH_KIND_TERMS)
STATUSES: Final[tuple[str, ...]] = tuple(STATUS_TERMS)
FIELDS: Final[tuple[str, ...]] = tuple(FIELD_TERMS)
BLOCK_KINDS: Final[tuple[str, ...]] = tuple(BLOCK_KIND_TERMS)

VERDICT_TITLES: Final[dict[str, str]] = _titles(VERDICT_TERMS)
SEVERITY_TITLES: Final[dict[str, str]] = _titles(SEVERITY_TERMS)
OWNER_TITLES: Final[dict[str, str]] = _titles(OWNER_TERMS)
DUPLICATE_TITLES: Final[dict[str, str]] = _titles(DUPLICATE_TERMS)
MATCH_KIND_TITLES: Final[dict[str, str]] = _titles(MATCH_KIND_TERMS)
STATUS_TITLES: Final[dict[str, str]] = _titles(STATUS_TERMS)
FIELD_TITLES: Final[dict[str, str]] = _titles(FIELD_TERMS)

#: The roster's columns, in file order; a file must have ``full_name`` and ``citizen_id``.
ROSTER_COLUMNS: Final[tuple[str, ...]] = tuple(_engine.ROSTER_COLUMNS)
ROSTER_REQUIRED: Final[tuple[str, ...]] = tuple(_engine.ROSTER_REQUIRED)
#: The population table's columns, in order; ``other_names`` (``;``-separated)
#: and ``old_id_number`` are optional.
POPULATION_COLUMNS: Final[tuple[str, ...]] = tuple(_engine.POPULATION_COLUMNS)
POPULATION_REQUIRED: Final[tuple[str, ...]] = tuple(_engine.POPULATION_REQUIRED)
#: The roster columns deduplication reads, and the member ID its tables name members by.
DEDUP_COLUMNS: Final[tuple[str, ...]] = tuple(_engine.DEDUP_COLUMNS)

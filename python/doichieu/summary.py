"""The summary of a revalidation: counts the terminal, the report and callers
read (``doichieu.revalidate.run`` returns one, ``doichieu.report`` shows one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from doichieu.messages import language, text_in
from doichieu.table_layout import TableReading
from doichieu.vocabulary import FIELD_TERMS, ROSTER_CHECK_TERMS


@dataclass
class Summary:
    members: int
    population: int
    as_of: date
    verdicts: dict[str, int]
    codes: dict[str, int]
    owners: dict[str, int]
    duplicates: dict[str, int] = field(default_factory=dict)
    duplicate_clusters: dict[str, int] = field(default_factory=dict)
    duplicates_cleared: int = 0
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    report_seconds: float = 0.0
    #: Seconds per stage of the run (reading, the engine, each writer, the report), in order.
    stages: dict[str, float] = field(default_factory=dict)
    #: What was read from each input file: sheet, header row, rows set aside, characters removed.
    readings: list[TableReading] = field(default_factory=list)
    #: The checks that did not run for lack of a column: (check code, the absent column codes).
    checks_not_run: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    #: Findings per change status since the previous run (``doichieu.campaign``); None without one.
    changes: dict[str, int] | None = None
    #: Files too large to write (``--engine spark``): name → why (``doichieu.spark.outputs``).
    left_out: dict[str, str] = field(default_factory=dict)

    def not_run_lines(self, lang: str | None = None) -> list[str]:
        """Each check that did not run, in words, in ``lang`` (default: the language in force)."""
        lang = lang or language()
        lines = []
        for check, columns in self.checks_not_run:
            term = ROSTER_CHECK_TERMS[check]
            titles = [FIELD_TERMS[c].title_vi if lang == "vi" else FIELD_TERMS[c].title_en for c in columns]
            check_title = term.title_vi if lang == "vi" else term.title_en
            lines.append(text_in(lang, "revalidate.check_not_run", check=check_title, columns=", ".join(titles)))
        return lines

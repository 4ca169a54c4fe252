"""The summary of a revalidation: counts the terminal, the report and callers
read (``doichieu.revalidate.run`` returns one, ``doichieu.report`` shows one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from doichieu.vocabulary import FIELD_TERMS, ROSTER_CHECK_TERMS

#: A check that did not run, Vietnamese first: the check, and the roster columns it lacked.
NOT_RUN = {
    "vi": "Không kiểm tra {check}: danh sách không có cột {columns}",
    "en": "Not checked: {check}; the roster has no {columns} column",
}


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
    #: The checks that did not run for lack of a column: (check code, the absent column codes).
    checks_not_run: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def not_run_lines(self) -> list[tuple[str, str]]:
        """Each check that did not run, in words: (Vietnamese, English)."""
        lines = []
        for check, columns in self.checks_not_run:
            term = ROSTER_CHECK_TERMS[check]
            vi = NOT_RUN["vi"].format(check=term.title_vi, columns=", ".join(FIELD_TERMS[c].title_vi for c in columns))
            en = NOT_RUN["en"].format(check=term.title_en, columns=", ".join(FIELD_TERMS[c].title_en for c in columns))
            lines.append((vi, en))
        return lines

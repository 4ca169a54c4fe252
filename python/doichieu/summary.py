"""The summary of a revalidation: counts the terminal, the report and callers
read (``doichieu.revalidate.run`` returns one, ``doichieu.report`` shows one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from doichieu.table_layout import TableReading


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

"""The campaign state: one SQLite file in the campaign folder, readable by its
owner only.

It holds every run's findings to act on (so the next run says what changed and
the report charts the open findings run by run) and the officers' marks: the
"done" and "note" cells of the work lists they returned, by finding identity.

The schema has a version (``schema_version``) and ordered migrations
(``MIGRATIONS``): opening a folder an older doichieu wrote applies the missing
ones in one transaction each, so a campaign is migrated, never lost; a folder a
newer doichieu wrote is refused rather than guessed at.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import polars as pl

from doichieu.campaign.identity import KEY
from doichieu.errors import CataloguedError
from doichieu.output_folder import create_private, make_private_dirs

__all__ = ["DATABASE", "MIGRATIONS", "SCHEMA_VERSION", "CampaignError", "CampaignStore", "Run"]

#: The state's file in a campaign folder.
DATABASE: Final = "campaign.sqlite"

#: Each migration takes the schema from the version before it to its own; never
#: edit one that has shipped, add the next.
MIGRATIONS: Final[tuple[tuple[int, str], ...]] = (
    (
        1,
        """
        CREATE TABLE campaign (campaign_id TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE runs (
            run_id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL UNIQUE,
            started_at TEXT NOT NULL,
            out TEXT NOT NULL
        );
        CREATE TABLE findings (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            finding_key TEXT NOT NULL,
            member_id TEXT,
            code TEXT NOT NULL,
            field TEXT,
            owner TEXT,
            ward TEXT,
            PRIMARY KEY (run_id, finding_key)
        );
        """,
    ),
    (
        2,
        """
        CREATE TABLE marks (
            finding_key TEXT PRIMARY KEY,
            done TEXT,
            note TEXT,
            run_seq INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        );
        CREATE TABLE imports (
            sha256 TEXT PRIMARY KEY,
            file TEXT NOT NULL,
            run_id TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            rows INTEGER NOT NULL,
            matched INTEGER NOT NULL
        );
        """,
    ),
    (
        3,
        """
        ALTER TABLE runs ADD COLUMN open_findings INTEGER;
        UPDATE runs SET open_findings = (SELECT count(*) FROM findings WHERE findings.run_id = runs.run_id);
        """,
    ),
)
SCHEMA_VERSION: Final = MIGRATIONS[-1][0]

#: The columns of a run's findings in the state.
FINDING_COLUMNS: Final = (KEY, "member_id", "code", "field", "owner", "ward")
MARK_COLUMNS: Final = (KEY, "done", "note")


class CampaignError(CataloguedError):
    """A campaign folder or returned work list that cannot be used."""


@dataclass(frozen=True)
class Run:
    run_id: str
    seq: int
    started_at: str
    out: str
    open_findings: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _version(connection: sqlite3.Connection) -> int:
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not exists:
        return 0
    row = connection.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(connection: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> int:
    """Applies the migrations the database lacks, up to ``upto``, each in a
    transaction of its own; returns the version it is at."""
    version = _version(connection)
    for number, script in MIGRATIONS:
        if version < number <= upto:
            statements = [s for s in script.split(";") if s.strip()]
            with connection:
                connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                for statement in statements:
                    connection.execute(statement)
                connection.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
            version = number
    return version


def _frame(cursor: sqlite3.Cursor, columns: tuple[str, ...]) -> pl.DataFrame:
    return pl.DataFrame(cursor.fetchall(), schema=dict.fromkeys(columns, pl.String), orient="row")


class CampaignStore:
    """A campaign folder's state (see the module docs). Opens or creates
    ``folder/campaign.sqlite``; ``create=False`` refuses a folder without one."""

    def __init__(self, folder: str | Path, *, create: bool = True) -> None:
        self.folder = Path(folder)
        self.path = self.folder / DATABASE
        if not self.path.exists():
            if not create:
                raise CampaignError("campaign.no_state", folder=self.folder)
            make_private_dirs(self.folder)
            create_private(self.path)
        try:
            self.connection = sqlite3.connect(self.path, isolation_level=None)
            self.connection.execute("PRAGMA busy_timeout = 30000")
            self.connection.execute("PRAGMA foreign_keys = ON")
            found = _version(self.connection)
        except sqlite3.DatabaseError as exc:
            raise CampaignError("campaign.not_a_state", path=self.path, error=exc) from exc
        if found > SCHEMA_VERSION:
            self.connection.close()
            raise CampaignError("campaign.newer_state", path=self.path, found=found, known=SCHEMA_VERSION)
        migrate(self.connection)
        with self._transaction():
            if self.connection.execute("SELECT count(*) FROM campaign").fetchone()[0] == 0:
                self.connection.execute(
                    "INSERT INTO campaign (campaign_id, created_at) VALUES (?, ?)", (secrets.token_hex(8), _now())
                )
        os.chmod(self.path, 0o600)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> CampaignStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE: a second writer (an import during a run) waits for this one.
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    @property
    def campaign_id(self) -> str:
        return str(self.connection.execute("SELECT campaign_id FROM campaign").fetchone()[0])

    @property
    def version(self) -> int:
        return _version(self.connection)

    def runs(self) -> list[Run]:
        """Every recorded run, oldest first."""
        rows = self.connection.execute(
            "SELECT run_id, seq, started_at, out, coalesce(open_findings, 0) FROM runs ORDER BY seq"
        ).fetchall()
        return [Run(str(a), int(b), str(c), str(d), int(e)) for a, b, c, d, e in rows]

    def run(self, run_id: str) -> Run | None:
        return next((r for r in self.runs() if r.run_id == run_id), None)

    def new_run_id(self) -> str:
        """An identifier for the next run: its number and when it started."""
        seq = len(self.runs()) + 1
        return f"{seq:03d}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(2)}"

    def findings(self, run_id: str) -> pl.DataFrame:
        """A run's findings to act on: ``FINDING_COLUMNS``."""
        with closing(
            self.connection.execute(f"SELECT {', '.join(FINDING_COLUMNS)} FROM findings WHERE run_id = ?", (run_id,))
        ) as cursor:
            return _frame(cursor, FINDING_COLUMNS)

    def record_run(self, run_id: str, out: Path, findings: pl.DataFrame) -> None:
        """Keeps a finished run's findings to act on (``FINDING_COLUMNS``)."""
        with self._transaction() as db:
            seq = int(db.execute("SELECT coalesce(max(seq), 0) + 1 FROM runs").fetchone()[0])
            db.execute(
                "INSERT INTO runs (run_id, seq, started_at, out, open_findings) VALUES (?, ?, ?, ?, ?)",
                (run_id, seq, _now(), str(out), findings.height),
            )
            db.executemany(
                f"INSERT INTO findings (run_id, {', '.join(FINDING_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                findings.select(pl.lit(run_id), *(pl.col(c).cast(pl.String) for c in FINDING_COLUMNS)).iter_rows(),
            )

    def marks(self) -> pl.DataFrame:
        """The officers' marks: ``MARK_COLUMNS``, one row per finding identity."""
        with closing(self.connection.execute(f"SELECT {', '.join(MARK_COLUMNS)} FROM marks")) as cursor:
            return _frame(cursor, MARK_COLUMNS)

    def imported(self, sha256: str) -> bool:
        return self.connection.execute("SELECT 1 FROM imports WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def take_marks(self, sha256: str, file: str, run: Run, rows: int, marks: pl.DataFrame) -> None:
        """Keeps the marks of one returned work list (``MARK_COLUMNS``) from
        ``run``'s lists; a mark from a later run's list is never overwritten by
        an earlier one's."""
        now = _now()
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO marks (finding_key, done, note, run_seq, imported_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (finding_key) DO UPDATE SET done = excluded.done, note = excluded.note,"
                " run_seq = excluded.run_seq, imported_at = excluded.imported_at"
                " WHERE excluded.run_seq >= marks.run_seq",
                marks.select(
                    *MARK_COLUMNS, pl.lit(run.seq).alias("run_seq"), pl.lit(now).alias("imported_at")
                ).iter_rows(),
            )
            db.execute(
                "INSERT INTO imports (sha256, file, run_id, imported_at, rows, matched) VALUES (?, ?, ?, ?, ?, ?)",
                (sha256, file, run.run_id, now, rows, marks.height),
            )

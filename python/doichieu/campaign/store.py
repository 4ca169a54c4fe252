"""The campaign state: every run's findings to act on (so the next run says
what changed and the report charts the open findings run by run) and the
officers' marks, the "done" and "note" cells of the work lists they returned,
by finding identity.

It lives where the verifier's ledger does (``open_store``):

* a campaign folder (the default): ``campaign.sqlite`` in it, readable by its
  owner only, and each run's outputs in ``runs/``;
* PostgreSQL (``postgresql://…``), where the ledger is replicated: the same
  tables in the schema ``doichieu_campaign`` of that database.

The schema has a version (``schema_version``) and ordered migrations
(``MIGRATIONS``), the same SQL on both: opening a state an older doichieu wrote
applies the missing ones, each in a transaction of its own (a SQLite file is
first copied beside itself, ``campaign.v<N>.sqlite``), so a campaign is
migrated, never lost; a state a newer doichieu wrote is refused rather than
guessed at.

One writer at a time (``CampaignStore.writing``): a run holds the campaign from
reading the marks to keeping its findings, an import while it reads and takes
the marks; the other is refused at once with a message saying who holds it,
never left waiting or interleaved.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Protocol

import polars as pl

from doichieu.campaign.identity import KEY
from doichieu.errors import CataloguedError
from doichieu.output_folder import create_private, make_private_dirs

__all__ = [
    "DATABASE",
    "LOCK_FILE",
    "MIGRATIONS",
    "PG_SCHEMA",
    "SCHEMA_VERSION",
    "CampaignError",
    "CampaignStore",
    "Run",
    "is_database_url",
]

#: The state's file in a campaign folder.
DATABASE: Final = "campaign.sqlite"
#: The campaign folder's writer lock (held by a run or an import, see ``writing``).
LOCK_FILE: Final = "campaign.lock"
#: The PostgreSQL schema that holds a campaign's tables (beside the ledger's).
PG_SCHEMA: Final = "doichieu_campaign"

#: Each migration takes the schema from the version before it to its own; never
#: edit one that has shipped, add the next. Plain SQL both SQLite and PostgreSQL run.
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
    """A campaign state or returned work list that cannot be used."""


@dataclass(frozen=True)
class Run:
    run_id: str
    seq: int
    started_at: str
    out: str
    open_findings: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_database_url(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


class _Backend(Protocol):
    """What the store needs of a database: statements with ``?`` placeholders,
    transactions that take the write lock at once, a bulk insert, the writer
    lock, and the schema's version."""

    where: str

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def transaction(self) -> Any: ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def insert_many(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None: ...

    def upsert_marks(self, rows: Iterable[Sequence[Any]]) -> None: ...

    def version(self) -> int: ...

    def before_migrating(self, found: int) -> None: ...

    def try_lock(self, holder: str) -> str | None: ...

    def unlock(self) -> None: ...

    def close(self) -> None: ...


_UPSERT_MARKS: Final = (
    "INSERT INTO marks (finding_key, done, note, run_seq, imported_at) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (finding_key) DO UPDATE SET done = excluded.done, note = excluded.note,"
    " run_seq = excluded.run_seq, imported_at = excluded.imported_at"
    " WHERE excluded.run_seq >= marks.run_seq"
)


class _Sqlite:
    def __init__(self, folder: Path, *, create: bool) -> None:
        self.folder = folder
        self.path = folder / DATABASE
        self.where = str(self.path)
        self._lock_fd: int | None = None
        if not self.path.exists():
            if not create:
                raise CampaignError("campaign.no_state", folder=folder)
            make_private_dirs(folder)
            create_private(self.path)
        try:
            self.connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.connection.execute("PRAGMA busy_timeout = 30000")
            self.connection.execute("PRAGMA foreign_keys = ON")
            self.version()
        except sqlite3.DatabaseError as exc:
            raise CampaignError("campaign.not_a_state", path=self.path, error=exc) from exc

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.connection.execute(sql, params).fetchall())

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.connection.execute(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE: the write lock at once, so two writers never interleave.
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def insert_many(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        marks = ", ".join("?" for _ in columns)
        self.connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def upsert_marks(self, rows: Iterable[Sequence[Any]]) -> None:
        self.connection.executemany(_UPSERT_MARKS, rows)

    def version(self) -> int:
        exists = self.connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()
        if not exists:
            return 0
        return int(self.connection.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0)

    def before_migrating(self, found: int) -> None:
        # A copy of the state as the older doichieu left it, kept beside it.
        if found == 0:
            return
        copy = self.folder / f"campaign.v{found}.sqlite"
        if copy.exists():
            return
        create_private(copy)
        with sqlite3.connect(copy) as target:
            self.connection.backup(target)
        target.close()

    def try_lock(self, holder: str) -> str | None:
        import fcntl

        path = self.folder / LOCK_FILE
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
            os.close(fd)
            return held or "?"
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder.encode(), 0)
        self._lock_fd = fd
        return None

    def unlock(self) -> None:
        if self._lock_fd is not None:
            os.ftruncate(self._lock_fd, 0)
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None

    def close(self) -> None:
        self.unlock()
        self.connection.close()


def _pg_key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"campaign\x00{name}".encode(), digest_size=8).digest(), "big", signed=True)


class _Postgres:
    def __init__(self, dsn: str, *, create: bool) -> None:
        import psycopg

        self._psycopg = psycopg
        # Where, as messages say it: host and database, never a password (before the @ or as a parameter).
        self.where = dsn.split("@")[-1].split("?")[0]
        self._lock_conn: Any = None
        try:
            self.connection = psycopg.connect(dsn, autocommit=True)
            self._dsn = dsn
            present = self.connection.execute(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (PG_SCHEMA,)
            ).fetchone()
            if present is None:
                if not create:
                    self.connection.close()
                    raise CampaignError("campaign.no_state", folder=self.where)
                with self.connection.transaction():
                    self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (_pg_key("schema"),))
                    self.connection.execute(f"CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}")
            self.connection.execute(f"SET search_path TO {PG_SCHEMA}")
        except psycopg.Error as exc:
            raise CampaignError("campaign.not_a_state", path=self.where, error=type(exc).__name__) from exc

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("?", "%s")

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.connection.execute(self._sql(sql), params).fetchall())

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.connection.execute(self._sql(sql), params)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.connection.transaction():
            # The database-wide counterpart of SQLite's BEGIN IMMEDIATE.
            self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (_pg_key("write"),))
            yield

    def insert_many(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        with self.connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def upsert_marks(self, rows: Iterable[Sequence[Any]]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(self._sql(_UPSERT_MARKS), list(rows))

    def version(self) -> int:
        exists = self.rows(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = 'schema_version'",
            (PG_SCHEMA,),
        )
        if not exists:
            return 0
        return int(self.rows("SELECT max(version) FROM schema_version")[0][0] or 0)

    def before_migrating(self, found: int) -> None:
        # Each migration's transaction is the guarantee; the server's backups are the copy.
        return

    def try_lock(self, holder: str) -> str | None:
        # A session lock on a connection of its own: released when it closes,
        # by the server if the process dies.
        conn = self._psycopg.connect(self._dsn, autocommit=True, application_name=holder)
        got = conn.execute("SELECT pg_try_advisory_lock(%s)", (_pg_key("writer"),)).fetchone()
        if got and got[0]:
            self._lock_conn = conn
            return None
        row = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.objid = (%s::bigint & 4294967295)::oid LIMIT 1",
            (_pg_key("writer"),),
        ).fetchone()
        conn.close()
        return (row[0] if row and row[0] else None) or "?"

    def unlock(self) -> None:
        if self._lock_conn is not None:
            self._lock_conn.close()
            self._lock_conn = None

    def close(self) -> None:
        self.unlock()
        self.connection.close()


def migrate(backend: _Backend, upto: int = SCHEMA_VERSION) -> int:
    """Applies the migrations the state lacks, up to ``upto``, each in a
    transaction of its own (the version read again inside it, so two processes
    opening an old state together migrate it once); returns its version."""
    found = backend.version()
    if found < upto:
        backend.before_migrating(found)
    for number, script in MIGRATIONS:
        if number > upto:
            break
        if backend.version() >= number:
            continue
        with backend.transaction():
            backend.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            if int(backend.rows("SELECT coalesce(max(version), 0) FROM schema_version")[0][0]) >= number:
                continue
            for statement in _statements(script):
                backend.execute(statement)
            backend.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
    return backend.version()


def _frame(rows: list[tuple[Any, ...]], columns: tuple[str, ...]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String), orient="row")


def _holder(what: str) -> str:
    """Who holds the campaign: short enough for a PostgreSQL application name (63 bytes)."""
    return f"doichieu {what}|{os.getpid()}|{_now()}"


class CampaignStore:
    """A campaign's state (see the module docs): a folder (``campaign.sqlite``
    in it) or a ``postgresql://`` database. ``create=False`` refuses a location
    without a state."""

    def __init__(self, location: str | Path, *, create: bool = True) -> None:
        self.location = str(location)
        self.backend: _Sqlite | _Postgres
        if is_database_url(location):
            #: Where a run's outputs go without --out: none, a database is no folder.
            self.folder: Path | None = None
            self.backend = _Postgres(str(location), create=create)
        else:
            self.folder = Path(location)
            self.backend = _Sqlite(self.folder, create=create)
        found = self.backend.version()
        if found > SCHEMA_VERSION:
            self.backend.close()
            raise CampaignError("campaign.newer_state", path=self.backend.where, found=found, known=SCHEMA_VERSION)
        try:
            migrate(self.backend)
        except Exception as exc:
            self.backend.close()
            raise CampaignError(
                "campaign.migration_failed", path=self.backend.where, found=found, error=type(exc).__name__
            ) from exc
        with self.backend.transaction():
            if self.backend.rows("SELECT count(*) FROM campaign")[0][0] == 0:
                self.backend.execute(
                    "INSERT INTO campaign (campaign_id, created_at) VALUES (?, ?)", (secrets.token_hex(8), _now())
                )
        if isinstance(self.backend, _Sqlite):
            os.chmod(self.backend.path, 0o600)

    @property
    def where(self) -> str:
        """The state, as messages name it (never a database password)."""
        return self.backend.where

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> CampaignStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def writing(self, what: str) -> Iterator[None]:
        """Holds the campaign for one writer (``what``: revalidate or import);
        refuses at once (``campaign.busy``) while another holds it."""
        held = self.backend.try_lock(_holder(what))
        if held is not None:
            raise CampaignError("campaign.busy", where=self.where, holder=_describe(held))
        try:
            yield
        finally:
            self.backend.unlock()

    @property
    def campaign_id(self) -> str:
        return str(self.backend.rows("SELECT campaign_id FROM campaign")[0][0])

    @property
    def version(self) -> int:
        return self.backend.version()

    def runs(self) -> list[Run]:
        """Every recorded run, oldest first."""
        rows = self.backend.rows(
            "SELECT run_id, seq, started_at, out, coalesce(open_findings, 0) FROM runs ORDER BY seq"
        )
        return [Run(str(a), int(b), str(c), str(d), int(e)) for a, b, c, d, e in rows]

    def run(self, run_id: str) -> Run | None:
        rows = self.backend.rows(
            "SELECT run_id, seq, started_at, out, coalesce(open_findings, 0) FROM runs WHERE run_id = ?", (run_id,)
        )
        return next((Run(str(a), int(b), str(c), str(d), int(e)) for a, b, c, d, e in rows), None)

    def new_run_id(self) -> str:
        """An identifier for the next run: its number and when it started."""
        seq = int(self.backend.rows("SELECT coalesce(max(seq), 0) + 1 FROM runs")[0][0])
        return f"{seq:03d}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(2)}"

    def findings(self, run_id: str) -> pl.DataFrame:
        """A run's findings to act on: ``FINDING_COLUMNS``."""
        rows = self.backend.rows(f"SELECT {', '.join(FINDING_COLUMNS)} FROM findings WHERE run_id = ?", (run_id,))
        return _frame(rows, FINDING_COLUMNS)

    def latest_findings(self) -> pl.DataFrame:
        """The latest run's findings to act on (none before the first run)."""
        runs = self.backend.rows("SELECT run_id FROM runs ORDER BY seq DESC LIMIT 1")
        return self.findings(runs[0][0]) if runs else _frame([], FINDING_COLUMNS)

    def record_run(self, run_id: str, out: Path, findings: pl.DataFrame) -> None:
        """Keeps a finished run's findings to act on (``FINDING_COLUMNS``)."""
        with self.backend.transaction():
            seq = int(self.backend.rows("SELECT coalesce(max(seq), 0) + 1 FROM runs")[0][0])
            self.backend.execute(
                "INSERT INTO runs (run_id, seq, started_at, out, open_findings) VALUES (?, ?, ?, ?, ?)",
                (run_id, seq, _now(), str(out), findings.height),
            )
            self.backend.insert_many(
                "findings",
                ("run_id", *FINDING_COLUMNS),
                findings.select(pl.lit(run_id), *(pl.col(c).cast(pl.String) for c in FINDING_COLUMNS)).iter_rows(),
            )

    def marks(self) -> pl.DataFrame:
        """The officers' marks: ``MARK_COLUMNS``, one row per finding identity."""
        return _frame(self.backend.rows(f"SELECT {', '.join(MARK_COLUMNS)} FROM marks"), MARK_COLUMNS)

    def imported(self, sha256: str) -> bool:
        return bool(self.backend.rows("SELECT 1 FROM imports WHERE sha256 = ?", (sha256,)))

    def take_marks(self, sha256: str, file: str, run: Run, rows: int, marks: pl.DataFrame) -> bool:
        """Keeps the marks of one returned work list (``MARK_COLUMNS``) from
        ``run``'s lists; a mark from a later run's list is never overwritten by
        an earlier one's. False, and nothing changed, for a file taken before."""
        now = _now()
        with self.backend.transaction():
            if self.backend.rows("SELECT 1 FROM imports WHERE sha256 = ?", (sha256,)):
                return False
            self.backend.upsert_marks(
                marks.select(
                    *MARK_COLUMNS, pl.lit(run.seq).alias("run_seq"), pl.lit(now).alias("imported_at")
                ).iter_rows()
            )
            self.backend.execute(
                "INSERT INTO imports (sha256, file, run_id, imported_at, rows, matched) VALUES (?, ?, ?, ?, ?, ?)",
                (sha256, file, run.run_id, now, rows, marks.height),
            )
        return True


def _describe(held: str) -> str:
    """The lock holder's note as the refusal shows it: what, process, since when (UTC)."""
    parts = held.split("|")
    if len(parts) != 3:
        return held
    what, pid, since = parts
    return f"{what} (pid {pid}, {since[:19].replace('T', ' ')} UTC)"

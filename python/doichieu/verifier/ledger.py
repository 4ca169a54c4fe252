"""The intake ledger: every submission, durably, exactly once.

Two backends share one decision procedure (``_decide``):

* SQLite (the embedded default): WAL journal with ``synchronous=FULL``, so a
  commit has reached the disk (fsync of the WAL) before ``submit`` answers.
  Several server processes on one machine may share the file; ``BEGIN
  IMMEDIATE`` serialises their writers.
* PostgreSQL (``postgresql://…``): several server replicas share one ledger.
  Each batch takes transaction-scoped advisory locks on the member and
  submission keys it touches, in sorted order (so two replicas never deadlock),
  before deciding; the commit is durable under PostgreSQL's default
  ``synchronous_commit``.

Writes go through one writer thread per process that groups the submissions
waiting at that moment into one transaction (group commit): one fsync answers
many intake machines, and each answer is released only after its commit.

Idempotency: a submission_id seen before returns the stored answer byte for
byte; the same id with a different request is refused
(``SubmissionConflictError``), never overwritten.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import unquote, urlparse

from doichieu.errors import CataloguedError, DoichieuError, InvalidInputError
from doichieu.verifier.at_rest import private_file

log = logging.getLogger(__name__)

OUTCOME_RECORDED = "recorded"
OUTCOME_EXCLUDED = "excluded"
OUTCOME_ALREADY_SUBMITTED = "already_submitted"

#: Submissions grouped into one transaction at most.
MAX_GROUP = 512

_T = TypeVar("_T")


class LedgerError(DoichieuError):
    """The ledger could not record or read (storage failure, closed ledger)."""


class LedgerOpenError(LedgerError, CataloguedError):
    """The ledger could not be opened when the server starts: told in the
    user's language on the command line (a catalogue key), still a ``LedgerError``."""


class SubmissionConflictError(InvalidInputError):
    """A submission_id reused for a different request."""


@dataclass(frozen=True)
class Intake:
    """What the server asks the ledger to record for one submission."""

    submission_id: str
    member_id: str
    site_id: str
    machine_id: str
    officer_id: str
    ward: str
    party_unit: str
    capture_time_us: int
    #: accept / review / reject; empty for exclusions.
    verdict: str
    #: Empty unless the party board excluded the member.
    exclusion_reason: str
    #: Finding codes at review or error severity, space-separated.
    blocking_codes: str
    #: Digest of the request, to tell a retry from a reuse of the id.
    fingerprint: bytes
    #: Other member IDs of the required list that deduplication holds to be the
    #: same person (the roster lists them twice): an accepted intake under any of
    #: them means this person was already taken in.
    same_person: tuple[str, ...] = ()

    @property
    def person_key(self) -> str:
        """One key for the person, whichever of their member IDs is submitted."""
        return min((self.member_id, *self.same_person))


@dataclass(frozen=True)
class Prior:
    """A member's earlier submission."""

    submission_id: str
    site_id: str
    machine_id: str
    officer_id: str
    capture_time_us: int
    record_time_us: int
    outcome: str
    verdict: str


@dataclass(frozen=True)
class Decision:
    """What the ledger decided for a new submission, before it is stored."""

    outcome: str
    record_time_us: int
    prior: Prior | None


#: Turns the decision into the answer bytes stored with the row (and returned on
#: every retry).
Render = Callable[[Decision], bytes]


@dataclass(frozen=True)
class StoredAnswer:
    response: bytes
    #: True when the submission_id had been recorded before this call.
    replayed: bool


@dataclass(frozen=True)
class ProgressRow:
    """One group of the member's current submissions (see ``Ledger.progress_rows``)."""

    ward: str
    party_unit: str
    site_id: str
    machine_id: str
    outcome: str
    verdict: str
    exclusion_reason: str
    blocking_codes: str
    count: int
    #: Of ``count``, those captured since the ``since_us`` given to ``progress_rows``.
    count_since: int
    #: Capture times (the officer's, not the ledger's: intakes queued offline
    #: count when they were taken, not when the line came back).
    first_capture_time_us: int
    last_capture_time_us: int

    @classmethod
    def from_postgresql(cls, row: Sequence[Any]) -> ProgressRow:
        """A row of ``_progress_sql`` as PostgreSQL returns it: its sums come back
        as ``Decimal``, so the counts and times are made ``int``."""
        texts, numbers = row[:8], row[8:]
        return cls(*texts, *(int(n) for n in numbers))


class Ledger(Protocol):
    def submit(self, intake: Intake, render: Render) -> Future[StoredAnswer]: ...

    def lookup(self, submission_id: str) -> bytes | None: ...

    def progress_rows(self, ward: str | None, since_us: int) -> list[ProgressRow]: ...

    def count(self) -> int: ...

    def close(self) -> None: ...


def fingerprint(*parts: bytes) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.digest()


def now_us() -> int:
    return time.time_ns() // 1000


_COLUMNS = (
    "submission_id, member_id, site_id, machine_id, officer_id, ward, party_unit, capture_time_us, "
    "record_time_us, outcome, verdict, exclusion_reason, blocking_codes, is_current, fingerprint, response"
)


def _schema(blob: str) -> list[str]:
    return [
        f"""CREATE TABLE IF NOT EXISTS submissions (
            submission_id TEXT PRIMARY KEY,
            member_id TEXT NOT NULL,
            site_id TEXT NOT NULL,
            machine_id TEXT NOT NULL,
            officer_id TEXT NOT NULL,
            ward TEXT NOT NULL,
            party_unit TEXT NOT NULL,
            capture_time_us BIGINT NOT NULL,
            record_time_us BIGINT NOT NULL,
            outcome TEXT NOT NULL,
            verdict TEXT NOT NULL,
            exclusion_reason TEXT NOT NULL,
            blocking_codes TEXT NOT NULL,
            is_current INTEGER NOT NULL,
            fingerprint {blob} NOT NULL,
            response {blob} NOT NULL
        )""",
        # The member's state-defining submission is unique even if a bug slipped
        # past the locks: the database refuses a second one.
        "CREATE UNIQUE INDEX IF NOT EXISTS submissions_current_member ON submissions (member_id) WHERE is_current = 1",
        "CREATE INDEX IF NOT EXISTS submissions_ward ON submissions (ward, is_current)",
    ]


class _Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...

    def fetchone(self) -> Any: ...


def _decide(cur: _Cursor, intake: Intake, render: Render, ph: str) -> StoredAnswer:
    """Records one submission inside the caller's transaction (placeholder ``ph``)."""
    cur.execute(f"SELECT fingerprint, response FROM submissions WHERE submission_id = {ph}", (intake.submission_id,))
    existing = cur.fetchone()
    if existing is not None:
        if bytes(existing[0]) != intake.fingerprint:
            raise SubmissionConflictError(
                "submission_id was already used for a different submission; use a new id for a new intake"
            )
        return StoredAnswer(bytes(existing[1]), replayed=True)

    cur.execute(
        "SELECT submission_id, site_id, machine_id, officer_id, capture_time_us, record_time_us, outcome, verdict "
        f"FROM submissions WHERE member_id = {ph} AND is_current = 1",
        (intake.member_id,),
    )
    row = cur.fetchone()
    prior = Prior(*row) if row is not None else None
    done = prior is not None and prior.outcome == OUTCOME_RECORDED and prior.verdict == "accept"
    if not done and intake.same_person:
        # The same person under another member ID, already taken in at some site.
        marks = ", ".join([ph] * len(intake.same_person))
        cur.execute(
            "SELECT submission_id, site_id, machine_id, officer_id, capture_time_us, record_time_us, outcome, verdict "
            f"FROM submissions WHERE member_id IN ({marks}) AND is_current = 1 "
            f"AND outcome = {ph} AND verdict = {ph} ORDER BY record_time_us LIMIT 1",
            (*intake.same_person, OUTCOME_RECORDED, "accept"),
        )
        other = cur.fetchone()
        if other is not None:
            return _store(cur, intake, render, ph, OUTCOME_ALREADY_SUBMITTED, 0, Prior(*other))
    if done:
        # The intake was completed elsewhere; keep this attempt for the record
        # without letting it count twice.
        outcome, is_current = OUTCOME_ALREADY_SUBMITTED, 0
    else:
        # First intake, or a new one after a blocked or excluded state: the new
        # submission becomes the member's state.
        outcome = OUTCOME_EXCLUDED if intake.exclusion_reason else OUTCOME_RECORDED
        is_current = 1
        if prior is not None:
            cur.execute(f"UPDATE submissions SET is_current = 0 WHERE submission_id = {ph}", (prior.submission_id,))
    return _store(cur, intake, render, ph, outcome, is_current, prior)


def _store(
    cur: _Cursor, intake: Intake, render: Render, ph: str, outcome: str, is_current: int, prior: Prior | None
) -> StoredAnswer:
    decision = Decision(outcome=outcome, record_time_us=now_us(), prior=prior)
    response = render(decision)
    cur.execute(
        f"INSERT INTO submissions ({_COLUMNS}) VALUES ({', '.join([ph] * 16)})",
        (
            intake.submission_id,
            intake.member_id,
            intake.site_id,
            intake.machine_id,
            intake.officer_id,
            intake.ward,
            intake.party_unit,
            intake.capture_time_us,
            decision.record_time_us,
            outcome,
            intake.verdict,
            intake.exclusion_reason,
            intake.blocking_codes,
            is_current,
            intake.fingerprint,
            response,
        ),
    )
    return StoredAnswer(response, replayed=False)


def commit_in_groups(jobs: queue.SimpleQueue[_T | None], max_group: int, commit: Callable[[list[_T]], None]) -> None:
    """A writer thread's loop: waits for a job, takes every job already queued
    behind it (up to ``max_group``) and commits them as one group, so one disk
    sync serves them all; ``None`` in the queue stops it after the jobs before it."""
    stopping = False
    while not stopping:
        first = jobs.get()
        if first is None:
            break
        batch = [first]
        while len(batch) < max_group:
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                break
            if job is None:
                stopping = True
                break
            batch.append(job)
        commit(batch)


def _progress_sql(ph: str, with_ward: bool) -> str:
    where = f" AND ward = {ph}" if with_ward else ""
    return (
        "SELECT ward, party_unit, site_id, machine_id, outcome, verdict, exclusion_reason, blocking_codes, "
        f"COUNT(*), SUM(CASE WHEN capture_time_us >= {ph} THEN 1 ELSE 0 END), "
        "MIN(capture_time_us), MAX(capture_time_us) "
        f"FROM submissions WHERE is_current = 1{where} "
        "GROUP BY ward, party_unit, site_id, machine_id, outcome, verdict, exclusion_reason, blocking_codes"
    )


_Job = tuple[Intake, Render, "Future[StoredAnswer]"]


class _GroupCommitLedger:
    """The writer thread and its queue; backends supply ``_write_batch``."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        self._close_lock = threading.Lock()
        self._writer = threading.Thread(target=self._run, name="ledger-writer", daemon=True)
        #: Called after each commit with the submissions, the seconds it took and the queue left (metrics).
        self.on_commit: Callable[[int, float, int], None] | None = None

    def _start(self) -> None:
        self._writer.start()

    def submit(self, intake: Intake, render: Render) -> Future[StoredAnswer]:
        answer: Future[StoredAnswer] = Future()
        with self._close_lock:
            if self._closed:
                answer.set_exception(LedgerError("the ledger is closed (server shutting down)"))
                return answer
            self._jobs.put((intake, render, answer))
        return answer

    def close(self) -> None:
        """Records everything already queued, then stops the writer."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
            self._jobs.put(None)
        self._writer.join()
        self._close_connections()

    def _run(self) -> None:
        commit_in_groups(self._jobs, MAX_GROUP, self._commit_batch)

    def _commit_batch(self, batch: list[_Job]) -> None:
        outcomes: list[StoredAnswer | BaseException] = []
        started = time.perf_counter()
        try:
            outcomes = self._write_batch([(intake, render) for intake, render, _ in batch])
        except BaseException as exc:
            log.error("ledger commit failed for a group of %d submissions: %s", len(batch), type(exc).__name__)
            log.debug("ledger commit failure", exc_info=True)
            failure = LedgerError(f"the ledger could not commit ({type(exc).__name__}); retry the submission")
            for _, _, answer in batch:
                answer.set_exception(failure)
            return
        if self.on_commit is not None:
            self.on_commit(len(batch), time.perf_counter() - started, self._jobs.qsize())
        for (_, _, answer), outcome in zip(batch, outcomes):
            if isinstance(outcome, BaseException):
                answer.set_exception(outcome)
            else:
                answer.set_result(outcome)

    def _write_batch(self, jobs: list[tuple[Intake, Render]]) -> list[StoredAnswer | BaseException]:
        raise NotImplementedError

    def _close_connections(self) -> None:
        raise NotImplementedError


class SqliteLedger(_GroupCommitLedger):
    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            raise LedgerOpenError("value.ledger_no_folder", folder=self.path.parent)
        private_file(self.path)
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._write_conn = self._connect()
        with self._write_conn:
            for statement in _schema("BLOB"):
                self._write_conn.execute(statement)
        self._start()

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            # FULL: the WAL is fsynced at every commit, so an acknowledged
            # submission survives a power cut, not just a process crash.
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.Error as exc:
            raise LedgerOpenError("value.ledger_sqlite", path=self.path, reason=exc) from exc
        return conn

    def _write_batch(self, jobs: list[tuple[Intake, Render]]) -> list[StoredAnswer | BaseException]:
        conn = self._write_conn
        cur = conn.cursor()
        results: list[StoredAnswer | BaseException] = []
        # IMMEDIATE takes the write lock up front, so another process's writer
        # cannot slip in between a lookup and the insert that depends on it.
        cur.execute("BEGIN IMMEDIATE")
        try:
            for intake, render in jobs:
                cur.execute("SAVEPOINT one")
                try:
                    results.append(_decide(cur, intake, render, "?"))
                    cur.execute("RELEASE one")
                except (SubmissionConflictError, sqlite3.IntegrityError) as exc:
                    cur.execute("ROLLBACK TO one")
                    cur.execute("RELEASE one")
                    results.append(exc)
            cur.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return results

    def _reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def lookup(self, submission_id: str) -> bytes | None:
        row = (
            self._reader()
            .execute("SELECT response FROM submissions WHERE submission_id = ?", (submission_id,))
            .fetchone()
        )
        return None if row is None else bytes(row[0])

    def progress_rows(self, ward: str | None, since_us: int) -> list[ProgressRow]:
        params: list[Any] = [since_us] + ([ward] if ward else [])
        rows = self._reader().execute(_progress_sql("?", bool(ward)), params).fetchall()
        return [ProgressRow(*row) for row in rows]

    def count(self) -> int:
        row = self._reader().execute("SELECT COUNT(*) FROM submissions").fetchone()
        return int(row[0])

    def _close_connections(self) -> None:
        self._write_conn.close()
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()


def _lock_key(kind: str, value: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{kind}\x00{value}".encode(), digest_size=8).digest(), "big", signed=True)


class PostgresLedger(_GroupCommitLedger):
    def __init__(self, dsn: str) -> None:
        super().__init__()
        import psycopg

        self._psycopg = psycopg
        self.dsn = dsn
        self._read_lock = threading.Lock()
        try:
            self._write_conn = psycopg.connect(dsn, autocommit=False)
            self._read_conn = psycopg.connect(dsn, autocommit=True)
            with self._write_conn.transaction():
                # Replicas starting together must not race on CREATE ... IF NOT EXISTS.
                self._write_conn.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_key("schema", "submissions"),))
                for statement in _schema("BYTEA"):
                    self._write_conn.execute(statement)
        except psycopg.Error as exc:
            raise LedgerOpenError("value.ledger_postgresql", reason=exc) from exc
        self._start()

    def _fresh(self, conn: Any, autocommit: bool) -> Any:
        """The same connection, or a new one if the server dropped it (restart, failover)."""
        if conn.closed or conn.broken:
            log.warning("ledger connection to PostgreSQL lost; reconnecting")
            return self._psycopg.connect(self.dsn, autocommit=autocommit)
        return conn

    def _write_batch(self, jobs: list[tuple[Intake, Render]]) -> list[StoredAnswer | BaseException]:
        psycopg = self._psycopg
        self._write_conn = conn = self._fresh(self._write_conn, autocommit=False)
        results: list[StoredAnswer | BaseException] = []
        keys = sorted(
            {_lock_key("member", intake.person_key) for intake, _ in jobs}
            | {_lock_key("submission", intake.submission_id) for intake, _ in jobs}
        )
        with conn.transaction():
            with conn.cursor() as cur:
                for key in keys:
                    cur.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
                for intake, render in jobs:
                    try:
                        with conn.transaction():
                            results.append(_decide(cur, intake, render, "%s"))
                    except (SubmissionConflictError, psycopg.errors.UniqueViolation) as exc:
                        results.append(exc)
        return results

    def _query(self, sql: str, params: Sequence[Any]) -> list[Any]:
        with self._read_lock:
            for attempt in (1, 2):
                self._read_conn = self._fresh(self._read_conn, autocommit=True)
                try:
                    with self._read_conn.cursor() as cur:
                        cur.execute(sql, params)
                        return list(cur.fetchall())
                except self._psycopg.OperationalError:
                    # A read is safe to repeat once on a new connection.
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")

    def lookup(self, submission_id: str) -> bytes | None:
        rows = self._query("SELECT response FROM submissions WHERE submission_id = %s", (submission_id,))
        return None if not rows else bytes(rows[0][0])

    def progress_rows(self, ward: str | None, since_us: int) -> list[ProgressRow]:
        params: list[Any] = [since_us] + ([ward] if ward else [])
        return [ProgressRow.from_postgresql(row) for row in self._query(_progress_sql("%s", bool(ward)), params)]

    def count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM submissions", ())[0][0])

    def _close_connections(self) -> None:
        self._write_conn.close()
        with self._read_lock:
            self._read_conn.close()


def open_ledger(url: str) -> SqliteLedger | PostgresLedger:
    """``sqlite:///abs/path.db``, ``sqlite:relative.db``, a plain path, or ``postgresql://…``."""
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresLedger(url)
    if url.startswith("sqlite:"):
        parsed = urlparse(url)
        path = unquote(parsed.path if parsed.netloc == "" else parsed.netloc + parsed.path)
        if not path:
            raise CataloguedError("value.ledger_no_path")
        return SqliteLedger(path)
    if "://" in url:
        raise CataloguedError("value.ledger_scheme")
    return SqliteLedger(url)


def iter_blocking_codes(codes: str) -> Iterable[str]:
    return (code for code in codes.split() if code)

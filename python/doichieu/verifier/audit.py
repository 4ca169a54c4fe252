"""The audit trail: who looked up whom, when, and what the verifier answered.

Every answered Verify, every Submit and every record of a VerifyStream becomes
one entry: time, method, the site of the client certificate (empty without
mutual TLS), the machine (Submit's machine_id; the peer address for lookups),
the peer address, the member ID, a keyed hash of the citizen ID
(HMAC-SHA256 under the server's audit key; the ID itself is never stored), the
verdict and the call's request ID.

Tamper evidence: entries form one hash chain. Each entry stores the previous
entry's hash and its own, SHA-256 over the previous hash and the entry's
fields; editing, removing or inserting an entry breaks the chain from there
(``verify_chain`` names the first broken entry).

One chain, several processes: the writers of all server processes sharing the
file append under SQLite's write lock (``BEGIN IMMEDIATE``), reading the last
entry's hash inside the transaction, so their batches interleave on one chain.

Durability: WAL with ``synchronous=FULL``, as the ledger. A Submit's answer
waits for its entry's commit as it waits for the ledger's, so an acknowledged
Submit has its audit entry after a kill -9. Lookups (Verify, VerifyStream) do
not wait: their entries are decoded and committed by the writer thread in
groups, a few milliseconds behind the answer; a kill -9 can lose the entries of
the lookups answered in those last milliseconds.

Retention: ``purge`` removes the entries older than a cut-off and appends a
``purge`` entry naming the last removed entry and its hash (the anchor), so the
chain stays verifiable from its new first entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import queue
import secrets
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from doichieu import vocabulary
from doichieu.errors import DoichieuError, InvalidInputError
from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier.at_rest import private_file, write_private
from doichieu.verifier.logs import current_request_id
from doichieu.verifier.tls import peer_site

log = logging.getLogger(__name__)

GENESIS = bytes(32)
METHOD_PURGE = "purge"
#: Entries grouped into one transaction at most.
MAX_GROUP = 4096
KEY_BYTES = 32
#: Why ``verify_chain`` stopped: entries before the first are gone with no purge
#: entry anchoring it; an entry is missing; an entry's previous hash is not its
#: predecessor's; an entry's fields do not give its hash.
PROBLEM_UNANCHORED = "unanchored"
PROBLEM_MISSING = "missing"
PROBLEM_LINK = "link"
PROBLEM_ALTERED = "altered"
_VERDICT_CODES = {pb.Verdict.Value(f"VERDICT_{code.upper()}"): code for code in vocabulary.VERDICTS}

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS audit_entries (
        seq INTEGER PRIMARY KEY,
        time_us INTEGER NOT NULL,
        method TEXT NOT NULL,
        site_id TEXT NOT NULL,
        machine_id TEXT NOT NULL,
        peer TEXT NOT NULL,
        member_id TEXT NOT NULL,
        citizen_hmac TEXT NOT NULL,
        verdict TEXT NOT NULL,
        request_id TEXT NOT NULL,
        prev_hash BLOB NOT NULL,
        entry_hash BLOB NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS audit_by_citizen ON audit_entries (citizen_hmac)",
    "CREATE INDEX IF NOT EXISTS audit_by_time ON audit_entries (time_us)",
    # Append-only for the server and honest tools: an entry is never rewritten.
    """CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
)
_FIELDS = "time_us, method, site_id, machine_id, peer, member_id, citizen_hmac, verdict, request_id"


class AuditError(DoichieuError):
    """The audit trail could not be opened, written or read."""


@dataclass(frozen=True)
class Caller:
    """Who made a call, as the server knows it."""

    site_id: str
    peer: str
    request_id: str


@dataclass(frozen=True)
class Entry:
    time_us: int
    method: str
    site_id: str
    machine_id: str
    peer: str
    member_id: str
    citizen_hmac: str
    verdict: str
    request_id: str

    def fields(self) -> tuple[Any, ...]:
        return (
            self.time_us,
            self.method,
            self.site_id,
            self.machine_id,
            self.peer,
            self.member_id,
            self.citizen_hmac,
            self.verdict,
            self.request_id,
        )


def entry_hash(prev_hash: bytes, seq: int, fields: Sequence[Any]) -> bytes:
    """SHA-256 over the previous hash, the sequence number and the fields (as a JSON array: unambiguous)."""
    body = json.dumps([seq, *fields], ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(prev_hash + body).digest()


def citizen_digest(key: bytes, citizen_id: str) -> str:
    """The keyed hash stored instead of the citizen ID (spaces removed, as the engine reads IDs)."""
    return hmac.new(key, "".join(citizen_id.split()).encode(), hashlib.sha256).hexdigest()


def load_key(path: str | Path) -> bytes:
    """The audit key from its file, which only its owner may read."""
    key_path = Path(path)
    try:
        mode = key_path.stat().st_mode
        data = key_path.read_bytes().strip()
    except OSError as exc:
        raise AuditError(f"cannot read the audit key {key_path}: {exc.strerror}") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise AuditError(f"the audit key {key_path} is readable by others; chmod 600 it")
    if len(data) < 16:
        raise AuditError(f"the audit key {key_path} is too short (at least 16 bytes)")
    return data


def load_or_create_key(path: str | Path) -> bytes:
    """The audit key; a missing key file is created (0600) with a new random key."""
    key_path = Path(path)
    if not key_path.exists():
        write_private(key_path, secrets.token_hex(KEY_BYTES).encode() + b"\n")
        log.info("created a new audit key in %s", key_path)
    return load_key(key_path)


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=30000")
    except sqlite3.Error as exc:
        raise AuditError(f"cannot open the audit trail {path}: {exc}") from exc
    return conn


def open_store(path: str | Path) -> sqlite3.Connection:
    """The audit file (created 0600), its schema in place."""
    audit_path = Path(path)
    private_file(audit_path)
    conn = _connect(audit_path)
    for statement in _SCHEMA:
        conn.execute(statement)
    return conn


def _head(cur: sqlite3.Cursor) -> tuple[int, bytes]:
    """The last entry's number and hash, inside the caller's transaction."""
    row = cur.execute("SELECT seq, entry_hash FROM audit_entries ORDER BY seq DESC LIMIT 1").fetchone()
    return (0, GENESIS) if row is None else (int(row[0]), bytes(row[1]))


def append(cur: sqlite3.Cursor, entries: Sequence[Entry]) -> int:
    """Appends ``entries`` to the chain inside the caller's write transaction; the last number."""
    seq, prev = _head(cur)
    rows = []
    for entry in entries:
        seq += 1
        digest = entry_hash(prev, seq, entry.fields())
        rows.append((seq, *entry.fields(), prev, digest))
        prev = digest
    cur.executemany(
        f"INSERT INTO audit_entries (seq, {_FIELDS}, prev_hash, entry_hash) VALUES ({', '.join('?' * 12)})", rows
    )
    return seq


# ------------------------------------------------------------------ the writer


def caller_of(context: grpc.aio.ServicerContext[Any, Any], mutual_tls: bool) -> Caller:
    """The call's site (its certificate's, under mutual TLS), peer address and request ID."""
    site = peer_site(context.auth_context()) if mutual_tls else None
    return Caller(site_id=site or "", peer=context.peer() or "", request_id=current_request_id())


_Lookup = tuple[str, Caller, int, Sequence[bytes], Sequence[bytes]]
_Job = tuple[list[Entry], "Future[None] | None"] | _Lookup


def _verdict(verification: pb.Verification) -> str:
    return _VERDICT_CODES.get(verification.verdict, "")


class AuditTrail:
    """The server's side: entries queued by the handlers, committed by one writer thread in groups."""

    def __init__(self, path: str | Path, key: bytes) -> None:
        self.path = Path(path)
        self._key = key
        self._conn = open_store(self.path)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        self._close_lock = threading.Lock()
        #: Called after each commit with the entries written, the seconds it took and the queue left.
        self.on_commit: Callable[[int, float, int], None] | None = None
        #: Called after each commit with the VerifyStream records it holds.
        self.on_streamed: Callable[[int], None] | None = None
        self._writer = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._writer.start()

    def _put(self, job: _Job) -> bool:
        with self._close_lock:
            if self._closed:
                return False
            self._jobs.put(job)
            return True

    def looked_up(self, caller: Caller, requests: Sequence[bytes], responses: Sequence[bytes], *, stream: bool) -> None:
        """Verify's request and answer (``stream``: a VerifyStream batch's chunks and
        answers), decoded into entries by the writer thread, off the call's path."""
        method = "VerifyStream" if stream else "Verify"
        if not self._put((method, caller, time.time_ns() // 1000, requests, responses)):
            log.warning("audit trail closed: a %s call was not recorded", method)

    def submitted(
        self, caller: Caller, member: pb.MemberRecord, site_id: str, machine_id: str, verdict: str
    ) -> Future[None]:
        """A Submit's entry; the future resolves once it is committed."""
        done: Future[None] = Future()
        entry = Entry(
            time_us=time.time_ns() // 1000,
            method="Submit",
            site_id=site_id,
            machine_id=machine_id,
            peer=caller.peer,
            member_id=member.member_id,
            citizen_hmac=citizen_digest(self._key, member.citizen_id),
            verdict=verdict,
            request_id=caller.request_id,
        )
        if not self._put(([entry], done)):
            done.set_exception(AuditError("the audit trail is closed (server shutting down)"))
        return done

    def _lookup_entries(self, job: _Lookup) -> Iterator[Entry]:
        method, caller, time_us, requests, responses = job
        if method == "Verify":
            members = [pb.VerifyRequest.FromString(data).member for data in requests]
            verifications = [pb.VerifyResponse.FromString(data).verification for data in responses]
        else:
            members = [m for data in requests for m in pb.VerifyStreamRequest.FromString(data).members]
            verifications = [v for data in responses for v in pb.VerifyStreamResponse.FromString(data).verifications]
        for member, verification in zip(members, verifications):
            yield Entry(
                time_us=time_us,
                method=method,
                site_id=caller.site_id,
                machine_id=caller.peer,
                peer=caller.peer,
                member_id=member.member_id,
                citizen_hmac=citizen_digest(self._key, member.citizen_id),
                verdict=_verdict(verification),
                request_id=caller.request_id,
            )

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._jobs.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < MAX_GROUP:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                    break
                batch.append(job)
            self._commit(batch)

    def _commit(self, batch: list[_Job]) -> None:
        entries: list[Entry] = []
        waiting: list[Future[None]] = []
        started = time.perf_counter()
        try:
            for job in batch:
                if len(job) == 2:
                    entries.extend(job[0])
                    if job[1] is not None:
                        waiting.append(job[1])
                else:
                    entries.extend(self._lookup_entries(job))
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                append(cur, entries)
                cur.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
        except Exception as exc:
            log.error("audit commit failed for %d entries: %s", len(entries), type(exc).__name__)
            log.debug("audit commit failure", exc_info=True)
            failure = AuditError(f"the audit trail could not commit ({type(exc).__name__}); retry the submission")
            for done in waiting:
                done.set_exception(failure)
            return
        for done in waiting:
            done.set_result(None)
        if self.on_commit is not None:
            self.on_commit(len(entries), time.perf_counter() - started, self._jobs.qsize())
        if self.on_streamed is not None:
            self.on_streamed(sum(1 for entry in entries if entry.method == "VerifyStream"))

    def close(self) -> None:
        """Commits everything queued, then stops the writer."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
            self._jobs.put(None)
        self._writer.join()
        self._conn.close()


# ------------------------------------------------------------ officers' tools


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_seq: int | None
    last_seq: int | None
    head_hash: str
    #: The first entry that does not hold, with why (a PROBLEM_ code); None when the chain holds.
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def _anchor(conn: sqlite3.Connection, first_seq: int) -> tuple[bytes, str]:
    """The hash the first remaining entry must carry: GENESIS for entry 1, else the
    one a later ``purge`` entry recorded (its machine_id holds the last purged number,
    its citizen_hmac that entry's hash)."""
    if first_seq == 1:
        return GENESIS, ""
    row = conn.execute(
        "SELECT citizen_hmac FROM audit_entries WHERE method = ? AND machine_id = ? ORDER BY seq DESC LIMIT 1",
        (METHOD_PURGE, str(first_seq - 1)),
    ).fetchone()
    if row is None:
        return b"", PROBLEM_UNANCHORED
    return bytes.fromhex(row[0]), ""


def verify_chain(path: str | Path) -> ChainReport:
    audit_path = Path(path)
    if not audit_path.exists():
        raise InvalidInputError(f"no audit trail at {audit_path}")
    conn = _connect(audit_path)
    try:
        rows = conn.execute(f"SELECT seq, {_FIELDS}, prev_hash, entry_hash FROM audit_entries ORDER BY seq")
        count, first, prev_seq, prev = 0, None, 0, b""
        for row in rows:
            seq, fields, stored_prev, stored_hash = int(row[0]), row[1:10], bytes(row[10]), bytes(row[11])
            if first is None:
                first = seq
                prev, problem = _anchor(conn, seq)
                if problem:
                    return ChainReport(count, first, seq, prev.hex(), seq, problem)
            elif seq != prev_seq + 1:
                return ChainReport(count, first, seq, prev.hex(), prev_seq + 1, PROBLEM_MISSING)
            if stored_prev != prev:
                return ChainReport(count, first, seq, prev.hex(), seq, PROBLEM_LINK)
            if entry_hash(prev, seq, fields) != stored_hash:
                return ChainReport(count, first, seq, prev.hex(), seq, PROBLEM_ALTERED)
            count, prev_seq, prev = count + 1, seq, stored_hash
        return ChainReport(count, first, prev_seq or None, prev.hex() if prev else GENESIS.hex())
    finally:
        conn.close()


def purge(path: str | Path, older_than_us: int) -> int:
    """Removes the entries recorded before ``older_than_us``; the number removed.
    The ``purge`` entry appended in the same transaction anchors the chain."""
    conn = open_store(path)
    try:
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            row = cur.execute(
                "SELECT seq, entry_hash FROM audit_entries WHERE time_us < ? AND method != ? ORDER BY seq DESC LIMIT 1",
                (older_than_us, METHOD_PURGE),
            ).fetchone()
            if row is None:
                cur.execute("ROLLBACK")
                return 0
            last_seq, last_hash = int(row[0]), bytes(row[1])
            marker = Entry(
                time_us=time.time_ns() // 1000,
                method=METHOD_PURGE,
                site_id="",
                machine_id=str(last_seq),
                peer=f"pid {os.getpid()}",
                member_id="",
                citizen_hmac=last_hash.hex(),
                verdict="",
                request_id="",
            )
            append(cur, [marker])
            removed = cur.execute("DELETE FROM audit_entries WHERE seq <= ?", (last_seq,)).rowcount
            cur.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return int(removed)
    finally:
        conn.close()


@dataclass(frozen=True)
class Lookup:
    time_us: int
    method: str
    site_id: str
    machine_id: str
    peer: str
    member_id: str
    verdict: str
    request_id: str


def who(path: str | Path, key: bytes, citizen_id: str) -> list[Lookup]:
    """Every entry about ``citizen_id``, oldest first."""
    audit_path = Path(path)
    if not audit_path.exists():
        raise InvalidInputError(f"no audit trail at {audit_path}")
    conn = _connect(audit_path)
    try:
        rows = conn.execute(
            "SELECT time_us, method, site_id, machine_id, peer, member_id, verdict, request_id "
            "FROM audit_entries WHERE citizen_hmac = ? AND method != ? ORDER BY seq",
            (citizen_digest(key, citizen_id), METHOD_PURGE),
        ).fetchall()
    finally:
        conn.close()
    return [Lookup(*row) for row in rows]

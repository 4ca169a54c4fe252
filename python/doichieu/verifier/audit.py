"""The audit trail: who looked up whom, when, and what the verifier answered.

Every answered Verify, every Submit and every record of a VerifyStream is
recorded: time, method, the site of the client certificate (empty without
mutual TLS; Submit's site as the ledger records it), the machine (Submit's
machine_id; the peer address for lookups), the peer address, the member ID, a
keyed hash of the citizen ID (HMAC-SHA256 under the server's audit key; the ID
itself is never stored), the verdict and the call's request ID.

Entries and the chain: the writer thread commits what is waiting as one
transaction (group commit), and each commit is one chain entry holding its
calls and their records as JSON. Each entry stores the previous entry's hash and
its own, SHA-256 over the previous hash, its number, time and body; editing,
removing or inserting an entry breaks the chain from there (``verify_chain``
names the first broken entry). Hashing a commit rather than each record keeps
the writer's work per record to a keyed hash and a JSON value: a stream's
records cost the server little more than the engine's check.

One chain, several processes: the writers of all server processes sharing the
file append under SQLite's write lock (``BEGIN IMMEDIATE``), reading the last
entry's hash inside the transaction, so their entries interleave on one chain.

Durability: WAL with ``synchronous=FULL``, as the ledger. A Submit's answer
waits for its entry's commit as it waits for the ledger's, so an acknowledged
Submit has its audit record after a kill -9. Lookups (Verify, VerifyStream) do
not wait: the writer decodes their request and answer bytes and commits them a
few milliseconds behind the answer; a kill -9 can lose the records of the
lookups answered in those last milliseconds.

Retention: ``purge`` removes the entries older than a cut-off and appends a
``purge`` entry naming the last removed entry and its hash (the anchor), so the
chain stays verifiable from its new first entry.
"""

from __future__ import annotations

import asyncio
import hashlib
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
from doichieu.errors import CataloguedError
from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier.at_rest import private_file, write_private
from doichieu.verifier.ledger import LedgerError, commit_in_groups
from doichieu.verifier.logs import current_request_id
from doichieu.verifier.tls import peer_site

log = logging.getLogger(__name__)

GENESIS = bytes(32)
KIND_CALLS = "calls"
KIND_PURGE = "purge"
#: Calls grouped into one entry at most.
MAX_GROUP = 4096
#: Calls waiting for the writer beyond which a stream waits for it (``wait_for_room``):
#: its records are kept, so a writer that falls behind slows the stream instead of
#: holding ever more answers in memory.
MAX_BACKLOG = 64
#: How often a waiting stream looks again.
_BACKLOG_POLL_S = 0.002
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
        kind TEXT NOT NULL,
        body BLOB NOT NULL,
        prev_hash BLOB NOT NULL,
        entry_hash BLOB NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS audit_by_time ON audit_entries (time_us)",
    # Append-only for the server and honest tools: an entry is never rewritten.
    """CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
)


class AuditError(LedgerError):
    """The audit trail could not be opened, written or read. A ledger error: a Submit
    whose audit record did not commit is answered UNAVAILABLE, and its retry records it."""


class AuditOpenError(AuditError, CataloguedError):
    """The audit key or trail could not be opened: told in the user's language on the
    command line (a catalogue key), still an ``AuditError``."""


@dataclass(frozen=True)
class Caller:
    """Who made a call, as the server knows it."""

    site_id: str
    peer: str
    request_id: str


#: One call in an entry's body: time_us, method, site, machine, peer, request ID and
#: its records, each [member ID, citizen HMAC, verdict].
_Call = dict[str, Any]


def entry_hash(prev_hash: bytes, seq: int, time_us: int, kind: str, body: bytes) -> bytes:
    """SHA-256 over the previous hash, the entry's number, time and kind (a JSON array) and its body."""
    header = json.dumps([seq, time_us, kind], separators=(",", ":")).encode()
    return hashlib.sha256(prev_hash + header + b"\n" + body).digest()


class CitizenHasher:
    """HMAC-SHA256 of citizen IDs under one key (RFC 2104), its padded key states
    hashed once: a copy per ID costs a third of ``hmac.digest``'s set-up."""

    def __init__(self, key: bytes) -> None:
        block = hashlib.sha256().block_size
        padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def __call__(self, citizen_id: str) -> str:
        """The keyed hash stored instead of the citizen ID (spaces removed, as the engine reads IDs)."""
        inner = self._inner.copy()
        inner.update("".join(citizen_id.split()).encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


def citizen_digest(key: bytes, citizen_id: str) -> str:
    return CitizenHasher(key)(citizen_id)


def load_key(path: str | Path) -> bytes:
    """The audit key from its file, which only its owner may read."""
    key_path = Path(path)
    try:
        mode = key_path.stat().st_mode
        data = key_path.read_bytes().strip()
    except OSError as exc:
        raise AuditOpenError("audit.key_unreadable", path=key_path, reason=exc.strerror) from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise AuditOpenError("audit.key_shared", path=key_path)
    if len(data) < 16:
        raise AuditOpenError("audit.key_short", path=key_path)
    return data


def load_or_create_key(path: str | Path) -> bytes:
    """The audit key; a missing key file is created (0600) with a new random key."""
    key_path = Path(path)
    if not key_path.exists():
        # Written whole under another name, then linked: replicas starting together
        # never read a half-written key, and the first link wins.
        # The draft's name is random, not the process ID: threads of one process
        # starting together would otherwise write the same draft.
        draft = key_path.with_name(f"{key_path.name}.{secrets.token_hex(8)}.new")
        write_private(draft, secrets.token_hex(KEY_BYTES).encode() + b"\n")
        try:
            os.link(draft, key_path)
            log.info("created a new audit key in %s", key_path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return load_key(key_path)


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=30000")
    except sqlite3.Error as exc:
        raise AuditOpenError("audit.trail_unopenable", path=path, reason=exc) from exc
    return conn


def open_store(path: str | Path) -> sqlite3.Connection:
    """The audit file (created 0600), its schema in place."""
    audit_path = Path(path)
    private_file(audit_path)
    conn = _connect(audit_path)
    for statement in _SCHEMA:
        conn.execute(statement)
    return conn


def append(cur: sqlite3.Cursor, time_us: int, kind: str, body: bytes) -> int:
    """Appends one entry to the chain inside the caller's write transaction; its number."""
    row = cur.execute("SELECT seq, entry_hash FROM audit_entries ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (1, GENESIS) if row is None else (int(row[0]) + 1, bytes(row[1]))
    cur.execute(
        "INSERT INTO audit_entries (seq, time_us, kind, body, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?)",
        (seq, time_us, kind, body, prev, entry_hash(prev, seq, time_us, kind, body)),
    )
    return seq


def _body(calls: list[_Call]) -> bytes:
    return json.dumps(calls, ensure_ascii=False, separators=(",", ":")).encode()


# ------------------------------------------------------------------ the writer


def caller_of(context: grpc.aio.ServicerContext[Any, Any], mutual_tls: bool) -> Caller:
    """The call's site (its certificate's, under mutual TLS), peer address and request ID."""
    site = peer_site(context.auth_context()) if mutual_tls else None
    return Caller(site_id=site or "", peer=context.peer() or "", request_id=current_request_id())


#: A lookup waiting for the writer: method, caller, time, request and answer bytes.
_Lookup = tuple[str, Caller, int, Sequence[bytes], Sequence[bytes]]
#: A Submit waiting for the writer: its call and the future its answer waits on.
_Submitted = tuple[_Call, "Future[None]"]


class AuditTrail:
    """The server's side: calls queued by the handlers, committed by one writer thread in groups."""

    def __init__(self, path: str | Path, key: bytes) -> None:
        self.path = Path(path)
        self._digest = CitizenHasher(key)
        self._conn = open_store(self.path)
        self._jobs: queue.SimpleQueue[_Lookup | _Submitted | None] = queue.SimpleQueue()
        self._closed = False
        self._close_lock = threading.Lock()
        #: Called after each commit with the records written, the seconds it took and the queue left.
        self.on_commit: Callable[[int, float, int], None] | None = None
        #: Called after each commit with the VerifyStream records it holds.
        self.on_streamed: Callable[[int], None] | None = None
        self._writer = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._writer.start()

    def _put(self, job: _Lookup | _Submitted) -> bool:
        with self._close_lock:
            if self._closed:
                return False
            self._jobs.put(job)
            return True

    def looked_up(self, caller: Caller, requests: Sequence[bytes], responses: Sequence[bytes], *, stream: bool) -> None:
        """Verify's request and answer (``stream``: a VerifyStream batch's chunks and
        answers), decoded by the writer thread, off the call's path."""
        method = "VerifyStream" if stream else "Verify"
        if not self._put((method, caller, time.time_ns() // 1000, requests, responses)):
            log.warning("audit trail closed: a %s call was not recorded", method)

    def backlog(self) -> int:
        """Calls waiting for the writer (not those of the commit under way)."""
        return self._jobs.qsize()

    async def wait_for_room(self) -> None:
        """Returns once at most MAX_BACKLOG calls wait for the writer."""
        while self.backlog() > MAX_BACKLOG:
            await asyncio.sleep(_BACKLOG_POLL_S)

    def submitted(
        self, caller: Caller, member: pb.MemberRecord, site_id: str, machine_id: str, verdict: str
    ) -> Future[None]:
        """A Submit's record; the future resolves once it is committed."""
        done: Future[None] = Future()
        call = {
            "time_us": time.time_ns() // 1000,
            "method": "Submit",
            "site": site_id,
            "machine": machine_id,
            "peer": caller.peer,
            "request_id": caller.request_id,
            "records": [[member.member_id, self._digest(member.citizen_id), verdict]],
        }
        if not self._put((call, done)):
            done.set_exception(AuditError("the audit trail is closed (server shutting down)"))
        return done

    def _lookup_call(self, job: _Lookup) -> _Call:
        method, caller, time_us, requests, responses = job
        if method == "Verify":
            members = [pb.VerifyRequest.FromString(data).member for data in requests]
            verdicts = [pb.VerifyResponse.FromString(data).verification.verdict for data in responses]
        else:
            members = [m for data in requests for m in pb.VerifyStreamRequest.FromString(data).members]
            verdicts = [v.verdict for data in responses for v in pb.VerifyStreamResponse.FromString(data).verifications]
        digest, codes = self._digest, _VERDICT_CODES
        return {
            "time_us": time_us,
            "method": method,
            "site": caller.site_id,
            "machine": caller.peer,
            "peer": caller.peer,
            "request_id": caller.request_id,
            "records": [
                [member.member_id, digest(member.citizen_id), codes.get(verdict, "")]
                for member, verdict in zip(members, verdicts)
            ],
        }

    def _run(self) -> None:
        commit_in_groups(self._jobs, MAX_GROUP, self._commit)

    def _commit(self, batch: list[_Lookup | _Submitted]) -> None:
        calls: list[_Call] = []
        waiting: list[Future[None]] = []
        started = time.perf_counter()
        try:
            for job in batch:
                if len(job) == 2:
                    calls.append(job[0])
                    waiting.append(job[1])
                else:
                    calls.append(self._lookup_call(job))
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                append(cur, time.time_ns() // 1000, KIND_CALLS, _body(calls))
                cur.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
        except Exception as exc:
            log.error("audit commit failed for %d calls: %s", len(batch), type(exc).__name__)
            log.debug("audit commit failure", exc_info=True)
            failure = AuditError(f"the audit trail could not commit ({type(exc).__name__}); retry the submission")
            for done in waiting:
                done.set_exception(failure)
            return
        for done in waiting:
            done.set_result(None)
        if self.on_commit is not None:
            records = sum(len(call["records"]) for call in calls)
            self.on_commit(records, time.perf_counter() - started, self._jobs.qsize())
        if self.on_streamed is not None:
            self.on_streamed(sum(len(call["records"]) for call in calls if call["method"] == "VerifyStream"))

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
    one a later ``purge`` entry recorded for the entry before it."""
    if first_seq == 1:
        return GENESIS, ""
    for (body,) in conn.execute("SELECT body FROM audit_entries WHERE kind = ? ORDER BY seq DESC", (KIND_PURGE,)):
        purged = json.loads(bytes(body))
        if purged.get("through") == first_seq - 1:
            return bytes.fromhex(purged["hash"]), ""
    return b"", PROBLEM_UNANCHORED


def _open_existing(path: str | Path) -> sqlite3.Connection:
    audit_path = Path(path)
    if not audit_path.exists():
        raise CataloguedError("audit.no_trail", path=audit_path)
    return _connect(audit_path)


def verify_chain(path: str | Path) -> ChainReport:
    conn = _open_existing(path)
    try:
        rows = conn.execute("SELECT seq, time_us, kind, body, prev_hash, entry_hash FROM audit_entries ORDER BY seq")
        count, first, prev_seq, prev = 0, None, 0, GENESIS
        for seq, time_us, kind, body, stored_prev, stored_hash in rows:
            if first is None:
                first = seq
                prev, problem = _anchor(conn, seq)
                if problem:
                    return ChainReport(count, first, seq, "", seq, problem)
            elif seq != prev_seq + 1:
                return ChainReport(count, first, seq, prev.hex(), prev_seq + 1, PROBLEM_MISSING)
            if bytes(stored_prev) != prev:
                return ChainReport(count, first, seq, prev.hex(), seq, PROBLEM_LINK)
            if entry_hash(prev, seq, time_us, kind, bytes(body)) != bytes(stored_hash):
                return ChainReport(count, first, seq, prev.hex(), seq, PROBLEM_ALTERED)
            count, prev_seq, prev = count + 1, seq, bytes(stored_hash)
        return ChainReport(count, first, prev_seq or None, prev.hex())
    finally:
        conn.close()


def purge(path: str | Path, older_than_us: int) -> int:
    """Removes the entries committed before ``older_than_us``; the number removed.
    The ``purge`` entry appended in the same transaction anchors the chain."""
    conn = open_store(path)
    try:
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            row = cur.execute(
                "SELECT seq, entry_hash FROM audit_entries WHERE time_us < ? AND kind = ? ORDER BY seq DESC LIMIT 1",
                (older_than_us, KIND_CALLS),
            ).fetchone()
            if row is None:
                cur.execute("ROLLBACK")
                return 0
            last_seq, last_hash = int(row[0]), bytes(row[1])
            anchor = json.dumps({"through": last_seq, "hash": last_hash.hex()}).encode()
            append(cur, time.time_ns() // 1000, KIND_PURGE, anchor)
            removed = cur.execute("DELETE FROM audit_entries WHERE seq <= ?", (last_seq,)).rowcount
            cur.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return int(removed)
    finally:
        conn.close()


#: How often a server with a retention period purges its trail.
PURGE_EVERY_S = 3600.0
_US_PER_DAY = 86_400 * 1_000_000


async def purge_periodically(path: str | Path, retention_days: float, every_s: float = PURGE_EVERY_S) -> None:
    """Purges the entries older than ``retention_days`` now and every ``every_s`` seconds,
    until cancelled. Several workers may do so at once: a purge that finds nothing past
    the period changes nothing."""
    while True:
        cutoff = time.time_ns() // 1000 - int(retention_days * _US_PER_DAY)
        try:
            removed = await asyncio.to_thread(purge, path, cutoff)
        except (sqlite3.Error, AuditError) as exc:
            log.error("audit purge failed: %s", type(exc).__name__)
        else:
            if removed:
                log.info("audit purge: %d entries older than %g days removed", removed, retention_days)
        await asyncio.sleep(every_s)


@dataclass(frozen=True)
class Record:
    """One recorded lookup or submission."""

    seq: int
    time_us: int
    method: str
    site_id: str
    machine_id: str
    peer: str
    request_id: str
    member_id: str
    citizen_hmac: str
    verdict: str


def records(path: str | Path, citizen_hmac: str | None = None) -> Iterator[Record]:
    """The trail's records, oldest first; with ``citizen_hmac``, only that citizen's."""
    conn = _open_existing(path)
    try:
        sql = "SELECT seq, body FROM audit_entries WHERE kind = ?"
        params: list[Any] = [KIND_CALLS]
        if citizen_hmac is not None:
            # A scan of the bodies at storage speed; the JSON is read only where the hash occurs.
            sql += " AND instr(body, ?) > 0"
            params.append(f'"{citizen_hmac}"'.encode())
        for seq, body in conn.execute(sql + " ORDER BY seq", params):
            for call in json.loads(bytes(body)):
                for member_id, digest, verdict in call["records"]:
                    if citizen_hmac is None or digest == citizen_hmac:
                        yield Record(
                            seq,
                            call["time_us"],
                            call["method"],
                            call["site"],
                            call["machine"],
                            call["peer"],
                            call["request_id"],
                            member_id,
                            digest,
                            verdict,
                        )
    finally:
        conn.close()


def who(path: str | Path, key: bytes, citizen_id: str) -> list[Record]:
    """Every record about ``citizen_id``, oldest first."""
    return list(records(path, citizen_digest(key, citizen_id)))

"""The intake machine's client: submits to the verifier, and keeps working offline.

Every submission is written to a local SQLite queue (fsynced) *before* it is
sent, under a submission_id chosen here. If the server answers, the answer is
kept beside it; if the server cannot be reached, the submission stays queued
and ``replay()`` sends it later with the same id and the same bytes, so the
server records it exactly once however many times it is sent.

    client = IntakeClient("verifier.example:443", "queue.db", site_id="site-01",
                          machine_id="m-03", officer_id="cb-117",
                          credentials=channel_credentials("ca.pem", "site.pem", "site.key"))
    result = client.submit({"member_id": "…", "full_name": "…", ...})
    if result.state == "queued":
        ...  # later, when the line is back:
    client.replay()
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import grpc

from doichieu.errors import DoichieuError, InvalidInputError
from doichieu.v1 import verifier_pb2 as pb
from doichieu.v1 import verifier_pb2_grpc as pb_grpc

__all__ = ["IntakeClient", "SubmitResult"]

#: Errors after which a later retry may succeed; anything else (a refusal, or a
#: server fault that the same bytes would hit again) is final.
_RETRYABLE = {
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
    grpc.StatusCode.ABORTED,
    grpc.StatusCode.CANCELLED,
}

_STATE_QUEUED = "queued"
_STATE_SENT = "sent"
_STATE_FAILED = "failed"


@dataclass(frozen=True)
class SubmitResult:
    submission_id: str
    #: "sent" (the server recorded it: see ``response``), "queued" (will be
    #: sent by ``replay``), or "failed" (the server refused it: see ``error``).
    state: str
    response: pb.SubmitResponse | None = None
    error: str | None = None


class IntakeClient:
    def __init__(
        self,
        target: str,
        queue_path: str | Path,
        *,
        site_id: str = "",
        machine_id: str,
        officer_id: str,
        credentials: grpc.ChannelCredentials | None = None,
        timeout: float = 5.0,
        channel_options: list[tuple[str, Any]] | None = None,
    ) -> None:
        if not machine_id or not officer_id:
            raise InvalidInputError("machine_id and officer_id are required")
        self.site_id = site_id
        self.machine_id = machine_id
        self.officer_id = officer_id
        self.timeout = timeout
        self._channel = (
            grpc.secure_channel(target, credentials, options=channel_options)
            if credentials is not None
            else grpc.insecure_channel(target, options=channel_options)
        )
        self._stub = pb_grpc.VerifierStub(self._channel)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(Path(queue_path), isolation_level=None, check_same_thread=False, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            """CREATE TABLE IF NOT EXISTS outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                submission_id TEXT NOT NULL UNIQUE,
                request BLOB NOT NULL,
                state TEXT NOT NULL,
                response BLOB,
                error TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                queued_at REAL NOT NULL
            )"""
        )

    def close(self) -> None:
        self._channel.close()
        self._db.close()

    def __enter__(self) -> IntakeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -------------------------------------------------------------- submitting

    def submit(
        self,
        member: Mapping[str, str] | pb.MemberRecord,
        *,
        submission_id: str | None = None,
        exclusion_reason: int = pb.EXCLUSION_REASON_UNSPECIFIED,
        capture_time: datetime | None = None,
    ) -> SubmitResult:
        """Queues the intake durably, then tries to send it once.

        ``capture_time`` (timezone-aware) is when the officer took the record;
        now when absent."""
        record = member if isinstance(member, pb.MemberRecord) else _member_record(member)
        request = pb.SubmitRequest(
            submission_id=submission_id or str(uuid.uuid4()),
            member=record,
            site_id=self.site_id,
            machine_id=self.machine_id,
            officer_id=self.officer_id,
            exclusion_reason=exclusion_reason,  # type: ignore[arg-type]
        )
        if capture_time is None:
            request.capture_time.GetCurrentTime()
        else:
            if capture_time.tzinfo is None:
                raise InvalidInputError("capture_time must carry its timezone")
            request.capture_time.FromDatetime(capture_time)
        with self._lock:
            existing = self._db.execute(
                "SELECT state FROM outbox WHERE submission_id = ?", (request.submission_id,)
            ).fetchone()
            if existing is None:
                self._db.execute(
                    "INSERT INTO outbox (submission_id, request, state, queued_at) VALUES (?, ?, ?, ?)",
                    (request.submission_id, request.SerializeToString(deterministic=True), _STATE_QUEUED, time.time()),
                )
        return self._send(request.submission_id)

    def replay(self, limit: int | None = None) -> list[SubmitResult]:
        """Sends queued submissions in the order they were taken; stops at the
        first one the server cannot be reached for (the rest would fail too)."""
        with self._lock:
            ids = [
                row[0]
                for row in self._db.execute(
                    "SELECT submission_id FROM outbox WHERE state = ? ORDER BY seq LIMIT ?",
                    (_STATE_QUEUED, -1 if limit is None else limit),
                )
            ]
        results = []
        for submission_id in ids:
            result = self._send(submission_id)
            results.append(result)
            if result.state == _STATE_QUEUED:
                break
        return results

    def resend(self, submission_id: str) -> SubmitResult:
        """Sends an already answered submission again, the same bytes, as a
        machine does when the answer was lost on the way back; the server
        answers what it answered the first time. The local record is unchanged."""
        with self._lock:
            row = self._db.execute("SELECT request FROM outbox WHERE submission_id = ?", (submission_id,)).fetchone()
        if row is None:
            raise InvalidInputError("no such submission in this machine's queue")
        try:
            response = self._stub.Submit(pb.SubmitRequest.FromString(row[0]), timeout=self.timeout)
        except grpc.RpcError as error:
            code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
            state = _STATE_QUEUED if code in _RETRYABLE else _STATE_FAILED
            return SubmitResult(submission_id, state, error=code.name)
        return SubmitResult(submission_id, _STATE_SENT, response=response)

    def pending(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM outbox WHERE state = ?", (_STATE_QUEUED,)).fetchone()[0])

    def result(self, submission_id: str) -> SubmitResult:
        with self._lock:
            row = self._db.execute(
                "SELECT state, response, error FROM outbox WHERE submission_id = ?", (submission_id,)
            ).fetchone()
        if row is None:
            raise InvalidInputError("no such submission in this machine's queue")
        return SubmitResult(
            submission_id,
            row[0],
            None if row[1] is None else pb.SubmitResponse.FromString(row[1]),
            row[2],
        )

    def _send(self, submission_id: str) -> SubmitResult:
        with self._lock:
            row = self._db.execute(
                "SELECT request, state FROM outbox WHERE submission_id = ?", (submission_id,)
            ).fetchone()
        if row is None:
            raise DoichieuError("submission vanished from the local queue")
        if row[1] != _STATE_QUEUED:
            return self.result(submission_id)
        # The stored bytes, not a rebuilt message: the server's idempotency check
        # compares the request, and a retry must be the same request.
        request = pb.SubmitRequest.FromString(row[0])
        try:
            response = self._stub.Submit(request, timeout=self.timeout)
        except grpc.RpcError as error:
            code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
            with self._lock:
                if code in _RETRYABLE:
                    self._db.execute(
                        "UPDATE outbox SET attempts = attempts + 1 WHERE submission_id = ?", (submission_id,)
                    )
                    return SubmitResult(submission_id, _STATE_QUEUED, error=f"{code.name}: will retry")
                message = f"{code.name}: {error.details() if hasattr(error, 'details') else ''}"
                self._db.execute(
                    "UPDATE outbox SET state = ?, error = ?, attempts = attempts + 1 WHERE submission_id = ?",
                    (_STATE_FAILED, message, submission_id),
                )
            return SubmitResult(submission_id, _STATE_FAILED, error=message)
        with self._lock:
            self._db.execute(
                "UPDATE outbox SET state = ?, response = ?, attempts = attempts + 1 WHERE submission_id = ?",
                (_STATE_SENT, response.SerializeToString(), submission_id),
            )
        return SubmitResult(submission_id, _STATE_SENT, response=response)


def _member_record(member: Mapping[str, str]) -> pb.MemberRecord:
    known = set(pb.MemberRecord.DESCRIPTOR.fields_by_name)
    unknown = sorted(set(member) - known)
    if unknown:
        raise InvalidInputError(f"unknown member fields {unknown}; the fields are the roster columns {sorted(known)}")
    values = {}
    for name, value in member.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidInputError(f"member field {name}: expected text, got {type(value).__name__}")
        values[name] = value
    return pb.MemberRecord(**values)

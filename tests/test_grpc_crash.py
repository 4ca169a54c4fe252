"""Kill the server mid-storm: every acknowledged submission survives, once."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from pathlib import Path

import grpc

from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier.at_rest import kept_verification
from grpc_harness import PEOPLE, ChildServer, member_message, spawn_server, stub, write_tables

CLIENTS = 8
MAX_REQUESTS = 4000  # the storm is bounded in count ...
MAX_SECONDS = 8.0  # ... and in time, whatever happens to the server


class Storm:
    """Client threads sending Submits, each remembering what was acknowledged."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.acked: dict[str, bytes] = {}
        self.sent: dict[str, pb.SubmitRequest] = {}
        self.errors: dict[grpc.StatusCode, int] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(k,)) for k in range(CLIENTS)]
        self.started = time.monotonic()

    def start(self) -> Storm:
        for t in self.threads:
            t.start()
        return self

    def _run(self, client: int) -> None:
        verifier = stub(self.target)
        k = 0
        while not self.stop.is_set() and time.monotonic() - self.started < MAX_SECONDS:
            with self.lock:
                if len(self.sent) >= MAX_REQUESTS:
                    return
                request = pb.SubmitRequest(
                    submission_id=str(uuid.uuid4()),
                    member=member_message(k % len(PEOPLE), member_id=f"C{client}-{k}"),
                    site_id=f"site-{client % 2}",
                    machine_id=f"m{client}",
                    officer_id="o1",
                )
                self.sent[request.submission_id] = request
            k += 1
            try:
                answer = verifier.Submit(request, timeout=5)
            except grpc.RpcError as error:
                with self.lock:
                    self.errors[error.code()] = self.errors.get(error.code(), 0) + 1
                if error.code() == grpc.StatusCode.UNAVAILABLE:
                    time.sleep(0.01)
                continue
            with self.lock:
                self.acked[request.submission_id] = answer.SerializeToString()

    def wait_for_acks(self, count: int) -> None:
        deadline = time.monotonic() + MAX_SECONDS
        while len(self.acked) < count and time.monotonic() < deadline:
            time.sleep(0.01)

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()


def kept(answer: bytes) -> bytes:
    """The ledger's form of an answer: its verification without the population's values."""
    message = pb.SubmitResponse.FromString(answer)
    if message.HasField("verification"):
        message.verification.CopyFrom(kept_verification(message.verification))
    return message.SerializeToString()


def ledger_rows(path: Path) -> dict[str, tuple[int, bytes]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT submission_id, COUNT(*), MAX(response) FROM submissions GROUP BY submission_id"
        ).fetchall()
    finally:
        conn.close()
    return {sid: (count, bytes(response)) for sid, count, response in rows}


def test_kill_9_during_a_submit_storm_loses_no_acknowledged_submission(tmp_path: Path) -> None:
    population, roster = write_tables(tmp_path)
    ledger_path = tmp_path / "ledger.db"
    server: ChildServer = spawn_server(tmp_path, population, roster, f"sqlite:///{ledger_path}")
    storm = Storm(server.target).start()
    try:
        storm.wait_for_acks(300)
        server.kill()  # SIGKILL: no shutdown code runs
        time.sleep(0.2)
    finally:
        storm.finish()
        if server.process.poll() is None:
            server.kill()
    acked = dict(storm.acked)
    assert len(acked) >= 300, f"storm too small to mean anything: {len(acked)} acknowledged, errors {storm.errors}"

    restarted = spawn_server(tmp_path, population, roster, f"sqlite:///{ledger_path}", name="restarted")
    try:
        rows = ledger_rows(ledger_path)
        for sid, response in acked.items():
            assert sid in rows, "an acknowledged submission was lost"
            count, stored = rows[sid]
            assert count == 1 and stored == kept(response)
        # Everything the ledger holds was sent by a client (nothing invented).
        assert set(rows) <= set(storm.sent)

        # Clients retry what was never acknowledged: each lands exactly once,
        # and those committed just before the kill come back unchanged.
        verifier = stub(restarted.target)
        unacked = [storm.sent[sid] for sid in storm.sent if sid not in acked]
        for request in unacked:
            answer = verifier.Submit(request, timeout=10)
            if request.submission_id in rows:
                assert kept(answer.SerializeToString()) == rows[request.submission_id][1]
        for request in list(storm.sent.values())[:50]:
            if request.submission_id in acked:
                assert verifier.Submit(request, timeout=10).SerializeToString() == acked[request.submission_id]
        final = ledger_rows(ledger_path)
        assert set(final) == set(storm.sent)
        assert all(count == 1 for count, _ in final.values())
        assert restarted.terminate() == 0
    finally:
        if restarted.process.poll() is None:
            restarted.kill()


def test_sigterm_drains_the_storm_and_exits_cleanly(tmp_path: Path) -> None:
    population, roster = write_tables(tmp_path)
    ledger_path = tmp_path / "ledger.db"
    server = spawn_server(tmp_path, population, roster, f"sqlite:///{ledger_path}", "--grace", "5")
    storm = Storm(server.target).start()
    try:
        storm.wait_for_acks(100)
        code = server.terminate(timeout=30)
    finally:
        storm.finish()
        if server.process.poll() is None:
            server.kill()
    assert code == 0, server.log()
    assert "stopped; ledger closed" in server.log()
    rows = ledger_rows(ledger_path)
    assert all(sid in rows and rows[sid][1] == kept(answer) for sid, answer in storm.acked.items())
    # Personal data stays out of the log at the default level.
    log = server.log()
    assert not any(person[1] in log or person[4] in log for person in PEOPLE)

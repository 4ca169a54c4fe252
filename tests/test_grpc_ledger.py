"""The ledger: durable, exactly once, shared by replicas on PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest

from doichieu.errors import InvalidInputError
from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier import ledger as ledger_mod
from grpc_harness import PEOPLE, member_message, spawn_server, stub, write_tables
from postgres import needs_postgres


def intake(member: str, sid: str | None = None, site: str = "s1", verdict: str = "accept") -> ledger_mod.Intake:
    sid = sid or str(uuid.uuid4())
    return ledger_mod.Intake(
        submission_id=sid,
        member_id=member,
        site_id=site,
        machine_id="m1",
        officer_id="o1",
        ward="w",
        party_unit="u",
        capture_time_us=ledger_mod.now_us(),
        verdict=verdict,
        exclusion_reason="",
        blocking_codes="",
        fingerprint=ledger_mod.fingerprint(sid.encode(), member.encode(), site.encode()),
    )


def render(decision: ledger_mod.Decision) -> bytes:
    prior = decision.prior.submission_id if decision.prior else "-"
    return f"{decision.outcome}|{prior}|{decision.record_time_us}".encode()


def test_sqlite_ledger_is_wal_fsynced_and_exactly_once(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    ledger = ledger_mod.SqliteLedger(path)
    try:
        journal = ledger._write_conn.execute("PRAGMA journal_mode").fetchone()[0]
        synchronous = ledger._write_conn.execute("PRAGMA synchronous").fetchone()[0]
        assert (journal, synchronous) == ("wal", 2)  # 2 = FULL: fsync at every commit

        first = intake("M1")
        answer = ledger.submit(first, render).result(10)
        assert not answer.replayed and answer.response.startswith(b"recorded|-|")
        assert ledger.submit(first, render).result(10) == ledger_mod.StoredAnswer(answer.response, replayed=True)
        duplicate = ledger.submit(intake("M1", site="s2"), render).result(10)
        assert duplicate.response.startswith(b"already_submitted|" + first.submission_id.encode())
        reused = intake("M2", sid=first.submission_id)
        with pytest.raises(ledger_mod.SubmissionConflictError):
            ledger.submit(reused, render).result(10)
    finally:
        ledger.close()
    # A new process sees exactly what was acknowledged.
    reopened = ledger_mod.SqliteLedger(path)
    try:
        assert reopened.count() == 2
        assert reopened.lookup(first.submission_id) == answer.response
    finally:
        reopened.close()


def test_group_commit_answers_every_waiter(tmp_path: Path) -> None:
    ledger = ledger_mod.SqliteLedger(tmp_path / "ledger.db")
    try:
        with ThreadPoolExecutor(16) as pool:
            futures = [
                pool.submit(lambda k=k: ledger.submit(intake(f"M{k % 50}"), render).result(30)) for k in range(400)
            ]
            answers = [f.result() for f in futures]
        outcomes = [a.response.split(b"|")[0] for a in answers]
        assert outcomes.count(b"recorded") == 50 and outcomes.count(b"already_submitted") == 350
        assert ledger.count() == 400
    finally:
        ledger.close()
    conn = sqlite3.connect(tmp_path / "ledger.db")
    current = conn.execute(
        "SELECT COUNT(*), COUNT(DISTINCT member_id) FROM submissions WHERE is_current = 1"
    ).fetchone()
    assert current == (50, 50)


def test_closed_ledger_refuses_and_urls_are_checked(tmp_path: Path) -> None:
    ledger = ledger_mod.open_ledger(f"sqlite:///{tmp_path / 'a.db'}")
    ledger.close()
    with pytest.raises(ledger_mod.LedgerError, match="closed"):
        ledger.submit(intake("M1"), render).result(5)
    with pytest.raises(InvalidInputError, match="scheme"):
        ledger_mod.open_ledger("mysql://x/y")
    with pytest.raises(ledger_mod.LedgerError, match="does not exist"):
        ledger_mod.open_ledger(str(tmp_path / "no" / "such" / "folder.db"))


@needs_postgres
def test_postgres_ledger_exactly_once_under_contention(postgres_db: str) -> None:
    # Two ledgers = two replicas' writers, racing on the same members and ids.
    a, b = ledger_mod.PostgresLedger(postgres_db), ledger_mod.PostgresLedger(postgres_db)
    try:
        shared = [intake(f"M{k}") for k in range(30)]
        jobs = [(a if k % 2 else b, item) for k, item in enumerate(shared * 2)]
        jobs += [((b if k % 2 else a), intake(f"M{k % 30}", site="other")) for k in range(60)]
        with ThreadPoolExecutor(12) as pool:
            answers = list(pool.map(lambda job: job[0].submit(job[1], render).result(60), jobs))
        by_id: dict[str, set[bytes]] = {}
        for (_, item), answer in zip(jobs, answers):
            by_id.setdefault(item.submission_id, set()).add(answer.response)
        assert all(len(responses) == 1 for responses in by_id.values()), "a retry got a different answer"
        assert a.count() == 90
        recorded = [r for r in answers if r.response.startswith(b"recorded")]
        assert len({r.response for r in recorded}) == 30

        # The database drops every connection (a restart, a failover): the batch
        # in flight fails and says so; the retry reconnects and lands once.
        import psycopg

        with psycopg.connect(postgres_db, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        late = intake("M-late")
        try:
            first_try = a.submit(late, render).result(30)
        except ledger_mod.LedgerError:
            first_try = a.submit(late, render).result(30)
        assert a.submit(late, render).result(30).response == first_try.response
        assert b.count() == 91
    finally:
        a.close()
        b.close()


@needs_postgres
def test_two_server_replicas_share_one_postgres_ledger(postgres_db: str, tmp_path: Path) -> None:
    population, roster = write_tables(tmp_path)
    one = spawn_server(tmp_path, population, roster, postgres_db, name="replica-1")
    two = spawn_server(tmp_path, population, roster, postgres_db, name="replica-2")
    try:
        stubs = [stub(one.target), stub(two.target)]
        requests = [
            pb.SubmitRequest(
                submission_id=str(uuid.uuid4()),
                member=member_message(k % len(PEOPLE)),
                site_id=f"site-{k % 3}",
                machine_id=f"m{k % 5}",
                officer_id="o1",
            )
            for k in range(64)
        ]
        answers: dict[str, list[pb.SubmitResponse]] = {}
        lock = threading.Lock()

        def send(k: int) -> None:
            # Every request goes to both replicas: a client retrying on the other one.
            request = requests[k // 2]
            response = stubs[k % 2].Submit(request, timeout=30)
            with lock:
                answers.setdefault(request.submission_id, []).append(response)

        with ThreadPoolExecutor(16) as pool:
            list(pool.map(send, range(2 * len(requests))))
        assert all(len(pair) == 2 and pair[0] == pair[1] for pair in answers.values())
        outcomes = [pair[0].outcome for pair in answers.values()]
        assert outcomes.count(pb.SUBMIT_OUTCOME_RECORDED) == len(PEOPLE)
        assert outcomes.count(pb.SUBMIT_OUTCOME_ALREADY_SUBMITTED) == len(requests) - len(PEOPLE)
        reports = [s.GetProgress(pb.GetProgressRequest(), timeout=10) for s in stubs]
        assert reports[0].total == reports[1].total
        assert reports[0].total.done == len(PEOPLE) and reports[0].total.remaining == 0
        assert one.terminate() == 0 and two.terminate() == 0
    finally:
        for child in (one, two):
            if child.process.poll() is None:
                child.kill()
    with pytest.raises(grpc.RpcError):
        stub(one.target).Verify(pb.VerifyRequest(member=member_message(0)), timeout=1)

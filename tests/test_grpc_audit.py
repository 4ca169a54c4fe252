"""The audit trail: every lookup and submission on one hash chain that survives
kill -9 and several writer processes; its officers' tools (verify, purge, who)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import json
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import grpc
import pytest

from doichieu.cli import main
from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier import audit
from doichieu.verifier import ledger as ledger_mod
from doichieu.verifier.runner import ServerConfig, start_server
from grpc_harness import PEOPLE, make_engine, member_message, spawn_server, stub, write_tables
from test_grpc_crash import Storm

KEY = b"0123456789abcdef0123456789abcdef"
DAY_US = 86_400 * 1_000_000


def audit_rows(path: Path) -> list[tuple[int, str, str, str]]:
    """(entry number, method, member ID, verdict) of every record."""
    return [(r.seq, r.method, r.member_id, r.verdict) for r in audit.records(path)]


def entry_numbers(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [seq for (seq,) in conn.execute("SELECT seq FROM audit_entries ORDER BY seq")]
    finally:
        conn.close()


def cli(*argv: str) -> int:
    return main(["audit", *argv])


def caller(n: int = 0) -> audit.Caller:
    return audit.Caller(site_id="site-a", peer=f"ipv4:10.0.0.{n}:5000", request_id=f"req{n}")


def fill(path: Path, count: int) -> None:
    """``count`` Submit entries through the server's writer."""
    trail = audit.AuditTrail(path, KEY)
    try:
        for i in range(count):
            member = member_message(i % len(PEOPLE), member_id=f"M{i}")
            trail.submitted(caller(i), member, "site-a", f"m{i % 3}", "accept").result(timeout=10)
    finally:
        trail.close()


def old_entries(path: Path, count: int, days: int = 40) -> None:
    """``count`` entries of one Verify each, committed ``days`` ago."""
    old = ledger_mod.now_us() - days * DAY_US
    conn = audit.open_store(path)
    conn.execute("BEGIN IMMEDIATE")
    for i in range(count):
        call = {"time_us": old, "method": "Verify", "site": "", "machine": "m", "peer": "p", "request_id": "r"}
        body = json.dumps([{**call, "records": [[f"M{i}", "h", "accept"]]}]).encode()
        audit.append(conn.cursor(), old + i, audit.KIND_CALLS, body)
    conn.execute("COMMIT")
    conn.close()


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def test_kill_9_of_all_workers_mid_storm_keeps_one_chain_with_every_acknowledged_submit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    population, roster = write_tables(tmp_path)
    ledger_path = tmp_path / "ledger.db"
    trail = tmp_path / "ledger.audit.db"
    server = spawn_server(tmp_path, population, roster, f"sqlite:///{ledger_path}", "--workers", "2")
    storm = Storm(server.target).start()
    try:
        # A few lookups interleave with the storm.
        verifier = stub(server.target)
        for i in range(20):
            verifier.Verify(pb.VerifyRequest(member=member_message(i % len(PEOPLE))), timeout=5)
        storm.wait_for_acks(300)
        workers = children_of(server.process.pid)
        deadline = time.monotonic() + 10
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)  # the /proc listing can lag behind the second fork
            workers = children_of(server.process.pid)
        assert len(workers) == 2, server.log()[-3000:]
        for pid in [server.process.pid, *workers]:
            os.kill(pid, signal.SIGKILL)  # no shutdown code runs anywhere
        server.process.wait(timeout=10)
    finally:
        storm.finish()
    acked = dict(storm.acked)
    assert len(acked) >= 300, f"storm too small: {len(acked)} acknowledged, errors {storm.errors}"

    assert cli("verify", "--audit", str(trail)) == 0, capsys.readouterr().out
    rows = audit_rows(trail)
    submitted = {member for _, method, member, _ in rows if method == "Submit"}
    acked_members = {storm.sent[sid].member.member_id for sid in acked}
    assert acked_members <= submitted, "an acknowledged Submit has no audit entry"
    assert sum(1 for row in rows if row[1] == "Verify") > 0
    # The entries of both workers form one chain, without gaps.
    numbers = entry_numbers(trail)
    assert numbers == list(range(1, len(numbers) + 1))

    # A restarted server appends to the same chain.
    restarted = spawn_server(tmp_path, population, roster, f"sqlite:///{ledger_path}", name="restarted")
    try:
        stream = stub(restarted.target).VerifyStream(
            iter([pb.VerifyStreamRequest(members=[member_message(i) for i in range(len(PEOPLE))])]), timeout=10
        )
        assert len(list(stream)) == 1
        assert restarted.terminate() == 0
    finally:
        if restarted.process.poll() is None:
            restarted.kill()
    capsys.readouterr()
    assert cli("verify", "--audit", str(trail)) == 0
    after = audit_rows(trail)
    assert sum(1 for row in after if row[1] == "VerifyStream") == len(PEOPLE)

    # The officer with the key finds the lookups of a citizen; the trail holds no citizen ID.
    citizen = member_message(0).citizen_id
    capsys.readouterr()
    assert (
        cli("who", "--audit", str(trail), "--citizen-id", citizen, "--key-file", str(tmp_path / "ledger.audit.key"))
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    methods = {line.split("\t")[1] for line in lines[1:]}
    assert {"Verify", "VerifyStream", "Submit"} <= methods
    assert citizen.encode() not in trail.read_bytes()

    # Read from standard input, the ID stays out of the shell's history and the
    # process list; the answer is the same.
    monkeypatch.setattr("sys.stdin", io.StringIO(citizen + "\n"))
    assert cli("who", "--audit", str(trail), "--key-file", str(tmp_path / "ledger.audit.key")) == 0
    assert capsys.readouterr().out.splitlines() == lines
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert cli("who", "--audit", str(trail), "--key-file", str(tmp_path / "ledger.audit.key")) == 2


def test_a_tampered_entry_is_reported_with_its_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trail = tmp_path / "audit.db"
    fill(trail, 10)
    assert cli("verify", "--audit", str(trail)) == 0
    assert "10" in capsys.readouterr().out

    conn = sqlite3.connect(trail)
    conn.execute("DROP TRIGGER audit_entries_no_update")  # what an intruder with the file can do
    (body,) = conn.execute("SELECT body FROM audit_entries WHERE seq = 6").fetchone()
    altered = bytes(body).replace(b'"accept"', b'"reject"')
    assert altered != bytes(body)
    conn.execute("UPDATE audit_entries SET body = ? WHERE seq = 6", (altered,))
    conn.commit()
    conn.close()
    assert cli("--lang", "en", "verify", "--audit", str(trail)) == 1
    out = capsys.readouterr().out
    assert "#6" in out and "altered" in out

    fresh = tmp_path / "fresh.db"
    fill(fresh, 10)
    conn = sqlite3.connect(fresh)
    conn.execute("DELETE FROM audit_entries WHERE seq = 4")
    conn.commit()
    conn.close()
    assert cli("verify", "--audit", str(fresh)) == 1
    assert "#4" in capsys.readouterr().out


def test_the_trail_refuses_updates(tmp_path: Path) -> None:
    trail = tmp_path / "audit.db"
    fill(trail, 2)
    conn = sqlite3.connect(trail)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE audit_entries SET time_us = 0 WHERE seq = 1")
    finally:
        conn.close()


def test_purge_keeps_the_chain_verifiable_from_its_new_first_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trail = tmp_path / "audit.db"
    old_entries(trail, 5)
    fill(trail, 3)

    assert cli("purge", "--audit", str(trail), "--older-than", "30") == 0
    assert "5" in capsys.readouterr().out
    assert entry_numbers(trail) == [6, 7, 8, 9]  # three Submits, then the purge entry
    assert [row[1] for row in audit_rows(trail)] == ["Submit"] * 3
    assert cli("verify", "--audit", str(trail)) == 0
    # Nothing past the period: nothing removed, chain unchanged.
    assert cli("purge", "--audit", str(trail), "--older-than", "30") == 0
    assert entry_numbers(trail) == [6, 7, 8, 9]

    # A second purge, of everything, still leaves a verifiable chain.
    assert audit.purge(trail, ledger_mod.now_us() + 1) == 3
    assert cli("verify", "--audit", str(trail)) == 0

    # Removing the first entries without a purge entry is caught.
    fill(trail, 3)
    conn = sqlite3.connect(trail)
    first = conn.execute("SELECT MIN(seq) FROM audit_entries").fetchone()[0]
    conn.execute("DELETE FROM audit_entries WHERE seq <= ?", (first + 1,))
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert cli("verify", "--audit", str(trail)) == 1


@pytest.mark.parametrize("key", [b"short key 16 byt", KEY, b"k" * 100])
def test_citizen_hashes_are_hmac_sha256_of_the_id_without_spaces(key: bytes) -> None:
    expected = hmac.new(key, b"001085012345", hashlib.sha256).hexdigest()
    assert audit.CitizenHasher(key)(" 001 085 012345") == expected


def test_a_stream_waits_while_the_audit_writer_is_behind(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    trail = audit.AuditTrail(path, KEY)
    request = pb.VerifyRequest(member=member_message(0)).SerializeToString()
    answer = pb.VerifyResponse(verification=pb.Verification(verdict=pb.VERDICT_ACCEPT)).SerializeToString()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # the disk stalls: the writer cannot commit
    try:
        trail.looked_up(caller(), [request], [answer], stream=False)
        deadline = time.monotonic() + 10
        while trail.backlog() and time.monotonic() < deadline:  # the writer holds the first call
            time.sleep(0.01)
        for _ in range(audit.MAX_BACKLOG + 10):
            trail.looked_up(caller(), [request], [answer], stream=False)
        with pytest.raises(TimeoutError):
            asyncio.run(asyncio.wait_for(trail.wait_for_room(), 0.2))
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    asyncio.run(asyncio.wait_for(trail.wait_for_room(), 10))
    trail.close()
    assert len(audit_rows(path)) == audit.MAX_BACKLOG + 11
    assert audit.verify_chain(path).ok


def test_a_server_with_a_retention_period_purges_past_it(tmp_path: Path) -> None:
    trail = tmp_path / "audit.db"
    old_entries(trail, 4)
    fill(trail, 2)

    async def first_purge() -> None:
        task = asyncio.create_task(audit.purge_periodically(trail, 30, every_s=3600))
        deadline = time.monotonic() + 10
        while len(entry_numbers(trail)) != 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        task.cancel()

    asyncio.run(first_purge())
    assert entry_numbers(trail) == [5, 6, 7]  # the two Submits and the purge entry
    assert audit.verify_chain(trail).ok


def test_a_submit_whose_audit_record_fails_is_unavailable_and_its_retry_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    population, roster = write_tables(tmp_path)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    ledger = ledger_mod.open_ledger(str(tmp_path / "ledger.db"))
    trail = audit.AuditTrail(tmp_path / "audit.db", KEY)
    config = ServerConfig(population="", roster=None, port=0, ledger="")
    running = asyncio.run_coroutine_threadsafe(
        start_server(config, make_engine(population, roster), ledger, audit=trail), loop
    ).result(timeout=30)
    try:
        verifier = stub(f"127.0.0.1:{running.port}")
        request = pb.SubmitRequest(
            submission_id="s1", member=member_message(0), site_id="site-a", machine_id="m1", officer_id="o1"
        )
        real_append = audit.append

        def full_disk(*args: Any) -> int:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(audit, "append", full_disk)
        with pytest.raises(grpc.RpcError) as failed:
            verifier.Submit(request, timeout=10)
        assert failed.value.code() == grpc.StatusCode.UNAVAILABLE
        monkeypatch.setattr(audit, "append", real_append)
        first = verifier.Submit(request, timeout=10)
        assert first.outcome == pb.SUBMIT_OUTCOME_RECORDED
    finally:
        asyncio.run_coroutine_threadsafe(running.stop(), loop).result(timeout=60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
    assert [(method, member) for _, method, member, _ in audit_rows(tmp_path / "audit.db")] == [
        ("Submit", member_message(0).member_id)
    ]

"""Operating the verifier: private files at rest, Prometheus metrics, JSON logs
whose request ID is the error's reference."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import stat
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
import pytest

from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier import audit
from doichieu.verifier import ledger as ledger_mod
from doichieu.verifier.logs import make_handler
from grpc_harness import (
    InProcessServer,
    WrappedEngine,
    free_port,
    make_engine,
    member_message,
    spawn_server,
    stub,
    write_tables,
)
from test_grpc_audit import old_entries


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def intake(i: int) -> ledger_mod.Intake:
    return ledger_mod.Intake(
        submission_id=f"s{i}",
        member_id=f"M{i}",
        site_id="site-a",
        machine_id="m1",
        officer_id="o1",
        ward="W",
        party_unit="U",
        capture_time_us=ledger_mod.now_us(),
        verdict="accept",
        exclusion_reason="",
        blocking_codes="",
        fingerprint=ledger_mod.fingerprint(f"s{i}".encode()),
    )


def test_ledger_audit_and_key_files_are_private_whatever_the_umask(tmp_path: Path, umask_022: None) -> None:
    ledger = ledger_mod.SqliteLedger(tmp_path / "ledger.db")
    try:
        ledger.submit(intake(1), lambda decision: b"answer").result(timeout=10)
        files = [tmp_path / name for name in ("ledger.db", "ledger.db-wal", "ledger.db-shm")]
        assert all(path.exists() for path in files)
        assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
    finally:
        ledger.close()

    folder = tmp_path / "audit" / "trail"
    key = audit.load_or_create_key(tmp_path / "keys" / "audit.key")
    trail = audit.AuditTrail(folder / "audit.db", key)
    try:
        trail.submitted(
            audit.Caller("site-a", "ipv4:127.0.0.1:1", "r"), member_message(0), "site-a", "m1", "accept"
        ).result(timeout=10)
        for name in ("audit.db", "audit.db-wal", "audit.db-shm"):
            assert mode(folder / name) == 0o600, name
    finally:
        trail.close()
    assert mode(tmp_path / "keys" / "audit.key") == 0o600
    assert mode(tmp_path / "keys") == 0o700
    assert mode(tmp_path / "audit") == 0o700 and mode(folder) == 0o700

    # A key that others may read is refused.
    loose = tmp_path / "loose.key"
    loose.write_text("0123456789abcdef0123")
    loose.chmod(0o644)
    with pytest.raises(audit.AuditError, match="chmod 600"):
        audit.load_key(loose)


def test_metrics_over_loopback_count_the_calls_of_every_worker(tmp_path: Path) -> None:
    population, roster = write_tables(tmp_path)
    port = free_port()
    trail = tmp_path / "ledger.audit.db"
    old_entries(trail, 3)  # past the retention period given below
    server = spawn_server(
        tmp_path,
        population,
        roster,
        f"sqlite:///{tmp_path / 'ledger.db'}",
        "--workers",
        "2",
        "--metrics-port",
        str(port),
        "--log-format",
        "json",
        "--audit-retention-days",
        "30",
    )
    try:
        # Both workers serving, so the calls may land on either.
        deadline = time.monotonic() + 60
        while server.log().count("verifier listening") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        verifier = stub(server.target)
        for i in range(12):
            verifier.Verify(pb.VerifyRequest(member=member_message(i % 3)), timeout=5)
        verifier.Submit(
            pb.SubmitRequest(
                submission_id="one", member=member_message(0), site_id="site-a", machine_id="m1", officer_id="o1"
            ),
            timeout=5,
        )
        answers = list(
            verifier.VerifyStream(iter([pb.VerifyStreamRequest(members=[member_message(i) for i in range(3)])]))
        )
        assert len(answers) == 1
        with pytest.raises(grpc.RpcError) as refused:
            verifier.GetProgress(pb.GetProgressRequest(ward="x" * 10_000), timeout=5)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT

        def scrape() -> dict[str, float]:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
                body = response.read().decode()
            values = {}
            for line in body.splitlines():
                if line and not line.startswith("#"):
                    name, _, value = line.rpartition(" ")
                    values[name] = float(value)
            return values

        values = scrape()
        # The stream's records are counted once the audit writer has committed them.
        for _ in range(50):
            if values.get("doichieu_stream_records_total", 0) >= 3:
                break
            values = scrape()
        assert values['doichieu_calls_total{code="OK",method="Verify"}'] == 12
        assert values['doichieu_calls_total{code="OK",method="Submit"}'] == 1
        assert values['doichieu_calls_total{code="OK",method="VerifyStream"}'] == 1
        assert values['doichieu_calls_total{code="INVALID_ARGUMENT",method="GetProgress"}'] == 1
        assert values['doichieu_call_seconds_count{method="Verify"}'] == 12
        assert values["doichieu_stream_records_total"] == 3
        assert values["doichieu_ledger_commit_seconds_count"] >= 1
        assert values["doichieu_open_streams"] == 0
        assert "doichieu_ledger_queue_depth" in values
        assert server.terminate() == 0
    finally:
        if server.process.poll() is None:
            server.kill()
    assert audit.verify_chain(trail).ok
    assert all(record.member_id not in ("M0", "M1", "M2") for record in audit.records(trail))
    lines = [line for line in server.log().splitlines() if line.strip()]
    parsed = [json.loads(line) for line in lines]
    assert any("metrics on" in line["message"] for line in parsed)
    assert all({"time", "level", "logger", "message", "pid"} <= line.keys() for line in parsed)


def test_an_errors_reference_is_the_request_id_of_its_json_log_lines(tmp_path: Path) -> None:
    population, roster = write_tables(tmp_path)

    def fail(method: str, _data: Any) -> None:
        raise RuntimeError("a bug")

    engine = WrappedEngine(make_engine(population, roster), fail)
    written = io.StringIO()
    handler = make_handler("json", written)
    logger = logging.getLogger("doichieu.verifier")
    logger.addHandler(handler)
    try:
        with InProcessServer(engine, f"sqlite:///{tmp_path / 'ledger.db'}") as server:
            with pytest.raises(grpc.RpcError) as failed:
                stub(server.target).Verify(pb.VerifyRequest(member=member_message(0)), timeout=5)
    finally:
        logger.removeHandler(handler)
    assert failed.value.code() == grpc.StatusCode.INTERNAL
    found = re.search(r"reference ([0-9a-f]+)", failed.value.details() or "")
    assert found is not None
    lines = [json.loads(line) for line in written.getvalue().splitlines()]
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert errors and errors[0]["request_id"] == found.group(1)
    assert "a bug" not in written.getvalue()


def test_replicas_starting_together_share_one_new_audit_key(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: audit.load_or_create_key(path), range(8)))
    assert len(keys) == 1 and len(keys.pop()) == 2 * audit.KEY_BYTES
    assert [p.name for p in tmp_path.iterdir()] == ["audit.key"]

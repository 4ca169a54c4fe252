"""doichieu.client: offline queueing and idempotent replay against a real server."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from doichieu.client import IntakeClient
from doichieu.errors import InvalidInputError
from doichieu.v1 import verifier_pb2 as pb
from grpc_harness import InProcessServer, free_port, make_engine, member, write_tables


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_engine(*write_tables(tmp_path_factory.mktemp("tables")))


def test_offline_intakes_are_queued_and_replayed_exactly_once(engine: Any, tmp_path: Path) -> None:
    port = free_port()
    queue = tmp_path / "queue.db"
    client = IntakeClient(f"127.0.0.1:{port}", queue, site_id="site-A", machine_id="m1", officer_id="o1", timeout=2)
    offline = [client.submit(member(i)) for i in range(3)]
    assert [r.state for r in offline] == ["queued"] * 3
    assert client.pending() == 3
    client.close()

    # The machine restarts; the queue is still there. The line comes back.
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'ledger.db'}", port=port) as server:
        client = IntakeClient(f"127.0.0.1:{port}", queue, site_id="site-A", machine_id="m1", officer_id="o1")
        assert client.pending() == 3
        replayed = client.replay()
        assert [r.submission_id for r in replayed] == [r.submission_id for r in offline]
        assert all(r.state == "sent" and r.response is not None for r in replayed)
        assert all(r.response.outcome == pb.SUBMIT_OUTCOME_RECORDED for r in replayed if r.response)
        assert client.pending() == 0 and client.replay() == []
        assert server.ledger.count() == 3

        # The answer to one of them was lost on the way back: replay sends it again,
        # the server recognises it, nothing is recorded twice.
        lost = replayed[1].submission_id
        db = sqlite3.connect(queue)
        db.execute("UPDATE outbox SET state = 'queued', response = NULL WHERE submission_id = ?", (lost,))
        db.commit()
        db.close()
        again = client.replay()
        assert [r.submission_id for r in again] == [lost]
        assert again[0].response == replayed[1].response
        assert server.ledger.count() == 3

        # Online, a submission goes straight through; the same member again is a duplicate.
        online = client.submit(member(0))
        assert online.state == "sent" and online.response is not None
        assert online.response.outcome == pb.SUBMIT_OUTCOME_ALREADY_SUBMITTED
        assert online.response.prior_submission.submission_id == offline[0].submission_id

        # A refusal is final: kept with its reason, never replayed.
        refused = client.submit(member(5, member_id=""))
        assert refused.state == "failed" and refused.error and "INVALID_ARGUMENT" in refused.error
        assert client.pending() == 0
        assert client.result(refused.submission_id).state == "failed"
        client.close()


def test_client_checks_its_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="machine_id"):
        IntakeClient("127.0.0.1:1", tmp_path / "q.db", machine_id="", officer_id="o")
    client = IntakeClient("127.0.0.1:1", tmp_path / "q.db", site_id="s", machine_id="m", officer_id="o", timeout=1)
    try:
        with pytest.raises(InvalidInputError, match="unknown member fields"):
            client.submit({"member_id": "M1", "full_name": "Nguyễn Văn An", "nickname": "x"})
        with pytest.raises(InvalidInputError, match="expected text"):
            client.submit({"member_id": "M1", "full_name": 42})  # type: ignore[dict-item]
        assert client.pending() == 0
    finally:
        client.close()

"""No name, ID number or birth date in a log record at INFO or above (issue 16):
the verifier serving a generated province (good calls, refused ones, streams,
submissions, progress) and the batch cross-check of the same province, every
logger captured at DEBUG; then every INFO+ record, with its traceback, is
searched for every generated person's names, IDs and birth date."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import grpc
import polars as pl
import pytest

from doichieu.cli import main
from doichieu.v1 import verifier_pb2 as pb
from grpc_harness import InProcessServer, make_engine, stub

MEMBERS = 400
PERSONAL = ("member_id", "full_name", "birth_name", "date_of_birth", "citizen_id", "party_card_number")
POPULATION_PERSONAL = ("citizen_id", "full_name", "other_names", "date_of_birth", "old_id_number")


def personal_values(roster: Path, population: Path) -> set[str]:
    """Every name, ID and birth date of the generated people (short values that
    could occur in ordinary text by chance, under 6 characters, left out)."""
    values: set[str] = set()
    for path, columns in ((roster, PERSONAL), (population, POPULATION_PERSONAL)):
        table = pl.read_csv(path, infer_schema=False).fill_null("")
        for column in columns:
            if column in table.columns:
                for cell in table[column].to_list():
                    values.update(part.strip() for part in cell.split(";") if len(part.strip()) >= 6)
    return values


def test_no_personal_data_at_info_or_above(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from doichieu.generate import generate_province

    caplog.set_level(logging.DEBUG)
    made = generate_province(tmp_path / "province", members=MEMBERS, seed=5)
    roster = pl.read_csv(made.roster, infer_schema=False).fill_null("")
    members = list(roster.iter_rows(named=True))
    fields = [f.name for f in pb.MemberRecord.DESCRIPTOR.fields]

    def message(row: dict[str, str], **changes: str) -> pb.MemberRecord:
        return pb.MemberRecord(**{**{k: v for k, v in row.items() if k in fields}, **changes})

    with InProcessServer(make_engine(made.population, made.roster), f"sqlite:///{tmp_path / 'l.db'}") as server:
        verifier = stub(server.target)
        for row in members[:60]:
            verifier.Verify(pb.VerifyRequest(member=message(row)), timeout=10)
        for row in members[60:70]:
            # Refused records: the refusal names fields, never values.
            with pytest.raises(grpc.RpcError):
                verifier.Verify(
                    pb.VerifyRequest(member=message(row, citizen_id=row["citizen_id"] + "\x07")), timeout=10
                )
            with pytest.raises(grpc.RpcError):
                verifier.Verify(
                    pb.VerifyRequest(member=message(row, full_name=row["full_name"] + "\u202e")), timeout=10
                )
        for row in members[70:100]:
            verifier.Submit(
                pb.SubmitRequest(
                    submission_id=str(uuid.uuid4()), member=message(row), site_id="s1", machine_id="m1", officer_id="o1"
                ),
                timeout=10,
            )
        chunks = [
            pb.VerifyStreamRequest(members=[message(r) for r in members[i : i + 100]]) for i in range(0, 400, 100)
        ]
        assert len(list(verifier.VerifyStream(iter(chunks), timeout=30))) == len(chunks)
        verifier.GetProgress(pb.GetProgressRequest(), timeout=10)
    assert (
        main(
            [
                "revalidate",
                "--roster",
                str(made.roster),
                "--population",
                str(made.population),
                "--out",
                str(tmp_path / "out"),
            ]
        )
        == 0
    )

    secrets = personal_values(made.roster, made.population)
    assert len(secrets) > MEMBERS
    loud = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert loud, "the run logged nothing at INFO: the search would prove nothing"
    for record in loud:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        leaked = [value for value in secrets if value in text]
        assert not leaked, f"{record.name} {record.levelname}: {leaked[:3]}"

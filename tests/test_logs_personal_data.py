"""No name, ID number or birth date in a log record at INFO or above (issue 16).

`doichieu serve` on a generated province with its log at DEBUG serves good and
refused Verify calls, submissions, a stream and a progress report; `doichieu
simulate -vv` (a batch command whose debug lines name members) drives it
through an intake day; `doichieu revalidate` cross-checks the same province with
every logger captured at DEBUG. Then every INFO+ record of the three, with its
traceback, is searched for every generated person's names, IDs and birth date;
DEBUG must have been captured, and the search must find a value planted in an
INFO record (so that it can fail).
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import uuid
from pathlib import Path

import grpc
import polars as pl
import pytest

from doichieu.cli import main
from doichieu.v1 import verifier_pb2 as pb
from grpc_harness import spawn_server, stub

MEMBERS = 400
PERSONAL = ("member_id", "full_name", "birth_name", "date_of_birth", "citizen_id", "party_card_number")
POPULATION_PERSONAL = ("citizen_id", "full_name", "other_names", "date_of_birth", "old_id_number")
#: The start of a record in the commands' log format ("%(asctime)s %(levelname)s %(name)s: ...").
RECORD_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")
LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARNING": logging.WARNING, "ERROR": logging.ERROR}


def personal_values(roster: Path, population: Path) -> set[str]:
    """Every name, ID and birth date of the generated people (values under 6
    characters, which ordinary text could hold by chance, left out)."""
    values: set[str] = set()
    for path, columns in ((roster, PERSONAL), (population, POPULATION_PERSONAL)):
        table = pl.read_csv(path, infer_schema=False).fill_null("")
        for column in columns:
            if column in table.columns:
                for cell in table[column].to_list():
                    values.update(part.strip() for part in cell.split(";") if len(part.strip()) >= 6)
    return values


def records_of(text: str) -> list[tuple[int, str]]:
    """(level, text with continuation lines such as a traceback) per record of a command's log."""
    records: list[tuple[int, str]] = []
    for line in text.splitlines():
        start = RECORD_START.match(line)
        if start:
            records.append((LEVELS.get(start.group(1), logging.CRITICAL), line))
        elif records:
            records[-1] = (records[-1][0], records[-1][1] + "\n" + line)
        else:
            records.append((logging.CRITICAL, line))  # output before any record counts as loud
    return records


def leaks(records: list[tuple[int, str]], secrets: set[str]) -> list[str]:
    return [
        f"{value!r} in {text[:200]!r}"
        for level, text in records
        if level >= logging.INFO
        for value in secrets
        if value in text
    ]


def test_no_personal_data_at_info_or_above(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from doichieu.generate import generate_province

    made = generate_province(tmp_path / "province", members=MEMBERS, seed=5)
    members = list(pl.read_csv(made.roster, infer_schema=False).fill_null("").iter_rows(named=True))
    fields = {f.name for f in pb.MemberRecord.DESCRIPTOR.fields}

    def message(row: dict[str, str], **changes: str) -> pb.MemberRecord:
        return pb.MemberRecord(**{**{k: v for k, v in row.items() if k in fields}, **changes})

    server = spawn_server(
        tmp_path, made.population, made.roster, f"sqlite:///{tmp_path / 'l.db'}", "--log-level", "debug"
    )
    try:
        verifier = stub(server.target)
        for row in members[:40]:
            verifier.Verify(pb.VerifyRequest(member=message(row)), timeout=10)
        for row in members[40:45]:
            # Refused records: a refusal names fields, never their values.
            for bad in ({"citizen_id": row["citizen_id"] + "\x07"}, {"full_name": row["full_name"] + "\u202e"}):
                with pytest.raises(grpc.RpcError):
                    verifier.Verify(pb.VerifyRequest(member=message(row, **bad)), timeout=10)
        for row in members[45:60]:
            request = pb.SubmitRequest(
                submission_id=str(uuid.uuid4()), member=message(row), site_id="s1", machine_id="m1", officer_id="o1"
            )
            verifier.Submit(request, timeout=10)
        chunks = [pb.VerifyStreamRequest(members=[message(r) for r in members[i : i + 100]]) for i in (0, 100, 200)]
        assert len(list(verifier.VerifyStream(iter(chunks), timeout=30))) == len(chunks)
        verifier.GetProgress(pb.GetProgressRequest(), timeout=10)
        simulation = subprocess.run(
            [sys.executable, "-m", "doichieu", "simulate", "--server", server.target, "--roster", str(made.roster),
             "--sites", "1", "--machines", "2", "--days", "1", "--as-fast-as-possible", "--seed", "3", "-vv"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    finally:
        assert server.terminate() == 0
    with caplog.at_level(logging.DEBUG):
        assert main(["revalidate", "--roster", str(made.roster), "--population", str(made.population),
                     "--out", str(tmp_path / "out")]) == 0  # fmt: skip

    secrets = personal_values(made.roster, made.population)
    assert len(secrets) > MEMBERS
    served, simulated = records_of(server.log()), records_of(simulation.stderr)
    revalidated = [
        (r.levelno, r.getMessage() + (logging.Formatter().formatException(r.exc_info) if r.exc_info else ""))
        for r in caplog.records
    ]
    assert simulation.returncode == 0, simulation.stderr[-2000:]
    assert any(level == logging.INFO for level, _ in served), "the server logged nothing at INFO"
    assert any(level == logging.INFO for level, _ in simulated), "the simulation logged nothing at INFO"
    assert any(level == logging.DEBUG for level, _ in served + simulated), "DEBUG was not captured"
    # The search finds a value where there is one, and only at INFO and above.
    planted = f"checked {members[7]['full_name']} ({members[7]['citizen_id']})"
    assert leaks([(logging.INFO, planted)], secrets) and not leaks([(logging.DEBUG, planted)], secrets)
    for name, records in (("serve", served), ("simulate", simulated), ("revalidate", revalidated)):
        found = leaks(records, secrets)
        assert not found, f"{name}: {found[:3]}"

"""`doichieu simulate` and `doichieu progress` against a real verifier on a generated province."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from doichieu.cli import main
from doichieu.simulate import SimulationConfig, load_members, plan, run
from doichieu.v1 import verifier_pb2 as pb
from grpc_harness import InProcessServer, Province, generated_province, make_engine, stub


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    return generated_province(tmp_path_factory.mktemp("province"), members=3000, seed=5)


@pytest.fixture
def server(province: Province, tmp_path: Path) -> Iterator[InProcessServer]:
    engine = make_engine(province.population, province.roster)
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'ledger.db'}") as running:
        yield running


def test_the_plan_books_whole_wards_or_party_organisations(province: Province) -> None:
    members = load_members(str(province.roster), None)
    assert len(members) == len({m["member_id"] for m in province.members})
    machines = plan(members, sites=2, machines=7)
    assert [m.key for m in machines][:3] == ["site-1/m-01", "site-2/m-02", "site-1/m-03"]
    assert sum(len(m.members) for m in machines) == len(members)
    # A ward (or, with fewer wards than sites, a party organisation) goes to one site only.
    wards = {m["ward"] for m in members}
    key = "ward" if len(wards) >= 2 else "party_unit"
    site_of: dict[str, set[str]] = {}
    for machine in machines:
        for member in machine.members:
            site_of.setdefault(member[key], set()).add(machine.site)
    assert all(len(sites) == 1 for sites in site_of.values())
    # Machines of one site share its list evenly.
    sizes = [len(m.members) for m in machines if m.site == "site-1"]
    assert max(sizes) - min(sizes) <= 1


def test_simulated_day_reaches_the_server_and_progress_shows_it(
    province: Province, server: InProcessServer, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    config = SimulationConfig(
        target=server.target,
        roster=str(province.roster),
        sites=2,
        machines=7,
        days=0.5,
        as_fast_as_possible=True,
        exclude=0.03,
        duplicates=0.03,
        outages=1.0,
        lost_answers=0.05,
        seed=3,
    )
    summary = run(config)
    assert summary.failed == 0 and summary.still_queued == 0
    assert summary.outages > 0 and summary.offline_queued > 0
    assert summary.replayed == summary.offline_queued
    assert summary.duplicates_sent > 0 and summary.duplicates_caught >= summary.duplicates_sent
    assert summary.lost_answers_resent > 0 and summary.resent_same_answer == summary.lost_answers_resent
    assert summary.excluded > 0
    # Half a working day at 250 a machine: about 125 intakes each.
    assert 7 * 110 <= summary.slots <= 7 * 125

    report = stub(server.target).GetProgress(pb.GetProgressRequest(), timeout=10)
    total = report.total
    assert total.done == summary.verdicts["accept"]
    assert total.blocked == summary.verdicts["review"] + summary.verdicts["reject"]
    assert total.excluded == summary.excluded
    assert report.active_machines == 7
    assert sum(m.intakes for m in report.machines) == total.done + total.blocked
    # The capture times span the simulated half day, so the observed rate is the pace.
    assert 200 <= report.observed_per_machine_per_day <= 260
    assert server.ledger.count() == summary.submitted

    text = caplog.text
    for member in province.members[:500]:
        assert member["member_id"] not in text and member["full_name"] not in text

    # The province is far from done: a deadline two hours away will be missed.
    deadline = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    assert main(["--lang", "en", "progress", "--server", server.target, "--deadline", deadline, "--units", "3"]) == 0
    shown = capsys.readouterr().out
    assert "Will miss the deadline" in shown
    for ward in report.wards:
        assert ward.key in shown
    assert "site-2/m-06" in shown and "Party organisations" in shown


def test_progress_says_when_the_server_is_not_there(capsys: pytest.CaptureFixture[str]) -> None:
    from grpc_harness import free_port

    assert main(["progress", "--server", f"127.0.0.1:{free_port()}", "--timeout", "2"]) == 2
    assert "GetProgress" in capsys.readouterr().err


def test_simulate_refuses_a_window_in_the_future(province: Province) -> None:
    from doichieu.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="future"):
        run(
            SimulationConfig(
                target="127.0.0.1:1", roster=str(province.roster), end=datetime.now(UTC) + timedelta(days=1)
            )
        )


def test_simulate_command_line(province: Province, server: InProcessServer, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "--lang",
            "en",
            "simulate",
            "--server",
            server.target,
            "--roster",
            str(province.roster),
            "--days",
            "0.1",
            "--as-fast-as-possible",
            "--sites",
            "2",
            "--machines",
            "3",
            "--seed",
            "1",
        ]
    )
    shown = capsys.readouterr().out
    assert code == 0, shown
    assert "Intake simulation" in shown and "site-2/m-02" in shown
    report = stub(server.target).GetProgress(pb.GetProgressRequest(), timeout=10)
    assert report.active_machines == 3
    assert 3 * 20 <= report.total.done + report.total.blocked <= 3 * 26

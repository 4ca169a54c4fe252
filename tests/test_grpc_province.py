"""The verifier end to end through the real record model, on a generated province.

`doichieu generate` plants discrepancies and writes down which finding each one
must raise (its truth files). These tests send the province's roster over gRPC
and check that the verdicts and finding codes that come back are the planted
ones, by unary Verify, by VerifyStream and by Submit, and that Submit's
duplicate detection and GetProgress count what was sent.

Two questions are kept apart: the wire must answer exactly what the record
model answers in this process, for every member; and the record model must find
what was planted (here: for nearly every member, and every planted code at
least once; its per-code recall and precision are the record model's own tests).
"""

from __future__ import annotations

import collections
import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier.service import VERDICT_NAMES
from grpc_harness import (
    InProcessServer,
    Province,
    assert_answers,
    generated_province,
    make_engine,
    spawn_server,
    stub,
)

SEVERITY = {pb.SEVERITY_INFO: "info", pb.SEVERITY_REVIEW: "review", pb.SEVERITY_ERROR: "error"}


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    return generated_province(tmp_path_factory.mktemp("province"), members=4000, seed=11)


@pytest.fixture(scope="module")
def engine(province: Province) -> Any:
    return make_engine(province.population, province.roster)


@pytest.fixture
def server(engine: Any, tmp_path: Path) -> Iterator[InProcessServer]:
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'ledger.db'}") as running:
        yield running


def message(member: dict[str, str]) -> pb.MemberRecord:
    return pb.MemberRecord(**member)


def codes(verification: pb.Verification) -> set[str]:
    return {f.code for f in verification.findings}


def sample(province: Province, per_code: int = 3, clean: int = 40, seed: int = 5) -> list[dict[str, str]]:
    """A few members of every planted code, and some with nothing planted."""
    rng = random.Random(seed)
    by_code: dict[str, list[dict[str, str]]] = collections.defaultdict(list)
    for member in province.members:
        for code in province.truth.get(member["member_id"], ()):
            by_code[code].append(member)
    chosen = {
        m["member_id"]: m for members in by_code.values() for m in rng.sample(members, min(per_code, len(members)))
    }
    plain = [m for m in province.members if m["member_id"] not in province.truth]
    chosen.update((m["member_id"], m) for m in rng.sample(plain, clean))
    return list(chosen.values())


def test_the_province_has_something_of_everything(province: Province) -> None:
    planted = {c for found in province.truth.values() for c in found}
    assert len(planted) >= 15, planted
    assert planted <= {c for found in province.found.values() for c in found}
    disagree = [m["member_id"] for m in province.members if not province.agrees_with_truth(m["member_id"])]
    assert len(disagree) <= len(province.members) // 100, disagree[:20]
    wards = {m["ward"] for m in province.members}
    assert len(wards) >= 2
    verdicts = collections.Counter(province.verdict(m["member_id"]) for m in province.members)
    assert set(verdicts) == {"accept", "review", "reject"}


def test_verify_answers_the_planted_findings_and_verdicts(province: Province, server: InProcessServer) -> None:
    verifier = stub(server.target)
    chosen = sample(province)
    planted = 0
    for member in chosen:
        answer = verifier.Verify(pb.VerifyRequest(member=message(member)), timeout=10).verification
        member_id = member["member_id"]
        assert codes(answer) == province.expected(member_id), member_id
        assert VERDICT_NAMES[answer.verdict] == province.verdict(member_id), member_id
        planted += province.agrees_with_truth(member_id)
        for finding in answer.findings:
            assert SEVERITY[finding.severity] == province.severity[finding.code]
            assert finding.owner != pb.OWNER_UNSPECIFIED and finding.message_vi and finding.message_en
    assert planted >= 0.95 * len(chosen)


def test_verify_shows_what_was_sent_the_alignment_and_masked_candidates(
    province: Province, server: InProcessServer
) -> None:
    """Minimal disclosure (the default since issue 16; it showed the population's
    values, the matched record and whole candidate records before)."""
    verifier = stub(server.target)

    def first_with(code: str) -> pb.Verification:
        member = next(
            m
            for m in province.members
            if code in province.truth.get(m["member_id"], ()) and province.agrees_with_truth(m["member_id"])
        )
        return verifier.Verify(pb.VerifyRequest(member=message(member)), timeout=10).verification

    dob = first_with("DOB_MISMATCH")
    finding = next(f for f in dob.findings if f.code == "DOB_MISMATCH")
    assert finding.field == "date_of_birth" and finding.party_value and not finding.population_value
    assert not dob.HasField("matched_record")

    lost = first_with("NAME_DIACRITICS_MISSING")
    assert lost.HasField("name_alignment")
    assert "diacritics_missing" in {s.relation for s in lost.name_alignment.syllables}
    assert not any(s.population_text for s in lost.name_alignment.syllables)

    missing = first_with("CITIZEN_ID_MISSING")
    assert not missing.HasField("matched_record")
    assert missing.candidates
    for candidate in missing.candidates:
        shown = candidate.record.citizen_id
        assert shown.startswith("********") and len(shown) == 12 and shown[-4:].isdigit()
        assert candidate.record == pb.PopulationRecord(citizen_id=shown)


def test_stream_answers_the_whole_roster_as_planted(province: Province, server: InProcessServer) -> None:
    verifier = stub(server.target)
    members = province.members
    sizes = [1, 999, 1000, 37, 500]

    def requests() -> Iterator[pb.VerifyStreamRequest]:
        start = 0
        for k in range(len(members)):
            if start >= len(members):
                return
            size = sizes[k % len(sizes)]
            yield pb.VerifyStreamRequest(members=[message(m) for m in members[start : start + size]])
            start += size

    answers = [v for response in verifier.VerifyStream(requests(), timeout=60) for v in response.verifications]
    assert len(answers) == len(members)
    wrong = [
        m["member_id"]
        for m, v in zip(members, answers)
        if codes(v) != province.expected(m["member_id"]) or VERDICT_NAMES[v.verdict] != province.verdict(m["member_id"])
    ]
    assert wrong == []
    planted = sum(codes(v) == province.truth.get(m["member_id"], set()) for m, v in zip(members, answers))
    assert planted >= 0.99 * len(members)


def submit(verifier: Any, member: dict[str, str], site: str, machine: str, **extra: Any) -> pb.SubmitResponse:
    request = pb.SubmitRequest(
        submission_id=str(uuid.uuid4()),
        member=message(member),
        site_id=site,
        machine_id=machine,
        officer_id="cb-1",
        **extra,
    )
    answer: pb.SubmitResponse = verifier.Submit(request, timeout=10)
    return answer


def test_submit_catches_the_same_member_at_another_site(province: Province, server: InProcessServer) -> None:
    verifier = stub(server.target)
    clean = [m for m in province.members if province.verdict(m["member_id"]) == "accept"][:5]
    for member in clean:
        first = submit(verifier, member, "site-1", "m-01")
        assert first.outcome == pb.SUBMIT_OUTCOME_RECORDED and first.verification.verdict == pb.VERDICT_ACCEPT
        again = submit(verifier, member, "site-2", "m-05")
        assert again.outcome == pb.SUBMIT_OUTCOME_ALREADY_SUBMITTED
        prior = again.prior_submission
        assert (prior.submission_id, prior.site_id, prior.machine_id) == (first.submission_id, "site-1", "m-01")
        assert prior.verdict == pb.VERDICT_ACCEPT

    # A blocked member comes back after the correction: the new intake replaces it.
    blocked = next(m for m in province.members if province.verdict(m["member_id"]) == "review")
    held = submit(verifier, blocked, "site-1", "m-02")
    assert held.outcome == pb.SUBMIT_OUTCOME_RECORDED and codes(held.verification) == province.expected(
        blocked["member_id"]
    )
    retaken = submit(verifier, blocked, "site-2", "m-06")
    assert retaken.outcome == pb.SUBMIT_OUTCOME_RECORDED
    assert retaken.prior_submission.submission_id == held.submission_id


def test_submit_catches_the_same_person_under_another_member_id(province: Province, server: InProcessServer) -> None:
    """The roster holds some people twice under two member IDs (the generator's
    planted duplicates); the second intake of such a person, at another site, is
    already submitted. Two people sharing a lent citizen number are not merged."""
    import polars as pl

    verifier = stub(server.target)
    rows = {m["member_id"]: m for m in province.members}
    pairs = pl.read_csv(province.folder / "truth_duplicates.csv", infer_schema=False)
    same_person = [
        (a, b)
        for a, b, cause in pairs.select("member_id_a", "member_id_b", "cause").iter_rows()
        if cause != "borrowed_id" and a != b and province.verdict(a) == "accept"
    ]
    assert len(same_person) >= 5
    for a, b in same_person[:8]:
        first = submit(verifier, rows[a], "site-1", "m-01")
        assert first.outcome == pb.SUBMIT_OUTCOME_RECORDED
        second = submit(verifier, rows[b], "site-2", "m-05")
        assert second.outcome == pb.SUBMIT_OUTCOME_ALREADY_SUBMITTED, (a, b)
        assert (second.prior_submission.submission_id, second.prior_submission.site_id) == (
            first.submission_id,
            "site-1",
        )
    lent = [
        (a, b)
        for a, b, cause in pairs.select("member_id_a", "member_id_b", "cause").iter_rows()
        if cause == "borrowed_id" and province.verdict(a) == "accept"
    ]
    for a, b in lent[:3]:
        assert submit(verifier, rows[a], "site-1", "m-02").outcome == pb.SUBMIT_OUTCOME_RECORDED
        assert submit(verifier, rows[b], "site-2", "m-06").outcome != pb.SUBMIT_OUTCOME_ALREADY_SUBMITTED


def test_progress_counts_what_was_submitted(province: Province, server: InProcessServer) -> None:
    verifier = stub(server.target)
    rng = random.Random(3)
    # One row per member on the required list (the first row of a member_id).
    roster: dict[str, dict[str, str]] = {}
    for m in province.members:
        roster.setdefault(m["member_id"], m)
    chosen = rng.sample(sorted(roster), 300)
    excluded, intakes = chosen[:20], chosen[20:]
    done = blocked = 0
    by_code: collections.Counter[str] = collections.Counter()
    per_ward: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for k, member_id in enumerate(intakes):
        member = roster[member_id]
        machine = k % 7 + 1  # machines 1-4 at site-1, 5-7 at site-2
        answer = submit(verifier, member, "site-1" if machine <= 4 else "site-2", f"m-{machine:02d}")
        assert answer.outcome == pb.SUBMIT_OUTCOME_RECORDED
        if province.verdict(member_id) == "accept":
            done += 1
            per_ward[member["ward"]]["done"] += 1
        else:
            blocked += 1
            per_ward[member["ward"]]["blocked"] += 1
            by_code.update(province.blocking(member_id))
        if k % 40 == 0:
            # A second site takes the same member again: not counted twice.
            again = submit(verifier, member, "site-3", "m-99")
            expected = (
                pb.SUBMIT_OUTCOME_ALREADY_SUBMITTED
                if province.verdict(member_id) == "accept"
                else pb.SUBMIT_OUTCOME_RECORDED
            )
            assert again.outcome == expected
    for member_id in excluded:
        answer = submit(verifier, roster[member_id], "site-1", "m-01", exclusion_reason=pb.EXCLUSION_REASON_ABROAD)
        assert answer.outcome == pb.SUBMIT_OUTCOME_EXCLUDED and not answer.HasField("verification")
        per_ward[roster[member_id]["ward"]]["excluded"] += 1

    report = verifier.GetProgress(pb.GetProgressRequest(), timeout=10)
    total = report.total
    assert total.required == len(roster)
    assert (total.done, total.blocked, total.excluded) == (done, blocked, len(excluded))
    assert total.remaining == len(roster) - len(chosen)
    assert dict(total.excluded_by_reason) == {"abroad": len(excluded)}
    assert dict(total.blocked_by_code) == dict(by_code)
    required = collections.Counter(m["ward"] for m in roster.values())
    for ward in report.wards:
        assert ward.required == required[ward.key]
        counts = per_ward[ward.key]
        assert (ward.done, ward.blocked, ward.excluded) == (counts["done"], counts["blocked"], counts["excluded"])
    # Cell names repeat from ward to ward: each organisation is its ward's.
    units = collections.Counter(f"{m['ward']}/{m['party_unit']}" for m in roster.values())
    assert len(units) > len({m["party_unit"] for m in roster.values()})
    assert {u.key: u.required for u in report.party_units} == dict(units)
    assert {s.key for s in report.sites} == {"site-1", "site-2", "site-3"}
    assert report.active_machines == 8  # m-01..m-07 and site-3's m-99
    assert len(report.machines) == 8
    assert report.HasField("projected_completion_at_target")


def test_doichieu_serve_answers_from_the_generated_files(province: Province, tmp_path: Path) -> None:
    child = spawn_server(tmp_path, province.population, province.roster, f"sqlite:///{tmp_path / 'ledger.db'}")
    try:
        channel = grpc.insecure_channel(child.target)
        health = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="doichieu.v1.Verifier"), timeout=10
        )
        assert health.status == health_pb2.HealthCheckResponse.SERVING
        verifier = stub(child.target)
        for member in sample(province, per_code=1, clean=5):
            answer = verifier.Verify(pb.VerifyRequest(member=message(member)), timeout=10).verification
            assert codes(answer) == province.expected(member["member_id"])
        report = verifier.GetProgress(pb.GetProgressRequest(), timeout=10)
        assert report.total.required == len({m["member_id"] for m in province.members})
        channel.close()
    finally:
        assert child.terminate() == 0
    assert "HT0" not in child.log()  # no member ids (nor names) in the server's log


def test_the_wire_answers_what_the_record_model_answers(province: Province, engine: Any) -> None:
    """Verify and VerifyStream read the compiled index directly; their messages
    carry what ``PopulationIndex.verify`` answers for every member of the province."""
    from doichieu.verifier.validation import FIELD_CAPS

    members = [message(m) for m in province.members]
    for member, row in zip(members, province.members):
        data = pb.VerifyRequest(member=member).SerializeToString()
        one = pb.VerifyResponse.FromString(
            engine.wire.verify_request_bytes(data, FIELD_CAPS, full_disclosure=True)
        ).verification
        assert_answers(one, engine.index.verify(row), what=member.member_id)
    stream = pb.VerifyStreamRequest(members=members).SerializeToString()
    (bulk,) = engine.wire.verify_stream_bytes([stream], 0, FIELD_CAPS, len(members), full_disclosure=True)
    answers = pb.VerifyStreamResponse.FromString(bulk).verifications
    assert len(answers) == len(members)
    for position, (answer, row) in enumerate(zip(answers, province.members)):
        # Stream rows are keyed by position.
        expected = engine.index.verify(row | {"member_id": str(position)})
        assert_answers(answer, expected, bulk=True, what=row["member_id"])

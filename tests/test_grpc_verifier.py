"""doichieu.v1.Verifier end to end: a real server on 127.0.0.1, real gRPC calls."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import timestamp_pb2
from google.rpc import code_pb2, error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_status import rpc_status

from doichieu._engine import finding_codes
from doichieu.v1 import verifier_pb2 as pb
from grpc_harness import (
    PEOPLE,
    InProcessServer,
    WrappedEngine,
    finding_fields,
    make_engine,
    member,
    member_message,
    stub,
    write_tables,
)


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_tables(tmp_path_factory.mktemp("tables"))


@pytest.fixture(scope="module")
def engine(tables: tuple[Path, Path]) -> Any:
    return make_engine(*tables)


@pytest.fixture
def server(engine: Any, tmp_path: Path) -> Iterator[InProcessServer]:
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'ledger.db'}") as running:
        yield running


def bad_request(error: grpc.RpcError) -> dict[str, str]:
    """Field -> description from the google.rpc.BadRequest detail of an error."""
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None and status.code == code_pb2.INVALID_ARGUMENT
    found: dict[str, str] = {}
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            request = error_details_pb2.BadRequest()
            detail.Unpack(request)
            found.update({v.field: v.description for v in request.field_violations})
    assert found, "INVALID_ARGUMENT without field violations"
    return found


def submit_request(
    i: int, *, site: str = "site-A", machine: str = "m1", sid: str | None = None, **changes: str
) -> pb.SubmitRequest:
    return pb.SubmitRequest(
        submission_id=sid or str(uuid.uuid4()),
        member=member_message(i, **changes),
        site_id=site,
        machine_id=machine,
        officer_id="officer-7",
    )


# ---------------------------------------------------------------- Verify


def test_verify_answers_verdict_findings_and_alignment_without_population_values(server: InProcessServer) -> None:
    """Minimal disclosure (the default; the rule changed deliberately in issue 16):
    no matched record, no population value in a finding or its message."""
    verifier = stub(server.target)
    clean = verifier.Verify(pb.VerifyRequest(member=member_message(0)), timeout=10).verification
    assert clean.verdict == pb.VERDICT_ACCEPT
    assert not clean.HasField("matched_record")
    assert clean.name_alignment.kind in ("identical", "equivalent")
    assert [s.relation for s in clean.name_alignment.syllables] == ["same"] * 3
    assert [s.population_text for s in clean.name_alignment.syllables] == [""] * 3

    wrong_dob = verifier.Verify(pb.VerifyRequest(member=member_message(1, date_of_birth="05/11/1983")), timeout=10)
    findings = {f.code: f for f in wrong_dob.verification.findings}
    assert wrong_dob.verification.verdict == pb.VERDICT_REVIEW
    dob = findings["DOB_MISMATCH"]
    assert (dob.field, dob.severity, dob.owner) == ("date_of_birth", pb.SEVERITY_REVIEW, pb.OWNER_PARTY_BOARD)
    assert "1983" in dob.party_value and dob.population_value == ""
    assert dob.message_vi and dob.message_en
    assert "1982" not in wrong_dob.SerializeToString().decode("utf-8", errors="replace")


def test_verify_has_no_side_effects(server: InProcessServer) -> None:
    verifier = stub(server.target)
    for _ in range(3):
        verifier.Verify(pb.VerifyRequest(member=member_message(2)), timeout=10)
    assert server.ledger.count() == 0


def test_bad_input_answers_field_violations(server: InProcessServer) -> None:
    verifier = stub(server.target)
    with pytest.raises(grpc.RpcError) as missing:
        verifier.Verify(pb.VerifyRequest(), timeout=10)
    assert bad_request(missing.value) == {"member": "required"}

    with pytest.raises(grpc.RpcError) as hostile:
        verifier.Verify(
            pb.VerifyRequest(member=member_message(0, full_name="A" * 5000, citizen_id="0010701\x0023456")), timeout=10
        )
    violations = bad_request(hostile.value)
    assert set(violations) == {"member.full_name", "member.citizen_id"}
    assert "cap" in violations["member.full_name"]
    assert "control" in violations["member.citizen_id"]

    with pytest.raises(grpc.RpcError) as empty_submit:
        verifier.Submit(pb.SubmitRequest(member=member_message(0, member_id="")), timeout=10)
    assert set(bad_request(empty_submit.value)) == {
        "submission_id",
        "site_id",
        "machine_id",
        "officer_id",
        "member.member_id",
    }

    future = timestamp_pb2.Timestamp()
    future.FromSeconds(int(time.time()) + 86_400)
    request = submit_request(0)
    request.capture_time.CopyFrom(future)
    with pytest.raises(grpc.RpcError) as clock:
        verifier.Submit(request, timeout=10)
    assert set(bad_request(clock.value)) == {"capture_time"}
    assert server.ledger.count() == 0


def test_message_size_is_capped(server: InProcessServer) -> None:
    verifier = stub(server.target)
    with pytest.raises(grpc.RpcError) as huge:
        verifier.Verify(pb.VerifyRequest(member=member_message(0, hometown="x" * (5 * 1024 * 1024))), timeout=10)
    assert huge.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


# ---------------------------------------------------------------- Submit


def test_submit_records_once_and_a_retry_returns_the_first_answer(server: InProcessServer) -> None:
    verifier = stub(server.target)
    request = submit_request(0)
    first = verifier.Submit(request, timeout=10)
    assert first.outcome == pb.SUBMIT_OUTCOME_RECORDED
    assert first.verification.verdict == pb.VERDICT_ACCEPT
    assert first.site_id == "site-A" and not first.HasField("prior_submission")
    again = verifier.Submit(request, timeout=10)
    assert again == first
    assert server.ledger.count() == 1

    # The same id for another intake is refused, not overwritten.
    reused = submit_request(1, sid=request.submission_id)
    with pytest.raises(grpc.RpcError) as conflict:
        verifier.Submit(reused, timeout=10)
    assert "submission_id" in bad_request(conflict.value)
    assert verifier.Submit(request, timeout=10) == first


def test_second_intake_elsewhere_says_where_and_when(server: InProcessServer) -> None:
    verifier = stub(server.target)
    first = verifier.Submit(submit_request(3, site="site-A", machine="m1"), timeout=10)
    assert first.outcome == pb.SUBMIT_OUTCOME_RECORDED
    second = verifier.Submit(submit_request(3, site="site-B", machine="m9"), timeout=10)
    assert second.outcome == pb.SUBMIT_OUTCOME_ALREADY_SUBMITTED
    prior = second.prior_submission
    assert (prior.submission_id, prior.site_id, prior.machine_id) == (first.submission_id, "site-A", "m1")
    assert prior.record_time == first.record_time
    assert prior.verdict == pb.VERDICT_ACCEPT
    assert server.ledger.count() == 2


def test_a_blocked_member_can_come_back_after_correction(server: InProcessServer) -> None:
    verifier = stub(server.target)
    blocked = verifier.Submit(submit_request(1, date_of_birth="05/11/1983"), timeout=10)
    assert blocked.outcome == pb.SUBMIT_OUTCOME_RECORDED
    assert blocked.verification.verdict == pb.VERDICT_REVIEW
    corrected = verifier.Submit(submit_request(1, site="site-B"), timeout=10)
    assert corrected.outcome == pb.SUBMIT_OUTCOME_RECORDED
    assert corrected.prior_submission.submission_id == blocked.submission_id
    assert corrected.prior_submission.verdict == pb.VERDICT_REVIEW


def test_concurrent_submits_of_one_member_record_exactly_one(server: InProcessServer) -> None:
    verifier = stub(server.target)
    answers: list[pb.SubmitResponse] = []
    lock = threading.Lock()

    def one(site: str) -> None:
        answer = verifier.Submit(submit_request(4, site=site), timeout=20)
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=one, args=(f"site-{k}",)) for k in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = sorted(a.outcome for a in answers)
    assert outcomes.count(pb.SUBMIT_OUTCOME_RECORDED) == 1
    assert outcomes.count(pb.SUBMIT_OUTCOME_ALREADY_SUBMITTED) == 11


# ---------------------------------------------------------------- VerifyStream


def chunks(sizes: Sequence[int]) -> Iterator[pb.VerifyStreamRequest]:
    for size in sizes:
        yield pb.VerifyStreamRequest(members=[member_message(i % len(PEOPLE)) for i in range(size)])


def test_stream_answers_each_chunk_in_order(server: InProcessServer, engine: Any) -> None:
    verifier = stub(server.target)
    sizes = [1, 7, 250, 3, 1000, 40]
    responses = list(verifier.VerifyStream(chunks(sizes), timeout=30))
    assert [len(r.verifications) for r in responses] == sizes

    # Bulk answers carry verdicts and findings; matched record and name alignment are Verify's.
    def essence(v: pb.Verification) -> tuple[str, list[tuple[str, ...]]]:
        return pb.Verdict.Name(v.verdict).removeprefix("VERDICT_").lower(), [finding_fields(f) for f in v.findings]

    # The reference is the record model's own verdict for each person.
    # Minimal disclosure: no population value, the code's summary for a message.
    summaries = {row["code"]: (row["summary_vi"], row["summary_en"]) for row in finding_codes()}
    people = [engine.index.verify(member(i)) for i in range(len(PEOPLE))]
    expected = [
        (
            v.verdict,
            [(f.code, f.field, f.severity, f.owner, f.party_value, "", *summaries[f.code]) for f in v.findings],
        )
        for v in people
    ]
    for response in responses:
        assert response.verifications and not any(v.HasField("matched_record") for v in response.verifications)
        assert [essence(v) for v in response.verifications] == [
            expected[i % len(PEOPLE)] for i in range(len(response.verifications))
        ]


def test_stream_findings_stay_with_their_record(server: InProcessServer) -> None:
    verifier = stub(server.target)
    mixed = [
        member_message(0),
        member_message(1, date_of_birth="05/11/1983"),
        member_message(2, member_id=""),
        member_message(1, date_of_birth="05/11/1983"),
    ]
    (response,) = verifier.VerifyStream(iter([pb.VerifyStreamRequest(members=mixed)]), timeout=10)
    verdicts = [v.verdict for v in response.verifications]
    assert verdicts == [pb.VERDICT_ACCEPT, pb.VERDICT_REVIEW, pb.VERDICT_ACCEPT, pb.VERDICT_REVIEW]
    assert [[f.code for f in v.findings if f.code == "DOB_MISMATCH"] for v in response.verifications] == [
        [],
        ["DOB_MISMATCH"],
        [],
        ["DOB_MISMATCH"],
    ]


def test_stream_refuses_oversized_chunks_and_bad_records(server: InProcessServer) -> None:
    verifier = stub(server.target)
    with pytest.raises(grpc.RpcError) as oversized:
        list(verifier.VerifyStream(chunks([2, 1001]), timeout=10))
    assert any("cap" in why for why in bad_request(oversized.value).values())

    def with_bad_record() -> Iterator[pb.VerifyStreamRequest]:
        yield pb.VerifyStreamRequest(members=[member_message(0)])
        yield pb.VerifyStreamRequest(members=[member_message(0), member_message(1, full_name=" ")])

    with pytest.raises(grpc.RpcError) as bad:
        list(verifier.VerifyStream(with_bad_record(), timeout=10))
    assert any(path.endswith("members[1].full_name") for path in bad_request(bad.value))

    # Deep in a big clean chunk: every bad field is named, nothing else.
    big = [member_message(i % len(PEOPLE)) for i in range(900)]
    big[417] = member_message(1, citizen_id="0011826\x0754321")
    big[702] = member_message(2, hometown="x" * 300)
    with pytest.raises(grpc.RpcError) as deep:
        list(verifier.VerifyStream(iter([pb.VerifyStreamRequest(members=big)]), timeout=10))
    assert set(bad_request(deep.value)) == {"requests[0].members[417].citizen_id", "requests[0].members[702].hometown"}


class SlowEngine(WrappedEngine):
    """The real engine, but every stream chunk takes a while in the wire path:
    for deadlines and draining."""

    def __init__(self, inner: Any, delay: float) -> None:
        super().__init__(inner, self._before)
        self.delay, self.calls = delay, 0

    def _before(self, method: str, data: Any) -> None:
        if method == "verify_stream_bytes":
            self.calls += 1
            time.sleep(self.delay)


def test_stream_stops_working_when_the_deadline_passes(engine: Any, tmp_path: Path) -> None:
    slow = SlowEngine(engine, 0.2)
    with InProcessServer(slow, f"sqlite:///{tmp_path / 'l.db'}") as running:
        with pytest.raises(grpc.RpcError) as late:
            list(stub(running.target).VerifyStream(chunks([5] * 30), timeout=0.7))
        assert late.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        time.sleep(0.5)
        assert slow.calls <= 6  # not the 30 chunks: the server gave up too


def test_shutdown_drains_calls_in_flight(engine: Any, tmp_path: Path) -> None:
    slow = SlowEngine(engine, 0.5)
    running = InProcessServer(slow, f"sqlite:///{tmp_path / 'l.db'}", grace=10.0)
    verifier = stub(running.target)
    result: list[int] = []
    call = threading.Thread(
        target=lambda: result.extend(len(r.verifications) for r in verifier.VerifyStream(chunks([3, 4]), timeout=20))
    )
    call.start()
    time.sleep(0.2)  # the call is inside the engine now
    running.stop()
    call.join()
    assert result == [3, 4]
    with pytest.raises(grpc.RpcError) as refused:
        verifier.Verify(pb.VerifyRequest(member=member_message(0)), timeout=2)
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def _name_in(method: str, data: Any) -> str:
    """The first member's name in what the wire path is handed."""
    if method == "verify_request_bytes":
        return pb.VerifyRequest.FromString(data).member.full_name
    return pb.VerifyStreamRequest.FromString(data[0]).members[0].full_name


class ExplodingEngine(WrappedEngine):
    """The real engine; its wire path fails with a message quoting the record."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner, self._before)

    def _before(self, method: str, data: Any) -> None:
        raise RuntimeError(f"bug while looking at {_name_in(method, data)}")


def test_unexpected_errors_become_internal_without_leaking(engine: Any, tmp_path: Path) -> None:
    with InProcessServer(ExplodingEngine(engine), f"sqlite:///{tmp_path / 'l.db'}") as running:
        verifier = stub(running.target)
        with pytest.raises(grpc.RpcError) as failure:
            verifier.Verify(pb.VerifyRequest(member=member_message(0)), timeout=10)
        with pytest.raises(grpc.RpcError) as stream_failure:
            list(verifier.VerifyStream(chunks([3]), timeout=10))
        with pytest.raises(grpc.RpcError) as submit_failure:
            verifier.Submit(submit_request(0), timeout=10)
        assert running.ledger.count() == 0
    for error in (failure.value, stream_failure.value, submit_failure.value):
        assert error.code() == grpc.StatusCode.INTERNAL
        assert "reference" in error.details()
        assert PEOPLE[0][1] not in error.details()


# PyO3 raises a Rust panic as this type: a BaseException, named so, from that module.
EnginePanic = type("PanicException", (BaseException,), {"__module__": "pyo3_runtime"})


class PanickingEngine(WrappedEngine):
    """The real engine; its wire path panics as the Rust engine would."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner, self._before)

    def _before(self, method: str, data: Any) -> None:
        raise EnginePanic(f"index out of bounds while reading {_name_in(method, data)}")


def test_an_engine_panic_becomes_internal_and_the_server_keeps_serving(engine: Any, tmp_path: Path) -> None:
    with InProcessServer(PanickingEngine(engine), f"sqlite:///{tmp_path / 'l.db'}") as running:
        verifier = stub(running.target)
        for _ in range(2):
            with pytest.raises(grpc.RpcError) as failure:
                verifier.Verify(pb.VerifyRequest(member=member_message(0)), timeout=10)
            with pytest.raises(grpc.RpcError) as stream_failure:
                list(verifier.VerifyStream(chunks([3]), timeout=10))
            for error in (failure.value, stream_failure.value):
                assert error.code() == grpc.StatusCode.INTERNAL
                assert "reference" in error.details() and PEOPLE[0][1] not in error.details()
        health = health_pb2_grpc.HealthStub(grpc.insecure_channel(running.target))
        assert health.Check(health_pb2.HealthCheckRequest(), timeout=5).status == health_pb2.HealthCheckResponse.SERVING


# ---------------------------------------------------------------- progress


def test_progress_counts_against_the_required_list(server: InProcessServer) -> None:
    verifier = stub(server.target)
    verifier.Submit(submit_request(0, site="site-A", machine="m1"), timeout=10)  # done
    verifier.Submit(submit_request(0, site="site-B", machine="m2"), timeout=10)  # duplicate: not counted
    verifier.Submit(submit_request(1, date_of_birth="05/11/1983", machine="m2", site="site-B"), timeout=10)  # blocked
    excluded = submit_request(4, site="site-A", machine="m1")
    excluded.exclusion_reason = pb.EXCLUSION_REASON_ILL
    assert verifier.Submit(excluded, timeout=10).outcome == pb.SUBMIT_OUTCOME_EXCLUDED

    report = verifier.GetProgress(pb.GetProgressRequest(), timeout=10)
    total = report.total
    assert (total.required, total.done, total.blocked, total.excluded, total.remaining) == (8, 1, 1, 1, 5)
    assert dict(total.excluded_by_reason) == {"ill": 1}
    assert dict(total.blocked_by_code) == {"DOB_MISMATCH": 1}
    wards = {w.key: w for w in report.wards}
    assert (wards["Phường Ba Đình"].required, wards["Phường Ba Đình"].done, wards["Phường Ba Đình"].blocked) == (
        4,
        1,
        1,
    )
    assert (wards["Phường Kim Mã"].excluded, wards["Phường Kim Mã"].remaining) == (1, 3)
    assert {s.key: s.done + s.blocked for s in report.sites} == {"site-A": 1, "site-B": 1}
    assert {m.key for m in report.machines} == {"site-A/m1", "site-B/m2"}
    assert {u.key: u.required for u in report.party_units} == {
        f"{'Phường Ba Đình' if k <= 2 else 'Phường Kim Mã'}/Chi bộ {k}": 2 for k in range(1, 5)
    }
    assert report.active_machines == 2 and report.target_per_machine_per_day == 250
    assert report.shift == "08:00-23:00"
    assert report.HasField("projected_completion_at_target")

    one_ward = verifier.GetProgress(pb.GetProgressRequest(ward="Phường Kim Mã"), timeout=10)
    assert (one_ward.total.required, one_ward.total.excluded, one_ward.total.done) == (4, 1, 0)
    assert [w.key for w in one_ward.wards] == ["Phường Kim Mã"]


# ---------------------------------------------------------------- health, reflection


def test_health_and_reflection(server: InProcessServer) -> None:
    channel = grpc.insecure_channel(server.target)
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", "doichieu.v1.Verifier"):
        answer = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        assert answer.status == health_pb2.HealthCheckResponse.SERVING
    with pytest.raises(grpc.RpcError) as unknown:
        health.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=5)
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND

    reflect = reflection_pb2_grpc.ServerReflectionStub(channel)
    requests = [
        reflection_pb2.ServerReflectionRequest(list_services=""),
        reflection_pb2.ServerReflectionRequest(file_containing_symbol="doichieu.v1.Verifier"),
    ]
    listed, described = list(reflect.ServerReflectionInfo(iter(requests), timeout=5))
    names = {s.name for s in listed.list_services_response.service}
    assert {"doichieu.v1.Verifier", "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"} <= names
    from google.protobuf import descriptor_pb2

    files = [
        descriptor_pb2.FileDescriptorProto.FromString(raw)
        for raw in described.file_descriptor_response.file_descriptor_proto
    ]
    verifier_file = next(f for f in files if f.package == "doichieu.v1")
    assert [m.name for m in verifier_file.service[0].method] == ["Verify", "Submit", "VerifyStream", "GetProgress"]

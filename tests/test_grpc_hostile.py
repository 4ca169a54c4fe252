"""Hostile clients against the real verifier on loopback: streams held open and
silent, too many streams from one peer, certificates naming odd identities,
chunks full of bad records, bytes that are not the message. During each attack a
well-behaved client's Verify must still be answered.

The numbers are small (a per-peer cap of 8, 20 idle streams, an idle timeout of
1 s) but prove the behaviour the production defaults scale up.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import timestamp_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from doichieu.v1 import verifier_pb2 as pb
from doichieu.v1 import verifier_pb2_grpc as pb_grpc
from doichieu.verifier.tls import channel_credentials
from grpc_harness import (
    InProcessServer,
    Pki,
    WrappedEngine,
    issue_client_certificate,
    make_engine,
    make_pki,
    member_message,
    stub,
    write_tables,
)

SITES = ["site-phuong-01", "site-phuong-02", "site-phuong-03", "site-phuong-04"]
#: gRPC's default limit on the metadata a client accepts (headers or trailers).
METADATA_LIMIT = 8 * 1024


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_engine(*write_tables(tmp_path_factory.mktemp("tables")))


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"), SITES)


def as_site(pki: Pki, site: str) -> grpc.ChannelCredentials:
    cert, key = pki.clients[site]
    return channel_credentials(pki.ca, cert, key)


def mtls(pki: Pki) -> dict[str, Any]:
    return {"tls_cert": str(pki.server_cert), "tls_key": str(pki.server_key), "client_ca": str(pki.ca)}


def submit_request(i: int, site: str = "") -> pb.SubmitRequest:
    return pb.SubmitRequest(
        submission_id=str(uuid.uuid4()), member=member_message(i), site_id=site, machine_id="m1", officer_id="o1"
    )


def assert_well_behaved_client_served(verifier: pb_grpc.VerifierStub, site: str = "site-x") -> None:
    """A client that sends one record at a time with a deadline is answered.
    ``site`` is the request's site_id (empty under mutual TLS: the certificate's)."""
    answer = verifier.Verify(pb.VerifyRequest(member=member_message(0)), timeout=5)
    assert answer.verification.verdict == pb.VERDICT_ACCEPT
    assert verifier.Submit(submit_request(1, site), timeout=5).outcome == pb.SUBMIT_OUTCOME_RECORDED


class SilentStreams:
    """VerifyStream calls that send nothing and set no deadline, as an attacker
    holding the server's call slots would; ``close`` lets them go."""

    def __init__(self, verifier: pb_grpc.VerifierStub, count: int) -> None:
        self.gate = threading.Event()
        self.calls: list[Any] = [verifier.VerifyStream(self._nothing()) for _ in range(count)]

    def _nothing(self) -> Iterator[pb.VerifyStreamRequest]:
        self.gate.wait()
        yield from ()

    def ended(self) -> list[Any]:
        return [call for call in self.calls if call.done()]

    def wait_ended(self, count: int, within: float) -> list[Any]:
        """The calls that ended, once ``count`` have (or ``within`` seconds passed)."""
        deadline = time.monotonic() + within
        while len(self.ended()) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.ended()

    def close(self) -> None:
        self.gate.set()
        for call in self.calls:
            call.cancel()

    def __enter__(self) -> SilentStreams:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def chunk(count: int, **changes: str) -> pb.VerifyStreamRequest:
    return pb.VerifyStreamRequest(members=[member_message(i % 8, **changes) for i in range(count)])


# ---------------------------------------------------------------- defect 3: slot exhaustion


def test_one_peer_cannot_hold_every_call_slot_with_silent_streams(engine: Any, tmp_path: Path) -> None:
    with InProcessServer(
        engine,
        f"sqlite:///{tmp_path / 'l.db'}",
        max_concurrent_rpcs=16,
        max_streams=12,
        max_streams_per_peer=8,
        stream_idle_timeout=30.0,
    ) as running:
        verifier = stub(running.target)
        with SilentStreams(verifier, 20) as attack:
            refused = attack.wait_ended(12, within=10)
            assert len(refused) == 12
            for call in refused:
                assert call.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
                assert "8 open streams per client" in call.details()
            assert_well_behaved_client_served(verifier)
            assert len(attack.ended()) == 12  # the 8 admitted are still open
        # Cancelled by their client, the 8 give their places back.
        deadline = time.monotonic() + 5
        while True:
            try:
                assert [len(r.verifications) for r in verifier.VerifyStream(iter([chunk(2)]), timeout=5)] == [2]
                break
            except grpc.RpcError as refused:
                assert refused.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and time.monotonic() < deadline
                time.sleep(0.05)


def test_streams_of_many_sites_leave_capacity_for_verify_and_submit(engine: Any, pki: Pki, tmp_path: Path) -> None:
    with InProcessServer(
        engine,
        f"sqlite:///{tmp_path / 'l.db'}",
        max_concurrent_rpcs=12,
        max_streams=6,
        max_streams_per_peer=4,
        stream_idle_timeout=30.0,
        **mtls(pki),
    ) as running:
        attacks = [SilentStreams(stub(running.target, as_site(pki, site)), 4) for site in SITES[:3]]
        try:
            deadline = time.monotonic() + 10
            while sum(len(a.ended()) for a in attacks) < 6 and time.monotonic() < deadline:
                time.sleep(0.02)
            refused = [call for a in attacks for call in a.ended()]
            assert len(refused) == 6
            assert all(call.code() == grpc.StatusCode.RESOURCE_EXHAUSTED for call in refused)
            assert all("6 open streams" in call.details() for call in refused)
            assert_well_behaved_client_served(stub(running.target, as_site(pki, SITES[3])), site="")
        finally:
            for attack in attacks:
                attack.close()


def test_silent_streams_time_out_and_free_their_slots(engine: Any, tmp_path: Path) -> None:
    with InProcessServer(
        engine,
        f"sqlite:///{tmp_path / 'l.db'}",
        max_streams_per_peer=3,
        stream_idle_timeout=1.0,
    ) as running:
        verifier = stub(running.target)
        started = time.monotonic()
        with SilentStreams(verifier, 3) as attack:
            assert_well_behaved_client_served(verifier)
            ended = attack.wait_ended(3, within=10)
            assert len(ended) == 3
            assert time.monotonic() - started < 5
            for call in ended:
                assert call.code() == grpc.StatusCode.DEADLINE_EXCEEDED
                assert "no request for 1 s" in call.details()

        # Their slots are free again: a stream that keeps sending, each message
        # within the idle timeout, is answered in full.
        def paced() -> Iterator[pb.VerifyStreamRequest]:
            for _ in range(3):
                yield chunk(2)
                time.sleep(0.4)

        assert [len(r.verifications) for r in verifier.VerifyStream(paced(), timeout=10)] == [2, 2, 2]


def test_a_stream_that_stops_sending_gets_its_answers_then_times_out(engine: Any, tmp_path: Path) -> None:
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'l.db'}", stream_idle_timeout=1.0) as running:
        gate = threading.Event()

        def one_then_silence() -> Iterator[pb.VerifyStreamRequest]:
            yield chunk(3)
            gate.wait()

        answers: list[int] = []
        with pytest.raises(grpc.RpcError) as idle:
            for response in stub(running.target).VerifyStream(one_then_silence(), timeout=10):
                answers.append(len(response.verifications))
        gate.set()
        assert answers == [3]
        assert idle.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_stream_limits_are_checked_at_start(engine: Any, tmp_path: Path) -> None:
    from doichieu.errors import InvalidInputError

    for bad in (
        {"stream_idle_timeout": 0.0},
        {"max_streams_per_peer": 0},
        {"max_streams": 0},
        {"max_concurrent_rpcs": 10, "max_streams": 10},
    ):
        with pytest.raises(InvalidInputError):
            InProcessServer(engine, f"sqlite:///{tmp_path / 'l.db'}", **bad)


def test_serve_takes_the_stream_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    from doichieu.cli import main
    from doichieu.verifier import runner

    seen: list[runner.ServerConfig] = []
    monkeypatch.setattr(runner, "run", lambda config: seen.append(config) or 0)
    args = ["serve", "--population", "p.csv", "--stream-idle-timeout", "7.5", "--max-streams-per-peer", "3"]
    assert main([*args, "--max-concurrent-rpcs", "200", "--max-streams", "50"]) == 0
    assert (seen[0].stream_idle_timeout, seen[0].max_streams_per_peer) == (7.5, 3)
    assert (seen[0].max_concurrent_rpcs, seen[0].max_streams) == (200, 50)


# ---------------------------------------------------------------- defect 5: the certificate's identity


@pytest.fixture
def mtls_server(engine: Any, pki: Pki, tmp_path: Path) -> Iterator[InProcessServer]:
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'ledger.db'}", **mtls(pki)) as running:
        yield running


def test_a_certificate_without_a_cn_is_the_site_of_its_only_alternative_name(
    mtls_server: InProcessServer, pki: Pki
) -> None:
    cert, key = issue_client_certificate(pki, "san-only", alternative_names=["site-phuong-09"])
    verifier = stub(mtls_server.target, channel_credentials(pki.ca, cert, key))
    assert verifier.Submit(submit_request(0), timeout=10).site_id == "site-phuong-09"
    with pytest.raises(grpc.RpcError) as impostor:
        verifier.Submit(submit_request(1, site="site-phuong-01"), timeout=10)
    assert impostor.value.code() == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize(
    ("identity", "why"),
    [
        ({"alternative_names": ["site-phuong-01", "site-phuong-02"]}, "two identities"),
        ({"common_names": ["site-01\nsite-02"]}, "not a site ID"),
        ({"common_names": ["<b>site-01</b>"]}, "not a site ID"),
        ({"common_names": ["-site"]}, "not a site ID"),
        ({"alternative_names": ["s" * 65]}, "not a site ID"),
        ({"alternative_names": ["site.example/x"]}, "not a site ID"),
        ({}, "names no site"),
    ],
)
def test_a_certificate_naming_no_single_valid_site_is_refused(
    mtls_server: InProcessServer, pki: Pki, identity: dict[str, list[str]], why: str
) -> None:
    cert, key = issue_client_certificate(pki, f"odd-{uuid.uuid4().hex[:8]}", **identity)
    verifier = stub(mtls_server.target, channel_credentials(pki.ca, cert, key))
    with pytest.raises(grpc.RpcError) as refused:
        verifier.Submit(submit_request(0), timeout=10)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert why in refused.value.details()
    # The message never repeats what the certificate says (markup, line breaks).
    assert "<" not in refused.value.details() and "\n" not in refused.value.details()
    with pytest.raises(grpc.RpcError) as stream_refused:
        list(verifier.VerifyStream(iter([chunk(1)]), timeout=10))
    assert stream_refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert mtls_server.ledger.count() == 0
    assert_well_behaved_client_served(stub(mtls_server.target, as_site(pki, SITES[0])), site="")


# ---------------------------------------------------------------- defect 6: oversized trailers


def violations_of(error: grpc.RpcError) -> list[tuple[str, str]]:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None
    found: list[tuple[str, str]] = []
    for detail in status.details:
        request = error_details_pb2.BadRequest()
        assert detail.Unpack(request)
        found += [(v.field, v.description) for v in request.field_violations]
    return found


def trailer_bytes(error: grpc.RpcError) -> int:
    trailers = error.trailing_metadata() or ()  # type: ignore[attr-defined]
    return sum(len(key) + len(value) for key, value in trailers) + len(error.details() or "")


@pytest.mark.parametrize("bad_records", [100, 1000])
def test_a_chunk_full_of_bad_records_is_refused_with_a_bounded_list(
    engine: Any, tmp_path: Path, bad_records: int
) -> None:
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'l.db'}") as running:
        verifier = stub(running.target)
        # Every record bad in three fields: a control character, an oversized hometown, no name.
        bad = chunk(bad_records, citizen_id="00107\x070123456", hometown="x" * 300, full_name="")
        with pytest.raises(grpc.RpcError) as refused:
            list(verifier.VerifyStream(iter([bad]), timeout=20))
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        listed = violations_of(refused.value)
        assert len(listed) == 21
        assert [path for path, _ in listed[:3]] == [
            f"requests[0].members[0].{f}" for f in ("citizen_id", "hometown", "full_name")
        ]
        assert listed[-1] == ("", f"and {3 * bad_records - 20} more violations, not listed")
        assert trailer_bytes(refused.value) < METADATA_LIMIT // 2
        assert_well_behaved_client_served(verifier)


# ---------------------------------------------------------------- defect 7: bytes that do not decode


#: A length-delimited field 1 whose length runs past the end: no message decodes it.
TRUNCATED = b"\x0a\xff\xff\xff\x0f\x01"


def assert_quiet(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing at ERROR, and no traceback at any level the server logs by default."""
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not loud, [r.getMessage() for r in loud]
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            assert record.exc_info is None and "Traceback" not in record.getMessage(), record.getMessage()


@pytest.mark.parametrize("method", ["Verify", "Submit", "GetProgress"])
def test_bytes_that_are_not_the_message_are_invalid_argument(
    engine: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture, method: str
) -> None:
    caplog.set_level(logging.DEBUG)
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'l.db'}") as running:
        channel = grpc.insecure_channel(running.target)
        call = channel.unary_unary(f"/doichieu.v1.Verifier/{method}")
        with pytest.raises(grpc.RpcError) as refused:
            call(TRUNCATED, timeout=5)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert violations_of(refused.value)
        assert_well_behaved_client_served(stub(running.target))
    assert_quiet(caplog)


def test_stream_bytes_that_are_not_the_message_are_invalid_argument(
    engine: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'l.db'}") as running:
        call = grpc.insecure_channel(running.target).stream_stream("/doichieu.v1.Verifier/VerifyStream")
        with pytest.raises(grpc.RpcError) as refused:
            list(call(iter([TRUNCATED]), timeout=5))
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert_quiet(caplog)


@pytest.mark.parametrize(
    ("method", "request_"),
    [
        ("GetProgress", pb.GetProgressRequest(as_of_time=timestamp_pb2.Timestamp(seconds=10**13))),
        ("GetProgress", pb.GetProgressRequest(as_of_time=timestamp_pb2.Timestamp(seconds=-(10**13)))),
        ("GetProgress", pb.GetProgressRequest(as_of_time=timestamp_pb2.Timestamp(seconds=1, nanos=-5))),
        ("Submit", pb.SubmitRequest(capture_time=timestamp_pb2.Timestamp(seconds=10**13))),
        ("Submit", pb.SubmitRequest(capture_time=timestamp_pb2.Timestamp(seconds=1_700_000_000, nanos=2 * 10**9))),
    ],
)
def test_timestamps_out_of_range_are_invalid_argument(
    engine: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture, method: str, request_: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    if method == "Submit":
        request_.MergeFrom(submit_request(0, site="site-x"))
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'l.db'}") as running:
        call = grpc.insecure_channel(running.target).unary_unary(f"/doichieu.v1.Verifier/{method}")
        with pytest.raises(grpc.RpcError) as refused:
            call(request_.SerializeToString(), timeout=5)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        fields = {path for path, _ in violations_of(refused.value)}
        assert fields == {"as_of_time" if method == "GetProgress" else "capture_time"}
        assert running.ledger.count() == 0
    assert_quiet(caplog)


class SlowStreamEngine(WrappedEngine):
    """The real engine, with every stream chunk taking a while in the wire path."""

    def __init__(self, inner: Any, delay: float) -> None:
        super().__init__(inner, self._before)
        self.delay = delay

    def _before(self, method: str, data: Any) -> None:
        if method == "verify_stream_bytes":
            time.sleep(self.delay)


def test_a_stream_past_its_deadline_ends_quietly(engine: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with InProcessServer(SlowStreamEngine(engine, 0.2), f"sqlite:///{tmp_path / 'l.db'}") as running:
        verifier = stub(running.target)
        for _ in range(3):
            with pytest.raises(grpc.RpcError) as late:
                list(verifier.VerifyStream(iter([chunk(2)] * 20), timeout=0.5))
            assert late.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        time.sleep(0.5)  # the server notices after its current chunk
        assert_well_behaved_client_served(verifier)
    assert_quiet(caplog)


class EndedCallContext:
    """A servicer context whose call ended (its deadline passed) before the
    handler answers: the status cannot be sent any more, as gRPC's own context
    then behaves (the first abort fails, a second one is a usage error)."""

    def __init__(self) -> None:
        self.aborts = 0

    def time_remaining(self) -> float:
        return 0.0

    def peer(self) -> str:
        return "ipv4:127.0.0.1:50000"

    def done(self) -> bool:
        return False  # core has not told the loop yet

    async def abort(self, code: grpc.StatusCode, details: str = "", trailing_metadata: Any = ()) -> None:
        self.aborts += 1
        raise RuntimeError("Abort already called!" if self.aborts > 1 else "the call already ended")


def test_an_answer_to_a_call_that_already_ended_is_a_warning(engine: Any, caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    from doichieu.verifier.admission import StreamLimits
    from doichieu.verifier.service import ServiceOptions, VerifierService
    from doichieu.verifier.status import with_error_status

    caplog.set_level(logging.DEBUG)
    service = VerifierService(engine, None, ServiceOptions(streams=StreamLimits(idle_timeout=1, per_peer=1, total=1)))  # type: ignore[arg-type]
    handler = with_error_status(grpc.stream_stream_rpc_method_handler(service.VerifyStream))
    context = EndedCallContext()

    async def requests() -> Any:
        yield chunk(1).SerializeToString()

    async def run() -> list[Any]:
        return [answer async for answer in handler.stream_stream(requests(), context)]  # type: ignore[misc]

    assert asyncio.run(run()) == []
    assert context.aborts == 1
    assert_quiet(caplog)
    assert any("ended" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert service.streams.open == 0


# ---------------------------------------------------------------- defect 8: bidirectional and invisible characters


@pytest.mark.parametrize("hidden", ["\u202e", "\u202a", "\u2066", "\u200f", "\u061c"])
def test_bidirectional_controls_are_refused_in_every_field(engine: Any, tmp_path: Path, hidden: str) -> None:
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'l.db'}") as running:
        verifier = stub(running.target)
        for field in ("full_name", "birth_name", "citizen_id", "ward", "hometown", "party_unit"):
            value = getattr(member_message(0), field) or "x"
            tampered = member_message(0, **{field: value[:3] + hidden + value[3:]})
            with pytest.raises(grpc.RpcError) as refused:
                verifier.Verify(pb.VerifyRequest(member=tampered), timeout=5)
            assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert violations_of(refused.value) == [
                (f"member.{field}", f"contains a bidirectional control character (U+{ord(hidden):04X})")
            ]
        bad_id = submit_request(1, "site-x")
        bad_id.machine_id = f"m{hidden}1"
        with pytest.raises(grpc.RpcError) as submit:
            verifier.Submit(bad_id, timeout=5)
        assert violations_of(submit.value) == [
            ("machine_id", f"contains a bidirectional control character (U+{ord(hidden):04X})")
        ]
        assert_well_behaved_client_served(verifier)


def test_the_name_layers_invisible_characters_pass_in_names_and_are_refused_elsewhere(
    engine: Any, tmp_path: Path
) -> None:
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'l.db'}") as running:
        verifier = stub(running.target)
        # The name layer reads past a zero-width space or joiner: the name still matches.
        for name in ("Nguyễn\u200bVăn An", "Nguy\u200dễn Văn An", "\ufeffNguyễn Văn An"):
            answer = verifier.Verify(pb.VerifyRequest(member=member_message(0, full_name=name)), timeout=5)
            assert answer.verification.verdict == pb.VERDICT_ACCEPT, name
        for field, value, hidden in [
            ("citizen_id", "001070\u200b123456", 0x200B),
            ("date_of_birth", "12/03\u2060/1970", 0x2060),
            ("ward", "Phường\u00adBa Đình", 0xAD),
            ("full_name", "Nguyễn Văn\u2062 An", 0x2062),
            ("birth_name", "An\U000e0041", 0xE0041),
        ]:
            with pytest.raises(grpc.RpcError) as refused:
                verifier.Verify(pb.VerifyRequest(member=member_message(0, **{field: value})), timeout=5)
            assert violations_of(refused.value) == [
                (f"member.{field}", f"contains an invisible format character (U+{hidden:04X})")
            ], field
        stream = chunk(3, citizen_id="00107\u202e0123456")
        with pytest.raises(grpc.RpcError) as refused_stream:
            list(verifier.VerifyStream(iter([stream]), timeout=10))
        assert [path for path, _ in violations_of(refused_stream.value)] == [
            f"requests[0].members[{i}].citizen_id" for i in range(3)
        ]

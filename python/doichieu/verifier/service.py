"""The verifier's service (``doichieu.v1.Verifier``): its four methods and their registration.

Verify and VerifyStream take and answer raw bytes: the compiled index decodes,
checks, verifies and encodes (``bindings/src/wire.rs``). Single records are
checked on the event loop itself: the engine answers in microseconds, less
than a hop to a worker thread would cost. Chunks of a stream go to a worker
thread as one engine call that releases the GIL, so the loop keeps serving
other calls meanwhile. Submit's ledger writes go to the ledger's writer thread
(group commit); the answer waits for the commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import grpc
from google.protobuf import timestamp_pb2
from google.protobuf.message import DecodeError, Message

from doichieu import vocabulary
from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier import audit as audit_mod
from doichieu.verifier import ledger as ledger_mod
from doichieu.verifier import progress as progress_mod
from doichieu.verifier.admission import StreamAdmission, StreamIdleError, StreamLimits, peer_address
from doichieu.verifier.at_rest import kept_verification
from doichieu.verifier.budget import (
    DEFAULT_STREAM_MEMORY_BUDGET,
    DEFAULT_STREAM_MEMORY_PER_STREAM,
    StreamBudget,
    StreamHold,
)
from doichieu.verifier.engine_adapter import WirePath
from doichieu.verifier.metrics import Metrics
from doichieu.verifier.observe import observed
from doichieu.verifier.status import DeadlinePassedError, with_error_status
from doichieu.verifier.tls import peer_site
from doichieu.verifier.validation import FIELD_CAPS, BadRequestError, progress_violations, submit_violations

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["Verifier"].full_name
DEFAULT_MAX_CHUNK = 1000
#: Chunks read ahead of the one being checked; beyond this the stream waits
#: and HTTP/2 flow control slows the sender down.
STREAM_READ_AHEAD = 4
#: Bytes of chunks merged into one engine call at most.
STREAM_BATCH_BYTES = 4 * 1024 * 1024
#: Stream batches checked at once: each engine call already uses every core, so
#: more at once would only add their working memory (the engine's copies of the
#: records, the answers being built) without adding speed.
STREAM_CHECKS_AT_ONCE = 2
_EXCLUSION_NAMES = {
    value.number: value.name.removeprefix("EXCLUSION_REASON_").lower()
    for value in pb.DESCRIPTOR.enum_types_by_name["ExclusionReason"].values
    if value.number != 0
}
_OUTCOMES = {
    ledger_mod.OUTCOME_RECORDED: pb.SUBMIT_OUTCOME_RECORDED,
    ledger_mod.OUTCOME_EXCLUDED: pb.SUBMIT_OUTCOME_EXCLUDED,
    ledger_mod.OUTCOME_ALREADY_SUBMITTED: pb.SUBMIT_OUTCOME_ALREADY_SUBMITTED,
}
#: The ledger's verdict names of the answer's values: the proto's enum values are
#: the vocabulary's codes behind the enum's prefix (tests/test_vocabulary.py holds them together).
_VERDICTS = {code: pb.Verdict.Value(f"VERDICT_{code.upper()}") for code in vocabulary.VERDICTS}
VERDICT_NAMES = {value: code for code, value in _VERDICTS.items()}


def blocking_codes(verification: pb.Verification) -> str:
    """Codes at review or error severity, the ones that hold a card back."""
    return " ".join(
        sorted({f.code for f in verification.findings if f.severity in (pb.SEVERITY_REVIEW, pb.SEVERITY_ERROR)})
    )


class Engine(Protocol):
    """What the service needs from the record model (see ``engine_adapter.EngineAdapter``)."""

    required: dict[tuple[str, str], int]

    @property
    def wire(self) -> WirePath: ...

    def unit_of(self, member_id: str) -> tuple[str, str] | None: ...

    def same_person_of(self, member_id: str) -> tuple[str, ...]: ...


def _read_ahead(
    requests: AsyncIterator[bytes], idle_timeout: float, hold: StreamHold
) -> tuple[asyncio.Queue[bytes | None], list[BaseException], asyncio.Task[None]]:
    """Reads a stream's requests into a queue at most STREAM_READ_AHEAD deep and
    within the stream's share of the memory budget (``hold``), so a sender
    faster than the checks, or one that does not read its answers, waits on
    HTTP/2 flow control; None ends the queue, and a failure to read is handed
    over to be raised after the chunks before it are answered. Waiting more
    than ``idle_timeout`` seconds for the client's next request is such a
    failure (StreamIdleError); time spent waiting for room in the queue or in
    the budget is the server's and does not count."""
    chunks: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=STREAM_READ_AHEAD)
    failure: list[BaseException] = []

    async def read() -> None:
        try:
            while True:
                await hold.room_to_read(idle_timeout)
                try:
                    async with asyncio.timeout(idle_timeout):
                        chunk = await anext(requests)
                except StopAsyncIteration:
                    break
                hold.take(len(chunk))
                await chunks.put(chunk)
        except asyncio.CancelledError:
            raise
        except TimeoutError:
            failure.append(StreamIdleError(idle_timeout))
        except Exception as exc:
            failure.append(exc)
        # Not in a finally: a cancelled reader must not wait on a full queue.
        await chunks.put(None)

    return chunks, failure, asyncio.create_task(read())


async def _waiting_batches(chunks: asyncio.Queue[bytes | None]) -> AsyncIterator[list[bytes]]:
    """The stream's chunks in batches for one engine call each: a batch starts with
    the next chunk and takes the chunks already waiting in the read-ahead queue,
    up to STREAM_BATCH_BYTES (small chunks merge, big ones go one at a time: the
    engine's working memory grows with the batch); the queue's None ends it."""
    carried: bytes | None = None
    while True:
        first = carried if carried is not None else await chunks.get()
        carried = None
        if first is None:
            return
        batch, size = [first], len(first)
        while not chunks.empty():
            nxt = chunks.get_nowait()
            if nxt is None:
                yield batch
                return
            if size + len(nxt) > STREAM_BATCH_BYTES:
                carried = nxt
                break
            batch.append(nxt)
            size += len(nxt)
        yield batch


def _timestamp(micros: int) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromMicroseconds(micros)
    return stamp


@dataclass
class ServiceOptions:
    streams: StreamLimits
    require_client_site: bool = False
    max_chunk: int = DEFAULT_MAX_CHUNK
    shift: progress_mod.Shift = field(default_factory=lambda: progress_mod.Shift.parse("08:00-23:00"))
    target_per_machine_per_day: int = progress_mod.DEFAULT_TARGET_PER_MACHINE_PER_DAY
    deadline: datetime | None = None
    #: Bytes of stream chunks and answers held at once, in all and per stream (``budget``).
    stream_memory_budget: int = DEFAULT_STREAM_MEMORY_BUDGET
    stream_memory_per_stream: int = DEFAULT_STREAM_MEMORY_PER_STREAM
    #: Sites (client certificate, under mutual TLS) whose answers show the population data in full.
    full_disclosure_sites: frozenset[str] = frozenset()


class VerifierService:
    def __init__(
        self,
        engine: Engine,
        ledger: ledger_mod.Ledger,
        options: ServiceOptions,
        audit: audit_mod.AuditTrail | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.engine = engine
        self.ledger = ledger
        self.options = options
        self.audit = audit
        self.metrics = metrics
        self.streams = StreamAdmission(options.streams)
        self.budget = StreamBudget(options.stream_memory_budget, options.stream_memory_per_stream)
        self._checking = asyncio.Semaphore(STREAM_CHECKS_AT_ONCE)

    def _peer(self, context: grpc.aio.ServicerContext[Any, Any]) -> str:
        """Who a stream counts against: the certificate's site under mutual TLS, else the address."""
        if self.options.require_client_site:
            site = peer_site(context.auth_context())
            if site is not None:
                return f"site:{site}"
        return peer_address(context.peer())

    def _full_disclosure(self, context: grpc.aio.ServicerContext[Any, Any]) -> bool:
        """Whether the caller's site may see the population data in full: a site
        the server was told to trust, proven by its certificate (docs/verifier.md)."""
        if not self.options.full_disclosure_sites or not self.options.require_client_site:
            return False
        return peer_site(context.auth_context()) in self.options.full_disclosure_sites

    @staticmethod
    def _time_left(context: grpc.aio.ServicerContext[Any, Any]) -> float | None:
        remaining = context.time_remaining()
        return None if remaining is None else float(remaining)

    def _check_deadline(self, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        remaining = self._time_left(context)
        if remaining is not None and remaining <= 0:
            raise DeadlinePassedError()

    async def Verify(self, request: bytes, context: grpc.aio.ServicerContext[bytes, bytes]) -> bytes:
        """Verify on raw bytes: the compiled index decodes, checks the input
        (refusing it field by field), verifies and encodes the answer."""
        self._check_deadline(context)
        answer = self.engine.wire.verify_request_bytes(
            request, FIELD_CAPS, full_disclosure=self._full_disclosure(context)
        )
        if self.audit is not None:
            self.audit.looked_up(
                audit_mod.caller_of(context, self.options.require_client_site), (request,), (answer,), stream=False
            )
        return answer

    def _verification(self, member: pb.MemberRecord, full_disclosure: bool) -> pb.Verification:
        """Verify's answer for Submit, from the same wire path."""
        data = pb.VerifyRequest(member=member).SerializeToString()
        answer = self.engine.wire.verify_request_bytes(data, FIELD_CAPS, full_disclosure=full_disclosure)
        return pb.VerifyResponse.FromString(answer).verification

    async def Submit(
        self, request: pb.SubmitRequest, context: grpc.aio.ServicerContext[pb.SubmitRequest, pb.SubmitResponse]
    ) -> pb.SubmitResponse:
        site = request.site_id
        if self.options.require_client_site:
            certified = peer_site(context.auth_context())
            if certified is None:
                await context.abort(grpc.StatusCode.UNAUTHENTICATED, "a site certificate is required to submit")
            assert certified is not None
            if site and site != certified:
                # The message names the claim, not the certificate's identity.
                await context.abort(
                    grpc.StatusCode.PERMISSION_DENIED,
                    "site_id does not match the site of the client certificate; a site submits only as itself",
                )
            site = certified
        now_us = ledger_mod.now_us()
        violations = submit_violations(request, check_site=not self.options.require_client_site, now_us=now_us)
        if violations:
            raise BadRequestError(violations)
        self._check_deadline(context)
        capture_us = request.capture_time.ToMicroseconds() if request.HasField("capture_time") else now_us
        excluded = request.exclusion_reason != pb.EXCLUSION_REASON_UNSPECIFIED

        member = request.member
        verification = None if excluded else self._verification(member, self._full_disclosure(context))
        ward, unit = self.engine.unit_of(member.member_id) or (member.ward, member.party_unit)
        intake = ledger_mod.Intake(
            submission_id=request.submission_id,
            member_id=member.member_id,
            site_id=site,
            machine_id=request.machine_id,
            officer_id=request.officer_id,
            ward=ward,
            party_unit=unit,
            capture_time_us=capture_us,
            verdict="" if verification is None else VERDICT_NAMES.get(verification.verdict, ""),
            exclusion_reason=_EXCLUSION_NAMES.get(request.exclusion_reason, ""),
            blocking_codes="" if verification is None else blocking_codes(verification),
            fingerprint=ledger_mod.fingerprint(site.encode(), request.SerializeToString(deterministic=True)),
            same_person=self.engine.same_person_of(member.member_id),
        )

        def render(decision: ledger_mod.Decision) -> bytes:
            response = pb.SubmitResponse(
                submission_id=request.submission_id,
                outcome=_OUTCOMES[decision.outcome],
                record_time=_timestamp(decision.record_time_us),
                site_id=site,
            )
            if verification is not None:
                response.verification.CopyFrom(kept_verification(verification))
            prior = decision.prior
            if prior is not None:
                response.prior_submission.CopyFrom(
                    pb.PriorSubmission(
                        submission_id=prior.submission_id,
                        site_id=prior.site_id,
                        machine_id=prior.machine_id,
                        officer_id=prior.officer_id,
                        capture_time=_timestamp(prior.capture_time_us),
                        record_time=_timestamp(prior.record_time_us),
                        outcome=_OUTCOMES.get(prior.outcome, pb.SUBMIT_OUTCOME_UNSPECIFIED),
                        verdict=_VERDICTS.get(prior.verdict, pb.VERDICT_UNSPECIFIED),
                    )
                )
            return response.SerializeToString()

        pending = asyncio.wrap_future(self.ledger.submit(intake, render))
        # The audit entry commits beside the ledger's write; the answer waits for both.
        audited = None
        if self.audit is not None:
            caller = audit_mod.caller_of(context, self.options.require_client_site)
            audited = asyncio.wrap_future(
                self.audit.submitted(caller, member, site, request.machine_id, intake.verdict)
            )
        # If the caller gives up, the write still completes; its retry gets the
        # stored answer.
        stored = await asyncio.shield(pending)
        if audited is not None:
            await asyncio.shield(audited)
        answer = pb.SubmitResponse.FromString(stored.response)
        if verification is not None:
            # The ledger keeps no population values; the caller gets this call's full verification.
            answer.verification.CopyFrom(verification)
        return answer

    async def VerifyStream(
        self, request_iterator: AsyncIterator[bytes], context: grpc.aio.ServicerContext[bytes, bytes]
    ) -> AsyncIterator[bytes]:
        """VerifyStream on raw bytes: the chunks waiting when a call starts
        (at most the read-ahead) go to the compiled index in one call on a
        worker thread, one answer per chunk. A stream is admitted within the
        server's stream caps (``admission``) and ends after the idle timeout
        without a request."""
        wire = self.engine.wire
        full_disclosure = self._full_disclosure(context)
        with self.streams.admitted(self._peer(context)):
            hold = self.budget.stream()
            chunks, failure, reader = _read_ahead(request_iterator, self.options.streams.idle_timeout, hold)
            index = 0
            try:
                # The read-ahead bounds a batch; the records are counted in Rust.
                async for batch in _waiting_batches(chunks):
                    async with self._checking:
                        self._check_deadline(context)
                        responses = await asyncio.to_thread(
                            wire.verify_stream_bytes,
                            batch,
                            index,
                            FIELD_CAPS,
                            self.options.max_chunk,
                            full_disclosure=full_disclosure,
                        )
                    if self.audit is not None:
                        caller = audit_mod.caller_of(context, self.options.require_client_site)
                        self.audit.looked_up(caller, batch, responses, stream=True)
                    hold.give(sum(map(len, batch)))
                    del batch
                    hold.take(sum(map(len, responses)))
                    if self.audit is not None:
                        await self.audit.wait_for_room()
                    for response in responses:
                        yield response
                        hold.give(len(response))
                    index += len(responses)
                if failure:
                    raise failure[0]
            finally:
                reader.cancel()
                hold.close()

    async def GetProgress(
        self,
        request: pb.GetProgressRequest,
        context: grpc.aio.ServicerContext[pb.GetProgressRequest, pb.GetProgressResponse],
    ) -> pb.GetProgressResponse:
        violations = progress_violations(request)
        if violations:
            raise BadRequestError(violations)
        as_of = request.as_of_time.ToDatetime(tzinfo=UTC) if request.HasField("as_of_time") else datetime.now(UTC)
        since = progress_mod.start_of_day(as_of)
        rows = await asyncio.to_thread(
            self.ledger.progress_rows, request.ward or None, int(since.timestamp() * 1_000_000)
        )
        report = progress_mod.compute_progress(
            rows,
            self.engine.required,
            as_of=as_of,
            shift=self.options.shift,
            target_per_machine_per_day=self.options.target_per_machine_per_day,
            deadline=self.options.deadline,
            ward=request.ward or None,
        )
        return _progress_message(report, as_of)


def _counts_message(counts: progress_mod.Counts) -> pb.ProgressCounts:
    message = pb.ProgressCounts(
        key=counts.key,
        required=counts.required,
        done=counts.done,
        excluded=counts.excluded,
        blocked=counts.blocked,
        remaining=counts.remaining,
        recorded_today=counts.recorded_today,
        excluded_by_reason=dict(counts.excluded_by_reason),
        blocked_by_code=dict(counts.blocked_by_code),
        intakes=counts.intakes,
        observed_per_day=counts.observed_per_day,
    )
    if counts.first_intake_us is not None:
        message.first_intake_time.CopyFrom(_timestamp(counts.first_intake_us))
    if counts.last_intake_us is not None:
        message.last_intake_time.CopyFrom(_timestamp(counts.last_intake_us))
    if counts.projected_observed is not None:
        message.projected_completion_observed.FromDatetime(counts.projected_observed)
    return message


def _progress_message(report: progress_mod.Progress, as_of: datetime) -> pb.GetProgressResponse:
    message = pb.GetProgressResponse(
        total=_counts_message(report.total),
        wards=[_counts_message(c) for c in report.wards],
        sites=[_counts_message(c) for c in report.sites],
        machines=[_counts_message(c) for c in report.machines],
        party_units=[_counts_message(c) for c in report.party_units],
        target_per_machine_per_day=report.target_per_machine_per_day,
        active_machines=report.active_machines,
        shift=str(report.shift),
        observed_per_machine_per_day=report.observed_per_machine_per_day,
        on_track=report.on_track,
    )
    message.as_of_time.FromDatetime(as_of)
    if report.deadline is not None:
        message.deadline.FromDatetime(report.deadline)
    if report.projected_at_target is not None:
        message.projected_completion_at_target.FromDatetime(report.projected_at_target)
    if report.projected_observed is not None:
        message.projected_completion_observed.FromDatetime(report.projected_observed)
    return message


_Request = TypeVar("_Request", bound=Message)
_Response = TypeVar("_Response")


def _decoding(
    message: type[_Request], behaviour: Callable[[_Request, Any], Awaitable[_Response]]
) -> Callable[[bytes, Any], Awaitable[_Response]]:
    """``behaviour`` on the raw request bytes, decoded inside the handler: bytes that
    are not the message become INVALID_ARGUMENT there. Left to gRPC's deserializer
    they would be UNKNOWN, with a traceback in the server's log at ERROR."""

    async def decoded(data: bytes, context: Any) -> _Response:
        try:
            request = message.FromString(data)
        except DecodeError:
            raise BadRequestError([("", f"not a {message.DESCRIPTOR.full_name} message")]) from None
        return await behaviour(request, context)

    return decoded


def add_verifier(service: VerifierService, server: grpc.aio.Server) -> None:
    """The service's handlers, each wrapped by ``status.with_error_status``; Verify and
    VerifyStream take and answer raw bytes (no protobuf object in Python); Submit and
    GetProgress decode theirs in the handler (``_decoding``)."""
    handlers: dict[str, grpc.RpcMethodHandler[Any, Any]] = {
        "Verify": grpc.unary_unary_rpc_method_handler(service.Verify),
        "Submit": grpc.unary_unary_rpc_method_handler(
            _decoding(pb.SubmitRequest, service.Submit),
            response_serializer=pb.SubmitResponse.SerializeToString,
        ),
        "VerifyStream": grpc.stream_stream_rpc_method_handler(service.VerifyStream),
        "GetProgress": grpc.unary_unary_rpc_method_handler(
            _decoding(pb.GetProgressRequest, service.GetProgress),
            response_serializer=pb.GetProgressResponse.SerializeToString,
        ),
    }
    handlers = {name: observed(name, with_error_status(handler), service.metrics) for name, handler in handlers.items()}
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE_NAME, handlers),))
    server.add_registered_method_handlers(SERVICE_NAME, handlers)

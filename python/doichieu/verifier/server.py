"""The gRPC verifier (``doichieu.v1.Verifier``) on ``grpc.aio``.

One event loop per process answers every call. Single-record checks run on
the loop itself: the engine answers in microseconds, less than a hop to a
worker thread would cost. Chunks of a stream go to a worker thread as one
engine call that releases the GIL, so the loop keeps serving other calls
meanwhile. Ledger writes go to the ledger's writer thread (group commit); the
answer waits for the commit.

Shutdown (SIGTERM or SIGINT): the health service turns NOT_SERVING, new calls
are refused, calls in flight get ``--grace`` seconds to finish, then every
submission already queued is committed before the process exits.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import grpc
from google.protobuf import timestamp_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection
from grpc_status import rpc_status

from doichieu._engine import member_violations, text_violations
from doichieu.errors import DoichieuError, InvalidInputError
from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier import ledger as ledger_mod
from doichieu.verifier import progress as progress_mod
from doichieu.verifier.engine_adapter import FIELD_CAPS, LONG_FIELD_BYTES, VERDICT_NAMES, WirePath, blocking_codes
from doichieu.verifier.tls import peer_site, server_credentials

log = logging.getLogger("doichieu.verifier")

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["Verifier"].full_name
MAX_MESSAGE_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_CHUNK = 1000
#: Chunks read ahead of the one being checked; beyond this the stream waits
#: and HTTP/2 flow control slows the sender down.
STREAM_READ_AHEAD = 4
ID_MAX_BYTES = 128
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
_VERDICT_VALUES = {name: value for value, name in VERDICT_NAMES.items()}


class Engine(Protocol):
    """What the service needs from the record model (see ``engine_adapter.EngineAdapter``)."""

    required: dict[tuple[str, str], int]

    @property
    def wire(self) -> WirePath: ...

    def unit_of(self, member_id: str) -> tuple[str, str] | None: ...

    def same_person_of(self, member_id: str) -> tuple[str, ...]: ...


# ---------------------------------------------------------------- bad input


class BadRequestError(InvalidInputError):
    """Bad input with one violation per field, answered as google.rpc.BadRequest."""

    def __init__(self, violations: list[tuple[str, str]]) -> None:
        self.violations = violations
        super().__init__("; ".join(f"{path}: {why}" for path, why in violations))


def _rich_status(code: grpc.StatusCode, rpc_code: int, message: str, details: Any | None = None) -> grpc.Status:
    status = status_pb2.Status(code=rpc_code, message=message)
    if details is not None:
        status.details.add().Pack(details)
    return rpc_status.to_status(status)


def _bad_request_status(violations: list[tuple[str, str]]) -> grpc.Status:
    detail = error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=path, description=why) for path, why in violations
        ]
    )
    summary = "; ".join(f"{path}: {why}" for path, why in violations[:5])
    if len(violations) > 5:
        summary += f"; and {len(violations) - 5} more"
    return _rich_status(grpc.StatusCode.INVALID_ARGUMENT, code_pb2.INVALID_ARGUMENT, summary, detail)


def _check_text(
    path: str, value: str, max_bytes: int, violations: list[tuple[str, str]], required: bool = False
) -> None:
    violations.extend(text_violations(path, value, max_bytes, required))


def _check_member(path: str, member: pb.MemberRecord, violations: list[tuple[str, str]]) -> None:
    violations.extend(member_violations(path, member.SerializeToString(), FIELD_CAPS))


# ---------------------------------------------------------------- errors to status codes


def _status_for(exc: BaseException) -> grpc.Status:
    # The wire path refuses bad fields with an InvalidInputError carrying them.
    violations = getattr(exc, "violations", None)
    if isinstance(exc, InvalidInputError) and violations:
        return _bad_request_status(violations)
    if isinstance(exc, ledger_mod.SubmissionConflictError):
        return _bad_request_status([("submission_id", str(exc))])
    if isinstance(exc, ledger_mod.LedgerError):
        return _rich_status(grpc.StatusCode.UNAVAILABLE, code_pb2.UNAVAILABLE, str(exc))
    if isinstance(exc, InvalidInputError):
        return _bad_request_status([("", str(exc))])
    if isinstance(exc, DoichieuError):
        return _rich_status(grpc.StatusCode.FAILED_PRECONDITION, code_pb2.FAILED_PRECONDITION, str(exc))
    reference = uuid.uuid4().hex[:12]
    # The traceback may quote a record, so it stays at debug level.
    log.error("unexpected %s (reference %s)", type(exc).__name__, reference)
    log.debug("unexpected error %s", reference, exc_info=exc)
    return _rich_status(grpc.StatusCode.INTERNAL, code_pb2.INTERNAL, f"internal error (reference {reference})")


async def _abort(context: grpc.aio.ServicerContext[Any, Any], status: grpc.Status) -> None:
    await context.abort(status.code, status.details, status.trailing_metadata)


def _is_engine_panic(exc: BaseException) -> bool:
    """A panic inside the Rust engine: PyO3 raises it as ``pyo3_runtime.PanicException``,
    a BaseException (not an Exception), so that ordinary handlers do not swallow it.
    The server answers it like any other bug, INTERNAL with a reference, rather than
    letting it tear down the call without a status."""
    kind = type(exc)
    return kind.__name__ == "PanicException" and kind.__module__ == "pyo3_runtime"


def _with_error_status(handler: grpc.RpcMethodHandler[Any, Any]) -> grpc.RpcMethodHandler[Any, Any]:
    """The handler, answering doichieu's errors with their status codes and
    anything unexpected with INTERNAL and a reference number instead of the
    exception's text. Wrapped once at registration rather than by a server
    interceptor, which would add a coroutine to every call of every method."""
    # Under grpc.aio the behaviours are coroutines and async generators; the
    # typing stubs describe the synchronous server's.
    if handler.unary_unary is not None:
        inner_unary: Any = handler.unary_unary

        async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            try:
                return await inner_unary(request, context)
            except grpc.aio.AbortError:
                raise
            except Exception as exc:
                await _abort(context, _status_for(exc))
            except BaseException as exc:
                if not _is_engine_panic(exc):
                    raise
                await _abort(context, _status_for(exc))

        return grpc.unary_unary_rpc_method_handler(
            unary,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.stream_stream is not None:
        inner_stream: Any = handler.stream_stream

        async def stream(requests: Any, context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
            try:
                async for response in inner_stream(requests, context):
                    yield response
            except grpc.aio.AbortError:
                raise
            except Exception as exc:
                await _abort(context, _status_for(exc))
            except BaseException as exc:
                if not _is_engine_panic(exc):
                    raise
                await _abort(context, _status_for(exc))

        return grpc.stream_stream_rpc_method_handler(
            stream,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    return handler


# ---------------------------------------------------------------- the service

_Chunk = TypeVar("_Chunk")


def _read_ahead(
    requests: AsyncIterator[_Chunk],
) -> tuple[asyncio.Queue[_Chunk | None], list[BaseException], asyncio.Task[None]]:
    """Reads a stream's requests into a queue at most STREAM_READ_AHEAD deep, so
    a sender faster than the checks waits on HTTP/2 flow control; None ends the
    queue, and a failure to read is handed over to be raised after the chunks
    before it are answered."""
    chunks: asyncio.Queue[_Chunk | None] = asyncio.Queue(maxsize=STREAM_READ_AHEAD)
    failure: list[BaseException] = []

    async def read() -> None:
        try:
            async for chunk in requests:
                await chunks.put(chunk)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failure.append(exc)
        # Not in a finally: a cancelled reader must not wait on a full queue.
        await chunks.put(None)

    return chunks, failure, asyncio.create_task(read())


async def _waiting_batches(chunks: asyncio.Queue[_Chunk | None]) -> AsyncIterator[list[_Chunk]]:
    """The stream's chunks in batches for one engine call each: a batch starts with
    the next chunk and takes the chunks already waiting in the read-ahead queue;
    the queue's None ends it."""
    while True:
        first = await chunks.get()
        if first is None:
            return
        batch = [first]
        while not chunks.empty():
            nxt = chunks.get_nowait()
            if nxt is None:
                yield batch
                return
            batch.append(nxt)
        yield batch


def _timestamp(micros: int) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromMicroseconds(micros)
    return stamp


@dataclass
class ServiceOptions:
    require_client_site: bool = False
    max_chunk: int = DEFAULT_MAX_CHUNK
    shift: progress_mod.Shift = field(default_factory=lambda: progress_mod.Shift.parse("08:00-23:00"))
    target_per_machine_per_day: int = progress_mod.DEFAULT_TARGET_PER_MACHINE_PER_DAY
    deadline: datetime | None = None


class VerifierService:
    def __init__(self, engine: Engine, ledger: ledger_mod.Ledger, options: ServiceOptions) -> None:
        self.engine = engine
        self.ledger = ledger
        self.options = options

    @staticmethod
    def _time_left(context: grpc.aio.ServicerContext[Any, Any]) -> float | None:
        remaining = context.time_remaining()
        return None if remaining is None else float(remaining)

    async def _check_deadline(self, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        remaining = self._time_left(context)
        if remaining is not None and remaining <= 0:
            await context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline exceeded before the check")

    async def Verify(self, request: bytes, context: grpc.aio.ServicerContext[bytes, bytes]) -> bytes:
        """Verify on raw bytes: the compiled index decodes, checks the input
        (refusing it field by field), verifies and encodes the answer."""
        await self._check_deadline(context)
        return self.engine.wire.verify_request_bytes(request, FIELD_CAPS)

    def _verification(self, member: pb.MemberRecord) -> pb.Verification:
        """Verify's answer for Submit, from the same wire path."""
        data = pb.VerifyRequest(member=member).SerializeToString()
        return pb.VerifyResponse.FromString(self.engine.wire.verify_request_bytes(data, FIELD_CAPS)).verification

    async def Submit(
        self, request: pb.SubmitRequest, context: grpc.aio.ServicerContext[pb.SubmitRequest, pb.SubmitResponse]
    ) -> pb.SubmitResponse:
        violations: list[tuple[str, str]] = []
        _check_text("submission_id", request.submission_id, ID_MAX_BYTES, violations, required=True)
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
        else:
            _check_text("site_id", site, ID_MAX_BYTES, violations, required=True)
        _check_text("machine_id", request.machine_id, ID_MAX_BYTES, violations, required=True)
        _check_text("officer_id", request.officer_id, ID_MAX_BYTES, violations, required=True)
        if not request.HasField("member"):
            violations.append(("member", "required"))
        else:
            _check_member("member", request.member, violations)
            _check_text("member.member_id", request.member.member_id, ID_MAX_BYTES, violations, required=True)
        excluded = request.exclusion_reason != pb.EXCLUSION_REASON_UNSPECIFIED
        if excluded and request.exclusion_reason not in _EXCLUSION_NAMES:
            violations.append(("exclusion_reason", "unknown value"))
        if request.HasField("capture_time"):
            capture_us = request.capture_time.ToMicroseconds()
            if not 0 < capture_us <= ledger_mod.now_us() + 300_000_000:
                violations.append(("capture_time", "must not lie in the future (beyond 5 minutes of clock skew)"))
        else:
            capture_us = ledger_mod.now_us()
        if violations:
            raise BadRequestError(violations)
        await self._check_deadline(context)

        member = request.member
        verification = None if excluded else self._verification(member)
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
                response.verification.CopyFrom(verification)
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
                        verdict=_VERDICT_VALUES.get(prior.verdict, pb.VERDICT_UNSPECIFIED),
                    )
                )
            return response.SerializeToString()

        pending = asyncio.wrap_future(self.ledger.submit(intake, render))
        # If the caller gives up, the write still completes; its retry gets the
        # stored answer.
        stored = await asyncio.shield(pending)
        return pb.SubmitResponse.FromString(stored.response)

    async def VerifyStream(
        self, request_iterator: AsyncIterator[bytes], context: grpc.aio.ServicerContext[bytes, bytes]
    ) -> AsyncIterator[bytes]:
        """VerifyStream on raw bytes: the chunks waiting when a call starts
        (at most the read-ahead) go to the compiled index in one call on a
        worker thread, one answer per chunk."""
        wire = self.engine.wire
        chunks, failure, reader = _read_ahead(request_iterator)
        index = 0
        try:
            # The read-ahead bounds a batch; the records are counted in Rust.
            async for batch in _waiting_batches(chunks):
                await self._check_deadline(context)
                responses = await asyncio.to_thread(
                    wire.verify_stream_bytes, batch, index, FIELD_CAPS, self.options.max_chunk
                )
                for response in responses:
                    yield response
                index += len(batch)
            if failure:
                raise failure[0]
        finally:
            reader.cancel()

    async def GetProgress(
        self,
        request: pb.GetProgressRequest,
        context: grpc.aio.ServicerContext[pb.GetProgressRequest, pb.GetProgressResponse],
    ) -> pb.GetProgressResponse:
        violations: list[tuple[str, str]] = []
        _check_text("ward", request.ward, LONG_FIELD_BYTES, violations)
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


# ---------------------------------------------------------------- running


@dataclass
class ServerConfig:
    population: str
    roster: str | None
    host: str = "127.0.0.1"
    port: int = 50051
    ledger: str = "sqlite:///doichieu-ledger.db"
    tls_cert: str | None = None
    tls_key: str | None = None
    client_ca: str | None = None
    grace: float = 10.0
    max_chunk: int = DEFAULT_MAX_CHUNK
    max_concurrent_rpcs: int = 1000
    shift: str = "08:00-23:00"
    target_per_machine_per_day: int = progress_mod.DEFAULT_TARGET_PER_MACHINE_PER_DAY
    deadline: datetime | None = None
    workers: int = 1
    port_file: str | None = None


def _server_options(reuse_port: bool) -> list[tuple[str, Any]]:
    return [
        ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ("grpc.so_reuseport", 1 if reuse_port else 0),
        # Intake machines keep connections for a whole shift.
        ("grpc.keepalive_time_ms", 60_000),
        ("grpc.http2.min_ping_interval_without_data_ms", 30_000),
    ]


class RunningServer:
    """A started server: its port, and how to stop it gracefully."""

    def __init__(
        self, server: grpc.aio.Server, health: HealthServicer, ledger: ledger_mod.Ledger, port: int, grace: float
    ) -> None:
        self.server = server
        self.health = health
        self.ledger = ledger
        self.port = port
        self.grace = grace
        self._stopped = False

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        await self.health.enter_graceful_shutdown()
        await self.server.stop(self.grace)
        # Every submission already handed to the writer gets committed.
        await asyncio.to_thread(self.ledger.close)

    async def wait(self) -> None:
        await self.server.wait_for_termination()


async def start_server(
    config: ServerConfig, engine: Engine, ledger: ledger_mod.Ledger, *, reuse_port: bool = False
) -> RunningServer:
    if (config.tls_cert is None) != (config.tls_key is None):
        raise InvalidInputError("--tls-cert and --tls-key go together")
    if config.client_ca is not None and config.tls_cert is None:
        raise InvalidInputError("--client-ca (mutual TLS) needs --tls-cert and --tls-key")
    if not 1 <= config.max_chunk <= 100_000:
        raise InvalidInputError("max chunk must be between 1 and 100000 records")
    options = ServiceOptions(
        require_client_site=config.client_ca is not None,
        max_chunk=config.max_chunk,
        shift=progress_mod.Shift.parse(config.shift),
        target_per_machine_per_day=config.target_per_machine_per_day,
        deadline=config.deadline,
    )
    server = grpc.aio.server(
        options=_server_options(reuse_port),
        maximum_concurrent_rpcs=config.max_concurrent_rpcs,
    )
    _add_verifier(VerifierService(engine, ledger, options), server)
    health = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    reflection.enable_server_reflection(
        (SERVICE_NAME, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME), server
    )
    address = f"{config.host}:{config.port}"
    if config.tls_cert is not None and config.tls_key is not None:
        port = server.add_secure_port(address, server_credentials(config.tls_cert, config.tls_key, config.client_ca))
    else:
        port = server.add_insecure_port(address)
    if port == 0:
        raise DoichieuError(f"cannot listen on {address}")
    await server.start()
    await health.set("", health_pb2.HealthCheckResponse.SERVING)
    await health.set(SERVICE_NAME, health_pb2.HealthCheckResponse.SERVING)
    return RunningServer(server, health, ledger, port, config.grace)


def _add_verifier(service: VerifierService, server: grpc.aio.Server) -> None:
    """The service's handlers, each wrapped by ``_with_error_status``; Verify and
    VerifyStream take and answer raw bytes (no protobuf object in Python)."""
    handlers: dict[str, grpc.RpcMethodHandler[Any, Any]] = {
        "Verify": grpc.unary_unary_rpc_method_handler(service.Verify),
        "Submit": grpc.unary_unary_rpc_method_handler(
            service.Submit,
            request_deserializer=pb.SubmitRequest.FromString,
            response_serializer=pb.SubmitResponse.SerializeToString,
        ),
        "VerifyStream": grpc.stream_stream_rpc_method_handler(service.VerifyStream),
        "GetProgress": grpc.unary_unary_rpc_method_handler(
            service.GetProgress,
            request_deserializer=pb.GetProgressRequest.FromString,
            response_serializer=pb.GetProgressResponse.SerializeToString,
        ),
    }
    handlers = {name: _with_error_status(handler) for name, handler in handlers.items()}
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE_NAME, handlers),))
    server.add_registered_method_handlers(SERVICE_NAME, handlers)


def load_engine(config: ServerConfig) -> Engine:
    from doichieu.verifier.engine_adapter import EngineAdapter

    return EngineAdapter(config.population, config.roster)


EngineFactory = Callable[[ServerConfig], Engine]


def _settle_memory() -> None:
    """What is loaded at start (the index, the required list, gRPC, polars)
    lives as long as the process: moved out of the cyclic collector's sight, so
    the collections that a busy server's allocations trigger stop scanning it,
    and young collections come less often (answers are built of short-lived
    lists and dicts without cycles). Profiling VerifyStream showed a tenth of
    the server's time in the collector before this."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


async def _serve(config: ServerConfig, reuse_port: bool, engine_factory: EngineFactory) -> None:
    engine = engine_factory(config)
    ledger = ledger_mod.open_ledger(config.ledger)
    _settle_memory()
    try:
        running = await start_server(config, engine, ledger, reuse_port=reuse_port)
    except BaseException:
        ledger.close()
        raise
    log.info("doichieu verifier listening on %s:%d (pid %d)", config.host, running.port, os.getpid())
    if config.port_file:
        tmp = f"{config.port_file}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="ascii") as handle:
            handle.write(f"{running.port}\n")
        os.replace(tmp, config.port_file)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    log.info("shutting down: draining calls in flight for up to %.0f s", config.grace)
    await running.stop()
    log.info("stopped; ledger closed")


def _bind_probe(host: str, port: int) -> int:
    """Reserves a port for several processes (SO_REUSEPORT) before any of them starts gRPC."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    probe.bind((host, port))
    return int(probe.getsockname()[1])


def run(config: ServerConfig, engine_factory: EngineFactory = load_engine) -> int:
    """Runs until SIGTERM/SIGINT; with ``workers > 1`` forks that many servers
    sharing the port (each process builds its own index after the fork: the
    engine's thread pool must not cross a fork)."""
    if config.workers <= 1:
        asyncio.run(_serve(config, False, engine_factory))
        return 0
    port = _bind_probe(config.host, config.port)
    config.port = port
    children: list[int] = []
    for _ in range(config.workers):
        pid = os.fork()
        if pid == 0:
            try:
                asyncio.run(_serve(config, True, engine_factory))
                os._exit(0)
            except BaseException:
                log.exception("worker failed")
                os._exit(1)
        children.append(pid)

    def forward(signum: int, _frame: Any) -> None:
        for child in children:
            try:
                os.kill(child, signum)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    status = 0
    for child in children:
        _, code = os.waitpid(child, 0)
        status = status or os.waitstatus_to_exitcode(code)
    return status

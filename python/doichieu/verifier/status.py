"""Errors to gRPC status codes: doichieu's errors with their codes (bad fields
as a ``google.rpc.BadRequest`` detail), anything unexpected as INTERNAL with a
reference number, never the exception's text (it may quote a record)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import grpc
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from doichieu.errors import DoichieuError, InvalidInputError
from doichieu.verifier import ledger as ledger_mod
from doichieu.verifier.admission import StreamIdleError, StreamRefusedError
from doichieu.verifier.logs import current_request_id
from doichieu.verifier.tls import SiteIdentityError

log = logging.getLogger("doichieu.verifier")

#: A BadRequest lists at most this many field violations, then one saying how
#: many more there were: the detail travels in the trailers, and a client
#: refuses trailers over 8 KiB (gRPC's default metadata limit) with
#: RESOURCE_EXHAUSTED instead of the status the server sent.
MAX_LISTED_VIOLATIONS = 20
#: The listed violations stop earlier when they would take more than this many
#: bytes (each path and description is also cut to MAX_VIOLATION_TEXT_BYTES), and
#: the message summing them up is cut to MAX_SUMMARY_BYTES: with base64 and
#: percent-encoding the trailers stay under half the limit whatever the input.
MAX_DETAIL_BYTES = 2048
MAX_VIOLATION_TEXT_BYTES = 160
MAX_SUMMARY_BYTES = 512


def _rich_status(code: grpc.StatusCode, rpc_code: int, message: str, details: Any | None = None) -> grpc.Status:
    status = status_pb2.Status(code=rpc_code, message=message)
    if details is not None:
        status.details.add().Pack(details)
    return rpc_status.to_status(status)


class DeadlinePassedError(DoichieuError):
    """The caller's deadline passed before the server got to the work: DEADLINE_EXCEEDED."""

    def __init__(self) -> None:
        super().__init__("deadline exceeded before the check")


def _cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` bytes of UTF-8, cut at a character boundary."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[: limit - 3].decode("utf-8", errors="ignore") + "..."


def _bad_request_status(violations: list[tuple[str, str]]) -> grpc.Status:
    listed: list[error_details_pb2.BadRequest.FieldViolation] = []
    budget = MAX_DETAIL_BYTES
    for path, why in violations[:MAX_LISTED_VIOLATIONS]:
        entry = error_details_pb2.BadRequest.FieldViolation(
            field=_cut(path, MAX_VIOLATION_TEXT_BYTES), description=_cut(why, MAX_VIOLATION_TEXT_BYTES)
        )
        budget -= entry.ByteSize() + 3  # the entry's tag and length
        if budget < 0:
            break
        listed.append(entry)
    if len(violations) > len(listed):
        listed.append(
            error_details_pb2.BadRequest.FieldViolation(
                description=f"and {len(violations) - len(listed)} more violations, not listed"
            )
        )
    summary = "; ".join(f"{path}: {why}" for path, why in violations[:5])
    if len(violations) > 5:
        summary += f"; and {len(violations) - 5} more"
    message = _cut(summary, MAX_SUMMARY_BYTES)
    detail = error_details_pb2.BadRequest(field_violations=listed)
    return _rich_status(grpc.StatusCode.INVALID_ARGUMENT, code_pb2.INVALID_ARGUMENT, message, detail)


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
    if isinstance(exc, StreamRefusedError):
        return _rich_status(grpc.StatusCode.RESOURCE_EXHAUSTED, code_pb2.RESOURCE_EXHAUSTED, str(exc))
    if isinstance(exc, (StreamIdleError, DeadlinePassedError)):
        return _rich_status(grpc.StatusCode.DEADLINE_EXCEEDED, code_pb2.DEADLINE_EXCEEDED, str(exc))
    if isinstance(exc, SiteIdentityError):
        return _rich_status(grpc.StatusCode.PERMISSION_DENIED, code_pb2.PERMISSION_DENIED, str(exc))
    if isinstance(exc, DoichieuError):
        return _rich_status(grpc.StatusCode.FAILED_PRECONDITION, code_pb2.FAILED_PRECONDITION, str(exc))
    # The call's request ID, so the client's reference finds the server's log lines of the call.
    reference = current_request_id() or uuid.uuid4().hex[:12]
    # The traceback may quote a record, so it stays at debug level.
    log.error("unexpected %s (reference %s)", type(exc).__name__, reference)
    log.debug("unexpected error %s", reference, exc_info=exc)
    return _rich_status(grpc.StatusCode.INTERNAL, code_pb2.INTERNAL, f"internal error (reference {reference})")


async def _abort(context: grpc.aio.ServicerContext[Any, Any], status: grpc.Status) -> None:
    """Ends the call with ``status``. A call that has already ended (its deadline
    passed or its client went away while the handler worked) takes no status:
    that is a warning without a traceback, and gRPC finishes the call quietly.
    Aborting it anyway would fail, and a second abort fail louder."""
    if context.done():
        log.warning("call ended before its %s status could be sent", status.code.name)
        return
    try:
        await context.abort(status.code, status.details, status.trailing_metadata)
    except grpc.aio.AbortError:
        raise
    except Exception as exc:
        log.warning("call ended while its %s status was sent (%s)", status.code.name, type(exc).__name__)


def _is_engine_panic(exc: BaseException) -> bool:
    """A panic inside the Rust engine: PyO3 raises it as ``pyo3_runtime.PanicException``,
    a BaseException (not an Exception), so that ordinary handlers do not swallow it.
    The server answers it like any other bug, INTERNAL with a reference, rather than
    letting it tear down the call without a status."""
    kind = type(exc)
    return kind.__name__ == "PanicException" and kind.__module__ == "pyo3_runtime"


def with_error_status(handler: grpc.RpcMethodHandler[Any, Any]) -> grpc.RpcMethodHandler[Any, Any]:
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

"""Around every call: its request ID (``logs``) and, when metrics are on, its count
by status code and its latency (``metrics``). Wrapped once at registration, outside
``status.with_error_status``, so an error's reference is the call's request ID."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import grpc

from doichieu.verifier.logs import new_request_id
from doichieu.verifier.metrics import Metrics


def _code(context: grpc.aio.ServicerContext[Any, Any]) -> str:
    code = context.code()
    if isinstance(code, grpc.StatusCode):
        return code.name
    return "UNKNOWN" if code is None else str(code)


def observed(
    method: str, handler: grpc.RpcMethodHandler[Any, Any], metrics: Metrics | None
) -> grpc.RpcMethodHandler[Any, Any]:
    if handler.unary_unary is not None:
        inner_unary: Any = handler.unary_unary

        async def unary(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            new_request_id()
            started = time.perf_counter()
            code = "OK"
            try:
                return await inner_unary(request, context)
            except grpc.aio.AbortError:
                code = _code(context)
                raise
            except BaseException:
                code = "UNKNOWN"
                raise
            finally:
                if metrics is not None:
                    metrics.call_done(method, code, time.perf_counter() - started)

        return grpc.unary_unary_rpc_method_handler(
            unary, request_deserializer=handler.request_deserializer, response_serializer=handler.response_serializer
        )
    if handler.stream_stream is not None:
        inner_stream: Any = handler.stream_stream

        async def stream(requests: Any, context: grpc.aio.ServicerContext[Any, Any]) -> AsyncIterator[Any]:
            new_request_id()
            started = time.perf_counter()
            code = "OK"
            if metrics is not None:
                metrics.open_streams.inc()
            try:
                async for response in inner_stream(requests, context):
                    yield response
            except grpc.aio.AbortError:
                code = _code(context)
                raise
            except BaseException:
                code = "CANCELLED"
                raise
            finally:
                if metrics is not None:
                    metrics.open_streams.dec()
                    metrics.call_done(method, code, time.perf_counter() - started)

        return grpc.stream_stream_rpc_method_handler(
            stream, request_deserializer=handler.request_deserializer, response_serializer=handler.response_serializer
        )
    return handler

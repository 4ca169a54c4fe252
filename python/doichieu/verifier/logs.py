"""The server's log: plain text or one JSON object a line (``serve --log-format json``),
each line carrying the ID of the call it was written in.

A call's request ID is set when its handler starts (``observe``) and lives in a
context variable, so it follows the call through its coroutines; an error's
reference (``status``) is the same ID, so a client's report of "internal error
(reference …)" finds the server's lines of that call.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import uuid
from datetime import UTC, datetime
from typing import TextIO

LOG_FORMATS = ("text", "json")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("doichieu_request_id", default="")


def new_request_id() -> str:
    """A fresh ID for a call, set for the current context; returns it."""
    request_id = uuid.uuid4().hex[:16]
    _request_id.set(request_id)
    return request_id


def current_request_id() -> str:
    """The current call's ID; empty outside a call."""
    return _request_id.get()


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, pid,
    request_id (when in a call) and the exception's type (never its text or traceback
    above debug: they may quote a record)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        request_id = getattr(record, "request_id", "")
        if request_id:
            line["request_id"] = request_id
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__
            if record.levelno <= logging.DEBUG:
                line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class _StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler writing to whatever ``sys.stderr`` is when a record is emitted,
    so a caller that swaps stderr (a test capturing it) never leaves the handler
    holding a closed stream."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass


def make_handler(log_format: str, stream: TextIO | None = None) -> logging.Handler:
    """A handler writing to ``stream`` (default: whatever ``sys.stderr`` is at
    each record) in ``log_format`` (``text`` or ``json``), with the request ID."""
    handler: logging.Handler = logging.StreamHandler(stream) if stream is not None else _StandardError()
    handler.addFilter(_RequestIdFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler


def configure(log_format: str, level: int = logging.INFO) -> None:
    """The root logger writing to stderr in ``log_format``."""
    root = logging.getLogger()
    root.handlers[:] = [make_handler(log_format)]
    root.setLevel(level)

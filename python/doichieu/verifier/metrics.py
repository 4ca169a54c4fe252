"""Prometheus metrics of the verifier (``serve --metrics-port``), off by default.

``serve`` runs one process or several sharing the port, so the metrics use
prometheus-client's multiprocess mode: every process writes its values to files
in one private folder (``PROMETHEUS_MULTIPROC_DIR``), and the exporter, in the
process that started the workers, sums them when scraped. The folder must be
named before prometheus-client is imported, so the module imports it late.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from typing import Any

_ENV = "PROMETHEUS_MULTIPROC_DIR"
_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_COMMIT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)


def prepare_folder() -> str:
    """A new private folder (0700) for the processes' values, named in the environment
    that the workers inherit."""
    folder = tempfile.mkdtemp(prefix="doichieu-metrics-")
    os.environ[_ENV] = folder
    return folder


def remove_folder(folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)


class Metrics:
    """One process's metrics; their values go to the shared folder."""

    def __init__(self) -> None:
        from prometheus_client import Counter, Gauge, Histogram

        # registry=None: the exporter reads the folder, not this process's registry.
        self.calls = Counter(
            "doichieu_calls", "Calls answered, by method and status code", ["method", "code"], registry=None
        )
        self.latency = Histogram(
            "doichieu_call_seconds", "Time to answer a call", ["method"], buckets=_LATENCY_BUCKETS, registry=None
        )
        self.stream_records = Counter("doichieu_stream_records", "Records checked in VerifyStream", registry=None)
        self.ledger_commit = Histogram(
            "doichieu_ledger_commit_seconds", "Time of one ledger group commit", buckets=_COMMIT_BUCKETS, registry=None
        )
        self.audit_commit = Histogram(
            "doichieu_audit_commit_seconds", "Time of one audit group commit", buckets=_COMMIT_BUCKETS, registry=None
        )
        self.open_streams = Gauge(
            "doichieu_open_streams", "VerifyStream calls open", multiprocess_mode="livesum", registry=None
        )
        self.ledger_queue = Gauge(
            "doichieu_ledger_queue_depth",
            "Submissions waiting for the ledger writer after its last commit",
            multiprocess_mode="livesum",
            registry=None,
        )
        self.audit_queue = Gauge(
            "doichieu_audit_queue_depth",
            "Calls waiting for the audit writer after its last commit",
            multiprocess_mode="livesum",
            registry=None,
        )

    def call_done(self, method: str, code: str, seconds: float) -> None:
        self.calls.labels(method, code).inc()
        self.latency.labels(method).observe(seconds)

    def ledger_committed(self, _submissions: int, seconds: float, waiting: int) -> None:
        self.ledger_commit.observe(seconds)
        self.ledger_queue.set(waiting)

    def audit_committed(self, _entries: int, seconds: float, waiting: int) -> None:
        self.audit_commit.observe(seconds)
        self.audit_queue.set(waiting)

    def records_streamed(self, count: int) -> None:
        self.stream_records.inc(count)


def process_exited(pid: int) -> None:
    """Drops a finished worker's live gauges from the sums."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def start_exporter(address: str, port: int) -> tuple[Any, threading.Thread]:
    """Serves the summed metrics over HTTP on ``address:port`` (a daemon thread)."""
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    server, thread = start_http_server(port, addr=address, registry=registry)
    return server, thread

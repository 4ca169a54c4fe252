"""Running the verifier: the gRPC server on its port (TLS, options, health,
reflection), one process or several sharing the port, and graceful shutdown.

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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection

from doichieu.errors import CataloguedError
from doichieu.verifier import audit as audit_mod
from doichieu.verifier import ledger as ledger_mod
from doichieu.verifier import metrics as metrics_mod
from doichieu.verifier import progress as progress_mod
from doichieu.verifier.admission import (
    DEFAULT_MAX_CONCURRENT_RPCS,
    DEFAULT_MAX_STREAMS_PER_PEER,
    DEFAULT_STREAM_IDLE_TIMEOUT,
    StreamLimits,
)
from doichieu.verifier.budget import (
    DEFAULT_STREAM_MEMORY_BUDGET,
    DEFAULT_STREAM_MEMORY_PER_STREAM,
    map_large_blocks_apart,
)
from doichieu.verifier.disclosure import load_full_disclosure_sites
from doichieu.verifier.service import (
    DEFAULT_MAX_CHUNK,
    SERVICE_NAME,
    Engine,
    ServiceOptions,
    VerifierService,
    add_verifier,
)
from doichieu.verifier.tls import server_credentials
from doichieu.verifier.transport import check_transport

log = logging.getLogger("doichieu.verifier")

MAX_MESSAGE_BYTES = 4 * 1024 * 1024


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
    max_concurrent_rpcs: int = DEFAULT_MAX_CONCURRENT_RPCS
    #: Open VerifyStream calls in all; None: half of ``max_concurrent_rpcs``, the
    #: other half kept for Verify, Submit and GetProgress.
    max_streams: int | None = None
    max_streams_per_peer: int = DEFAULT_MAX_STREAMS_PER_PEER
    #: Seconds a stream may wait for its client's next request before it is ended.
    stream_idle_timeout: float = DEFAULT_STREAM_IDLE_TIMEOUT
    shift: str = "08:00-23:00"
    target_per_machine_per_day: int = progress_mod.DEFAULT_TARGET_PER_MACHINE_PER_DAY
    deadline: datetime | None = None
    workers: int = 1
    port_file: str | None = None
    #: A saved duplicate model for the required list; None trains one at start.
    dedup_model: str | None = None
    #: Where the roster's and the population's tables are in their files, when
    #: the reader cannot find them (sheet by name or number from 1, header row).
    sheet: str | None = None
    header_row: int | None = None
    population_sheet: str | None = None
    population_header_row: int | None = None
    #: Bytes of stream chunks and answers the process holds at once, in all and per stream.
    stream_memory_budget: int = DEFAULT_STREAM_MEMORY_BUDGET
    stream_memory_per_stream: int = DEFAULT_STREAM_MEMORY_PER_STREAM
    #: A file of site IDs whose answers show the population data in full (``disclosure``).
    full_disclosure_sites: str | None = None
    #: Listen without TLS beyond loopback (``transport``).
    insecure: bool = False
    #: The audit trail's file and the key of its citizen-ID hashes; None: no audit trail.
    audit: str | None = None
    audit_key_file: str | None = None
    #: Prometheus metrics on this port (None: off), at ``metrics_address``.
    metrics_port: int | None = None
    metrics_address: str = "127.0.0.1"
    #: Days the audit trail keeps its entries; None: kept until ``doichieu audit purge``.
    audit_retention_days: float | None = None


def _server_options(reuse_port: bool) -> list[tuple[str, Any]]:
    return [
        ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ("grpc.so_reuseport", 1 if reuse_port else 0),
        ("grpc.http2.bdp_probe", 0),
        ("grpc.http2.lookahead_bytes", 64 * 1024),
        # Intake machines keep connections for a whole shift.
        ("grpc.keepalive_time_ms", 60_000),
        ("grpc.http2.min_ping_interval_without_data_ms", 30_000),
    ]


class RunningServer:
    """A started server: its port, and how to stop it gracefully."""

    def __init__(
        self,
        server: grpc.aio.Server,
        health: HealthServicer,
        ledger: ledger_mod.Ledger,
        port: int,
        grace: float,
        audit: audit_mod.AuditTrail | None = None,
    ) -> None:
        self.server = server
        self.health = health
        self.ledger = ledger
        self.audit = audit
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
        if self.audit is not None:
            await asyncio.to_thread(self.audit.close)

    async def wait(self) -> None:
        await self.server.wait_for_termination()


async def start_server(
    config: ServerConfig,
    engine: Engine,
    ledger: ledger_mod.Ledger,
    *,
    reuse_port: bool = False,
    audit: audit_mod.AuditTrail | None = None,
    metrics: metrics_mod.Metrics | None = None,
) -> RunningServer:
    if (config.tls_cert is None) != (config.tls_key is None):
        raise CataloguedError("value.together", flags="--tls-cert, --tls-key")
    if config.client_ca is not None and config.tls_cert is None:
        raise CataloguedError("value.client_ca")
    if not 1 <= config.max_chunk <= 100_000:
        raise CataloguedError("value.max_chunk")
    check_transport(config.host, tls=config.tls_cert is not None, insecure=config.insecure)
    full_disclosure_sites = frozenset[str]()
    if config.full_disclosure_sites is not None:
        if config.client_ca is None:
            raise CataloguedError("value.full_disclosure_needs_ca")
        full_disclosure_sites = load_full_disclosure_sites(config.full_disclosure_sites)
    options = ServiceOptions(
        require_client_site=config.client_ca is not None,
        max_chunk=config.max_chunk,
        shift=progress_mod.Shift.parse(config.shift),
        target_per_machine_per_day=config.target_per_machine_per_day,
        deadline=config.deadline,
        stream_memory_budget=config.stream_memory_budget,
        stream_memory_per_stream=config.stream_memory_per_stream,
        full_disclosure_sites=full_disclosure_sites,
        streams=StreamLimits.checked(
            idle_timeout=config.stream_idle_timeout,
            per_peer=config.max_streams_per_peer,
            total=config.max_streams,
            max_concurrent_rpcs=config.max_concurrent_rpcs,
        ),
    )
    server = grpc.aio.server(
        options=_server_options(reuse_port),
        maximum_concurrent_rpcs=config.max_concurrent_rpcs,
    )
    add_verifier(VerifierService(engine, ledger, options, audit=audit, metrics=metrics), server)
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
        raise CataloguedError("serve.cannot_listen", address=address)
    await server.start()
    await health.set("", health_pb2.HealthCheckResponse.SERVING)
    await health.set(SERVICE_NAME, health_pb2.HealthCheckResponse.SERVING)
    return RunningServer(server, health, ledger, port, config.grace, audit)


def load_engine(config: ServerConfig) -> Engine:
    from doichieu.verifier.engine_adapter import EngineAdapter

    return EngineAdapter(
        config.population,
        config.roster,
        dedup_model=config.dedup_model,
        roster_layout=(config.sheet, config.header_row),
        population_layout=(config.population_sheet, config.population_header_row),
    )


EngineFactory = Callable[[ServerConfig], Engine]


def _settle_memory() -> None:
    """What is loaded at start (the index, the required list, gRPC, polars)
    lives as long as the process: moved out of the cyclic collector's sight, so
    the collections that a busy server's allocations trigger stop scanning it,
    and young collections come less often (answers are built of short-lived
    lists and dicts without cycles). Profiling VerifyStream showed a tenth of
    the server's time in the collector before this."""
    map_large_blocks_apart()
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


async def _serve(config: ServerConfig, reuse_port: bool, engine_factory: EngineFactory) -> None:
    engine = engine_factory(config)
    metrics = metrics_mod.Metrics() if config.metrics_port is not None else None
    ledger = ledger_mod.open_ledger(config.ledger)
    audit = None
    try:
        if config.audit is not None:
            audit = audit_mod.AuditTrail(config.audit, audit_mod.load_key(_audit_key_file(config)))
        if metrics is not None:
            ledger.on_commit = metrics.ledger_committed
            if audit is not None:
                audit.on_commit = metrics.audit_committed
                audit.on_streamed = metrics.records_streamed
        _settle_memory()
        running = await start_server(config, engine, ledger, reuse_port=reuse_port, audit=audit, metrics=metrics)
    except BaseException:
        ledger.close()
        if audit is not None:
            audit.close()
        raise
    log.info("doichieu verifier listening on %s:%d (pid %d)", config.host, running.port, os.getpid())
    if config.port_file:
        tmp = f"{config.port_file}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="ascii") as handle:
            handle.write(f"{running.port}\n")
        os.replace(tmp, config.port_file)
    purging = None
    if config.audit is not None and config.audit_retention_days is not None:
        purging = asyncio.create_task(audit_mod.purge_periodically(config.audit, config.audit_retention_days))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    if purging is not None:
        purging.cancel()
    log.info("shutting down: draining calls in flight for up to %.0f s", config.grace)
    await running.stop()
    log.info("stopped; ledger closed")


def _audit_key_file(config: ServerConfig) -> str:
    if config.audit_key_file is None:
        raise CataloguedError("value.audit_needs_key")
    return config.audit_key_file


def _export_metrics(config: ServerConfig) -> None:
    """The exporter's thread, started after any fork (a thread does not cross one)."""
    if config.metrics_port is None:
        return
    metrics_mod.start_exporter(config.metrics_address, config.metrics_port)
    log.info("metrics on http://%s:%d/metrics", config.metrics_address, config.metrics_port)


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
    if config.audit is not None:
        # Made once here, not raced by the workers.
        audit_mod.load_or_create_key(_audit_key_file(config))
        if Path(_audit_key_file(config)).resolve().parent == Path(config.audit).resolve().parent:
            log.warning("the audit key is in the audit trail's folder: keep it on another volume (--audit-key-file)")
    # Named before any worker starts: each writes its values there.
    metrics_folder = None if config.metrics_port is None else metrics_mod.prepare_folder()
    try:
        return _run_workers(config, engine_factory)
    finally:
        if metrics_folder is not None:
            metrics_mod.remove_folder(metrics_folder)


def _run_workers(config: ServerConfig, engine_factory: EngineFactory) -> int:
    if config.workers <= 1:
        _export_metrics(config)
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

    _export_metrics(config)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    status = 0
    for child in children:
        _, code = os.waitpid(child, 0)
        if config.metrics_port is not None:
            metrics_mod.process_exited(child)
        status = status or os.waitstatus_to_exitcode(code)
    return status

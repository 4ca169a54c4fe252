"""``doichieu serve``: its arguments, kept apart from the server so the rest of
the command line starts without importing gRPC."""

from __future__ import annotations

import argparse
import logging
from datetime import datetime, timedelta, timezone

from doichieu.errors import CataloguedError
from doichieu.messages import text
from doichieu.table_layout import add_table_arguments
from doichieu.verifier.admission import (
    DEFAULT_MAX_CONCURRENT_RPCS,
    DEFAULT_MAX_STREAMS_PER_PEER,
    DEFAULT_STREAM_IDLE_TIMEOUT,
    StreamLimits,
)
from doichieu.verifier.budget import DEFAULT_STREAM_MEMORY_BUDGET, DEFAULT_STREAM_MEMORY_PER_STREAM, MIB, StreamBudget
from doichieu.verifier.operations_args import add_operations_arguments, operations_config
from doichieu.verifier.transport import check_transport

DEFAULT_MAX_CHUNK = 1000
#: The target of intakes per machine per working day.
DEFAULT_PER_DAY = 250
_VIETNAM = timezone(timedelta(hours=7), "ICT")


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--population", required=True, help=text("serve.population"))
    parser.add_argument("--roster", help=text("serve.roster"))
    parser.add_argument("--dedup-model", metavar=text("metavar.file"), help=text("serve.dedup_model"))
    parser.add_argument("--host", default="127.0.0.1", help=text("serve.host"))
    parser.add_argument("--port", type=int, default=50051, help=text("serve.port"))
    parser.add_argument("--ledger", default="sqlite:///doichieu-ledger.db", help=text("serve.ledger"))
    parser.add_argument("--tls-cert", help=text("serve.tls_cert"))
    parser.add_argument("--tls-key", help=text("serve.tls_key"))
    parser.add_argument("--client-ca", help=text("serve.client_ca"))
    parser.add_argument("--grace", type=float, default=10.0, help=text("serve.grace"))
    parser.add_argument(
        "--max-chunk", type=int, default=DEFAULT_MAX_CHUNK, help=text("serve.max_chunk", default=DEFAULT_MAX_CHUNK)
    )
    add_table_arguments(parser, "roster")
    add_table_arguments(parser, "population", prefix="population-")
    parser.add_argument("--shift", default="08:00-23:00", help=text("serve.shift"))
    parser.add_argument(
        "--per-day", type=int, default=DEFAULT_PER_DAY, help=text("serve.per_day", default=DEFAULT_PER_DAY)
    )
    parser.add_argument("--deadline", help=text("serve.deadline"))
    parser.add_argument("--workers", type=int, default=1, help=text("serve.workers"))
    parser.add_argument("--port-file", help=text("serve.port_file"))
    parser.add_argument(
        "--max-concurrent-rpcs",
        type=int,
        default=DEFAULT_MAX_CONCURRENT_RPCS,
        help=text("serve.max_concurrent_rpcs", default=DEFAULT_MAX_CONCURRENT_RPCS),
    )
    parser.add_argument("--max-streams", type=int, help=text("serve.max_streams"))
    parser.add_argument(
        "--max-streams-per-peer",
        type=int,
        default=DEFAULT_MAX_STREAMS_PER_PEER,
        help=text("serve.max_streams_per_peer", default=DEFAULT_MAX_STREAMS_PER_PEER),
    )
    parser.add_argument(
        "--stream-idle-timeout",
        type=float,
        default=DEFAULT_STREAM_IDLE_TIMEOUT,
        help=text("serve.stream_idle_timeout", default=f"{DEFAULT_STREAM_IDLE_TIMEOUT:g}"),
    )
    parser.add_argument(
        "--stream-memory-budget",
        type=int,
        default=DEFAULT_STREAM_MEMORY_BUDGET,
        metavar=text("metavar.bytes"),
        help=text("serve.stream_memory_budget", default=DEFAULT_STREAM_MEMORY_BUDGET // MIB),
    )
    parser.add_argument(
        "--stream-memory-per-stream",
        type=int,
        default=DEFAULT_STREAM_MEMORY_PER_STREAM,
        metavar=text("metavar.bytes"),
        help=text("serve.stream_memory_per_stream", default=DEFAULT_STREAM_MEMORY_PER_STREAM // MIB),
    )
    parser.add_argument(
        "--full-disclosure-sites",
        metavar=text("metavar.file"),
        help=text("serve.full_disclosure_sites"),
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help=text("serve.insecure"),
    )
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning"],
        default="info",
        help=text("serve.log_level"),
    )
    add_operations_arguments(parser)
    parser.set_defaults(func=cmd_serve)


def _parse_deadline(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CataloguedError("value.iso_time", flag="--deadline", value=value) from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=_VIETNAM)


def cmd_serve(args: argparse.Namespace) -> int:
    from doichieu.verifier import logs

    logs.configure(args.log_format, level=getattr(logging, args.log_level.upper()))
    from doichieu.verifier import progress as progress_mod
    from doichieu.verifier.runner import ServerConfig, run

    config = ServerConfig(
        population=args.population,
        roster=args.roster,
        dedup_model=args.dedup_model,
        sheet=args.sheet,
        header_row=args.header_row,
        population_sheet=args.population_sheet,
        population_header_row=args.population_header_row,
        host=args.host,
        port=args.port,
        ledger=args.ledger,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        client_ca=args.client_ca,
        grace=args.grace,
        max_chunk=args.max_chunk,
        shift=args.shift,
        target_per_machine_per_day=args.per_day,
        deadline=_parse_deadline(args.deadline),
        workers=args.workers,
        port_file=args.port_file,
        max_concurrent_rpcs=args.max_concurrent_rpcs,
        max_streams=args.max_streams,
        max_streams_per_peer=args.max_streams_per_peer,
        stream_idle_timeout=args.stream_idle_timeout,
        stream_memory_budget=args.stream_memory_budget,
        stream_memory_per_stream=args.stream_memory_per_stream,
        full_disclosure_sites=args.full_disclosure_sites,
        insecure=args.insecure,
        **operations_config(args),
    )
    if config.dedup_model is not None and config.roster is None:
        raise CataloguedError("value.needs", flag="--dedup-model", other="--roster", why=text("value.dedup_model_why"))
    if config.target_per_machine_per_day <= 0:
        raise CataloguedError("value.positive", flag="--per-day")
    progress_mod.Shift.parse(config.shift)
    StreamLimits.checked(
        idle_timeout=config.stream_idle_timeout,
        per_peer=config.max_streams_per_peer,
        total=config.max_streams,
        max_concurrent_rpcs=config.max_concurrent_rpcs,
    )
    StreamBudget(config.stream_memory_budget, config.stream_memory_per_stream)
    check_transport(config.host, tls=config.tls_cert is not None, insecure=config.insecure)
    return run(config)

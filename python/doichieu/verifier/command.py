"""``doichieu serve``: its arguments, kept apart from the server so the rest of
the command line starts without importing gRPC."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone

from doichieu.errors import InvalidInputError
from doichieu.verifier.admission import (
    DEFAULT_MAX_CONCURRENT_RPCS,
    DEFAULT_MAX_STREAMS_PER_PEER,
    DEFAULT_STREAM_IDLE_TIMEOUT,
    StreamLimits,
)
from doichieu.verifier.operations_args import add_operations_arguments, operations_config

DEFAULT_MAX_CHUNK = 1000
_VIETNAM = timezone(timedelta(hours=7), "ICT")


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--population", required=True, help="population table (CSV, xlsx or Parquet)")
    parser.add_argument("--roster", help="roster table: the required list for progress reports")
    parser.add_argument(
        "--dedup-model",
        metavar="FILE",
        help="duplicate model saved by `doichieu dedupe --save-model`: used on --roster instead of training one",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=50051, help="port (default 50051; 0 picks a free one)")
    parser.add_argument(
        "--ledger",
        default="sqlite:///doichieu-ledger.db",
        help="sqlite:///path.db (default ./doichieu-ledger.db) or postgresql://… shared by several replicas",
    )
    parser.add_argument("--tls-cert", help="server certificate chain (PEM)")
    parser.add_argument("--tls-key", help="server private key (PEM)")
    parser.add_argument("--client-ca", help="CA of the sites' client certificates: turns on mutual TLS")
    parser.add_argument("--grace", type=float, default=10.0, help="seconds to drain calls on shutdown (default 10)")
    parser.add_argument(
        "--max-chunk", type=int, default=DEFAULT_MAX_CHUNK, help="records per stream message (default 1000)"
    )
    parser.add_argument("--shift", default="08:00-23:00", help="working hours, local time (default 08:00-23:00)")
    parser.add_argument("--target", type=int, default=250, help="target intakes per machine per day (default 250)")
    parser.add_argument("--deadline", help="campaign deadline, ISO 8601 (e.g. 2025-10-15T23:00+07:00)")
    parser.add_argument("--workers", type=int, default=1, help="server processes sharing the port (default 1)")
    parser.add_argument("--port-file", help="write the listening port to this file once serving")
    parser.add_argument(
        "--max-concurrent-rpcs",
        type=int,
        default=DEFAULT_MAX_CONCURRENT_RPCS,
        help=f"calls served at once per process (default {DEFAULT_MAX_CONCURRENT_RPCS})",
    )
    parser.add_argument(
        "--max-streams",
        type=int,
        help="open VerifyStream calls per process; the slots above it stay with Verify and Submit "
        "(default: half of --max-concurrent-rpcs)",
    )
    parser.add_argument(
        "--max-streams-per-peer",
        type=int,
        default=DEFAULT_MAX_STREAMS_PER_PEER,
        help="open streams per client: its certificate's site, or its address without mutual TLS "
        f"(default {DEFAULT_MAX_STREAMS_PER_PEER})",
    )
    parser.add_argument(
        "--stream-idle-timeout",
        type=float,
        default=DEFAULT_STREAM_IDLE_TIMEOUT,
        help=f"seconds a stream may go without a request before it is ended (default {DEFAULT_STREAM_IDLE_TIMEOUT:g})",
    )
    add_operations_arguments(parser)
    parser.set_defaults(func=cmd_serve)


def _parse_deadline(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInputError(f"--deadline: expected ISO 8601, got {text!r}") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=_VIETNAM)


def cmd_serve(args: argparse.Namespace) -> int:
    from doichieu.verifier import logs

    logs.configure(args.log_format)
    from doichieu.verifier import progress as progress_mod
    from doichieu.verifier.runner import ServerConfig, run

    config = ServerConfig(
        population=args.population,
        roster=args.roster,
        dedup_model=args.dedup_model,
        host=args.host,
        port=args.port,
        ledger=args.ledger,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        client_ca=args.client_ca,
        grace=args.grace,
        max_chunk=args.max_chunk,
        shift=args.shift,
        target_per_machine_per_day=args.target,
        deadline=_parse_deadline(args.deadline),
        workers=args.workers,
        port_file=args.port_file,
        max_concurrent_rpcs=args.max_concurrent_rpcs,
        max_streams=args.max_streams,
        max_streams_per_peer=args.max_streams_per_peer,
        stream_idle_timeout=args.stream_idle_timeout,
        **operations_config(args),
    )
    if config.dedup_model is not None and config.roster is None:
        raise InvalidInputError("--dedup-model needs --roster: the model deduplicates the required list")
    if config.target_per_machine_per_day <= 0:
        raise InvalidInputError("--target must be positive")
    progress_mod.Shift.parse(config.shift)
    StreamLimits.checked(
        idle_timeout=config.stream_idle_timeout,
        per_peer=config.max_streams_per_peer,
        total=config.max_streams,
        max_concurrent_rpcs=config.max_concurrent_rpcs,
    )
    return run(config)

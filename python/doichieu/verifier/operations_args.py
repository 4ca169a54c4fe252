"""``doichieu serve``'s options for operating the server: the audit trail, metrics
and the log's format (kept beside ``command``, which holds the serving options)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from doichieu.errors import CataloguedError
from doichieu.messages import text
from doichieu.verifier.logs import LOG_FORMATS


def default_audit_path(ledger: str) -> str:
    """Beside a SQLite ledger (``ledger.db`` → ``ledger.audit.db``); for PostgreSQL, in
    the working folder (each replica keeps its own trail)."""
    if ledger.startswith(("postgresql://", "postgres://")):
        return "doichieu-audit.db"
    path = ledger.removeprefix("sqlite://").removeprefix("sqlite:") if ledger.startswith("sqlite:") else ledger
    return str(Path(path).with_suffix(".audit.db"))


def default_audit_key_path(audit: str) -> str:
    """Beside the audit trail (``ledger.audit.db`` → ``ledger.audit.key``): a start that
    works out of the box; the docs and the server's warning say to move it."""
    return str(Path(audit).with_suffix(".key"))


def add_operations_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--audit",
        metavar="FILE",
        help=text("serve.audit"),
    )
    parser.add_argument(
        "--audit-key-file",
        metavar="FILE",
        help=text("serve.audit_key_file"),
    )
    parser.add_argument(
        "--audit-retention-days",
        type=float,
        metavar="DAYS",
        help=text("serve.audit_retention_days"),
    )
    parser.add_argument("--metrics-port", type=int, help=text("serve.metrics_port"))
    parser.add_argument("--metrics-address", default="127.0.0.1", help=text("serve.metrics_address"))
    parser.add_argument("--log-format", choices=LOG_FORMATS, default="text", help=text("serve.log_format"))


def operations_config(args: argparse.Namespace) -> dict[str, Any]:
    """The ``ServerConfig`` fields of these options."""
    if args.metrics_port is not None and not 0 < args.metrics_port < 65536:
        raise CataloguedError("value.metrics_port")
    if args.audit_retention_days is not None and not args.audit_retention_days > 0:
        raise CataloguedError("value.audit_retention_days")
    audit = args.audit or default_audit_path(args.ledger)
    return {
        "audit": audit,
        "audit_key_file": args.audit_key_file or default_audit_key_path(audit),
        "audit_retention_days": args.audit_retention_days,
        "metrics_port": args.metrics_port,
        "metrics_address": args.metrics_address,
    }

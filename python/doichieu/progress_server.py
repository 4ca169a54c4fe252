"""``doichieu progress-page``: the live progress page served over HTTP (starlette on uvicorn).

Read-only: one route, GET and HEAD; the ledger is opened read-only
(``ledger_view``), and the figures are recomputed at most once every
``--recompute`` seconds whatever the number of viewers, one recomputation at a
time, off the event loop, while the last page is served: twenty screens
refreshing every two seconds cost the ledger one grouped read every ten, and
no viewer waits for it.

Bound to 127.0.0.1 by default, where it answers only requests addressed to a
loopback name (a web page elsewhere cannot rebind its own name to 127.0.0.1 and
read this one). Beyond loopback it does not start unprotected:
either a token (``--token-file``; the viewer sends ``Authorization: Bearer``,
or opens ``/?token=…`` once and keeps it in an HttpOnly cookie; compared in
constant time) or the verifier's mutual TLS (``--tls-cert``, ``--tls-key``,
``--client-ca``: a browser without a certificate from that CA gets no page).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import logging
import socket
import ssl
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from doichieu.errors import CataloguedError
from doichieu.messages import text
from doichieu.table_layout import add_table_arguments

log = logging.getLogger(__name__)

DEFAULT_PORT = 8050
DEFAULT_REFRESH_SECONDS = 30
DEFAULT_RECOMPUTE_SECONDS = 10.0
_COOKIE = "doichieu_page_token"
#: No script, font, frame or request leaves the page; its style is inline.
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class PageCache:
    """The rendered page, recomputed when older than ``max_age`` seconds, one recomputation at a time.

    A viewer never waits for a recomputation once there is a page: the last one
    is served while the next is computed in the background (a read of a large
    ledger takes a fraction of a second of CPU). When the ledger cannot be read
    (PostgreSQL restarting, a disk gone), the last page stays in service and the
    next try waits ``max_age`` too, so a broken ledger is not hammered by every
    viewer; with no page yet, ``page`` returns None."""

    def __init__(self, compute: Callable[[], str], max_age: float) -> None:
        self._compute = compute
        self._max_age = max_age
        self._page: bytes | None = None
        self._at = -float("inf")
        self._running: asyncio.Task[None] | None = None
        self.recomputations = 0
        self.failures = 0

    async def page(self) -> bytes | None:
        if self._running is None and time.monotonic() - self._at >= self._max_age:
            self._running = asyncio.create_task(self._recompute())
        if self._page is None and self._running is not None:
            # The first page: every viewer waits for the one read under way (shielded: a viewer who
            # leaves does not cancel it for the others).
            await asyncio.shield(self._running)
        return self._page

    async def settled(self) -> None:
        """Returns once no recomputation is under way (tests, shutdown)."""
        while self._running is not None:
            await asyncio.shield(self._running)

    async def _recompute(self) -> None:
        try:
            html = await asyncio.to_thread(self._compute)
        except Exception as error:  # any failure to read keeps the last page in service
            self.failures += 1
            # The type only: a database's message may quote a row.
            log.warning("progress page: the ledger could not be read (%s); serving the last page", type(error).__name__)
        else:
            self._page = html.encode("utf-8")
            self.recomputations += 1
        finally:
            self._at = time.monotonic()
            self._running = None


def _presented(request: Any) -> tuple[str | None, bool]:
    """The token the request carries, and whether it came in the query (to be moved into a cookie)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    query = request.query_params.get("token")
    if query:
        return query, True
    return request.cookies.get(_COOKIE), False


def _matches(presented: str | None, token: bytes) -> bool:
    # Both sides hashed to one length first, so the comparison's time tells nothing of the token's length.
    given = hashlib.sha256((presented or "").encode("utf-8")).digest()
    return hmac.compare_digest(given, hashlib.sha256(token).digest()) and presented is not None


#: The names a browser on this machine (or through an SSH tunnel) gives a page on loopback.
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def _host_name(header: str) -> str:
    """The name in a Host header, without its port: ``[::1]:8050`` → ``::1``."""
    if header.startswith("["):
        return header[1:].partition("]")[0].lower()
    return header.rpartition(":")[0].lower() if header.count(":") == 1 else header.lower()


def build_app(
    cache: PageCache,
    token: bytes | None,
    *,
    secure_cookie: bool = False,
    allowed_hosts: frozenset[str] | None = None,
) -> Any:
    """The page's one route. ``allowed_hosts``: the names a request may be addressed to (None: any)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, RedirectResponse, Response
    from starlette.routing import Route

    async def page(request: Request) -> Response:
        if allowed_hosts is not None and _host_name(request.headers.get("host", "")) not in allowed_hosts:
            return PlainTextResponse(text("page.wrong_host"), status_code=421, headers=_HEADERS)
        if token is not None:
            presented, in_query = _presented(request)
            if not _matches(presented, token):
                return PlainTextResponse(
                    text("page.refused"),
                    status_code=401,
                    headers={**_HEADERS, "WWW-Authenticate": 'Bearer realm="doichieu"'},
                )
            if in_query:
                # The token leaves the address bar (and the history) for a cookie only this page reads.
                moved = RedirectResponse("/", status_code=303, headers=_HEADERS)
                moved.set_cookie(
                    _COOKIE, presented or "", httponly=True, samesite="strict", secure=secure_cookie, path="/"
                )
                return moved
        body = await cache.page()
        if body is None:
            return PlainTextResponse(text("page.unavailable"), status_code=503, headers=_HEADERS)
        return Response(body, media_type="text/html; charset=utf-8", headers=_HEADERS)

    return Starlette(routes=[Route("/", page, methods=["GET", "HEAD"])])


# --------------------------------------------------------------------------- the command


def add_page_arguments(parser: argparse.ArgumentParser) -> None:
    from doichieu.verifier.command import DEFAULT_PER_DAY

    parser.add_argument("--ledger", default="sqlite:///doichieu-ledger.db", help=text("page.ledger"))
    parser.add_argument("--roster", help=text("page.roster"))
    add_table_arguments(parser, "roster")
    parser.add_argument("--shift", default="08:00-23:00", help=text("serve.shift"))
    parser.add_argument(
        "--per-day", type=int, default=DEFAULT_PER_DAY, help=text("serve.per_day", default=DEFAULT_PER_DAY)
    )
    parser.add_argument("--deadline", help=text("progress.deadline"))
    parser.add_argument("--as-of", help=text("progress.as_of"))
    parser.add_argument("--units", type=int, default=15, help=text("progress.units"))
    parser.add_argument("--host", default="127.0.0.1", help=text("serve.host"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=text("page.port"))
    parser.add_argument("--token-file", metavar=text("metavar.file"), help=text("page.token_file"))
    parser.add_argument("--tls-cert", help=text("serve.tls_cert"))
    parser.add_argument("--tls-key", help=text("serve.tls_key"))
    parser.add_argument("--client-ca", help=text("serve.client_ca"))
    parser.add_argument(
        "--refresh",
        type=int,
        default=DEFAULT_REFRESH_SECONDS,
        help=text("page.refresh", default=DEFAULT_REFRESH_SECONDS),
    )
    parser.add_argument(
        "--recompute",
        type=float,
        default=DEFAULT_RECOMPUTE_SECONDS,
        help=text("page.recompute", default=f"{DEFAULT_RECOMPUTE_SECONDS:g}"),
    )
    parser.set_defaults(func=cmd_progress_page)


@dataclass(frozen=True)
class Exposure:
    """How the page is reached: where it listens and what protects it."""

    host: str
    token: bytes | None
    tls_cert: str | None
    tls_key: str | None
    client_ca: str | None

    def check(self) -> None:
        from doichieu.verifier.transport import is_loopback

        if (self.tls_cert is None) != (self.tls_key is None) or (self.client_ca and not self.tls_cert):
            raise CataloguedError("page.tls_pair")
        if not is_loopback(self.host) and self.token is None and self.client_ca is None:
            raise CataloguedError("page.unprotected", host=self.host or "*")

    def allowed_hosts(self) -> frozenset[str] | None:
        """On loopback without a token or a client certificate, only loopback names; otherwise any."""
        from doichieu.verifier.transport import is_loopback

        if self.token is not None or self.client_ca is not None or not is_loopback(self.host):
            return None
        return LOOPBACK_NAMES | {self.host.strip("[]").lower()}

    def ssl_options(self) -> dict[str, Any]:
        if self.tls_cert is None:
            return {}
        options: dict[str, Any] = {"ssl_certfile": self.tls_cert, "ssl_keyfile": self.tls_key}
        if self.client_ca:
            options |= {"ssl_ca_certs": self.client_ca, "ssl_cert_reqs": ssl.CERT_REQUIRED}
        return options


def read_token(path: str) -> bytes:
    with open(path, encoding="utf-8") as source:
        token = source.readline().strip()
    if not token:
        raise CataloguedError("page.token_empty", path=path)
    return token.encode("utf-8")


def listening_socket(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    return sock


def uvicorn_server(app: Any, exposure: Exposure) -> Any:
    import uvicorn

    config = uvicorn.Config(
        app,
        log_level="warning",
        # An address with ?token=… must not reach a log.
        access_log=False,
        server_header=False,
        lifespan="off",
        **exposure.ssl_options(),
    )
    return uvicorn.Server(config)


def page_computation(args: argparse.Namespace) -> Callable[[], str]:
    """Reads the required list once, opens the ledger read-only, and returns what renders the page."""
    from doichieu import records
    from doichieu.progress_cli import _moment
    from doichieu.progress_page import PageSettings, read_figures, render_page
    from doichieu.verifier.engine_adapter import required_counts, required_members
    from doichieu.verifier.ledger_view import open_ledger_view
    from doichieu.verifier.progress import Shift

    shift = Shift.parse(args.shift)
    if args.per_day <= 0:
        raise CataloguedError("value.positive", flag="--per-day")
    if args.units < 0:
        raise CataloguedError("value.units")
    for flag, value in (("--refresh", args.refresh), ("--recompute", args.recompute)):
        if value <= 0:
            raise CataloguedError("value.positive", flag=flag)
    settings = PageSettings(
        shift=shift,
        per_day=args.per_day,
        deadline=_moment(args.deadline, "--deadline", shift.end) if args.deadline else None,
        as_of=_moment(args.as_of, "--as-of") if args.as_of else None,
        units=args.units,
        refresh_seconds=args.refresh,
        recompute_seconds=args.recompute,
    )
    required: dict[tuple[str, str], int] = {}
    if args.roster:
        roster = records.load_roster(args.roster, sheet=args.sheet, header_row=args.header_row)
        required = required_counts(required_members(roster))
    view = open_ledger_view(args.ledger)
    return lambda: render_page(read_figures(view, required, settings), settings)


def cmd_progress_page(args: argparse.Namespace) -> int:
    logging.basicConfig(level="WARNING", format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    exposure = Exposure(
        host=args.host,
        token=read_token(args.token_file) if args.token_file else None,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        client_ca=args.client_ca,
    )
    exposure.check()
    compute = page_computation(args)
    compute()  # a ledger or roster that cannot be read stops the start, not the first viewer
    cache = PageCache(compute, args.recompute)
    app = build_app(
        cache, exposure.token, secure_cookie=exposure.tls_cert is not None, allowed_hosts=exposure.allowed_hosts()
    )
    sock = listening_socket(args.host, args.port)
    host, port = sock.getsockname()[:2]
    scheme = "https" if exposure.tls_cert else "http"
    shown = f"[{host}]" if ":" in host else host
    print(text("page.listening", url=f"{scheme}://{shown}:{port}/"), flush=True)
    uvicorn_server(app, exposure).run(sockets=[sock])
    return 0


def serve_in_thread(app: Any, exposure: Exposure, port: int = 0) -> tuple[Any, int, Any]:
    """The page on a thread of this process (tests, benches): the server, its port, its thread."""
    import threading

    sock = listening_socket(exposure.host, port)
    server = uvicorn_server(app, exposure)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="progress-page", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return server, int(sock.getsockname()[1]), thread

"""Which VerifyStream calls the server keeps open.

Every open call holds one of the server's ``max_concurrent_rpcs`` slots, and a
stream holds its slot for as long as the client keeps it open. Without limits a
few clients holding silent streams would take every slot, and every other
client's Verify and Submit would be refused. So a stream is admitted only while
the server holds fewer than ``total`` streams (the rest of the slots stay with
the unary calls) and its peer fewer than ``per_peer``; and a stream on which no
request arrives for ``idle_timeout`` seconds is ended (``service._read_ahead``).

The peer is the site of the client certificate under mutual TLS, otherwise the
client's address without its port (every connection from one machine counts
together).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# No gRPC here: the CLI reads the defaults without loading it.
from doichieu.errors import CataloguedError, DoichieuError

DEFAULT_MAX_CONCURRENT_RPCS = 1000
DEFAULT_STREAM_IDLE_TIMEOUT = 60.0
DEFAULT_MAX_STREAMS_PER_PEER = 16


class StreamRefusedError(DoichieuError):
    """A stream over one of the caps: answered RESOURCE_EXHAUSTED."""


class StreamIdleError(DoichieuError):
    """A stream on which no request came within the idle timeout: answered DEADLINE_EXCEEDED."""

    def __init__(self, idle_timeout: float) -> None:
        super().__init__(
            f"no request for {idle_timeout:g} s on this stream (the server's stream idle timeout): "
            "the stream is closed; open a new one when there is more to send"
        )


@dataclass(frozen=True)
class StreamLimits:
    idle_timeout: float
    per_peer: int
    total: int

    @classmethod
    def checked(
        cls, *, idle_timeout: float, per_peer: int, total: int | None, max_concurrent_rpcs: int
    ) -> StreamLimits:
        """The limits of a server with ``max_concurrent_rpcs`` call slots; ``total``
        None keeps half of them for the unary calls."""
        if not idle_timeout > 0:
            raise CataloguedError("value.positive", flag="--stream-idle-timeout")
        if per_peer < 1:
            raise CataloguedError("value.at_least_one", flag="--max-streams-per-peer")
        streams = max_concurrent_rpcs // 2 if total is None else total
        if not 1 <= streams < max_concurrent_rpcs:
            raise CataloguedError("value.max_streams", most=max_concurrent_rpcs)
        return cls(idle_timeout=idle_timeout, per_peer=per_peer, total=streams)


class StreamAdmission:
    """The streams open now, in all and per peer. Used from the server's event
    loop only, so the counts need no lock."""

    def __init__(self, limits: StreamLimits) -> None:
        self.limits = limits
        self.open = 0
        self._by_peer: Counter[str] = Counter()

    @contextmanager
    def admitted(self, peer: str) -> Iterator[None]:
        """Holds a stream's place for the duration of the block, or raises
        StreamRefusedError when a cap is reached."""
        if self.open >= self.limits.total:
            raise StreamRefusedError(
                f"too many streams: the server holds at most {self.limits.total} open streams, "
                "keeping the rest of its capacity for Verify and Submit; retry later"
            )
        if self._by_peer[peer] >= self.limits.per_peer:
            raise StreamRefusedError(
                f"too many streams: at most {self.limits.per_peer} open streams per client "
                "(site certificate, or address without one); finish or close one first"
            )
        self.open += 1
        self._by_peer[peer] += 1
        try:
            yield
        finally:
            self.open -= 1
            self._by_peer[peer] -= 1
            if not self._by_peer[peer]:
                del self._by_peer[peer]


def peer_address(peer: str) -> str:
    """The address of a gRPC peer string without its port: ``ipv4:10.0.0.5:53211``
    → ``ipv4:10.0.0.5``, ``ipv6:[::1]:53211`` → ``ipv6:[::1]``; others unchanged."""
    scheme, _, rest = peer.partition(":")
    if scheme in ("ipv4", "ipv6") and ":" in rest:
        return f"{scheme}:{rest.rsplit(':', 1)[0]}"
    return peer

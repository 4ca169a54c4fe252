"""How many bytes of stream data the server holds: one budget for every stream
together, and a share of it per stream.

A stream's chunks are read ahead of the checks, and its answers wait for the
client to read them. A client that sends big chunks and never reads its answers
would otherwise make the server hold every chunk it can send: 40 such streams
took a server from 371 MiB to 3 GiB. So every chunk read and every answer not
yet sent is counted against ``StreamBudget``:
- a stream reads its next chunk only while it holds less than ``per_stream``
  bytes and the server less than ``total`` (otherwise the reader waits, the
  chunk stays with the client, and HTTP/2 flow control slows it down);
- a new stream that finds the server's budget spent is refused
  (``StreamRefusedError``, RESOURCE_EXHAUSTED) before it reads anything; a
  stream already running waits for room up to the idle timeout, then is refused
  the same way;
- the bytes come back when the chunk has been checked and its answer sent, and
  all of them when the stream ends, however it ends.

So the stream data held is at most ``total``, plus, per open stream, the one
message it is receiving (the 4 MiB message cap) and the answers of one batch.
When all of it has come back, the allocator is asked to hand its free memory
back to the system: without that, a burst of big chunks leaves the process at
its peak size for good.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging

# No gRPC here: the CLI reads the defaults without loading it.
from doichieu.errors import CataloguedError
from doichieu.verifier.admission import StreamRefusedError

log = logging.getLogger("doichieu.verifier")

MIB = 1024 * 1024
DEFAULT_STREAM_MEMORY_BUDGET = 128 * MIB
DEFAULT_STREAM_MEMORY_PER_STREAM = 8 * MIB
#: Bytes that must have passed through the budget since the last trim before
#: an empty budget asks the allocator to give memory back.
TRIM_AFTER_BYTES = 64 * MIB


def _malloc_trim() -> None:
    """glibc's ``malloc_trim(0)``: free pages of every arena go back to the
    system. Elsewhere (another C library) nothing."""
    name = ctypes.util.find_library("c")
    if name is None:
        return
    libc = ctypes.CDLL(name)
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim(0)


#: glibc's mallopt parameter for the size from which a block gets its own mapping.
_M_MMAP_THRESHOLD = -3
#: Blocks this big or bigger (a stream chunk, an answer) are mapped on their own and
#: unmapped when freed. glibc would otherwise raise its threshold to the size of
#: the biggest block freed so far (up to 32 MiB) and keep chunk-sized blocks in
#: its heaps, where freed ones stay part of the process.
LARGE_BLOCK_BYTES = 256 * 1024


def map_large_blocks_apart() -> None:
    """Fixes glibc's mmap threshold at LARGE_BLOCK_BYTES (no-op elsewhere): a
    chunk's bytes go back to the system when the chunk is done with."""
    name = ctypes.util.find_library("c")
    if name is None:
        return
    mallopt = getattr(ctypes.CDLL(name), "mallopt", None)
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES)


class StreamBudget:
    """The bytes held by all streams; used from the server's event loop only."""

    def __init__(self, total: int, per_stream: int) -> None:
        if per_stream < 1 or total < per_stream:
            raise CataloguedError("value.stream_memory")
        self.total = total
        self.per_stream = per_stream
        self.held = 0
        self._since_trim = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._trimming: asyncio.Future[None] | None = None

    def stream(self) -> StreamHold:
        return StreamHold(self)

    def _take(self, size: int) -> None:
        self.held += size
        self._since_trim += size

    def _give(self, size: int) -> None:
        self.held -= size
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
        if self.held == 0 and self._since_trim >= TRIM_AFTER_BYTES and self._trimming is None:
            self._since_trim = 0
            self._trimming = asyncio.get_running_loop().run_in_executor(None, _malloc_trim)
            self._trimming.add_done_callback(self._trimmed)

    def _trimmed(self, _: object) -> None:
        self._trimming = None

    async def _released(self) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        await waiter


class StreamHold:
    """One stream's bytes in the budget."""

    def __init__(self, budget: StreamBudget) -> None:
        self.budget = budget
        self.held = 0
        self._started = False

    def _refusal(self) -> StreamRefusedError:
        return StreamRefusedError(
            f"the server is holding its whole memory budget for streams ({self.budget.total // MIB} MiB of "
            "chunks and answers not yet read); retry later, and read the answers of a stream as they come"
        )

    async def room_to_read(self, wait_limit: float) -> None:
        """Returns when the stream may read its next chunk. The first read of a
        stream is refused at once when the server's budget is spent; a later
        one waits for room, at most ``wait_limit`` seconds for the server's
        (its own share comes back as its answers are sent)."""
        budget = self.budget
        if not self._started:
            self._started = True
            if budget.held >= budget.total:
                raise self._refusal()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_limit
        while True:
            if self.held >= budget.per_stream:
                # Its own answers are waiting for the client: no limit of the server's.
                await budget._released()
                deadline = loop.time() + wait_limit
                continue
            if budget.held < budget.total:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise self._refusal()
            try:
                async with asyncio.timeout(remaining):
                    await budget._released()
            except TimeoutError:
                raise self._refusal() from None

    def take(self, size: int) -> None:
        self.held += size
        self.budget._take(size)

    def give(self, size: int) -> None:
        size = min(size, self.held)
        self.held -= size
        self.budget._give(size)

    def close(self) -> None:
        """Gives back everything the stream still holds."""
        self.give(self.held)

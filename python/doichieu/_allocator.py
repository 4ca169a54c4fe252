"""Polars' allocator told to return freed memory at once; imported first.

Polars allocates with jemalloc, which reads ``_RJEM_MALLOC_CONF`` when polars
loads (polars puts its own ``dirty_decay_ms:500,muzzy_decay_ms:1000`` before
the caller's, and the last setting wins): freed pages stay resident for a while,
and pages given back lazily (muzzy) still count as resident until the kernel
wants them. A cross-check frees the
population table's frame (a gigabyte at national size) just before it reads the
roster: on a fast run the roster's pages came on top of the freed ones, and the
process's peak held both (4.07 GiB against 3.69 GiB at 5.6 M members; see
BENCHMARKS.md, issue 14). Returning freed pages at once cost no CPU that could
be measured there. Set only when the caller has chosen nothing, and only in
effect when doichieu is imported before polars (as the command line does).
"""

from __future__ import annotations

import os

os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")

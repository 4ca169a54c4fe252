"""Every timed case of every bench module, under pytest-benchmark.

Cases of one group (doichieu and its peers on the same input) land in one
pytest-benchmark group, so `--benchmark-json` holds them side by side.
"""

from __future__ import annotations

from typing import Any

import pytest

import benchkit


def test_case(case: benchkit.Case, benchmark: Any) -> None:
    reason = benchkit.unavailable(case)
    if reason:
        pytest.skip(reason)
    run = case.setup()
    benchmark.group = case.group
    benchmark.extra_info.update(case.info())
    benchmark.pedantic(run, rounds=case.rounds, warmup_rounds=case.warmup, iterations=1)

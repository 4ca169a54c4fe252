"""pytest wiring for the benchmark cases (see benchkit.py).

`pytest benches/test_benchmarks.py` alone runs the quick mode; `report.py`
passes `--bench-mode=full` (or `national`) and `--benchmark-json`. Nothing here
is collected by `make test` (its testpaths are tests/).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchkit


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--bench-mode",
        choices=benchkit.MODES,
        default="quick",
        help="quick (CI smoke: small sizes, no peers), full (make bench), national (make bench-full)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        mode = benchkit.Mode(metafunc.config.getoption("--bench-mode"))
        cases = benchkit.all_cases(mode)
        metafunc.parametrize("case", cases, ids=[c.id for c in cases])

"""Shared test settings.

Under CI (the `CI` environment variable, set by .ci/run's caller) hypothesis runs
derandomized, so a submission's result never depends on the draw; locally it
explores new examples every run.
"""

import logging
import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """`serve` run in-process sets up the root logger, as its process needs; the
    tests after it get the logging they started with."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)

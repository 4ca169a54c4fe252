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

from doichieu import messages
from postgres import fresh_database

#: The language the run started with (the environment's); see ``_language_reset``.
STARTING_LANGUAGE = messages.language()

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


#: Where CI sets this, Spark failing to start fails the Spark tests instead of skipping them.
REQUIRE_SPARK = os.environ.get("DOICHIEU_REQUIRE_SPARK", "") not in ("", "0")


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """One Spark session (local[2], few shuffle partitions) for the whole test run.
    Without PySpark or a Java runtime the Spark tests skip, or fail under CI."""
    try:
        from doichieu.spark import session

        started = session("local[2]", shuffle_partitions=4, app_name="doichieu-tests")
    except Exception as exc:  # ImportError without the extra; PySparkRuntimeError without Java
        if REQUIRE_SPARK:
            pytest.fail(f"DOICHIEU_REQUIRE_SPARK is set but Spark cannot start: {exc!r}")
        pytest.skip(f"Spark cannot start here ({type(exc).__name__}); `make dev` installs PySpark, CI a Java runtime")
    yield started
    started.stop()


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A command run in-process (`cli.main`, in a test or a module's fixture) sets
    the process's language, as its process needs; every test ends with the
    language the run started with, so the next one does not inherit `--lang en`."""
    yield
    messages.set_language(STARTING_LANGUAGE)


@pytest.fixture
def postgres_db() -> Iterator[str]:
    """A fresh database on the test PostgreSQL server, dropped afterwards (tests
    that use it carry ``postgres.needs_postgres``)."""
    with fresh_database() as address:
        yield address

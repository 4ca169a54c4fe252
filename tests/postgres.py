"""The test PostgreSQL server: where CI started one (.ci/run, .ci/postgres.sh)
its address is in ``DOICHIEU_TEST_POSTGRES_DSN``; without it the PostgreSQL
tests skip. ``conftest.postgres_db`` gives each test a fresh database there."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

POSTGRES_DSN = os.environ.get("DOICHIEU_TEST_POSTGRES_DSN")
needs_postgres = pytest.mark.skipif(
    not POSTGRES_DSN,
    reason="DOICHIEU_TEST_POSTGRES_DSN is not set: no PostgreSQL server (.ci/run starts one; see .ci/postgres.sh)",
)


@contextmanager
def fresh_database() -> Iterator[str]:
    """The address of a new database on the test server, dropped afterwards."""
    import psycopg

    assert POSTGRES_DSN
    name = f"doichieu_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_DSN.rpartition('/')[0]}/{name}"
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

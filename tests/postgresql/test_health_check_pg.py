"""Decision 0020: the health check of a kept PostgreSQL connection
(``CONN_HEALTH_CHECKS``, at the start of each request) sends nothing when
the connection is idle and quiet, and still finds a connection the server
closed, which is then replaced."""

from __future__ import annotations

import select
import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoPostgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MARKER = "SELECT 'the request before'"


@pytest.fixture
def kept():
    """A second connection to the test database, as a worker keeps one."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    other.ensure_connection()
    yield other
    other.close()


def _last_statement(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_trellis_runs_its_own_backend():
    wrapper = connections[DEFAULT_DB_ALIAS]
    assert wrapper.settings_dict["ENGINE"] == "trellis.postgresql"
    assert isinstance(wrapper, DjangoPostgres) and type(wrapper) is not DjangoPostgres


def test_a_quiet_kept_connection_is_found_usable_without_a_statement(kept):
    with kept.cursor() as cursor:
        cursor.execute(MARKER)
    pid = kept.connection.info.backend_pid
    assert kept.is_usable()
    assert _last_statement(pid) == MARKER
    # Django's own check would have asked the server (and this test sees it).
    assert DjangoPostgres.is_usable(kept)
    assert _last_statement(pid) == "SELECT 1"


def _wait_readable(raw, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if select.select([raw.fileno()], [], [], 0.05)[0]:
            return
    raise AssertionError("the server did not close the connection")


def test_a_connection_the_server_closed_is_found_and_replaced(kept):
    pid = kept.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    _wait_readable(kept.connection)
    assert not kept.is_usable()
    # What Django does at a request's first statement with health checks on.
    kept.settings_dict = {**kept.settings_dict, "CONN_HEALTH_CHECKS": True}
    kept.health_check_enabled, kept.health_check_done = True, False
    with kept.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_inside_a_transaction_the_server_is_asked(kept):
    kept.set_autocommit(False)
    try:
        with kept.cursor() as cursor:
            cursor.execute(MARKER)
        assert kept.is_usable()
        assert _last_statement(kept.connection.info.backend_pid) == "SELECT 1"
    finally:
        kept.rollback()
        kept.set_autocommit(True)

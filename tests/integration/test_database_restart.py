"""A database restart under gunicorn: every connection a web worker keeps open (CONN_MAX_AGE) is
cut the way a restart cuts it ("terminating connection due to administrator command"), and no
request after it answers 500.

The shared PostgreSQL is not restarted: pg_terminate_backend on the test database's connections
is what a restart does to each of them, seen from the web workers, without stopping the cluster
other databases on this host use."""

import pytest
from django.db import connection

from .conftest import http_get

pytestmark = pytest.mark.integration

WORKERS = 3


def _cut_the_portals_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_no_request_fails_after_a_database_restart(gunicorn_server):
    base = gunicorn_server(workers=WORKERS)
    # Enough requests that every worker holds a kept-alive database connection.
    statuses = [http_get(base + "/healthz")[0] for _ in range(WORKERS * 8)]
    assert set(statuses) == {200}
    assert _cut_the_portals_connections() >= 1
    after = [http_get(base + "/healthz") for _ in range(WORKERS * 8)]
    assert [status for status, _body in after] == [200] * len(after), after

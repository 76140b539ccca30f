"""The read-replica router's decisions (nq57portal/replicas.py), without a real replica: which
database a read goes to. tests/integration/test_replicas.py proves them against a streaming replica."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import router
from django.http import HttpResponse
from django.test import RequestFactory

from nq57portal import replicas
from nq57portal.replicas import PIN_COOKIE, ReplicaPinMiddleware, read_alias, replica_reads
from tasks.models import Plan

ROOT = Path(__file__).resolve().parents[2]
REAL_ANSWERS = replicas._answers


@pytest.fixture
def one_replica(settings, monkeypatch):
    settings.DATABASE_REPLICAS = ["replica_0"]
    settings.DATABASE_ROUTERS = ["nq57portal.replicas.ReplicaRouter"]
    settings.REPLICA_PIN_SECONDS = 10
    health = {"replica_0": True}
    monkeypatch.setattr(replicas, "_usable", lambda alias: health[alias])
    monkeypatch.setattr(replicas, "_answers", lambda alias: health[alias])
    return health


def test_without_a_replica_every_read_is_the_primarys(settings):
    assert settings.DATABASE_REPLICAS == []
    assert settings.DATABASE_ROUTERS == []
    with replica_reads():
        assert read_alias() == "default"
        assert router.db_for_read(Plan) == "default"


def test_without_a_replica_the_middleware_sets_no_cookie(settings):
    def view(request):
        router.db_for_write(Plan)
        return HttpResponse("ok")

    response = ReplicaPinMiddleware(view)(RequestFactory().post("/"))
    assert PIN_COOKIE not in response.cookies


def test_only_lag_tolerant_reads_go_to_the_replica(one_replica):
    assert router.db_for_read(Plan) == "default"
    with replica_reads():
        assert router.db_for_read(Plan) == "replica_0"
    assert router.db_for_read(Plan) == "default"
    assert router.db_for_write(Plan) == "default"


def test_it_works_as_a_decorator(one_replica):
    @replica_reads()
    def dashboard():
        return router.db_for_read(Plan)

    assert dashboard() == "replica_0"
    assert dashboard() == "replica_0"


def test_a_write_pins_the_rest_of_the_block_to_the_primary(one_replica):
    with replica_reads():
        assert read_alias() == "replica_0"
        router.db_for_write(Plan)
        assert read_alias() == "default"
    with replica_reads():  # a new block outside any request starts unpinned
        assert read_alias() == "replica_0"


def test_a_replica_down_or_lagging_is_skipped(one_replica):
    one_replica["replica_0"] = False
    with replica_reads():
        assert read_alias() == "default"


def test_a_request_that_wrote_reads_its_writes_and_pins_the_browser(one_replica):
    seen = []

    def view(request):
        with replica_reads():
            seen.append(read_alias())
            router.db_for_write(Plan)
            seen.append(read_alias())
        return HttpResponse("ok")

    response = ReplicaPinMiddleware(view)(RequestFactory().post("/"))
    assert seen == ["replica_0", "default"]
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"]

    # The next request carries the cookie: its reads stay on the primary.
    def reader(request):
        with replica_reads():
            seen.append(read_alias())
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.COOKIES[PIN_COOKIE] = cookie.value
    response = ReplicaPinMiddleware(reader)(request)
    assert seen[-1] == "default"
    assert PIN_COOKIE not in response.cookies  # reading did not extend it

    # Once the moment has passed (an old or unreadable value): the replica again.
    for value in ("1", "not-a-time"):
        request = RequestFactory().get("/")
        request.COOKIES[PIN_COOKIE] = value
        ReplicaPinMiddleware(reader)(request)
        assert seen[-1] == "replica_0"


def test_a_snapshot_reads_everything_from_one_database(one_replica, settings, monkeypatch):
    from django.db import connections

    # An alias of its own: the integration tests' replica_0 may be a real PostgreSQL replica here.
    settings.DATABASE_REPLICAS = ["replica_unit"]
    one_replica["replica_unit"] = True

    entered = []

    class FakeAtomic:
        def __init__(self, using):
            entered.append(using)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(replicas.transaction, "atomic", FakeAtomic)
    sqlite = {**connections.settings["default"], "ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    monkeypatch.setitem(connections.settings, "replica_unit", sqlite)
    with replicas.replica_snapshot() as alias:
        assert alias == "replica_unit"
        assert router.db_for_read(Plan) == "replica_unit"
        router.db_for_write(Plan)
        assert router.db_for_read(Plan) == "replica_unit"  # a snapshot never switches database
    assert entered == ["replica_unit"]
    assert router.db_for_read(Plan) == "default"


def test_a_snapshot_whose_replica_does_not_answer_reads_the_primary(one_replica, settings, monkeypatch):
    from django.db import OperationalError, connections

    settings.DATABASE_REPLICAS = ["replica_gone"]
    one_replica["replica_gone"] = True  # its last check said it was fine
    monkeypatch.setitem(
        connections.settings,
        "replica_gone",
        {**connections.settings["default"], "ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
    )

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["replica_gone"], "cursor", refused)
    monkeypatch.setattr(replicas, "_answers", REAL_ANSWERS)
    entered = []

    class FakeAtomic:
        def __init__(self, using):
            entered.append(using)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(replicas.transaction, "atomic", FakeAtomic)
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    with replicas.replica_snapshot() as alias:
        assert alias == "default"
        assert router.db_for_read(Plan) == "default"
    assert entered == ["default"]
    assert replicas._health["replica_gone"][1] is False
    replicas.forget_health()


def test_database_replica_url_becomes_replica_databases():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nq57portal.settings.test",
        "DATABASE_REPLICA_URL": "postgres://app@replica-a:5432/nq57, postgres://app@replica-b:5433/nq57",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASE_REPLICAS, s.DATABASE_ROUTERS, s.DATABASES['replica_1']['HOST'], "
        "s.DATABASES['replica_1']['PORT'], s.DATABASES['replica_0']['OPTIONS']['connect_timeout'], "
        "s.DATABASES['replica_0']['TEST']['MIRROR'])"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [
        "['replica_0',",
        "'replica_1']",
        "['nq57portal.replicas.ReplicaRouter']",
        "replica-b",
        "5433",
        "2",
        "default",
    ]


def test_a_session_refresh_does_not_pin(one_replica):
    from django.contrib.sessions.models import Session

    with replica_reads():
        router.db_for_write(Session)
        assert read_alias() == "replica_0"

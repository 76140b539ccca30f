"""Read replicas against a real one: a second PostgreSQL cluster streaming from the primary
(tests/integration/replica.py). The dashboards and the official report read from it, writes go to the
primary, a request reads its own writes, and a replica stopped or lagging is skipped without an error."""

import time

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nq57portal import replicas
from nq57portal.replicas import PIN_COOKIE, replica_reads
from reports.archive import GeneratedReport, GeneratedReportStatus
from reports.dashboard.summary import summary_refresh
from reports.jobs import generate_report
from reports.models import DashboardSnapshot
from tests.factories import UnitFactory, UserFactory
from tests.reports.world import at, build_world
from units.models import Role, Unit

from .conftest import REPLICA_ALIAS

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA_ALIAS]),
]

LAG_CHECK = "pg_last_xact_replay_timestamp"


def _tables(queries, *names) -> list[str]:
    return [
        q["sql"] for q in queries if any(f'"{name}"' in q["sql"] or f" {name} " in q["sql"] for name in names)
    ]


def _leader() -> Client:
    client = Client()
    client.force_login(UserFactory(unit=None, roles=[Role.LEADERSHIP]))
    return client


def _capture():
    return CaptureQueriesContext(connections["default"]), CaptureQueriesContext(connections[REPLICA_ALIAS])


def test_the_dashboard_reads_from_the_replica_and_writes_go_to_the_primary(replica_db):
    build_world()
    summary_refresh(now=at(2026, 1, 5))
    client = _leader()
    replica_db.catch_up()
    primary, replica = _capture()
    with primary, replica:
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert _tables(replica.captured_queries, "reports_dashboardsnapshot")
    assert _tables(replica.captured_queries, "reports_dashboardcell")
    assert not _tables(primary.captured_queries, "reports_dashboardcell", "reports_dashboardsnapshot")
    assert PIN_COOKIE not in response.cookies  # it wrote nothing

    # A write inside lag-tolerant reads goes to the primary, and so do the reads after it.
    primary, replica = _capture()
    with primary, replica, replica_reads():
        UnitFactory(name="Sở Khoa học và Công nghệ")
        assert Unit.objects.filter(name="Sở Khoa học và Công nghệ").exists()
    on_primary = _tables(primary.captured_queries, "units_unit")
    assert any(sql.startswith("INSERT") for sql in on_primary)
    assert on_primary[-1].startswith("SELECT")  # the read after the write
    assert not _tables(replica.captured_queries, "units_unit")


def test_an_official_report_reads_one_snapshot_from_the_replica(replica_db, monkeypatch):
    from reports import services
    from reports.services import report_draft, report_generate

    monkeypatch.setattr(services, "enqueue_on_commit", lambda *args, **kwargs: None)
    world = build_world()
    secretariat = UserFactory(unit=None, roles=[Role.SECRETARIAT])
    draft = report_draft(
        kind="quarterly", period=world.quarter, plan=world.plan, unit=None, actor=secretariat
    )
    draft.header["signer_name"] = "Nguyễn Văn An"
    report = report_generate(draft=draft, actor=secretariat, now=at(2026, 1, 5))
    replica_db.catch_up()
    primary, replica = _capture()
    with primary, replica:
        assert generate_report(report.pk) == "done"
    report.refresh_from_db()
    assert report.status == GeneratedReportStatus.DONE
    assert report.inputs["totals"]["total"] == 9
    read = [
        q["sql"] for q in replica.captured_queries if LAG_CHECK not in q["sql"] and q["sql"] != "SELECT 1"
    ]
    # One transaction, REPEATABLE READ and read-only, opened before the first read (after checking
    # that the replica answers).
    assert read[:2] == ["BEGIN", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"]
    assert read[-1] == "COMMIT" and read.count("BEGIN") == 1
    assert _tables(replica.captured_queries, "kpis_progressreport", "tasks_assignment")
    assert not _tables(primary.captured_queries, "kpis_progressreport")
    written = _tables(primary.captured_queries, "reports_generatedreport")
    assert any(sql.startswith("UPDATE") and "'done'" in sql for sql in written)
    assert GeneratedReport.objects.get(pk=report.pk).pdf_size > 0


def test_a_request_that_writes_reads_its_own_write(replica_db, settings):
    """The first view of the dashboards builds their summary (a write) and then reads it: with the
    replica's replay paused, only the primary has it, and the page still shows it."""
    build_world()
    client = _leader()
    replica_db.catch_up()
    replica_db.pause_replay()
    settings.REPLICA_MAX_LAG_SECONDS = 3600  # paused, yet close enough to be chosen
    primary, replica = _capture()
    with primary, replica:
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert _tables(replica.captured_queries, "reports_dashboardsnapshot")  # read first: none there
    assert not _tables(replica.captured_queries, "reports_dashboardcell")
    assert any(
        sql.startswith("INSERT") for sql in _tables(primary.captured_queries, "reports_dashboardsnapshot")
    )
    assert _tables(primary.captured_queries, "reports_dashboardcell")
    assert DashboardSnapshot.objects.using(REPLICA_ALIAS).count() == 0
    # The browser is pinned to the primary for a while: its next page reads nothing from the replica.
    assert response.cookies[PIN_COOKIE]["max-age"] == settings.REPLICA_PIN_SECONDS
    replica = CaptureQueriesContext(connections[REPLICA_ALIAS])
    with replica:
        assert client.get(reverse("reports:dashboard")).status_code == 200
    assert replica.captured_queries == []


def test_a_stopped_replica_falls_back_to_the_primary(replica_db):
    build_world()
    summary_refresh(now=at(2026, 1, 5))
    client = _leader()
    replica_db.catch_up()
    replica = CaptureQueriesContext(connections[REPLICA_ALIAS])
    with replica:
        first = client.get(reverse("reports:dashboard"))
    assert _tables(replica.captured_queries, "reports_dashboardcell")
    replica_db.stop()
    primary = CaptureQueriesContext(connections["default"])
    with primary:
        second = client.get(reverse("reports:dashboard"))
        third = client.get(
            reverse("reports:unit_dashboard", args=[Unit.objects.exclude(kind="group").first().pk])
        )
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 200)
    assert _tables(primary.captured_queries, "reports_dashboardcell")
    assert second.content.count(b"<tr") == first.content.count(b"<tr")


def test_a_lagging_replica_is_skipped(replica_db, settings):
    build_world()
    summary_refresh(now=at(2026, 1, 5))
    client = _leader()
    replica_db.catch_up()
    replica_db.pause_replay()
    settings.REPLICA_MAX_LAG_SECONDS = 1
    UnitFactory(name="Sở Nội vụ")  # WAL the replica receives and does not replay
    time.sleep(2.5)
    assert replicas.replica_lag(REPLICA_ALIAS) > 1
    primary, replica = _capture()
    with primary, replica:
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert [q["sql"] for q in replica.captured_queries if LAG_CHECK not in q["sql"]] == []
    assert _tables(primary.captured_queries, "reports_dashboardcell")
    # Replay resumed and caught up: the replica is read again. (The limit goes back up: the lag is the
    # age of the last commit replayed, and the shared primary's WAL between commits can age it past 1 s.)
    replica_db.resume_replay()
    replica_db.catch_up()
    settings.REPLICA_MAX_LAG_SECONDS = 60
    replica = CaptureQueriesContext(connections[REPLICA_ALIAS])
    with replica:
        assert client.get(reverse("reports:dashboard")).status_code == 200
    assert _tables(replica.captured_queries, "reports_dashboardcell")

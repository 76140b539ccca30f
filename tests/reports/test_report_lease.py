"""A report whose job was lost is made after all: a job killed mid-render stops renewing its lease
and the report is sent again once the lease has lapsed; a report left queued (its message lost
while the broker was down) is sent again. Real worker, beat and Redis: tests/integration."""

import datetime

import pytest

from audit.models import AuditEvent
from reports.archive import GeneratedReport, GeneratedReportStatus
from reports.jobs import _take, generate_report, lease_seconds, reports_resume

from .test_archive import queued
from .world import at, build_world

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def secretariat(db):
    from tests.factories import UserFactory
    from units.models import Role

    return UserFactory(unit=None, roles=[Role.SECRETARIAT])


def _done_once(report) -> bool:
    report.refresh_from_db()
    events = AuditEvent.objects.filter(action="report.done", object_id=str(report.pk)).count()
    return report.status == GeneratedReportStatus.DONE and events == 1


def test_a_report_whose_job_died_mid_render_is_sent_again_once_its_lease_lapses(world, secretariat):
    created = at(2026, 1, 5)
    report = queued(world, secretariat, enqueued_at=created)
    assert _take(report.pk, created, "a-job-that-dies")  # taken, then the pool process is killed
    GeneratedReport.objects.filter(pk=report.pk).update(progress=30)
    # The message comes back at once (the worker was lost): the lease still holds, it is skipped.
    assert generate_report(report.pk, now=(created + MINUTE).isoformat()) == "skipped"
    assert reports_resume(now=created + MINUTE) == []  # the lease still holds
    lapsed = created + datetime.timedelta(seconds=lease_seconds()) + MINUTE
    assert reports_resume(now=lapsed) == [report.pk]  # sent again (and run, in-process here)
    assert _done_once(report)
    assert reports_resume(now=lapsed + 10 * MINUTE) == []


def test_a_report_left_queued_is_sent_again(world, secretariat):
    created = at(2026, 1, 5)
    report = queued(world, secretariat, enqueued_at=created)
    assert reports_resume(now=created + datetime.timedelta(seconds=30)) == []  # its message may be on its way
    assert reports_resume(now=created + 5 * MINUTE) == [report.pk]
    assert _done_once(report)


def test_a_run_that_lost_its_lease_changes_nothing(world, secretariat):
    created = at(2026, 1, 5)
    report = queued(world, secretariat, enqueued_at=created)
    assert _take(report.pk, created, "first")
    later = created + datetime.timedelta(seconds=lease_seconds() + 1)
    assert _take(report.pk, later, "second")  # the first run's lease lapsed: taken over
    from reports.jobs import _fail, _progress

    _progress(report.pk, "first", 80)
    _fail(report.pk, "first", "lỗi")
    report.refresh_from_db()
    assert (report.status, report.progress, report.lease_token) == (
        GeneratedReportStatus.RUNNING,
        5,
        "second",
    )

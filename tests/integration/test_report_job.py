"""The report generation job with a real Celery worker on Redis, against PostgreSQL: the
builder's service enqueues it on commit, the worker renders and archives the report, and the
status the page polls moves to done."""

import pytest
from django.core.files.storage import storages
from django.db import transaction

from reports.archive import GeneratedReport, GeneratedReportStatus
from reports.jobs import generate_report
from reports.services import report_draft, report_generate
from tests.factories import UserFactory
from tests.reports.world import at, build_world
from units.models import Role

from .conftest import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def shared_private_root(settings, monkeypatch):
    # The worker is another process: it must write where this test reads.
    monkeypatch.setenv("PRIVATE_ROOT", str(settings.PRIVATE_ROOT))


def _state(pk):
    return GeneratedReport.objects.values_list("status", "progress", "error").get(pk=pk)


def test_a_real_worker_generates_and_archives_the_report(
    shared_private_root, celery_worker_process, redis_queue
):
    world = build_world()
    secretariat = UserFactory(unit=None, roles=[Role.SECRETARIAT])
    draft = report_draft(
        kind="quarterly", period=world.quarter, plan=world.plan, unit=None, actor=secretariat
    )
    draft.header["signer_name"] = "Nguyễn Văn An"
    # The service enqueues on commit to the default queue, which the harness points at this
    # test's worker.
    with transaction.atomic():
        report = report_generate(draft=draft, actor=secretariat, now=at(2026, 1, 5))
        assert _state(report.pk)[0] == GeneratedReportStatus.QUEUED
    seen = set()

    def finished():
        status, progress, _ = _state(report.pk)
        seen.add(progress)
        return status in (GeneratedReportStatus.DONE, GeneratedReportStatus.FAILED)

    assert wait_for(finished, 120, interval=0.1), celery_worker_process.output()
    report.refresh_from_db()
    assert report.status == GeneratedReportStatus.DONE, (report.error, celery_worker_process.output())
    assert report.inputs["totals"]["total"] == 9
    assert storages["private"].open(report.pdf_name).read().startswith(b"%PDF")
    assert storages["private"].open(report.xlsx_name).read().startswith(b"PK")
    # a duplicate message (redelivery) does nothing to an archived report
    generate_report.apply_async(args=[report.pk], queue=redis_queue)
    before = GeneratedReport.objects.values().get(pk=report.pk)
    assert wait_for(lambda: False, 3) is False
    assert GeneratedReport.objects.values().get(pk=report.pk) == before

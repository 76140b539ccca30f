"""The archive: every generated report kept unchanged with its files, inputs, cut-off, author
and checksums; the job takes a report once, takes over one left by a dead worker, and records
a failure instead of a half-made report."""

import datetime
import hashlib
import json

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from reports.archive import GeneratedReport, GeneratedReportStatus
from reports.assembly import canonical_json, inputs_sha256
from reports.jobs import TIME_LIMIT, generate_report
from tests.factories import UserFactory
from units.models import Role

from .world import at, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def secretariat(db):
    return UserFactory(unit=None, roles=[Role.SECRETARIAT], full_name="Trần Thị Thư Ký")


HEADER = {
    "parent_body": "UBND TỈNH ĐỒNG NAI",
    "issuing_body": "BAN CHỈ ĐẠO",
    "number": "",
    "symbol": "BC-BCĐ",
    "place": "Đồng Nai",
    "date": "2026-01-05",
    "title": "Tình hình thực hiện quý IV năm 2025",
    "recipients": ["UBND tỉnh"],
    "distribution": ["Như kính gửi", "Lưu: VT"],
    "authority": ["TM. BAN CHỈ ĐẠO"],
    "signer_title": "TRƯỞNG BAN",
    "signer_name": "Nguyễn Văn A",
}


def queued(world, user, **extra):
    return GeneratedReport.objects.create(
        kind="quarterly",
        period=world.quarter,
        plan=world.plan,
        header={**HEADER, **extra.pop("header", {})},
        narrative={"results": "Kết quả"},
        cutoff=at(2025, 12, 20, 23),
        created_by=user,
        created_at=at(2026, 1, 5),
        **extra,
    )


def test_a_done_report_keeps_its_files_inputs_and_checksums(world, secretariat):
    report = queued(world, secretariat)
    assert generate_report(report.pk) == "done"
    report.refresh_from_db()
    pdf = storages["private"].open(report.pdf_name).read()
    assert report.pdf_sha256 == hashlib.sha256(pdf).hexdigest() and report.pdf_size == len(pdf)
    assert report.inputs_sha256 == inputs_sha256(report.inputs)
    assert report.inputs_sha256 == hashlib.sha256(canonical_json(report.inputs).encode()).hexdigest()
    assert report.progress == 100 and report.pages >= 3 and report.finished_at
    assert report.pdf_name.startswith("reports/") and "Báo cáo" not in report.pdf_name  # generated names
    assert AuditEvent.objects.filter(action="report.done", object_id=str(report.pk)).exists()


def test_the_archive_lists_cutoff_author_time_and_checksum(client, world, secretariat):
    report = queued(world, secretariat)
    generate_report(report.pk)
    report.refresh_from_db()
    client.force_login(secretariat)
    html = client.get(reverse("reports:archive_list")).content.decode()
    assert "23:00 20/12/2025" in html
    assert "Trần Thị Thư Ký" in html and "09:00 05/01/2026" in html
    assert report.inputs_sha256[:16] in html
    assert reverse("reports:archive_download", args=[report.pk, "pdf"]) in html


def test_a_second_message_for_the_same_report_does_nothing(world, secretariat):
    report = queued(world, secretariat)
    assert generate_report(report.pk) == "done"
    names = GeneratedReport.objects.values_list("pdf_name", "xlsx_name").get(pk=report.pk)
    assert generate_report(report.pk) == "skipped"
    assert GeneratedReport.objects.values_list("pdf_name", "xlsx_name").get(pk=report.pk) == names


def test_a_report_left_running_by_a_dead_worker_is_taken_over(world, secretariat):
    now = timezone.now()
    fresh = queued(world, secretariat, status=GeneratedReportStatus.RUNNING, started_at=now)
    assert generate_report(fresh.pk) == "skipped"  # another worker is on it
    stale = queued(
        world,
        secretariat,
        status=GeneratedReportStatus.RUNNING,
        started_at=now - datetime.timedelta(seconds=TIME_LIMIT + 5),
    )
    assert generate_report(stale.pk) == "done"


def test_a_failure_is_recorded_not_half_made(world, secretariat):
    report = queued(world, secretariat, header={"date": "không phải ngày"})
    assert generate_report(report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == GeneratedReportStatus.FAILED and report.error.startswith("Không tạo được báo cáo")
    assert report.pdf_name == "" and report.inputs is None
    assert not storages["private"].exists("reports") or not storages["private"].listdir("reports")[1]


def test_the_inputs_download_is_the_archived_inputs(client, world, secretariat):
    report = queued(world, secretariat)
    generate_report(report.pk)
    report.refresh_from_db()
    client.force_login(secretariat)
    response = client.get(reverse("reports:archive_download", args=[report.pk, "json"]))
    assert json.loads(response.content) == report.inputs

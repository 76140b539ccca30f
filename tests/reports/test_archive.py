"""The archive: every generated report kept unchanged with its files, inputs, cut-off, author
and checksums; the job takes a report once, takes over one left by a dead worker, and records
a failure instead of a half-made report."""

import datetime
import hashlib
import json
import re
from urllib.parse import quote

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
        **{
            "kind": "quarterly",
            "period": world.quarter,
            "plan": world.plan,
            "narrative": {"results": "Kết quả"},
            "cutoff": at(2025, 12, 20, 23),
            "created_by": user,
            "created_at": at(2026, 1, 5),
            **extra,
            "header": {**HEADER, **extra.get("header", {})},
        }
    )


def test_a_done_report_keeps_its_files_inputs_and_checksums(world, secretariat):
    report = queued(world, secretariat)
    assert generate_report(report.pk) == "done"
    report.refresh_from_db()
    pdf = storages["private"].open(report.pdf_name).read()
    assert report.pdf_sha256 == hashlib.sha256(pdf).hexdigest() and report.pdf_size == len(pdf)
    assert report.inputs_sha256 == inputs_sha256(report.inputs)
    assert report.inputs_sha256 == hashlib.sha256(canonical_json(report.inputs).encode()).hexdigest()
    xlsx = storages["private"].open(report.xlsx_name).read()
    assert report.xlsx_sha256 == hashlib.sha256(xlsx).hexdigest() and report.xlsx_size == len(xlsx)
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


def _disposition_name(response) -> str:
    from urllib.parse import unquote

    return unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1])


def test_downloads_are_named_after_the_document_number(client, world, secretariat):
    report = queued(world, secretariat, header={"number": "12"})
    assert generate_report(report.pk) == "done"
    client.force_login(secretariat)
    client.cookies["django_language"] = "en"  # the file is the document: Vietnamese in any UI language
    for fmt in ("pdf", "xlsx", "json"):
        response = client.get(reverse("reports:archive_download", args=[report.pk, fmt]))
        assert _disposition_name(response) == f"Báo cáo Quý IV-2025 số 12-BC-BCĐ.{fmt}"
        assert (
            f"filename*=UTF-8''{quote(f'Báo cáo Quý IV-2025 số 12-BC-BCĐ.{fmt}', safe='')}"
            in (response["Content-Disposition"])
        )


def test_a_report_without_a_number_is_not_named_as_if_its_archive_id_were_one(world, secretariat):
    report = queued(world, secretariat)
    assert report.download_name("pdf") == f"Báo cáo Quý IV-2025 chưa có số (mã lưu trữ {report.pk}).pdf"
    assert f"số {report.pk}" not in report.download_name("pdf")
    single_digit = queued(world, secretariat, header={"number": "5"})
    assert single_digit.download_name("pdf") == "Báo cáo Quý IV-2025 số 05-BC-BCĐ.pdf"  # as "Số: 05/BC-BCĐ"


def test_a_download_name_is_safe_whatever_the_symbol(world, secretariat):
    report = queued(world, secretariat, header={"number": "7", "symbol": 'BC/BCĐ:"x"*?<>|\\\tz. '})
    name = report.download_name("xlsx")
    assert name.startswith("Báo cáo Quý IV-2025 số 07-BC-BCĐ-") and name.endswith("z.xlsx")
    assert not set('\\/:*?"<>|\t') & set(name)


def test_the_archive_shows_the_document_number_as_so_and_the_id_as_the_archive_id(client, world, secretariat):
    numbered = queued(world, secretariat, header={"number": "12"})
    blank = queued(world, secretariat)
    client.force_login(secretariat)
    html = client.get(reverse("reports:archive_list")).content.decode()
    head = re.findall(r"<th>([^<]*)</th>", html)
    assert head[:3] == ["Số", "Báo cáo", "Mã lưu trữ"]
    rows = [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)[:3]
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:]
    ]
    assert rows == [
        ["Chưa có số", "Báo cáo Quý IV/2025 9-KH/BCĐ · Toàn tỉnh", str(blank.pk)],
        ["12/BC-BCĐ", "Báo cáo Quý IV/2025 9-KH/BCĐ · Toàn tỉnh", str(numbered.pk)],
    ]
    assert f"#{numbered.pk}" not in html
    detail = " ".join(
        client.get(reverse("reports:archive_detail", args=[numbered.pk])).content.decode().split()
    )
    assert "<dt>Số, ký hiệu</dt> <dd> 12/BC-BCĐ </dd>" in detail
    assert f"<dt>Mã lưu trữ</dt> <dd> {numbered.pk} </dd>" in detail
    assert f"#{numbered.pk}" not in detail


def test_in_english_the_archive_names_the_scope_in_english(client, world, secretariat):
    report = queued(world, secretariat, plan=None)
    client.force_login(secretariat)
    client.cookies["django_language"] = "en"
    for url in (reverse("reports:archive_list"), reverse("reports:archive_detail", args=[report.pk])):
        html = client.get(url).content.decode()
        assert "All plans in force · Whole province" in html, url
        assert "Tất cả kế hoạch" not in html and "Toàn tỉnh" not in html and "Quý IV/2025" not in html
        assert "QIV/2025" in html


def test_the_archive_page_shows_the_checksum_of_each_file(client, world, secretariat):
    report = queued(world, secretariat)
    generate_report(report.pk)
    report.refresh_from_db()
    client.force_login(secretariat)
    html = " ".join(client.get(reverse("reports:archive_detail", args=[report.pk])).content.decode().split())
    for label, digest in (
        ("SHA-256 dữ liệu đầu vào", report.inputs_sha256),
        ("SHA-256 tệp PDF", report.pdf_sha256),
        ("SHA-256 tệp Excel", report.xlsx_sha256),
    ):
        assert f"<dt>{label}</dt> <dd> <code>{digest}</code>" in html, label

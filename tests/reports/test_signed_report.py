"""The signed official report: the committee signs the archived PDF outside the portal and
uploads it back; the portal checks it is that PDF byte for byte with an intact signature, keeps
both, and shows who signed and when. Refusals are said in Vietnamese and change nothing."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from reports.archive import GeneratedReport, GeneratedReportStatus
from reports.jobs import generate_report
from reports.signed import SignedReport
from tests.evidence.corpus import pdf_bytes
from tests.evidence.signing import (
    alter_signed_bytes,
    append_page,
    make_ca,
    make_signer,
    sign_pdf,
    standard_world,
)
from tests.factories import UserFactory
from units.models import Role

from .test_archive import queued
from .world import at, build_world

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 1, 6, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def secretariat(db):
    return UserFactory(unit=None, roles=[Role.SECRETARIAT], full_name="Trần Thị Thư Ký")


@pytest.fixture
def trusted(settings, tmp_path):
    ca, _ = standard_world()
    (tmp_path / "roots").mkdir()
    (tmp_path / "roots" / "ca.pem").write_bytes(ca.pem)
    settings.EVIDENCE_TRUST_ROOTS_DIR = str(tmp_path / "roots")


def _done_report(user, data: bytes) -> GeneratedReport:
    """An archived report whose PDF is `data` (the generated one is used by the round trip)."""
    world = build_world()
    name = storages["private"].save("reports/test-archived.pdf", ContentFile(data))
    return GeneratedReport.objects.create(
        kind="quarterly",
        period=world.quarter,
        plan=world.plan,
        cutoff=at(2025, 12, 20, 23),
        created_by=user,
        created_at=at(2026, 1, 5),
        status=GeneratedReportStatus.DONE,
        pdf_name=name,
        pdf_size=len(data),
        pdf_sha256=hashlib.sha256(data).hexdigest(),
        inputs_sha256="0" * 64,
        finished_at=at(2026, 1, 5),
    )


def _post(client, report, data, name="Báo cáo đã ký.pdf"):
    return client.post(
        reverse("reports:archive_signed_upload", args=[report.pk]),
        {"signed_pdf": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_the_signed_report_round_trip(client, secretariat, trusted):
    world = build_world()
    report = queued(world, secretariat)
    assert generate_report(report.pk) == "done"
    report.refresh_from_db()
    client.force_login(secretariat)
    # 1. Download the archived PDF, 2. sign it outside the portal, 3. upload the signed file back.
    archived = client.get(reverse("reports:archive_download", args=[report.pk, "pdf"])).content
    assert hashlib.sha256(archived).hexdigest() == report.pdf_sha256
    ca, signer = standard_world()
    committee = make_signer(ca, common="Nguyễn Văn A", organisation="Ban Chỉ đạo tỉnh", key_name="committee")
    signed = sign_pdf(archived, committee, chain=[ca])
    response = _post(client, report, signed)
    assert response.status_code == 302
    kept = SignedReport.objects.get(report=report)
    assert (kept.signer, kept.signer_organisation) == ("Nguyễn Văn A", "Ban Chỉ đạo tỉnh")
    assert kept.signed_at is not None and kept.sha256 == hashlib.sha256(signed).hexdigest()
    # Both are kept: the archived PDF unchanged, the signed copy beside it.
    assert storages["private"].open(report.pdf_name).read() == archived
    assert storages["private"].open(kept.stored_name).read() == signed
    page = client.get(reverse("reports:archive_detail", args=[report.pk])).content.decode()
    assert "Đã ký số" in page and "Báo cáo đã được ký số bởi Nguyễn Văn A (Ban Chỉ đạo tỉnh), lúc" in page
    assert "trùng khớp từng byte với bản PDF lưu trữ" in page and "chưa kiểm tra thu hồi" in page
    download = client.get(reverse("reports:archive_download", args=[report.pk, "signed"]))
    assert download.content == signed and "(da ky so).pdf" in download["Content-Disposition"]
    event = AuditEvent.objects.get(action="report.signed_upload", object_id=str(report.pk))
    assert event.changes["signer"] == "Nguyễn Văn A" and event.changes["trust"] == "trusted"


def _refused(client, report, data, message):
    response = _post(client, report, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SignedReport.objects.exists()
    assert not AuditEvent.objects.filter(action="report.signed_upload").exists()


def test_an_unsigned_file_is_refused(client, secretariat):
    archived = pdf_bytes("Bao cao so 12/BC-BCD")
    report = _done_report(secretariat, archived)
    client.force_login(secretariat)
    _refused(client, report, archived, "Tệp PDF này không có chữ ký số")


def test_a_signed_copy_of_another_document_is_refused(client, secretariat):
    report = _done_report(secretariat, pdf_bytes("Bao cao so 12/BC-BCD"))
    ca, signer = standard_world()
    other = sign_pdf(pdf_bytes("Bao cao so 13/BC-BCD"), signer, chain=[ca])
    client.force_login(secretariat)
    _refused(client, report, other, "Tệp đã ký không phải bản báo cáo lưu trữ này")


def test_a_report_resaved_before_signing_is_refused(client, secretariat):
    archived = pdf_bytes("Bao cao so 12/BC-BCD")
    report = _done_report(secretariat, archived)
    ca, signer = standard_world()
    resaved = sign_pdf(archived.replace(b"%PDF-1.4", b"%PDF-1.7", 1), signer, chain=[ca])
    client.force_login(secretariat)
    _refused(client, report, resaved, "không trùng khớp từng byte")


def test_a_signed_report_altered_after_signing_is_refused(client, secretariat):
    archived = pdf_bytes("Bao cao so 12/BC-BCD")
    report = _done_report(secretariat, archived)
    ca, signer = standard_world()
    signed = sign_pdf(archived, signer, chain=[ca])
    # Altered after the original's end (inside the signature's revision): the original bytes hold.
    altered = alter_signed_bytes(signed, b"ChuKySo1", b"ChuKySo2")
    client.force_login(secretariat)
    _refused(client, report, altered, "Chữ ký số không còn nguyên vẹn")


def test_content_added_after_the_signature_is_refused(client, secretariat):
    archived = pdf_bytes("Bao cao so 12/BC-BCD")
    report = _done_report(secretariat, archived)
    ca, signer = standard_world()
    client.force_login(secretariat)
    _refused(
        client, report, append_page(sign_pdf(archived, signer, chain=[ca])), "tệp đã được thêm nội dung khác"
    )


def test_an_untrusted_signer_is_kept_and_said(client, secretariat, trusted):
    archived = pdf_bytes("Bao cao so 12/BC-BCD")
    report = _done_report(secretariat, archived)
    stranger = make_ca("CA Lạ", key_name="stranger-root")
    signer = make_signer(stranger, key_name="stranger-signer")
    client.force_login(secretariat)
    assert _post(client, report, sign_pdf(archived, signer, chain=[stranger])).status_code == 302
    page = client.get(reverse("reports:archive_detail", args=[report.pk])).content.decode()
    assert "không thuộc danh sách tin cậy" in page


def test_a_second_signed_copy_is_refused_and_the_first_kept(client, secretariat):
    archived = pdf_bytes("Bao cao so 12/BC-BCD")
    report = _done_report(secretariat, archived)
    ca, signer = standard_world()
    client.force_login(secretariat)
    assert _post(client, report, sign_pdf(archived, signer, chain=[ca])).status_code == 302
    response = _post(client, report, sign_pdf(archived, signer, chain=[ca], field_name="Khac"))
    assert response.status_code == 400 and "đã có bản ký số" in response.content.decode()
    assert SignedReport.objects.count() == 1


def test_only_those_who_build_reports_may_upload(client, secretariat):
    archived = pdf_bytes("Bao cao so 12/BC-BCD")
    report = _done_report(secretariat, archived)
    ca, signer = standard_world()
    client.force_login(UserFactory(roles=[Role.STAFF]))
    assert _post(client, report, sign_pdf(archived, signer, chain=[ca])).status_code == 404
    assert not SignedReport.objects.exists()

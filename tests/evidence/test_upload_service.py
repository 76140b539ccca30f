"""The upload service: checked before kept, generated names, per-report limit, all or nothing."""

import hashlib
import os
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from audit.models import AuditEvent
from evidence.models import Evidence
from evidence.services import cleanup_on_error, evidence_add, evidence_add_many, evidence_remove
from evidence.validation import Code
from kpis.models import ProgressReport
from kpis.services import ReportData, report_save_draft
from tests.evidence.corpus import HTML_PAGE, PE, pdf_bytes
from tests.evidence.world import claim, pdf_upload, png_upload, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return report_save_draft(
        assignment=world.lead, period=world.period, actor=world.staff, data=ReportData(completion=Decimal(40))
    )


def test_a_kept_file_records_what_it_is_under_a_generated_name(draft, world):
    body = pdf_bytes("bien ban")
    upload = SimpleUploadedFile("../../etc/Biên bản\u202e.pdf", body, content_type="text/html")
    evidence = evidence_add(report=draft, upload=upload, actor=world.staff)
    assert evidence.stored_name.startswith("evidence/") and "Bi" not in evidence.stored_name
    assert ".." not in evidence.stored_name and "/etc/" not in evidence.stored_name
    assert evidence.original_name == "Biên bản.pdf"
    assert (evidence.kind, evidence.content_type) == (
        "pdf",
        "application/pdf",
    )  # the content, not the browser
    assert evidence.sha256 == hashlib.sha256(body).hexdigest() and evidence.size == len(body)
    assert evidence.uploaded_by == world.staff and evidence.scanned is False
    with storages["private"].open(evidence.stored_name) as fh:
        assert fh.read() == body
    assert AuditEvent.objects.filter(action="evidence.add", object_id=str(evidence.pk)).exists()


def test_a_refused_file_leaves_no_row_and_no_file(draft, world):
    with pytest.raises(ValidationError) as exc:
        evidence_add(report=draft, upload=SimpleUploadedFile("hoa-don.pdf", PE), actor=world.staff)
    error = exc.value.error_dict["evidence"][0]
    assert error.code == Code.CONTENT_MISMATCH
    assert "hoa-don.pdf" in error.message and "tệp chương trình Windows" in error.message
    assert not Evidence.objects.exists() and stored_files() == []


def test_the_same_file_twice_in_one_report_is_kept_once(draft, world):
    first = evidence_add(report=draft, upload=pdf_upload("a.pdf"), actor=world.staff)
    second = evidence_add(report=draft, upload=pdf_upload("b.pdf"), actor=world.staff)
    assert first.pk == second.pk and Evidence.objects.count() == 1 and len(stored_files()) == 1


def test_the_report_total_is_limited(draft, world, settings):
    one = pdf_upload("mot.pdf", text="mot")
    settings.EVIDENCE_MAX_REPORT_BYTES = one.size + 10
    evidence_add(report=draft, upload=one, actor=world.staff)
    with pytest.raises(ValidationError) as exc:
        evidence_add(report=draft, upload=pdf_upload("hai.pdf", text="hai"), actor=world.staff)
    error = exc.value.error_dict["evidence"][0]
    assert error.code == Code.REPORT_TOO_LARGE and "hai.pdf" in error.message
    assert Evidence.objects.count() == 1 and len(stored_files()) == 1


def test_several_files_are_kept_all_or_none_and_every_refusal_is_told(draft, world):
    uploads = [
        pdf_upload("tot.pdf"),
        SimpleUploadedFile("trang-web.pdf", HTML_PAGE),
        SimpleUploadedFile("chuong-trinh.pdf", PE),
    ]
    with pytest.raises(ValidationError) as exc, cleanup_on_error(), transaction.atomic():
        evidence_add_many(report=draft, uploads=uploads, actor=world.staff)
    messages = exc.value.message_dict["evidence"]
    assert len(messages) == 2 and "trang-web.pdf" in messages[0] and "chuong-trinh.pdf" in messages[1]
    assert not Evidence.objects.exists() and stored_files() == []


def test_a_failing_transaction_after_storing_leaves_no_stray_file(draft, world):
    with pytest.raises(RuntimeError), cleanup_on_error(), transaction.atomic():
        evidence_add(report=draft, upload=pdf_upload(), actor=world.staff)
        assert len(stored_files()) == 1
        raise RuntimeError("database went away")
    assert stored_files() == [] and not Evidence.objects.exists()


class HalfWritingStorage(FileSystemStorage):
    """A disk that fills up: writes half of the file, then fails."""

    def _save(self, name, content):
        data = content.read()
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data[: len(data) // 2])
        raise OSError(28, "No space left on device")


def test_when_storing_fails_no_row_points_to_a_missing_file(draft, world, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "tests.evidence.test_upload_service.HalfWritingStorage",
            "OPTIONS": {"location": str(settings.PRIVATE_ROOT), "base_url": None},
        },
    }
    with pytest.raises(OSError), cleanup_on_error(), transaction.atomic():
        evidence_add(report=draft, upload=pdf_upload(), actor=world.staff)
    assert not Evidence.objects.exists() and stored_files() == []


def test_a_file_is_removed_from_a_draft_and_deleted_after_the_commit(
    draft, world, django_capture_on_commit_callbacks
):
    evidence = evidence_add(report=draft, upload=pdf_upload(), actor=world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence=evidence, actor=world.staff)
    assert not Evidence.objects.exists() and stored_files() == []
    assert AuditEvent.objects.filter(action="evidence.remove").count() == 1


def test_a_sent_report_keeps_its_files(world):
    report = claim(world, files=[pdf_upload()])
    evidence = report.evidence.get()
    with pytest.raises(ValidationError, match="đã gửi"):
        evidence_remove(evidence=evidence, actor=world.staff)
    with pytest.raises(ValidationError, match="đã gửi"):
        evidence_add(report=report, upload=png_upload(), actor=world.staff)
    assert report.evidence.count() == 1 and len(stored_files()) == 1


def test_another_units_staff_cannot_remove(draft, world):
    evidence = evidence_add(report=draft, upload=pdf_upload(), actor=world.staff)
    with pytest.raises(ValidationError):
        evidence_remove(evidence=evidence, actor=world.outsider)
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_a_bad_file_in_the_report_form_saves_nothing(world):
    with pytest.raises(ValidationError) as exc, cleanup_on_error(), transaction.atomic():
        report_save_draft(
            assignment=world.lead,
            period=world.period,
            actor=world.staff,
            data=ReportData(completion=Decimal(100)),
            uploads=[pdf_upload(), SimpleUploadedFile("anh.png", HTML_PAGE)],
        )
    assert "anh.png" in exc.value.message_dict["evidence"][0]
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists() and stored_files() == []

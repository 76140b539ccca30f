import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from evidence.models import Evidence
from evidence.services import cleanup_on_error, evidence_add
from kpis.services import ReportData, periods_ensure, report_save_draft
from tests.factories import AssignmentFactory, PlanFactory, SubTaskFactory, UserFactory
from tests.kpis.conftest import at
from units.models import Role

pytestmark = pytest.mark.django_db
BODY = b"%PDF-1.4\n% bien ban nghiem thu\n%%EOF\n"


@pytest.fixture
def report():
    plan = PlanFactory()
    periods_ensure(now=at(2025, 11, 5))
    assignment = AssignmentFactory(subtask=SubTaskFactory(general_task__section__plan=plan))
    user = UserFactory(unit=assignment.unit, roles=[Role.STAFF])
    return report_save_draft(
        assignment=assignment,
        period=plan.periods.get(kind="monthly"),
        actor=user,
        data=ReportData(completion=Decimal(10)),
        now=at(2025, 11, 5),
    )


def test_a_file_is_stored_under_a_generated_name_never_the_users(report, settings):
    upload = SimpleUploadedFile("../../etc/bi\u202emat\x00.pdf", BODY, content_type="text/html")
    evidence = evidence_add(report=report, upload=upload, actor=report.created_by, now=at(2025, 11, 5))
    assert evidence.stored_name.startswith("evidence/2025/11/") and ".." not in evidence.stored_name
    assert "mat" not in evidence.stored_name
    assert evidence.original_name == "bimat.pdf"
    assert evidence.sha256 == hashlib.sha256(BODY).hexdigest() and evidence.size == len(BODY)
    assert evidence.content_type == "application/pdf"  # from the content, not what the browser said
    with storages["private"].open(evidence.stored_name) as fh:
        assert fh.read() == BODY
    assert str(settings.PRIVATE_ROOT) in storages["private"].path(evidence.stored_name)


def test_the_same_file_twice_in_one_report_is_kept_once(report):
    first = evidence_add(report=report, upload=SimpleUploadedFile("a.pdf", BODY), actor=report.created_by)
    second = evidence_add(report=report, upload=SimpleUploadedFile("b.pdf", BODY), actor=report.created_by)
    assert first.pk == second.pk and Evidence.objects.count() == 1


def test_an_empty_file_is_refused(report):
    with pytest.raises(ValidationError, match="rỗng"):
        evidence_add(report=report, upload=SimpleUploadedFile("trong.pdf", b""), actor=report.created_by)


def test_a_failed_transaction_leaves_no_stray_file(report):
    storage = storages["private"]
    with pytest.raises(RuntimeError), cleanup_on_error(), transaction.atomic():
        evidence = evidence_add(
            report=report, upload=SimpleUploadedFile("a.pdf", BODY), actor=report.created_by
        )
        name = evidence.stored_name
        assert storage.exists(name)
        raise RuntimeError("boom")
    assert not storage.exists(name)
    assert not Evidence.objects.exists()

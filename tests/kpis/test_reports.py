from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from evidence.models import Evidence
from kpis.models import AssignmentState, ProgressReport, Status
from kpis.services import period_lock, report_correct, report_save_draft, report_submit
from tasks.models import AssignmentRole
from tests.factories import AssignmentFactory, UserFactory
from units.models import Role

from .conftest import at, data, pdf

pytestmark = pytest.mark.django_db


def test_a_draft_is_saved_then_submitted(lead, staff, november, target):
    report = report_save_draft(
        assignment=lead,
        period=november,
        actor=staff,
        data=data("40", results="Đã xây dựng dự thảo", actuals={target.pk: Decimal(0)}),
        now=at(2025, 11, 10),
    )
    assert (report.version, report.status, report.is_claim) == (1, "draft", False)
    again = report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("45"), now=at(2025, 11, 11)
    )
    assert again.pk == report.pk and again.completion == Decimal(45)  # a draft is edited in place
    report_submit(report=again, actor=staff, now=at(2025, 11, 12))
    again.refresh_from_db()
    assert again.status == "submitted" and again.submitted_by == staff
    state = AssignmentState.objects.get(assignment=lead)
    assert (state.status, state.latest_completion, state.latest_report_id) == (
        Status.IN_PROGRESS,
        45,
        again.pk,
    )
    actions = list(
        AuditEvent.objects.filter(object_type="kpis.progressreport").values_list("action", flat=True)
    )
    assert sorted(actions) == ["report.create_draft", "report.submit", "report.update_draft"]


def test_a_submitted_report_is_never_overwritten_a_correction_is_a_new_version(lead, staff, november):
    first = report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("30"), now=at(2025, 11, 5)
    )
    report_submit(report=first, actor=staff, now=at(2025, 11, 6))
    correction = report_correct(report=first, actor=staff, now=at(2025, 11, 7))
    assert (correction.version, correction.status, correction.completion) == (2, "draft", Decimal(30))
    report_save_draft(assignment=lead, period=november, actor=staff, data=data("35"), now=at(2025, 11, 8))
    report_submit(report=correction, actor=staff, now=at(2025, 11, 8))
    first.refresh_from_db()
    assert (first.version, first.status, first.completion) == (1, "submitted", Decimal(30))
    versions = list(
        ProgressReport.objects.filter(assignment=lead, period=november).values_list("version", "completion")
    )
    assert versions == [(1, Decimal(30)), (2, Decimal(35))]
    with pytest.raises(ValidationError):
        report_submit(report=first, actor=staff, now=at(2025, 11, 9))
    # Saving again after the last submission opens version 3, never touches 1 or 2.
    third = report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("50"), now=at(2025, 11, 10)
    )
    assert third.version == 3


def test_only_the_latest_version_can_be_corrected(lead, staff, november):
    first = report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("30"), now=at(2025, 11, 5)
    )
    report_submit(report=first, actor=staff, now=at(2025, 11, 6))
    second = report_correct(report=first, actor=staff, now=at(2025, 11, 7))
    report_submit(report=second, actor=staff, now=at(2025, 11, 7))
    with pytest.raises(ValidationError, match="phiên bản mới hơn"):
        report_correct(report=first, actor=staff, now=at(2025, 11, 8))


@pytest.mark.parametrize("value", ["-1", "100.01", "250"])
def test_completion_outside_0_100_is_refused(lead, staff, november, value):
    with pytest.raises(ValidationError) as exc:
        report_save_draft(
            assignment=lead, period=november, actor=staff, data=data(value), now=at(2025, 11, 5)
        )
    assert exc.value.message_dict["completion"] == ["Tỷ lệ hoàn thành phải từ 0 đến 100%."]
    assert not ProgressReport.objects.exists()


def test_a_completion_finer_than_kept_is_refused_not_rounded_to_100(lead, staff, november):
    with pytest.raises(ValidationError) as exc:
        report_save_draft(
            assignment=lead, period=november, actor=staff, data=data("99.999"), now=at(2025, 11, 5)
        )
    assert "tối đa 2 chữ số sau dấu phẩy" in exc.value.message_dict["completion"][0]
    assert not ProgressReport.objects.exists()


def test_a_kpi_value_too_large_for_its_column_is_refused(lead, staff, november):
    from kpis.models import KpiTarget
    from tests.factories import KpiFactory

    target = KpiTarget.objects.create(
        kpi=KpiFactory(subtask=lead.subtask, text="Số hồ sơ"), value=Decimal(10), measure="count"
    )
    with pytest.raises(ValidationError) as exc:
        report_save_draft(
            assignment=lead,
            period=november,
            actor=staff,
            data=data("10", actuals={target.pk: Decimal("9999999999999")}),
            now=at(2025, 11, 5),
        )
    assert "Giá trị quá lớn" in exc.value.messages[0]
    assert not ProgressReport.objects.exists()


def test_a_locked_period_takes_no_report_except_from_the_secretariat(lead, staff, secretariat, november):
    period_lock(period=november, actor=secretariat, reason="Đã tổng hợp", now=at(2025, 11, 21))
    with pytest.raises(ValidationError) as exc:
        report_save_draft(
            assignment=lead, period=november, actor=staff, data=data("10"), now=at(2025, 11, 22)
        )
    assert "đã khóa" in exc.value.message_dict["period"][0]
    report = report_save_draft(
        assignment=lead, period=november, actor=secretariat, data=data("10"), now=at(2025, 11, 22)
    )
    report_submit(report=report, actor=secretariat, now=at(2025, 11, 22))
    assert report.created_by == secretariat


def test_a_past_period_takes_reports_while_it_is_open(lead, staff, secretariat, november):
    report = report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("10"), now=at(2026, 1, 3)
    )
    assert report.period == november
    period_lock(period=november, actor=secretariat, reason="Chốt", now=at(2026, 1, 4))
    with pytest.raises(ValidationError):
        report_submit(report=report, actor=staff, now=at(2026, 1, 5))


def test_a_unit_that_does_not_lead_the_subtask_cannot_report(lead, november, subtask):
    co = AssignmentFactory(subtask=subtask, role=AssignmentRole.CO)
    co_staff = UserFactory(unit=co.unit, roles=[Role.STAFF])
    for assignment in (lead, co):
        with pytest.raises(ValidationError) as exc:
            report_save_draft(
                assignment=assignment, period=november, actor=co_staff, data=data("10"), now=at(2025, 11, 5)
            )
        assert "không chủ trì" in exc.value.message_dict["__all__"][0]


def test_claiming_completion_without_evidence_is_refused_with_what_to_attach(lead, staff, november):
    report = report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("100"), now=at(2025, 11, 5)
    )
    assert report.is_claim
    with pytest.raises(ValidationError) as exc:
        report_submit(report=report, actor=staff, now=at(2025, 11, 5))
    message = exc.value.message_dict["evidence"][0]
    assert "minh chứng" in message and "Quyết định ban hành" in message
    report.refresh_from_db()
    assert report.status == "draft"
    assert not AssignmentState.objects.filter(assignment=lead, status=Status.AWAITING_REVIEW).exists()


def test_meeting_every_kpi_target_is_a_claim_too(lead, staff, november, target):
    report = report_save_draft(
        assignment=lead,
        period=november,
        actor=staff,
        data=data("80", actuals={target.pk: Decimal(1)}),
        now=at(2025, 11, 5),
    )
    assert report.is_claim
    with pytest.raises(ValidationError):
        report_submit(report=report, actor=staff, now=at(2025, 11, 5))


def test_with_evidence_the_claim_awaits_review(lead, staff, november):
    report = report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("100"), uploads=[pdf()], now=at(2025, 11, 5)
    )
    report_submit(report=report, actor=staff, now=at(2025, 11, 6))
    state = AssignmentState.objects.get(assignment=lead)
    assert state.status == Status.AWAITING_REVIEW and state.claim_report_id == report.pk
    evidence = Evidence.objects.get(report=report)
    assert evidence.original_name == "quyet-dinh.pdf" and evidence.content_type == "application/pdf"


def test_kpi_values_are_kept_per_version(lead, staff, november, target):
    report = report_save_draft(
        assignment=lead,
        period=november,
        actor=staff,
        data=data("50", actuals={target.pk: Decimal("0.5")}),
        now=at(2025, 11, 5),
    )
    report_submit(report=report, actor=staff, now=at(2025, 11, 5))
    copy = report_correct(report=report, actor=staff, now=at(2025, 11, 6))
    assert [v.actual for v in copy.kpi_values.all()] == [Decimal("0.5")]
    assert [v.actual for v in report.kpi_values.all()] == [Decimal("0.5")]

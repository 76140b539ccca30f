"""The unit head's sign-off (issue 21, item 1): a unit whose reports need it sends them to its head
first; the head signs them off (they reach the committee) or sends them back with a note."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from evidence.selectors import QueueFilters, review_queue
from kpis.models import AssignmentState, ProgressReport, ReportStatus, Status
from kpis.selectors import signoff_queue
from kpis.services import report_save_draft, report_send_back, report_sign_off, report_submit
from notifications.models import Notification, NotificationKind
from notifications.services import reminders_send
from tests.factories import AssignmentFactory, UserFactory
from units.models import Role

from .conftest import at, data, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(lead):
    lead.unit.head_signoff_required = True
    lead.unit.save()
    return UserFactory(unit=lead.unit, roles=[Role.HEAD], full_name="Trần Thủ Trưởng")


def _claim(lead, period, staff, now):
    draft = report_save_draft(
        assignment=lead,
        period=period,
        actor=staff,
        data=data(100, results="Đã ban hành"),
        uploads=[pdf()],
        now=now,
    )
    return report_submit(report=draft, actor=staff, now=now)


def _status(lead):
    state = AssignmentState.objects.filter(assignment=lead).first()
    return state.status if state else Status.NOT_STARTED


def test_a_unit_without_sign_off_sends_straight_to_the_committee(lead, staff, december):
    report = _claim(lead, december, staff, at(2025, 12, 10))
    assert report.status == ReportStatus.SUBMITTED
    assert report.prepared_by == staff and report.signed_off_by is None
    assert _status(lead) == Status.AWAITING_REVIEW


def test_staff_claim_waits_for_the_head_unseen_by_the_committee(lead, staff, head, reviewer, december):
    report = _claim(lead, december, staff, at(2025, 12, 10))
    assert report.status == ReportStatus.SIGNOFF
    assert report.prepared_by == staff and report.prepared_at == at(2025, 12, 10)
    assert report.submitted_at is None
    assert _status(lead) == Status.NOT_STARTED  # nothing reached the committee
    assert not review_queue(filters=QueueFilters(), user=reviewer).exists()
    assert list(signoff_queue(user=head)) == [report]
    told = Notification.objects.get(recipient=head)
    assert told.kind == NotificationKind.SIGNOFF_REQUESTED
    assert "Chờ thủ trưởng duyệt" in told.subject and str(staff) in told.body
    assert AuditEvent.objects.filter(action="report.send_for_signoff", object_id=str(report.pk)).exists()


def test_the_head_signs_off_and_the_claim_awaits_review_from_then(lead, staff, head, reviewer, december):
    report = _claim(lead, december, staff, at(2025, 12, 10))
    signed = report_sign_off(report=report, actor=head, now=at(2025, 12, 12))
    assert signed.status == ReportStatus.SUBMITTED
    assert (signed.prepared_by, signed.signed_off_by, signed.submitted_by) == (staff, head, head)
    assert signed.signed_off_at == signed.submitted_at == at(2025, 12, 12)
    state = AssignmentState.objects.get(assignment=lead)
    assert state.status == Status.AWAITING_REVIEW and state.claimed_at == at(2025, 12, 12)
    assert [s.assignment_id for s in review_queue(filters=QueueFilters(), user=reviewer)] == [lead.pk]
    assert not signoff_queue(user=head).exists()
    assert AuditEvent.objects.filter(action="report.sign_off", actor=head).exists()


def test_the_head_sends_back_with_a_note_and_staff_sends_again(lead, staff, head, december):
    report = _claim(lead, december, staff, at(2025, 12, 10))
    back = report_send_back(report=report, actor=head, note="Bổ sung số liệu tháng 12.", now=at(2025, 12, 11))
    assert back.status == ReportStatus.DRAFT and back.version == 1
    assert (back.head_note, back.head_returned_by) == ("Bổ sung số liệu tháng 12.", head)
    told = Notification.objects.get(recipient=staff, kind=NotificationKind.SIGNOFF_RETURNED)
    assert "Bổ sung số liệu tháng 12." in told.body
    # Staff edits the same version and sends it again: it waits for the head once more.
    again = report_save_draft(
        assignment=lead,
        period=december,
        actor=staff,
        data=data(100, results="Đã bổ sung"),
        now=at(2025, 12, 11),
    )
    assert again.pk == report.pk
    again = report_submit(report=again, actor=staff, now=at(2025, 12, 11, 10))
    assert again.status == ReportStatus.SIGNOFF and again.version == 1
    assert ProgressReport.objects.filter(assignment=lead).count() == 1


def test_sending_back_needs_a_note_and_changes_nothing_without_one(lead, staff, head, december):
    report = _claim(lead, december, staff, at(2025, 12, 10))
    with pytest.raises(ValidationError) as exc:
        report_send_back(report=report, actor=head, note="  ", now=at(2025, 12, 11))
    assert "note" in exc.value.error_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.SIGNOFF and report.head_note == ""


def test_a_waiting_version_is_not_edited_or_sent_again(lead, staff, head, december):
    _claim(lead, december, staff, at(2025, 12, 10))
    with pytest.raises(ValidationError) as exc:
        report_save_draft(assignment=lead, period=december, actor=staff, data=data(50), now=at(2025, 12, 11))
    assert "đang chờ thủ trưởng đơn vị duyệt" in " ".join(exc.value.messages)
    assert ProgressReport.objects.filter(assignment=lead).count() == 1


def test_only_the_head_of_that_unit_signs_off(lead, staff, head, reviewer, secretariat, december, subtask):
    report = _claim(lead, december, staff, at(2025, 12, 10))
    other = AssignmentFactory(subtask=subtask)
    other_head = UserFactory(unit=other.unit, roles=[Role.HEAD])
    for user in (staff, other_head, reviewer, secretariat):
        with pytest.raises(PermissionDenied):
            report_sign_off(report=report, actor=user, now=at(2025, 12, 11))
    assert not signoff_queue(user=other_head).exists()
    assert not signoff_queue(user=staff).exists()
    report.refresh_from_db()
    assert report.status == ReportStatus.SIGNOFF


def test_a_version_is_signed_off_once(lead, staff, head, december):
    report = _claim(lead, december, staff, at(2025, 12, 10))
    report_sign_off(report=report, actor=head, now=at(2025, 12, 11))
    with pytest.raises(ValidationError) as exc:
        report_sign_off(report=report, actor=head, now=at(2025, 12, 11, 10))
    assert "đã được thủ trưởng duyệt" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):
        report_send_back(report=report, actor=head, note="Muộn rồi", now=at(2025, 12, 11, 10))


def test_the_head_sending_their_own_report_signs_it_off(lead, head, december):
    report = _claim(lead, december, head, at(2025, 12, 10))
    assert report.status == ReportStatus.SUBMITTED
    assert report.prepared_by == report.signed_off_by == head


def test_the_secretariat_reporting_for_a_unit_goes_straight(lead, head, secretariat, december):
    report = _claim(lead, december, secretariat, at(2025, 12, 10))
    assert report.status == ReportStatus.SUBMITTED and report.signed_off_by is None


def test_heads_are_reminded_of_reports_waiting_for_them(lead, staff, head, december):
    _claim(lead, december, staff, at(2025, 12, 10))
    Notification.objects.all().delete()
    assert reminders_send(now=at(2025, 12, 10, 20)) == 0  # waited less than a day
    reminders_send(now=at(2025, 12, 12))
    reminders_send(now=at(2025, 12, 12, 15))  # once a day
    told = Notification.objects.filter(kind=NotificationKind.SIGNOFF_REQUESTED)
    assert [n.recipient for n in told] == [head]
    assert "1 báo cáo đang chờ thủ trưởng duyệt" in told[0].subject
    assert "10/12/2025" in told[0].body
    reminders_send(now=at(2025, 12, 13))
    assert Notification.objects.filter(kind=NotificationKind.SIGNOFF_REQUESTED).count() == 2


def test_a_late_sign_off_is_judged_by_its_own_date(lead, staff, head, reviewer, december, subtask):
    """The claim reaches the committee when the head signs it: after the deadline, it is late."""
    from evidence.services import review_approve

    report = _claim(lead, december, staff, at(2025, 12, 30))
    report_sign_off(report=report, actor=head, now=at(2026, 1, 2))
    review_approve(assignment=lead, reviewer=reviewer, now=at(2026, 1, 3))
    assert subtask.deadline == datetime.date(2025, 12, 31)
    assert AssignmentState.objects.get(assignment=lead).completed_on_time is False

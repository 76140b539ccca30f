import datetime

import pytest
from django.core import mail

from kpis.models import Period, ProgressReport, ReportStatus, Status
from kpis.services import periods_ensure
from notifications.jobs import send_reminders_job
from notifications.models import Notification, NotificationKind
from notifications.services import reminders_send
from tests.flags.conftest import DEADLINE, at, set_state

pytestmark = pytest.mark.django_db


def days_before(n):
    return at(DEADLINE - datetime.timedelta(days=n))


def test_seven_days_and_one_day_before_the_deadline_each_once(lead, staff):
    assert reminders_send(now=days_before(8)) == 0
    assert reminders_send(now=days_before(7)) == 1
    assert reminders_send(now=days_before(6)) == 0
    assert reminders_send(now=days_before(1)) == 1
    assert reminders_send(now=at(DEADLINE)) == 0
    subjects = list(
        Notification.objects.filter(kind=NotificationKind.DEADLINE_REMINDER)
        .order_by("pk")
        .values_list("subject", flat=True)
    )
    assert subjects[0].startswith("Sắp đến hạn (còn 7 ngày)")
    assert subjects[1].startswith("Sắp đến hạn (còn 1 ngày)")


def test_a_day_the_job_did_not_run_loses_no_reminder(lead, staff):
    assert reminders_send(now=days_before(5)) == 1  # the 7-day reminder, late


def test_no_deadline_reminder_for_completed_work(lead, staff):
    set_state(lead, status=Status.COMPLETED, completion=100)
    assert reminders_send(now=days_before(7)) == 0


def test_the_job_writes_and_sends_a_reminder_once(lead, staff, settings):
    # the job takes no clock argument: put the deadline a week from today
    today = datetime.date.today()
    lead.subtask.deadline = today + datetime.timedelta(days=7)
    lead.subtask.start_date = today - datetime.timedelta(days=30)
    lead.subtask.save()
    send_reminders_job.apply()
    send_reminders_job.apply()
    assert len(mail.outbox) == 1


class TestMonthlyReport:
    def test_three_days_before_the_due_date_to_units_that_have_not_reported(self, lead, staff):
        periods_ensure(now=at(datetime.date(2025, 3, 17)))
        assert reminders_send(now=at(datetime.date(2025, 3, 16))) == 0
        assert reminders_send(now=at(datetime.date(2025, 3, 17))) == 1
        assert reminders_send(now=at(datetime.date(2025, 3, 18))) == 0
        note = Notification.objects.get(kind=NotificationKind.REPORT_REMINDER)
        assert note.subject == "Nhắc báo cáo tháng 03/2025 — hạn 20/03/2025"
        assert "còn 1 tiểu nhiệm vụ chủ trì chưa gửi báo cáo tháng 03/2025" in note.body

    def test_a_unit_that_reported_is_not_reminded(self, lead, staff):
        periods_ensure(now=at(datetime.date(2025, 3, 17)))
        march = Period.objects.get(plan=lead.subtask.plan, kind="monthly", start=datetime.date(2025, 3, 1))
        when = at(datetime.date(2025, 3, 10))
        ProgressReport.objects.create(
            assignment=lead,
            period=march,
            completion=40,
            status=ReportStatus.SUBMITTED,
            created_by=staff,
            created_at=when,
            updated_at=when,
            submitted_by=staff,
            submitted_at=when,
        )
        assert reminders_send(now=at(datetime.date(2025, 3, 17))) == 0

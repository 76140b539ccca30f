import datetime

import pytest
from django.core import mail

from kpis.flags import RedFlag
from kpis.jobs import sweep_flags_job
from kpis.models import AssignmentState, Status
from kpis.services import claim_return
from kpis.sweep import sweep
from notifications.models import Notification, NotificationKind, NotificationPreference
from notifications.services import digests_send, notify_claim_decision, notify_raised_flags, outbox_send
from tests.factories import UserFactory
from tests.flags.conftest import day_n
from units.models import Role

from .backends import FailsOnceBackend

pytestmark = pytest.mark.django_db


def test_a_raised_flag_notifies_the_units_staff_and_head_once(lead, staff, head):
    UserFactory(roles=[Role.STAFF])  # another unit: not told
    UserFactory(unit=lead.unit, roles=[Role.LEADERSHIP])  # not staff/head of the unit
    sweep_flags_job.apply(kwargs={"now": day_n(90).isoformat()})
    sweep_flags_job.apply(kwargs={"now": day_n(90).isoformat()})  # a redelivered message
    flag = RedFlag.objects.get()
    notes = Notification.objects.filter(kind=NotificationKind.FLAG_RAISED)
    assert sorted(n.recipient_id for n in notes) == sorted([staff.pk, head.pk])
    assert all(n.emailed_at for n in notes)
    assert flag.notified_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, head.email])
    message = mail.outbox[0]
    assert "đã qua 90/150 ngày thực hiện, dự kiến đạt 60 %, báo cáo mới 0 %" in message.body
    assert f"/plans/subtasks/{lead.subtask_id}/" in message.body
    html = message.alternatives[0][0]
    assert f'href="http://127.0.0.1:8000/plans/subtasks/{lead.subtask_id}/"' in html


def test_processing_the_same_flags_twice_writes_each_notification_once(lead, staff):
    sweep(now=day_n(90))
    assert notify_raised_flags(now=day_n(90)) == 1
    RedFlag.objects.update(notified_at=None)  # as if a second worker read them before the mark
    notify_raised_flags(now=day_n(90))
    assert Notification.objects.count() == 1


def test_a_returned_claim_notifies_once_after_commit(lead, staff, django_capture_on_commit_callbacks):
    reviewer = UserFactory(unit=None, roles=[Role.REVIEWER])
    AssignmentState.objects.create(assignment=lead, status=Status.AWAITING_REVIEW, latest_completion=100)
    with django_capture_on_commit_callbacks(execute=True):
        claim_return(assignment=lead, reviewer=reviewer, reason="Thiếu quyết định ban hành", now=day_n(100))
        notify_claim_decision(
            assignment=lead, decision="returned", reason="Thiếu quyết định ban hành", actor=reviewer
        )
        assert not mail.outbox  # nothing leaves before the decision commits
    notify_claim_decision(
        assignment=lead, decision="returned", reason="Thiếu quyết định ban hành", actor=reviewer
    )
    assert Notification.objects.get().kind == NotificationKind.CLAIM_RETURNED
    assert len(mail.outbox) == 1
    assert "Lý do: Thiếu quyết định ban hành" in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("[NQ57] Đề nghị hoàn thành bị trả lại")


def test_an_approval_notifies(lead, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_claim_decision(assignment=lead, decision="approved", reason="", actor=None)
    assert Notification.objects.get().kind == NotificationKind.CLAIM_APPROVED
    assert len(mail.outbox) == 1


def test_a_mail_server_that_fails_once_delays_mail_loses_none_and_sends_once(lead, staff, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailsOnceBackend"
    FailsOnceBackend.failures_left = 1
    sweep(now=day_n(90))
    notify_raised_flags(now=day_n(90))
    now = day_n(90)

    assert outbox_send(now=now) == {"sent": 0, "failed": 1}
    note = Notification.objects.get()
    assert note.emailed_at is None and note.email_attempts == 1 and "tạm ngừng" in note.last_error
    assert outbox_send(now=now) == {"sent": 0, "failed": 0}  # waits before trying again
    assert outbox_send(now=now + datetime.timedelta(minutes=2)) == {"sent": 1, "failed": 0}
    assert outbox_send(now=now + datetime.timedelta(minutes=10)) == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 1
    note.refresh_from_db()
    assert note.emailed_at is not None and note.email_attempts == 2 and note.last_error == ""


def test_users_without_an_email_address_are_skipped_not_retried(lead):
    UserFactory(unit=lead.unit, roles=[Role.STAFF], email="")
    sweep(now=day_n(90))
    notify_raised_flags(now=day_n(90))
    assert outbox_send(now=day_n(90)) == {"sent": 0, "failed": 0}
    assert Notification.objects.get().email_attempts == 0


class TestDigest:
    def test_one_digest_instead_of_single_mails(self, lead, staff, head, make_other_flag):
        NotificationPreference.objects.create(user=staff, daily_digest=True)
        sweep(now=day_n(90))
        notify_raised_flags(now=day_n(90))
        make_other_flag()  # raised by a second sweep: one notice per person per sweep
        sweep(now=day_n(90))
        notify_raised_flags(now=day_n(90))
        outbox_send(now=day_n(90))
        assert [m.to for m in mail.outbox] == [[head.email], [head.email]]  # head takes single e-mails
        mail.outbox.clear()

        assert digests_send(now=day_n(91)) == {"sent": 1, "failed": 0}
        assert digests_send(now=day_n(91)) == {"sent": 0, "failed": 0}
        assert len(mail.outbox) == 1
        digest = mail.outbox[0]
        assert digest.to == [staff.email]
        assert "Tổng hợp 2 thông báo" in digest.body
        assert not Notification.objects.filter(recipient=staff, emailed_at__isnull=True).exists()

    def test_a_failed_digest_is_sent_on_the_next_run(self, lead, staff, settings):
        settings.EMAIL_BACKEND = "tests.notifications.backends.FailsOnceBackend"
        FailsOnceBackend.failures_left = 1
        NotificationPreference.objects.create(user=staff, daily_digest=True)
        sweep(now=day_n(90))
        notify_raised_flags(now=day_n(90))
        assert digests_send(now=day_n(91)) == {"sent": 0, "failed": 1}
        assert digests_send(now=day_n(91)) == {"sent": 1, "failed": 0}
        assert len(mail.outbox) == 1

    @pytest.fixture
    def make_other_flag(self, lead):
        from tests.factories import AssignmentFactory, SubTaskFactory

        def make():
            subtask = SubTaskFactory(
                general_task=lead.subtask.general_task,
                plan=lead.subtask.plan,
                start_date=lead.subtask.start_date,
                deadline=lead.subtask.deadline,
            )
            return AssignmentFactory(subtask=subtask, unit=lead.unit)

        return make


def test_many_new_flags_of_a_unit_arrive_as_one_notification_listing_them(lead, staff, head):
    """A first sweep over a unit with many tasks told each person of each flag (dozens at once);
    past FLAGS_PER_NOTIFICATION in a run they get one notification counting and listing them, with
    a link to the unit's flags. A returned claim's quality flag is not announced twice."""
    from notifications.services.events import FLAGS_PER_NOTIFICATION
    from tests.factories import AssignmentFactory, SubTaskFactory
    from tests.flags.conftest import DEADLINE, START

    for _ in range(FLAGS_PER_NOTIFICATION + 2):
        AssignmentFactory(
            subtask=SubTaskFactory(
                start_date=START, deadline=DEADLINE, general_task=lead.subtask.general_task
            ),
            unit=lead.unit,
        )
    AssignmentState.objects.create(assignment=lead, status=Status.RETURNED, return_reason="Thiếu biên bản")
    sweep(now=day_n(90))
    raised = RedFlag.objects.filter(unit=lead.unit, resolved_at__isnull=True)
    assert raised.filter(kind="quality").count() == 1
    told = raised.exclude(kind="quality").count()  # a lagging flag on each task, the returned one too
    assert told > FLAGS_PER_NOTIFICATION
    assert notify_raised_flags(now=day_n(90)) == 2  # one for the staff member, one for the head
    for user in (staff, head):
        note = Notification.objects.get(recipient=user)
        # The unit's figures as its flag page shows them: each task under its most severe flag.
        page = f"{told} nhiệm vụ có cảnh báo đỏ (1 bị trả lại, {told - 1} chậm tiến độ)"
        assert note.subject == f"{lead.unit}: {page}, {told} cảnh báo mới"
        assert note.url == f"/kpis/flags/?unit={lead.unit_id}"
        assert note.body.count("• ") == told and "Thiếu biên bản" not in note.body
    assert not RedFlag.objects.filter(notified_at__isnull=True).exists()
    RedFlag.objects.update(notified_at=None)  # a second worker that read them before the mark
    notify_raised_flags(now=day_n(90))
    assert Notification.objects.count() == 2


def test_one_person_gets_one_notice_and_one_email_per_sweep(lead, staff):
    """Two new flags made two notices, two e-mails; now one, listing both (one new flag: the flag)."""
    from tests.factories import AssignmentFactory, SubTaskFactory
    from tests.flags.conftest import DEADLINE, START

    AssignmentFactory(
        subtask=SubTaskFactory(start_date=START, deadline=DEADLINE, general_task=lead.subtask.general_task),
        unit=lead.unit,
    )
    sweep(now=day_n(90))
    assert notify_raised_flags(now=day_n(90)) == 1
    note = Notification.objects.get(recipient=staff)
    assert note.body.count("• ") == 2 and note.url == f"/kpis/flags/?unit={lead.unit_id}"
    outbox_send(now=day_n(90))
    assert [m.to for m in mail.outbox] == [[staff.email]]

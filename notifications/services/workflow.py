"""Notices of the report's path before the review: the unit head's sign-off (asked, sent back,
waiting) and the co-ordinating units asked to confirm a completion claim (issue 21)."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from kpis.models import ProgressReport, ReportStatus
from nq57portal.queue import enqueue_on_commit
from tasks.models import Assignment, AssignmentRole
from units.models import Role, User

from ..models import Notification, NotificationKind
from .events import notifications_for, notify_users, unit_recipients


def unit_heads(unit_ids) -> dict[int, list[User]]:
    """Active heads of each unit. One query."""
    users = (
        User.objects.filter(unit_id__in=set(unit_ids), is_active=True, roles__role=Role.HEAD)
        .distinct()
        .order_by("pk")
    )
    by_unit = defaultdict(list)
    for user in users:
        by_unit[user.unit_id].append(user)
    return by_unit


def _send_soon() -> None:
    from kpis.signals import assignment_updates_are_deferred

    from ..jobs import send_outbox_job

    if not assignment_updates_are_deferred():  # replaying history: its e-mails are in the past
        enqueue_on_commit(send_outbox_job)


def _report_params(report: ProgressReport) -> dict:
    subtask = report.assignment.subtask
    return {
        "code": subtask.code,
        "title": subtask.title,
        "period": report.period.label,
        "version": report.version,
        "claim": report.is_claim,
        "by": str(report.prepared_by or ""),
    }


def notify_signoff_requested(*, report: ProgressReport, now=None) -> int:
    heads = unit_heads([report.assignment.unit_id]).get(report.assignment.unit_id, [])
    notify_users(
        users=heads,
        kind=NotificationKind.SIGNOFF_REQUESTED,
        template="signoff",
        params=_report_params(report),
        url=reverse("kpis:signoff_report", args=[report.pk]),
        key=f"signoff:{report.pk}:{report.prepared_at.isoformat()}",
        obj=report,
        now=now,
    )
    _send_soon()
    return len(heads)


def notify_signoff_returned(*, report: ProgressReport, now=None) -> int:
    """The staff member who sent the version (else the unit's staff) reads the head's note."""
    users = [report.prepared_by] if report.prepared_by and report.prepared_by.is_active else []
    if not users:
        users = unit_recipients([report.assignment.unit_id]).get(report.assignment.unit_id, [])
    notify_users(
        users=users,
        kind=NotificationKind.SIGNOFF_RETURNED,
        template="sent_back",
        params={
            **_report_params(report),
            "note": report.head_note,
            "head": str(report.head_returned_by or ""),
        },
        url=reverse("kpis:report_form", args=[report.assignment_id]) + f"?period={report.period_id}",
        key=f"sent-back:{report.pk}:{report.head_returned_at.isoformat()}",
        obj=report,
        now=now,
    )
    _send_soon()
    return len(users)


def notify_coordination_asked(*, report: ProgressReport, now=None) -> int:
    """Each co-ordinating unit of the claim's sub-task: staff and head, a link to their page for it."""
    cos = list(
        Assignment.objects.filter(
            subtask_id=report.assignment.subtask_id, role=AssignmentRole.CO
        ).values_list("pk", "unit_id")
    )
    if not cos:
        return 0
    recipients = unit_recipients(unit_id for _pk, unit_id in cos)
    params = {
        **_report_params(report),
        "lead": str(report.assignment.unit),
        "until": report.coordination_deadline.isoformat(),
    }
    rows = []
    for co_id, unit_id in cos:
        rows += notifications_for(
            users=recipients.get(unit_id, []),
            kind=NotificationKind.COORDINATION_ASKED,
            template="coordination",
            params=params,
            url=reverse("kpis:comment_page", args=[co_id]) + "#claims",
            object_type="kpis.progressreport",
            object_id=report.pk,
            key=f"coordination:{report.pk}",
            now=now or timezone.now(),
        )
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    _send_soon()
    return len(rows)


def signoff_reminders(*, now=None) -> list[Notification]:
    """Unsaved reminders, one per head and day, of the versions that have waited for them at least
    SIGNOFF_REMIND_AFTER_DAYS (the daily reminder job writes them with the others)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    waited = now - datetime.timedelta(days=settings.SIGNOFF_REMIND_AFTER_DAYS)
    rows = (
        ProgressReport.objects.filter(status=ReportStatus.SIGNOFF, prepared_at__lte=waited)
        .values("assignment__unit_id")
        .annotate(count=Count("pk"), since=Min("prepared_at"))
        .order_by("assignment__unit_id")
    )
    waiting = {row["assignment__unit_id"]: row for row in rows}
    heads = unit_heads(waiting)
    notices = []
    for unit_id, row in waiting.items():
        notices += notifications_for(
            users=heads.get(unit_id, []),
            kind=NotificationKind.SIGNOFF_REQUESTED,
            template="signoff_wait",
            params={"count": row["count"], "since": timezone.localdate(row["since"]).isoformat()},
            url=reverse("kpis:signoff_queue"),
            object_type="units.unit",
            object_id=unit_id,
            key=f"signoff-wait:{unit_id}:{today.isoformat()}",
            now=now,
        )
    return notices

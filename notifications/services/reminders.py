"""Reminders (DESIGN.md): 7 days and 1 day before a deadline, and 3 days before the monthly report
date to lead units that have not reported yet.

The daily job looks at a window rather than one exact day (deadline within 7 days → the 7-day
reminder, within 1 day → the 1-day one; a report due within 3 days), so a day the job did not run
loses nothing; the dedupe key (event, object, bucket, user) sends each reminder once.
"""

import datetime

from django.db.models import Count
from django.utils import timezone

from kpis.flag_conditions import owing_report
from kpis.models import SETTLED_STATUSES, Period, PeriodKind
from tasks.models import Assignment, effective_deadline

from ..models import Notification, NotificationKind
from .events import notifications_for, subtask_url, unit_recipients

DEADLINE_BUCKETS = (7, 1)
REPORT_DAYS_BEFORE = 3


def _deadline_rows(today):
    horizon = today + datetime.timedelta(days=max(DEADLINE_BUCKETS))
    return (
        Assignment.objects.leads_in_force()
        .exclude(state__status__in=SETTLED_STATUSES)
        .annotate(due=effective_deadline())
        .filter(subtask__ongoing=False, due__gte=today, due__lte=horizon)
        .values("pk", "unit_id", "subtask_id", "subtask__code", "subtask__title", "subtask__deadline", "due")
        .order_by("pk")
    )


def report_reminder_periods(today):
    """The monthly periods of plans in force whose report is due within REPORT_DAYS_BEFORE days."""
    return (
        Period.objects.in_force()
        .filter(
            kind=PeriodKind.MONTHLY,
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=REPORT_DAYS_BEFORE),
        )
        .select_related("plan")
    )


def _report_rows(today):
    """(period, unit, how many of its sub-tasks still owe the report) for reports due soon: those
    owing it as of today (kpis.flag_conditions.owing_report, as the not-reported page lists them)."""
    periods = {p.pk: p for p in report_reminder_periods(today)}
    rows = (
        owing_report(today, list(periods.values()))
        .order_by()
        .values("owed_period", "unit_id")
        .annotate(missing=Count("pk"))
        .order_by("owed_period", "unit_id")
    )
    for row in rows:
        yield periods[row["owed_period"]], row["unit_id"], row["missing"]


def reminders_send(*, now=None) -> int:
    """Write the reminders due today. Returns how many new rows were written (0 the second time)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    candidates = []  # (unit_id, kind, template, params, url, object_type, object_id, key)
    for row in _deadline_rows(today):
        days_left = (row["due"] - today).days
        bucket = 1 if days_left <= 1 else 7
        params = {
            "code": row["subtask__code"],
            "title": row["subtask__title"],
            "deadline": row["due"].isoformat(),
            "days_left": days_left,
        }
        candidates.append(
            (
                row["unit_id"],
                NotificationKind.DEADLINE_REMINDER,
                "deadline",
                params,
                subtask_url(row["subtask_id"]),
                "tasks.assignment",
                row["pk"],
                # A moved deadline is reminded of again (the appendix's keeps the key it always had).
                f"deadline:{bucket}:{row['pk']}"
                + ("" if row["due"] == row["subtask__deadline"] else f":{row['due'].isoformat()}"),
            )
        )
    for period, unit_id, missing in _report_rows(today):
        params = {
            "period_kind": period.kind,
            "period_end": period.end.isoformat(),
            "due": period.due_date.isoformat(),
            "missing": missing,
            "plan": period.plan.code or period.plan.title[:60],
        }
        candidates.append(
            (
                unit_id,
                NotificationKind.REPORT_REMINDER,
                "report",
                params,
                "/",
                "kpis.period",
                period.pk,
                f"report-due:{period.pk}:{unit_id}",
            )
        )
    from .workflow import signoff_reminders

    waiting = signoff_reminders(now=now)
    if not candidates and not waiting:
        return 0
    recipients = unit_recipients(c[0] for c in candidates)
    rows = [
        row
        for unit_id, kind, template, params, url, object_type, object_id, key in candidates
        for row in notifications_for(
            users=recipients.get(unit_id, []),
            kind=kind,
            template=template,
            params=params,
            url=url,
            object_type=object_type,
            object_id=object_id,
            key=key,
            now=now,
        )
    ]
    Notification.objects.bulk_create(rows + waiting, batch_size=1000, ignore_conflicts=True)
    # Rows written now carry this run's timestamp; those already sent earlier keep theirs.
    return Notification.objects.filter(
        created_at=now,
        kind__in=[
            NotificationKind.DEADLINE_REMINDER,
            NotificationKind.REPORT_REMINDER,
            NotificationKind.SIGNOFF_REQUESTED,
        ],
    ).count()


def report_reminders_to_units(*, period, counts, actor, now=None) -> int:
    """The secretariat reminds, in one step, the units listed as not having reported for `period`
    ({unit id: how many of its sub-tasks lack the report}). In-app and by e-mail, the same words as
    the daily reminder; a unit is reminded at most once a day for a period. Returns how many units
    were reminded now."""
    from audit.services import audit_record

    now = now or timezone.now()
    today = timezone.localdate(now)
    recipients = unit_recipients(counts)
    rows = []
    reminded = 0
    for unit_id, missing in counts.items():
        users = recipients.get(unit_id, [])
        if not users or not missing:
            continue
        reminded += 1
        rows += notifications_for(
            users=users,
            kind=NotificationKind.REPORT_REMINDER,
            template="report",
            params={
                "period_kind": period.kind,
                "period_end": period.end.isoformat(),
                "due": period.due_date.isoformat(),
                "missing": missing,
                "plan": period.plan.code or period.plan.title[:60],
            },
            url="/",
            object_type="kpis.period",
            object_id=period.pk,
            key=f"report-asked:{period.pk}:{unit_id}:{today.isoformat()}",
            now=now,
        )
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    audit_record(
        actor=actor,
        action="period.remind",
        obj=period,
        changes={"units": reminded, "period": period.label},
        now=now,
    )
    return reminded

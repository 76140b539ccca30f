"""Reporting periods: generated for every plan in force, locked and reopened by the secretariat.

Decision on dates (DESIGN.md, seed 004 "Định kỳ ngày 20 hàng tháng báo cáo kết quả thực hiện",
seed 001 whose "11 tháng" report counts figures "tính đến ngày 17/11"): the report of a month is
sent *within* that month, by settings.REPORT_DUE_DAY (20); the quarter's report is due on that day
of its third month. The data cut-off is the due date. A first period that starts after its
month's due day (a plan starting on the 25th) is due on that day of the next month instead, and
its cut-off is its own last day.
"""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from tasks.models import Plan, PlanStatus

from ..models import Period, PeriodKind


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _due_day(year: int, month: int) -> datetime.date:
    day = min(settings.REPORT_DUE_DAY, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def period_dates(kind: str, start: datetime.date, plan_start: datetime.date) -> dict:
    """start, end, cutoff and due date of the period of `kind` holding `start`, clipped to the plan start."""
    if kind == PeriodKind.MONTHLY:
        first, last_month = start.replace(day=1), start.month
    else:
        first_month = (start.month - 1) // 3 * 3 + 1
        first, last_month = datetime.date(start.year, first_month, 1), first_month + 2
    begin = max(first, plan_start)
    end = _month_end(start.year, last_month)
    due = _due_day(start.year, last_month)
    if due < begin:
        due = _due_day(*_next_month(start.year, last_month))
    return {"start": begin, "end": end, "due_date": due, "cutoff": min(due, end)}


def _period_starts(kind: str, plan_start: datetime.date, today: datetime.date):
    step = 1 if kind == PeriodKind.MONTHLY else 3
    year, month = plan_start.year, plan_start.month
    if kind == PeriodKind.QUARTERLY:
        month = (month - 1) // 3 * 3 + 1
    while (year, month) <= (today.year, today.month):
        yield max(datetime.date(year, month, 1), plan_start)
        month += step
        if month > 12:
            year, month = year + 1, month - 12


def periods_ensure(*, now=None, plan: Plan | None = None) -> int:
    """Create the missing periods of every plan in force, up to the one holding today.

    Idempotent (unique plan/kind/start, conflicts ignored), so it is safe to run from several
    workers or on every deploy. Returns how many periods were created.
    """
    today = timezone.localdate(now or timezone.now())
    plans = Plan.objects.filter(status=PlanStatus.IN_FORCE)
    if plan is not None:
        plans = plans.filter(pk=plan.pk)
    created = 0
    for each in plans.only("id", "start_date", "issue_date", "code", "title"):
        plan_start = each.effective_start
        if plan_start is None or plan_start > today:
            continue
        existing = set(Period.objects.filter(plan=each).values_list("kind", "start"))
        missing = [
            Period(plan=each, kind=kind, **period_dates(kind, start, plan_start))
            for kind in (PeriodKind.MONTHLY, PeriodKind.QUARTERLY)
            for start in _period_starts(kind, plan_start, today)
            if (kind, start) not in existing
        ]
        if not missing:
            continue
        with transaction.atomic():
            Period.objects.bulk_create(missing, ignore_conflicts=True)
            audit_record(
                actor=None,
                action="period.generate",
                obj=each,
                changes={"created": [f"{p.kind} {p.start.isoformat()}" for p in missing]},
                now=now,
            )
        created += len(missing)
    return created


def _require_secretariat(actor):
    if not (actor and actor.is_authenticated and actor.is_secretariat):
        raise PermissionDenied


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Vui lòng ghi lý do.")})
    return reason


def _set_locked(
    *, period: Period, actor, reason: str, now, locked: bool, action: str, already: str
) -> Period:
    """Lock or reopen in one conditional UPDATE, so two secretaries acting at once cannot both succeed."""
    _require_secretariat(actor)
    reason = _require_reason(reason)
    now = now or timezone.now()
    updated = Period.objects.filter(pk=period.pk, locked=not locked).update(
        locked=locked, locked_by=actor, locked_at=now, lock_reason=reason
    )
    if not updated:
        raise ValidationError({"reason": already})
    period.refresh_from_db()
    audit_record(
        actor=actor,
        action=action,
        obj=period,
        changes={"locked": [not locked, locked], "reason": reason},
        now=now,
    )
    return period


@transaction.atomic
def period_lock(*, period: Period, actor, reason: str, now=None) -> Period:
    return _set_locked(
        period=period,
        actor=actor,
        reason=reason,
        now=now,
        locked=True,
        action="period.lock",
        already=_("Kỳ báo cáo này đã được khóa trước đó."),
    )


@transaction.atomic
def period_reopen(*, period: Period, actor, reason: str, now=None) -> Period:
    return _set_locked(
        period=period,
        actor=actor,
        reason=reason,
        now=now,
        locked=False,
        action="period.reopen",
        already=_("Kỳ báo cáo này đang mở."),
    )


def current_period(*, plan_id: int, today: datetime.date, kind: str = PeriodKind.MONTHLY) -> Period | None:
    return Period.objects.filter(plan_id=plan_id, kind=kind, start__lte=today, end__gte=today).first()

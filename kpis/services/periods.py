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


def _wanted_periods(plan_start: datetime.date, today: datetime.date) -> dict:
    """{(kind, end): dates} of the periods a plan starting on `plan_start` has by `today`. A period
    is known by its kind and its last day: moving the plan's start moves the first period's start,
    it does not make another period of the same month."""
    wanted = {}
    for kind in (PeriodKind.MONTHLY, PeriodKind.QUARTERLY):
        for start in _period_starts(kind, plan_start, today):
            dates = period_dates(kind, start, plan_start)
            wanted[(kind, dates["end"])] = dates
    return wanted


def period_is_empty(period: Period) -> bool:
    """No report was sent or drafted for it, no disbursement reported for it and no official report
    was made of it: removing it loses nothing a unit or the archive wrote."""
    from reports.archive import GeneratedReport

    return (
        not period.reports.exists()
        and not GeneratedReport.objects.filter(period=period).exists()
        and not period.disbursements.exists()
    )


def periods_ensure(*, now=None, plan: Plan | None = None) -> int:
    """Give every plan in force exactly the periods its dates call for, up to the one holding today.

    Creates the missing ones, moves the dates of a period whose plan's start moved (same row, so
    its reports and flags stay and nothing is announced again), and retires periods the plan no
    longer has (its start moved later) or duplicates of one month left by earlier versions: an empty
    one is removed, one holding reports is kept. Idempotent (unique plan/kind/start, conflicts
    ignored), safe from several workers or on every deploy. Returns how many periods were created.
    """
    today = timezone.localdate(now or timezone.now())
    plans = Plan.objects.filter(status=PlanStatus.IN_FORCE)
    if plan is not None:
        plans = plans.filter(pk=plan.pk)
    created = 0
    for each in plans.only("id", "start_date", "issue_date", "code", "title"):
        plan_start = each.effective_start
        if plan_start is None:
            continue
        wanted = _wanted_periods(plan_start, today) if plan_start <= today else {}
        by_slot: dict[tuple, list[Period]] = {}
        for period in Period.objects.filter(plan=each).order_by("pk"):
            by_slot.setdefault((period.kind, period.end), []).append(period)
        missing, moved, retired = [], [], []
        for slot, dates in wanted.items():
            rows = by_slot.pop(slot, [])
            if not rows:
                missing.append(Period(plan=each, kind=slot[0], **dates))
                continue
            # Keep the row with reports (or the one already right, or the oldest); the rest are duplicates.
            keep = max(rows, key=lambda p: (p.reports.exists(), p.start == dates["start"], -p.pk))
            retired += [p for p in rows if p is not keep]
            if any(getattr(keep, k) != v for k, v in dates.items()):
                moved.append((keep, dates))
        for rows in by_slot.values():
            retired += rows
        if not (missing or moved or retired):
            continue
        with transaction.atomic():
            removed, kept = [], []
            for period in retired:
                if period_is_empty(period):
                    removed.append(period.label)
                    period.delete()
                else:
                    kept.append(period.label)
            for period, dates in moved:
                for key, value in dates.items():
                    setattr(period, key, value)
                period.save(update_fields=list(dates))
            Period.objects.bulk_create(missing, ignore_conflicts=True)
            audit_record(
                actor=None,
                action="period.generate",
                obj=each,
                changes={
                    k: v
                    for k, v in {
                        "created": [_told(p.kind, p.start, p.end) for p in missing],
                        "moved": [_told(p.kind, d["start"], d["end"]) for p, d in moved],
                        "removed": removed,
                        "kept": kept,
                    }.items()
                    if v
                },
                now=now,
            )
        created += len(missing)
    return created


def _told(kind, start: datetime.date, end: datetime.date) -> str:
    """ "Tháng 11/2025 (15/11/2025 – 30/11/2025)": a period in words for the audit trail."""
    label = Period(kind=kind, start=start, end=end).label
    return f"{label} ({start:%d/%m/%Y} – {end:%d/%m/%Y})"


@transaction.atomic
def period_remove(*, period: Period, actor, now=None) -> None:
    """The secretariat removes an empty period (a duplicate, a month the plan no longer has).
    Refused while it holds reports or an official report."""
    _require_secretariat(actor)
    if not period_is_empty(period):
        raise ValidationError(
            _("Kỳ báo cáo %(label)s đã có báo cáo nên không thể xoá.") % {"label": period.label}
        )
    audit_record(
        actor=actor,
        action="period.remove",
        obj=period.plan,
        changes={"removed": [_told(period.kind, period.start, period.end)]},
        now=now,
    )
    period.delete()


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

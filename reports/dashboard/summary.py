"""Rebuilding the dashboard's summary rows (reports.models.Dashboard*) from the live tables.

Idempotent and whole: every run deletes and rewrites all rows in one transaction, so readers see
either the previous build or the new one (PostgreSQL MVCC); two runs at once are serialised by an
advisory lock (the second waits, then rebuilds from what is then true). At province scale a build
takes a few seconds; it runs after the red-flag sweep and every DASHBOARD_REFRESH_MINUTES.

The counting rules are the ones DESIGN.md states and the rest of the portal uses:
- only lead assignments of plans in force; an assignment without a status row is "not started";
- completed means approved (status "completed"); "awaiting review" at 100 % is not completed;
- overdue: a sub-task with a deadline before today, not completed (as the sweep's overdue rule);
- open flags: RedFlag rows without resolved_at, counted on the assignment's cell;
- reports missing for a month: lead assignments of a plan having a monthly period in that month,
  whose sub-task started by the period's end, not completed before the period began, with no
  submitted report for the period (kpis.selectors.not_reported, summed over the plans).
"""

import calendar
import datetime
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from kpis.flags import FlagKind, RedFlag
from kpis.models import AssignmentState, Period, PeriodKind, ProgressReport, ReportStatus, Status
from reports.models import (
    CellLevel,
    DashboardCell,
    DashboardMissing,
    DashboardMonth,
    DashboardSnapshot,
    DashboardSubtask,
)
from tasks.models import Assignment, AssignmentRole, PlanStatus

# How many monthly periods back the period filter offers (and the build counts missing reports for).
MISSING_MONTHS = 12
# The progress chart spans at most this many months from the first plan start.
CHART_MONTHS = 48
LOCK_KEY = 57_0007


@dataclass
class RefreshResult:
    computed_at: datetime.datetime
    seconds: float = 0.0
    rows: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "computed_at": self.computed_at.isoformat(),
            "seconds": round(self.seconds, 2),
            "rows": self.rows,
        }


def lead_assignments():
    return Assignment.objects.filter(
        role=AssignmentRole.LEAD, subtask__plan__status=PlanStatus.IN_FORCE
    ).annotate(st=Coalesce("state__status", Value(Status.NOT_STARTED)))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: datetime.date) -> datetime.date:
    return (month_end(day) + datetime.timedelta(days=1)).replace(day=1)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def expected_fraction(start: datetime.date, deadline: datetime.date, day: datetime.date) -> float:
    """clamp((t − S) / (D − S), 0, 1) — DESIGN.md "Expected progress"."""
    total = (deadline - start).days
    if total <= 0:
        return 1.0 if day >= deadline else 0.0
    return max(0.0, min(1.0, (day - start).days / total))


def summary_refresh(*, now: datetime.datetime | None = None) -> RefreshResult:
    now = now or timezone.now()
    today = timezone.localdate(now)
    started = time.perf_counter()
    result = RefreshResult(computed_at=now)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        watermark = _watermark()
        for model in (DashboardCell, DashboardSubtask, DashboardMonth, DashboardMissing, DashboardSnapshot):
            model.objects.all()._raw_delete(connection.alias)
        result.rows["cells"] = _build_cells(today)
        result.rows["subtasks"] = _build_subtasks()
        result.rows["months"] = _build_months(today)
        result.rows["missing"] = _build_missing(today)
        result.seconds = time.perf_counter() - started
        DashboardSnapshot.objects.create(
            computed_at=now, today=today, seconds=result.seconds, watermark=watermark
        )
    return result


def _watermark():
    marks = [
        AssignmentState.objects.aggregate(m=Max("updated_at"))["m"],
        RedFlag.objects.aggregate(m=Max("raised_at"))["m"],
        RedFlag.objects.aggregate(m=Max("resolved_at"))["m"],
    ]
    marks = [m for m in marks if m is not None]
    return max(marks) if marks else None


def _status_counts(prefix: str = "") -> dict:
    counts = {s: Count("pk", filter=Q(st=s)) for s in Status.values}
    return {f"{prefix}{k}": v for k, v in counts.items()}


def _build_cells(today) -> int:
    rows = (
        lead_assignments()
        .order_by()
        .values(
            "unit_id",
            plan_id=F("subtask__plan_id"),
            section_id=F("subtask__general_task__section_id"),
            general_task_id=F("subtask__general_task_id"),
            unit_kind=F("unit__kind"),
        )
        .annotate(
            assigned=Count("pk"),
            **_status_counts(),
            completed_on_time=Count("pk", filter=Q(st=Status.COMPLETED, state__completed_on_time=True)),
            overdue=Count(
                "pk",
                filter=Q(subtask__ongoing=False, subtask__deadline__lt=today) & ~Q(st=Status.COMPLETED),
            ),
        )
    )
    flags = defaultdict(dict)
    open_flags = (
        RedFlag.objects.filter(resolved_at__isnull=True, assignment__role=AssignmentRole.LEAD)
        .values("subtask__general_task_id", "unit_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in open_flags:
        flags[(row["subtask__general_task_id"], row["unit_id"])][row["kind"]] = row["n"]
    fine = []
    for row in rows:
        counted = flags.get((row["general_task_id"], row["unit_id"]), {})
        fine.append({**row, **{f"flags_{kind}": counted.get(kind, 0) for kind in FlagKind.values}})
    numbers = [k for k in (fine[0] if fine else {}) if k not in CELL_KEYS]
    # The coarse grains are sums of the fine one, so every level tells the same totals.
    coarse: dict = {}
    for row in fine:
        for level, key in (
            (
                CellLevel.SECTION_UNIT,
                (row["plan_id"], row["section_id"], None, row["unit_id"], row["unit_kind"]),
            ),
            (
                CellLevel.GENERAL_TASK_KIND,
                (row["plan_id"], row["section_id"], row["general_task_id"], None, row["unit_kind"]),
            ),
        ):
            target = coarse.setdefault((level, key), dict.fromkeys(numbers, 0))
            for name in numbers:
                target[name] += row[name]
    cells = [DashboardCell(level=CellLevel.GENERAL_TASK_UNIT, **row) for row in fine]
    cells += [
        DashboardCell(level=level, **dict(zip(CELL_KEYS, key, strict=True)), **values)
        for (level, key), values in coarse.items()
    ]
    DashboardCell.objects.bulk_create(cells, batch_size=2000)
    return len(cells)


CELL_KEYS = ("plan_id", "section_id", "general_task_id", "unit_id", "unit_kind")


def rollup_status(*, total, completed, not_started, awaiting_review) -> str:
    """kpis.selectors.Rollup.status: the whole is only as done as its parts."""
    if completed == total:
        return Status.COMPLETED
    if not_started == total:
        return Status.NOT_STARTED
    if completed + awaiting_review == total:
        return Status.AWAITING_REVIEW
    return Status.IN_PROGRESS


def _build_subtasks() -> int:
    rows = (
        lead_assignments()
        .order_by()
        .values("subtask_id", "subtask__plan_id", "subtask__general_task__section_id", "unit__kind")
        .annotate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(st=Status.COMPLETED)),
            not_started=Count("pk", filter=Q(st=Status.NOT_STARTED)),
            awaiting_review=Count("pk", filter=Q(st=Status.AWAITING_REVIEW)),
        )
    )
    every_kind: dict = {}
    objs = []
    numbers = ("total", "completed", "not_started", "awaiting_review")
    for row in rows:
        key = (row["subtask_id"], row["subtask__plan_id"], row["subtask__general_task__section_id"])
        sums = every_kind.setdefault(key, dict.fromkeys(numbers, 0))
        for name in numbers:
            sums[name] += row[name]
        objs.append(
            DashboardSubtask(
                subtask_id=key[0],
                plan_id=key[1],
                section_id=key[2],
                unit_kind=row["unit__kind"],
                status=rollup_status(**{n: row[n] for n in numbers}),
            )
        )
    for (subtask_id, plan_id, section_id), sums in every_kind.items():
        objs.append(
            DashboardSubtask(
                subtask_id=subtask_id,
                plan_id=plan_id,
                section_id=section_id,
                unit_kind="",
                status=rollup_status(**sums),
            )
        )
    DashboardSubtask.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def chart_months(first: datetime.date | None, last: datetime.date | None, today) -> list[datetime.date]:
    if first is None:
        return []
    month, end = month_start(first), month_start(max(last or today, today))
    months = []
    while month <= end and len(months) < CHART_MONTHS:
        months.append(month)
        month = next_month(month)
    return months


def _build_months(today) -> int:
    deadline_leads = lead_assignments().filter(subtask__ongoing=False, subtask__deadline__isnull=False)
    groups = list(
        deadline_leads.annotate(
            s_date=Coalesce("subtask__start_date", "subtask__plan__start_date", "subtask__plan__issue_date")
        )
        .order_by()
        .values(
            "subtask__plan_id",
            "subtask__general_task__section_id",
            "unit__kind",
            "s_date",
            "subtask__deadline",
        )
        .annotate(n=Count("pk"))
    )
    approvals = (
        deadline_leads.filter(st=Status.COMPLETED, state__completed_at__isnull=False)
        .annotate(month=TruncMonth("state__completed_at"))
        .order_by()
        .values("subtask__plan_id", "subtask__general_task__section_id", "unit__kind", "month")
        .annotate(n=Count("pk"))
    )
    approved = {
        (
            r["subtask__plan_id"],
            r["subtask__general_task__section_id"],
            r["unit__kind"],
            _as_date(r["month"]),
        ): r["n"]
        for r in approvals
    }
    starts = [g["s_date"] for g in groups if g["s_date"]]
    months = chart_months(
        min(starts) if starts else None, max((g["subtask__deadline"] for g in groups), default=None), today
    )
    cells: dict = {}
    for g in groups:
        key = (g["subtask__plan_id"], g["subtask__general_task__section_id"], g["unit__kind"])
        cell = cells.setdefault(key, {"assigned": 0, "expected": [0.0] * len(months)})
        cell["assigned"] += g["n"]
        if g["s_date"] is None:
            continue
        for i, month in enumerate(months):
            cell["expected"][i] += g["n"] * expected_fraction(
                g["s_date"], g["subtask__deadline"], month_end(month)
            )
    objs = [
        DashboardMonth(
            plan_id=key[0],
            section_id=key[1],
            unit_kind=key[2],
            month=month,
            assigned=cell["assigned"],
            approved=approved.get((*key, month), 0),
            expected=cell["expected"][i],
        )
        for key, cell in cells.items()
        for i, month in enumerate(months)
    ]
    DashboardMonth.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def missing_months(today, limit: int = MISSING_MONTHS) -> list[datetime.date]:
    """First days of the last `limit` months holding a monthly period of a plan in force (newest first)."""
    starts = (
        Period.objects.filter(kind=PeriodKind.MONTHLY, plan__status=PlanStatus.IN_FORCE, start__lte=today)
        .order_by("-start")
        .values_list("start", flat=True)
    )
    months: list = []
    for start in starts.iterator():
        first = month_start(start)
        if first not in months:
            months.append(first)
            if len(months) >= limit:
                break
    return months


def missing_queryset(month: datetime.date):
    """The lead assignments that owed a report for `month` and sent none (see the module docstring)."""
    first, last = month_start(month), month_end(month)
    periods = Period.objects.filter(kind=PeriodKind.MONTHLY, start__lte=last, end__gte=first)
    reported = ProgressReport.objects.filter(period__in=periods, status=ReportStatus.SUBMITTED).values(
        "assignment_id"
    )
    completed_before = AssignmentState.objects.filter(
        assignment=OuterRef("pk"), status=Status.COMPLETED, completed_at__lt=local_midnight(first)
    )
    return (
        lead_assignments()
        .filter(Exists(periods.filter(plan_id=OuterRef("subtask__plan_id"))))
        .exclude(subtask__start_date__gt=last)
        .exclude(Exists(completed_before))
        .exclude(pk__in=reported)
    )


def _build_missing(today) -> int:
    objs = []
    for month in missing_months(today):
        rows = (
            missing_queryset(month)
            .order_by()
            .values("subtask__plan_id", "subtask__general_task__section_id", "unit_id", "unit__kind")
            .annotate(n=Count("pk"))
        )
        objs += [
            DashboardMissing(
                plan_id=r["subtask__plan_id"],
                section_id=r["subtask__general_task__section_id"],
                unit_id=r["unit_id"],
                unit_kind=r["unit__kind"],
                month=month,
                missing=r["n"],
            )
            for r in rows
        ]
    DashboardMissing.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def refresh_minutes() -> int:
    return int(getattr(settings, "DASHBOARD_REFRESH_MINUTES", 5))

"""Rebuilding the dashboard's summary rows (reports.models.Dashboard*) from the live tables.

The row per lead assignment (DashboardAssignment, reports.dashboard.rows) and the cells and
sub-task roll-ups summed from those rows (reports.dashboard.cells) are also kept current between
builds by the services that change an assignment's status; the build is what takes in flags
raised or resolved by the sweep, overdue as the days pass, new or moved sub-tasks, changed
deadlines, the expected curve (DashboardMonth) and the missing reports (DashboardMissing).

Idempotent and whole, in one transaction, so readers see either the previous build or the new
one (PostgreSQL MVCC): months and missing reports are deleted and rewritten; the assignment rows
are written where they changed; the cells and roll-ups are summed anew. Two runs at once are
serialised by an advisory lock (the second waits, then rebuilds from what is then true). At
province scale a build takes a few seconds; it runs after the red-flag sweep and every
DASHBOARD_REFRESH_MINUTES.

The counting rules are the ones DESIGN.md states and the rest of the portal uses:
- only lead assignments of plans in force; an assignment without a status row is "not started";
- completed means approved (status "completed"); "awaiting review" at 100 % is not completed;
- overdue: a sub-task with a deadline before today, not completed (as the sweep's overdue rule),
  counted from the row's deadline when its cells are written (the first build of a day moves it on);
- open flags: RedFlag rows without resolved_at, counted on the assignment's row;
- reports missing for a month: lead assignments owing the report of their plan's monthly period
  of that month as of the build's day (kpis.flag_conditions.owing_report, as the not-reported
  page of each period, summed over the plans).
"""

import calendar
import datetime
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from kpis.flag_conditions import owing_report
from kpis.flags import RedFlag
from kpis.models import AssignmentState, Period, PeriodKind
from kpis.progress import expected_fraction
from reports.models import DashboardAssignment, DashboardMissing, DashboardMonth, DashboardSnapshot
from tasks.models import assignment_start, effective_deadline

from .cells import cells_rebuild
from .rows import LOCK_KEY, lead_assignments, rows_rebuild

# How many monthly periods back the period filter offers (and the build counts missing reports for).
MISSING_MONTHS = 12
# The progress chart spans at most this many months from the first plan start.
CHART_MONTHS = 48
BUILD_LOCK_KEY = 57_0008


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


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: datetime.date) -> datetime.date:
    return (month_end(day) + datetime.timedelta(days=1)).replace(day=1)


def summary_refresh(*, now: datetime.datetime | None = None) -> RefreshResult:
    now = now or timezone.now()
    today = timezone.localdate(now)
    started = time.perf_counter()
    result = RefreshResult(computed_at=now)
    with transaction.atomic():
        # Two builds at once are serialised by one lock; the assignment rows and cells by another,
        # taken only for their part (about a second at province scale), which is all a report or
        # review decision (rows_sync, a shared hold) may have to wait for.
        _lock(BUILD_LOCK_KEY)
        watermark = _watermark()
        for model in (DashboardMonth, DashboardMissing, DashboardSnapshot):
            model.objects.all()._raw_delete(connection.alias)
        result.rows["months"] = _build_months(today)
        result.rows["missing"] = _build_missing(today)
        _lock(LOCK_KEY)
        result.rows["assignments"] = rows_rebuild()
        result.rows["assignments_counted"] = DashboardAssignment.objects.count()
        result.rows["cells"] = cells_rebuild(today)
        result.seconds = time.perf_counter() - started
        DashboardSnapshot.objects.create(
            computed_at=now, today=today, seconds=result.seconds, watermark=watermark
        )
    _tidy()
    return result


def _lock(key: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


SUMMARY_TABLES = (
    "reports_dashboardassignment",
    "reports_dashboardcell",
    "reports_dashboardsubtask",
    "reports_dashboardmonth",
    "reports_dashboardmissing",
)


def _tidy():
    """On PostgreSQL, after the build commits: reclaim the rows it replaced and refresh the planner's
    statistics, whatever autovacuum's settings (a build replaces tens of thousands of rows; left
    to pile up, the dead ones would slow every page's scans). Inside a caller's transaction (tests)
    VACUUM cannot run: statistics only."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute(f"ANALYZE {', '.join(SUMMARY_TABLES)}")
        else:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(SUMMARY_TABLES)}")


def _watermark():
    marks = [
        AssignmentState.objects.aggregate(m=Max("updated_at"))["m"],
        RedFlag.objects.aggregate(m=Max("raised_at"))["m"],
        RedFlag.objects.aggregate(m=Max("resolved_at"))["m"],
    ]
    marks = [m for m in marks if m is not None]
    return max(marks) if marks else None


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
    deadline_leads = (
        lead_assignments()
        .filter(subtask__ongoing=False)
        .annotate(due=effective_deadline())
        .filter(due__isnull=False)
    )
    groups = list(
        deadline_leads.annotate(s_date=assignment_start())
        .order_by()
        .values(
            "subtask__plan_id",
            "subtask__general_task__section_id",
            "unit__kind",
            "s_date",
            "due",
        )
        .annotate(n=Count("pk"))
    )
    starts = [g["s_date"] for g in groups if g["s_date"]]
    months = chart_months(
        min(starts) if starts else None, max((g["due"] for g in groups), default=None), today
    )
    cells: dict = {}
    for g in groups:
        key = (g["subtask__plan_id"], g["subtask__general_task__section_id"], g["unit__kind"])
        cell = cells.setdefault(key, {"assigned": 0, "expected": [0.0] * len(months)})
        cell["assigned"] += g["n"]
        if g["s_date"] is None:
            continue
        for i, month in enumerate(months):
            cell["expected"][i] += g["n"] * expected_fraction(g["s_date"], g["due"], month_end(month))
    objs = [
        DashboardMonth(
            plan_id=key[0],
            section_id=key[1],
            unit_kind=key[2],
            month=month,
            assigned=cell["assigned"],
            expected=cell["expected"][i],
        )
        for key, cell in cells.items()
        for i, month in enumerate(months)
    ]
    DashboardMonth.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def missing_months(today, limit: int = MISSING_MONTHS) -> list[datetime.date]:
    """First days of the last `limit` months holding a monthly period of a plan in force (newest first)."""
    starts = (
        Period.objects.in_force()
        .filter(kind=PeriodKind.MONTHLY, start__lte=today)
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


def missing_queryset(month: datetime.date, today: datetime.date):
    """The lead assignments owing, as of `today`, the report of their plan's monthly period of
    `month` (kpis.flag_conditions.owing_report, as the not-reported page of each such period)."""
    first, last = month_start(month), month_end(month)
    periods = Period.objects.filter(kind=PeriodKind.MONTHLY, start__lte=last, end__gte=first)
    return owing_report(today, periods)


def _build_missing(today) -> int:
    objs = []
    for month in missing_months(today):
        rows = (
            missing_queryset(month, today)
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

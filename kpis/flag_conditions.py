"""The conditions of the red flags as querysets over every lead assignment (see kpis/sweep.py).

Each is one SQL query whatever the number of assignments; dates are compared in SQL with a
small portable day-difference function, and the lagging rule multiplies instead of dividing so
that its edges (expected exactly 20 %, actual exactly half) are exact.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    DecimalField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from tasks.models import Assignment, AssignmentRole, PlanStatus

from .flags import FlagKind
from .models import Period, PeriodKind, ProgressReport, ReportStatus, Status

EARLIEST = datetime.date(1900, 1, 1)


class DaysBetween(Func):
    """Whole days from `start` to `end` (end − start), on PostgreSQL and SQLite alike."""

    output_field = IntegerField()
    arity = 2
    template = "(%(expressions)s)"
    arg_joiner = " - "  # PostgreSQL: date − date is an integer number of days

    def as_sqlite(self, compiler, connection, **extra_context):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        sql = f"CAST(ROUND(julianday({end}) - julianday({start})) AS INTEGER)"
        return sql, (*end_params, *start_params)


def _date(value: datetime.date) -> Value:
    return Value(value, output_field=DateField())


def lead_assignments(today: datetime.date) -> QuerySet:
    """Every lead assignment of a plan in force, with the figures the rules read."""
    return Assignment.objects.filter(
        role=AssignmentRole.LEAD, subtask__plan__status=PlanStatus.IN_FORCE
    ).annotate(
        flag_status=Coalesce("state__status", Value(Status.NOT_STARTED)),
        actual=Coalesce(
            "state__latest_completion",
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=5, decimal_places=2),
        ),
        s_date=Coalesce("subtask__start_date", "subtask__plan__start_date", "subtask__plan__issue_date"),
    )


def overdue_condition(today: datetime.date) -> QuerySet:
    return (
        lead_assignments(today)
        .filter(subtask__ongoing=False, subtask__deadline__lt=today)
        .exclude(flag_status=Status.COMPLETED)
    )


def lagging_condition(today: datetime.date) -> QuerySet:
    ratio100 = float(settings.FLAG_LAGGING_RATIO) * 100
    minimum = float(settings.FLAG_LAGGING_MIN_EXPECTED)
    qs = (
        lead_assignments(today)
        .filter(subtask__ongoing=False, subtask__deadline__isnull=False, s_date__isnull=False)
        .exclude(flag_status__in=[Status.COMPLETED, Status.AWAITING_REVIEW])
        .annotate(
            total_days=DaysBetween(F("subtask__deadline"), F("s_date")),
            day=DaysBetween(_date(today), F("s_date")),
        )
    )
    # expected = clamp(day / total, 0, 1) × 100, compared without dividing so the edges are exact:
    # expected ≥ minimum  ⇔  100·day ≥ minimum·total;  actual < ratio·expected  ⇔  actual·total < ratio·100·min(day, total)
    lags = Case(
        When(
            Q(total_days__gt=0)
            & Q(day_scaled__gte=F("min_scaled"))
            & Q(actual_scaled__lt=F("allowed_scaled")),
            then=Value(True),
        ),
        When(
            Q(total_days__lte=0) & Q(subtask__deadline__lte=today) & Q(actual__lt=ratio100), then=Value(True)
        ),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        qs.annotate(
            day_scaled=F("day") * 100,
            min_scaled=Value(minimum) * F("total_days"),
            actual_scaled=F("actual") * F("total_days"),
            allowed_scaled=Value(ratio100, output_field=FloatField())
            * Least(F("day"), F("total_days"), output_field=IntegerField()),
        )
        .annotate(lags=lags)
        .filter(lags=True)
    )


def quality_condition(today: datetime.date) -> QuerySet:
    return lead_assignments(today).filter(flag_status=Status.RETURNED)


def no_report_condition(today: datetime.date) -> QuerySet:
    started = Coalesce(
        "subtask__start_date", "subtask__plan__start_date", "subtask__plan__issue_date", _date(EARLIEST)
    )
    # The plan's last monthly period already due, if the sub-task had started by its cut-off
    # (when the last one does not qualify, no earlier one does: their cut-offs are earlier).
    due_period = (
        Period.objects.filter(
            plan_id=OuterRef("subtask__plan_id"),
            kind=PeriodKind.MONTHLY,
            due_date__lt=today,
            cutoff__gte=OuterRef("started"),
        )
        .order_by("-due_date", "-start")
        .values("pk")[:1]
    )
    reported = ProgressReport.objects.filter(
        assignment_id=OuterRef("pk"), period_id=OuterRef("due_period"), status=ReportStatus.SUBMITTED
    )
    return (
        lead_assignments(today)
        .exclude(flag_status__in=[Status.COMPLETED, Status.AWAITING_REVIEW])
        .annotate(started=started)
        .annotate(due_period=Subquery(due_period))
        .filter(due_period__isnull=False)
        .exclude(Exists(reported))
    )


CONDITIONS = {
    FlagKind.OVERDUE: overdue_condition,
    FlagKind.LAGGING: lagging_condition,
    FlagKind.QUALITY: quality_condition,
    FlagKind.NO_REPORT: no_report_condition,
}
FIELDS = {
    FlagKind.OVERDUE: ["subtask__deadline"],
    FlagKind.LAGGING: ["subtask__deadline", "s_date", "actual", "day", "total_days"],
    FlagKind.QUALITY: ["state__returned_at", "state__return_reason"],
    FlagKind.NO_REPORT: ["due_period"],
}

"""Progress over time."""

import datetime

from django.db.models import Case, Count, DateTimeField, Sum, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from kpis.models import Status
from reports.models import (
    DashboardMonth,
)

from ..summary import chart_months, expected_fraction, lead_assignments, month_end, month_start
from .counting import approvals_by_month
from .scope import Scope
from .unit_ranking import _pct, _text


def progress_series(scope: Scope) -> list[dict]:
    """Per month: approved completions, cumulative % approved and % expected (sub-tasks with a deadline)."""
    if scope.unit is not None:
        return _unit_series(scope)
    qs = scope.filter_rows(DashboardMonth.objects.all(), unit=False)
    rows = list(
        qs.values("month").annotate(assigned=Sum("assigned"), expected=Sum("expected")).order_by("month")
    )
    # Approvals counted from the assignments' rows, so the curve moves with each decision.
    approvals = approvals_by_month(scope)
    for row in rows:
        row["approved"] = approvals.get(row["month"], 0)
    return _series(rows, scope)


def _series(rows, scope) -> list[dict]:
    today = timezone.localdate()
    last = min(month_start(today), scope.month or month_start(today))
    series, done = [], 0
    for row in rows:
        assigned = row["assigned"] or 0
        done += row["approved"] or 0
        past = row["month"] <= last
        actual = _pct(done, assigned) if past else None
        expected = round(100 * row["expected"] / assigned, 1) if assigned else None
        series.append(
            {
                "month": row["month"],
                "label": f"{row['month']:%m/%Y}",
                "approved": row["approved"] if past else None,
                "actual": actual,
                "expected": expected,
                "actual_text": _text(actual),
                "expected_text": _text(expected),
            }
        )
    return series


def _unit_series(scope) -> list[dict]:
    """The same curve for one unit, counted live from its own assignments (a few hundred rows)."""
    qs = lead_assignments().filter(
        unit_id=scope.unit.pk, subtask__ongoing=False, subtask__deadline__isnull=False
    )
    if scope.plan:
        qs = qs.filter(subtask__plan_id=scope.plan.pk)
    if scope.section:
        qs = qs.filter(subtask__general_task__section_id=scope.section.pk)
    # One pass: (start, deadline, month approved or none) → count; expected and approvals both come from it.
    approved_month = Case(
        When(st=Status.COMPLETED, then=TruncMonth("state__completed_at")),
        default=None,
        output_field=DateTimeField(),
    )
    rows = list(
        qs.annotate(
            s_date=Coalesce("subtask__start_date", "subtask__plan__start_date", "subtask__plan__issue_date"),
            m=approved_month,
        )
        .values("s_date", "subtask__deadline", "m")
        .annotate(n=Count("pk"))
        .order_by()
    )
    groups: dict = {}
    approvals: dict = {}
    for row in rows:
        key = (row["s_date"], row["subtask__deadline"])
        groups[key] = groups.get(key, 0) + row["n"]
        if row["m"] is not None:
            # Truncated in local time by the database: its wall-clock date is the month's first day.
            month = row["m"].date() if isinstance(row["m"], datetime.datetime) else row["m"]
            approvals[month] = approvals.get(month, 0) + row["n"]
    groups = [{"s_date": k[0], "subtask__deadline": k[1], "n": n} for k, n in groups.items()]
    starts = [g["s_date"] for g in groups if g["s_date"]]
    months = chart_months(
        min(starts) if starts else None,
        max((g["subtask__deadline"] for g in groups), default=None),
        timezone.localdate(),
    )
    assigned = sum(g["n"] for g in groups)
    rows = [
        {
            "month": m,
            "assigned": assigned,
            "approved": approvals.get(m, 0),
            "expected": sum(
                g["n"] * expected_fraction(g["s_date"], g["subtask__deadline"], month_end(m))
                for g in groups
                if g["s_date"]
            ),
        }
        for m in months
    ]
    return _series(rows, scope)

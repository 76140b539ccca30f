"""Progress over time."""

from django.utils import timezone

from ..summary import chart_months, month_end, month_start
from .counting import approvals_by_month, assigned_by_month, deadline_bounds, expected_by_month
from .scope import Scope
from .unit_ranking import _pct, _text


def progress_series(scope: Scope) -> list[dict]:
    """Per month: approved completions, cumulative % approved and % expected (sub-tasks with a deadline)."""
    if scope.unit is not None:
        return _unit_series(scope)
    # Approvals counted from the assignments' rows, so the curve moves with each decision.
    approvals = approvals_by_month(scope)
    rows = [
        {"month": month, "assigned": assigned, "expected": expected, "approved": approvals.get(month, 0)}
        for month, assigned, expected in assigned_by_month(scope)
    ]
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
    """The same curve for one unit, from its own assignment rows (a few hundred, through the unit's
    index): the expected fractions are summed by the database, month by month."""
    first, last, assigned = deadline_bounds(scope, unit=True)
    months = chart_months(first, last, timezone.localdate())
    expected = expected_by_month(scope, {m: month_end(m) for m in months}, unit=True)
    approvals = approvals_by_month(scope, unit=True)
    rows = [
        {"month": m, "assigned": assigned, "approved": approvals.get(m, 0), "expected": expected.get(m, 0.0)}
        for m in months
    ]
    return _series(rows, scope)

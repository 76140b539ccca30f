"""The progress curve: cumulative approvals and expected progress per month, equal to an independent
computation from the live tables (DESIGN.md "Expected progress")."""

import pytest
from django.utils import timezone

from kpis.models import Status
from reports.dashboard import selectors
from reports.dashboard.summary import chart_months, expected_fraction, month_end, month_start
from tasks.models import Assignment, AssignmentRole, PlanStatus
from tests.reports.dashboard_world import make_data
from units.models import Unit

# Built as of dashboard_world.NOW, and the pages read that day too: the same figures on any day.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]


@pytest.fixture
def small_data(db):
    return make_data("small")


def independent_series(**filters):
    leads = Assignment.objects.filter(
        role=AssignmentRole.LEAD,
        subtask__plan__status=PlanStatus.IN_FORCE,
        subtask__ongoing=False,
        subtask__deadline__isnull=False,
        **filters,
    ).select_related("subtask__plan", "state")
    rows = []
    for a in leads:
        st, plan = a.subtask, a.subtask.plan
        start = st.start_date or plan.start_date or plan.issue_date
        state = getattr(a, "state", None)
        approved = None
        if state is not None and state.status == Status.COMPLETED and state.completed_at:
            approved = month_start(timezone.localdate(state.completed_at))
        rows.append((start, st.deadline, approved))
    today = timezone.localdate()
    starts = [r[0] for r in rows if r[0]]
    months = chart_months(min(starts) if starts else None, max((r[1] for r in rows), default=None), today)
    assigned, done, series = len(rows), 0, {}
    for m in months:
        done += sum(1 for r in rows if r[2] == m)
        expected = sum(expected_fraction(r[0], r[1], month_end(m)) for r in rows if r[0])
        series[m] = (
            round(100 * done / assigned, 1) if m <= month_start(today) else None,
            round(100 * expected / assigned, 1),
        )
    return series


def shown(scope):
    return {p["month"]: (p["actual"], p["expected"]) for p in selectors.progress_series(scope)}


def scope_for(unit=None):
    snap = selectors.snapshot()
    scope = selectors.Scope(ref=selectors.reference(snap), unit=unit)
    scope.month = month_start(timezone.localdate())
    return scope


def test_the_province_curve_equals_an_independent_count(small_data):
    expected = independent_series()
    assert expected and any(actual for actual, _ in expected.values())
    assert shown(scope_for()) == expected


def test_a_units_curve_equals_an_independent_count(small_data):
    units = Unit.objects.filter(assignments__role=AssignmentRole.LEAD).distinct().order_by("pk")[:5]
    checked = 0
    for unit in units:
        expected = independent_series(unit=unit)
        if expected:
            assert shown(scope_for(unit)) == expected, unit
            checked += 1
    assert checked

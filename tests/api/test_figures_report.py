"""The API's figures are the official report's: the same data set, read at the report's cut-off
through GET /api/v1/figures/units/ and assembled for the monthly report of that period (its table of
results by unit), gives the same numbers for each unit and in total.

The data are built as of the cut-off day, with the clock there: the report counts what stood at its
cut-off and the API what stands now, so they agree exactly when nothing changed in between."""

import datetime

import pytest
from django.utils import timezone

from kpis.models import Period, PeriodKind
from reports.assembly import assemble, resolve_scope
from tasks.models import Plan, PlanStatus
from tests.api.report_figures import assert_units_are_the_reports
from tests.reports.dashboard_world import NO_CACHE, make_data

pytestmark = pytest.mark.django_db

CUTOFF_DAY = timezone.make_aware(datetime.datetime(2026, 11, 20, 12, 0))  # November's cut-off: the 20th


@pytest.fixture
def cutoff_data(db, clock, settings):
    settings.CACHES = NO_CACHE
    clock.set(CUTOFF_DAY)
    return make_data("small", now=CUTOFF_DAY)


def test_each_units_figures_equal_the_monthly_reports(cutoff_data, make_client):
    _, api = make_client(now=CUTOFF_DAY)
    plan = Plan.objects.filter(status=PlanStatus.IN_FORCE).order_by("pk").first()
    period = Period.objects.get(plan=plan, kind=PeriodKind.MONTHLY, start=datetime.date(2026, 11, 1))
    assert period.cutoff == CUTOFF_DAY.date()
    data = api.get("/api/v1/figures/units/", {"plan": plan.pk, "period": period.pk}).json()
    inputs = assemble(resolve_scope(kind=PeriodKind.MONTHLY, period=period, plan=plan))
    report = assert_units_are_the_reports(data, inputs)
    assert len(report) > 3
    totals = data["totals"]
    assert totals["assigned"] == sum(r["total"] for r in report.values())
    assert totals["completed"] == sum(r["completed_on_time"] + r["completed_late"] for r in report.values())
    assert totals["overdue"] == sum(r["overdue"] for r in report.values())

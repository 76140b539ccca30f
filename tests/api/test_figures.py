"""The API's figures are the dashboard's: the same data set read through the API and through the
province and unit dashboards gives the same numbers."""

import pytest

from api.models import Scope
from kpis.models import Period, PeriodKind
from reports.dashboard.summary import month_start
from tasks.models import Assignment, AssignmentRole, Plan, PlanStatus
from tests.reports.dashboard_world import NO_CACHE, client_for, leader_client_for, make_data, staff_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

COUNTS = ["assigned", "completed", "completed_on_time", "overdue", "missing", "flags", "rate", "on_time_rate"]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.CACHES = NO_CACHE


@pytest.fixture
def small_data(db):
    return make_data("small")


def _board(http, url, **params):
    response = http.get(url, params)
    assert response.status_code == 200
    return response.context


def _period(plan):
    return (
        Period.objects.filter(plan=plan, kind=PeriodKind.MONTHLY, start__lte="2026-11-01")
        .order_by("-start")
        .first()
    )


def test_province_figures_equal_the_dashboards(small_data, make_client, settings):
    _, api = make_client()
    leader = leader_client_for()
    plan = Plan.objects.filter(status=PlanStatus.IN_FORCE).order_by("pk").first()
    period = _period(plan)
    for params in ({}, {"plan": plan.pk}, {"plan": plan.pk, "period": period.pk}):
        board_params = {k: v for k, v in params.items() if k == "plan"}
        if "period" in params:
            board_params["period"] = f"{month_start(period.end):%Y-%m}"
        context = _board(leader, "/reports/dashboard/", units="all", **board_params)
        data = api.get("/api/v1/figures/units/", params).json()
        assert data["month"] == f"{context['scope'].month:%Y-%m-%d}"
        for key in COUNTS:
            assert data["totals"][key] == context["totals"][key], key
        rows = {row["unit_id"]: row for row in context["ranking"]}
        assert {u["unit"] for u in data["units"]} == set(rows)
        for unit in data["units"]:
            row = rows[unit["unit"]]
            assert unit["rank"] == row["rank"]
            for key in COUNTS:
                assert unit[key] == row[key], (unit["unit_name"], key)
        assert data["totals"]["assigned"] > 0


def test_a_unit_clients_figures_equal_its_unit_dashboard(small_data, make_client):
    unit = (
        Assignment.objects.filter(role=AssignmentRole.LEAD, subtask__plan__status=PlanStatus.IN_FORCE)
        .order_by("unit_id")
        .first()
        .unit
    )
    _, api = make_client(scopes=[Scope.FIGURES], unit=unit)
    staff = client_for(staff_of(unit))
    context = _board(staff, f"/reports/dashboard/units/{unit.pk}/")
    data = api.get("/api/v1/figures/units/").json()
    assert [u["unit"] for u in data["units"]] == [unit.pk]
    for key in COUNTS:
        assert data["totals"][key] == context["totals"][key], key

"""The API's figures on the demo that has lived: read on the day of March's cut-off, the province's
figures through GET /api/v1/figures/units/ equal the leadership dashboard's, and each unit's equal
March's official report (its table of results by unit), assembled at that cut-off.

A reduced demo with an explicit `--now` late on the cut-off day (the calendar does not matter):
nothing happens between the demo's last action and the end of the day the report counts to."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from kpis.models import Period, PeriodKind
from reports.assembly import assemble, resolve_scope
from reports.dashboard.summary import summary_refresh
from tasks.models import Plan
from tests.api.report_figures import assert_units_are_the_reports
from tests.reports.dashboard_world import NO_CACHE, leader_client_for

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 3, 20, 18, 0))  # March's cut-off day (the 20th)
COUNTS = ["assigned", "completed", "completed_on_time", "overdue", "missing", "flags", "rate", "on_time_rate"]


@pytest.fixture
def demo(capsys, clock, settings):
    settings.CACHES = NO_CACHE
    call_command(
        "load_demo", "--with-users", "--now", NOW.isoformat(), "--months", "2", "--communes", "3",
        "--report-months", "0", verbosity=0,
    )  # fmt: skip
    capsys.readouterr()
    clock.set(NOW)
    summary_refresh(now=NOW)  # what the periodic job keeps current
    return Plan.objects.get()


def test_the_demos_figures_are_the_dashboards_and_the_reports(demo, make_client):
    _, api = make_client(now=NOW)
    data = api.get("/api/v1/figures/units/", {"plan": demo.pk}).json()
    assert (
        data["totals"]["assigned"] > 50 and data["totals"]["overdue"] > 0 and data["totals"]["completed"] > 0
    )

    board = leader_client_for().get("/reports/dashboard/", {"units": "all", "plan": demo.pk}).context
    assert data["month"] == f"{board['scope'].month:%Y-%m-%d}"
    for key in COUNTS:
        assert data["totals"][key] == board["totals"][key], key
    rows = {row["unit_id"]: row for row in board["ranking"]}
    assert {u["unit"] for u in data["units"]} == set(rows)
    for unit in data["units"]:
        for key in COUNTS:
            assert unit[key] == rows[unit["unit"]][key], (unit["unit_name"], key)

    period = Period.objects.get(plan=demo, kind=PeriodKind.MONTHLY, start=datetime.date(2026, 3, 1))
    assert period.cutoff == NOW.date()
    inputs = assemble(resolve_scope(kind=PeriodKind.MONTHLY, period=period, plan=demo))
    assert_units_are_the_reports(data, inputs)

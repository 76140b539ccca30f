"""A constant number of queries per dashboard page, whatever the size of the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.dashboard.scale_data import wipe_scale_data
from tasks.models import Plan
from tests.reports.dashboard_world import LOCAL_CACHE, NO_CACHE, client_for, make_data, staff_of
from units.models import Role, Unit, UnitKind

# Built as of dashboard_world.NOW, and the pages read that day too: the same figures on any day.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]


def page_queries(client) -> dict:
    plan = Plan.objects.order_by("pk").first()
    unit = Unit.objects.get(name="Sở Nội vụ")
    pages = {
        "province": (reverse("reports:dashboard"), {}, {}),
        "province filtered": (reverse("reports:dashboard"), {"plan": plan.pk, "kind": UnitKind.COMMUNE}, {}),
        "sorted fragment": (
            reverse("reports:dashboard"),
            {"sort": "overdue", "units": "all"},
            {"HX-Request": "true", "HX-Target": "ranking"},
        ),
        "board fragment": (
            reverse("reports:dashboard"),
            {"plan": plan.pk},
            {"HX-Request": "true", "HX-Target": "board"},
        ),
        "items table fragment": (
            reverse("reports:dashboard"),
            {"table": "items"},
            {"HX-Request": "true", "HX-Target": "items-table-body"},
        ),
        "unit": (reverse("reports:unit_dashboard", args=[unit.pk]), {}, {}),
    }
    counts = {}
    for name, (url, params, headers) in pages.items():
        client.get(url, params, headers=headers)  # warm: the session and the first-visit work
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params, headers=headers)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


@pytest.mark.parametrize("caches", [NO_CACHE, LOCAL_CACHE], ids=["rendered", "cached"])
def test_query_counts_are_the_same_for_small_and_large_data(settings, caches):
    settings.CACHES = caches
    small = make_data("small")
    leader = staff_of(Unit.objects.get(name="Sở Nội vụ"), Role.LEADERSHIP, username="leader-q")
    client = client_for(leader)
    few = page_queries(client)
    wipe_scale_data()
    large = make_data("medium")
    many = page_queries(client)
    assert large.lead_assignments > 5 * small.lead_assignments
    assert large.reports > 10 * small.reports
    assert few == many
    assert max(many.values()) <= 25

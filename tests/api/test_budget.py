"""Budget and disbursement through the API: the budget page's roll-ups and lines, equal to them; a unit
client reads its own lines only; filters refused with the reason."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.budget.test_selectors import seed_001
from tests.budget.world import TY, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.EVIDENCE_CLAMD_SOCKET = settings.EVIDENCE_CLAMD_HOST = ""  # no scanner configured
    world = World()
    seed_001(world)
    return world


def _page_context(world, **query):
    """What the secretariat's budget page shows for the same plan and year."""
    browser = Client()
    browser.force_login(world.secretariat)
    page = browser.get(reverse("budget:overview"), {"plan": world.plan.pk, "year": 2025, **query})
    assert page.status_code == 200
    return page.context


def _figures(row) -> dict:
    rate = row["rate"]
    return {
        "allocated": int(row["allocated"]),
        "disbursed": int(row["disbursed"]),
        "rate": float(rate) if rate is not None else None,
    }


def test_the_roll_ups_equal_the_budget_pages(world, make_client):
    _, api = make_client()
    context = _page_context(world)
    pages = {key: rows for key, _, rows in context["rollups"]}
    for by in ("section", "unit", "kind", "level"):
        answer = api.get("/api/v1/budget/rollups/", {"by": by, "plan": world.plan.pk, "year": 2025})
        assert answer.status_code == 200, answer.content
        data = answer.json()
        assert data["totals"] == _figures(context["totals"])
        assert [(r["key"], r["label"], r["allocated"], r["disbursed"], r["rate"]) for r in data["rows"]] == [
            (str(r["key"]), r["label"], *_figures(r).values()) for r in pages[by]
        ]
    kinds = api.get("/api/v1/budget/rollups/", {"by": "kind", "plan": world.plan.pk, "year": 2025}).json()
    assert kinds["totals"] == {"allocated": 1008 * TY, "disbursed": 363_300_000_000, "rate": 36.04}


def test_a_roll_up_as_of_a_day(world, make_client):
    _, api = make_client()
    query = {"by": "kind", "plan": world.plan.pk, "year": 2025, "as_of": "2025-06-30"}
    data = api.get("/api/v1/budget/rollups/", query).json()
    from budget.selectors import totals

    expected = totals(plans=[world.plan.pk], year=2025, as_of=datetime.date(2025, 6, 30))
    assert data["totals"] == _figures(expected) and data["as_of"] == "2025-06-30"
    assert data["totals"]["disbursed"] == 20 * TY  # only May's payment ended by 30/6


def test_lines_and_disbursements_equal_the_pages_lines(world, make_client):
    _, api = make_client()
    lines = api.get("/api/v1/budget/lines/", {"plan": world.plan.pk, "year": 2025}).json()["results"]
    page_lines = list(_page_context(world)["page"].object_list)
    assert sorted((r["id"], r["allocated"], r["disbursed"]) for r in lines) == sorted(
        (line.pk, int(line.allocated), int(line.disbursed)) for line in page_lines
    )
    development_a = next(r for r in lines if r["unit"] == world.unit_a.pk and r["kind"] == "development")
    assert development_a["allocated"] == 704 * TY and development_a["rate"] == 46.22
    paid = api.get("/api/v1/budget/disbursements/", {"plan": world.plan.pk}).json()["results"]
    assert sum(r["amount"] for r in paid) == 363_300_000_000
    september = api.get("/api/v1/budget/disbursements/", {"period": world.months[9].pk}).json()["results"]
    assert sorted(r["amount"] for r in september) == [14_900_000_000, 325_400_000_000]


def test_a_unit_client_reads_its_own_lines_and_totals_only(world, make_client):
    _, api = make_client(unit=world.unit_b)
    lines = api.get("/api/v1/budget/lines/").json()["results"]
    assert {r["unit"] for r in lines} == {world.unit_b.pk}
    data = api.get("/api/v1/budget/rollups/", {"by": "unit", "year": 2025}).json()
    assert data["totals"] == {"allocated": 16 * TY, "disbursed": 3 * TY, "rate": 18.75}
    assert [r["label"] for r in data["rows"]] == ["Sở Tài chính"]
    other = api.get("/api/v1/budget/lines/", {"unit": world.unit_a.pk})
    assert other.status_code == 404  # another unit: as a missing one
    line_a = world.lead_a.allocations.first()
    assert api.get(f"/api/v1/budget/lines/{line_a.pk}/").status_code == 404


def test_bad_filters_are_refused_with_the_reason(world, make_client):
    _, api = make_client()
    assert api.get("/api/v1/budget/rollups/").json() == {
        "by": ["Bắt buộc; chọn một trong: section, unit, kind, level."]
    }
    assert "year" in api.get("/api/v1/budget/rollups/", {"by": "kind", "year": "năm nay"}).json()
    assert "as_of" in api.get("/api/v1/budget/rollups/", {"by": "kind", "as_of": "30/06/2025"}).json()


def test_a_figures_only_scope_is_enough_and_amounts_are_whole_dong(world, make_client):
    _, api = make_client()
    line = api.get("/api/v1/budget/lines/").json()["results"][0]
    assert isinstance(line["allocated"], int) and isinstance(line["disbursed"], int)
    assert (
        Decimal(line["allocated"]) == world.lead_a.allocations.get(pk=line["id"]).adjustments.first().amount
    )

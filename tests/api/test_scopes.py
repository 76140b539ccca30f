"""What each client reads: a province client everything in force, a unit client its unit's share,
texts only with the texts scope; everything else answers the 404 of a missing id."""

import pytest

from api.models import Scope
from tests.api.world import api_world

pytestmark = pytest.mark.django_db

MISSING = 2_000_000


@pytest.fixture
def world(db):
    return api_world()


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_province_client_reads_every_plan_in_force_but_no_draft(world, make_client):
    _, http = make_client()
    assert _ids(http.get("/api/v1/plans/")) == [world.plan.pk]
    assert http.get(f"/api/v1/plans/{world.draft.pk}/").status_code == 404
    detail = http.get(f"/api/v1/plans/{world.plan.pk}/").json()
    assert detail["sections"][0]["general_tasks"][0]["code"]
    assert sorted(_ids(http.get("/api/v1/assignments/?role=lead"))) == sorted(
        [world.lead_a.pk, world.lead_b.pk]
    )


def test_a_unit_client_reads_its_units_share(world, make_client):
    _, http = make_client(unit=world.unit_b)
    assert _ids(http.get("/api/v1/assignments/")) == [world.lead_b.pk]
    assert _ids(http.get("/api/v1/progress-reports/")) == [world.report_b.pk]
    assert _ids(http.get("/api/v1/red-flags/")) == [world.flag_b.pk]
    assert _ids(http.get("/api/v1/units/")) == [world.unit_b.pk]
    figures = http.get("/api/v1/figures/units/").json()
    assert [u["unit"] for u in figures["units"]] in ([], [world.unit_b.pk])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/assignments/{lead_a}/",
        "/api/v1/progress-reports/{report_a}/",
        "/api/v1/units/{unit_a}/",
        "/api/v1/assignments/?unit={unit_a}",
        "/api/v1/figures/units/?unit={unit_a}",
    ],
)
def test_another_units_data_answers_as_a_missing_id(world, make_client, path):
    _, http = make_client(unit=world.unit_b)
    ids = {"lead_a": world.lead_a.pk, "report_a": world.report_a.pk, "unit_a": world.unit_a.pk}
    theirs = http.get(path.format(**ids))
    missing = http.get(path.format(**dict.fromkeys(ids, MISSING)))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_a_draft_plan_answers_as_a_missing_one(world, make_client):
    _, http = make_client()
    theirs = http.get(f"/api/v1/subtasks/?plan={world.draft.pk}")
    missing = http.get(f"/api/v1/subtasks/?plan={MISSING}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_texts_only_with_the_texts_scope(world, make_client):
    _, figures = make_client(scopes=[Scope.FIGURES])
    _, both = make_client(scopes=[Scope.FIGURES, Scope.TEXTS], name="Hệ thống quốc gia")
    url = f"/api/v1/progress-reports/{world.report_a.pk}/"
    assert figures.get(url).json()["texts"] is None
    texts = both.get(url).json()["texts"]
    assert texts["results"] == world.report_a.results
    assert "“rà soát”" in texts["results"]  # Vietnamese text and quotes as written, UTF-8
    assert figures.get(url + "texts/").status_code == 404
    assert both.get(url + "texts/").json()["difficulties"] == "Thiếu kinh phí"


def test_filters_and_changed_since(world, make_client):
    _, http = make_client()
    assert _ids(http.get(f"/api/v1/progress-reports/?period={world.period.pk}&unit={world.unit_a.pk}")) == [
        world.report_a.pk
    ]
    assert _ids(http.get("/api/v1/red-flags/?status=open&kind=overdue")) == [world.flag_b.pk]
    assert _ids(http.get("/api/v1/red-flags/?changed_since=2026-11-26T00:00:00%2B07:00")) == []
    assert _ids(http.get("/api/v1/red-flags/?changed_since=2026-11-25T08:00:00%2B07:00")) == [world.flag_b.pk]
    bad = http.get("/api/v1/red-flags/?changed_since=hôm-qua")
    assert bad.status_code == 400 and "ISO 8601" in bad.json()["changed_since"][0]


def test_lists_are_paged_by_cursor(world, make_client):
    _, http = make_client()
    first = http.get("/api/v1/assignments/?page_size=1").json()
    assert len(first["results"]) == 1 and first["next"]
    second = http.get(first["next"]).json()
    assert second["results"][0]["id"] != first["results"][0]["id"]
    assert http.get("/api/v1/assignments/?page_size=0").status_code == 400


@pytest.mark.parametrize("raw", ["0259-06-24T06:25:40+20:33", "0001-01-01T00:00:00+05:00", "0001-01-01"])
def test_a_changed_since_outside_what_the_database_takes_is_read_or_refused_never_a_server_error(
    raw, make_client
):
    _, api = make_client()
    response = api.get("/api/v1/subtasks/", {"changed_since": raw})
    assert response.status_code in (200, 400), response.content

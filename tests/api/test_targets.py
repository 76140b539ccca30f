"""Plan targets and their values through the API: the targets app's own selectors, so the figures equal
the targets page's, the dashboard's and the official report's; approved values only, texts with the
texts scope, a unit client its own targets and values, everything else the 404 of a missing id."""

import datetime
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import Scope
from budget.money import vn_number
from reports.assembly import assemble, resolve_scope
from targets.selectors import figure
from targets.services import target_save, target_value_approve, target_value_report, target_value_return
from tests.factories import UserFactory
from tests.reports.dashboard_world import NO_CACHE
from tests.targets.world import NOW, World, evidence
from units.models import Role

pytestmark = pytest.mark.django_db

SEPTEMBER = timezone.make_aware(datetime.datetime(2025, 9, 15, 9, 0))


@pytest.fixture
def world(clock, settings):
    settings.CACHES = NO_CACHE
    settings.EVIDENCE_CLAMD_SOCKET = settings.EVIDENCE_CLAMD_HOST = ""  # no scanner configured
    clock.set(NOW)
    world = World()
    world.share = world.share_target()  # 1.1.5, unit A: ≥ 80% by 1/1/2026 from 20% on 1/1/2025
    world.count = world.count_target()  # 1.2.1, units A and B, per period: 3 by 30/9/2026
    # June to August reported and decided by 15/9 (before September's cut-off), September on 15/10.
    for target, unit, m, figures, decision, when in (
        (world.share, world.unit_a, 8, {"numerator": D(900), "denominator": D(2000)}, "approve", SEPTEMBER),
        (world.share, world.unit_a, 9, {"numerator": D(1290), "denominator": D(2060)}, "approve", NOW),
        (world.share, world.unit_a, 10, {"numerator": D(1500), "denominator": D(2060)}, None, NOW),
        (world.count, world.unit_b, 6, {"value": D(2)}, "approve", SEPTEMBER),
        (world.count, world.unit_a, 7, {"value": D(1)}, "approve", SEPTEMBER),
        (world.count, world.unit_b, 8, {"value": D(1)}, "return", SEPTEMBER),
    ):
        row = target_value_report(
            target=target, unit=unit, period=world.months[m], uploads=[evidence(text=f"{target.code} {m}")],
            note=f"Cách tính tháng {m}", actor=world.secretariat, now=when, **figures,
        )  # fmt: skip
        if decision == "approve":
            target_value_approve(target_value=row, reviewer=world.reviewer, note="Khớp số liệu", now=when)
        elif decision == "return":
            target_value_return(
                target_value=row, reviewer=world.reviewer, reason_code="other", reason_text="Thiếu văn bản",
                now=when,
            )  # fmt: skip
    return world


def _targets(api, **query):
    answer = api.get("/api/v1/targets/", query)
    assert answer.status_code == 200, answer.content
    return {row["code"]: row for row in answer.json()["results"]}


def _figure(value, measure):
    return figure(D(str(value)), measure)


def test_a_target_with_its_definition(world, make_client):
    _, api = make_client()
    share = _targets(api, plan=world.plan.pk)["1.1.5"]
    assert share["measure"] == "%" and share["is_share"] and share["direction"] == "at_least"
    assert share["accumulation"] == "cumulative" and share["data_source"] == "Cổng Dịch vụ công quốc gia"
    assert share["baseline"] == {"value": 20.0, "date": "2025-01-01"}
    assert share["milestones"] == [
        {"value": 80.0, "due_date": "2026-01-01"},
        {"value": 100.0, "due_date": "2030-12-31"},
    ]
    assert share["units"] == [{"id": world.unit_a.pk, "name": "Văn phòng UBND tỉnh"}]
    standing = share["standing"]
    assert standing["as_of"] == "2025-10-15"  # today: the values of the periods ended by then
    assert (standing["value"], standing["numerator"], standing["denominator"]) == (62.6214, 1290.0, 2060.0)
    assert standing["value_as_of"] == "2025-09-30" and standing["state"] == "behind"
    assert standing["goal"] == {"value": 80.0, "due_date": "2026-01-01", "reached": False, "passed": False}


def test_the_figures_equal_the_dashboard_the_targets_page_and_the_report(world, make_client):
    _, api = make_client()
    leader = Client()
    leader.force_login(UserFactory(username="lanh-dao", unit=None, roles=[Role.LEADERSHIP]))

    # The dashboard of October, and the API read at the end of that month (nothing approved since).
    board = leader.get("/reports/dashboard/", {"plan": world.plan.pk, "period": "2025-10"})
    assert board.status_code == 200
    card = {row["code"]: row for row in board.context["targets"]["rows"]}
    listed = _targets(api, plan=world.plan.pk, as_of=world.months[10].end.isoformat())
    assert set(card) == set(listed) == {"1.1.5", "1.2.1"}
    for code, row in listed.items():
        standing = row["standing"]
        assert standing["as_of"] == "2025-10-31"
        assert _figure(standing["value"], row["measure"]) == card[code]["value"], code
        assert _figure(standing["expected"], row["measure"]) == card[code]["expected"], code
        assert standing["state"] == card[code]["standing"], code
    assert card["1.1.5"]["standing"] == "behind" and card["1.2.1"]["standing"] == "reached"

    # The plan's targets page, today.
    page = leader.get(reverse("targets:plan", args=[world.plan.pk]))
    shown = {t.code: t.state for t in page.context["targets"]}
    today = _targets(api, plan=world.plan.pk)
    for code, state in shown.items():
        standing = today[code]["standing"]
        assert D(str(standing["value"])) == state.achieved.value, code
        assert standing["value_as_of"] == state.achieved.as_of.isoformat(), code
        assert (standing["behind"], standing["reached"]) == (state.behind, state.reached), code
        assert [m["reached"] for m in standing["milestones"]] == [m.reached for m in state.milestones], code

    # The official report of September, and the API as of its cut-off.
    scope = resolve_scope(kind="monthly", period=world.months[9], plan=world.plan)
    report = {row["code"]: row for row in assemble(scope)["targets"]}
    at_cutoff = _targets(api, plan=world.plan.pk, as_of=scope.cutoff.isoformat())
    assert set(report) == set(at_cutoff)
    for code, row in at_cutoff.items():
        standing = row["standing"]
        text = _figure(standing["value"], row["measure"])
        if standing["denominator"]:
            numerator, denominator = (vn_number(D(str(standing[k])), 2) for k in ("numerator", "denominator"))
            text += f" ({numerator}/{denominator})"
        assert text == report[code]["value"], code
        assert standing["value_as_of"] == report[code]["as_of"], code
        assert standing["behind"] == report[code]["behind"], code
        assert standing["reached"] == (report[code]["verdict"] in ("đạt chỉ tiêu", "vượt chỉ tiêu")), code
    # September's value was approved on 15/10, after the cut-off: neither the report nor the API of
    # that day counts it.
    assert report["1.1.5"]["value"] == "45% (900/2.000)" and report["1.1.5"]["as_of"] == "2025-08-31"
    assert at_cutoff["1.2.1"]["standing"]["value"] == 3.0
    assert listed["1.1.5"]["standing"]["value"] == 62.6214


def test_values_are_the_approved_ones_with_texts_only_for_the_texts_scope(world, make_client):
    _, figures_only = make_client()
    values = figures_only.get("/api/v1/target-values/", {"plan": world.plan.pk}).json()["results"]
    assert sorted((v["period_label"], v["unit"], v["value"]) for v in values) == sorted(
        [
            (world.months[8].label, world.unit_a.pk, 45.0),
            (world.months[9].label, world.unit_a.pk, 62.6214),
            (world.months[6].label, world.unit_b.pk, 2.0),
            (world.months[7].label, world.unit_a.pk, 1.0),
        ]
    )
    assert {v["status"] for v in values} == {"approved"} and all(v["texts"] is None for v in values)
    _, with_texts = make_client(scopes=[Scope.FIGURES, Scope.TEXTS])
    one = with_texts.get(f"/api/v1/target-values/{values[0]['id']}/").json()
    month = int(one["period_end"][5:7])
    assert one["texts"] == {"note": f"Cách tính tháng {month}", "review_note": "Khớp số liệu"}
    # Waiting for review or returned: not a figure, not found.
    from targets.models import TargetValue, ValueStatus

    for row in TargetValue.objects.exclude(status=ValueStatus.APPROVED):
        assert with_texts.get(f"/api/v1/target-values/{row.pk}/").status_code == 404


def test_a_unit_client_reads_its_own_targets_and_values_only(world, make_client):
    _, api = make_client(unit=world.unit_b)
    assert list(_targets(api)) == ["1.2.1"]
    values = api.get("/api/v1/target-values/").json()["results"]
    assert [(v["unit"], v["value"]) for v in values] == [(world.unit_b.pk, 2.0)]
    mine = _targets(api)["1.2.1"]["standing"]
    assert mine["value"] == 3.0  # the target's figure, as the unit's dashboard shows it: both units' values
    # Another unit's target, value or unit answers as a missing id.
    assert api.get(f"/api/v1/targets/{world.share.pk}/").status_code == 404
    theirs = next(v for v in world.count.values.all() if v.unit_id == world.unit_a.pk)
    assert api.get(f"/api/v1/target-values/{theirs.pk}/").status_code == 404
    assert api.get("/api/v1/target-values/", {"unit": world.unit_a.pk}).status_code == 404
    assert api.get("/api/v1/target-values/", {"target": world.share.pk}).status_code == 404
    assert api.get(f"/api/v1/targets/{world.count.pk}/").status_code == 200


def test_filters_and_changed_since(world, make_client):
    _, api = make_client()
    assert list(_targets(api, unit=world.unit_b.pk)) == ["1.2.1"]
    by_period = api.get("/api/v1/target-values/", {"period": world.months[9].pk}).json()["results"]
    assert [v["target"] for v in by_period] == [world.share.pk]
    by_target = api.get("/api/v1/target-values/", {"target": world.count.pk, "unit": world.unit_a.pk}).json()
    assert [v["value"] for v in by_target["results"]] == [1.0]

    later = NOW + datetime.timedelta(days=1)
    since = {"changed_since": later.isoformat()}
    assert _targets(api, **since) == {}
    assert api.get("/api/v1/target-values/", since).json()["results"] == []
    # A value approved later changes its target's figure: both are listed as changed.
    row = world.share.values.get(period=world.months[10])
    target_value_approve(target_value=row, reviewer=world.reviewer, now=later)
    assert list(_targets(api, **since)) == ["1.1.5"]
    assert [v["id"] for v in api.get("/api/v1/target-values/", since).json()["results"]] == [row.pk]
    # So does a target saved again.
    target_save(
        target=world.count, plan=world.plan, code="1.2.1", text="Ban hành 03 cơ chế chính sách",
        measure="cơ chế chính sách", accumulation="per_period", milestones=[(D(3), datetime.date(2026, 6, 30))],
        units=[world.unit_a, world.unit_b], actor=world.secretariat, now=later,
    )  # fmt: skip
    assert sorted(_targets(api, **since)) == ["1.1.5", "1.2.1"]


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/targets/", {"as_of": "30/9/2025"}, "as_of"),
        ("/api/v1/target-values/", {"period": "0"}, "period"),
        ("/api/v1/target-values/", {"target": "abc"}, "target"),
        ("/api/v1/target-values/", {"changed_since": "hôm qua"}, "changed_since"),
    ],
)
def test_bad_filters_are_refused_with_the_reason(world, make_client, path, query, field):
    _, api = make_client()
    query = {k: v.format(period=world.months[9].pk) for k, v in query.items()}
    answer = api.get(path, query)
    assert answer.status_code == 400 and list(answer.json()) == [field]


def test_the_queries_do_not_grow_with_the_targets(world, make_client, django_assert_max_num_queries):
    _, api = make_client()
    with django_assert_max_num_queries(14) as few:
        _targets(api)
    for n in range(12):
        world.count_target(code=f"9.{n}", units=[world.unit_b])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_targets(api)) == 14

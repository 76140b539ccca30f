"""A plan through the API as it stood at a date (`as_of`), read by the selectors the official report
reads a plan at its cut-off with (tasks.selectors.subtasks_as_of); sub-tasks an amendment removed are
not listed as current."""

import datetime

import pytest
from django.utils import timezone

from kpis.models import Period, PeriodKind
from kpis.services import periods_ensure
from reports.assembly import assemble, resolve_scope
from tasks.importing import read_and_resolve
from tasks.models import Plan, SubTask
from tasks.selectors import subtask_ids_as_of, subtasks_as_of
from tasks.services import plan_import_apply
from tests.tasks._import_helpers import load_registry, write_xlsx

pytestmark = pytest.mark.django_db

SCIENCE, FINANCE, JUSTICE = "Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Tư pháp"


def at(y, m, d, hour=9):
    return timezone.make_aware(datetime.datetime(y, m, d, hour, 0))


def original():
    return [
        ["I. Về chuyển đổi số"],
        ["1. Nhiệm vụ tổng quát một", "1.1 Số hoá hồ sơ", "Báo cáo", "100% hồ sơ", SCIENCE, FINANCE, "31/12/2025"],
        [None, "1.2 Xây dựng cơ sở dữ liệu", "Cơ sở dữ liệu", "01 CSDL", SCIENCE, "", "31/03/2026"],
        ["II. Về khoa học, công nghệ"],
        ["2. Nhiệm vụ tổng quát hai", "2.1 Ban hành quy chế", "Quy chế", "01 quy chế", FINANCE, "", "15/01/2026"],
    ]  # fmt: skip


def amended():
    """1.2 removed; 1.1's KPI and general task 1's title changed; 2.1 renamed and given a later
    deadline; a general task 3 with 3.1 added."""
    return [
        ["I. Về chuyển đổi số"],
        ["1. Nhiệm vụ tổng quát một (sửa đổi)", "1.1 Số hoá hồ sơ", "Báo cáo", "100% hồ sơ, giấy tờ", SCIENCE, FINANCE, "31/12/2025"],
        ["II. Về khoa học, công nghệ"],
        ["2. Nhiệm vụ tổng quát hai", "2.1 Ban hành quy chế mới", "Quy chế", "01 quy chế", FINANCE, "", "30/06/2026"],
        ["3. Nhiệm vụ tổng quát ba", "3.1 Đào tạo cán bộ", "Lớp học", "100 người", JUSTICE, "", "31/12/2026"],
    ]  # fmt: skip


def _import(tmp_path, name, rows, plan=None, now=None, **kw):
    data = read_and_resolve(write_xlsx(tmp_path / name, rows))
    return plan_import_apply(plan_data=data, plan=plan, actor=None, title="Kế hoạch 07", now=now, **kw)[0]


@pytest.fixture
def plan(tmp_path):
    """In force since 01/11/2025; amended by 125/KH-BCĐ, recorded on 07/12/2026 at 10:00."""
    load_registry()
    plan = _import(tmp_path, "v1.xlsx", original(), now=at(2025, 10, 20))
    Plan.objects.filter(pk=plan.pk).update(status="in_force", issue_date=datetime.date(2025, 11, 1))
    plan.refresh_from_db()
    periods_ensure(now=at(2026, 12, 25), plan=plan)
    _import(
        tmp_path,
        "v2.xlsx",
        amended(),
        plan=plan,
        amendment_number="125/KH-BCĐ",
        amendment_date=datetime.date(2026, 12, 5),
        now=at(2026, 12, 7, 10),
    )
    return plan


def _subtasks(api, **query):
    answer = api.get("/api/v1/subtasks/", query)
    assert answer.status_code == 200, answer.content
    return {row["code"]: row for row in answer.json()["results"]}


def test_a_removed_subtask_is_not_listed_as_current(plan, make_client):
    _, api = make_client()
    current = _subtasks(api, plan=plan.pk)
    assert sorted(current) == ["1.1", "2.1", "3.1"]
    assert all(row["removed_at"] is None for row in current.values())
    assert current["2.1"]["title"] == "Ban hành quy chế mới" and current["2.1"]["deadline"] == "2026-06-30"
    removed = _subtasks(api, plan=plan.pk, removed="true")
    assert list(removed) == ["1.2"] and removed["1.2"]["removed_at"].startswith("2026-12-07T10:00")
    # Its own id still answers (reports and assignments point to it), saying it was removed.
    one = api.get(f"/api/v1/subtasks/{removed['1.2']['id']}/").json()
    assert one["removed_at"] is not None
    # A client syncing by changed_since learns of the removal.
    since = _subtasks(api, plan=plan.pk, removed="true", changed_since="2026-12-07T00:00:00+07:00")
    assert list(since) == ["1.2"]


def test_subtasks_as_of_a_day_before_the_amendment(plan, make_client):
    _, api = make_client()
    before = _subtasks(api, plan=plan.pk, as_of="2026-12-06")
    assert sorted(before) == ["1.1", "1.2", "2.1"]
    assert before["2.1"]["title"] == "Ban hành quy chế" and before["2.1"]["deadline"] == "2026-01-15"
    assert before["1.2"]["removed_at"] is None
    assert [(k["id"], k["text"]) for k in before["1.1"]["kpis"]] == [(None, "100% hồ sơ")]
    # The amendment was recorded on the 7th: the plan as of that day is the amended one.
    on_the_day = _subtasks(api, plan=plan.pk, as_of="2026-12-07")
    assert sorted(on_the_day) == ["1.1", "2.1", "3.1"]
    assert [k["text"] for k in on_the_day["1.1"]["kpis"]] == ["100% hồ sơ, giấy tờ"]
    assert on_the_day["1.1"]["kpis"][0]["id"] is not None

    added = SubTask.objects.get(plan=plan, code="3.1")
    assert api.get(f"/api/v1/subtasks/{added.pk}/", {"as_of": "2026-12-06"}).status_code == 404
    gone = SubTask.objects.get(plan=plan, code="1.2")
    then = api.get(f"/api/v1/subtasks/{gone.pk}/", {"as_of": "2026-12-06"})
    assert then.status_code == 200 and then.json()["removed_at"] is None
    assert api.get(f"/api/v1/subtasks/{gone.pk}/", {"as_of": "2026-12-07"}).status_code == 404
    # What had been removed by a day.
    assert _subtasks(api, plan=plan.pk, as_of="2026-12-06", removed="true") == {}
    removed = _subtasks(api, plan=plan.pk, as_of="2026-12-07", removed="true")
    assert list(removed) == ["1.2"] and removed["1.2"]["removed_at"] is not None


def test_the_plan_as_of_a_day_with_its_sections_general_tasks_and_amendment(plan, make_client):
    _, api = make_client()
    now = api.get(f"/api/v1/plans/{plan.pk}/").json()
    assert now["amendment"]["number"] == "125/KH-BCĐ" and now["amendment"]["sequence"] == 1
    assert [(s["code"], [(t["code"], t["title"]) for t in s["general_tasks"]]) for s in now["sections"]] == [
        ("I", [("1", "Nhiệm vụ tổng quát một (sửa đổi)")]),
        ("II", [("2", "Nhiệm vụ tổng quát hai"), ("3", "Nhiệm vụ tổng quát ba")]),
    ]
    then = api.get(f"/api/v1/plans/{plan.pk}/", {"as_of": "2026-12-06"}).json()
    assert then["amendment"] is None
    assert [(s["code"], [(t["code"], t["title"]) for t in s["general_tasks"]]) for s in then["sections"]] == [
        ("I", [("1", "Nhiệm vụ tổng quát một")]),
        ("II", [("2", "Nhiệm vụ tổng quát hai")]),
    ]
    listed = api.get("/api/v1/plans/", {"as_of": "2026-12-06"}).json()["results"]
    assert [(p["id"], p["amendment"]) for p in listed] == [(plan.pk, None)]
    assert api.get("/api/v1/plans/").json()["results"][0]["amendment"]["number"] == "125/KH-BCĐ"


def test_the_subtasks_as_of_a_cut_off_are_the_official_reports(plan, make_client):
    """January's report, assembled after the amendment, and the API as of its cut-off name the same
    sub-tasks with the same titles and deadlines."""
    _, api = make_client()
    jan = Period.objects.get(plan=plan, kind=PeriodKind.MONTHLY, start=datetime.date(2026, 1, 1))
    inputs = assemble(resolve_scope(kind="monthly", period=jan, plan=plan))
    report = {r["code"]: r for s in inputs["appendix"] for r in s["rows"]}
    listed = _subtasks(api, plan=plan.pk, as_of=jan.cutoff.isoformat())
    assert set(listed) == set(report) == {"1.1", "1.2", "2.1"}
    for code, row in listed.items():
        assert row["deadline"] == report[code]["deadline"], code
        assert (row["title"], row["output"]) == (report[code]["subtask"], report[code]["output"]), code


def test_the_in_force_ids_are_those_subtasks_as_of_reads_in_force(plan):
    rows = SubTask.objects.filter(plan=plan)
    for moment in (at(2025, 10, 21), at(2026, 12, 7, 9), at(2026, 12, 7, 11)):
        facts = subtasks_as_of(ids=list(rows.values_list("pk", flat=True)), at=moment)
        for removed in (False, True):
            assert subtask_ids_as_of(rows=rows, at=moment, removed=removed) == sorted(
                pk for pk, f in facts.items() if f["closed"] == removed
            )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"as_of": "7/12/2026"}, "as_of"),
        ({"as_of": "2026-02-30"}, "as_of"),
        ({"removed": "maybe"}, "removed"),
    ],
)
def test_a_bad_as_of_is_refused_with_the_reason(plan, make_client, query, field):
    _, api = make_client()
    answer = api.get("/api/v1/subtasks/", query)
    assert answer.status_code == 400 and list(answer.json()) == [field]
    assert api.get(f"/api/v1/plans/{plan.pk}/", {"as_of": "hôm qua"}).json() == {
        "as_of": ["Ngày theo ISO 8601, ví dụ 2026-09-30."]
    }


def test_a_day_far_outside_the_plan_reads_as_before_or_after_everything(plan, make_client):
    _, api = make_client()
    assert _subtasks(api, plan=plan.pk, as_of="0001-01-01").keys() == {"1.1", "1.2", "2.1"}
    assert _subtasks(api, plan=plan.pk, as_of="9999-12-31").keys() == {"1.1", "2.1", "3.1"}

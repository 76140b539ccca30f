"""The province dashboard: every headline figure equals a count made independently from the rows."""

import calendar
import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kpis.flags import FlagKind, RedFlag, task_kinds
from kpis.models import AssignmentState, Period, PeriodKind, Status
from kpis.selectors import not_reported
from kpis.services import claim_approve
from reports.dashboard.summary import summary_refresh
from tasks.models import Assignment, AssignmentRole, Plan, PlanStatus
from tests.factories import UserFactory
from tests.reports.dashboard_world import (
    LOCAL_CACHE,
    NO_CACHE,
    client_for,
    leader_client_for,
    make_data,
    staff_of,
)
from units.models import Role, Unit, UnitKind

# Built as of dashboard_world.NOW, and the pages read that day too: the same figures on any day.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

URL = "/reports/dashboard/"


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """No cache at all: every figure below is read from the database by the request that shows it."""
    settings.CACHES = NO_CACHE


@pytest.fixture
def small_data(db):
    return make_data("small")


@pytest.fixture
def leader_client(db):
    return leader_client_for()


def leads(**filters):
    """Lead assignments of plans in force, the population every figure counts (plain ORM)."""
    return Assignment.objects.filter(
        role=AssignmentRole.LEAD, subtask__plan__status=PlanStatus.IN_FORCE, **filters
    )


def status_q(status):
    if status == Status.NOT_STARTED:
        return Q(state__isnull=True) | Q(state__status=Status.NOT_STARTED)
    return Q(state__status=status)


def independent_counts(*, plan=None, kind=None, month=None):
    base = {}
    if plan:
        base["subtask__plan"] = plan
    if kind:
        base["unit__kind"] = kind
    today = timezone.localdate()
    counts = {"assigned": leads(**base).count()}
    for status in Status.values:
        counts[status] = leads(**base).filter(status_q(status)).count()
    counts["completed_on_time"] = (
        leads(**base).filter(state__status=Status.COMPLETED, state__completed_on_time=True).count()
    )
    counts["overdue"] = (
        leads(**base)
        .filter(subtask__ongoing=False, subtask__deadline__lt=today)
        .exclude(state__status=Status.COMPLETED)
        .count()
    )
    flag_filter = {}
    if plan:
        flag_filter["subtask__plan"] = plan
    if kind:
        flag_filter["unit__kind"] = kind
    # Flagged assignments, each under its most severe open flag (one picture per assignment).
    severity = {FlagKind.OVERDUE: 1, FlagKind.QUALITY: 2, FlagKind.LAGGING: 3, FlagKind.NO_REPORT: 4}
    top = {}
    open_flags = RedFlag.objects.filter(resolved_at__isnull=True, **flag_filter)
    for assignment_id, flag_kind in open_flags.values_list("assignment_id", "kind"):
        if assignment_id not in top or severity[flag_kind] < severity[top[assignment_id]]:
            top[assignment_id] = flag_kind
    for flag_kind in task_kinds():  # a target's flags are not on the assignments' rows
        counts[f"flags_{flag_kind}"] = sum(1 for k in top.values() if k == flag_kind)
    counts["flags"] = len(top)
    # Reports missing: kpis' own "not reported" list of each plan's period of that month.
    missing = 0
    periods = Period.objects.filter(
        kind=PeriodKind.MONTHLY,
        plan__status=PlanStatus.IN_FORCE,
        start__lte=month.replace(day=calendar.monthrange(month.year, month.month)[1]),
        end__gte=month,
    )
    if plan:
        periods = periods.filter(plan=plan)
    for period in periods:
        _by_unit, rows = not_reported(period=period)
        if kind:
            rows = rows.filter(unit__kind=kind)
        missing += rows.count()
    counts["missing"] = missing
    return counts


def independent_subtask_counts(*, plan=None, kind=None):
    """Each sub-task's status from its lead assignments, as kpis' Rollup.status words it."""
    per_subtask = {}
    rows = leads(**({"subtask__plan": plan} if plan else {}), **({"unit__kind": kind} if kind else {}))
    for subtask_id, status in rows.values_list("subtask_id", "state__status"):
        per_subtask.setdefault(subtask_id, []).append(status or Status.NOT_STARTED)
    counts = dict.fromkeys(
        [Status.NOT_STARTED, Status.IN_PROGRESS, Status.AWAITING_REVIEW, Status.COMPLETED], 0
    )
    for statuses in per_subtask.values():
        if all(s == Status.COMPLETED for s in statuses):
            counts[Status.COMPLETED] += 1
        elif all(s == Status.NOT_STARTED for s in statuses):
            counts[Status.NOT_STARTED] += 1
        elif all(s in (Status.COMPLETED, Status.AWAITING_REVIEW) for s in statuses):
            counts[Status.AWAITING_REVIEW] += 1
        else:
            counts[Status.IN_PROGRESS] += 1
    counts["total"] = len(per_subtask)
    return counts


def assert_headline(totals, expected):
    for key, value in expected.items():
        assert totals[key] == value, f"{key}: dashboard {totals[key]} ≠ counted {value}"


def test_it_shows_figures_equal_to_independent_counts(small_data, leader_client):
    response = leader_client.get(URL)
    assert response.status_code == 200
    scope = response.context["scope"]
    expected = independent_counts(month=scope.month)
    # The data set is not trivial: every figure is tested on something.
    assert expected["assigned"] > 50 and expected[Status.COMPLETED] > 0 and expected["overdue"] > 0
    assert expected["flags"] > 0 and expected["missing"] > 0 and expected[Status.AWAITING_REVIEW] >= 0
    assert_headline(response.context["totals"], expected)
    assert response.context["subtasks"] == independent_subtask_counts()
    html = response.content.decode()
    # Each headline figure links to the list it counts.
    lists = reverse("reports:dashboard_list")
    for query in (
        "&status=completed",
        "&on_time=1",
        "&overdue=1",
        "&status=awaiting_review",
        "&flag=any",
        "&missing=1",
    ):
        assert f'href="{lists}?period={scope.month:%Y-%m}{query}"' in html, query


def test_it_counts_the_same_under_filters(small_data, leader_client):
    plan = Plan.objects.order_by("pk").last()
    for params, plan_filter, kind in [
        ({"plan": plan.pk}, plan, None),
        ({"kind": UnitKind.COMMUNE}, None, UnitKind.COMMUNE),
        ({"plan": plan.pk, "kind": UnitKind.DEPARTMENT}, plan, UnitKind.DEPARTMENT),
    ]:
        response = leader_client.get(URL, params)
        scope = response.context["scope"]
        assert (scope.plan, scope.kind) == (plan_filter, kind or "")
        assert_headline(
            response.context["totals"], independent_counts(plan=plan_filter, kind=kind, month=scope.month)
        )
        assert response.context["subtasks"] == independent_subtask_counts(plan=plan_filter, kind=kind)


def test_a_section_filter_counts_the_section_only(small_data, leader_client):
    plan = Plan.objects.order_by("pk").first()
    section = plan.sections.order_by("order").last()
    response = leader_client.get(URL, {"plan": plan.pk, "section": section.pk})
    assert response.context["scope"].section == section
    assert response.context["totals"]["assigned"] == leads(subtask__general_task__section=section).count()
    assert response.context["totals"][Status.COMPLETED] == (
        leads(subtask__general_task__section=section, state__status=Status.COMPLETED).count()
    )


def test_the_period_filter_changes_the_missing_reports_month(small_data, leader_client):
    first = leader_client.get(URL).context["scope"]
    older = first.months[-1]
    response = leader_client.get(URL, {"period": f"{older:%Y-%m}"})
    assert response.context["scope"].month == older
    assert response.context["totals"]["missing"] == independent_counts(month=older)["missing"]


def test_unapproved_completion_is_not_counted(small_data, leader_client):
    now = timezone.now()
    candidate = leads().filter(status_q(Status.IN_PROGRESS)).first()
    AssignmentState.objects.filter(assignment=candidate).update(
        status=Status.AWAITING_REVIEW, latest_completion=Decimal(100), claimed_at=now, updated_at=now
    )
    summary_refresh(now=now)
    before = leader_client.get(URL).context["totals"]
    assert before[Status.COMPLETED] == leads(state__status=Status.COMPLETED).count()
    assert before[Status.AWAITING_REVIEW] == leads(state__status=Status.AWAITING_REVIEW).count()
    # At 100 % but awaiting review: not completed, not on time, still overdue if past the deadline.
    reviewer = UserFactory(username="reviewer-test", unit=None, roles=[Role.REVIEWER])
    claim_approve(assignment=candidate, reviewer=reviewer, now=now)
    summary_refresh(now=now)
    after = leader_client.get(URL).context["totals"]
    assert after[Status.COMPLETED] == before[Status.COMPLETED] + 1
    assert after[Status.AWAITING_REVIEW] == before[Status.AWAITING_REVIEW] - 1


def test_unit_staff_get_404_on_the_province_dashboard(small_data):
    unit = Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("name").first()
    for role in (Role.STAFF, Role.HEAD):
        client = client_for(staff_of(unit, role))
        assert client.get(URL).status_code == 404
        assert client.get(reverse("reports:dashboard_list")).status_code == 200  # their own unit's list
    for role in (Role.LEADERSHIP, Role.REVIEWER, Role.SECRETARIAT):
        user = UserFactory(username=f"reader-{role}", unit=None, roles=[role])
        assert client_for(user).get(URL).status_code == 200


def test_anonymous_is_sent_to_login(small_data, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_unit_head_sees_their_unit_and_its_place(small_data):
    unit = Unit.objects.filter(kind=UnitKind.COMMUNE).order_by("name").first()
    other = Unit.objects.filter(kind=UnitKind.COMMUNE).order_by("name").last()
    client = client_for(staff_of(unit, Role.HEAD))
    response = client.get(reverse("reports:my_unit_dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:unit_dashboard", args=[unit.pk]
    )
    response = client.get(response["Location"])
    assert response.status_code == 200
    mine = response.context["mine"]
    assert mine["unit_id"] == unit.pk
    assert response.context["totals"]["assigned"] == leads(unit=unit).count()
    assert (
        response.context["totals"][Status.COMPLETED]
        == leads(unit=unit, state__status=Status.COMPLETED).count()
    )
    assert 1 <= mine["rank"] <= response.context["ranked_total"]
    assert f"{mine['rank']}/{response.context['ranked_total']}" in response.content.decode()
    # Another unit's dashboard and lists answer like a unit that does not exist.
    assert client.get(reverse("reports:unit_dashboard", args=[other.pk])).status_code == 404
    assert client.get(reverse("reports:dashboard_list"), {"unit": other.pk}).status_code == 404
    assert client.get(reverse("reports:unit_dashboard", args=[2_000_000])).status_code == 404


def test_the_ranking_is_worst_first_and_sortable(small_data, leader_client):
    rows = leader_client.get(URL).context["ranking"]
    ranks = [r["rank"] for r in rows]
    assert ranks == sorted(ranks, reverse=True)  # the worst (highest rank number) first
    rates = [r["rate"] or 0 for r in rows]
    assert rates == sorted(rates)
    overdue = [r["overdue"] for r in leader_client.get(URL, {"sort": "overdue"}).context["ranking"]]
    assert overdue == sorted(overdue, reverse=True)
    names = [r["name"] for r in leader_client.get(URL, {"sort": "name"}).context["ranking"]]
    assert names == sorted(names)
    # Per unit, the ranking's numbers are the unit's own counts.
    row = rows[0]
    assert row["assigned"] == leads(unit_id=row["unit_id"]).count()
    assert row["overdue"] == (
        leads(unit_id=row["unit_id"], subtask__ongoing=False, subtask__deadline__lt=timezone.localdate())
        .exclude(state__status=Status.COMPLETED)
        .count()
    )


def test_filters_answer_htmx_with_the_fragment_only(small_data, leader_client):
    plan = Plan.objects.order_by("pk").first()
    response = leader_client.get(URL, {"plan": plan.pk}, headers={"HX-Request": "true", "HX-Target": "board"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="f-plan"' in html and 'hx-push-url="true"' in html
    assert 'id="chart-progress-data" type="application/json"' in html
    ranking = leader_client.get(
        URL, {"sort": "flags"}, headers={"HX-Request": "true", "HX-Target": "ranking"}
    )
    assert "<form" not in ranking.content.decode() and "<table" in ranking.content.decode()
    # Without htmx, the same URL is the whole page (a shared link works).
    full = leader_client.get(URL, {"plan": plan.pk}).content.decode()
    assert "<html" in full and re.search(rf'<option value="{plan.pk}"\s+selected', full)


def test_the_table_by_item_comes_when_opened_with_every_number_linked(small_data, leader_client):
    """The bars' table (80 rows of links at province scale) is not sent with the page: opening it
    fetches it by htmx; ?table=items sends it with the page, opened (a plain link, no JavaScript)."""
    plan = Plan.objects.order_by("pk").first()
    page = leader_client.get(URL, {"plan": plan.pk})
    html = page.content.decode()
    items = page.context["items"]
    assert items and 'id="items-table-body"' in html and 'hx-trigger="intersect once"' in html
    assert f'href="{items[0]["label"]}' not in html and "&amp;general_task=" not in html
    fragment = leader_client.get(
        URL,
        {"plan": plan.pk, "table": "items"},
        headers={"HX-Request": "true", "HX-Target": "items-table-body"},
    )
    table = fragment.content.decode()
    assert "<html" not in table and "<form" not in table and table.count("<tr>") == len(items) + 1
    lists = reverse("reports:dashboard_list")
    for item in items:
        section, task = item["section_id"], item["general_task_id"]
        counted = leads(subtask__general_task_id=task)
        assert item["assigned"] == counted.count()
        assert item["completed"] == counted.filter(state__status=Status.COMPLETED).count()
        link = f"{lists}?plan={plan.pk}&amp;period={page.context['scope'].month:%Y-%m}&amp;section={section}&amp;general_task={task}"
        # Grouped by dots, as Vietnamese write numbers.
        assert f'<a href="{link}">{item["assigned"]:,}</a>'.replace(",", ".") in table
        assert f'<a href="{link}&status=completed">{item["completed"]:,}</a>'.replace(",", ".") in table
        listed = leader_client.get(lists, {"plan": plan.pk, "section": section, "general_task": task})
        assert listed.context["page"].paginator.count == item["assigned"]
    opened = leader_client.get(URL, {"plan": plan.pk, "table": "items"}).content.decode()
    assert "<html" in opened and re.search(r'<details class="chart-table" id="items-table"\s+open>', opened)
    assert 'id="items-table-body"' not in opened and opened.count("&amp;general_task=") >= len(items)


def test_unknown_filter_values_are_ignored(small_data, leader_client):
    response = leader_client.get(
        URL, {"plan": "x", "kind": "nope", "period": "1999-01", "sort": "drop", "section": "9"}
    )
    assert response.status_code == 200
    scope = response.context["scope"]
    default = leader_client.get(URL).context["scope"]
    assert scope.plan is None and scope.section is None and scope.kind == "" and scope.sort == "rank"
    assert scope.month == default.month


def test_each_linked_list_counts_what_the_number_says(small_data, leader_client):
    totals = leader_client.get(URL).context["totals"]
    lists = reverse("reports:dashboard_list")
    for params, key in [
        ({"status": "completed"}, Status.COMPLETED),
        ({"status": "awaiting_review"}, Status.AWAITING_REVIEW),
        ({"on_time": "1"}, "completed_on_time"),
        ({"overdue": "1"}, "overdue"),
        ({"flag": "overdue"}, None),
        ({"missing": "1"}, "missing"),
    ]:
        page = leader_client.get(lists, params).context["page"]
        if key:
            assert page.paginator.count == totals[key], params
    flagged = leader_client.get(lists, {"flag": "any"}).context["page"].paginator.count
    open_flags = RedFlag.objects.filter(resolved_at__isnull=True).values("assignment_id")
    assert flagged == leads().filter(pk__in=open_flags).count()
    sub = (
        leader_client.get(lists, {"level": "subtask", "status": "completed"}).context["page"].paginator.count
    )
    assert sub == leader_client.get(URL).context["subtasks"][Status.COMPLETED]


def test_the_flag_list_is_most_severe_then_oldest_first_with_numbers(small_data, leader_client):
    flags = leader_client.get(URL).context["flags"]
    assert flags
    ordered = RedFlag.objects.filter(resolved_at__isnull=True).by_severity()
    assert [f["id"] for f in flags] == list(ordered.values_list("pk", flat=True)[: len(flags)])
    html = leader_client.get(URL).content.decode()
    for shown in flags:
        flag = RedFlag.objects.select_related("unit", "subtask").get(pk=shown["id"])
        assert shown["text"] == flag.current_message() and shown["text"] in html
        assert reverse("tasks:subtask_detail", args=[flag.subtask_id]) in html
        assert shown["raised"] == f"{timezone.localtime(flag.raised_at):%d/%m/%Y}"
        assert shown["unit"] == (flag.unit.short_name or flag.unit.name)
        assert (shown["code"], shown["kind_label"]) == (flag.subtask.code, flag.get_kind_display())


def test_a_refresh_records_when_and_the_page_says_it(small_data, leader_client):
    later = timezone.now() + datetime.timedelta(minutes=1)
    summary_refresh(now=later)
    html = leader_client.get(URL).content.decode()
    assert timezone.localtime(later).strftime("%H:%M %d/%m/%Y") in html


def board(response) -> str:
    """The board of a page (the rest holds a CSRF token masked anew on every response)."""
    html = response.content.decode()
    return html[html.index('<div id="board"') : html.index("</main>")]


def test_a_board_is_rendered_on_every_request_from_the_summary_rows(small_data, leader_client, settings):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CACHES = LOCAL_CACHE
    cache.clear()
    candidate = leads(state__status=Status.AWAITING_REVIEW).first()
    plan = candidate.subtask.plan
    leader_client.get(URL, {"plan": plan.pk})  # the session's and the reference data's first reads
    with CaptureQueriesContext(connection) as first_queries:
        first = leader_client.get(URL, {"plan": plan.pk})
    with CaptureQueriesContext(connection) as again_queries:
        again = leader_client.get(URL, {"plan": plan.pk})
    assert board(first) == board(again)
    # No HTML cache: the second reader pays the same queries as the first (and no board is stored).
    assert len(again_queries) == len(first_queries)
    assert not [key for key in cache._cache if "dashboard-html" in key]
    assert again.context["totals"]["assigned"] == leads(subtask__plan=plan).count()
    other = leader_client.get(URL, {"plan": plan.pk, "kind": UnitKind.COMMUNE})
    assert (
        other.context["totals"]["assigned"] == leads(subtask__plan=plan, unit__kind=UnitKind.COMMUNE).count()
    )
    # The board reads the summary rows: an approval shows once the rows are rebuilt.
    reviewer = UserFactory(username="reviewer-cache", unit=None, roles=[Role.REVIEWER])
    claim_approve(assignment=candidate, reviewer=reviewer, now=timezone.now())
    summary_refresh(now=timezone.now() + datetime.timedelta(seconds=1))
    fresh = leader_client.get(URL, {"plan": plan.pk})
    assert (
        fresh.context["totals"][Status.COMPLETED]
        == leads(subtask__plan=plan, state__status=Status.COMPLETED).count()
    )


def test_a_group_without_members_that_leads_a_task_is_ranked_by_name_and_has_its_page(
    small_data, leader_client
):
    """The real appendix names "Cơ quan chủ quản CSDL", a group nobody belongs to: it is assigned the
    task itself, so its row in the ranking carries its name and its place links to a page."""
    group = Unit.objects.create(name="Cơ quan chủ quản CSDL", kind=UnitKind.GROUP)
    subtask = leads().order_by("pk").first().subtask
    Assignment.objects.create(subtask=subtask, unit=group, role=AssignmentRole.LEAD)
    summary_refresh(now=timezone.now())
    rows = leader_client.get(URL, {"units": "all"}).context["ranking"]
    row = next(r for r in rows if r["unit_id"] == group.pk)
    assert row["name"] == "Cơ quan chủ quản CSDL" and row["assigned"] == 1
    assert all(r["name"] for r in rows)
    assert leader_client.get(f"/reports/dashboard/units/{group.pk}/").status_code == 200
    # A group with members stands for them: no page of its own.
    members_group = Unit.objects.filter(kind=UnitKind.GROUP).exclude(pk=group.pk).first()
    if members_group is not None:
        assert leader_client.get(f"/reports/dashboard/units/{members_group.pk}/").status_code == 404


def test_the_ranking_sorts_names_in_vietnamese_order(small_data, leader_client):
    from units.naming import vi_sort_key

    names = [r["name"] for r in leader_client.get(URL, {"sort": "name", "units": "all"}).context["ranking"]]
    assert names == sorted(names, key=vi_sort_key)


def test_the_flag_tile_its_kinds_and_their_lists_count_the_same_assignments(small_data, leader_client):
    """The tile counts flagged assignments, each under its most severe open flag: the kinds add up to
    it, and each number's list holds that many assignments."""
    totals = leader_client.get(URL).context["totals"]
    flagged = leads(pk__in=RedFlag.objects.filter(resolved_at__isnull=True).values("assignment_id"))
    assert totals["flags"] == flagged.count() > 0
    assert sum(totals[f"flags_{k}"] for k in task_kinds()) == totals["flags"]
    listed = leader_client.get(reverse("reports:dashboard_list"), {"flag": "any"})
    assert listed.context["page"].paginator.count == totals["flags"]
    for kind in task_kinds():
        page = leader_client.get(reverse("reports:dashboard_list"), {"flag": kind}).context["page"]
        assert page.paginator.count == totals[f"flags_{kind}"], kind


def test_the_completed_tile_counts_assignments_in_each_languages_grammar(small_data, leader_client, settings):
    total = leads().count()
    vi = leader_client.get(URL).content.decode()
    assert f"của {total:,} phân công".replace(",", ".") in vi
    leader_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = leader_client.get(URL).content.decode()
    assert f"of {total:,} assignments" in en


def test_the_overdue_list_downloads_every_row_it_counts(small_data, leader_client):
    lists = reverse("reports:dashboard_list")
    counted = leader_client.get(lists, {"overdue": "1"}).context["page"].paginator.count
    assert counted > 0
    response = leader_client.get(lists, {"overdue": "1", "export": "csv", "page": "2"})
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert table[0][0] == "Đơn vị chủ trì" and len(table) == 1 + counted
    assert "Hoàn thành" not in {row[5] for row in table[1:]}  # overdue: not completed
    sheet = openpyxl.load_workbook(
        io.BytesIO(leader_client.get(lists, {"overdue": "1", "export": "xlsx"}).content)
    ).active
    assert sheet.max_row == 1 + counted
    subtasks = leader_client.get(lists, {"level": "subtask", "status": "completed", "export": "csv"})
    assert b"".join(subtasks.streaming_content).decode().lstrip("\ufeff").startswith("Kế hoạch,Mã,")

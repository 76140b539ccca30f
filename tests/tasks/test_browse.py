"""The browsing pages: plan list, plan tree, sub-task page, export download."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.models import AssignmentRole
from tasks.views.browse import attachment_header, export_filename
from tests.factories import (
    AssignmentFactory,
    GeneralTaskFactory,
    KpiFactory,
    PlanFactory,
    SubTaskFactory,
    UnitFactory,
    UserFactory,
)
from units.models import Role

from ._browse_data import assign_group, build_plan, make_group, on

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    client.force_login(UserFactory())
    client.get(reverse("home"))  # the first request stamps the session's refresh time (one write)
    return client


def count_queries(client, url, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan_list", "plan_detail", "plan_export_xlsx", "subtask_detail"])
def test_it_sends_anonymous_users_to_login(client, name):
    plan, subtasks = build_plan(1)
    args = {"plan_list": [], "subtask_detail": [subtasks[0].pk]}.get(name, [plan.pk])
    url = reverse(f"tasks:{name}", args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_turns_away_an_inactive_user(client):
    plan, _ = build_plan(1)
    client.force_login(UserFactory(is_active=False))
    response = client.get(reverse("tasks:plan_detail", args=[plan.pk]))
    assert response.status_code == 302


def test_it_answers_404_for_a_plan_or_subtask_that_does_not_exist(reader):
    assert reader.get(reverse("tasks:plan_detail", args=[999999])).status_code == 404
    assert reader.get(reverse("tasks:subtask_detail", args=[999999])).status_code == 404
    assert reader.get(reverse("tasks:plan_export_xlsx", args=[999999])).status_code == 404


# --- plan list ------------------------------------------------------------------------------


def test_it_lists_plans_with_their_counts(client):
    plan, _ = build_plan(3)
    plan.code = "07-KH/BCĐ"
    plan.issue_date = on(20, 10, 2025)
    plan.save()
    PlanFactory(code="12-KH/UBND", title="Kế hoạch cải cách hành chính", status="draft")
    client.force_login(UserFactory(unit=None, roles=[Role.SECRETARIAT]))  # the only one who sees drafts

    response = client.get(reverse("tasks:plan_list"))

    html = response.content.decode()
    assert "07-KH/BCĐ" in html and "12-KH/UBND" in html
    assert "20/10/2025" in html
    assert "Đang thực hiện" in html and "Dự thảo" in html
    listed = {p.code: p for p in response.context["page"]}
    assert (listed["07-KH/BCĐ"].section_count, listed["07-KH/BCĐ"].subtask_count) == (2, 3)
    assert (listed["12-KH/UBND"].section_count, listed["12-KH/UBND"].subtask_count) == (0, 0)
    assert reverse("tasks:plan_detail", args=[plan.pk]) in html


def test_it_paginates_the_plan_list_with_constant_queries(reader):
    PlanFactory.create_batch(3)
    few = count_queries(reader, reverse("tasks:plan_list"))
    PlanFactory.create_batch(60)
    many = count_queries(reader, reverse("tasks:plan_list"))
    assert few == many
    assert len(reader.get(reverse("tasks:plan_list")).context["page"].object_list) == 50
    assert len(reader.get(reverse("tasks:plan_list") + "?page=2").context["page"].object_list) == 13


def test_it_shows_an_empty_plan_list_calmly(reader):
    response = reader.get(reverse("tasks:plan_list"))
    assert "Chưa có kế hoạch nào." in response.content.decode()


# --- plan tree ------------------------------------------------------------------------------


def test_it_shows_the_appendix_as_a_tree(reader):
    plan, subtasks = build_plan(2)
    ongoing = SubTaskFactory(
        general_task=subtasks[0].general_task,
        code="1.9",
        title="Cập nhật dữ liệu thường xuyên",
        deadline=None,
        deadline_text="Thường xuyên",
        ongoing=True,
    )
    written = SubTaskFactory(
        general_task=subtasks[0].general_task,
        code="1.8",
        title="Hoàn thành cơ sở dữ liệu",
        deadline=on(31, 10, 2025),
        start_date=None,
        deadline_text="Trong tháng 10/2025",
    )

    response = reader.get(reverse("tasks:plan_detail", args=[plan.pk]))

    html = response.content.decode()
    assert response.context["page"] is None
    assert "Về chuyển đổi số" in html and "Về khoa học, công nghệ" in html
    assert subtasks[0].title in html and "Báo cáo rà soát" in html
    assert "100% TTHC được rà soát" in html
    assert "tối thiểu" in html and "100%" in html and "đề xuất" in html and "đã xác nhận" in html
    assert "Sở Khoa học và Công nghệ" in html
    # The group is rolled up, its members are not listed one by one.
    assert "Sở ngành" in html and "(3 đơn vị)" in html
    results = html.split('id="results"', 1)[1]  # the unit filter's options list every unit
    assert "Sở Thành viên 1" not in results
    assert "31/12/2025" in html
    assert "31/10/2025" in html and "Trong tháng 10/2025" in html
    assert "Thường xuyên" in html
    assert reverse("tasks:subtask_detail", args=[ongoing.pk]) in html
    assert reverse("tasks:subtask_detail", args=[written.pk]) in html
    assert reverse("tasks:plan_export_xlsx", args=[plan.pk]) in html


def test_it_shows_names_as_written_when_nothing_resolved(reader):
    plan, subtasks = build_plan(1)
    SubTaskFactory(
        general_task=subtasks[0].general_task, code="1.7", lead_names=["Ban Quản lý dự án lạ"], co_names=[]
    )
    html = reader.get(reverse("tasks:plan_detail", args=[plan.pk])).content.decode()
    assert "Ban Quản lý dự án lạ" in html
    assert "chưa khớp danh mục đơn vị" in html


def test_the_tree_keeps_a_constant_number_of_queries(reader):
    plan, _ = build_plan(3)
    url = reverse("tasks:plan_detail", args=[plan.pk])
    few = count_queries(reader, url)

    other, _ = build_plan(63)
    more_members = [UnitFactory(name=f"UBND xã Mẫu {i}") for i in range(30)]
    communes = make_group("UBND xã phường", more_members)
    for subtask in other.subtasks.all()[:20]:
        assign_group(subtask, communes, role=AssignmentRole.LEAD)
    many = count_queries(reader, reverse("tasks:plan_detail", args=[other.pk]))

    assert few == many
    assert few <= 18  # session, user, plan, choices, tree levels, KPIs, units: never per row


def test_a_large_plan_comes_a_page_at_a_time_with_its_table_of_contents(reader):
    plan, subtasks = build_plan(120)  # 60 under general task 1 (section I), 60 under 2 (section II)
    empty = GeneralTaskFactory(section=subtasks[1].general_task.section, code="3", order=9, title="Chưa giao")
    url = reverse("tasks:plan_detail", args=[plan.pk])
    first = reader.get(url)
    html = first.content.decode()
    shown = re.findall(r'id="st-(\d+)"', html)
    assert len(shown) == 50 and shown[0] == str(subtasks[0].pk)
    assert "Đang xem tiểu nhiệm vụ 1–50 trong 120." in html and "Trang 1/3" in html
    task2 = subtasks[1].general_task
    # Every general task is in the table of contents, leading to the page it starts on.
    assert f'href="?page=2#gt-{task2.pk}"' in html and f'href="?page=3#gt-{empty.pk}"' in html
    assert f'href="#gt-{subtasks[0].general_task_id}"' in html
    second = reader.get(url, {"page": 2}).content.decode()
    assert len(re.findall(r'id="st-\d+"', second)) == 50
    assert "(tiếp theo)" in second and f'id="gt-{task2.pk}"' in second
    last = reader.get(url, {"page": 3}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in last and len(re.findall(r'id="st-\d+"', last)) == 20
    assert f'id="gt-{empty.pk}"' in last and "Chưa có tiểu nhiệm vụ." in last
    queries = [count_queries(reader, url, data={"page": n}) for n in (1, 2, 3)]
    assert queries[0] == queries[1] == queries[2]


# --- htmx -----------------------------------------------------------------------------------


def test_an_htmx_request_gets_only_the_results(reader):
    plan, _ = build_plan(2)
    url = reverse("tasks:plan_detail", args=[plan.pk]) + "?q=ra+soat"
    response = reader.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="results"' in html
    assert 'hx-swap-oob="true"' in html  # the date fields' errors are refreshed beside them
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(reader):
    plan, _ = build_plan(2)
    url = reverse("tasks:plan_detail", args=[plan.pk]) + "?q=ra+soat"
    response = reader.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


def test_the_filter_form_works_with_and_without_htmx(reader):
    plan, _ = build_plan(1)
    html = reader.get(reverse("tasks:plan_detail", args=[plan.pk])).content.decode()
    assert 'method="get"' in html
    assert 'hx-get="/plans/' in html and 'hx-target="#results"' in html and 'hx-push-url="true"' in html


# --- sub-task page --------------------------------------------------------------------------


def test_it_shows_a_subtask_with_everything(reader):
    plan, subtasks = build_plan(1)
    subtask = subtasks[0]
    subtask.deadline_text = "31/12/2025 Riêng CSDL đất đai (31/12/2026)"
    subtask.save()

    response = reader.get(reverse("tasks:subtask_detail", args=[subtask.pk]))

    html = response.content.decode()
    assert subtask.title in html and "Báo cáo rà soát" in html
    assert "100% TTHC được rà soát" in html and "tối thiểu" in html
    assert "31/12/2025" in html and "Riêng CSDL đất đai (31/12/2026)" in html
    assert "01/11/2025" in html  # start date
    # Breadcrumbs: plan, section, general task.
    assert reverse("tasks:plan_detail", args=[plan.pk]) in html
    assert f"?section={subtask.general_task.section_id}" in html
    assert f"#gt-{subtask.general_task_id}" in html
    assert "Mục I" in html and "Nhiệm vụ 1" in html
    # The group is collapsible, its members listed inside.
    assert "<details" in html and "Sở ngành" in html and "(3 đơn vị)" in html
    for i in range(3):
        assert f"Sở Thành viên {i}" in html
    assert "Sở Khoa học và Công nghệ" in html
    assert "Phụ lục ghi:" in html


def test_the_subtask_page_keeps_a_constant_number_of_queries(reader):
    _, subtasks = build_plan(1)
    # Both pages have a group assignment: an absent group skips a query (empty IN), a present one
    # costs one whatever its size.
    small_group = make_group("Nhóm nhỏ", [UnitFactory(name="Xã Một")])
    assign_group(subtasks[0], small_group, role=AssignmentRole.LEAD)
    few = count_queries(reader, reverse("tasks:subtask_detail", args=[subtasks[0].pk]))

    _, others = build_plan(1)
    busy = others[0]
    communes = make_group("UBND xã phường", [UnitFactory(name=f"Xã Mẫu {i}") for i in range(60)])
    assign_group(busy, communes, role=AssignmentRole.LEAD)
    for i in range(5):
        KpiFactory(subtask=busy, text=f"Chỉ tiêu phụ {i}")
    for i in range(10):
        AssignmentFactory(subtask=busy, unit=UnitFactory(name=f"Cơ quan {i}"), role=AssignmentRole.CO)
    many = count_queries(reader, reverse("tasks:subtask_detail", args=[busy.pk]))

    assert few == many


def test_the_subtask_page_leaves_room_for_progress():
    from django.template.loader import get_template

    source = get_template("tasks/subtask_detail.html").template.source
    assert "{% block progress %}" in source
    assert "tasks/_subtask_progress.html" in source


# --- export ---------------------------------------------------------------------------------


def test_it_names_the_download_after_the_plan():
    plan = PlanFactory.build(code="07-KH/BCĐ")
    assert export_filename(plan) == "07-KH-BCĐ.xlsx"
    header = attachment_header("07-KH-BCĐ.xlsx")
    assert header.startswith("attachment; ")
    assert 'filename="07-KH-BCD.xlsx"' in header
    assert "filename*=UTF-8''07-KH-BC%C4%90.xlsx" in header


def test_a_plan_without_a_code_is_named_after_its_title():
    plan = PlanFactory.build(code="", title="Kế hoạch chuyển đổi số / 2026")
    assert export_filename(plan) == "Kế hoạch chuyển đổi số - 2026.xlsx"


def test_it_downloads_the_plan_as_a_workbook(reader):
    pytest.importorskip("tasks.exporting", reason="the exporter is written with the import work")
    plan, _ = build_plan(2)
    plan.code = "07-KH/BCĐ"
    plan.save()

    response = reader.get(reverse("tasks:plan_export_xlsx", args=[plan.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''07-KH-BC%C4%90.xlsx" in response["Content-Disposition"]
    assert response.content[:2] == b"PK"


def test_unit_staff_get_a_link_to_their_own_units_work(client):
    plan, _ = build_plan(1)
    lead = UnitFactory(name="Sở Khoa học và Công nghệ")
    lead.short_name = "Sở KH&CN"
    lead.save()
    client.force_login(UserFactory(unit=lead))
    html = client.get(reverse("tasks:plan_detail", args=[plan.pk])).content.decode()
    assert f"?unit={lead.pk}" in html and "Việc của Sở KH&amp;CN" in html
    assert "unit-chip mine" in html


def test_the_plan_list_pages_through_htmx(reader):
    PlanFactory.create_batch(51)
    response = reader.get(reverse("tasks:plan_list") + "?page=2", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'id="plans"' in html
    assert "Trang 2/2" in html

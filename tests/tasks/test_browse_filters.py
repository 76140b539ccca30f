"""Filtering a plan's sub-tasks: unit or group, role, section, deadline window, accent-free search."""

import pytest
from django.urls import reverse

from tasks.models import AssignmentRole
from tests.factories import AssignmentFactory, SubTaskFactory, UnitFactory, UserFactory

from ._browse_data import assign_group, build_plan, make_group, on
from .test_browse import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    client.force_login(UserFactory())
    client.get(reverse("home"))
    return client


def found(client, plan, **params):
    response = client.get(reverse("tasks:plan_detail", args=[plan.pk]), params)
    assert response.status_code == 200
    page = response.context["page"]
    assert page is not None, "a filter is active: the page shows a flat list"
    return {subtask.code for subtask in page}, response


@pytest.fixture
def appendix():
    """Three sub-tasks in two sections with different units, deadlines and words."""
    plan, (first, second) = build_plan(2)
    health = UnitFactory(name="Sở Y tế")
    ward = UnitFactory(name="Phường An Bình")
    communes = make_group("UBND xã phường", [ward, UnitFactory(name="Xã An Hòa")])
    third = SubTaskFactory(
        general_task=second.general_task,
        code="2.9",
        title="Triển khai chuyển đổi số trong y tế",
        deadline=on(30, 6, 2026),
        deadline_text="Quý II/2026",
    )
    AssignmentFactory(subtask=third, unit=health, role=AssignmentRole.LEAD)
    assign_group(third, communes, role=AssignmentRole.CO)
    ongoing = SubTaskFactory(
        general_task=first.general_task,
        code="1.9",
        title="Duy trì cổng dịch vụ công",
        deadline=None,
        deadline_text="Thường xuyên",
        ongoing=True,
    )
    AssignmentFactory(subtask=ongoing, unit=ward, role=AssignmentRole.LEAD)  # a member, assigned directly
    return (
        plan,
        {"first": first, "second": second, "third": third, "ongoing": ongoing},
        communes,
        ward,
        health,
    )


def test_it_filters_by_a_unit(reader, appendix):
    plan, st, _, _, health = appendix
    codes, _ = found(reader, plan, unit=health.pk)
    assert codes == {st["third"].code}


def test_a_group_matches_its_members_and_its_own_assignments(reader, appendix):
    plan, st, communes, _, _ = appendix
    codes, response = found(reader, plan, unit=communes.pk)
    # 2.9 through the group's fan-out, 1.9 because a member leads it directly.
    assert codes == {st["third"].code, st["ongoing"].code}
    assert "(2 đơn vị)" in response.content.decode()


def test_the_role_narrows_the_unit(reader, appendix):
    plan, st, communes, ward, _ = appendix
    assert found(reader, plan, unit=communes.pk, role="lead")[0] == {st["ongoing"].code}
    assert found(reader, plan, unit=communes.pk, role="co")[0] == {st["third"].code}
    assert found(reader, plan, unit=ward.pk, role="co")[0] == {st["third"].code}


def test_it_filters_by_section(reader, appendix):
    plan, st, _, _, _ = appendix
    section = st["third"].general_task.section
    codes, response = found(reader, plan, section=section.pk)
    assert codes == {st["second"].code, st["third"].code}
    assert "II. Về khoa học, công nghệ" in response.content.decode()


def test_it_filters_by_a_deadline_window_typed_day_first(reader, appendix):
    plan, st, _, _, _ = appendix
    assert found(reader, plan, deadline_from="01/01/2026")[0] == {st["third"].code}
    assert found(reader, plan, deadline_to="31/12/2025")[0] == {st["first"].code, st["second"].code}
    # Both ends count; an ongoing sub-task has no deadline and never falls in a window.
    codes, _ = found(reader, plan, deadline_from="31/12/2025", deadline_to="30/06/2026")
    assert codes == {st["first"].code, st["second"].code, st["third"].code}


def test_a_date_that_does_not_exist_is_explained_beside_its_field(reader, appendix):
    plan, st, _, _, _ = appendix
    codes, response = found(reader, plan, deadline_from="31/02/2026", q="chuyen doi so")
    html = response.content.decode()
    assert "Ngày 31/02/2026 không tồn tại" in html
    assert response.context["form"].errors["deadline_from"]
    # What was typed stays, and the rest of the filter still applies.
    assert 'value="31/02/2026"' in html
    assert 'value="chuyen doi so"' in html
    assert codes == {st["third"].code}


def test_a_date_that_is_not_a_date_asks_for_dd_mm_yyyy(reader, appendix):
    plan, _, _, _, _ = appendix
    response = reader.get(reverse("tasks:plan_detail", args=[plan.pk]), {"deadline_to": "cuối năm"})
    html = response.content.decode()
    assert "Hãy nhập ngày theo dạng dd/mm/yyyy" in html
    assert 'value="cuối năm"' in html


def test_an_upside_down_window_is_refused(reader, appendix):
    plan, _, _, _, _ = appendix
    response = reader.get(
        reverse("tasks:plan_detail", args=[plan.pk]),
        {"deadline_from": "01/06/2026", "deadline_to": "01/01/2026"},
    )
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in response.content.decode()


def test_an_htmx_request_refreshes_the_date_errors_beside_the_fields(reader, appendix):
    plan, _, _, _, _ = appendix
    response = reader.get(
        reverse("tasks:plan_detail", args=[plan.pk]),
        {"deadline_from": "31/02/2026"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="field-deadline_from"' in html and 'hx-swap-oob="true"' in html
    assert "Ngày 31/02/2026 không tồn tại" in html


@pytest.mark.parametrize("query", ["chuyen doi so", "CHUYỂN ĐỔI SỐ", "Chuyển đổi số", "  chuyển   ĐỔI  so "])
def test_search_ignores_accents_and_case(reader, appendix, query):
    plan, st, _, _, _ = appendix
    assert found(reader, plan, q=query)[0] == {st["third"].code}


def test_search_finds_unit_names_as_written(reader, appendix):
    plan, st, _, _, _ = appendix
    # Every sub-task built by build_plan names "Sở ngành" among its co-ordinating units.
    assert found(reader, plan, q="so nganh")[0] == {st["first"].code, st["second"].code}


def test_nothing_found_says_so(reader, appendix):
    plan, _, _, _, _ = appendix
    codes, response = found(reader, plan, q="không có từ này")
    assert codes == set()
    assert "Không có tiểu nhiệm vụ nào phù hợp với bộ lọc." in response.content.decode()


def test_a_role_alone_is_not_a_filter(reader, appendix):
    plan, _, _, _, _ = appendix
    response = reader.get(reverse("tasks:plan_detail", args=[plan.pk]), {"role": "lead"})
    assert response.context["page"] is None
    assert response.context["sections"]


def test_an_unknown_unit_is_an_error_not_a_crash(reader, appendix):
    plan, _, _, _, _ = appendix
    response = reader.get(reverse("tasks:plan_detail", args=[plan.pk]), {"unit": "999999", "q": "y te"})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert {s.code for s in response.context["page"]} == {"2.9"}


def test_the_filtered_list_paginates_by_50_and_keeps_the_filter(reader):
    plan, _ = build_plan(60)
    url = reverse("tasks:plan_detail", args=[plan.pk])
    first = reader.get(url, {"q": "ra soat"})
    assert first.context["page"].paginator.count == 60
    assert len(first.context["page"].object_list) == 50
    html = first.content.decode()
    assert "?q=ra+soat&amp;page=2" in html
    second = reader.get(url, {"q": "ra soat", "page": 2})
    assert len(second.context["page"].object_list) == 10
    assert "Trang 2/2" in second.content.decode()


def test_the_filtered_list_keeps_a_constant_number_of_queries(reader):
    plan, _ = build_plan(3)
    few = count_queries(reader, reverse("tasks:plan_detail", args=[plan.pk]) + "?q=ra+soat")
    other, _ = build_plan(65)
    many = count_queries(reader, reverse("tasks:plan_detail", args=[other.pk]) + "?q=ra+soat")
    assert few == many
    group = other.subtasks.first().assignments.exclude(via_group=None).first().via_group
    by_group = count_queries(reader, reverse("tasks:plan_detail", args=[other.pk]) + f"?unit={group.pk}")
    by_group_few = count_queries(reader, reverse("tasks:plan_detail", args=[plan.pk]) + f"?unit={group.pk}")
    assert by_group == by_group_few

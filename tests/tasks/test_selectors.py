"""Browsing selectors: plan counts, the tree, the group roll-up, filtering, who may read."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tasks import selectors
from tasks.models import AssignmentRole
from tasks.selectors import SubtaskFilters
from tests.factories import AssignmentFactory, PlanFactory, SubTaskFactory, UnitFactory, UserFactory
from units.models import UnitAlias
from units.naming import vi_sort_key

from ._browse_data import assign_group, build_plan, make_group

pytestmark = pytest.mark.django_db


def test_plans_carry_their_counts():
    plan, _ = build_plan(5)
    PlanFactory()
    counted = selectors.plans_for_user(user=UserFactory()).get(pk=plan.pk)
    assert (counted.section_count, counted.general_task_count, counted.subtask_count) == (2, 2, 5)


def test_nobody_signed_out_or_inactive_reads_plans():
    build_plan(1)
    assert not selectors.plans_for_user(user=AnonymousUser()).exists()
    assert not selectors.plans_for_user(user=UserFactory(is_active=False)).exists()


def test_the_tree_orders_sections_tasks_and_subtasks_as_the_appendix():
    plan, _ = build_plan(4)
    tree = selectors.plan_tree(plan=plan)
    assert [s.code for s in tree] == ["I", "II"]
    assert [[t.code for t in s.task_list] for s in tree] == [["1"], ["2"]]
    assert [[st.code for st in s.task_list[0].subtask_list] for s in tree] == [["1.1", "1.3"], ["2.2", "2.4"]]
    assert [s.subtask_total for s in tree] == [2, 2]


def test_a_group_is_rolled_up_under_the_name_the_appendix_wrote():
    members = [UnitFactory(name=f"Xã Mẫu {i}") for i in range(4)]
    group = make_group("UBND xã, phường", members, aliases=["UBND cấp xã"])
    health = UnitFactory(name="Sở Y tế")
    subtask = SubTaskFactory(lead_names=["UBND cấp xã", "Sở Y tế"], co_names=[])
    assign_group(subtask, group, role=AssignmentRole.LEAD)
    AssignmentFactory(subtask=subtask, unit=health, role=AssignmentRole.LEAD)

    selectors.subtask_for_page(subtask)

    first, second = subtask.lead_units
    assert first.is_group and first.label == "UBND cấp xã" and first.unit == group
    assert first.member_count == 4 and [m.name for m in first.members] == [f"Xã Mẫu {i}" for i in range(4)]
    assert not second.is_group and second.label == "Sở Y tế"
    assert subtask.co_units == [] and subtask.lead_unmatched == []


def test_the_written_order_wins_and_tone_variants_still_match():
    office = UnitFactory(name="Văn phòng Tỉnh ủy")
    UnitAlias.objects.create(unit=office, name="Văn phòng Tỉnh")
    police = UnitFactory(name="Công an tỉnh")
    subtask = SubTaskFactory(lead_names=[], co_names=["Công an Tỉnh", "Văn phòng Tỉnh uỷ"])
    AssignmentFactory(subtask=subtask, unit=office, role=AssignmentRole.CO)
    AssignmentFactory(subtask=subtask, unit=police, role=AssignmentRole.CO)

    selectors.subtask_for_page(subtask)

    assert [e.unit for e in subtask.co_units] == [police, office]


def test_names_nothing_resolved_are_kept_as_written():
    subtask = SubTaskFactory(lead_names=["Ban Quản lý lạ"], co_names=[])
    selectors.subtask_for_page(subtask)
    assert subtask.lead_units == [] and subtask.lead_unmatched == ["Ban Quản lý lạ"]


def test_a_direct_assignment_of_a_group_unit_counts_as_the_group():
    group = make_group("Các sở, ngành, địa phương", [])
    subtask = SubTaskFactory(lead_names=["các sở, ngành, địa phương"], co_names=[])
    AssignmentFactory(subtask=subtask, unit=group, role=AssignmentRole.LEAD)
    selectors.subtask_for_page(subtask)
    (entry,) = subtask.lead_units
    assert entry.is_group and entry.member_count == 0 and entry.label == "các sở, ngành, địa phương"


def test_a_group_filter_reaches_members_of_groups_within_it():
    plan, _ = build_plan(1)
    task = plan.subtasks.first().general_task
    district_ward = UnitFactory(name="Phường Mẫu")
    communes = make_group("UBND xã phường", [district_ward])
    everyone = make_group("Các sở, ngành, địa phương", [communes])
    subtask = SubTaskFactory(general_task=task, code="1.5", title="Việc của phường")
    AssignmentFactory(subtask=subtask, unit=district_ward, role=AssignmentRole.LEAD)

    matching = selectors.subtasks_matching(
        plan=plan, filters=SubtaskFilters(unit=everyone), user=UserFactory()
    )

    assert [s.code for s in matching] == ["1.5"]


def test_filters_combine():
    plan, subtasks = build_plan(4)
    section_two = subtasks[1].general_task.section
    filters = SubtaskFilters(q="so 4", section=section_two)
    matching = selectors.subtasks_matching(plan=plan, filters=filters, user=UserFactory())
    assert [s.code for s in matching] == ["2.4"]
    assert not SubtaskFilters(role="lead").active
    assert not SubtaskFilters(q="  ,. ").active
    assert SubtaskFilters(q="đổi").active


def test_the_unit_choices_are_the_plans_units_and_groups():
    plan, _ = build_plan(1)
    UnitFactory(name="Sở không liên quan")
    names = [u.name for u in selectors.filter_units_for_plan(plan=plan)]
    assert "Sở ngành" in names and "Sở Khoa học và Công nghệ" in names and "Sở Thành viên 0" in names
    assert "Sở không liên quan" not in names
    assert names == sorted(names, key=vi_sort_key)  # Vietnamese dictionary order, not code points

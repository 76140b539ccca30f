import pytest

from kpis.models import AssignmentState, Status
from kpis.selectors import (
    group_rollups,
    plan_rollups,
    rollup,
    rollup_general_task,
    rollup_group,
    rollup_plan,
    rollup_section,
)
from kpis.services import claim_approve, claim_return, report_save_draft, report_submit, states_ensure
from tasks.models import Assignment, AssignmentRole
from tests.factories import SubTaskFactory, UnitFactory, UserFactory
from units.models import GroupMembership, Role, UnitKind

from .conftest import at, data, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(subtask):
    """ "UBND cấp xã": a group of 95 communes, fanned out into 95 lead assignments."""
    group = UnitFactory(name="UBND cấp xã", kind=UnitKind.GROUP)
    members = [UnitFactory(name=f"UBND xã {i:02d}", kind=UnitKind.COMMUNE) for i in range(95)]
    GroupMembership.objects.bulk_create(GroupMembership(group=group, member=m) for m in members)
    Assignment.objects.bulk_create(
        Assignment(subtask=subtask, unit=m, role=AssignmentRole.LEAD, via_group=group) for m in members
    )
    return group, members


def report(assignment, period, completion, when, claim=False):
    user = UserFactory(unit=assignment.unit, roles=[Role.STAFF])
    r = report_save_draft(
        assignment=assignment,
        period=period,
        actor=user,
        data=data(completion),
        uploads=[pdf(body=f"%PDF-1.4 {assignment.pk}\n%%EOF\n".encode())] if claim else [],
        now=when,
    )
    return report_submit(report=r, actor=user, now=when)


def test_roll_up_of_a_group_of_95_communes(
    subtask, communes, november, reviewer, django_assert_max_num_queries
):
    group, members = communes
    assignments = list(Assignment.objects.filter(via_group=group).order_by("unit__name"))
    for a in assignments[:10]:
        report(a, november, "40", at(2025, 11, 5))
    for a in assignments[10:20]:
        report(a, november, "100", at(2025, 11, 5), claim=True)
    for a in assignments[10:15]:
        claim_approve(assignment=a, reviewer=reviewer, now=at(2025, 11, 6))
    claim_return(assignment=assignments[15], reviewer=reviewer, reason="Thiếu chữ ký", now=at(2025, 11, 6))
    with django_assert_max_num_queries(1):
        r = rollup_group(subtask=subtask, group=group)
    assert (r.total, r.not_started, r.in_progress, r.awaiting_review, r.completed, r.returned) == (
        95,
        75,
        10,
        4,
        5,
        1,
    )
    assert (r.completed_on_time, r.completed_late) == (5, 0)
    assert r.status == Status.IN_PROGRESS
    assert str(r.percent_completed) == "5.3"
    ((unit, same),) = group_rollups(subtask)
    assert unit == group and same == r


def test_rollup_words_follow_the_members(subtask, communes):
    group, _ = communes
    assert rollup_group(subtask=subtask, group=group).status == Status.NOT_STARTED
    states_ensure()
    AssignmentState.objects.filter(assignment__via_group=group).update(
        status=Status.COMPLETED, completed_on_time=True
    )
    assert rollup_group(subtask=subtask, group=group).status == Status.COMPLETED
    one = AssignmentState.objects.filter(assignment__via_group=group).first()
    AssignmentState.objects.filter(pk=one.pk).update(status=Status.AWAITING_REVIEW)
    assert rollup_group(subtask=subtask, group=group).status == Status.AWAITING_REVIEW


def test_roll_ups_of_general_task_section_and_plan(subtask, lead, staff, november, plan):
    other = SubTaskFactory(general_task=subtask.general_task, plan=plan)
    Assignment.objects.create(subtask=other, unit=UnitFactory(), role=AssignmentRole.LEAD)
    Assignment.objects.create(subtask=other, unit=UnitFactory(), role=AssignmentRole.CO)  # not counted
    report(lead, november, "50", at(2025, 11, 5))
    for r in (
        rollup_general_task(subtask.general_task),
        rollup_section(subtask.general_task.section),
        rollup_plan(plan),
    ):
        assert (r.total, r.in_progress, r.not_started) == (2, 1, 1)
        assert str(r.average_completion) == "25.0"
    rollups = plan_rollups(plan)
    assert rollups["plan"] == rollup_plan(plan)
    assert rollups["general_tasks"][subtask.general_task_id].total == 2
    assert rollups["subtasks"][subtask.pk].in_progress == 1


def test_only_approved_completion_counts_as_completed(lead, staff, november):
    report(lead, november, "100", at(2025, 11, 5), claim=True)
    r = rollup(Assignment.objects.filter(pk=lead.pk))
    assert (r.completed, r.awaiting_review) == (0, 1)

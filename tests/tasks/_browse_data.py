"""Plans shaped like the real appendix, for the browsing tests: direct units, groups, KPIs with targets."""

import datetime

from kpis.models import KpiTarget
from tasks.models import AssignmentRole
from tests.factories import (
    AssignmentFactory,
    GeneralTaskFactory,
    KpiFactory,
    PlanFactory,
    SectionFactory,
    SubTaskFactory,
    UnitFactory,
)
from units.models import GroupMembership, UnitAlias, UnitKind


def make_group(name, members, *, aliases=()):
    group = UnitFactory(name=name, kind=UnitKind.GROUP)
    for member in members:
        GroupMembership.objects.get_or_create(group=group, member=member)
    for alias in aliases:
        UnitAlias.objects.get_or_create(unit=group, name=alias)
    return group


def assign_group(subtask, group, role=AssignmentRole.CO):
    for membership in group.memberships.select_related("member"):
        AssignmentFactory(subtask=subtask, unit=membership.member, role=role, via_group=group)


def build_plan(n_subtasks, *, plan=None, lead=None, group=None):
    """A plan with two sections; each sub-task has a KPI with a target, a lead unit and a co group."""
    plan = plan or PlanFactory()
    lead = lead or UnitFactory(name="Sở Khoa học và Công nghệ")
    if group is None:
        members = [UnitFactory(name=f"Sở Thành viên {i}") for i in range(3)]
        group = make_group("Sở ngành", members, aliases=["Các sở ngành"])
    sections = [
        SectionFactory(plan=plan, code="I", title="Về chuyển đổi số", order=0),
        SectionFactory(plan=plan, code="II", title="Về khoa học, công nghệ", order=1),
    ]
    tasks = [
        GeneralTaskFactory(section=section, code=str(i + 1), order=i) for i, section in enumerate(sections)
    ]
    subtasks = []
    for i in range(n_subtasks):
        task = tasks[i % 2]
        subtask = SubTaskFactory(
            general_task=task,
            code=f"{task.code}.{i + 1}",
            order=i,
            title=f"Rà soát thủ tục hành chính số {i + 1}",
            lead_names=[lead.name],
            co_names=["Sở ngành"],
        )
        kpi = KpiFactory(subtask=subtask, text="100% TTHC được rà soát")
        KpiTarget.objects.create(kpi=kpi, value=100, measure="percent", confirmed=bool(i % 2))
        AssignmentFactory(subtask=subtask, unit=lead, role=AssignmentRole.LEAD)
        assign_group(subtask, group)
        subtasks.append(subtask)
    return plan, subtasks


def on(day, month, year):
    return datetime.date(year, month, day)

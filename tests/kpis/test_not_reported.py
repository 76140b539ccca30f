import datetime

import pytest

from kpis.selectors import not_reported
from kpis.services import claim_approve, report_correct, report_save_draft, report_submit
from tasks.models import Assignment, AssignmentRole
from tests.factories import SubTaskFactory, UnitFactory

from .conftest import at, data, pdf

pytestmark = pytest.mark.django_db


def test_lead_assignments_without_a_submitted_report_by_unit(
    subtask, lead, staff, november, december, plan, reviewer
):
    busy = UnitFactory(name="Sở Tư pháp")
    other_subtask = SubTaskFactory(general_task=subtask.general_task, plan=plan)
    later = SubTaskFactory(
        general_task=subtask.general_task,
        plan=plan,
        start_date=datetime.date(2025, 12, 10),
        deadline=datetime.date(2026, 3, 1),
    )
    Assignment.objects.create(subtask=subtask, unit=busy, role=AssignmentRole.LEAD)
    Assignment.objects.create(subtask=other_subtask, unit=busy, role=AssignmentRole.LEAD)
    Assignment.objects.create(subtask=later, unit=busy, role=AssignmentRole.LEAD)  # starts after November
    Assignment.objects.create(
        subtask=other_subtask, unit=UnitFactory(), role=AssignmentRole.CO
    )  # never counted

    by_unit, qs = not_reported(period=november)
    assert [(r["unit__name"], r["count"]) for r in by_unit] == [("Sở Tư pháp", 2), (lead.unit.name, 1)]

    draft = report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("10"), now=at(2025, 11, 5)
    )
    by_unit, _ = not_reported(period=november)
    assert (lead.unit.name, 1) in [(r["unit__name"], r["count"]) for r in by_unit]  # a draft is not a report
    report_submit(report=draft, actor=staff, now=at(2025, 11, 6))
    by_unit, qs = not_reported(period=november)
    assert [(r["unit__name"], r["count"]) for r in by_unit] == [("Sở Tư pháp", 2)]
    assert {a.subtask_id for a in qs} == {subtask.pk, other_subtask.pk}

    # December: the later sub-task has started; the lead's task completed in November needs no report.
    done = report_correct(report=draft, actor=staff, now=at(2025, 11, 20))
    report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("100"), uploads=[pdf()], now=at(2025, 11, 20)
    )
    report_submit(report=done, actor=staff, now=at(2025, 11, 20))
    claim_approve(assignment=lead, reviewer=reviewer, now=at(2025, 11, 25))
    by_unit, _ = not_reported(period=december)
    assert [(r["unit__name"], r["count"]) for r in by_unit] == [("Sở Tư pháp", 3)]


def test_units_with_as_many_missing_reports_read_in_vietnamese_order(subtask, lead, november):
    # By code point "Phường Hưng Lộc" came before "Hố Nai" and "Đại An" after "Xuân Đông".
    for name in ["Xuân Đông", "Phường Hưng Lộc", "Đại An", "Hố Nai"]:
        Assignment.objects.create(subtask=subtask, unit=UnitFactory(name=name), role=AssignmentRole.LEAD)
    by_unit, _ = not_reported(period=november)
    names = [r["unit__name"] for r in by_unit if r["unit__name"] != lead.unit.name]
    assert names == ["Đại An", "Hố Nai", "Phường Hưng Lộc", "Xuân Đông"]

"""The real appendix: importing plan_07_appendix.xlsx reproduces plan_07_appendix.json."""

import datetime
import json

import pytest
from django.core.management import call_command

from tasks.exporting import plan_to_dict, plan_to_json
from tasks.importing import read_and_resolve
from tasks.models import Assignment, AssignmentRole, GeneralTask, Plan, Section, SubTask
from tasks.services import plan_import_apply
from units.registry import UnitRegistry

from ._import_helpers import load_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def expected(appendix_json):
    return json.loads(appendix_json.read_text(encoding="utf-8"))


@pytest.fixture
def imported(appendix_xlsx, expected):
    load_registry()
    plan_data = read_and_resolve(appendix_xlsx)
    assert plan_data.errors == []
    plan, _ = plan_import_apply(
        plan_data=plan_data,
        actor=None,
        title=expected["plan"]["title"],
        issuer=expected["plan"]["issuer"],
        source_name=appendix_xlsx.name,
    )
    return plan


def _json_subtasks(expected):
    for section in expected["sections"]:
        for task in section["tasks"]:
            for sub in task["subtasks"]:
                yield section, task, sub


def test_it_imports_two_sections_sixteen_tasks_fifty_subtasks(imported):
    assert Section.objects.filter(plan=imported).count() == 2
    assert GeneralTask.objects.filter(section__plan=imported).count() == 16
    assert SubTask.objects.filter(plan=imported).count() == 50


def test_every_field_equals_the_json(imported, expected):
    sections = list(imported.sections.order_by("order"))
    assert [(s.code, s.title) for s in sections] == [(s["code"], s["title"]) for s in expected["sections"]]
    for section, json_section in zip(sections, expected["sections"], strict=True):
        tasks = list(section.general_tasks.order_by("order"))
        assert [(t.code, t.title) for t in tasks] == [(t["code"], t["title"]) for t in json_section["tasks"]]
        for task, json_task in zip(tasks, json_section["tasks"], strict=True):
            subs = list(task.subtasks.order_by("order"))
            assert len(subs) == len(json_task["subtasks"]), task.code
            for sub, want in zip(subs, json_task["subtasks"], strict=True):
                assert sub.code == want["code"]
                assert sub.title == want["title"], sub.code
                assert sub.output == want["output"], sub.code
                assert [k.text for k in sub.kpis.all()] == [want["kpi"]], sub.code
                assert sub.lead_names == want["lead_units"], sub.code
                assert sub.co_names == want["co_units"], sub.code
                assert sub.deadline_text == want["deadline_text"], sub.code
                want_date = datetime.date.fromisoformat(want["deadline"]) if want["deadline"] else None
                assert sub.deadline == want_date, sub.code
                assert sub.ongoing is want["ongoing"], sub.code


def test_the_tree_as_json_equals_the_fixture(imported, expected):
    assert plan_to_dict(imported) == expected


def test_every_unit_name_resolves_to_the_unit_imported_for_its_cell(imported, expected):
    registry = UnitRegistry.load()
    subs = {s.code: s for s in SubTask.objects.filter(plan=imported).prefetch_related("assignments")}
    for _, _, want in _json_subtasks(expected):
        sub = subs[want["code"]]
        by_role = {AssignmentRole.LEAD: set(), AssignmentRole.CO: set()}
        for a in sub.assignments.all():
            by_role[a.role].add(a.unit_id)
            if a.via_group_id:
                by_role[a.role].add(a.via_group_id)
        for role, names in ((AssignmentRole.LEAD, want["lead_units"]), (AssignmentRole.CO, want["co_units"])):
            for name in names:
                unit = registry.resolve(name)
                assert unit is not None, f"{want['code']}: “{name}” is not in the registry"
                # A unit named as co-ordinator that also leads through a group leads (lead wins).
                allowed = by_role[role] | (
                    by_role[AssignmentRole.LEAD] if role == AssignmentRole.CO else set()
                )
                assert unit.pk in allowed, f"{want['code']}: “{name}” → {unit} not assigned as {role}"


def test_truncated_names_and_case_variants_resolve_to_one_unit(imported):
    registry = UnitRegistry.load()
    assert registry.resolve("Văn phòng Tỉnh") == registry.resolve("Văn phòng Tỉnh ủy")
    assert registry.resolve("Văn phòng Tỉnh uỷ") == registry.resolve("Văn phòng Tỉnh ủy")
    assert registry.resolve("Sở Tư Pháp") == registry.resolve("Sở Tư pháp")
    assert (
        registry.resolve("UBND xã, phường")
        == registry.resolve("UBND cấp xã")
        == registry.resolve("UBND xã phường")
    )


def test_group_assignments_fan_out_one_per_member(imported):
    registry = UnitRegistry.load()
    communes = registry.resolve("UBND xã phường")
    departments = registry.resolve("Sở ngành")
    sub = SubTask.objects.get(plan=imported, code="1.1")
    leads = Assignment.objects.filter(subtask=sub, role=AssignmentRole.LEAD)
    assert leads.filter(via_group=communes).count() == 95
    assert leads.filter(via_group=departments).count() == len(registry.members_of(departments))
    assert not leads.filter(unit=communes).exists()
    # 5.4's "Cơ quan liên quan" names no body: the group itself holds the assignment.
    vague = registry.resolve("Cơ quan liên quan")
    assert Assignment.objects.filter(
        subtask__code="5.4", subtask__plan=imported, unit=vague, role="co"
    ).exists()


def test_lead_wins_over_co_for_the_same_unit(imported):
    registry = UnitRegistry.load()
    sub = SubTask.objects.get(plan=imported, code="10.1")
    science = registry.resolve("Sở Khoa học và Công nghệ")
    finance = registry.resolve("Sở Tài chính")
    # Named lead directly, and co through "các sở, ngành, địa phương": it is lead.
    assert Assignment.objects.get(subtask=sub, unit=science).role == AssignmentRole.LEAD
    # Named co directly and through the group: one assignment, the direct one.
    finance_assignment = Assignment.objects.get(subtask=sub, unit=finance)
    assert (finance_assignment.role, finance_assignment.via_group_id) == (AssignmentRole.CO, None)


def test_export_plan_json_command_prints_the_fixture(imported, appendix_json, capsys):
    call_command("export_plan", str(imported.pk), "--format", "json")
    out = capsys.readouterr().out
    assert json.loads(out) == json.loads(appendix_json.read_text(encoding="utf-8"))
    assert plan_to_json(imported) == appendix_json.read_text(encoding="utf-8").rstrip("\n")


def test_a_second_import_changes_nothing(imported, appendix_xlsx):
    def snapshot():
        return (
            list(SubTask.objects.filter(plan=imported).order_by("pk").values()),
            list(Assignment.objects.filter(subtask__plan=imported).order_by("pk").values()),
        )

    before = snapshot()
    plan_data = read_and_resolve(appendix_xlsx)
    plan, diff = plan_import_apply(plan_data=plan_data, plan=imported, actor=None)
    assert diff.is_empty
    assert diff.summary()["assignments_create"] == 0
    assert snapshot() == before
    assert Plan.objects.count() == 1

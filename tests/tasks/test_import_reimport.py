"""Importing again: the same file changes nothing, a corrected one updates by code."""

import datetime

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from kpis.models import KpiTarget
from tasks.exporting import plan_to_dict, plan_to_xlsx_bytes
from tasks.importing import read_and_resolve
from tasks.models import Assignment, GeneralTask, Plan, SubTask
from tasks.services import plan_import_apply, plan_import_preview
from units.registry import UnitRegistry

from ._import_helpers import load_registry, small_rows, write_xlsx

pytestmark = pytest.mark.django_db


def _db_state(plan):
    return (
        list(SubTask.objects.filter(plan=plan).order_by("pk").values()),
        list(GeneralTask.objects.filter(section__plan=plan).order_by("pk").values()),
        list(Assignment.objects.filter(subtask__plan=plan).order_by("pk").values()),
        list(KpiTarget.objects.filter(kpi__subtask__plan=plan).order_by("pk").values()),
    )


def test_the_command_twice_creates_one_plan_and_reports_no_change(tmp_path, capsys):
    load_registry()
    path = write_xlsx(tmp_path / "p.xlsx", small_rows())
    call_command("import_plan", str(path), "--plan-code", "9-KH/BCĐ")
    plan = Plan.objects.get()
    before = _db_state(plan)
    capsys.readouterr()
    call_command("import_plan", str(path), "--plan-code", "9-KH/BCĐ")
    assert "Không có thay đổi" in capsys.readouterr().out
    assert Plan.objects.count() == 1
    assert _db_state(plan) == before


def test_a_corrected_workbook_updates_by_code_without_duplicating(tmp_path):
    load_registry()
    plan_data = read_and_resolve(write_xlsx(tmp_path / "v1.xlsx", small_rows()))
    plan, _ = plan_import_apply(plan_data=plan_data, actor=None, title="Kế hoạch thử")
    first_ids = dict(SubTask.objects.filter(plan=plan).values_list("code", "pk"))

    corrected = small_rows(deadline="Quý I/2026", lead="Sở Y tế", co="Sở Tài chính, Sở Tư pháp")
    corrected[2][1] = "1.2 Tiểu nhiệm vụ hai (đã sửa)"
    corrected.append([None, "1.3 Tiểu nhiệm vụ mới", "", "", "Sở Nội vụ", "", "Năm 2026"])
    plan_data = read_and_resolve(write_xlsx(tmp_path / "v2.xlsx", corrected))
    preview = plan_import_preview(plan_data=plan_data, plan=plan)
    assert [(c.code, c.action) for c in preview.changes if c.kind == "subtask"] == [
        ("1.1", "change"),
        ("1.2", "change"),
        ("1.3", "create"),
    ]
    first = next(c for c in preview.changes if c.code == "1.1")
    assert set(first.fields) >= {"deadline", "deadline_text", "lead_names", "co_names", "assignments"}
    _, diff = plan_import_apply(plan_data=plan_data, plan=plan, actor=None)
    assert diff.summary() == preview.summary()

    subs = {s.code: s for s in SubTask.objects.filter(plan=plan)}
    assert sorted(subs) == ["1.1", "1.2", "1.3"]
    assert subs["1.1"].pk == first_ids["1.1"] and subs["1.2"].pk == first_ids["1.2"]
    assert subs["1.1"].deadline == datetime.date(2026, 3, 31)
    assert subs["1.2"].title == "Tiểu nhiệm vụ hai (đã sửa)"
    registry = UnitRegistry.load()
    assert set(Assignment.objects.filter(subtask=subs["1.1"]).values_list("unit__name", "role")) == {
        ("Sở Y tế", "lead"),
        ("Sở Tài chính", "co"),
        ("Sở Tư pháp", "co"),
    }
    assert not Assignment.objects.filter(
        subtask=subs["1.1"], unit=registry.resolve("Sở Khoa học và Công nghệ")
    ).exists()
    assert AuditEvent.objects.filter(action="plan.import").count() == 2


def test_items_missing_from_a_corrected_workbook_are_listed_not_deleted(tmp_path):
    load_registry()
    plan, _ = plan_import_apply(
        plan_data=read_and_resolve(write_xlsx(tmp_path / "a.xlsx", small_rows())), actor=None
    )
    shorter = small_rows()[:2]
    diff = plan_import_preview(
        plan_data=read_and_resolve(write_xlsx(tmp_path / "b.xlsx", shorter)), plan=plan
    )
    # Not deleted: closed, with its assignments (told as retired, not as missing).
    assert diff.missing == [] and [c.code for c in diff.retired] == ["1.2"]
    plan_import_apply(
        plan_data=read_and_resolve(write_xlsx(tmp_path / "b.xlsx", shorter)), plan=plan, actor=None
    )
    assert SubTask.objects.filter(plan=plan, code="1.2").exists()


def test_confirmed_kpi_targets_survive_a_reimport(tmp_path):
    load_registry()
    path = write_xlsx(tmp_path / "k.xlsx", small_rows())
    plan, _ = plan_import_apply(plan_data=read_and_resolve(path), actor=None)
    target = KpiTarget.objects.get(kpi__subtask__code="1.1")
    assert (target.value, target.measure, target.confirmed) == (100, "percent", False)
    target.confirmed = True
    target.save()
    rows = small_rows()
    rows[1][3] = "100% TTHC được rà soát, công khai"
    plan_import_apply(
        plan_data=read_and_resolve(write_xlsx(tmp_path / "k2.xlsx", rows)), plan=plan, actor=None
    )
    assert KpiTarget.objects.get(pk=target.pk).confirmed


def test_export_then_import_changes_nothing(tmp_path, appendix_xlsx):
    load_registry()
    plan, _ = plan_import_apply(plan_data=read_and_resolve(appendix_xlsx), actor=None, title="Kế hoạch 07")
    before = _db_state(plan)
    tree = plan_to_dict(plan)
    exported = tmp_path / "xuat.xlsx"
    exported.write_bytes(plan_to_xlsx_bytes(plan))
    plan_data = read_and_resolve(exported)
    assert plan_data.errors == []
    diff = plan_import_preview(plan_data=plan_data, plan=plan)
    assert diff.is_empty, [(c.code, c.fields) for c in diff.changes]
    plan_import_apply(plan_data=plan_data, plan=plan, actor=None)
    assert _db_state(plan) == before
    assert plan_to_dict(plan) == tree

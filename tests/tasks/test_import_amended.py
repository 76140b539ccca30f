"""Re-importing an amended appendix: units moved between lead and co-ordinating, units and
sub-tasks dropped and added back, through the service and the command; reports are never lost."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kpis.models import Period, PeriodKind, ProgressReport
from kpis.selectors import my_tasks
from tasks.importing import read_and_resolve
from tasks.models import Assignment, Plan, SubTask
from tasks.services import plan_import_apply, plan_import_preview
from tests.factories import UserFactory
from units.models import Role, Unit

from ._import_helpers import load_registry, small_rows, write_xlsx

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2025, 12, 10, 9, 0))
SCIENCE, FINANCE, JUSTICE = "Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Tư pháp"


def _import(tmp_path, rows, plan=None, name="v.xlsx", **amendment):
    data = read_and_resolve(write_xlsx(tmp_path / name, rows))
    return plan_import_apply(
        plan_data=data, plan=plan, actor=None, title="Kế hoạch thử", now=NOW, **amendment
    )


def _report_on(assignment, plan, n=2):
    period = Period.objects.get_or_create(
        plan=plan,
        kind=PeriodKind.MONTHLY,
        start=datetime.date(2025, 11, 1),
        defaults={
            "end": datetime.date(2025, 11, 30),
            "cutoff": datetime.date(2025, 11, 20),
            "due_date": datetime.date(2025, 11, 20),
        },
    )[0]
    author = UserFactory(unit=assignment.unit, roles=[Role.STAFF])
    for version in range(1, n + 1):
        ProgressReport.objects.create(
            assignment=assignment,
            period=period,
            version=version,
            status="submitted",
            completion=10 * version,
            created_by=author,
            created_at=NOW,
            updated_at=NOW,
            submitted_by=author,
            submitted_at=NOW,
        )


def _roles(sub):
    return set(Assignment.objects.filter(subtask=sub).values_list("unit__name", "role"))


def test_promoting_a_co_ordinating_unit_to_lead_keeps_its_assignment(tmp_path):
    load_registry()
    plan, _ = _import(tmp_path, small_rows(lead=SCIENCE, co=FINANCE))
    sub = SubTask.objects.get(plan=plan, code="1.1")
    finance_before = Assignment.objects.get(subtask=sub, unit__name=FINANCE)
    science = Assignment.objects.get(subtask=sub, unit__name=SCIENCE)
    _report_on(science, plan, n=3)

    swapped = small_rows(lead=FINANCE, co=SCIENCE)
    data = read_and_resolve(write_xlsx(tmp_path / "v2.xlsx", swapped))
    preview = plan_import_preview(plan_data=data, plan=plan)
    change = next(c for c in preview.changes if c.code == "1.1")
    sentences = [m.sentence for m in change.moves]
    assert f"{FINANCE}: phối hợp → chủ trì, giữ nguyên phân công — chưa có báo cáo" in sentences
    assert f"{SCIENCE}: chủ trì → phối hợp, giữ nguyên phân công — giữ 3 báo cáo" in sentences

    _, diff = plan_import_apply(plan_data=data, plan=plan, actor=None, now=NOW)  # was an IntegrityError
    assert diff.summary() == preview.summary()
    assert _roles(sub) == {(FINANCE, "lead"), (SCIENCE, "co")}
    assert Assignment.objects.get(subtask=sub, unit__name=FINANCE).pk == finance_before.pk
    assert ProgressReport.objects.filter(assignment=science).count() == 3


def test_a_dropped_unit_is_closed_with_its_reports_and_comes_back_when_named_again(tmp_path):
    load_registry()
    plan, _ = _import(tmp_path, small_rows(lead=SCIENCE, co=FINANCE))
    sub = SubTask.objects.get(plan=plan, code="1.1")
    science = Assignment.objects.get(subtask=sub, unit__name=SCIENCE)
    _report_on(science, plan, n=2)

    data = read_and_resolve(write_xlsx(tmp_path / "v2.xlsx", small_rows(lead=JUSTICE, co=FINANCE)))
    change = next(c for c in plan_import_preview(plan_data=data, plan=plan).changes if c.code == "1.1")
    assert f"{SCIENCE}: thôi giao (chủ trì), phân công được đóng, không xoá — giữ 2 báo cáo" in [
        m.sentence for m in change.moves
    ]
    assert f"{JUSTICE}: giao mới (chủ trì)" in [m.sentence for m in change.moves]
    plan_import_apply(plan_data=data, plan=plan, actor=None, now=NOW)
    closed = Assignment.all_objects.get(pk=science.pk)
    assert closed.closed_at == NOW
    assert ProgressReport.objects.filter(assignment=closed).count() == 2
    assert _roles(sub) == {(JUSTICE, "lead"), (FINANCE, "co")}  # open ones only

    data = read_and_resolve(write_xlsx(tmp_path / "v3.xlsx", small_rows(lead=SCIENCE, co=FINANCE)))
    change = next(c for c in plan_import_preview(plan_data=data, plan=plan).changes if c.code == "1.1")
    assert f"{SCIENCE}: giao lại (chủ trì), mở lại phân công đã đóng — giữ 2 báo cáo" in [
        m.sentence for m in change.moves
    ]
    plan_import_apply(plan_data=data, plan=plan, actor=None, now=NOW)
    assert Assignment.objects.get(pk=science.pk).closed_at is None
    assert Assignment.all_objects.filter(subtask=sub).count() == 3  # Justice's closed row stays


def test_a_sub_task_dropped_from_the_workbook_has_its_assignments_closed_not_deleted(tmp_path):
    load_registry()
    plan, _ = _import(tmp_path, small_rows())
    sub = SubTask.objects.get(plan=plan, code="1.2")
    lead = Assignment.objects.get(subtask=sub, role="lead")
    _report_on(lead, plan, n=1)

    data = read_and_resolve(write_xlsx(tmp_path / "short.xlsx", small_rows()[:2]))
    preview = plan_import_preview(plan_data=data, plan=plan)
    assert [(c.code, [m.sentence for m in c.moves]) for c in preview.retired] == [
        ("1.2", [f"{SCIENCE}: thôi giao (chủ trì), phân công được đóng, không xoá — giữ 1 báo cáo"])
    ]
    assert not preview.is_empty
    plan_import_apply(plan_data=data, plan=plan, actor=None, now=NOW)
    assert SubTask.objects.filter(pk=sub.pk).exists()
    assert not Assignment.objects.filter(subtask=sub).exists()
    assert Assignment.all_objects.get(pk=lead.pk).closed_at == NOW
    assert ProgressReport.objects.filter(assignment_id=lead.pk).count() == 1
    # The same short workbook again: nothing left to close.
    again = plan_import_preview(plan_data=data, plan=plan)
    assert again.is_empty and again.retired == []


def test_a_closed_assignment_leaves_the_units_work_list(tmp_path):
    load_registry()
    plan, _ = _import(tmp_path, small_rows(lead=SCIENCE))
    plan.status = "in_force"
    plan.save()
    staff = UserFactory(unit=Unit.objects.get(name=SCIENCE), roles=[Role.STAFF])
    assert my_tasks(user=staff, today=NOW.date())["total"] == 2
    _import(
        tmp_path,
        small_rows(lead=JUSTICE),
        plan=plan,
        name="v2.xlsx",
        amendment_number="5/KH-BCĐ",
        amendment_date=datetime.date(2025, 12, 8),
    )
    assert my_tasks(user=staff, today=NOW.date())["total"] == 0


def test_the_command_re_imports_an_amended_workbook_and_says_each_change(tmp_path, capsys):
    load_registry()
    path = write_xlsx(tmp_path / "p.xlsx", small_rows(lead=SCIENCE, co=FINANCE))
    call_command("import_plan", str(path), "--plan-code", "9-KH/BCĐ")
    amended = small_rows(deadline="31/03/2026", lead=FINANCE, co=SCIENCE)
    amended[2][1] = "1.2 Tiểu nhiệm vụ hai (đã sửa)"
    amended.append([None, "1.3 Tiểu nhiệm vụ mới", "", "", JUSTICE, "", "Năm 2026"])
    capsys.readouterr()
    # A changed workbook made the command fail on a lazy label joined into the summary.
    call_command("import_plan", str(write_xlsx(tmp_path / "p2.xlsx", amended)), "--plan-code", "9-KH/BCĐ")
    out = capsys.readouterr().out
    assert "Thời hạn: 31/12/2025 → 31/03/2026" in out
    assert "Nội dung: Tiểu nhiệm vụ hai → Tiểu nhiệm vụ hai (đã sửa)" in out
    assert f"{FINANCE}: phối hợp → chủ trì" in out
    assert "+ Tiểu nhiệm vụ 1.3" in out
    sub = SubTask.objects.get(code="1.1")
    assert _roles(sub) == {(FINANCE, "lead"), (SCIENCE, "co")}
    assert sub.deadline == datetime.date(2026, 3, 31)
    assert Plan.objects.count() == 1


def test_the_command_refuses_to_import_the_same_appendix_as_a_second_plan(tmp_path, capsys):
    load_registry()
    path = write_xlsx(tmp_path / "p.xlsx", small_rows())
    call_command("import_plan", str(path), "--plan-code", "9-KH/BCĐ")
    with pytest.raises(CommandError, match="--plan-code 9-KH/BCĐ"):
        call_command("import_plan", str(path), "--plan-code", "10-KH/BCĐ")
    assert "phụ lục đã có trong kế hoạch" in capsys.readouterr().out
    assert Plan.objects.count() == 1
    call_command("import_plan", str(path), "--plan-code", "10-KH/BCĐ", "--allow-duplicate")
    assert Plan.objects.count() == 2

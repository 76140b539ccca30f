"""Issue 21's audit, on the demo: after a re-import on 07/12/2026 moved 2.1's deadline and added a lead
unit to 1.2, the January report regenerated for its cut-off has the inputs checksum it was archived with."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.archive import GeneratedReport
from reports.assembly import assemble, inputs_sha256, resolve_scope
from tasks.exporting import plan_to_workbook
from tasks.importing import read_and_resolve
from tasks.models import Assignment, Plan, SubTask
from tasks.services import plan_import_apply

pytestmark = pytest.mark.django_db


def test_the_demo_january_report_is_the_same_after_an_amendment(tmp_path):
    call_command(
        "load_demo", "--with-users", "--now", "2026-02-10T10:00", "--months", "3", "--communes", "3",
        "--report-months", "1", verbosity=0,
    )  # fmt: skip
    plan = Plan.objects.get()
    archived = GeneratedReport.objects.get()
    assert archived.period.start == datetime.date(2026, 1, 1)
    scope = resolve_scope(kind=archived.kind, period=archived.period, plan=archived.plan, unit=archived.unit)
    assert inputs_sha256(assemble(scope)) == archived.inputs_sha256

    workbook = plan_to_workbook(plan)
    for row in workbook.active.iter_rows(min_row=5):
        text = str(row[1].value or "")
        if text.startswith("2.1 "):
            row[6].value = "31/12/2026"
        if text.startswith("1.2 "):
            row[4].value = f"{row[4].value}, Sở Tư pháp"
    path = tmp_path / "phu-luc-sua-doi.xlsx"
    workbook.save(path)
    _, diff = plan_import_apply(
        plan_data=read_and_resolve(path),
        plan=plan,
        actor=None,
        amendment_number="125/KH-BCĐ",
        amendment_date=datetime.date(2026, 12, 5),
        now=timezone.make_aware(datetime.datetime(2026, 12, 7, 10, 0)),
    )
    assert {c.code for c in diff.updates} >= {"1.2", "2.1"}
    assert SubTask.objects.get(plan=plan, code="2.1").deadline == datetime.date(2026, 12, 31)
    assert Assignment.objects.filter(
        subtask__plan=plan, subtask__code="1.2", unit__name="Sở Tư pháp"
    ).exists()

    again = assemble(
        resolve_scope(kind=archived.kind, period=archived.period, plan=archived.plan, unit=archived.unit)
    )
    assert inputs_sha256(again) == archived.inputs_sha256
    assert again == archived.inputs

import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from tasks.exporting import HEADERS, plan_to_dict
from tasks.importing import read_and_resolve
from tasks.services import plan_import_apply

from ._import_helpers import load_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(appendix_xlsx, appendix_json):
    load_registry()
    meta = json.loads(appendix_json.read_text(encoding="utf-8"))["plan"]
    plan, _ = plan_import_apply(
        plan_data=read_and_resolve(appendix_xlsx), actor=None, title=meta["title"], issuer=meta["issuer"]
    )
    return plan


def test_export_plan_json_to_a_file_equals_the_fixture(plan, appendix_json, tmp_path):
    out = tmp_path / "plan.json"
    call_command("export_plan", str(plan.pk), "--format", "json", "--output", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(
        appendix_json.read_text(encoding="utf-8")
    )


def test_a_plan_with_a_code_is_found_by_code_and_exports_it(plan, capsys):
    plan.code = "1-KH/BCĐ"
    plan.save()
    call_command("export_plan", "1-KH/BCĐ", "--format", "json")
    assert json.loads(capsys.readouterr().out)["plan"]["code"] == "1-KH/BCĐ"


def test_export_xlsx_has_the_seven_columns_merged_tasks_and_text_deadlines(plan, tmp_path):
    out = tmp_path / "plan.xlsx"
    call_command("export_plan", str(plan.pk), "--format", "xlsx", "--output", str(out))
    sheet = openpyxl.load_workbook(out).active
    assert [sheet.cell(row=4, column=c).value for c in range(1, 8)] == HEADERS
    assert sheet["A5"].value == "I. Về chuyển đổi số"
    assert sheet["B6"].value.startswith("1.1 Rà soát")
    assert "A6:A7" in {str(r) for r in sheet.merged_cells.ranges}
    deadlines = [sheet.cell(row=r, column=7).value for r in range(5, sheet.max_row + 1)]
    assert "Thường xuyên" in deadlines
    assert "31/12/2025 Riêng CSDL về tổ chức đảng, đảng viên, CBCC (31/12/2026)" in deadlines
    assert sheet.max_row == 4 + 2 + 50  # header rows, two section rows, one row per sub-task


def test_export_of_an_unknown_plan_is_an_error():
    with pytest.raises(CommandError, match="Không có kế hoạch"):
        call_command("export_plan", "999", "--format", "json")


def test_the_json_schema_keys_and_order(plan):
    data = plan_to_dict(plan)
    assert list(data) == ["plan", "sections"]
    sub = data["sections"][0]["tasks"][0]["subtasks"][0]
    assert list(sub) == [
        "code",
        "title",
        "output",
        "kpi",
        "lead_units",
        "co_units",
        "deadline_text",
        "deadline",
        "ongoing",
    ]

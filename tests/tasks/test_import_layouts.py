"""Layouts offices really use (tests/tasks/layouts.py): each reads to the same plan, with no
error, and the preview says how each column was understood."""

import pytest
from django.urls import reverse

from tasks.importing import read_and_resolve, read_plan_workbook
from tasks.models import Assignment, Plan
from tasks.services import plan_import_apply

from ._import_helpers import load_registry
from .layouts import EXPECTED_SUBTASKS, LAYOUTS, LETTERED, office_stt, tt_levels
from .test_import_views import _upload, secretariat  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _expected(name):
    codes = LETTERED if name == "office_stt" else {}
    return [(codes.get(code, code), *rest) for code, *rest in EXPECTED_SUBTASKS]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_layout_reads_to_the_same_plan(tmp_path, name):
    plan_data = read_plan_workbook(LAYOUTS[name](tmp_path / f"{name}.xlsx"))
    assert plan_data.errors == []
    assert [(s.code, s.title) for s in plan_data.sections] == [
        ("I", "VỀ CẢI CÁCH THỦ TỤC HÀNH CHÍNH" if name == "office_stt" else "Về cải cách thủ tục hành chính"),
        ("II", "VỀ CHUYỂN ĐỔI SỐ" if name == "office_stt" else "Về chuyển đổi số"),
    ]
    assert [t.code for t in plan_data.general_tasks] == ["1", "2", "3"]
    assert [(s.code, s.title, s.lead_text, s.deadline_text) for s in plan_data.subtasks] == _expected(name)
    assert plan_data.subtasks[0].output == "Báo cáo"


def test_the_office_layout_reads_its_two_row_header_and_number_column(tmp_path):
    plan_data = read_plan_workbook(office_stt(tmp_path / "o.xlsx"))
    assert plan_data.header_row == 3
    understood = {letter: (title, meaning) for letter, title, meaning in plan_data.columns}
    assert understood["A"][0] == "STT" and "“I, II…” là dòng mục" in understood["A"][1]
    assert understood["C"] == (
        "Nhiệm vụ › Nhiệm vụ cụ thể",
        "Tiểu nhiệm vụ (mã ở đầu ô; không có thì đánh số trong nhiệm vụ)",
    )
    assert understood["F"][0] == "Trách nhiệm › Chủ trì"
    assert understood["I"] == ("Ghi chú", "Không dùng")
    # The general task merged down over its sub-tasks; sub-tasks numbered within their task.
    assert [s.code for s in plan_data.general_tasks[2].subtasks] == ["3.a", "3.b"]
    assert plan_data.subtasks[0].kpi == "100% TTHC được rà soát"
    assert plan_data.subtasks[0].co_text == "Sở Tài chính"


def test_the_levels_layout_makes_a_general_task_without_sub_tasks_its_own(tmp_path):
    plan_data = read_plan_workbook(tt_levels(tmp_path / "t.xlsx"))
    task = plan_data.general_tasks[1]
    assert (task.code, task.title, [s.code for s in task.subtasks]) == (
        "2",
        "Xây dựng dự thảo Nghị quyết",
        ["2.1"],
    )
    assert plan_data.general_tasks[0].title == "Hoàn thiện thủ tục hành chính"


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_layout_imports_with_its_units_assigned(tmp_path, name):
    load_registry()
    plan, _ = plan_import_apply(plan_data=read_and_resolve(LAYOUTS[name](tmp_path / "x.xlsx")), actor=None)
    assert plan.subtasks.count() == 5
    assert set(
        Assignment.objects.filter(subtask__plan=plan, role="lead").values_list("unit__name", flat=True)
    ) == {
        "Sở Khoa học và Công nghệ",
        "Sở Tư pháp",
        "Sở Nội vụ",
    }


def test_the_preview_says_how_each_column_was_understood(client, secretariat, tmp_path):  # noqa: F811
    response = _upload(client, office_stt(tmp_path / "phu-luc-van-phong.xlsx"))
    html = client.get(response["Location"]).content.decode()
    assert "Các cột được hiểu như sau" in html
    assert "Nhiệm vụ › Nhiệm vụ chung" in html and "Không dùng" in html
    client.post(reverse("tasks:import_apply", args=[response["Location"].rstrip("/").rsplit("/", 1)[-1]]))
    assert Plan.objects.get().subtasks.count() == 5

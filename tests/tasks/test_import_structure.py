"""How the workbook's layout is understood: headers, sections, merged cells, codes, items, KPIs."""

from decimal import Decimal

import openpyxl
import pytest

from kpis.models import Direction, Measure
from tasks.importing import read_plan_workbook
from tasks.importing.kpi import propose_targets

from ._import_helpers import small_rows, write_xlsx

pytestmark = pytest.mark.django_db


def test_columns_are_found_by_text_in_any_order_with_extra_columns(tmp_path):
    header = [
        "STT",
        "Thời hạn\nhoàn thành",
        "ĐƠN VỊ CHỦ TRÌ",
        "Tiểu nhiệm vụ",
        "Nhiệm vụ tổng quát",
        "Ghi chú",
        "Đơn vị phối hợp",
    ]
    rows = [
        [1, None, None, None, "I. Mục một"],
        [2, "Quý IV/2025", "Sở Y tế", "1.1 Việc một", "1. Nhiệm vụ một", "bỏ qua", "Sở Tài chính"],
    ]
    plan_data = read_plan_workbook(write_xlsx(tmp_path / "x.xlsx", rows, header=header))
    sub = plan_data.subtasks[0]
    assert (sub.code, sub.title, sub.lead_text, sub.co_text, sub.deadline_text) == (
        "1.1",
        "Việc một",
        "Sở Y tế",
        "Sở Tài chính",
        "Quý IV/2025",
    )
    assert [p.message for p in plan_data.warnings] == ["Không có cột: Sản phẩm đầu ra, KPI."]


def test_a_two_row_header_with_a_merged_title(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["KẾ HOẠCH THỬ"])
    sheet.append(
        ["Nhiệm vụ tổng quát", "Tiểu nhiệm vụ", "Sản phẩm", "KPI", "Đơn vị thực hiện", None, "Thời hạn"]
    )
    sheet.append([None, None, None, None, "Chủ trì", "Phối hợp", None])
    sheet.merge_cells("E2:F2")
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"])
    sheet.append(["I. Mục"])
    sheet.append(["1. Nhiệm vụ", "1.1 Việc", "Báo cáo", "100%", "Sở Y tế", "Sở Nội vụ", "Năm 2026"])
    path = tmp_path / "hai-dong.xlsx"
    workbook.save(path)
    plan_data = read_plan_workbook(path)
    assert plan_data.header_row == 2
    assert plan_data.title == "KẾ HOẠCH THỬ"
    sub = plan_data.subtasks[0]
    assert (sub.lead_text, sub.co_text, sub.output) == ("Sở Y tế", "Sở Nội vụ", "Báo cáo")
    assert plan_data.problems == []


def test_title_rows_above_the_header_are_skipped_and_give_the_title(tmp_path):
    path = write_xlsx(
        tmp_path / "t.xlsx",
        small_rows(),
        title_rows=["PHỤ LỤC", "(kèm theo Kế hoạch số …)", "Nhiệm vụ năm 2026"],
    )
    plan_data = read_plan_workbook(path)
    assert plan_data.title == "Nhiệm vụ năm 2026"
    assert plan_data.header_row == 4


def test_sections_merged_general_tasks_and_codes(tmp_path):
    rows = [
        ["I. Về chuyển đổi số"],
        ["1. Nhiệm vụ\nmột dòng\nhai", "1.1 Việc\nmột", "", "", "Sở Y tế", "", "30/11/2025"],
        [None, "1.2. Việc hai", "", "", "Sở Y tế", "", "30/11/2025"],
        ["II. Về khoa học"],
        ["2. Nhiệm vụ hai", "a) Việc chữ", "", "", "Sở Y tế", "", "30/11/2025"],
    ]
    workbook_path = write_xlsx(tmp_path / "m.xlsx", rows)
    workbook = openpyxl.load_workbook(workbook_path)
    workbook.active.merge_cells("A5:A6")
    workbook.save(workbook_path)
    plan_data = read_plan_workbook(workbook_path)
    assert [(s.code, s.title) for s in plan_data.sections] == [
        ("I", "Về chuyển đổi số"),
        ("II", "Về khoa học"),
    ]
    assert [(t.code, t.title) for t in plan_data.general_tasks] == [
        ("1", "Nhiệm vụ một dòng hai"),
        ("2", "Nhiệm vụ hai"),
    ]
    assert [(s.code, s.title) for s in plan_data.subtasks] == [
        ("1.1", "Việc một"),
        ("1.2", "Việc hai"),
        ("2.a", "Việc chữ"),  # numbered within its task: "a)" under every task is no duplicate
    ]


def test_an_unnumbered_subtask_gets_a_number(tmp_path):
    rows = [
        ["I. Mục"],
        ["8. Phối hợp", "Tham mưu văn bản", "Công văn", "", "Văn phòng Tỉnh ủy", "", "30/11/2025"],
    ]
    plan_data = read_plan_workbook(write_xlsx(tmp_path / "n.xlsx", rows))
    assert [(s.code, s.title) for s in plan_data.subtasks] == [("8.1", "Tham mưu văn bản")]
    assert "đánh số “8.1”" in plan_data.warnings[0].message


def test_a_row_listing_several_items_gives_one_subtask_per_item(tmp_path):
    rows = [
        ["I. Mục"],
        [
            "9. Bảo đảm kinh phí",
            "- Dự án A.\n- Dự án B dài\nxuống dòng.\n- Dự án C.",
            "- Sản phẩm A.\n- Sản phẩm B.\n- Sản phẩm C.",
            "100% hoàn thành dự án",
            "Văn phòng Tỉnh",
            "UBND tỉnh",
            "31/12/2025",
        ],
    ]
    plan_data = read_plan_workbook(write_xlsx(tmp_path / "i.xlsx", rows))
    assert [(s.code, s.title, s.output) for s in plan_data.subtasks] == [
        ("9.1", "Dự án A.", "Sản phẩm A."),
        ("9.2", "Dự án B dài xuống dòng.", "Sản phẩm B."),
        ("9.3", "Dự án C.", "Sản phẩm C."),
    ]
    assert {(s.kpi, s.lead_text, s.deadline_text) for s in plan_data.subtasks} == {
        ("100% hoàn thành dự án", "Văn phòng Tỉnh", "31/12/2025")
    }


def test_cells_are_joined_single_spaced_in_nfc(tmp_path):
    import unicodedata

    rows = [
        ["I. Mục"],
        [
            "1. Nhiệm vụ",
            unicodedata.normalize("NFD", "1.1 Số hoá  hồ sơ\n\ntài liệu "),
            "",
            "",
            "Sở Y tế",
            "",
            "Năm 2026",
        ],
    ]
    sub = read_plan_workbook(write_xlsx(tmp_path / "c.xlsx", rows)).subtasks[0]
    assert sub.title == "Số hoá hồ sơ tài liệu"
    assert unicodedata.is_normalized("NFC", sub.title)


@pytest.mark.parametrize(
    ("text", "targets"),
    [
        (
            "100% giấy tờ, kết quả giải quyết TTHC được rà soát",
            [("100", Measure.PERCENT, Direction.AT_LEAST)],
        ),
        ("01 dự thảo Nghị quyết được hoàn thiện", [("1", Measure.COUNT, Direction.AT_LEAST)]),
        (
            "Đề xuất đơn giản hóa/Cắt giảm tối thiểu 10% số lượng TTHC, giảm 30% thời gian thực hiện TTHC",
            [("10", Measure.PERCENT, Direction.AT_LEAST), ("30", Measure.PERCENT, Direction.AT_LEAST)],
        ),
        ("Tiến độ tạo lập CSDL thuộc top 5 tỉnh thành", [("5", Measure.RANK, Direction.AT_MOST)]),
        ("Tối thiểu 12 CSDL trọng yếu được đồng bộ", [("12", Measure.COUNT, Direction.AT_LEAST)]),
        ("Tỷ lệ hồ sơ trễ hạn tối đa 2,5%", [("2.5", Measure.PERCENT, Direction.AT_MOST)]),
        (
            "90% CBCCVC tham gia trên nền tảng https://x.gov.vn/2025 hoàn thành",
            [("90", Measure.PERCENT, Direction.AT_LEAST)],
        ),
        ("100% đơn vị cấp xã đạt chuẩn theo NĐ 118", [("100", Measure.PERCENT, Direction.AT_LEAST)]),
        ("Văn bản được ban hành", []),
    ],
)
def test_kpi_targets_are_proposed_from_the_text(text, targets):
    proposed = [(p.value, p.measure, p.direction) for p in propose_targets(text)]
    assert proposed == [(Decimal(v), m, d) for v, m, d in targets]

"""Appendix workbooks in the layouts offices make, built with openpyxl.

`python -m tests.tasks.layouts` writes them to fixtures/layouts/ (committed, to open in Excel);
the tests build them afresh. Each is the same small plan — 2 sections, 3 general tasks,
5 sub-tasks — so every layout must read to the same tree (sub-task codes as written: "a)"
under task 3 is "3.a").

- office_stt: the layout of issue 20 point 6 — a "STT" running-number column whose section rows
  hold "I", "II" (the section's title in the task column); a two-row header, group labels
  ("Nhiệm vụ", "Kết quả", "Trách nhiệm") merged above the column names, "Thời hạn" and "STT"
  merged down; general tasks and sub-tasks in separate columns, the general task merged down
  over its sub-tasks; sub-tasks unnumbered or numbered within their task ("1.", "a)").
- tt_levels: a "TT" column giving each row's level ("I", "1", "1.1"), one "Nội dung nhiệm vụ"
  column for general tasks and sub-tasks (the layout of seed 000's task list), the output last;
  a general task without sub-tasks is its own sub-task.
"""

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

TITLE = "PHỤ LỤC\nPhân công nhiệm vụ phát triển khoa học, công nghệ và chuyển đổi số"

# The tree every layout reads to: (section code, title, [(task code, title, [sub-task rows])]).
SCIENCE, FINANCE, JUSTICE, HOME = "Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Tư pháp", "Sở Nội vụ"
EXPECTED_SUBTASKS = [
    ("1.1", "Rà soát thủ tục hành chính", SCIENCE, "Quý IV/2025"),
    ("1.2", "Công khai kết quả rà soát", SCIENCE, "31/12/2025"),
    ("2.1", "Xây dựng dự thảo Nghị quyết", JUSTICE, "Thường xuyên"),
    ("3.1", "Tổ chức hội nghị chuyển đổi số", HOME, "Tháng 11/2025"),
    ("3.2", "Tổng kết, đánh giá", HOME, "Năm 2026"),
]
LETTERED = {"3.1": "3.a", "3.2": "3.b"}  # office_stt numbers task 3's sub-tasks "a)", "b)"


def _bold_header(sheet, first_row, last_row, width):
    for row in sheet.iter_rows(min_row=first_row, max_row=last_row, max_col=width):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def office_stt(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Phụ lục"
    sheet.append([TITLE])
    sheet.append([])
    # Row 3-4: the two-row header.
    sheet.append(
        ["STT", "Nhiệm vụ", None, "Kết quả", None, "Trách nhiệm", None, "Thời hạn hoàn thành", "Ghi chú"]
    )
    sheet.append([None, "Nhiệm vụ chung", "Nhiệm vụ cụ thể", "Sản phẩm", "Chỉ tiêu", "Chủ trì", "Phối hợp"])
    for cells in ("A3:A4", "B3:C3", "D3:E3", "F3:G3", "H3:H4", "I3:I4"):
        sheet.merge_cells(cells)
    _bold_header(sheet, 3, 4, 9)
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"])
    rows = [
        ["I", "VỀ CẢI CÁCH THỦ TỤC HÀNH CHÍNH"],
        [
            1,
            "Hoàn thiện thủ tục hành chính",
            "Rà soát thủ tục hành chính",
            "Báo cáo",
            "100% TTHC được rà soát",
            SCIENCE,
            FINANCE,
            "Quý IV/2025",
        ],
        [None, None, "Công khai kết quả rà soát", "Văn bản", "", SCIENCE, "", "31/12/2025"],
        [
            2,
            "Hoàn thiện thể chế",
            "1. Xây dựng dự thảo Nghị quyết",
            "Nghị quyết",
            "01 dự thảo Nghị quyết",
            JUSTICE,
            "",
            "Thường xuyên",
        ],
        ["II", "VỀ CHUYỂN ĐỔI SỐ"],
        [
            3,
            "Nâng cao nhận thức",
            "a) Tổ chức hội nghị chuyển đổi số",
            "Hội nghị",
            "02 hội nghị",
            HOME,
            SCIENCE,
            "Tháng 11/2025",
        ],
        [None, None, "b) Tổng kết, đánh giá", "Báo cáo", "", HOME, "", "Năm 2026", "Cuối năm"],
    ]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("B7:B8")  # the general task merged down over its two sub-tasks
    sheet.merge_cells("B11:B12")
    sheet.merge_cells("A7:A8")
    sheet.merge_cells("A11:A12")
    sheet.merge_cells("B6:H6")  # a section row spans the table
    sheet.merge_cells("B10:H10")
    workbook.save(path)
    return path


def tt_levels(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh mục"
    sheet.append(["DANH MỤC NHIỆM VỤ NĂM 2026"])
    sheet.append(
        ["TT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành", "Sản phẩm"]
    )
    _bold_header(sheet, 2, 2, 6)
    rows = [
        ["I", "Về cải cách thủ tục hành chính"],
        ["1", "Hoàn thiện thủ tục hành chính:"],
        ["1.1", "Rà soát thủ tục hành chính", SCIENCE, FINANCE, "Quý IV/2025", "Báo cáo"],
        ["1.2", "Công khai kết quả rà soát", SCIENCE, None, "31/12/2025", "Văn bản"],
        ["2", "Xây dựng dự thảo Nghị quyết", JUSTICE, None, "Thường xuyên", "Nghị quyết"],
        ["II", "Về chuyển đổi số"],
        ["3", "Nâng cao nhận thức"],
        ["3.1", "Tổ chức hội nghị chuyển đổi số", HOME, SCIENCE, "Tháng 11/2025", "Hội nghị"],
        ["3.2", "Tổng kết, đánh giá", HOME, None, "Năm 2026", "Báo cáo"],
    ]
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


LAYOUTS = {"office_stt": office_stt, "tt_levels": tt_levels}


if __name__ == "__main__":
    folder = Path(__file__).resolve().parents[2] / "fixtures" / "layouts"
    folder.mkdir(parents=True, exist_ok=True)
    for name, build in LAYOUTS.items():
        print(build(folder / f"{name}.xlsx"))

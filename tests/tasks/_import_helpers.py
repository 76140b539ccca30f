"""Shared by the import tests: the units registry and a builder of real .xlsx files."""

from pathlib import Path

import openpyxl

from units.loading import DEMO_COMMUNES_CSV, UNITS_CSV, load_units

HEADER = [
    "(1) Mã Nhiệm vụ Tổng quát",
    "(2) Tiểu Nhiệm vụ (Con)\n(Rõ Việc)",
    "(3) Sản phẩm Đầu ra Bắt buộc\n(Rõ Kết quả)",
    "(4) KPI Đo lường Hiệu quả\n(Định lượng)",
    "(5) Đơn vị Chủ trì\n(Rõ người)",
    "(6) Đơn vị phối hợp",
    "(7) Thời hạn Hoàn thành\n(Rõ Thời gian)",
]


def load_registry():
    return load_units([UNITS_CSV, DEMO_COMMUNES_CSV])


def write_xlsx(path: Path, rows, *, title_rows=("PHỤ LỤC", "Nhiệm vụ thử nghiệm"), header=HEADER) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for text in title_rows:
        sheet.append([text])
    if header is not None:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def small_rows(deadline="31/12/2025", lead="Sở Khoa học và Công nghệ", co="Sở Tài chính"):
    return [
        ["I. Về chuyển đổi số"],
        ["1. Nhiệm vụ tổng quát một", "1.1 Tiểu nhiệm vụ một", "Báo cáo", "100% TTHC được rà soát", lead, co, deadline],
        [None, "1.2 Tiểu nhiệm vụ hai", "Văn bản", "01 dự thảo", lead, "", "Thường xuyên"],
    ]

"""Excel workbooks of a report: the appendix with its progress, one sheet per section (the
narrative, Bảng 1–3 and the appendix's lists beside them: reports.excel_report).

Every text cell goes through `write_formula_safe`: a value that a spreadsheet would take for a
formula (starting with =, +, -, @, or a tab or carriage return before one) is stored as a
string cell with Excel's "quote prefix" flag. In the file it is then plain text, not a
formula (`<f>`); Excel and LibreOffice show it unchanged and keep it text when the cell is
edited (the flag is what typing a leading apostrophe sets). Prepending a visible apostrophe,
as one does for CSV, would change what the reader sees and what a re-import reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from nq57portal.exporting import looks_like_formula
from reports.document import AppendixRow, AppendixSection, OfficialReport

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
COUNT_FORMAT = "#,##0"  # grouped by the reader's locale: 1.034 in a Vietnamese Excel
INVALID_SHEET_CHARS = _INVALID_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


def write_formula_safe(cell: Cell, value: object) -> Cell:
    """Put `value` in `cell`; text that looks like a formula stays text (see the module doc).

    Dates get the dd/mm/yyyy format; Decimals are written as numbers; line ends become "\n"
    (a cell's line break, and what XML gives back for a carriage return anyway).
    """
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    cell.value = value
    if isinstance(value, str) and (looks_like_formula(value) or cell.data_type != "s"):
        # openpyxl marks any text starting with "=" as a formula; undo that and flag it
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    wrap: bool = False


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
TOP = Alignment(vertical="top")


def write_table(ws: Worksheet, columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> int:
    """A header row (frozen, with filters) and the rows under it; returns the number of rows."""
    for n, col in enumerate(columns, start=1):
        cell = write_formula_safe(ws.cell(row=1, column=n), col.title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        ws.column_dimensions[get_column_letter(n)].width = col.width
    count = 0
    for r, values in enumerate(rows, start=2):
        count += 1
        for n, (col, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = write_formula_safe(ws.cell(row=r, column=n), value)
            cell.alignment = WRAP if col.wrap else TOP
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


# The seven columns of the plan's appendix (the sub-task's code split out of its title so the
# sheet sorts and filters by it), then the progress as of the cut-off.
APPENDIX_COLUMNS = (
    Column("Nhiệm vụ tổng quát", 40, wrap=True),
    Column("Mã", 8),
    Column("Tiểu nhiệm vụ", 50, wrap=True),
    Column("Sản phẩm đầu ra", 36, wrap=True),
    Column("KPI", 34, wrap=True),
    Column("Đơn vị chủ trì", 26, wrap=True),
    Column("Đơn vị phối hợp", 26, wrap=True),
    Column("Thời hạn", 13),
    Column("Trạng thái", 16, wrap=True),
    Column("Hoàn thành (%)", 12),
    Column("Báo cáo gần nhất", 14),
    Column("Số minh chứng", 11),
    Column("Cảnh báo", 30, wrap=True),
)


_WRITTEN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def deadline_cell(row: AppendixRow) -> date | str:
    """A date cell (the sheet sorts and filters by it) when the appendix writes the deadline as that
    date alone; otherwise the PDF's words ("30/9/2025 (đã thực hiện)", a second deadline, an
    approved change), which a date would lose."""
    if row.deadline is None or row.deadline_change:
        return row.deadline_label
    text = row.deadline_text.strip()
    written = _WRITTEN_DATE.fullmatch(text)
    day = row.deadline
    if not text or (written and tuple(map(int, written.groups())) == (day.day, day.month, day.year)):
        return day
    return row.deadline_label


def appendix_row_values(row: AppendixRow) -> tuple:
    # the PDF's column: a number once approved (or while in progress), else its words
    completion = row.completion_cell
    return (
        row.general_task,
        row.code,
        row.subtask,
        row.output,
        row.kpi,
        row.lead_unit,
        row.co_units,
        deadline_cell(row),
        row.status,
        completion,
        row.latest_report,
        row.evidence_count,
        "; ".join(row.flags),
    )


def sheet_title(section: AppendixSection, taken: set[str], *, prefix: str = "") -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\, unique; `prefix` (a plan's
    number) kept whole, the heading cut after it."""
    base = " ".join(section.heading.translate(_INVALID_SHEET_CHARS).split()).strip("'") or "Phần"
    room = 31 - len(prefix)
    if len(base) > room:
        # cut at a word, not inside one ("… đổi mới" rather than "… đổ")
        base = base[: room - 1].rsplit(" ", 1)[0].rstrip(",;.-") + "…"
    base = prefix + base
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def report_facts(doc: OfficialReport) -> list[tuple[str, object]]:
    """The "Thông tin báo cáo" sheet: what the PDF states, in its words.

    The cut-off is written as the PDF's footer prints it, as text: as a date cell its last
    microsecond of the day would be rounded by the spreadsheet to the next midnight. The counts
    are the body's ("50 tiểu nhiệm vụ với 1.034 lượt giao chủ trì cho 121 đơn vị"), not the
    number of appendix rows, where a group of units shares one row.
    """
    appendix = doc.appendix
    facts: list[tuple[str, object]] = [
        ("Cơ quan ban hành", doc.issuing_body),
        ("Số, ký hiệu", doc.number_line.removeprefix("Số: ").strip()),
        ("Ngày", doc.date),
        ("Trích yếu", f"{doc.document_type} {doc.title}"),
        ("Số liệu tính đến", doc.cut_off_label),
        ("Mã kiểm tra SHA-256", doc.sha256),
    ]
    counts = (
        ("Số tiểu nhiệm vụ", appendix.subtask_count if appendix else None),
        ("Số lượt giao chủ trì", appendix.assignment_count if appendix else None),
        ("Số đơn vị chủ trì", appendix.unit_count if appendix else None),
    )
    facts += [(label, n) for label, n in counts if n is not None]
    return facts


# The budget lines as of the cut-off, amounts in đồng (numbers the reader can add up).
BUDGET_COLUMNS = (
    Column("Mục", 30, wrap=True),
    Column("Mã", 8),
    Column("Tiểu nhiệm vụ", 44, wrap=True),
    Column("Đơn vị chủ trì", 26, wrap=True),
    Column("Loại chi", 20),
    Column("Cấp ngân sách", 20),
    Column("Năm", 7),
    Column("Dự toán được giao (đồng)", 20),
    Column("Đã giải ngân (đồng)", 20),
    Column("Tỷ lệ giải ngân (%)", 12),
)
MONEY_FORMAT = "#,##0"


def budget_row_values(row: dict) -> tuple:
    return (
        row["section"],
        row["code"],
        row["subtask"],
        row["unit"],
        row["kind"],
        row["level"],
        row["year"],
        int(Decimal(row["allocated"])),
        int(Decimal(row["disbursed"])),
        None if row["rate"] is None else Decimal(row["rate"]),
    )


def build_appendix_workbook(doc: OfficialReport, inputs: dict | None = None) -> Workbook:
    """One sheet per appendix section, then the budget lines when the report has a budget (`inputs`:
    the assembled inputs), then a sheet saying which report it belongs to."""
    from .excel_report import PLAN_COLUMN, add_report_sheets, many_plans, section_sheet_title

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    add_report_sheets(wb, doc, taken)
    sections = doc.appendix.sections if doc.appendix else ()
    with_plan = many_plans(doc)
    for section in sections:
        ws = wb.create_sheet(section_sheet_title(section, taken, with_plan=with_plan))
        rows = ((section.plan, *appendix_row_values(r)) for r in section.rows)
        write_table(ws, (PLAN_COLUMN, *APPENDIX_COLUMNS), rows)
    inputs = inputs or {}
    if inputs.get("budget_lines"):
        ws = wb.create_sheet(sheet_title(AppendixSection(code="", title="Kinh phí"), taken))
        write_table(ws, BUDGET_COLUMNS, (budget_row_values(r) for r in inputs["budget_lines"]))
        for row in ws.iter_rows(min_row=2, min_col=8, max_col=9):
            for cell in row:
                cell.number_format = MONEY_FORMAT
    info = wb.create_sheet(sheet_title(AppendixSection(code="", title="Thông tin báo cáo"), taken))
    write_table(info, (Column("Mục", 28), Column("Nội dung", 90, wrap=True)), report_facts(doc))
    for (cell,) in info.iter_rows(min_row=2, min_col=2, max_col=2):
        if isinstance(cell.value, int):
            cell.number_format = COUNT_FORMAT
    info.auto_filter.ref = None
    wb.properties.title = f"{doc.document_type} {doc.title}"
    wb.properties.creator = doc.issuing_body
    return wb


def appendix_workbook_bytes(doc: OfficialReport, inputs: dict | None = None) -> bytes:
    """The workbook's bytes: the same for the same report (see reports.excel_report)."""
    from .excel_report import stable_bytes

    when = datetime(doc.date.year, doc.date.month, doc.date.day)
    return stable_bytes(build_appendix_workbook(doc, inputs), when=when)


__all__ = [
    "APPENDIX_COLUMNS",
    "Column",
    "appendix_row_values",
    "appendix_workbook_bytes",
    "build_appendix_workbook",
    "looks_like_formula",
    "report_facts",
    "write_formula_safe",
    "write_table",
]

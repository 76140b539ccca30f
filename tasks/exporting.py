"""A plan back out: as the appendix JSON schema, and as a workbook in the 7-column layout.

The workbook is written so that importing it gives the same plan again (import → export →
import changes nothing): every sub-task carries its code, unit names are written as they were
read, and the deadline is written as its text when one was kept.
"""

from __future__ import annotations

import io
import json

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from kpis.models import Kpi

from .importing.deadlines import format_date
from .models import GeneralTask, Plan, SubTask

HEADERS = [
    "(1) Mã Nhiệm vụ Tổng quát",
    "(2) Tiểu Nhiệm vụ (Con)\n(Rõ Việc)",
    "(3) Sản phẩm Đầu ra Bắt buộc\n(Rõ Kết quả)",
    "(4) KPI Đo lường Hiệu quả\n(Định lượng)",
    "(5) Đơn vị Chủ trì\n(Rõ người)",
    "(6) Đơn vị phối hợp",
    "(7) Thời hạn Hoàn thành\n(Rõ Thời gian)",
]
WIDTHS = [34, 30, 24, 24, 18, 18, 16]


def _tree(plan: Plan):
    """Sections → general tasks → sub-tasks → KPIs in four queries, whatever the plan's size."""
    # The appendix as it stands: a sub-task an amendment removed is not in it (re-importing the
    # export would otherwise bring it back).
    subtasks = (
        SubTask.objects.filter(closed_at__isnull=True)
        .order_by("order", "pk")
        .prefetch_related(Prefetch("kpis", queryset=Kpi.objects.order_by("order", "pk")))
    )
    tasks = GeneralTask.objects.order_by("order", "pk").prefetch_related(
        Prefetch("subtasks", queryset=subtasks)
    )
    return plan.sections.order_by("order", "pk").prefetch_related(Prefetch("general_tasks", queryset=tasks))


def _kpi_text(subtask: SubTask) -> str:
    return "\n".join(k.text for k in subtask.kpis.all())


def plan_to_dict(plan: Plan) -> dict:
    """The plan in the schema of shared/fixtures/plan_07_appendix.json."""
    sections: list[dict] = []
    for section in _tree(plan):
        tasks = []
        for task in section.general_tasks.all():
            tasks.append(
                {
                    "code": task.code,
                    "title": task.title,
                    "subtasks": [
                        {
                            "code": sub.code,
                            "title": sub.title,
                            "output": sub.output,
                            "kpi": _kpi_text(sub),
                            "lead_units": list(sub.lead_names),
                            "co_units": list(sub.co_names),
                            "deadline_text": sub.deadline_text,
                            "deadline": sub.deadline.isoformat() if sub.deadline else None,
                            "ongoing": sub.ongoing,
                        }
                        for sub in task.subtasks.all()
                    ],
                }
            )
        sections.append({"code": section.code, "title": section.title, "tasks": tasks})
    return {
        "plan": {"code": plan.code or None, "title": plan.title, "issuer": plan.issuer},
        "sections": sections,
    }


def plan_to_json(plan: Plan) -> str:
    return json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2)


def _deadline_cell(sub: SubTask):
    if sub.deadline_text:
        return sub.deadline_text
    if sub.deadline:
        return format_date(sub.deadline)
    return "Thường xuyên" if sub.ongoing else ""


def plan_to_workbook(plan: Plan) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phụ lục"
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)

    def title_row(row: int, text: str, *, font=bold) -> None:
        sheet.cell(row=row, column=1, value=text).font = font
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center", wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)

    title_row(1, "PHỤ LỤC")
    title_row(
        2,
        f"(kèm theo Kế hoạch số {plan.code or '…'}{' của ' + plan.issuer if plan.issuer else ''})",
        font=Font(italic=True),
    )
    title_row(3, plan.title)
    for col, (header, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        cell = sheet.cell(row=4, column=col, value=header)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A5"

    row = 5
    for section in _tree(plan):
        cell = sheet.cell(row=row, column=1, value=f"{section.code}. {section.title}")
        cell.font = bold
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        row += 1
        for task in section.general_tasks.all():
            first = row
            subtasks = list(task.subtasks.all())
            sheet.cell(row=row, column=1, value=f"{task.code}. {task.title}")
            for sub in subtasks:
                values = [
                    f"{sub.code} {sub.title}",
                    sub.output,
                    _kpi_text(sub),
                    ", ".join(sub.lead_names),
                    ", ".join(sub.co_names),
                    _deadline_cell(sub),
                ]
                for col, value in enumerate(values, start=2):
                    # Text, never a formula: a title starting with "=" stays text in Excel.
                    cell = sheet.cell(row=row, column=col, value=value or None)
                    if isinstance(value, str) and value.startswith("="):
                        cell.data_type = "s"
                row += 1
            if not subtasks:
                row += 1
            if row - 1 > first:
                sheet.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
            for r in range(first, row):
                for col in range(1, 8):
                    sheet.cell(row=r, column=col).alignment = wrap
                    sheet.cell(row=r, column=col).border = border
    return workbook


def plan_to_xlsx_bytes(plan: Plan) -> bytes:
    buffer = io.BytesIO()
    plan_to_workbook(plan).save(buffer)
    return buffer.getvalue()

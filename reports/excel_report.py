"""The parts of the report's workbook beside its appendix: the narrative, Bảng 1–3, the lists the
body sent to the appendix, plan numbers in sheet names and a plan column, and bytes that depend on
the report alone.

A clerk files the workbook beside the signed PDF, so it carries what the PDF states (not only the
appendix rows), in the PDF's words and figures; the archive keeps its SHA-256. Generated twice from
the same inputs it is the same file, byte for byte: openpyxl stamps the time of saving in the
document properties and in every entry of the zip, and both are set here from the report's date.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.document import AppendixList, AppendixSection, FigureTable, Heading, OfficialReport, Paragraph

from .excel import (
    COUNT_FORMAT,
    HEADER_ALIGNMENT,
    HEADER_FILL,
    HEADER_FONT,
    INVALID_SHEET_CHARS,
    TOP,
    WRAP,
    Column,
    write_formula_safe,
    write_table,
)

PLAN_COLUMN = Column("Kế hoạch", 16, wrap=True)
NARRATIVE_COLUMNS = (
    Column("Phần", 34, wrap=True),
    Column("Mục", 30, wrap=True),
    Column("Nội dung", 100, wrap=True),
)
LIST_COLUMNS = (Column("STT", 7), Column("Nội dung", 130, wrap=True))
BOLD = Font(bold=True)
# A plan's number as a sheet name can hold it (no "/"), or the start of its name.
PLAN_PREFIX_MAX = 14
_TABLE_NUMBER = re.compile(r"^(Bảng \d+)\.?")


# Sheet names ----------------------------------------------------------------------------------


def many_plans(doc: OfficialReport) -> bool:
    return len({s.plan for s in doc.appendix.sections}) > 1 if doc.appendix else False


def plan_prefix(plan: str) -> str:
    """ "07-KH/BCĐ" → "07-KH-BCĐ"; a plan known only by its name → its first words."""
    text = " ".join(plan.translate(INVALID_SHEET_CHARS).split())
    if len(text) <= PLAN_PREFIX_MAX:
        return text
    return text[: PLAN_PREFIX_MAX - 1].rsplit(" ", 1)[0].rstrip(",;.-") + "…"


def section_sheet_title(section: AppendixSection, taken: set[str], *, with_plan: bool) -> str:
    """An appendix section's sheet: its heading, led by its plan's number in a workbook of several
    plans ("07-KH-BCĐ I. Về chuyển đổi…"), so that 61 sheets of four plans can be told apart."""
    from .excel import sheet_title

    if not (with_plan and section.plan):
        return sheet_title(section, taken)
    prefix = plan_prefix(section.plan)
    heading = section.heading.removesuffix(f" ({section.plan})")
    return sheet_title(AppendixSection(code="", title=heading), taken, prefix=prefix + " ")


# The sheets -----------------------------------------------------------------------------------


def _tables(doc: OfficialReport) -> list[tuple[str, FigureTable]]:
    """(sheet name, table): Bảng 1–3 of the body, then the complete ones of the appendix."""
    out = []
    for section in doc.sections:
        for block in section.blocks:
            if isinstance(block, FigureTable):
                match = _TABLE_NUMBER.match(block.caption)
                out.append((match.group(1) if match else block.caption, block))
    for table in doc.appendix.tables if doc.appendix else ():
        match = re.search(r"Bảng \d+", table.caption)
        out.append((f"{match.group(0)} (đầy đủ)" if match else table.caption, table))
    return out


def write_figure_table(ws: Worksheet, table: FigureTable) -> None:
    """The caption on the first row, the header on the second (frozen), the rows with their
    subtotals and total in bold; figures as numbers, grouped as the PDF groups them."""
    write_formula_safe(ws.cell(row=1, column=1), table.caption).font = BOLD
    for n, title in enumerate(table.columns, start=1):
        cell = write_formula_safe(ws.cell(row=2, column=n), title)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        words = n <= table.label_columns or n - 1 in table.text_columns
        ws.column_dimensions[get_column_letter(n)].width = 44 if words else 13
    rows = [(row, n in table.subtotals) for n, row in enumerate(table.rows)]
    rows += [(table.total, True)] if table.total else []
    for r, (values, bold) in enumerate(rows, start=3):
        for n, value in enumerate(values, start=1):
            cell = write_formula_safe(ws.cell(row=r, column=n), value)
            cell.alignment = WRAP if n <= table.label_columns or n - 1 in table.text_columns else TOP
            if isinstance(value, int):
                cell.number_format = COUNT_FORMAT
            if bold:
                cell.font = BOLD
    if table.note:
        write_formula_safe(ws.cell(row=len(rows) + 4, column=1), table.note)
    ws.freeze_panes = "B3"


def narrative_rows(doc: OfficialReport, table_sheets: dict[int, str]) -> list[tuple[str, str, str]]:
    """(part, heading, text) in the order the PDF prints them; a table is named with its sheet."""
    rows = [("Mở đầu", "", p.text) for p in doc.preamble]
    for section in doc.sections:
        part = f"{section.numeral}. {section.title}"
        heading = ""
        for block in section.blocks:
            if isinstance(block, Heading):
                heading = block.text
            elif isinstance(block, Paragraph):
                rows.append((part, heading, block.text))
            elif isinstance(block, FigureTable):
                rows.append((part, heading, f"{block.caption} (trang tính «{table_sheets[id(block)]}»)."))
    rows += [("Kết thúc", "", p.text) for p in doc.closing]
    return rows


def add_report_sheets(wb: Workbook, doc: OfficialReport, taken: set[str]) -> None:
    """The narrative, then each figure table, then each list the body sent to the appendix."""
    from .excel import sheet_title

    narrative = wb.create_sheet(sheet_title(AppendixSection(code="", title="Nội dung báo cáo"), taken))
    sheets = {}
    for name, table in _tables(doc):
        ws = wb.create_sheet(sheet_title(AppendixSection(code="", title=name), taken))
        write_figure_table(ws, table)
        sheets[id(table)] = ws.title
    write_table(narrative, NARRATIVE_COLUMNS, narrative_rows(doc, sheets))
    narrative.auto_filter.ref = None
    for listed in doc.appendix.lists if doc.appendix else ():
        add_list_sheet(wb, listed, taken)


def add_list_sheet(wb: Workbook, listed: AppendixList, taken: set[str]) -> Worksheet:
    """ "A. Các nhiệm vụ chậm tiến độ …" → sheet "Phụ lục A": the list's title, then one line per row."""
    from .excel import sheet_title

    letter = listed.title.split(".", 1)[0].strip()
    name = f"Phụ lục {letter}" if len(letter) == 1 else listed.title
    ws = wb.create_sheet(sheet_title(AppendixSection(code="", title=name), taken))
    write_formula_safe(ws.cell(row=1, column=1), listed.title).font = BOLD
    for n, column in enumerate(LIST_COLUMNS, start=1):
        cell = write_formula_safe(ws.cell(row=2, column=n), column.title)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        ws.column_dimensions[get_column_letter(n)].width = column.width
    for r, line in enumerate(listed.lines, start=3):
        write_formula_safe(ws.cell(row=r, column=1), r - 2).alignment = TOP
        write_formula_safe(ws.cell(row=r, column=2), line).alignment = WRAP
    ws.freeze_panes = "A3"
    return ws


# The same bytes for the same report ----------------------------------------------------------


def stable_bytes(wb: Workbook, *, when: datetime) -> bytes:
    """The workbook as .xlsx bytes that depend on its content and `when` alone: the document
    properties' created/modified and every zip entry's time are `when` (the report's date), not
    the moment of saving."""
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.xml.functions import tostring

    out = io.BytesIO()
    wb.save(out)
    props: DocumentProperties = wb.properties
    props.created = props.modified = when
    props.lastModifiedBy = props.creator
    core = tostring(props.to_tree())
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(out.getvalue())) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = core if info.filename == "docProps/core.xml" else source.read(info.filename)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)
    return fixed.getvalue()

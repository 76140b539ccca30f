"""Reading the rows under the header into PlanData."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from units.naming import clean_text, search_key

from ..data import GeneralTaskData, ImportFileError, PlanData, SectionData, SubTaskData
from ..deadlines import DeadlineError, parse_deadline
from ..kpi import propose_targets
from ..text import dash_items, parse_code, parse_roman
from .columns import (
    _NUMBERING_CELL,
    COLUMN_PHRASES,
    FIELD_LABELS,
    HEADER_SEARCH_ROWS,
    REQUIRED,
    columns_understood,
    find_header,
)
from .files import open_workbook

EMPTY_ROWS_BEFORE_STOP = 1000


def _cell(cell):
    """(value, is_formula) of a read-only cell."""
    value = getattr(cell, "value", None)
    is_formula = getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("="))
    return value, is_formula


_ROMAN_NUMBER = re.compile(r"^[IVXL]+$")
_INTEGER = re.compile(r"^\d{1,3}$")
_DOTTED = re.compile(r"^\d{1,3}(?:\.\d{1,3})+$")
_LOCAL_CODE = re.compile(r"^(?:\d{1,3}|[a-zđ])$")


class _Reader:
    def __init__(self, plan: PlanData, columns: dict[str, int]):
        self.plan = plan
        self.columns = columns
        self.section: SectionData | None = None
        self.task: GeneralTaskData | None = None
        # The general task's own row in a layout with one task column (the numbers say the level):
        # it is its own sub-task when no sub-task rows follow.
        self.pending: tuple | None = None
        self.task_code_hint = ""
        self.subtask_code_hint = ""

    def finish(self) -> None:
        if self.pending is not None:
            raw, text, number = self.pending
            self.pending = None
            if self.task is not None and not self.task.subtasks:
                self.plan.warn(
                    _("Nhiệm vụ tổng quát không có tiểu nhiệm vụ: lấy chính nhiệm vụ làm tiểu nhiệm vụ."),
                    number,
                )
                self.add_subtasks(
                    {**raw, "subtask": self.task.title}, {**text, "subtask": self.task.title}, number
                )

    def numbered(self, raw: dict, text: dict, number: int) -> bool:
        """A row whose running-number cell says its level; True when the row is fully read."""
        key = text["number"].rstrip(".").strip()
        if _ROMAN_NUMBER.match(key):
            title = text.get("general") or text.get("subtask") or ""
            roman = parse_roman(title)
            self.finish()
            self.start_section(key, roman[1] if roman and roman[0] == key else title, number)
            return True
        if _INTEGER.match(key):
            if "general" in self.columns:
                # A general task's number; on a sub-task row it is only a running count.
                self.task_code_hint = key if text.get("general") else ""
                return False
            self.finish()
            self.task_code_hint = key
            self.start_task(text.get("subtask", "").rstrip(":").strip(), number)
            if any(text.get(f) for f in ("output", "kpi", "lead", "deadline")):
                self.pending = (raw, text, number)
            return True
        if _DOTTED.match(key):
            self.subtask_code_hint = key
        return False

    def row(self, number: int, cells) -> None:
        self.task_code_hint = self.subtask_code_hint = ""
        raw: dict[str, object] = {}
        for field, index in self.columns.items():
            value, is_formula = _cell(cells[index]) if index < len(cells) else (None, False)
            if is_formula:
                letter = get_column_letter(index + 1)
                self.plan.error(
                    _(
                        "Ô %(cell)s (%(column)s) chứa công thức “%(formula)s”. "
                        "Hệ thống không tính công thức: hãy thay bằng giá trị."
                    )
                    % {"cell": f"{letter}{number}", "column": FIELD_LABELS[field], "formula": value},
                    number,
                )
            raw[field] = value
        text = {field: clean_text(value) for field, value in raw.items()}
        filled = [field for field, value in text.items() if value]
        if not filled:
            return
        if text.get("number") and self.numbered(raw, text, number):
            return
        filled = [field for field in filled if field != "number"]
        if not filled:
            return
        if (
            len(filled) == 1
            and (roman := parse_roman(text[filled[0]]))
            and filled[0] in ("general", "subtask")
        ):
            self.start_section(roman[0], roman[1], number)
            return
        if text.get("general"):
            self.finish()
            self.start_task(text["general"], number)
        if text.get("subtask"):
            self.add_subtasks(raw, text, number)
        elif any(text.get(f) for f in ("output", "kpi", "lead", "deadline")):
            if self.task is None:
                self.plan.error(_("Dòng có nội dung nhưng không thuộc nhiệm vụ tổng quát nào."), number)
                return
            self.plan.warn(
                _("Nhiệm vụ tổng quát không có tiểu nhiệm vụ: lấy chính nhiệm vụ làm tiểu nhiệm vụ."), number
            )
            self.add_subtasks(
                {**raw, "subtask": self.task.title}, {**text, "subtask": self.task.title}, number
            )

    def start_section(self, code: str, title: str, number: int) -> None:
        self.finish()
        self.section = SectionData(code=code, title=title, row=number)
        self.plan.sections.append(self.section)
        self.task = None

    def start_task(self, value: str, number: int) -> None:
        code, title = parse_code(value)
        if not code and self.task_code_hint:
            code = self.task_code_hint
        if code and not code.isdigit() and "." not in code and self.task_code_hint:
            code = self.task_code_hint  # "a)" written in the cell, the number column says 3
        if self.section is None:
            self.plan.warn(_("Nhiệm vụ nằm trước mọi mục (I, II…): đưa vào mục “I”."), number)
            self.start_section("I", "Nhiệm vụ", number)
        if not code:
            previous = [int(t.code) for t in self.plan.general_tasks if t.code.isdigit()]
            code = str(max(previous, default=0) + 1)
            self.plan.warn(
                _("Nhiệm vụ tổng quát không có số thứ tự: đánh số “%(code)s”.") % {"code": code}, number
            )
        self.task = GeneralTaskData(code=code, title=title, row=number)
        self.section.tasks.append(self.task)

    def _next_code(self) -> str:
        used = {sub.code for sub in self.task.subtasks}
        n = len(self.task.subtasks) + 1
        while f"{self.task.code}.{n}" in used:
            n += 1
        return f"{self.task.code}.{n}"

    def add_subtasks(self, raw: dict, text: dict, number: int) -> None:
        if self.task is None:
            self.plan.error(
                _("Tiểu nhiệm vụ không thuộc nhiệm vụ tổng quát nào (thiếu cột nhiệm vụ tổng quát)."), number
            )
            return
        code, title = parse_code(text["subtask"])
        if not code and self.subtask_code_hint:
            code = self.subtask_code_hint
        elif code and _LOCAL_CODE.match(code) and not code.startswith(self.task.code + "."):
            # Numbered within its task ("1.", "a)"): the same "1." under every task is no duplicate.
            local = code
            code = f"{self.task.code}.{local}"
            self.plan.warn(
                _("Tiểu nhiệm vụ đánh số “%(local)s” trong nhiệm vụ %(task)s: lấy mã “%(code)s”.")
                % {"local": local, "task": self.task.code, "code": code},
                number,
            )
        # A cell listing several projects, one per "-" line, is one sub-task per project.
        items = dash_items(raw.get("subtask")) if not code else []
        if items:
            outputs = dash_items(raw.get("output"))
            if len(outputs) != len(items):
                outputs = [text.get("output", "")] * len(items)
            entries = list(zip([""] * len(items), items, outputs, strict=True))
        else:
            entries = [(code, title, text.get("output", ""))]
        shared = self._shared_fields(raw, text, number)
        first_code = ""
        for entry_code, entry_title, output in entries:
            if not entry_code:
                entry_code = self._next_code()
                if not items:
                    self.plan.warn(
                        _("Tiểu nhiệm vụ không có số thứ tự: đánh số “%(code)s”.") % {"code": entry_code},
                        number,
                    )
            elif not entry_code.startswith(self.task.code + "."):
                self.plan.warn(
                    _("Mã tiểu nhiệm vụ “%(code)s” không bắt đầu bằng mã nhiệm vụ “%(task)s”.")
                    % {"code": entry_code, "task": self.task.code},
                    number,
                )
            if not entry_title:
                self.plan.error(_("Tiểu nhiệm vụ không có nội dung."), number)
            first_code = first_code or entry_code
            self.task.subtasks.append(
                SubTaskData(code=entry_code, title=entry_title, output=output, row=number, **dict(shared))
            )
        if items:
            self.plan.warn(
                _(
                    "Ô tiểu nhiệm vụ liệt kê %(count)s mục: tách thành %(count)s tiểu nhiệm vụ %(first)s…%(last)s."
                )
                % {"count": len(items), "first": first_code, "last": self.task.subtasks[-1].code},
                number,
            )

    def _shared_fields(self, raw: dict, text: dict, number: int) -> dict:
        kpi = text.get("kpi", "")
        fields = {
            "kpi": kpi,
            "targets": propose_targets(kpi),
            "lead_text": text.get("lead", ""),
            "co_text": text.get("co", ""),
        }
        try:
            deadline = parse_deadline(raw.get("deadline"))
        except DeadlineError as exc:
            self.plan.error(_("Thời hạn không hợp lệ: %(error)s.") % {"error": exc}, number)
            fields["deadline_text"] = text.get("deadline", "")
            return fields
        fields.update(deadline=deadline.date, deadline_text=deadline.text, ongoing=deadline.ongoing)
        if not deadline.text:
            self.plan.warn(_("Chưa có thời hạn hoàn thành."), number)
        elif not deadline.understood:
            self.plan.warn(
                _("Không đọc được ngày từ thời hạn “%(text)s”: giữ nguyên văn, chưa có ngày.")
                % {"text": deadline.text},
                number,
            )
        if not fields["lead_text"]:
            self.plan.warn(_("Chưa có đơn vị chủ trì."), number)
        return fields


def _title_from(rows_above: list[list]) -> str:
    """The plan's title as the rows above the header state it (a default for a new plan)."""
    candidates = []
    for row in rows_above:
        text = next((clean_text(v) for v in row if clean_text(v)), "")
        key = search_key(text)
        if text and not text.startswith("(") and key not in ("phu luc", "bieu mau"):
            candidates.append(text)
    return max(candidates, key=len, default="")


def _check_duplicates(plan: PlanData) -> None:
    def report(kind: str, items) -> None:
        seen: dict[str, int] = {}
        for item in items:
            if item.code in seen:
                plan.error(
                    _("Trùng mã %(kind)s “%(code)s” (đã có ở dòng %(row)s).")
                    % {"kind": kind, "code": item.code, "row": seen[item.code]},
                    item.row,
                )
            else:
                seen[item.code] = item.row

    report(_("mục"), plan.sections)
    report(_("nhiệm vụ tổng quát"), plan.general_tasks)
    report(_("tiểu nhiệm vụ"), plan.subtasks)


def _read_sheet(sheet, head_cells: list, rows_iter, found) -> PlanData:
    header_start, header_end, columns = found
    head = [[getattr(c, "value", None) for c in cells] for cells in head_cells]
    plan = PlanData(sheet_name=sheet.title, header_row=header_start + 1)
    plan.title = _title_from(head[:header_start])
    missing = [
        FIELD_LABELS[f]
        for f in COLUMN_PHRASES
        if f not in columns and not (f == "general" and "number" in columns)
    ]
    if missing:
        plan.warn(_("Không có cột: %(columns)s.") % {"columns": ", ".join(missing)})
    reader = _Reader(plan, columns)
    max_rows = settings.IMPORT_MAX_ROWS
    data_rows = empty_run = 0

    def numbered():
        for index in range(header_end + 1, len(head_cells)):
            yield index + 1, head_cells[index]
        yield from enumerate(rows_iter, start=len(head_cells) + 1)

    for number, cells in numbered():
        values = [getattr(c, "value", None) for c in cells]
        if not any(v not in (None, "") for v in values):
            empty_run += 1
            if empty_run > EMPTY_ROWS_BEFORE_STOP:
                break
            continue
        empty_run = 0
        data_rows += 1
        if data_rows > max_rows:
            limit = f"{max_rows:,}".replace(",", ".")
            raise ImportFileError(
                _(
                    "Trang tính “%(sheet)s” có hơn %(limit)s dòng dữ liệu, vượt quá giới hạn của một phụ lục. "
                    "Hãy tách thành nhiều tệp hoặc xoá các dòng thừa."
                )
                % {"sheet": sheet.title, "limit": limit}
            )
        if number == header_end + 2 and all(
            _NUMBERING_CELL.match(clean_text(v)) for v in values if v not in (None, "")
        ):
            continue  # the "(1) (2) … (7)" numbering row under the header
        reader.row(number, cells)
    reader.finish()
    plan.columns = columns_understood(head[header_start : header_end + 1], columns)
    _check_duplicates(plan)
    if not plan.subtasks and not plan.errors:
        plan.error(_("Không tìm thấy tiểu nhiệm vụ nào dưới dòng tiêu đề."))
    return plan


def read_plan_workbook(source) -> PlanData:
    """Read an appendix workbook. Raises ImportFileError when the file is not a usable appendix;
    problems of single rows are collected in PlanData.problems with their row numbers."""
    workbook = open_workbook(source)
    try:
        for sheet in workbook.worksheets:
            rows_iter = sheet.iter_rows()
            head_cells: list = []
            for cells in rows_iter:
                head_cells.append(cells)
                if len(head_cells) >= HEADER_SEARCH_ROWS + 1:
                    break
            found = find_header([[getattr(c, "value", None) for c in cells] for cells in head_cells])
            if found is not None:
                return _read_sheet(sheet, head_cells, rows_iter, found)
    except ImportFileError:
        raise
    except Exception:  # a damaged sheet part surfaces only while rows are streamed
        raise ImportFileError(_("Tệp .xlsx bị hỏng hoặc không đúng cấu trúc, không đọc được.")) from None
    finally:
        workbook.close()
    raise ImportFileError(
        _(
            "Không tìm thấy dòng tiêu đề của phụ lục trong 10 dòng đầu. Cần có các cột: %(columns)s "
            "(tên cột có thể viết hoa, xuống dòng, kèm số thứ tự)."
        )
        % {"columns": ", ".join(f"“{FIELD_LABELS[f]}”" for f in REQUIRED)}
    )

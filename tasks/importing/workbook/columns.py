"""Finding the header row and which column holds which field."""

from __future__ import annotations

import re

from units.naming import clean_text, search_key

HEADER_SEARCH_ROWS = 10

# field → phrases (accent-free, lower case) that name its column; first match wins.
COLUMN_PHRASES = {
    "general": ("tong quat", "nhiem vu chung", "nhiem vu lon"),
    "subtask": (
        "tieu nhiem vu",
        "nhiem vu con",
        "nhiem vu cu the",
        "noi dung nhiem vu",
        "noi dung cong viec",
    ),
    "output": ("san pham",),
    "kpi": ("kpi", "chi tieu", "do luong"),
    "lead": ("chu tri",),
    "co": ("phoi hop",),
    "deadline": ("thoi han", "thoi gian hoan thanh", "tien do hoan thanh"),
}
REQUIRED = ("general", "subtask", "lead", "deadline")
# A running-number column ("STT", "TT") may stand in for the general-task column: its "I", "II"
# mark section rows, "1", "2" general tasks and "1.1" sub-tasks (seed 000's list is laid out so).
NUMBER_KEYS = {"stt", "tt", "so tt", "so thu tu", "thu tu"}
# A task column named by one bare word: the tasks when the numbers say which level a row is.
BARE_TASK_KEYS = {"nhiem vu", "noi dung", "ten nhiem vu", "cong viec", "nhiem vu giai phap"}
FIELD_LABELS = {
    "number": "Số thứ tự (STT)",
    "general": "Nhiệm vụ tổng quát",
    "subtask": "Tiểu nhiệm vụ",
    "output": "Sản phẩm đầu ra",
    "kpi": "KPI",
    "lead": "Đơn vị chủ trì",
    "co": "Đơn vị phối hợp",
    "deadline": "Thời hạn hoàn thành",
}
_NUMBERING_CELL = re.compile(r"^\(?\d{1,2}\)?$")


def header_key(text) -> str:
    """Header text without its "(1)" numbering, "(Rõ …)" hints, accents, case and line breaks."""
    text = re.sub(r"\([^)]*\)", " ", str(text or ""))
    return search_key(text)


def _field_of(header_text) -> str | None:
    key = header_key(header_text)
    if not key:
        return None
    for field, phrases in COLUMN_PHRASES.items():
        if any(phrase in key for phrase in phrases):
            return field
    return None


def _map_columns(texts: list) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, text in enumerate(texts):
        key = header_key(text)
        field = "number" if key in NUMBER_KEYS else _field_of(text)
        if field and field not in mapping:
            mapping[field] = index
    if "subtask" not in mapping:
        taken = set(mapping.values())
        for index, text in enumerate(texts):
            if index not in taken and header_key(text) in BARE_TASK_KEYS:
                mapping["subtask"] = index
                break
    return mapping


def is_complete(mapping: dict[str, int]) -> bool:
    """Enough columns to read tasks: the general-task column, or a running-number column saying
    which rows are general tasks."""
    return all(f in mapping for f in REQUIRED if f != "general") and (
        "general" in mapping or "number" in mapping
    )


def _two_row_texts(top: list, bottom: list, joiner: str = " ") -> list[str]:
    """Column titles of a header spanning two rows: a title merged across columns on the
    top row ("Đơn vị thực hiện" over "Chủ trì" | "Phối hợp") belongs to each column under it."""
    width = max(len(top), len(bottom))
    top = list(top) + [None] * (width - len(top))
    bottom = list(bottom) + [None] * (width - len(bottom))
    texts, carried = [], ""
    for t, b in zip(top, bottom, strict=True):
        t, b = clean_text(t), clean_text(b)
        if t:
            carried = t
        elif b:
            t = carried
        texts.append(joiner.join(part for part in (t, b) if part))
    return texts


def find_header(rows: list[list]) -> tuple[int, int, dict[str, int]] | None:
    """(first and last row index of the header, field → column index), or None."""

    complete = is_complete

    last = min(len(rows), HEADER_SEARCH_ROWS)
    for r in range(last):
        single = _map_columns(rows[r])
        below = rows[r + 1] if r + 1 < len(rows) else None
        double = _map_columns(_two_row_texts(rows[r], below)) if below is not None else {}
        if complete(single):
            # "Đơn vị thực hiện (chủ trì, phối hợp)" over "Chủ trì" | "Phối hợp": the second
            # row refines the first when it names more columns and holds no task text.
            task_cols = (single.get("general", single.get("number")), single["subtask"])
            if len(double) > len(single) and not any(
                i < len(below) and clean_text(below[i]) for i in task_cols
            ):
                return r, r + 1, double
            return r, r, single
        if below is not None and not complete(_map_columns(below)) and complete(double):
            return r, r + 1, double
    return None


def columns_understood(header_rows: list[list], columns: dict[str, int]) -> list[tuple[str, str, str]]:
    """(column letter, title as written, how it is read) for every titled column of the header,
    so the preview can say how the workbook was understood."""
    from django.utils.translation import gettext as _
    from openpyxl.utils import get_column_letter

    if len(header_rows) > 1:
        texts = _two_row_texts(header_rows[0], header_rows[-1], joiner=" › ")
    else:
        texts = [clean_text(t) for t in header_rows[0]]
    field_at = {index: field for field, index in columns.items()}
    one_task_column = "general" not in columns
    meanings = {
        "number": _(
            "Số thứ tự: “I, II…” là dòng mục (tên mục ở cột nhiệm vụ), “1, 2…” là nhiệm vụ tổng quát%(sub)s"
        )
        % {
            "sub": _(", “1.1…” là tiểu nhiệm vụ")
            if one_task_column
            else _("; trên dòng tiểu nhiệm vụ chỉ là số đếm")
        },
        "general": _("Nhiệm vụ tổng quát (mã ở đầu ô, hoặc theo số thứ tự)"),
        "subtask": _("Nhiệm vụ tổng quát hoặc tiểu nhiệm vụ, theo số thứ tự")
        if one_task_column
        else _("Tiểu nhiệm vụ (mã ở đầu ô; không có thì đánh số trong nhiệm vụ)"),
        "output": _("Sản phẩm đầu ra"),
        "kpi": _("KPI, đọc chỉ tiêu số"),
        "lead": _("Đơn vị chủ trì, khớp với danh mục đơn vị"),
        "co": _("Đơn vị phối hợp, khớp với danh mục đơn vị"),
        "deadline": _("Thời hạn hoàn thành, đọc ra ngày"),
    }
    result = []
    for index, text in enumerate(texts):
        text = clean_text(text)
        field = field_at.get(index)
        if not text and field is None:
            continue
        result.append(
            (get_column_letter(index + 1), text, str(meanings[field]) if field else _("Không dùng"))
        )
    return result

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
FIELD_LABELS = {
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
        field = _field_of(text)
        if field and field not in mapping:
            mapping[field] = index
    return mapping


def _two_row_texts(top: list, bottom: list) -> list[str]:
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
        texts.append(f"{t} {b}".strip())
    return texts


def find_header(rows: list[list]) -> tuple[int, int, dict[str, int]] | None:
    """(first and last row index of the header, field → column index), or None."""

    def complete(mapping):
        return all(f in mapping for f in REQUIRED)

    last = min(len(rows), HEADER_SEARCH_ROWS)
    for r in range(last):
        single = _map_columns(rows[r])
        below = rows[r + 1] if r + 1 < len(rows) else None
        double = _map_columns(_two_row_texts(rows[r], below)) if below is not None else {}
        if complete(single):
            # "Đơn vị thực hiện (chủ trì, phối hợp)" over "Chủ trì" | "Phối hợp": the second
            # row refines the first when it names more columns and holds no task text.
            task_cols = (single["general"], single["subtask"])
            if len(double) > len(single) and not any(
                i < len(below) and clean_text(below[i]) for i in task_cols
            ):
                return r, r + 1, double
            return r, r, single
        if below is not None and not complete(_map_columns(below)) and complete(double):
            return r, r + 1, double
    return None

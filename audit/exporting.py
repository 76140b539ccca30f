"""CSV export of the audit trail, safe to open in a spreadsheet.

A cell that starts with = + - @ (or a tab / carriage return) is a formula to Excel and
LibreOffice: an attacker-typed username such as `=HYPERLINK(...)` would run when the
secretariat opens the file. Such cells are prefixed with an apostrophe, which spreadsheets show
as plain text.
"""

import csv
import json

from django.utils import timezone

from .labels import action_label
from .selectors import unit_names

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HEADER = [
    "Thời điểm",
    "Người thực hiện",
    "Đơn vị",
    "Hành động",
    "Mã hành động",
    "Loại đối tượng",
    "Mã đối tượng",
    "Đối tượng",
    "Thay đổi (trước → sau)",
    "Địa chỉ IP",
]


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class SafeWriter:
    """csv.writer whose every cell goes through safe_cell; writes to any object with .write()."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(v) for v in row])


class _Echo:
    def write(self, value):
        return value


def event_row(event, units: dict[int, str]) -> list:
    return [
        timezone.localtime(event.at).strftime("%d/%m/%Y %H:%M:%S"),
        event.actor_name,
        units.get(event.unit_id, ""),
        action_label(event.action),
        event.action,
        event.object_type,
        event.object_id,
        event.object_repr,
        json.dumps(event.changes, ensure_ascii=False, sort_keys=True) if event.changes else "",
        event.ip or "",
    ]


def iter_csv(queryset, *, chunk_size: int = 2000):
    """Lines of the CSV (UTF-8 BOM first so Excel reads Vietnamese), streamed in chunks."""
    writer = SafeWriter(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)
    batch = []
    for event in queryset.iterator(chunk_size=chunk_size):
        batch.append(event)
        if len(batch) >= chunk_size:
            yield from _rows(writer, batch)
            batch = []
    yield from _rows(writer, batch)


def _rows(writer, batch):
    units = unit_names(batch)
    for event in batch:
        yield writer.writerow(event_row(event, units))

"""Every list a person works from downloads as CSV or Excel, through this one module.

A list view hands over the rows its filters select (all of them, not the page on screen) and its
columns; `?export=csv` or `?export=xlsx` on the list's own address asks for the file, so the
download always carries the filters the reader sees.

Formula safety, written once here: a cell that starts with = + - @ (or a tab, carriage return or
line feed, which spreadsheets strip before looking) is a formula to Excel and LibreOffice, and an
attacker-typed name such as `=HYPERLINK(...)` would run when the file is opened. In CSV such a cell
is prefixed with an apostrophe (spreadsheets show it as plain text); in Excel the cell is stored as
text with Excel's "quote prefix" flag (`nq57portal.xlsx_sheet`; `reports.excel.write_formula_safe`
in the report workbooks), which shows it unchanged. Headers are Vietnamese, like every document the
portal issues.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation

from nq57portal.replicas import replica_reads

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000


def looks_like_formula(value: object) -> bool:
    """True for text a spreadsheet could execute or reinterpret."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_cell(value) -> str:
    """A CSV cell as text, an apostrophe before anything a spreadsheet would take for a formula."""
    text = _text(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(value)
            else f"{value:%d/%m/%Y %H:%M}"
        )
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    return str(value)


@dataclass(frozen=True)
class Column:
    """A column of an exported list: its Vietnamese header and how a row gives its value."""

    title: str
    value: Callable[[object], object]
    width: float = 18


def requested_format(request) -> str | None:
    """ "csv" or "xlsx" when the list's address asks for a download (?export=…), else None."""
    fmt = request.GET.get("export", "")
    return fmt if fmt in FORMATS else None


class _Echo:
    def write(self, value):
        return value


def _each(rows: Iterable):
    """Rows one at a time; a queryset is read in chunks, so a long list never sits in memory whole."""
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK)
    return iter(rows)


def _batches(rows, prepare):
    """Rows in batches of CHUNK, `prepare(batch)` called on each (to read related names in one query)."""
    batch = []
    for row in _each(rows):
        batch.append(row)
        if len(batch) >= CHUNK:
            if prepare:
                prepare(batch)
            yield batch
            batch = []
    if batch:
        if prepare:
            prepare(batch)
        yield batch


def iter_csv(rows: Iterable, columns: Sequence[Column], *, prepare=None):
    """Lines of the CSV (UTF-8 BOM first so Excel reads Vietnamese), streamed."""
    writer = csv.writer(_Echo())
    with translation.override("vi"):  # labels (statuses, kinds) in the file's language
        yield "\ufeff" + writer.writerow([safe_cell(c.title) for c in columns])
        for batch in _batches(rows, prepare):
            yield "".join(writer.writerow([safe_cell(c.value(row)) for c in columns]) for row in batch)


def xlsx_bytes(rows: Iterable, columns: Sequence[Column], *, sheet: str = "Danh sách", prepare=None) -> bytes:
    """One sheet: the header row in bold, frozen, then the rows; text cells formula-safe."""
    with translation.override("vi"):
        return _xlsx_bytes(rows, columns, sheet, prepare)


def _xlsx_bytes(rows, columns, sheet, prepare) -> bytes:
    from nq57portal.xlsx_sheet import sheet_bytes

    values = ([col.value(row) for col in columns] for batch in _batches(rows, prepare) for row in batch)
    return sheet_bytes([c.title for c in columns], [c.width for c in columns], values, sheet=sheet)


def _lag_tolerant(chunks):
    """A streamed download reads its rows after the view has returned: on a replica, if there is one."""
    with replica_reads():
        yield from chunks


def export_response(
    fmt: str, *, rows: Iterable, columns: Sequence[Column], name: str, prepare=None
) -> HttpResponse:
    """The list as a download: `name` is the file's ASCII stem ("canh-bao-do"), stamped with the time."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"
    if fmt == "xlsx":
        with replica_reads():
            response = HttpResponse(xlsx_bytes(rows, columns, prepare=prepare), content_type=XLSX)
    else:
        response = StreamingHttpResponse(
            _lag_tolerant(iter_csv(rows, columns, prepare=prepare)), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

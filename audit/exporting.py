"""CSV and Excel export of the audit trail, through the portal's one list export
(`nq57portal.exporting`: formula-safe cells, Vietnamese headers, streamed CSV)."""

import json

from django.utils import timezone

from nq57portal.exporting import Column, export_response, iter_csv, safe_cell

from .labels import action_label, value_words
from .selectors import unit_names

__all__ = ["COLUMNS", "export", "iter_csv_of", "safe_cell"]


def _changes(event) -> str:
    """The changes in words, as the list shows them ("Trạng thái: Dự thảo → Đang thực hiện")."""
    from .templatetags.audit_tags import audit_changes

    parts = []
    for label, before, after in audit_changes(event.changes, event.object_type):
        words = value_words(after) if before is None else f"{value_words(before)} → {value_words(after)}"
        parts.append(f"{label}: {words}")
    return "; ".join(parts)


COLUMNS = [
    Column("Thời điểm", lambda e: timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S")),
    Column("Người thực hiện", lambda e: e.actor_name),
    Column("Đơn vị", lambda e: e.unit_name),
    Column("Hành động", lambda e: action_label(e.action), 28),
    Column("Mã hành động", lambda e: e.action),
    Column("Loại đối tượng", lambda e: e.object_type),
    Column("Mã đối tượng", lambda e: e.object_id),
    Column("Đối tượng", lambda e: e.object_repr, 40),
    Column("Thay đổi (trước → sau)", _changes, 60),
    # The words above are for people; the record as stored stays in the file for whoever must
    # check it (values exact, codes unchanged), as the trail itself keeps it.
    Column(
        "Dữ liệu thay đổi (JSON)", lambda e: json.dumps(e.changes, ensure_ascii=False, sort_keys=True), 40
    ),
    Column("Địa chỉ IP", lambda e: e.ip or ""),
]


def _with_unit_names(batch) -> None:
    units = unit_names(batch)
    for event in batch:
        event.unit_name = units.get(event.unit_id, "")


def iter_csv_of(queryset):
    return iter_csv(queryset, COLUMNS, prepare=_with_unit_names)


def export(fmt, queryset):
    return export_response(fmt, rows=queryset, columns=COLUMNS, name="nhat-ky", prepare=_with_unit_names)

"""What an import would do to a plan, as the preview and the command tell it: the items created or
changed with their fields before and after, and what happens to each unit's assignment."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from tasks.models import Assignment

from .assignments import AssignmentMove

FIELD_LABELS = {
    "title": _("Nội dung"),
    "section": _("Thuộc mục"),
    "general_task": _("Thuộc nhiệm vụ"),
    "output": _("Sản phẩm đầu ra"),
    "kpi": "KPI",
    "deadline": _("Thời hạn"),
    "deadline_text": _("Thời hạn (nguyên văn)"),
    "ongoing": _("Thường xuyên"),
    "lead_names": _("Đơn vị chủ trì"),
    "co_names": _("Đơn vị phối hợp"),
    "assignments": _("Phân công đơn vị"),
    "order": _("Thứ tự"),
    "closed": _("Đã bãi bỏ"),
}
KIND_LABELS = {"section": _("Mục"), "general_task": _("Nhiệm vụ tổng quát"), "subtask": _("Tiểu nhiệm vụ")}


@dataclass
class Change:
    kind: str  # section / general_task / subtask
    code: str
    title: str
    action: str  # create / change
    row: int | None = None
    fields: dict[str, tuple] = field(default_factory=dict)
    moves: list[AssignmentMove] = field(default_factory=list)  # what happens to each unit's assignment

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def field_changes(self) -> list[tuple[str, str, str]]:
        """(label, before, after) as a person reads them: dd/mm/yyyy, lists joined, yes/no."""
        return [
            (str(FIELD_LABELS.get(name, name)), _shown(old), _shown(new))
            for name, (old, new) in self.fields.items()
        ]


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return str(_("có")) if value else str(_("không"))
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


@dataclass
class PlanDiff:
    changes: list[Change] = field(default_factory=list)
    missing: list[tuple[str, str, str]] = field(default_factory=list)  # (kind label, code, title)
    retired: list[Change] = field(default_factory=list)  # sub-tasks no longer in the workbook
    assignments_created: list[Assignment] = field(default_factory=list)
    assignments_updated: list[Assignment] = field(default_factory=list)  # reopened or re-roled
    assignments_removed: list[Assignment] = field(default_factory=list)  # closed (rights revoked)
    assignments_to_create: int = 0
    assignments_to_change: int = 0
    assignments_to_remove: int = 0

    def count(self, kind: str, action: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind and c.action == action)

    @property
    def creates(self) -> list[Change]:
        return [c for c in self.changes if c.action == "create"]

    @property
    def updates(self) -> list[Change]:
        return [c for c in self.changes if c.action == "change"]

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.assignments_to_remove and not self.retired

    def summary(self) -> dict:
        return {
            f"{kind}_{action}": self.count(kind, action)
            for kind in ("section", "general_task", "subtask")
            for action in ("create", "change")
        } | {
            "assignments_create": self.assignments_to_create,
            "assignments_change": self.assignments_to_change,
            "assignments_remove": self.assignments_to_remove,
        }

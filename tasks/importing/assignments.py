"""What a re-import does to a sub-task's assignments, unit by unit, in words the preview shows.

An assignment is never deleted by an import: a unit dropped from the workbook has its assignment
closed (its reports and history stay), a unit moved between lead and co-ordinating keeps its
assignment with the new role, and a unit named again reopens its closed assignment.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tasks.models import Assignment, AssignmentRole

NEW, REOPEN, ROLE, CLOSE = "new", "reopen", "role", "close"


def role_word(role: str | None) -> str:
    return str(AssignmentRole(role).label).lower() if role else ""


def reports_words(count: int) -> str:
    if not count:
        return _("chưa có báo cáo")
    return ngettext("giữ %(n)s báo cáo", "giữ %(n)s báo cáo", count) % {"n": count}


@dataclass
class AssignmentMove:
    """One unit's assignment on a sub-task before and after the import (several members of one
    group that move alike are told once, with their number)."""

    action: str  # new / reopen / role / close
    unit: str
    before: str | None = None  # role
    after: str | None = None  # role
    reports: int = 0
    members: int = 0  # > 0: `unit` is a group standing for this many members

    @property
    def sentence(self) -> str:
        who = self.unit
        if self.members:
            who = ngettext("%(group)s (%(n)s đơn vị)", "%(group)s (%(n)s đơn vị)", self.members) % {
                "group": self.unit,
                "n": self.members,
            }
        if self.action == NEW:
            return _("%(who)s: giao mới (%(role)s)") % {"who": who, "role": role_word(self.after)}
        if self.action == REOPEN:
            return _("%(who)s: giao lại (%(role)s), mở lại phân công đã đóng — %(reports)s") % {
                "who": who,
                "role": role_word(self.after),
                "reports": reports_words(self.reports),
            }
        if self.action == ROLE:
            return _("%(who)s: %(before)s → %(after)s, giữ nguyên phân công — %(reports)s") % {
                "who": who,
                "before": role_word(self.before),
                "after": role_word(self.after),
                "reports": reports_words(self.reports),
            }
        return _("%(who)s: thôi giao (%(role)s), phân công được đóng, không xoá — %(reports)s") % {
            "who": who,
            "role": role_word(self.before),
            "reports": reports_words(self.reports),
        }


@dataclass
class AssignmentPlan:
    """The writes that make a sub-task's assignments the wanted ones."""

    add: dict[int, tuple[str, int | None]] = field(default_factory=dict)  # unit id → (role, via)
    update: list[tuple[Assignment, str, int | None]] = field(default_factory=list)  # reopen or new role
    close: list[Assignment] = field(default_factory=list)
    moves: list[AssignmentMove] = field(default_factory=list)

    def __bool__(self):
        return bool(self.add or self.update or self.close)


class PlanAssignments:
    """Every assignment of a plan, open and closed, with its number of reports: two queries."""

    def __init__(self, plan, registry):
        self.registry = registry
        self.by_subtask: dict[int, dict[int, Assignment]] = {}
        self.reports: Counter = Counter()
        if plan is None or plan.pk is None:
            return
        for assignment in Assignment.all_objects.filter(subtask__plan=plan):
            self.by_subtask.setdefault(assignment.subtask_id, {})[assignment.unit_id] = assignment
        self.reports.update(
            dict(
                Assignment.all_objects.filter(subtask__plan=plan, reports__isnull=False)
                .values("pk")
                .annotate(n=Count("reports"))
                .values_list("pk", "n")
            )
        )

    def open_count(self, subtask_id) -> int:
        return sum(1 for a in self.by_subtask.get(subtask_id, {}).values() if a.closed_at is None)

    def _name(self, unit_id) -> str:
        unit = self.registry.unit(unit_id)
        return unit.name if unit else str(unit_id)

    def plan_for(self, subtask_id, wanted: dict[int, tuple[str, int | None]]) -> AssignmentPlan:
        current = self.by_subtask.get(subtask_id, {}) if subtask_id else {}
        result = AssignmentPlan()
        raw: list[tuple[str, int, str | None, str | None, int | None]] = []
        for unit_id, (role, via) in wanted.items():
            existing = current.get(unit_id)
            if existing is None:
                result.add[unit_id] = (role, via)
                raw.append((NEW, unit_id, None, role, via))
            elif existing.closed_at is not None:
                result.update.append((existing, role, via))
                raw.append((REOPEN, unit_id, existing.role, role, via))
            elif (existing.role, existing.via_group_id) != (role, via):
                result.update.append((existing, role, via))
                if existing.role != role:
                    raw.append((ROLE, unit_id, existing.role, role, via))
        for unit_id, existing in current.items():
            if existing.closed_at is None and unit_id not in wanted:
                result.close.append(existing)
                raw.append((CLOSE, unit_id, existing.role, None, existing.via_group_id))
        result.moves = self._told(raw, current)
        return result

    def closing(self, subtask_id) -> AssignmentPlan:
        """A sub-task the workbook no longer has: all its open assignments are closed."""
        return self.plan_for(subtask_id, {})

    def _told(self, raw, current) -> list[AssignmentMove]:
        moves: list[AssignmentMove] = []
        grouped: dict[tuple, AssignmentMove] = {}
        for action, unit_id, before, after, via in raw:
            existing = current.get(unit_id)
            reports = self.reports.get(existing.pk, 0) if existing is not None else 0
            if via is None:
                moves.append(AssignmentMove(action, self._name(unit_id), before, after, reports))
                continue
            key = (action, via, before, after)
            move = grouped.get(key)
            if move is None:
                move = grouped[key] = AssignmentMove(action, self._name(via), before, after, 0, 0)
                moves.append(move)
            move.members += 1
            move.reports += reports
        return moves

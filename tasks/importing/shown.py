"""What was read from each row of a workbook, in words, for the preview to be checked against
the file before anything is written: the deadline as understood beside its words, the units as
matched in the registry, the KPI targets proposed."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kpis.models import Direction, Measure, _plain

from .data import PlanData, SubTaskData, TargetProposal


@dataclass
class UnitShown:
    written: str  # as in the file
    matched: str  # the registry's unit, or "" when not found

    @property
    def renamed(self) -> bool:
        return bool(self.matched) and self.matched != self.written


@dataclass
class RowShown:
    section: str
    task: str
    sub: SubTaskData
    deadline: str
    lead: list[UnitShown]
    co: list[UnitShown]
    targets: list[str]


def target_words(target: TargetProposal) -> str:
    value = _plain(target.value)
    direction = str(Direction(target.direction).label)
    if target.measure == Measure.PERCENT:
        words = f"{direction} {value}%"
    elif target.measure == Measure.RANK:
        words = _("%(direction)s hạng %(value)s") % {"direction": direction, "value": value}
    else:
        words = _("%(direction)s %(value)s (số lượng)") % {"direction": direction, "value": value}
    return f"{words} — {target.label}" if target.label else words


def deadline_words(sub: SubTaskData) -> str:
    if sub.ongoing:
        return _("Thường xuyên (không có hạn)")
    if sub.deadline:
        return sub.deadline.strftime("%d/%m/%Y")
    return _("(không đọc được hạn)") if sub.deadline_text else _("(không có)")


def rows_shown(plan_data: PlanData, registry) -> list[RowShown]:
    def units(refs):
        shown = []
        for ref in refs:
            unit = registry.unit(ref.unit_id) if ref.unit_id else None
            shown.append(UnitShown(ref.name, unit.name if unit else ""))
        return shown

    rows = []
    for section in plan_data.sections:
        for task in section.tasks:
            for sub in task.subtasks:
                rows.append(
                    RowShown(
                        section=section.code,
                        task=task.code,
                        sub=sub,
                        deadline=deadline_words(sub),
                        lead=units(sub.lead),
                        co=units(sub.co),
                        targets=[target_words(t) for t in sub.targets],
                    )
                )
    return rows

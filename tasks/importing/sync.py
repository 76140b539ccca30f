"""Comparing a read workbook with a plan in the database, and writing the difference.

One walk does both: with write=False it only lists what would be created or changed (the
preview), with write=True it makes exactly those changes (the apply), so the preview cannot
promise something the apply does not do. Items are matched by their code, so importing the
same workbook again finds nothing to do and a corrected workbook updates in place. Items in
the database that the workbook no longer has are listed, never deleted: progress may already
be reported on them. Assignments are never deleted either (see assignments.py): a dropped unit's
assignment, and every assignment of a dropped sub-task, is closed with its reports kept.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kpis.models import Kpi, KpiTarget
from tasks.models import Assignment, GeneralTask, Plan, Section, SubTask
from units.registry import UnitRegistry

from .assignments import PlanAssignments
from .data import PlanData, Problem, SubTaskData, UnitRef
from .diff import FIELD_LABELS, KIND_LABELS, Change, PlanDiff
from .history import HistoryRecorder

__all__ = [
    "FIELD_LABELS",
    "KIND_LABELS",
    "Change",
    "PlanDiff",
    "PlanSync",
    "desired_assignments",
    "resolve_units",
]


def resolve_units(plan_data: PlanData, registry: UnitRegistry) -> None:
    """Fill in the units of every sub-task; names not in the registry become warnings.

    Can run again after the secretariat mapped names: earlier unknown-name warnings are dropped.
    """
    plan_data.problems = [p for p in plan_data.problems if p.code != "unknown_unit"]
    unknown: dict[str, list[int]] = {}
    for sub in plan_data.subtasks:
        for attr, text in (("lead", sub.lead_text), ("co", sub.co_text)):
            refs = []
            for match in registry.match_list(text):
                refs.append(UnitRef(match.name, match.unit.pk if match.unit else None))
                if match.unit is None:
                    rows = unknown.setdefault(match.name, [])
                    if sub.row not in rows:
                        rows.append(sub.row)
            setattr(sub, attr, refs)
    for name, rows in unknown.items():
        listed = ", ".join(str(r) for r in rows[:10]) + ("…" if len(rows) > 10 else "")
        message = str(
            _(
                "Không tìm thấy đơn vị “%(name)s” trong danh mục (dòng %(rows)s). Tên được giữ nguyên văn nhưng "
                "chưa giao cho đơn vị nào: hãy ánh xạ vào một đơn vị có sẵn hoặc tạo đơn vị mới."
            )
        ) % {"name": name, "rows": listed}
        plan_data.problems.append(Problem(message, rows[0], "warning", "unknown_unit"))


def desired_assignments(lead_ids, co_ids, registry: UnitRegistry) -> dict[int, tuple[str, int | None]]:
    """unit id → (role, via group id) for a sub-task's lead and co-ordinating units.

    A group stands for its members, each assigned on its own with via_group set; a group
    without members is assigned itself so the task is not lost. A unit named twice keeps the
    strongest claim: lead over co, then a direct assignment over one through a group.
    """
    result: dict[int, tuple[str, int | None]] = {}

    def claim(unit_id: int, role: str, via: int | None) -> None:
        current = result.get(unit_id)
        if current is None:
            result[unit_id] = (role, via)
            return
        rank = (role == "lead", via is None)
        if rank > (current[0] == "lead", current[1] is None):
            result[unit_id] = (role, via)

    for role, ids in (("lead", lead_ids), ("co", co_ids)):
        for unit_id in ids:
            unit = registry.unit(unit_id)
            if unit is None:
                continue
            members = registry.members_of(unit) if unit.is_group else []
            if members:
                for member in members:
                    claim(member.pk, role, unit.pk)
            else:
                claim(unit.pk, role, None)
    return result


def _subtask_values(data: SubTaskData, task_code: str, order: int) -> dict:
    return {
        "general_task": task_code,
        "title": data.title,
        "output": data.output,
        "kpi": data.kpi,
        "deadline": data.deadline,
        "deadline_text": data.deadline_text,
        "ongoing": data.ongoing,
        "lead_names": data.lead_names,
        "co_names": data.co_names,
        "order": order,
        "closed": False,
    }


def _existing_values(sub: SubTask) -> dict:
    return {
        "general_task": sub.general_task.code,
        "title": sub.title,
        "output": sub.output,
        "kpi": "\n".join(k.text for k in sub.kpis.all()),
        "deadline": sub.deadline,
        "deadline_text": sub.deadline_text,
        "ongoing": sub.ongoing,
        "lead_names": list(sub.lead_names),
        "co_names": list(sub.co_names),
        "order": sub.order,
        "closed": sub.closed_at is not None,
    }


def _units_shown(lead_names, co_names) -> str:
    parts = [str(_("Chủ trì: %(names)s")) % {"names": ", ".join(lead_names)}] if lead_names else []
    if co_names:
        parts.append(str(_("Phối hợp: %(names)s")) % {"names": ", ".join(co_names)})
    return "; ".join(parts)


class PlanSync:
    def __init__(
        self,
        plan_data: PlanData,
        plan: Plan | None,
        registry: UnitRegistry,
        *,
        write: bool,
        now=None,
        history: HistoryRecorder | None = None,
    ):
        self.now = now or timezone.now()
        # Set when the import records an amendment: every row is versioned before it is changed.
        self.history = history if write else None
        self.data = plan_data
        self.plan = plan
        self.registry = registry
        self.write = write
        self.diff = PlanDiff()
        exists = plan is not None and plan.pk is not None
        self.sections = {s.code: s for s in plan.sections.all()} if exists else {}
        self.tasks = (
            {t.code: t for t in GeneralTask.objects.filter(section__plan=plan).select_related("section")}
            if exists
            else {}
        )
        self.subtasks = (
            {
                s.code: s
                for s in SubTask.objects.filter(plan=plan)
                .select_related("general_task__section")
                .prefetch_related("kpis__targets")
            }
            if exists
            else {}
        )
        self.assignments = PlanAssignments(plan if exists else None, registry)

    def run(self) -> PlanDiff:
        seen_sections, seen_tasks, seen_subs = set(), set(), set()
        new_assignments: list[Assignment] = []
        for s_order, section_data in enumerate(self.data.sections):
            seen_sections.add(section_data.code)
            section = self._sync_section(section_data, s_order)
            for t_order, task_data in enumerate(section_data.tasks):
                seen_tasks.add(task_data.code)
                task = self._sync_task(task_data, section, section_data.code, t_order)
                for order, sub_data in enumerate(task_data.subtasks):
                    seen_subs.add(sub_data.code)
                    new_assignments += self._sync_subtask(sub_data, task, task_data.code, order)
        for code, sub in self.subtasks.items():
            if code not in seen_subs and (sub.closed_at is None or self.assignments.open_count(sub.pk)):
                self._close_missing(sub)
        if self.write and new_assignments:
            self.diff.assignments_created = Assignment.objects.bulk_create(new_assignments)
            if self.history:
                for assignment in self.diff.assignments_created:
                    self.history.assignment_added(assignment)
        if self.history:
            self.history.flush()
        # A sub-task the workbook no longer has is closed (told in `retired`), not kept as it was.
        for kind, existing, seen in (
            ("section", self.sections, seen_sections),
            ("general_task", self.tasks, seen_tasks),
        ):
            for code, obj in existing.items():
                if code not in seen:
                    self.diff.missing.append((str(KIND_LABELS[kind]), code, obj.title))
        return self.diff

    def _record(self, kind, code, title, action, row, fields=None):
        self.diff.changes.append(Change(kind, code, title, action, row, fields or {}))

    def _sync_section(self, data, order):
        section = self.sections.get(data.code)
        if section is None:
            self._record("section", data.code, data.title, "create", data.row)
            if self.write:
                section = Section.objects.create(
                    plan=self.plan, code=data.code, title=data.title, order=order
                )
            return section
        changed = {
            k: (old, new)
            for k, old, new in (("title", section.title, data.title), ("order", section.order, order))
            if old != new
        }
        if changed:
            self._record("section", data.code, data.title, "change", data.row, changed)
            self._version_subtasks(lambda sub: sub.general_task.section_id == section.pk)
            if self.write:
                section.title, section.order = data.title, order
                section.save(update_fields=["title", "order"])
        return section

    def _sync_task(self, data, section, section_code, order):
        task = self.tasks.get(data.code)
        if task is None:
            self._record("general_task", data.code, data.title, "create", data.row)
            if self.write:
                task = GeneralTask.objects.create(
                    section=section, code=data.code, title=data.title, order=order
                )
            return task
        changed = {
            k: (old, new)
            for k, old, new in (
                ("section", task.section.code, section_code),
                ("title", task.title, data.title),
                ("order", task.order, order),
            )
            if old != new
        }
        if changed:
            self._record("general_task", data.code, data.title, "change", data.row, changed)
            self._version_subtasks(lambda sub: sub.general_task_id == task.pk)
            if self.write:
                task.section, task.title, task.order = section, data.title, order
                task.save(update_fields=["section", "title", "order"])
        return task

    def _sync_subtask(self, data: SubTaskData, task, task_code: str, order: int) -> list[Assignment]:
        wanted = desired_assignments(
            [r.unit_id for r in data.lead if r.unit_id],
            [r.unit_id for r in data.co if r.unit_id],
            self.registry,
        )
        values = _subtask_values(data, task_code, order)
        sub = self.subtasks.get(data.code)
        if sub is None:
            self._record("subtask", data.code, data.title, "create", data.row)
            self.diff.assignments_to_create += len(wanted)
            if not self.write:
                return []
            sub = SubTask(general_task=task, plan=self.plan, code=data.code, order=order)
            self._set_fields(sub, data)
            sub.save()
            self._set_kpi(sub, data, replace=False)
            if self.history:
                self.history.subtask_added(sub)
            return [
                Assignment(subtask=sub, unit_id=u, role=r, via_group_id=v) for u, (r, v) in wanted.items()
            ]

        before = _existing_values(sub)
        changed = {k: (before[k], values[k]) for k in values if before[k] != values[k]}
        plan = self.assignments.plan_for(sub.pk, wanted)
        if plan:
            changed["assignments"] = (
                _units_shown(sub.lead_names, sub.co_names),
                _units_shown(data.lead_names, data.co_names),
            )
        if not changed:
            return []
        self._record("subtask", data.code, data.title, "change", data.row, changed)
        self.diff.changes[-1].moves = plan.moves
        self._count(plan)
        if not self.write:
            return []
        if self.history:
            self.history.subtask_before(sub)
        sub.general_task = task
        sub.order = order
        sub.closed_at = sub.closed_by = None
        self._set_fields(sub, data)
        sub.save()
        if "kpi" in changed:
            self._set_kpi(sub, data, replace=True)
        self._apply_assignments(plan)
        return [Assignment(subtask=sub, unit_id=u, role=r, via_group_id=v) for u, (r, v) in plan.add.items()]

    def _count(self, plan) -> None:
        reopened = sum(1 for a, _r, _v in plan.update if a.closed_at is not None)
        self.diff.assignments_to_create += len(plan.add) + reopened
        self.diff.assignments_to_change += len(plan.update) - reopened
        self.diff.assignments_to_remove += len(plan.close)

    def _version_subtasks(self, which) -> None:
        """A section or general task changing changes how its sub-tasks read (their heading)."""
        if self.history:
            for sub in self.subtasks.values():
                if which(sub):
                    self.history.subtask_before(sub)

    def _close_missing(self, sub: SubTask) -> None:
        """A sub-task the workbook no longer has is closed, not deleted: its reports stay."""
        plan = self.assignments.closing(sub.pk)
        self.diff.retired.append(Change("subtask", sub.code, sub.title, "retire", None, {}, moves=plan.moves))
        self._count(plan)
        if self.write:
            if self.history:
                self.history.subtask_before(sub)
            if sub.closed_at is None:
                sub.closed_at = self.now
                sub.closed_by = self.history.amendment if self.history else None
                sub.save(update_fields=["closed_at", "closed_by", "updated_at"])
            self._apply_assignments(plan)

    def _apply_assignments(self, plan) -> None:
        """Close, reopen and re-role in place (a unit promoted from co-ordinating to lead keeps its
        row: deleting it would lose its history, and adding a second row breaks uniqueness)."""
        if self.history:
            for assignment in [*plan.close, *(a for a, _r, _v in plan.update)]:
                self.history.assignment_before(assignment)
        if plan.close:
            Assignment.all_objects.filter(pk__in=[a.pk for a in plan.close]).update(closed_at=self.now)
            self.diff.assignments_removed += plan.close
        for assignment, role, via in plan.update:
            assignment.role, assignment.via_group_id, assignment.closed_at = role, via, None
            assignment.save(update_fields=["role", "via_group", "closed_at"])
            # Rights follow the role: revoke what it had, grant what it has now.
            self.diff.assignments_removed.append(assignment)
            self.diff.assignments_updated.append(assignment)

    @staticmethod
    def _set_fields(sub: SubTask, data: SubTaskData) -> None:
        sub.title = data.title
        sub.output = data.output
        sub.deadline = data.deadline
        sub.deadline_text = data.deadline_text
        sub.ongoing = data.ongoing
        sub.lead_names = data.lead_names
        sub.co_names = data.co_names

    @staticmethod
    def _set_kpi(sub: SubTask, data: SubTaskData, *, replace: bool) -> None:
        kpis = list(sub.kpis.all()) if replace else []
        if not data.kpi:
            for kpi in kpis:
                if not kpi.targets.filter(confirmed=True).exists():
                    kpi.delete()
            return
        kpi = kpis[0] if kpis else Kpi(subtask=sub, order=0)
        kpi.text = data.kpi
        kpi.save()
        for extra in kpis[1:]:
            extra.delete()
        # Confirmed targets are the secretariat's word; only unconfirmed proposals are redone.
        if kpi.targets.filter(confirmed=True).exists():
            return
        kpi.targets.all().delete()
        KpiTarget.objects.bulk_create(
            KpiTarget(
                kpi=kpi,
                label=p.label[:255],
                value=p.value,
                measure=p.measure,
                direction=p.direction,
                confirmed=False,
                order=i,
            )
            for i, p in enumerate(data.targets)
        )

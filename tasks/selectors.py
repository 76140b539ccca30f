"""Reads for browsing plans: already filtered by what the user may read, constant queries per page.

A group assignment ("Sở ngành") is stored as one assignment per member unit with `via_group`
set; pages show it rolled up as the group with its member count, built here in Python from
rows already fetched, so a plan of thousands of sub-tasks costs the same few queries as one
of three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from kpis.models import Kpi, KpiTarget
from units.models import GroupMembership, Unit, UnitAlias, UnitKind
from units.naming import in_vi_order, name_key, search_key

from .models import (
    Assignment,
    AssignmentRole,
    AssignmentVersion,
    GeneralTask,
    Plan,
    Section,
    SubTask,
    SubTaskVersion,
)
from .permissions import plans_readable_by, subtasks_readable_by

PAGE_SIZE = 50


# --- plans -----------------------------------------------------------------------------------


def _count_of(model, *, where=None, **lookups):
    rows = model.objects.filter(**lookups)
    if where is not None:
        rows = rows.filter(where)
    rows = rows.order_by().values(*lookups).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def plans_for_user(*, user) -> QuerySet[Plan]:
    """The plans the user may read, each with its section and sub-task counts (one query)."""
    return plans_readable_by(user).annotate(
        section_count=_count_of(Section, plan=OuterRef("pk")),
        general_task_count=_count_of(GeneralTask, section__plan=OuterRef("pk")),
        # Sub-tasks in force: one an amendment removed is closed, still shown, not counted.
        subtask_count=_count_of(SubTask, plan=OuterRef("pk"), where=Q(closed_at__isnull=True)),
    )


def plan_with_counts(*, plan: Plan, user) -> Plan:
    return plans_for_user(user=user).get(pk=plan.pk)


# --- units of a sub-task, rolled up by group -------------------------------------------------


@dataclass
class UnitEntry:
    """One line of "lead"/"co" units: a unit, or a group standing for the members assigned through it."""

    unit: Unit
    label: str
    is_group: bool = False
    members: list[Unit] = field(default_factory=list)
    written_index: int = 10_000

    @property
    def member_count(self) -> int:
        return len(self.members)


def _rollup(assignments, role, written_names, alias_keys) -> tuple[list[UnitEntry], list[str]]:
    """The role's units in the order the appendix wrote them, plus the written names nothing resolved."""
    written_at = {}
    for index, name in enumerate(written_names):
        written_at.setdefault(name_key(name), index)

    def match(unit: Unit) -> int | None:
        for key in (unit.key, *alias_keys.get(unit.pk, ())):
            if key in written_at:
                return written_at[key]
        return None

    entries: list[UnitEntry] = []
    groups: dict[int, UnitEntry] = {}
    for assignment in assignments:
        if assignment.role != role:
            continue
        group = assignment.via_group or (assignment.unit if assignment.unit.kind == UnitKind.GROUP else None)
        if group is None:
            entries.append(UnitEntry(unit=assignment.unit, label=assignment.unit.name))
        else:
            entry = groups.get(group.pk)
            if entry is None:
                entry = groups[group.pk] = UnitEntry(unit=group, label=group.name, is_group=True)
                entries.append(entry)
            if assignment.via_group_id is not None:
                entry.members.append(assignment.unit)

    for entry in entries:
        index = match(entry.unit)
        if index is not None:
            entry.written_index = index
            if entry.is_group:
                # The group as the appendix names it ("UBND xã phường"), not the registry's spelling.
                entry.label = written_names[index]
        entry.members.sort(key=lambda unit: unit.name)
    entries.sort(key=lambda entry: (entry.written_index, entry.label))
    # A role with nothing resolved still shows what the appendix wrote, flagged; once anything is
    # resolved the written names are only kept for the sub-task page (mappings need not be aliases).
    unmatched = [] if entries else [name for name in written_names if name]
    return entries, unmatched


def attach_units(subtasks) -> None:
    """Set lead_units/co_units (UnitEntry lists) and lead_unmatched/co_unmatched on each sub-task.

    The sub-tasks must come with their assignments prefetched; aliases of every unit involved
    are read in one query for all of them.
    """
    subtasks = list(subtasks)
    unit_ids = set()
    for subtask in subtasks:
        for assignment in subtask.assignments.all():
            unit_ids.add(assignment.unit_id)
            if assignment.via_group_id:
                unit_ids.add(assignment.via_group_id)
    alias_keys: dict[int, list[str]] = {}
    if unit_ids:
        for unit_id, key in UnitAlias.objects.filter(unit_id__in=unit_ids).values_list("unit_id", "key"):
            alias_keys.setdefault(unit_id, []).append(key)
    for subtask in subtasks:
        assignments = list(subtask.assignments.all())
        subtask.lead_units, subtask.lead_unmatched = _rollup(
            assignments, AssignmentRole.LEAD, subtask.lead_names or [], alias_keys
        )
        subtask.co_units, subtask.co_unmatched = _rollup(
            assignments, AssignmentRole.CO, subtask.co_names or [], alias_keys
        )


# --- sub-tasks --------------------------------------------------------------------------------


def _subtask_prefetches() -> list[Prefetch]:
    targets = Prefetch("targets", queryset=KpiTarget.objects.order_by("order", "pk"))
    kpis = Prefetch("kpis", queryset=Kpi.objects.order_by("order", "pk").prefetch_related(targets))
    assignments = Prefetch(
        "assignments",
        queryset=Assignment.objects.select_related("unit", "via_group").order_by("role", "unit__name"),
    )
    return [kpis, assignments]


def _amended():
    """Whether an amendment changed the sub-task (it has an earlier version to show)."""
    return Exists(SubTaskVersion.objects.filter(subtask=OuterRef("pk"), existed=True))


def plan_amendments(*, plan: Plan) -> list:
    """The plan's amendments, the latest first, each change linked to its sub-task (two queries)."""
    amendments = list(plan.amendments.select_related("recorded_by").order_by("-sequence"))
    codes = {c["code"] for a in amendments for c in a.changes if c.get("kind") == "subtask"}
    ids = dict(SubTask.objects.filter(plan=plan, code__in=codes).values_list("code", "pk")) if codes else {}
    for amendment in amendments:
        for change in amendment.changes:
            change["subtask_id"] = ids.get(change["code"]) if change.get("kind") == "subtask" else None
    return amendments


def plan_tree(*, plan: Plan, sections: list[Section] | None = None) -> list[Section]:
    """Sections → general tasks (`.task_list`) → sub-tasks (`.subtask_list`), units rolled up.

    `sections`, when the caller already read them (for the filter form), are filled in place.
    """
    subtasks = Prefetch(
        "subtasks",
        queryset=SubTask.objects.order_by("order", "pk").prefetch_related(*_subtask_prefetches()),
        to_attr="subtask_list",
    )
    general_tasks = Prefetch(
        "general_tasks",
        queryset=GeneralTask.objects.order_by("order", "pk").prefetch_related(subtasks),
        to_attr="task_list",
    )
    if sections is None:
        sections = list(plan.sections.order_by("order", "pk"))
    prefetch_related_objects(sections, general_tasks)
    for section in sections:
        section.subtask_total = sum(len(task.subtask_list) for task in section.task_list)
    attach_units(
        subtask for section in sections for task in section.task_list for subtask in task.subtask_list
    )
    return sections


@dataclass
class TreePage:
    """One page of a plan's appendix as a tree: `sections` hold only this page's general tasks
    (`.task_list`) and sub-tasks (`.subtask_list`); `toc` is every section with every general task
    (`.toc_tasks`), each knowing the page it starts on (`.page_number`)."""

    page: object
    sections: list
    toc: list


def plan_tree_page(*, plan: Plan, sections: list[Section], number, per_page: int = PAGE_SIZE) -> TreePage:
    """A page of `per_page` sub-tasks in appendix order under their sections and general tasks, in a
    constant number of queries: the largest plan reads like a short one. A general task or section
    without sub-tasks is shown on the page where its place in the appendix falls."""
    from django.core.paginator import Paginator

    subtasks = SubTask.objects.filter(plan=plan).order_by(
        "general_task__section__order",
        "general_task__section_id",
        "general_task__order",
        "general_task_id",
        "order",
        "pk",
    )
    page = Paginator(subtasks, per_page).get_page(number)
    page.object_list = list(
        page.object_list.select_related("closed_by")
        .annotate(amended=_amended())
        .prefetch_related(*_subtask_prefetches())
    )
    attach_units(page.object_list)
    counts = dict(
        subtasks.order_by()
        .values("general_task_id")
        .annotate(n=Count("pk"))
        .values_list("general_task_id", "n")
    )
    tasks = list(GeneralTask.objects.filter(section__plan=plan).order_by("order", "pk"))
    lo = (page.number - 1) * per_page
    hi = lo + len(page.object_list)
    last = page.number == page.paginator.num_pages
    by_task: dict[int, list] = {}
    for subtask in page.object_list:
        by_task.setdefault(subtask.general_task_id, []).append(subtask)

    def falls_here(position: int) -> bool:
        return lo <= position < hi or (position >= hi and last) or (position == lo and not page.object_list)

    position = 0
    shown = []
    for section in sections:
        section.toc_tasks = [t for t in tasks if t.section_id == section.pk]
        section.subtask_total = sum(counts.get(t.pk, 0) for t in section.toc_tasks)
        section.page_number = min(position // per_page + 1, page.paginator.num_pages)
        section_start = position
        section.task_list = []
        for task in section.toc_tasks:
            task.page_number = min(position // per_page + 1, page.paginator.num_pages)
            task.subtask_list = by_task.get(task.pk, [])
            task.continued = bool(task.subtask_list) and position < lo
            if task.subtask_list or (not counts.get(task.pk) and falls_here(position)):
                section.task_list.append(task)
            position += counts.get(task.pk, 0)
        if section.task_list or (not section.toc_tasks and falls_here(section_start)):
            shown.append(section)
    return TreePage(page=page, sections=shown, toc=sections)


def subtask_for_page(subtask: SubTask) -> SubTask:
    """The sub-task with its KPIs, targets and units loaded for its own page."""
    prefetch_related_objects([subtask], *_subtask_prefetches())
    attach_units([subtask])
    return subtask


@dataclass(frozen=True)
class SubtaskFilters:
    q: str = ""
    unit: Unit | None = None
    role: str = ""
    section: Section | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None

    @property
    def active(self) -> bool:
        return bool(search_key(self.q) or self.unit or self.section or self.deadline_from or self.deadline_to)


def _member_ids(group: Unit) -> set[int]:
    """Every unit a group stands for, groups within groups expanded (one query: the table is small)."""
    children: dict[int, list[int]] = {}
    for group_id, member_id in GroupMembership.objects.values_list("group_id", "member_id"):
        children.setdefault(group_id, []).append(member_id)
    found: set[int] = set()
    stack = list(children.get(group.pk, ()))
    while stack:
        pk = stack.pop()
        if pk in found or pk == group.pk:
            continue
        found.add(pk)
        stack.extend(children.get(pk, ()))
    return found


def _assignments_of(unit: Unit, role: str):
    """Assignments that count as the unit's: for a group, the group's own and all its members'."""
    matches = Q(unit=unit)
    if unit.kind == UnitKind.GROUP:
        members = _member_ids(unit)
        matches |= Q(via_group_id__in=members | {unit.pk}) | Q(unit_id__in=members)
    assignments = Assignment.objects.filter(matches)
    if role:
        assignments = assignments.filter(role=role)
    return assignments


def subtasks_matching(*, plan: Plan, filters: SubtaskFilters, user) -> QuerySet[SubTask]:
    """The plan's sub-tasks that pass the filters, in appendix order, ready for a page of them."""
    subtasks = subtasks_readable_by(user).filter(plan=plan)
    for word in search_key(filters.q).split():
        subtasks = subtasks.filter(search_text__contains=word)
    if filters.section:
        subtasks = subtasks.filter(general_task__section=filters.section)
    if filters.deadline_from:
        subtasks = subtasks.filter(deadline__gte=filters.deadline_from)
    if filters.deadline_to:
        subtasks = subtasks.filter(deadline__lte=filters.deadline_to)
    if filters.unit:
        subtasks = subtasks.filter(
            Exists(_assignments_of(filters.unit, filters.role).filter(subtask=OuterRef("pk")))
        )
    return (
        subtasks.select_related("general_task__section", "closed_by")
        .annotate(amended=_amended())
        .prefetch_related(*_subtask_prefetches())
        .order_by("general_task__section__order", "general_task__order", "order", "pk")
    )


def filter_units_for_plan(*, plan: Plan) -> list[Unit]:
    """Units worth offering in the plan's unit filter: those assigned in it, and its groups."""
    in_plan = Assignment.objects.filter(subtask__plan=plan)
    units = Unit.objects.filter(
        Exists(in_plan.filter(unit=OuterRef("pk"))) | Exists(in_plan.filter(via_group=OuterRef("pk")))
    )
    return in_vi_order(units)


# --- the plan as it stood at an instant ---------------------------------------------------------


def end_of_day(day: date) -> datetime:
    """The last instant of `day`, local time: the plan "as of" a day is the plan at that instant
    (what was recorded on that day counts). A report reads it at its cut-off day's; the API at the
    day a client names."""
    midnight = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return midnight - timedelta(microseconds=1)


@dataclass(frozen=True)
class LeadAsOf:
    assignment_id: int
    subtask_id: int
    unit_id: int
    via_group_id: int | None


def _first_versions(model, fk: str, rows, at, fields: tuple[str, ...]) -> dict[int, tuple]:
    """Per row, its first version ending after `at` (what the row read at `at`): one query."""
    found: dict[int, tuple] = {}
    for key, *values in (
        model.objects.filter(**{f"{fk}__in": rows, "valid_to__gt": at})
        .order_by(fk, "valid_to", "pk")
        .values_list(fk, *fields)
    ):
        found.setdefault(key, tuple(values))
    return found


def lead_assignments_as_of(*, plan_ids, at, unit: Unit | None = None) -> list[LeadAsOf]:
    """The lead assignments of the plans as they stood at `at`, in id order: what amendments
    recorded since then opened, closed or re-roled is read back from their versions (three
    queries whatever the plan's size). For a unit, its own; for a group, its members' through it."""
    rows = Assignment.all_objects.filter(subtask__plan_id__in=plan_ids)
    if unit is not None and not unit.is_group:
        rows = rows.filter(unit_id=unit.pk)
    versions = _first_versions(
        AssignmentVersion, "assignment_id", rows.values("pk"), at, ("open", "role", "via_group_id")
    )
    touched = AssignmentVersion.objects.filter(assignment_id=OuterRef("pk"), valid_to__gt=at)
    candidates = rows.filter(Q(closed_at__isnull=True, role=AssignmentRole.LEAD) | Q(Exists(touched)))
    out = []
    for pk, subtask_id, unit_id, via, role, closed_at in candidates.order_by("pk").values_list(
        "pk", "subtask_id", "unit_id", "via_group_id", "role", "closed_at"
    ):
        is_open = closed_at is None
        if pk in versions:
            is_open, role, via = versions[pk]
        if not is_open or role != AssignmentRole.LEAD:
            continue
        if unit is not None and unit.is_group and via != unit.pk:
            continue
        out.append(LeadAsOf(pk, subtask_id, unit_id, via))
    return out


def subtasks_as_of(*, ids, at) -> dict[int, dict]:
    """What each sub-task read at `at` (tasks.importing.history.subtask_facts, with `pk` and
    `plan_id`): its row, or the version an amendment recorded since then kept of it. A sub-task an
    amendment added after `at` is left out."""
    from .importing.history import subtask_facts

    kpis = Prefetch("kpis", queryset=Kpi.objects.order_by("order", "pk"))
    rows = SubTask.objects.filter(pk__in=ids).select_related("general_task__section").prefetch_related(kpis)
    versions = _first_versions(SubTaskVersion, "subtask_id", list(ids), at, ("existed", "facts"))
    out = {}
    for sub in rows:
        facts = subtask_facts(sub)
        if sub.pk in versions:
            existed, kept = versions[sub.pk]
            if not existed:
                continue
            facts = kept
        out[sub.pk] = {**facts, "pk": sub.pk, "plan_id": sub.plan_id}
    return out


def subtask_ids_as_of(*, rows, at, removed: bool = False) -> list[int]:
    """The ids of `rows` (a SubTask queryset) in force at `at`, in id order: those subtasks_as_of
    returns, less the ones it reads as removed (`closed`); with `removed`, only those. Decided from
    the versions alone (two queries, nothing loaded), so a list can be narrowed to them before it
    is paged."""
    versions = _first_versions(SubTaskVersion, "subtask_id", rows.values("pk"), at, ("existed", "facts"))
    out = []
    for pk, closed_at in rows.order_by("pk").values_list("pk", "closed_at"):
        if pk in versions:
            existed, kept = versions[pk]
            if existed and bool(kept.get("closed")) == removed:
                out.append(pk)
        elif (closed_at is not None) == removed:
            out.append(pk)
    return out


def plan_outline_as_of(*, plan: Plan, at) -> list[dict]:
    """The plan's sections and general tasks as they stood at `at`, in appendix order: each with
    its code, title and order as its sub-tasks in force then read them (subtasks_as_of). A section
    or general task none of whose sub-tasks was in force then (added later, or all removed) is left
    out; one that has never had a sub-task is shown as it reads now."""
    facts = [
        f
        for f in subtasks_as_of(
            ids=list(SubTask.objects.filter(plan=plan).values_list("pk", flat=True)), at=at
        ).values()
        if not f["closed"]
    ]
    sections: dict[int, dict] = {}
    tasks: dict[int, dict] = {}
    for f in sorted(facts, key=lambda f: f["pk"]):
        section = sections.setdefault(
            f["section_id"],
            {
                "id": f["section_id"],
                "code": f["section_code"],
                "title": f["section_title"],
                "order": f["section_order"],
            },
        )
        tasks.setdefault(
            f["general_task_id"],
            {
                "id": f["general_task_id"],
                "code": f["general_task_code"],
                "title": f["general_task_title"],
                "order": f["general_task_order"],
                "section_id": section["id"],
            },
        )
    ever = set(SubTask.objects.filter(plan=plan).values_list("general_task_id", flat=True))
    for task in GeneralTask.objects.filter(section__plan=plan).exclude(pk__in=ever).select_related("section"):
        section = task.section
        sections.setdefault(
            section.pk,
            {"id": section.pk, "code": section.code, "title": section.title, "order": section.order},
        )
        tasks[task.pk] = {
            "id": task.pk,
            "code": task.code,
            "title": task.title,
            "order": task.order,
            "section_id": section.pk,
        }
    empty = Section.objects.filter(plan=plan).exclude(general_tasks__isnull=False)
    for section in empty:
        sections.setdefault(
            section.pk,
            {"id": section.pk, "code": section.code, "title": section.title, "order": section.order},
        )
    for section in sections.values():
        section["general_tasks"] = sorted(
            (t for t in tasks.values() if t["section_id"] == section["id"]),
            key=lambda t: (t["order"], t["id"]),
        )
    return sorted(sections.values(), key=lambda s: (s["order"], s["id"]))


def subtask_versions(*, subtask: SubTask) -> list[dict]:
    """How the sub-task read in each version of its plan, the oldest first: one entry per
    amendment that changed it (what it read until then), then the current one. Each entry:
    `facts` (None where the sub-task did not exist yet), `until` (the amendment that ended it,
    None for the current) and `since` (the amendment that began it, None for the original)."""
    from .importing.history import subtask_facts

    kept = list(
        SubTaskVersion.objects.filter(subtask=subtask).select_related("amendment").order_by("valid_to")
    )
    if not kept:
        return []
    prefetch_related_objects([subtask], Prefetch("kpis", queryset=Kpi.objects.order_by("order", "pk")))
    entries = []
    since = None
    for version in kept:
        entries.append(
            {"facts": version.facts if version.existed else None, "since": since, "until": version.amendment}
        )
        since = version.amendment
    entries.append({"facts": subtask_facts(subtask), "since": since, "until": None})
    return [e for e in entries if e["facts"] is not None]

"""Reads of red flags: what a user may see, a sub-task's flags, and roll-ups in one query each.

Roll-ups and totals count flagged assignments, each under its most severe OPEN flag (one picture
per assignment: the kinds add up to the whole). A group assignment ("UBND xã phường" on one sub-task) is the set of
its members' assignments (Assignment.via_group), so a group of 95 communes of which one lags
rolls up as 1.
"""

from collections import defaultdict

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from tasks.models import Plan, SubTask, readable_by
from units.models import Unit

from .flags import RULES, FlagKind, RedFlag, flag_kinds

ROLLUPS = {
    "subtask": ("subtask_id",),
    "group_assignment": ("subtask_id", "assignment__via_group_id"),
    "group": ("assignment__via_group_id",),
    "general_task": ("subtask__general_task_id",),
    "section": ("subtask__general_task__section_id",),
    "plan": ("subtask__plan_id",),
    "unit": ("unit_id",),
}


def flags_visible_to(user) -> QuerySet:
    """Flags the user may read: those of the assignments the user may read (tasks.models.readable_by),
    and those of the targets: the roles that read everything, in plans they may see; unit staff and
    heads, the targets their unit is responsible for."""
    return RedFlag.objects.filter(
        (Q(assignment__isnull=False) & readable_by(user, via="assignment__"))
        | Q(target_id__in=_targets_readable_by(user))
    )


def _targets_readable_by(user) -> QuerySet:
    from targets.models import Target

    if not (user is not None and user.is_authenticated and user.is_active):
        return Target.objects.none().values("pk")
    targets = Target.objects.filter(Plan.visible_to(user, via="plan__"))
    if user.reads_everything:
        return targets.values("pk")
    if not user.is_unit_member:
        return Target.objects.none().values("pk")
    return targets.filter(units=user.unit_id).values("pk")


def flag_list(
    *, user, subtask_id=None, unit_id=None, plan_id=None, kind=None, include_resolved=False, target_id=None
):
    """Flags with what their rows show (one query; `live_actual` keeps a lagging message current)."""
    qs = flags_visible_to(user).select_related(
        "unit", "subtask", "target", "period", "acknowledgement__acknowledged_by", "escalation"
    )
    if subtask_id:
        qs = qs.filter(subtask_id=subtask_id)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if plan_id:
        qs = qs.filter(Q(subtask__plan_id=plan_id) | Q(target__plan_id=plan_id))
    if kind in RULES:
        qs = qs.filter(kind=kind)
    if not include_resolved:
        qs = qs.filter(resolved_at__isnull=True)
    return qs.annotate(
        live_actual=Coalesce(
            "assignment__state__latest_completion",
            Value(0),
            output_field=DecimalField(max_digits=5, decimal_places=2),
        )
    ).by_severity()


def open_flag_counts(*, by: str, ids=None, queryset: QuerySet | None = None) -> dict:
    """{key: {"total": n, "<kind>": n, …}} of flagged assignments under their most severe open flag,
    grouped by one level of the plan or by unit / group. `key` is the id, or (subtask_id, group_id)
    for "group_assignment". One query."""
    fields = ROLLUPS[by]
    qs = (queryset if queryset is not None else RedFlag.objects.all()).topmost()
    if by == "plan":  # a target's flag is its plan's too
        qs = qs.annotate(flag_plan_id=Coalesce("subtask__plan_id", "target__plan_id"))
        fields = ("flag_plan_id",)
    if ids is not None:
        qs = qs.filter(**{f"{fields[-1]}__in": list(ids)})
    if by in ("group", "group_assignment"):
        qs = qs.filter(assignment__via_group__isnull=False)
    counts: dict = defaultdict(lambda: {"total": 0})
    for row in qs.values(*fields, "kind").annotate(n=Count("id")).order_by():
        key = tuple(row[f] for f in fields) if len(fields) > 1 else row[fields[0]]
        counts[key][row["kind"]] = row["n"]
        counts[key]["total"] += row["n"]
    return dict(counts)


def open_flag_totals(queryset: QuerySet | None = None) -> dict:
    """Flagged assignments by their most severe open flag, over everything the queryset holds: the
    kinds add up to "total" (one query). The flag page's, the dashboards' and the notices' figures."""
    qs = (queryset if queryset is not None else RedFlag.objects.all()).topmost()
    totals = dict.fromkeys(flag_kinds(), 0)
    for row in qs.values("kind").annotate(n=Count("id")).order_by():
        totals[row["kind"]] = row["n"]
    totals["total"] = sum(totals.values())
    return totals


def flag_picture() -> dict:
    """How far the open flags keep the promise of one picture per assignment (issue 17): open
    flags, flagged assignments, open flags per flagged assignment, and assignments overdue and
    lagging at once (never, lagging ending where overdue begins). Three queries."""
    open_flags = RedFlag.objects.open().filter(assignment__isnull=False)  # a target's are not an assignment's
    count = open_flags.count()
    flagged = open_flags.order_by().values("assignment_id").distinct().count()
    lagging = open_flags.filter(assignment_id=OuterRef("assignment_id"), kind=FlagKind.LAGGING)
    both = open_flags.filter(kind=FlagKind.OVERDUE).filter(Exists(lagging)).count()
    return {
        "open": count,
        "flagged": flagged,
        "per_flagged": round(count / flagged, 2) if flagged else 0.0,
        "overdue_and_lagging": both,
    }


def plans_with_counts(by_plan: dict) -> list[tuple]:
    plans = Plan.objects.in_bulk(list(by_plan))
    rows = [(plans[pk], counts) for pk, counts in by_plan.items() if pk in plans]
    return sorted(rows, key=lambda row: -row[1]["total"])


def unit_name(unit_id: int):
    """The unit a flag list is narrowed to (its name in the heading); the flags themselves are
    limited to what the user may see by flag_list."""
    return Unit.objects.filter(pk=unit_id).only("pk", "name").first()


def subtask_title(subtask_id: int):
    return SubTask.objects.filter(pk=subtask_id).only("pk", "code", "title", "plan_id").first()


def target_heading(user, target_id: int):
    """The target a flag list is narrowed to, when the user may read it (its code and text in the heading)."""
    from targets.models import Target

    return (
        Target.objects.filter(pk=target_id, pk__in=_targets_readable_by(user))
        .only("pk", "code", "text")
        .first()
    )

"""Red flags, and the filters as a Q for the lists the numbers link to."""

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from kpis.flags import RedFlag
from kpis.models import AssignmentState

from .scope import FLAG_PAGE, Scope


def flag_page(scope: Scope) -> tuple[list, bool]:
    """Open flags, newest first, one page (and whether there are more)."""
    # Open flags are of plans in force only: the sweep resolves the others' (kpis/sweep.py).
    qs = RedFlag.objects.filter(resolved_at__isnull=True)
    if scope.plan:
        qs = qs.filter(subtask__plan_id=scope.plan.pk)
    if scope.section:
        qs = qs.filter(subtask__general_task__section_id=scope.section.pk)
    if scope.kind:
        qs = qs.filter(unit__kind=scope.kind)
    if scope.unit is not None:
        qs = qs.filter(unit_id=scope.unit.pk)
    qs = (
        qs.select_related("unit", "subtask")
        .only(
            "kind",
            "numbers",
            "message_vi",
            "raised_at",
            "resolved_at",
            "assignment_id",
            "unit__name",
            "unit__short_name",
            "subtask__code",
            "subtask__title",
        )  # fmt: skip
        # The sweep inserts each flag as it raises it (raised_at = now), so the newest have the highest
        # ids: ordering by id walks the primary key backwards and stops after one page.
        .order_by("-id")
    )
    # The latest reported completion keeps a lagging flag's message current; a subquery, so PostgreSQL
    # reads it for the page's rows only (after the sort and limit), never for every open flag.
    latest = AssignmentState.objects.filter(assignment_id=OuterRef("assignment_id")).values(
        "latest_completion"
    )
    qs = qs.annotate(live=Subquery(latest[:1]))
    flags = list(qs[scope.flag_offset : scope.flag_offset + FLAG_PAGE + 1])
    today = timezone.localdate()
    for flag in flags:
        flag.live_actual = flag.live or 0
        flag.text = flag.current_message(today)
    return flags[:FLAG_PAGE], len(flags) > FLAG_PAGE


def unit_place(rows: list[dict], unit) -> dict | None:
    return next((r for r in rows if r["unit_id"] == unit.pk), None)


def filters_q(*, plan=None, section=None, kind="", unit=None) -> Q:
    """The same filters as a Q over Assignment (for the lists the numbers link to)."""
    q = Q()
    if plan:
        q &= Q(subtask__plan_id=plan)
    if section:
        q &= Q(subtask__general_task__section_id=section)
    if kind:
        q &= Q(unit__kind=kind)
    if unit:
        q &= Q(unit_id=unit)
    return q

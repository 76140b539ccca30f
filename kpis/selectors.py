"""Reads for progress reporting, already filtered by what the user may see, in a constant number of queries."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from tasks.models import Assignment, AssignmentRole, readable_by
from units.naming import in_vi_order, vi_sort_key

from .flag_conditions import owing_report
from .models import AssignmentState, Comment, Period, ProgressReport, Status

# My tasks lives in its own module; its names are read from here too.
from .my_tasks import FLAGS, SORTS, TaskGroup, TaskRow, co_assignments, group_rows, my_tasks, task_rows  # noqa: E402, F401

# Roll-ups ---------------------------------------------------------------------------------------


@dataclass
class Rollup:
    total: int = 0
    not_started: int = 0
    in_progress: int = 0
    awaiting_review: int = 0
    completed: int = 0
    returned: int = 0
    completed_on_time: int = 0
    completed_late: int = 0
    average_completion: Decimal | None = None

    @property
    def status(self) -> str | None:
        """The roll-up in the words of a single status: the whole is only as done as its parts."""
        if not self.total:
            return None
        if self.completed == self.total:
            return Status.COMPLETED
        if self.not_started == self.total:
            return Status.NOT_STARTED
        if self.completed + self.awaiting_review == self.total:
            return Status.AWAITING_REVIEW
        return Status.IN_PROGRESS

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status else ""

    @property
    def percent_completed(self) -> Decimal:
        return (
            (Decimal(self.completed) * 100 / self.total).quantize(Decimal("0.1"))
            if self.total
            else Decimal(0)
        )


def _status_q(status):
    if status == Status.NOT_STARTED:
        return Q(state__isnull=True) | Q(state__status=Status.NOT_STARTED)
    return Q(state__status=status)


ROLLUP_AGGREGATES = {
    "total": Count("pk"),
    **{s: Count("pk", filter=_status_q(s)) for s in Status.values},
    "completed_on_time": Count("pk", filter=Q(state__status=Status.COMPLETED, state__completed_on_time=True)),
    "completed_late": Count("pk", filter=Q(state__status=Status.COMPLETED, state__completed_on_time=False)),
    "average_completion": Avg(Coalesce("state__latest_completion", Value(Decimal(0)))),
}


def _rollup(values: dict) -> Rollup:
    avg = values.get("average_completion")
    return Rollup(
        **{k: v for k, v in values.items() if k in Rollup.__dataclass_fields__ and k != "average_completion"},
        average_completion=Decimal(avg).quantize(Decimal("0.1")) if avg is not None else None,
    )


def rollup(assignments) -> Rollup:
    """Statuses of the lead assignments in `assignments` (a queryset of Assignment), counted in one query."""
    return _rollup(assignments.filter(role=AssignmentRole.LEAD).aggregate(**ROLLUP_AGGREGATES))


def rollup_group(*, subtask, group) -> Rollup:
    """A group assignment ("UBND cấp xã"): its members' own assignments counted."""
    return rollup(Assignment.objects.filter(subtask=subtask, via_group=group))


def rollup_general_task(general_task) -> Rollup:
    return rollup(Assignment.objects.filter(subtask__general_task=general_task))


def rollup_section(section) -> Rollup:
    return rollup(Assignment.objects.filter(subtask__general_task__section=section))


def rollup_plan(plan) -> Rollup:
    return rollup(Assignment.objects.filter(subtask__plan=plan))


def rollups_by(assignments, key: str) -> dict:
    """{key value: Rollup} in one query, e.g. rollups_by(plan assignments, "subtask__general_task_id")."""
    rows = assignments.filter(role=AssignmentRole.LEAD).order_by().values(key).annotate(**ROLLUP_AGGREGATES)
    return {row.pop(key): _rollup(row) for row in rows}


def plan_rollups(plan) -> dict:
    """The plan, each section, each general task and each group assignment of a sub-task, in four queries."""
    base = Assignment.objects.filter(subtask__plan=plan)
    return {
        "plan": rollup(base),
        "sections": rollups_by(base, "subtask__general_task__section_id"),
        "general_tasks": rollups_by(base, "subtask__general_task_id"),
        "subtasks": rollups_by(base, "subtask_id"),
    }


def group_rollups(subtask) -> list[tuple]:
    """[(group unit, Rollup)] for the group assignments of one sub-task ("UBND cấp xã": 95 members)."""
    from units.models import Unit

    counts = rollups_by(Assignment.objects.filter(subtask=subtask, via_group__isnull=False), "via_group_id")
    if not counts:
        return []
    return [(unit, counts[unit.pk]) for unit in in_vi_order(Unit.objects.filter(pk__in=counts))]


# Not reported -----------------------------------------------------------------------------------


def not_reported(*, period: Period, today: datetime.date | None = None):
    """The lead assignments owing the period's report as of `today` (kpis.flag_conditions.owing_report:
    started by its cut-off, work not settled, no version sent), counted by unit.

    Returns (per-unit counts, queryset of the assignments).
    """
    qs = owing_report(today or timezone.localdate(), [period])
    by_unit = sorted(
        qs.order_by().values("unit_id", "unit__name").annotate(count=Count("pk")),
        key=lambda row: (-row["count"], vi_sort_key(row["unit__name"])),  # most first, then Vietnamese order
    )
    return by_unit, qs.select_related("unit", "subtask", "state").order_by(
        "unit__name", "subtask__plan_id", "subtask__order"
    )


# Sub-task page ----------------------------------------------------------------------------------

HISTORY_LIMIT = 50


def subtask_progress(*, subtask, user) -> dict:
    """What the sub-task page shows of progress: roll-up, the lead assignments the user may read,
    their report versions (latest first), the co-ordinating units' comments."""
    leads = Assignment.objects.filter(subtask=subtask, role=AssignmentRole.LEAD)
    # Who may read an assignment is tasks.models.readable_by's to say (a co-ordinating unit
    # follows the lead's work on the sub-task it co-ordinates), not restated here.
    visible = leads.filter(readable_by(user))
    own = list(Assignment.objects.filter(subtask=subtask, unit_id=user.unit_id or -1)) if user.unit_id else []
    # Reports on assignments an amendment closed are kept, and read here with the others.
    reports = (
        ProgressReport.objects.filter(
            assignment__in=Assignment.all_objects.filter(subtask=subtask).filter(readable_by(user))
        )
        .select_related("assignment__unit", "period", "created_by", "submitted_by")
        .prefetch_related("evidence", "kpi_values__target", "kpi_values__kpi")
        .order_by("-period__start", "assignment__unit__name", "-version")
    )
    return {
        "subtask": subtask,
        "rollup": rollup(leads),
        "groups": group_rollups(subtask),
        "assignments": list(
            visible.select_related("unit", "state", "via_group").order_by("unit__name")[:200]
        ),
        "reports": list(reports[:HISTORY_LIMIT]),
        "more_reports": reports.count() > HISTORY_LIMIT,
        "comments": list(
            Comment.objects.filter(subtask=subtask).select_related("author", "assignment__unit")[:100]
        ),
        "lead_assignment": next((a for a in own if a.role == AssignmentRole.LEAD), None),
        "co_assignment": next((a for a in own if a.role == AssignmentRole.CO), None),
    }


# Head sign-off and co-ordinating units' answers ---------------------------------------------------


def signoff_queue(*, user):
    """Versions of the head's unit waiting for their sign-off, oldest first. Nobody else's."""
    from tasks.models import Plan

    from .models import ReportStatus

    if not (user.is_authenticated and user.is_active and user.is_unit_head):
        return ProgressReport.objects.none()
    return (
        ProgressReport.objects.filter(
            Plan.visible_to(user, via="assignment__subtask__plan__"),
            status=ReportStatus.SIGNOFF,
            assignment__unit_id=user.unit_id,
        )
        .select_related("assignment__subtask__plan", "assignment__unit", "period", "prepared_by")
        .annotate(evidence_count=Count("evidence"))
        .order_by("prepared_at", "pk")
    )


def coordination_answers(*, claim) -> list[tuple]:
    """(co-ordinating assignment, its answer or None) for every unit co-ordinating the claim's
    sub-task, in Vietnamese order of the units: the reviewer sees who confirmed, who objected and
    who has not answered. Two queries."""
    from .models import CoordinationAnswer

    if claim is None:
        return []
    cos = list(
        Assignment.objects.filter(
            subtask_id=claim.assignment.subtask_id, role=AssignmentRole.CO
        ).select_related("unit")
    )
    answers = {
        a.assignment_id: a
        for a in CoordinationAnswer.objects.filter(claim_report=claim).select_related("answered_by")
    }
    cos.sort(key=lambda a: vi_sort_key(a.unit.name))
    return [(co, answers.get(co.pk)) for co in cos]


def claims_for_coordination(*, co_assignment) -> list[tuple]:
    """(claim version, this unit's answer or None) for the lead units' claims awaiting review on the
    sub-task this assignment co-ordinates."""
    from .models import CoordinationAnswer

    states = (
        AssignmentState.objects.filter(
            assignment__subtask_id=co_assignment.subtask_id,
            assignment__role=AssignmentRole.LEAD,
            status=Status.AWAITING_REVIEW,
            claim_report__isnull=False,
        )
        .select_related("claim_report__period", "claim_report__assignment__unit")
        .order_by("claimed_at", "pk")
    )
    claims = [s.claim_report for s in states]
    answers = {
        a.claim_report_id: a
        for a in CoordinationAnswer.objects.filter(assignment=co_assignment, claim_report__in=claims)
    }
    return [(claim, answers.get(claim.pk)) for claim in claims]

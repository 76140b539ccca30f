"""Reads for progress reporting, already filtered by what the user may see, in a constant number of queries."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from tasks.models import Assignment, AssignmentRole
from units.naming import in_vi_order, search_key, vi_sort_key

from .flag_conditions import owing_report
from .models import Comment, Period, PeriodKind, ProgressReport, ReportStatus, Status
from .progress import expected_progress, is_lagging, is_overdue

SORTS = {
    "priority": _("Ưu tiên (quá hạn, chậm trước)"),
    "deadline": _("Thời hạn"),
    "completion": _("Tỷ lệ hoàn thành"),
    "code": _("Mã nhiệm vụ"),
}
FLAGS = {
    "overdue": _("Quá hạn"),
    "lagging": _("Chậm tiến độ"),
    "unreported": _("Chưa báo cáo kỳ này"),
}


@dataclass
class TaskRow:
    assignment: Assignment
    status: str
    status_label: str
    completion: Decimal | None
    expected: Decimal | None
    days_left: int | None
    overdue: bool
    lagging: bool
    period: Period | None
    reported: bool
    has_draft: bool
    report_due: bool
    comment_count: int
    returned_reason: str = ""

    @property
    def subtask(self):
        return self.assignment.subtask

    @property
    def days_late(self) -> int:
        """Days past the deadline, for a task not yet completed (a finished one is late no more)."""
        if self.status == Status.COMPLETED:
            return 0
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def priority(self):
        return (
            not self.overdue,
            not self.lagging,
            not self.report_due,
            self.subtask.deadline or datetime.date.max,
        )


@dataclass
class TaskGroup:
    plan: object
    section: object
    rows: list = field(default_factory=list)


def _current_report_filter(today, status):
    return ProgressReport.objects.filter(
        assignment=OuterRef("pk"),
        status=status,
        period__kind=PeriodKind.MONTHLY,
        period__start__lte=today,
        period__end__gte=today,
    )


def my_tasks(*, user, today: datetime.date, filters: dict | None = None) -> dict:
    """The lead assignments of the user's unit in plans in force, with status, expected progress and
    flags, grouped by plan and section, the overdue and lagging first (or in the order asked).

    A draft plan (just imported, still being checked) and a closed one are not work to report on: they
    have no open period, and counting them would double the unit's overdue tasks."""
    filters = filters or {}
    if not user.unit_id:
        return {"rows": [], "counts": {}, "plans": [], "total": 0}
    comments = (
        Comment.objects.filter(subtask=OuterRef("subtask"))
        .order_by()
        .values("subtask")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        Assignment.objects.leads_in_force()
        .filter(unit_id=user.unit_id)
        .select_related("subtask__plan", "subtask__general_task__section__plan", "state", "via_group")
        .annotate(
            reported_now=Exists(_current_report_filter(today, ReportStatus.SUBMITTED)),
            draft_now=Exists(_current_report_filter(today, ReportStatus.DRAFT)),
            comment_count=Coalesce(Subquery(comments, output_field=IntegerField()), Value(0)),
        )
        .order_by(
            "subtask__plan_id",
            "subtask__general_task__section__order",
            "subtask__general_task__order",
            "subtask__order",
        )
    )
    if filters.get("assignment"):
        qs = qs.filter(pk=filters["assignment"])
    if filters.get("plan"):
        qs = qs.filter(subtask__plan_id=filters["plan"])
    if filters.get("q"):
        qs = qs.filter(subtask__search_text__contains=search_key(filters["q"]))
    assignments = list(qs)

    plan_ids = {a.subtask.plan_id for a in assignments}
    periods = {
        p.plan_id: p
        for p in Period.objects.filter(
            plan_id__in=plan_ids, kind=PeriodKind.MONTHLY, start__lte=today, end__gte=today
        )
    }
    rows = [_row(a, today, periods.get(a.subtask.plan_id)) for a in assignments]
    counts = {
        "total": len(rows),
        "overdue": sum(r.overdue for r in rows),
        "lagging": sum(r.lagging for r in rows),
        "unreported": sum(r.report_due for r in rows),
        "awaiting_review": sum(r.status == Status.AWAITING_REVIEW for r in rows),
        "returned": sum(r.status == Status.RETURNED for r in rows),
        "completed": sum(r.status == Status.COMPLETED for r in rows),
    }
    status = filters.get("status")
    if status in Status.values:
        rows = [r for r in rows if r.status == status]
    flag = filters.get("flag")
    if flag == "overdue":
        rows = [r for r in rows if r.overdue]
    elif flag == "lagging":
        rows = [r for r in rows if r.lagging]
    elif flag == "unreported":
        rows = [r for r in rows if r.report_due]
    rows.sort(key=_sort_key(filters.get("sort") or "priority"))
    plans = sorted({a.subtask.plan for a in assignments}, key=lambda p: p.pk)
    return {"rows": rows, "counts": counts, "plans": plans, "total": len(assignments)}


def group_rows(rows) -> list[TaskGroup]:
    """Rows (one page of them) under their plan and section, in the order of their first row: the
    page's most urgent section comes first, whatever its place in the appendix."""
    groups: dict = {}
    for row in rows:
        section = row.subtask.general_task.section
        key = (section.plan_id, section.pk)
        if key not in groups:
            groups[key] = TaskGroup(plan=section.plan, section=section)
        groups[key].rows.append(row)
    return list(groups.values())


def co_assignments(*, user, limit: int = 200) -> list:
    """The co-ordinating assignments of the user's unit in plans in force, with their plan (two plans
    may both have a sub-task 2.1), in one query."""
    if not user.unit_id:
        return []
    return list(
        Assignment.objects.in_force()
        .filter(unit_id=user.unit_id, role=AssignmentRole.CO)
        .select_related("subtask__plan")
        .order_by("subtask__plan_id", "subtask__order", "pk")[:limit]
    )


def _sort_key(sort):
    if sort == "deadline":
        return lambda r: (r.subtask.deadline or datetime.date.max, r.subtask.code)
    if sort == "completion":
        return lambda r: (r.completion if r.completion is not None else Decimal(-1), r.priority)
    if sort == "code":
        return lambda r: (r.subtask.plan_id, _code_key(r.subtask))
    return lambda r: (*r.priority, _code_key(r.subtask))


def _code_key(subtask):
    parts = []
    for piece in subtask.code.replace(",", ".").split("."):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return (subtask.general_task.section.order, subtask.general_task.order, parts)


def _row(assignment: Assignment, today, period) -> TaskRow:
    subtask = assignment.subtask
    state = getattr(assignment, "state", None)
    status = state.status if state else Status.NOT_STARTED
    completed = status == Status.COMPLETED
    completion = state.latest_completion if state else None
    start = subtask.start_date or subtask.plan.effective_start
    expected = expected_progress(start=start, deadline=subtask.deadline, today=today)
    started = subtask.start_date is None or subtask.start_date <= today
    return TaskRow(
        assignment=assignment,
        status=status,
        status_label=Status(status).label,
        completion=completion,
        expected=expected,
        days_left=(subtask.deadline - today).days if subtask.deadline else None,
        overdue=is_overdue(deadline=subtask.deadline, today=today, completed=completed),
        lagging=is_lagging(expected=expected, completion=completion, completed=completed),
        period=period,
        reported=assignment.reported_now,
        has_draft=assignment.draft_now,
        report_due=period is not None and started and not completed and not assignment.reported_now,
        comment_count=assignment.comment_count,
        returned_reason=state.return_reason if state and status == Status.RETURNED else "",
    )


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


def not_reported(*, period: Period):
    """Lead assignments of the period's plan with no submitted report for it.

    Leaves out sub-tasks not started by the end of the period and assignments completed before it began.
    Returns (per-unit counts, queryset of the assignments).
    """
    qs = owing_report(
        Assignment.objects.leads().filter(subtask__plan_id=period.plan_id),
        periods=Period.objects.filter(pk=period.pk),
        first=period.start,
        last=period.end,
    )
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
    visible = leads if user.reads_everything else leads.filter(unit_id=user.unit_id or -1)
    own = list(Assignment.objects.filter(subtask=subtask, unit_id=user.unit_id or -1)) if user.unit_id else []
    reports = (
        ProgressReport.objects.filter(assignment__in=visible)
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

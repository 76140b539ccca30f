"""My tasks: the lead assignments of the user's unit, in a constant number of queries whatever their
number or the page asked for.

A department leads hundreds of assignments (735 at province scale). The status, flags and order of
every one are needed for the counts, the filters and to know which fifty come first, but only the
page's rows need their sub-task, plan, section, group and comments. So the list is read twice: once
as plain values for all of them (`TaskFacts`, no model instances), once in full for the page
(`task_rows`). Both judge an assignment with the same `_assess`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from tasks.models import Assignment, AssignmentRole, Plan, assignment_start, effective_deadline
from units.naming import search_key

from .flag_conditions import lagging_condition, overdue_condition, owing_report
from .models import Comment, Period, PeriodKind, ProgressReport, ReportStatus, Status
from .progress import expected_progress

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


def _assess(*, status, completion, deadline, start, today, overdue, lagging, report_due) -> dict:
    """What My tasks says of one assignment: one home for the list, its counts and its order.
    Overdue, lagging and a report due are the rules themselves (kpis.flag_conditions: the red-flag
    conditions and owing_report for the current period), asked of the database with the list, and
    the expected progress is kpis.progress's, so My tasks, the sweep, the not-reported page and the
    dashboards cannot disagree."""
    return {
        "status": status or Status.NOT_STARTED,
        "completion": completion,
        "expected": expected_progress(start=start, deadline=deadline, today=today),
        "days_left": (deadline - today).days if deadline else None,
        "overdue": overdue,
        "lagging": lagging,
        "report_due": report_due,
    }


def _code_parts(code: str):
    parts = []
    for piece in code.replace(",", ".").split("."):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return parts


@dataclass
class TaskFacts:
    """One assignment as plain values: enough to count, filter and order the whole list."""

    pk: int
    plan_id: int
    deadline: datetime.date | None
    code: str
    code_key: tuple
    status: str
    completion: Decimal | None
    expected: Decimal | None
    days_left: int | None
    overdue: bool
    lagging: bool
    report_due: bool

    @property
    def priority(self):
        # As the red flags' severity: overdue, returned, lagging, then a report due.
        return (
            not self.overdue,
            self.status != Status.RETURNED,
            not self.lagging,
            not self.report_due,
            self.deadline or datetime.date.max,
        )


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


@dataclass
class TaskGroup:
    plan: object
    section: object
    rows: list = field(default_factory=list)
    title: str = ""


URGENCY = (
    ("overdue", _("Quá hạn")),
    ("lagging", _("Chậm tiến độ")),
    ("report_due", _("Chưa gửi báo cáo kỳ này")),
    ("", _("Các nhiệm vụ khác")),
)


def _current_report_filter(today, status):
    return ProgressReport.objects.filter(
        assignment=OuterRef("pk"),
        status=status,
        period__kind=PeriodKind.MONTHLY,
        period__start__lte=today,
        period__end__gte=today,
    )


def _unit_leads(user, today, periods):
    """The unit's lead assignments with what the rules say of them today; `periods` are the monthly
    periods holding today (_current_periods), whose report My tasks asks for."""
    return (
        Assignment.objects.leads_in_force()
        .filter(unit_id=user.unit_id)
        .annotate(
            reported_now=Exists(_current_report_filter(today, ReportStatus.SUBMITTED)),
            draft_now=Exists(_current_report_filter(today, ReportStatus.DRAFT)),
            overdue_now=Exists(overdue_condition(today).filter(pk=OuterRef("pk"))),
            lagging_now=Exists(lagging_condition(today).filter(pk=OuterRef("pk"))),
            report_due_now=Exists(owing_report(today, list(periods.values())).filter(pk=OuterRef("pk"))),
            due=effective_deadline(),
            start=assignment_start(),
        )
    )


def _current_periods(today) -> dict:
    """{plan: its monthly period holding today} for the plans in force (one query)."""
    return {
        p.plan_id: p
        for p in Period.objects.in_force().filter(kind=PeriodKind.MONTHLY, start__lte=today, end__gte=today)
    }


FACT_FIELDS = (
    "pk",
    "subtask__plan_id",
    "due",
    "start",
    "subtask__code",
    "subtask__general_task__section__order",
    "subtask__general_task__order",
    "state__status",
    "state__latest_completion",
    "overdue_now",
    "lagging_now",
    "report_due_now",
)


def my_tasks(*, user, today: datetime.date, filters: dict | None = None) -> dict:
    """The lead assignments of the user's unit in plans in force, counted, filtered and ordered (the
    overdue and lagging first, or in the order asked): `selected` is the list of TaskFacts the
    filters keep, in order; `task_rows` gives the rows to show for any slice of it.

    A draft plan (just imported, still being checked) and a closed one are not work to report on: they
    have no open period, and counting them would double the unit's overdue tasks."""
    filters = filters or {}
    if not user.unit_id:
        return {"selected": [], "counts": {}, "plans": [], "total": 0}
    periods = _current_periods(today)
    qs = _unit_leads(user, today, periods)
    if filters.get("plan"):
        qs = qs.filter(subtask__plan_id=filters["plan"])
    if filters.get("q"):
        qs = qs.filter(subtask__search_text__contains=search_key(filters["q"]))
    values = list(qs.order_by().values_list(*FACT_FIELDS))
    plan_ids = {v[1] for v in values}
    facts = []
    for pk, plan_id, deadline, start, code, s_order, g_order, status, done, late, lags, owed in values:
        facts.append(
            TaskFacts(
                pk=pk,
                plan_id=plan_id,
                deadline=deadline,
                code=code,
                code_key=(s_order, g_order, _code_parts(code)),
                **_assess(
                    status=status,
                    completion=done,
                    deadline=deadline,
                    start=start,
                    today=today,
                    overdue=late,
                    lagging=lags,
                    report_due=owed,
                ),
            )
        )
    counts = {
        "total": len(facts),
        "overdue": sum(f.overdue for f in facts),
        "lagging": sum(f.lagging for f in facts),
        "unreported": sum(f.report_due for f in facts),
        "awaiting_review": sum(f.status == Status.AWAITING_REVIEW for f in facts),
        "returned": sum(f.status == Status.RETURNED for f in facts),
        "completed": sum(f.status == Status.COMPLETED for f in facts),
    }
    selected = facts
    status = filters.get("status")
    if status in Status.values:
        selected = [f for f in selected if f.status == status]
    flag = filters.get("flag")
    if flag in FLAGS:
        attribute = "report_due" if flag == "unreported" else flag
        selected = [f for f in selected if getattr(f, attribute)]
    selected.sort(key=_sort_key(filters.get("sort") or "priority"))
    plans = list(Plan.objects.filter(pk__in=plan_ids).order_by("pk")) if plan_ids else []
    return {"selected": selected, "counts": counts, "plans": plans, "total": len(facts)}


def task_rows(*, user, today: datetime.date, ids) -> list[TaskRow]:
    """The rows to show for these assignment ids (of the user's unit), in the order given, in one
    query with their sub-task, plan, section, state, group and comment count, plus their periods."""
    ids = list(ids)
    if not ids or not user.unit_id:
        return []
    comments = (
        Comment.objects.filter(subtask=OuterRef("subtask"))
        .order_by()
        .values("subtask")
        .annotate(n=Count("pk"))
        .values("n")
    )
    periods = _current_periods(today)
    assignments = {
        a.pk: a
        for a in _unit_leads(user, today, periods)
        .filter(pk__in=ids)
        .select_related("subtask__plan", "subtask__general_task__section__plan", "state", "via_group")
        .annotate(comment_count=Coalesce(Subquery(comments, output_field=IntegerField()), Value(0)))
    }
    return [
        _row(assignments[pk], today, periods.get(assignments[pk].subtask.plan_id))
        for pk in ids
        if pk in assignments
    ]


def _row(assignment: Assignment, today, period) -> TaskRow:
    state = getattr(assignment, "state", None)
    judged = _assess(
        status=state.status if state else None,
        completion=state.latest_completion if state else None,
        deadline=assignment.due,
        start=assignment.start,
        today=today,
        overdue=assignment.overdue_now,
        lagging=assignment.lagging_now,
        report_due=assignment.report_due_now,
    )
    return TaskRow(
        assignment=assignment,
        status_label=Status(judged["status"]).label,
        period=period,
        reported=assignment.reported_now,
        has_draft=assignment.draft_now,
        comment_count=assignment.comment_count,
        returned_reason=state.return_reason if state and judged["status"] == Status.RETURNED else "",
        **judged,
    )


def group_rows(rows, *, by_urgency: bool = False) -> list[TaskGroup]:
    """Rows (one page of them) under their plan and section, in the order of their first row; or,
    in the priority order, under what makes them urgent (overdue, lagging, this period's report
    still to send, the rest): the order they come in, without a heading for every other row."""
    if by_urgency:
        bands: dict = {}
        for row in rows:
            attribute, title = next((a, t) for a, t in URGENCY if not a or getattr(row, a))
            bands.setdefault(attribute, TaskGroup(plan=None, section=None, title=title)).rows.append(row)
        return list(bands.values())
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
        return lambda f: (f.deadline or datetime.date.max, f.code)
    if sort == "completion":
        return lambda f: (f.completion if f.completion is not None else Decimal(-1), f.priority)
    if sort == "code":
        return lambda f: (f.plan_id, f.code_key)
    return lambda f: (*f.priority, f.code_key)

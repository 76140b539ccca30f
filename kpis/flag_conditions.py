"""The conditions of the red flags as querysets over every lead assignment (see kpis/sweep.py).

Each is one SQL query whatever the number of assignments; dates are compared in SQL with a
small portable day-difference function (kpis.progress.DaysBetween). The rules other pages share
live here too, each written once: overdue (overdue_q, is_overdue), owing a report for a period
(owing_report); expected progress is kpis.progress's, which the lagging rule compares with in
whole tenths so that its edges (expected exactly 20 %, actual exactly half) are exact.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    DateField,
    DecimalField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan

from tasks.models import Assignment, assignment_start, effective_deadline

from .models import SETTLED_STATUSES, Period, PeriodKind, ProgressReport, ReportStatus, Status
from .progress import DaysBetween, expected_tenths_sql

EARLIEST = datetime.date(1900, 1, 1)


def _date(value: datetime.date) -> Value:
    return Value(value, output_field=DateField())


def lead_assignments(today: datetime.date, ids=None) -> QuerySet:
    """Every lead assignment of a plan in force (or those of `ids`), with the figures the rules read."""
    qs = Assignment.objects.leads_in_force()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.annotate(
        flag_status=Coalesce("state__status", Value(Status.NOT_STARTED)),
        actual=Coalesce(
            "state__latest_completion",
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=5, decimal_places=2),
        ),
        s_date=assignment_start(),
        due=effective_deadline(),
    )


def overdue_q(today: datetime.date, status: str = "flag_status", deadline: str | None = None) -> Q:
    """Past its deadline (the day after it) and not completed, over rows whose status is `status`
    (lead_assignments() annotates it as flag_status) and deadline the field `deadline`, by default
    the effective deadline of an assignment (tasks.models.effective_deadline: the latest approved
    deadline change, else the appendix's). An ongoing sub-task has no deadline (the constraint
    subtask_ongoing_has_no_deadline, and no change is granted to one), so it is never overdue.

    Written once: the sweep, My tasks, the dashboard's lists and, compiled to SQL over its rows
    (`deadline="deadline", status="status"`), the dashboard's cells (reports.dashboard.cells)."""
    if deadline is None:
        past = Q(subtask__ongoing=False) & Q(LessThan(effective_deadline(), _date(today)))
    else:
        past = Q(**{f"{deadline}__lt": today})
    return past & ~Q(**{status: Status.COMPLETED})


def is_overdue(deadline: datetime.date | None, completed: bool, today: datetime.date) -> bool:
    """`overdue_q` for one assignment already loaded (an official report's snapshot at its cut-off,
    where `today` is the cut-off day and `deadline` the one in force then, tasks.deadlines.deadlines_at):
    a sub-task with a deadline (an ongoing one has none), past it, not completed."""
    return deadline is not None and deadline < today and not completed


def overdue_condition(today: datetime.date, ids=None) -> QuerySet:
    return lead_assignments(today, ids).filter(overdue_q(today))


def lagging_condition(today: datetime.date, ids=None) -> QuerySet:
    """Below FLAG_LAGGING_RATIO of the expected progress once that has reached FLAG_LAGGING_MIN_EXPECTED,
    with the expected progress as kpis.progress writes it (tenths of a per cent, the figure My tasks
    shows and the flag states), compared in tenths so that the edges stay exact."""
    ratio = float(settings.FLAG_LAGGING_RATIO)
    minimum_tenths = float(settings.FLAG_LAGGING_MIN_EXPECTED) * 10
    return (
        lead_assignments(today, ids)
        # Lagging ends where overdue begins: up to the deadline day, never beside an overdue flag.
        .filter(subtask__ongoing=False, due__gte=today, s_date__isnull=False)
        .exclude(flag_status__in=SETTLED_STATUSES)
        .annotate(
            total_days=DaysBetween(F("due"), F("s_date")),
            day=DaysBetween(_date(today), F("s_date")),
            expected_tenths=expected_tenths_sql(start=F("s_date"), deadline=F("due"), day=today),
        )
        .annotate(
            actual_tenths=F("actual") * 10,
            allowed_tenths=Value(ratio, output_field=FloatField()) * F("expected_tenths"),
        )
        .filter(expected_tenths__gte=minimum_tenths, actual_tenths__lt=F("allowed_tenths"))
    )


def quality_condition(today: datetime.date, ids=None) -> QuerySet:
    return lead_assignments(today, ids).filter(flag_status=Status.RETURNED)


def _due_period_choices(today: datetime.date, ids=None) -> list[tuple[int, datetime.date, int]]:
    """(plan, cut-off, period) in the order the no-report rule tries them: per plan, its monthly
    periods already due, latest first (due date, then start), keeping only a period whose cut-off
    is later than that of every period after it. A sub-task that started by a kept period's
    cut-off owes that period's report; one that started after them all owes none yet.

    Periods follow one another, so in practice one period per plan is kept: the rule becomes a
    CASE over a few plans rather than a subquery over the periods for each assignment (which
    PostgreSQL ran for each of its three uses: the filter, the report looked for, the flag's number).
    """
    due = (
        Period.objects.in_force()
        .filter(kind=PeriodKind.MONTHLY, due_date__lt=today)
        .order_by("plan_id", "-due_date", "-start")
    )
    if ids is not None:  # a decision's own sweep: its plans' periods only
        due = due.filter(plan_id__in=Assignment.objects.filter(pk__in=ids).values("subtask__plan_id"))
    choices, latest_cutoff = [], {}
    for plan_id, cutoff, period_id in due.values_list("plan_id", "cutoff", "pk"):
        if plan_id not in latest_cutoff or cutoff > latest_cutoff[plan_id]:
            choices.append((plan_id, cutoff, period_id))
            latest_cutoff[plan_id] = max(cutoff, latest_cutoff.get(plan_id, cutoff))
    return choices


def _choices(periods) -> list[tuple[int, datetime.date, int]]:
    """(plan, cut-off, period) of `periods` (Period rows or a queryset of them), latest first."""
    if isinstance(periods, QuerySet):
        return list(periods.order_by("plan_id", "-due_date", "-start").values_list("plan_id", "cutoff", "pk"))
    return [
        (p.plan_id, p.cutoff, p.pk)
        for p in sorted(periods, key=lambda p: (p.due_date, p.start), reverse=True)
    ]


def owing_report(today: datetime.date, periods=None, ids=None, *, choices=None) -> QuerySet:
    """The lead assignments that owe, as of `today`, the report of one of `periods` and have not sent
    it — "owes a report for a period", written once. The sweep's no-report flag, My tasks' "report
    not sent this period", the not-reported page, the reminders and the dashboard's missing reports
    all read it, each for the periods it is about (the latest due, the current one, the one chosen,
    those due in a few days, those of a month):

    - a lead assignment of a plan in force (Assignment.objects.leads_in_force) of the period's plan;
    - whose sub-task starts (tasks.models.assignment_start) by the period's cut-off: the figures a
      report gives are those of its cut-off, so a task begun after it owes that period nothing (and
      one starting before it, even later than today, owes the period's report);
    - whose work is not settled today (SETTLED_STATUSES: neither completed nor awaiting review);
    - with no version sent for that period (a draft, or one waiting for the head's sign-off, is not
      a report).

    Whether the task is overdue does not matter: its report is still owed (the sweep's no-report
    flag alone leaves overdue tasks to their overdue flag). Several periods of one plan are tried
    latest first (`choices`, already in that order, for the sweep); the one owed is annotated
    `owed_period`. One query whatever the number of assignments: a CASE over a few plans' periods."""
    if choices is None:
        choices = _choices(periods if periods is not None else [])
    started = Coalesce("s_date", _date(EARLIEST))
    owed = (
        Case(
            *(
                When(subtask__plan_id=plan, started__lte=cutoff, then=Value(period))
                for plan, cutoff, period in choices
            ),
            default=None,
            output_field=IntegerField(),
        )
        if choices
        else Value(None, output_field=IntegerField())  # no period asked: nobody owes a report
    )
    sent = ProgressReport.objects.filter(
        assignment_id=OuterRef("pk"), period_id=OuterRef("owed_period"), status=ReportStatus.SUBMITTED
    )
    return (
        lead_assignments(today, ids)
        .exclude(flag_status__in=SETTLED_STATUSES)
        .annotate(started=started)
        .annotate(owed_period=owed)
        .filter(owed_period__isnull=False)
        .exclude(Exists(sent))
    )


def no_report_condition(today: datetime.date, ids=None) -> QuerySet:
    """Owes the report of its plan's latest monthly period already due (owing_report), and is not
    overdue: an overdue task is told by its overdue flag, a missed monthly report adds no second alarm."""
    return (
        owing_report(today, ids=ids, choices=_due_period_choices(today, ids))
        .exclude(overdue_q(today))
        .annotate(due_period=F("owed_period"))
    )

"""The conditions of the red flags as querysets over every lead assignment (see kpis/sweep.py).

Each is one SQL query whatever the number of assignments; dates are compared in SQL with a
small portable day-difference function (kpis.progress.DaysBetween). Expected progress is
kpis.progress's, which the lagging rule compares with in whole tenths so that its edges (expected
exactly 20 %, actual exactly half) are exact.
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
from django.utils import timezone

from tasks.models import Assignment, PlanStatus, assignment_start, effective_deadline

from .models import (
    SETTLED_STATUSES,
    AssignmentState,
    Period,
    PeriodKind,
    ProgressReport,
    ReportStatus,
    Status,
)
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
    due = Period.objects.filter(
        kind=PeriodKind.MONTHLY, due_date__lt=today, plan__status=PlanStatus.IN_FORCE
    ).order_by("plan_id", "-due_date", "-start")
    if ids is not None:  # a decision's own sweep: its plans' periods only
        due = due.filter(plan_id__in=Assignment.objects.filter(pk__in=ids).values("subtask__plan_id"))
    choices, latest_cutoff = [], {}
    for plan_id, cutoff, period_id in due.values_list("plan_id", "cutoff", "pk"):
        if plan_id not in latest_cutoff or cutoff > latest_cutoff[plan_id]:
            choices.append((plan_id, cutoff, period_id))
            latest_cutoff[plan_id] = max(cutoff, latest_cutoff.get(plan_id, cutoff))
    return choices


def no_report_condition(today: datetime.date, ids=None) -> QuerySet:
    started = Coalesce(
        "subtask__start_date", "subtask__plan__start_date", "subtask__plan__issue_date", _date(EARLIEST)
    )
    # The plan's latest monthly period already due whose cut-off the sub-task had started by.
    choices = _due_period_choices(today, ids)
    due_period = (
        Case(
            *(
                When(subtask__plan_id=plan, started__lte=cutoff, then=Value(period))
                for plan, cutoff, period in choices
            ),
            default=None,
            output_field=IntegerField(),
        )
        if choices
        else Value(None, output_field=IntegerField())  # no period is due yet: nobody owes a report
    )
    reported = ProgressReport.objects.filter(
        assignment_id=OuterRef("pk"), period_id=OuterRef("due_period"), status=ReportStatus.SUBMITTED
    )
    return (
        lead_assignments(today, ids)
        .exclude(flag_status__in=[Status.COMPLETED, Status.AWAITING_REVIEW])
        # An overdue task is told by its overdue flag: a missed monthly report adds no second alarm.
        .exclude(overdue_q(today))
        .annotate(started=started)
        .annotate(due_period=due_period)
        .filter(due_period__isnull=False)
        .exclude(Exists(reported))
    )


def owing_report(assignments: QuerySet, *, periods: QuerySet, first: datetime.date, last: datetime.date):
    """Of `assignments` (lead ones), those that owed a report for `periods` (the monthly period of
    their plan covering first…last) and sent none: the plan has such a period, the sub-task had
    started by `last`, the assignment was not completed before `first`, no report for the period
    was submitted. The not-reported page (one period) and the dashboard's missing reports (a month
    over every plan) count these."""
    first_moment = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    completed_before = AssignmentState.objects.filter(
        assignment=OuterRef("pk"), status=Status.COMPLETED, completed_at__lt=first_moment
    )
    submitted = ProgressReport.objects.filter(
        assignment=OuterRef("pk"), period__in=periods, status=ReportStatus.SUBMITTED
    )
    return (
        assignments.filter(Exists(periods.filter(plan_id=OuterRef("subtask__plan_id"))))
        .exclude(subtask__start_date__gt=last)
        .exclude(Exists(completed_before))
        .exclude(Exists(submitted))
    )

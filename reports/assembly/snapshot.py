"""Each lead assignment as it stood at the cut-off, rebuilt from the history rows.

`AssignmentState` holds the status *now*; a report must give the figures as of its cut-off, so
that regenerating it next year gives the same numbers. The history that decides a status is kept
unchanged by the services: submitted report versions (never rewritten), reviews (one row per
decision) and red flags (resolved, never deleted). The status follows the same rules as
kpis.services.reports._apply_submission and kpis.services.claims:

- the latest report is the one of the latest period, the latest sent within it;
- a completion claim makes the assignment await review; a later ordinary report takes it back
  to "in progress";
- a reviewer's decision after the last claim settles it: completed (on time when the claim was
  sent by the deadline) or returned, which stays until the next claim.

The red flags are those open at the cut-off, read against the status rebuilt here: the sweep runs
once a day (and may not have run yet when the clock was moved, or been behind when a claim was
settled), but a report must not print "Quá hạn 0" beside Bảng 1's overdue count. The kinds a
snapshot decides alone — overdue (kpis.flag_conditions.is_overdue) and returned — stand exactly
where Bảng 1 counts them; a lagging or missed-report flag stands only where its rule could hold.

A fixed number of queries whatever the size: one per kind of history row.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation

from evidence.models import Decision, Evidence, Review
from kpis.flag_conditions import is_overdue
from kpis.flags import FlagKind, RedFlag, overdue_message, quality_message, severity
from kpis.models import SETTLED_STATUSES, ProgressReport, ReportStatus, Status
from tasks.deadlines import changes_at
from tasks.models import Assignment
from tasks.selectors import LeadAsOf, lead_assignments_as_of, subtasks_as_of
from units.models import Unit

from .scope import ReportScope


@dataclass
class LeadState:
    assignment_id: int
    subtask_id: int
    unit_id: int
    via_group_id: int | None
    status: str = Status.NOT_STARTED
    on_time: bool | None = None
    completion: Decimal | None = None
    latest_reported_on: datetime.date | None = None
    evidence: int = 0
    # The deadline in force at the cut-off (tasks.deadlines: an approved change, else the appendix's)
    deadline: datetime.date | None = None
    # The approved change that set it, if any (tasks.deadlines.Changed)
    changed: object = None
    # (kind, message as raised) of the flags open at the cut-off, most severe first
    flags: list[tuple[str, str]] = field(default_factory=list)
    # when the most severe of them was raised (the lists order by severity, then age)
    flagged_since: datetime.datetime | None = None
    # the reviewer's return that left it "returned" (when, reason), for its flag's message
    returned: tuple[datetime.datetime, str] | None = None
    # the report of this period (latest version sent by the cut-off)
    results: str = ""
    difficulties: str = ""
    proposals: str = ""

    @property
    def completed(self) -> bool:
        return self.status == Status.COMPLETED


def lead_assignments(scope: ReportScope) -> list[LeadAsOf]:
    """The scope's lead assignments as the plan stood at the cut-off (amendments recorded later
    are read back): a group stands for its members' assignments made through it."""
    unit = Unit.objects.get(pk=scope.unit_id) if scope.unit_id else None
    return lead_assignments_as_of(plan_ids=scope.plan_ids, at=scope.cutoff_at, unit=unit)


def _history_of(scope: ReportScope):
    """The assignments whose history rows are read: the scope's plans (and unit), open or closed,
    any role; rows of assignments that were not a lead at the cut-off are then ignored."""
    qs = Assignment.all_objects.filter(subtask__plan_id__in=scope.plan_ids)
    if scope.unit_id:
        unit = Unit.objects.get(pk=scope.unit_id)
        if not unit.is_group:
            qs = qs.filter(unit_id=unit.pk)
    return qs


def appendix_deadlines(subtasks: dict[int, dict]) -> dict[int, tuple]:
    """{sub-task id: (its appendix deadline, ongoing)} from sub-tasks as the plan stood
    (tasks.selectors.subtasks_as_of, or the assembly's rows of them)."""
    out = {}
    for pk, facts in subtasks.items():
        deadline = facts["deadline"]
        if isinstance(deadline, str):
            deadline = datetime.date.fromisoformat(deadline)
        out[pk] = (deadline, facts["ongoing"])
    return out


def _latest(qs, order):
    """The first row per assignment by `order`, as a window (one query, any database)."""
    return qs.annotate(
        rank=Window(RowNumber(), partition_by=[F("assignment_id")], order_by=order),
    ).filter(rank=1)


def lead_states(scope: ReportScope, appendix: dict | None = None, leads=None) -> dict[int, LeadState]:
    """`appendix`: {sub-task id: (deadline, ongoing)} as the plan stood at the cut-off
    (appendix_deadlines; read when not given); `leads`: the scope's lead assignments at the
    cut-off (lead_assignments(scope) when not given)."""
    at = scope.cutoff_at
    if leads is None:
        leads = lead_assignments(scope)
    states = {
        a.assignment_id: LeadState(
            assignment_id=a.assignment_id,
            subtask_id=a.subtask_id,
            unit_id=a.unit_id,
            via_group_id=a.via_group_id,
        )
        for a in leads
    }
    if not states:
        return states
    if appendix is None:
        appendix = appendix_deadlines(subtasks_as_of(ids={s.subtask_id for s in states.values()}, at=at))
    leads = _history_of(scope)
    sent = ProgressReport.objects.filter(
        assignment__in=leads, status=ReportStatus.SUBMITTED, submitted_at__lte=at
    ).order_by()

    latest = {
        a: (when, claim, completion)
        for a, when, claim, completion in _latest(
            sent, [F("period__start").desc(), F("submitted_at").desc(), F("version").desc()]
        ).values_list("assignment_id", "submitted_at", "is_claim", "completion")
    }
    last_claim = dict(
        _latest(sent.filter(is_claim=True), [F("submitted_at").desc(), F("id").desc()]).values_list(
            "assignment_id", "submitted_at"
        )
    )
    last_review = {
        a: (decided, decision, claimed, reason)
        for a, decided, decision, claimed, reason in _latest(
            Review.objects.filter(assignment__in=leads, decided_at__lte=at).order_by(),
            [F("decided_at").desc(), F("id").desc()],
        ).values_list("assignment_id", "decided_at", "decision", "report__submitted_at", "reason_text")
    }
    # The deadline in force at the cut-off: the appendix's as the plan stood then, unless a deadline
    # change approved by then moved it (tasks.deadlines; never for an ongoing sub-task).
    changed = changes_at(leads, at)
    for pk, state in states.items():
        deadline, ongoing = appendix.get(state.subtask_id, (None, False))
        state.changed = None if ongoing else changed.get(pk)
        state.deadline = state.changed.deadline if state.changed is not None else deadline
        _settle(state, latest.get(pk), last_claim.get(pk), last_review.get(pk), state.deadline)

    this_period = _latest(
        sent.filter(period__start__gte=scope.start, period__end__lte=scope.end),
        [F("period__start").desc(), F("submitted_at").desc(), F("version").desc()],
    ).values_list("assignment_id", "results", "difficulties", "proposals")
    for a, results, difficulties, proposals in this_period:
        state = states.get(a)
        if state is None:
            continue
        state.results, state.difficulties, state.proposals = (
            results.strip(),
            difficulties.strip(),
            proposals.strip(),
        )

    evidence = (
        Evidence.objects.filter(
            report__assignment__in=leads,
            report__status=ReportStatus.SUBMITTED,
            report__submitted_at__lte=at,
            uploaded_at__lte=at,
        )
        .order_by()
        .values_list("report__assignment_id")
        .annotate(n=Count("pk"))
    )
    for a, n in evidence:
        if a in states:
            states[a].evidence = n

    flags = (
        RedFlag.objects.filter(assignment__in=leads, raised_at__lte=at)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gt=at))
        .order_by("assignment_id", "raised_at", "id")
        .values_list("assignment_id", "kind", "message_vi", "raised_at")
    )
    raised = {}
    for a, kind, message, raised_at in flags:
        if a not in states:
            continue
        states[a].flags.append((kind, message))
        raised[(a, kind)] = raised_at
    for a, state in states.items():
        _flags_at_cutoff(state, state.deadline, scope.cutoff, raised)
        if state.flags:
            state.flags.sort(key=lambda flag: severity(flag[0]))
            state.flagged_since = raised[(a, state.flags[0][0])]
    return states


def _flags_at_cutoff(state: LeadState, deadline, cutoff: datetime.date, raised: dict) -> None:
    """The flags of `state` as its rules stand at the cut-off (see the module's docstring)."""
    stored = dict(state.flags)
    key = state.assignment_id
    flags = []
    overdue = is_overdue(deadline, state.completed, cutoff)
    if overdue:
        # the days counted to the cut-off, not to the day the flag was raised
        with translation.override("vi"):  # a report is written in Vietnamese, as message_vi
            message = overdue_message(days=(cutoff - deadline).days, deadline=deadline)
        flags.append((FlagKind.OVERDUE, message))
        day_after = timezone.make_aware(datetime.datetime.combine(deadline, datetime.time.min))
        raised.setdefault((key, FlagKind.OVERDUE), day_after + datetime.timedelta(days=1))
    if state.status == Status.RETURNED:
        if FlagKind.QUALITY in stored:
            message = stored[FlagKind.QUALITY]
        else:
            when, reason = state.returned  # a returned status comes from a review
            with translation.override("vi"):
                message = quality_message(returned_on=timezone.localdate(when), reason=reason)
            raised[(key, FlagKind.QUALITY)] = when
        flags.append((FlagKind.QUALITY, message))
    # Lagging and a missed report are for work still under way and not yet overdue (their rules).
    if not overdue and state.status not in SETTLED_STATUSES:
        flags.extend((k, stored[k]) for k in (FlagKind.LAGGING, FlagKind.NO_REPORT) if k in stored)
    # A kind these rules do not rebuild (one added to kpis.flags.RULES) is told as the sweep left it.
    rebuilt = (FlagKind.OVERDUE, FlagKind.QUALITY, FlagKind.LAGGING, FlagKind.NO_REPORT)
    flags.extend((k, m) for k, m in stored.items() if k not in rebuilt)
    state.flags = [(str(kind), message) for kind, message in flags]


def _settle(state: LeadState, latest, claim_at, review, deadline) -> None:
    if latest is not None:
        when, is_claim, completion = latest
        state.completion = completion
        state.latest_reported_on = timezone.localdate(when)
    if review is not None and (claim_at is None or review[0] >= claim_at):
        decided, decision, claimed, reason = review
        if decision == Decision.APPROVED:
            state.status = Status.COMPLETED
            state.on_time = deadline is None or timezone.localdate(claimed) <= deadline
        else:
            state.status = Status.RETURNED
            state.returned = (decided, reason or "")
        return
    if claim_at is not None:
        taken_back = latest is not None and not latest[1] and latest[0] > claim_at
        state.status = Status.IN_PROGRESS if taken_back else Status.AWAITING_REVIEW
        return
    state.status = Status.IN_PROGRESS if latest is not None else Status.NOT_STARTED


def units_by_id(states: dict[int, LeadState]) -> dict[int, Unit]:
    ids = {s.unit_id for s in states.values()} | {s.via_group_id for s in states.values() if s.via_group_id}
    return {u.pk: u for u in Unit.objects.filter(pk__in=ids).only("pk", "name", "short_name", "kind")}


def by_subtask(states: dict[int, LeadState]) -> dict[int, list[LeadState]]:
    grouped: dict[int, list[LeadState]] = defaultdict(list)
    for state in states.values():
        grouped[state.subtask_id].append(state)
    return grouped

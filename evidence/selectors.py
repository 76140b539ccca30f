"""Reads for evidence and review, in a constant number of queries whatever the number of rows."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from kpis.models import AssignmentState, ProgressReport, ReportStatus, Status
from kpis.selectors import coordination_answers
from kpis.services import kpi_rows
from tasks.models import Plan, Section
from units.models import Unit
from units.naming import in_vi_order

from .models import Evidence, Review


@dataclass
class QueueFilters:
    plan: int | None = None
    section: int | None = None
    unit: int | None = None
    deadline_from: datetime.date | None = None
    deadline_to: datetime.date | None = None
    typed: dict = field(default_factory=dict)  # dates as the reviewer typed them, shown back
    errors: dict = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return any([self.plan, self.section, self.unit, self.deadline_from, self.deadline_to])


def _evidence_count():
    return Coalesce(
        Subquery(
            Evidence.objects.filter(report=OuterRef("claim_report"))
            .values("report")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def _previous_returns():
    return Coalesce(
        Subquery(
            Review.objects.filter(assignment=OuterRef("assignment"), decision="returned")
            .values("assignment")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def review_queue(*, filters: QueueFilters, user):
    """Claims awaiting review, oldest claim first. Only reviewers reach it (the views check), and
    they read everything, so there is no per-unit filter here; a plan taken back to draft drops out
    for whoever does not see drafts."""
    states = (
        AssignmentState.objects.filter(Plan.visible_to(user, via="assignment__subtask__plan__"))
        .filter(status=Status.AWAITING_REVIEW)
        .select_related(
            "assignment__unit",
            "assignment__via_group",
            "assignment__subtask__general_task__section__plan",
            "claim_report__period",
        )
        .annotate(evidence_count=_evidence_count(), returns=_previous_returns())
        .order_by("claimed_at", "pk")
    )
    if filters.plan:
        states = states.filter(assignment__subtask__plan_id=filters.plan)
    if filters.section:
        states = states.filter(assignment__subtask__general_task__section_id=filters.section)
    if filters.unit:
        states = states.filter(assignment__unit_id=filters.unit)
    if filters.deadline_from:
        states = states.filter(assignment__subtask__deadline__gte=filters.deadline_from)
    if filters.deadline_to:
        states = states.filter(assignment__subtask__deadline__lte=filters.deadline_to)
    return states


def queue_filter_choices(*, filters: QueueFilters, user) -> dict:
    """Plans, sections (of the chosen plan) and units that have claims waiting."""
    waiting = AssignmentState.objects.filter(
        Plan.visible_to(user, via="assignment__subtask__plan__"), status=Status.AWAITING_REVIEW
    )
    plans = (
        Plan.objects.filter(subtasks__assignments__state__in=waiting).distinct().order_by("-issue_date", "pk")
    )
    sections = (
        Section.objects.filter(plan_id=filters.plan).order_by("order", "pk")
        if filters.plan
        else Section.objects.none()
    )
    units = Unit.objects.filter(assignments__state__in=waiting).distinct()
    return {
        "plans": list(plans),
        "sections": list(sections),
        "units": in_vi_order(units),
    }


def claim_for_review(*, assignment) -> dict:
    """Everything a reviewer weighs: the sub-task, its output and KPIs, the claim with its
    evidence, what the unit sent before in the same period, and past decisions."""
    state = AssignmentState.objects.select_related(
        "claim_report__period",
        "claim_report__submitted_by",
        "claim_report__created_by",
        "claim_report__prepared_by",
        "claim_report__signed_off_by",
    ).filter(assignment=assignment)
    state = state.first()
    claim = state.claim_report if state else None
    files = list(claim.evidence.select_related("uploaded_by")) if claim else []
    values = {}
    earlier = []
    if claim:
        for value in claim.kpi_values.all():
            values[(value.kpi_id, value.target_id)] = value
        earlier = list(
            ProgressReport.objects.filter(
                assignment=assignment,
                period=claim.period,
                status=ReportStatus.SUBMITTED,
                version__lt=claim.version,
            )
            .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")))
            .order_by("-version")
        )
    kpis = [
        (kpi, target, values.get((kpi.pk, target.pk if target else None)))
        for kpi, target in kpi_rows(assignment.subtask)
    ]
    reviews = list(Review.objects.filter(assignment=assignment).select_related("reviewer", "report__period"))
    return {
        "state": state,
        "claim": claim,
        "files": files,
        "kpis": kpis,
        "earlier": earlier,
        "reviews": reviews,
        "coordination": coordination_answers(claim=claim),
        "awaiting": bool(state and state.status == Status.AWAITING_REVIEW),
    }


def draft_files(*, report) -> list[Evidence]:
    return list(Evidence.objects.filter(report=report).order_by("uploaded_at", "pk")) if report else []


def latest_review(*, assignment) -> Review | None:
    return Review.objects.filter(assignment=assignment).select_related("reviewer").first()


def returns_by_reason() -> list[tuple[str, str, int]]:
    """Every return so far, counted by its reason, in the order the reasons are offered (one
    query; reasons never used show 0). For the leadership: why claims come back."""
    from .models import Decision, ReturnReason

    counts = dict(
        Review.objects.filter(decision=Decision.RETURNED)
        .order_by()
        .values_list("reason_code")
        .annotate(n=Count("pk"))
    )
    return [(code, str(label), counts.get(code, 0)) for code, label in ReturnReason.choices]

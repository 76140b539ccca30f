"""What a client may read, as querysets: the portal's own read rules with the client in the user's
place (Plan.visible_to, tasks.models.readable_by, kpis.flag_selectors.flags_visible_to), so the
API never restates who sees what. An id outside these querysets answers 404, like a missing one."""

from django.db.models import DecimalField, OuterRef, Prefetch, Q, Subquery

from evidence.models import Decision, Review
from kpis.flag_selectors import flags_visible_to
from kpis.models import Kpi, KpiTarget, Period, ProgressReport, ReportStatus
from tasks.models import Amendment, Assignment, GeneralTask, Plan, Section, SubTask, readable_by
from units.models import Unit

from .models import ApiClient


def assignments_for(client: ApiClient):
    return Assignment.objects.filter(readable_by(client))


def subtasks_for(client: ApiClient):
    qs = SubTask.objects.filter(Plan.visible_to(client, via="plan__"))
    if client.unit_id is not None:
        qs = qs.filter(pk__in=assignments_for(client).values("subtask_id"))
    return qs


def plans_for(client: ApiClient):
    qs = Plan.objects.filter(Plan.visible_to(client))
    if client.unit_id is not None:
        qs = qs.filter(pk__in=subtasks_for(client).values("plan_id"))
    return qs


def plan_detail_queryset(client: ApiClient):
    tasks = GeneralTask.objects.order_by("order", "pk")
    sections = Section.objects.order_by("order", "pk").prefetch_related(Prefetch("general_tasks", tasks))
    return plans_for(client).prefetch_related(Prefetch("sections", sections))


def amendments_in_force(plan_ids, *, at=None) -> dict[int, Amendment]:
    """Per plan, the latest amendment recorded by `at` (every one when None): the version of the
    plan read then (tasks.models.Amendment: read along the time an amendment was recorded)."""
    rows = Amendment.objects.filter(plan_id__in=list(plan_ids))
    if at is not None:
        rows = rows.filter(recorded_at__lte=at)
    found = {}
    for amendment in rows.order_by("plan_id", "sequence"):
        found[amendment.plan_id] = amendment
    return found


def subtask_list(client: ApiClient):
    targets = KpiTarget.objects.filter(confirmed=True).order_by("order", "pk")
    kpis = Kpi.objects.order_by("order", "pk")  # as tasks.importing.history.subtask_facts reads them
    return (
        subtasks_for(client)
        .select_related("general_task__section")
        .prefetch_related(
            Prefetch("kpis", kpis), Prefetch("kpis__targets", targets, to_attr="confirmed_targets")
        )
    )


def approved_completion():
    """The completion of the latest claim a reviewer approved (only approved completion counts)."""
    return Subquery(
        Review.objects.filter(assignment_id=OuterRef("pk"), decision=Decision.APPROVED)
        .order_by("-decided_at", "-pk")
        .values("report__completion")[:1],
        output_field=DecimalField(max_digits=5, decimal_places=2),
    )


def assignment_list(client: ApiClient):
    return (
        assignments_for(client)
        .select_related("subtask", "unit", "state", "via_group")
        .annotate(approved_completion=approved_completion())
    )


def report_list(client: ApiClient):
    """Submitted versions only: a draft is the unit's work in progress, not a figure."""
    approved = (
        Review.objects.filter(report_id=OuterRef("pk")).order_by("-decided_at", "-pk").values("decision")[:1]
    )
    return (
        ProgressReport.objects.filter(readable_by(client, via="assignment__"), status=ReportStatus.SUBMITTED)
        .select_related("assignment__subtask", "assignment__unit", "period")
        .prefetch_related("kpi_values__target")
        .annotate(review_decision=Subquery(approved))
    )


def flag_list(client: ApiClient):
    return flags_visible_to(client).select_related("escalation", "period")


def period_list(client: ApiClient):
    return Period.objects.filter(plan__in=plans_for(client))


def unit_list(client: ApiClient):
    qs = Unit.objects.all()
    if client.unit_id is not None:
        qs = qs.filter(pk=client.unit_id)
    return qs


def budget_scope(client: ApiClient, *, plan=None, unit=None, year=None) -> dict:
    """The budget selectors' scope for a client: what it may read (readable_by, the plans it sees),
    narrowed by the filters — the same arguments as the budget pages pass for a user."""
    plans = [plan] if plan else list(plans_for(client).values_list("pk", flat=True))
    return {"user": client, "plans": plans, "unit": unit, "year": year}


def budget_lines(client: ApiClient, **filters):
    from budget.selectors import allocation_lines

    return allocation_lines(**budget_scope(client, **filters)).select_related("assignment__subtask")


def disbursement_list(client: ApiClient, *, plan=None, unit=None, year=None, period=None):
    from budget.models import Disbursement
    from budget.selectors import scope_q

    qs = Disbursement.objects.filter(scope_q(**budget_scope(client, plan=plan, unit=unit, year=year)))
    if period is not None:
        qs = qs.filter(period=period)
    return qs.select_related("allocation__assignment__subtask", "period")


def changed_since_q(since, *fields) -> Q:
    q = Q(pk__in=[])
    for name in fields:
        q |= Q(**{f"{name}__gte": since})
    return q


def target_plan_ids(client: ApiClient) -> list[int]:
    """The plans whose targets a client reads: as the targets pages, whoever may read the plan
    (targets.selectors.targets_of); drafts never."""
    return list(Plan.objects.filter(Plan.visible_to(client)).values_list("pk", flat=True))


def target_list(client: ApiClient, *, plan=None, approved_by=None):
    """The targets (targets.selectors.targets_of: milestones, units, values approved by `approved_by`
    when given); a unit client, the targets its unit is responsible for."""
    from targets.selectors import targets_of

    rows = targets_of([plan] if plan else target_plan_ids(client), user=client, approved_by=approved_by)
    if client.unit_id is not None:
        rows = rows.filter(units=client.unit_id)
    return rows


def target_value_list(client: ApiClient, *, plan=None):
    """Approved values only (targets.selectors.approved_values); a unit client, its own unit's."""
    from targets.selectors import approved_values

    rows = approved_values(plans=[plan] if plan else target_plan_ids(client))
    if client.unit_id is not None:
        rows = rows.filter(unit_id=client.unit_id)
    return rows

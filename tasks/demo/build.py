"""The lived demo: who takes part, the monthly official reports, wiping an outdated history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from evidence.models import Evidence, Review
from kpis.models import Comment, Period, ProgressReport
from kpis.services.remediation import flags_escalate
from kpis.sweep import sweep
from reports.archive import GeneratedReport
from tasks.models import Assignment, Plan
from units.access import sync_unit_group
from units.models import Role, Unit, User, UserRole

from .history import History, Story, at, monthly_periods


@dataclass
class Actors:
    reviewer: User
    secretariat: User
    staff: dict = field(default_factory=dict)  # unit id → the user who reports for it
    months: dict = field(default_factory=dict)  # (year, month) → monthly period
    dependable_units: set = field(default_factory=set)
    heads: dict = field(default_factory=dict)  # unit id → its head, who acknowledges its flags


def background_user(unit: Unit, role: str, word: str) -> User:
    """A unit's person in the story: no password (not a login), marked demo like the demo logins."""
    username = f"demo_{word}_{unit.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            full_name=f"{'Cán bộ' if role == Role.STAFF else 'Thủ trưởng'} {unit.short_name or unit.name} (demo)",
            email=f"{username}@demo.invalid",
            unit=unit,
        )
        user.set_unusable_password()
        user.save()
        UserRole.objects.get_or_create(user=user, role=role)
        sync_unit_group(user)
    return user


def actors_for(plan: Plan, demo_users: dict[str, User], periods: list[Period]) -> Actors:
    actors = Actors(reviewer=demo_users["demo_thamdinh"], secretariat=demo_users["demo_thuongtruc"])
    for login in ("demo_canbo_khcn", "demo_canbo_xa"):
        user = demo_users.get(login)
        if user and user.unit_id:
            actors.staff[user.unit_id] = user
            actors.dependable_units.add(user.unit_id)
    unit_ids = set(Assignment.objects.filter(subtask__plan=plan).values_list("unit_id", flat=True))
    for unit in Unit.objects.filter(pk__in=unit_ids).order_by("pk"):
        if unit.pk not in actors.staff:
            actors.staff[unit.pk] = background_user(unit, Role.STAFF, "canbo")
        if unit.pk not in actors.dependable_units and unit.kind != "group":
            # The demo's own head (demo_thutruong_khcn) answers his flags himself, in the portal.
            actors.heads[unit.pk] = background_user(unit, Role.HEAD, "thutruong")
    actors.months = {(p.start.year, p.start.month): p for p in periods}
    return actors


def generate_monthly_report(*, plan: Plan, period: Period, actor, moment, number: int) -> GeneratedReport:
    """The month's official report, drafted and archived as the secretariat would, rendered here."""
    from reports.jobs import generate_report
    from reports.services import report_draft, report_generate

    with transaction.atomic():
        draft = report_draft(kind="monthly", period=period, plan=plan, unit=None, actor=actor, now=moment)
        draft.header["number"] = str(number)
        draft.header["signer_name"] = "Nguyễn Văn An"
        report = report_generate(draft=draft, actor=actor, now=moment)
    generate_report(report.pk, now=moment.isoformat())  # skipped when an eager queue already did it
    return report


def live(
    *,
    plan: Plan,
    now: datetime.datetime,
    seed: int,
    demo_users: dict[str, User],
    report_months: int | None = None,
    active_communes: set | None = None,
) -> Story:
    """Replay the plan from its start to `now`; archive the official report of each month due
    (of the last `report_months` only, when given)."""
    from notifications.models import Notification
    from notifications.services import notify_raised_flags
    from reports.dashboard.summary import summary_refresh

    periods = monthly_periods(plan, now)
    actors = actors_for(plan, demo_users, periods)
    history = History(plan=plan, now=now, seed=seed, actors=actors, active_communes=active_communes)
    history.plan_story(periods)
    story = history.run()
    # The budget (issue 22) before the month reports are drafted, so they state its figures.
    from budget.demo import budget_story

    story.disbursements = budget_story(
        plan=plan, periods=periods, secretariat=actors.secretariat, staff=actors.staff, now=now, seed=seed
    )
    # The plan's targets (issue 22, seed 002 section I.1) and their values, before the reports too.
    from targets.demo import targets_story

    story.target_values = targets_story(
        plan=plan,
        periods=periods,
        secretariat=actors.secretariat,
        reviewer=actors.reviewer,
        staff=actors.staff,
        now=now,
        seed=seed,
    )

    today = timezone.localdate(now)
    due = [p for p in periods if p.due_date + datetime.timedelta(days=3) < today]
    if report_months is not None:
        due = due[-report_months:] if report_months else []
    # The reports are drafted on the third day after each due date, over the replayed data; the
    # history after them does not change what they say (their figures stop at the cut-off).
    for number, period in enumerate(due, start=1):
        moment = at(period.due_date + datetime.timedelta(days=3), 9)
        story.archived.append(
            generate_monthly_report(
                plan=plan, period=period, actor=actors.secretariat, moment=moment, number=number
            )
        )
    result = sweep(now=now)
    story.flags_raised += sum(result.raised.values())
    story.flags_resolved += sum(result.resolved.values())
    notify_raised_flags(now=now)
    story.escalations += len(flags_escalate(now=now))
    summary_refresh(now=now)
    # What the story's people were told is in the past: e-mailed then, read unless recent.
    recent = now - datetime.timedelta(days=10)
    Notification.objects.filter(emailed_at__isnull=True, created_at__lt=now).update(emailed_at=now)
    Notification.objects.filter(read_at__isnull=True, created_at__lt=recent).update(read_at=recent)
    return story


def has_lived(plan: Plan) -> bool:
    return ProgressReport.objects.filter(assignment__subtask__plan=plan).exists()


@transaction.atomic
def wipe(plan: Plan) -> None:
    """Remove a demo plan and everything its story made (files included), to replay it anew."""
    from notifications.models import Notification

    storage = storages["private"]
    names = list(
        Evidence.objects.filter(report__assignment__subtask__plan=plan).values_list("stored_name", flat=True)
    )
    reports = GeneratedReport.objects.filter(plan=plan)
    for pdf, xlsx in reports.values_list("pdf_name", "xlsx_name"):
        names += [pdf, xlsx]
    reports.delete()
    Review.objects.filter(assignment__subtask__plan=plan).delete()
    Evidence.objects.filter(report__assignment__subtask__plan=plan).delete()
    ProgressReport.objects.filter(assignment__subtask__plan=plan).delete()
    Comment.objects.filter(subtask__plan=plan).delete()
    from budget.models import Allocation, DisbursementFile

    names += list(
        DisbursementFile.objects.filter(disbursement__allocation__assignment__subtask__plan=plan).values_list(
            "stored_name", flat=True
        )
    )
    Allocation.objects.filter(assignment__subtask__plan=plan).delete()
    from targets.models import Target, TargetValueFile

    names += list(
        TargetValueFile.objects.filter(target_value__target__plan=plan).values_list("stored_name", flat=True)
    )
    Target.objects.filter(plan=plan).delete()
    Notification.objects.filter(recipient__username__startswith="demo_").delete()
    Period.objects.filter(plan=plan).delete()
    plan.delete()
    transaction.on_commit(lambda: [storage.delete(n) for n in names if n])

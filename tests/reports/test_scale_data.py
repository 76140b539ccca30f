"""generate_scale_data: deterministic, consistent with its own reports, marked as scale data."""

import datetime
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Sum

from evidence.models import Evidence
from kpis.flags import RedFlag
from kpis.models import AssignmentState, ProgressReport, ReportStatus, Status
from reports.dashboard.scale_data import SCALE_EVIDENCE_PREFIX, SOURCE_NAME, build, wipe_scale_data
from tasks.models import Assignment, AssignmentRole, Plan
from tests.factories import PlanFactory
from units.models import Unit, UnitKind

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


def fingerprint() -> str:
    """What the data says, independent of database ids."""
    parts = [
        list(Unit.objects.filter(kind__in=["department", "commune", "enterprise", "agency", "party"]).order_by("name").values_list("name", "kind")),
        list(Plan.objects.order_by("code").values_list("code", "start_date")),
        list(Assignment.objects.order_by("subtask__plan__code", "subtask__general_task__section__code", "subtask__code", "unit__name").values_list("subtask__plan__code", "subtask__general_task__section__code", "subtask__code", "unit__name", "role")),
        list(ProgressReport.objects.order_by("assignment__subtask__plan__code", "assignment__subtask__general_task__section__code", "assignment__subtask__code", "assignment__unit__name", "period__start", "version").values_list("completion", "is_claim", "submitted_at")),
        list(AssignmentState.objects.values("status").annotate(n=Count("pk")).order_by("status")),
        list(RedFlag.objects.values("kind").annotate(n=Count("pk")).order_by("kind")),
    ]  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def test_it_builds_the_same_data_from_the_same_seed():
    build(profile="small", seed=57, today=TODAY, log=lambda *a: None)
    first = fingerprint()
    wipe_scale_data()
    build(profile="small", seed=57, today=TODAY, log=lambda *a: None)
    assert fingerprint() == first
    wipe_scale_data()
    build(profile="small", seed=58, today=TODAY, log=lambda *a: None)
    assert fingerprint() != first


def test_its_status_rows_agree_with_its_reports():
    counts = build(profile="small", seed=57, today=TODAY, log=lambda *a: None)
    leads = Assignment.objects.filter(role=AssignmentRole.LEAD)
    assert AssignmentState.objects.count() == leads.count() == counts.lead_assignments
    for state in AssignmentState.objects.select_related("latest_report", "claim_report"):
        reports = ProgressReport.objects.filter(
            assignment_id=state.assignment_id, status=ReportStatus.SUBMITTED
        )
        if state.latest_report is None:
            assert state.status == Status.NOT_STARTED and not reports.exists()
            continue
        newest = reports.order_by("-period__start", "-version").first()
        assert state.latest_report == newest
        assert state.latest_completion == newest.completion
        if state.status in (Status.AWAITING_REVIEW, Status.COMPLETED):
            assert state.claim_report.is_claim and state.claim_report.completion == 100
            assert state.claim_report.evidence.exists()  # no completion without evidence
        if state.status == Status.COMPLETED:
            assert state.completed_at and state.completed_on_time is not None
            # Approved once: nothing reported after the approval.
            assert not reports.filter(submitted_at__gt=state.completed_at).exists()
    assert leads.filter(state__status=Status.COMPLETED).exists()
    assert (
        leads.filter(state__status=Status.AWAITING_REVIEW).exists()
        or leads.filter(state__status=Status.RETURNED).exists()
    )


def test_it_fans_groups_out_and_marks_its_evidence():
    counts = build(profile="small", seed=57, today=TODAY, log=lambda *a: None)
    assert counts.units == Unit.objects.exclude(kind=UnitKind.GROUP).filter(is_demo=True).count()
    group = Unit.objects.get(kind=UnitKind.GROUP, name="UBND các xã, phường")
    members = set(group.memberships.values_list("member_id", flat=True))
    fanned = Assignment.objects.filter(via_group=group)
    assert fanned.exists()
    for subtask_id in fanned.values_list("subtask_id", flat=True).distinct():
        assert set(fanned.filter(subtask_id=subtask_id).values_list("unit_id", flat=True)) == members
    evidence = Evidence.objects.all()
    assert evidence.count() == counts.evidence > 0
    assert not evidence.exclude(stored_name__startswith=SCALE_EVIDENCE_PREFIX).exists()
    assert evidence.aggregate(s=Sum("size"))["s"] > 0
    assert RedFlag.objects.filter(resolved_at__isnull=True).exists()  # the real sweep ran
    assert ProgressReport.objects.aggregate(m=Max("version"))["m"] >= 1


def test_the_command_refuses_to_wipe_real_plans(capsys):
    PlanFactory(source_name="")
    with pytest.raises(CommandError):
        call_command("generate_scale_data", "--profile", "small")
    with pytest.raises(CommandError):
        call_command("generate_scale_data", "--profile", "small", "--replace")
    assert Plan.objects.count() == 1


def test_the_command_builds_and_replaces():
    call_command("generate_scale_data", "--profile", "small", "--today", "2026-11-22")
    first = Plan.objects.count()
    call_command("generate_scale_data", "--profile", "small", "--today", "2026-11-22", "--replace")
    assert (
        Plan.objects.count() == first
        and Plan.objects.filter(source_name__startswith=SOURCE_NAME).count() == first
    )


def test_the_national_profile_builds_provinces_of_their_own_and_the_ministries(monkeypatch):
    """The national shape at a tiny scale: each province its own bodies, communes, groups and
    plans (a province's group fans out to its own units only); the ministries' plans led by the
    ministries and by the provinces' People's Committees; as deterministic as a province."""
    from dataclasses import replace

    from reports.dashboard.scale_data import PROFILES
    from reports.dashboard.scale_data.vocabulary import MINISTRIES, NATIONAL_GROUPS, PROVINCES
    from units.models import GroupMembership

    national = PROFILES["national"]
    assert national.provinces == 34 and len(PROVINCES) == 34
    tiny = replace(national, provinces=3, ministries=4, ministry_plans=2, bodies=4, communes=6,
                   enterprises=2, plans=2, sections=2, general_tasks=2, subtasks=3, months=6)  # fmt: skip
    monkeypatch.setitem(PROFILES, "national", tiny)
    counts = build(profile="national", seed=57, today=TODAY, log=lambda *a: None)
    first = fingerprint()

    units = Unit.objects.exclude(kind=UnitKind.GROUP)
    assert counts.units == units.count() == 3 * (4 + 6 + 2) + 4 + 3 + 3
    assert counts.plans == Plan.objects.count() == 3 * 2 + 2
    assert AssignmentState.objects.count() == counts.lead_assignments
    assert ProgressReport.objects.count() == counts.reports > 0
    for name, city in PROVINCES[:3]:
        where = f"{'thành phố' if city else 'tỉnh'} {name}"
        assert Plan.objects.filter(issuer=f"Ban Chỉ đạo {where}").count() == 2
        communes = units.filter(kind=UnitKind.COMMUNE, name__endswith=f", {where}")
        assert communes.count() == 6
        group = Unit.objects.get(kind=UnitKind.GROUP, name=f"UBND các xã, phường {where}")
        members = set(GroupMembership.objects.filter(group=group).values_list("member_id", flat=True))
        assert members == set(communes.values_list("pk", flat=True))
        # a province's plans are led by its own units only
        leads = Assignment.objects.filter(
            subtask__plan__issuer=f"Ban Chỉ đạo {where}", role=AssignmentRole.LEAD
        )
        assert leads.exists() and not leads.exclude(unit__name__contains=name).exists()
    ministry_plans = Plan.objects.filter(issuer__in=[m for m, _ in MINISTRIES[:4]])
    assert ministry_plans.count() == 2
    provinces_group = Unit.objects.get(kind=UnitKind.GROUP, name=NATIONAL_GROUPS["communes"][0])
    assert GroupMembership.objects.filter(group=provinces_group).count() == 3
    assert Assignment.objects.filter(subtask__plan__in=ministry_plans, role=AssignmentRole.LEAD).exists()
    assert RedFlag.objects.filter(resolved_at__isnull=True).exists()  # one sweep over the whole

    wipe_scale_data()
    build(profile="national", seed=57, today=TODAY, log=lambda *a: None)
    assert fingerprint() == first

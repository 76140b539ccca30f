"""The dashboard's row per lead assignment: kept current by the services, equal to a rebuild."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kpis.models import AssignmentState, Status
from kpis.services import claim_approve, claim_return
from reports.dashboard import selectors
from reports.dashboard.cells import cells_rebuild, cells_sync, keys_of
from reports.dashboard.rows import rows_rebuild, rows_sync
from reports.dashboard.summary import summary_refresh
from reports.models import DashboardAssignment, DashboardCell, DashboardSubtask
from tasks.models import Assignment, AssignmentRole, PlanStatus
from tests.factories import UserFactory
from tests.reports.dashboard_world import make_data
from units.models import Role

# Built as of dashboard_world.NOW, and the pages read that day too: the same figures on any day.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

FIELDS = [f.attname for f in DashboardAssignment._meta.fields]


@pytest.fixture
def small_data(db):
    return make_data("small")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer-rows", unit=None, roles=[Role.REVIEWER])


def rows() -> dict:
    return {r["assignment_id"]: r for r in DashboardAssignment.objects.values(*FIELDS)}


def rebuilt() -> dict:
    rows_rebuild()
    return rows()


def leads():
    return Assignment.objects.filter(role=AssignmentRole.LEAD, subtask__plan__status=PlanStatus.IN_FORCE)


def claim(assignment, now):
    AssignmentState.objects.update_or_create(
        assignment=assignment,
        defaults={
            "status": Status.AWAITING_REVIEW,
            "latest_completion": Decimal(100),
            "claimed_at": now,
            "updated_at": now,
        },
    )
    rows_sync([assignment.pk])


def scope_totals():
    scope = selectors.Scope(ref=selectors.reference(selectors.snapshot()))
    return selectors.headline(selectors.ranking(scope), scope)


def test_the_rebuild_writes_one_row_per_counted_lead_assignment(small_data):
    found = rows()
    assert set(found) == set(leads().values_list("pk", flat=True))
    completed = {pk for pk, r in found.items() if r["status"] == Status.COMPLETED}
    assert completed == set(leads().filter(state__status=Status.COMPLETED).values_list("pk", flat=True))
    assert all(r["completed_on"] is not None for pk, r in found.items() if pk in completed)
    assert all(
        r["completed_on"] is None and not r["on_time"] for pk, r in found.items() if pk not in completed
    )


def test_an_approval_counts_at_once_and_leaves_the_rows_a_rebuild_would_write(small_data, reviewer):
    now = timezone.now()
    candidate = leads().filter(state__status=Status.IN_PROGRESS).order_by("pk").first()
    claim(candidate, now)
    before = scope_totals()
    claim_approve(assignment=candidate, reviewer=reviewer, now=now)  # no rebuild after it
    after = scope_totals()
    assert after[Status.COMPLETED] == before[Status.COMPLETED] + 1
    assert after[Status.AWAITING_REVIEW] == before[Status.AWAITING_REVIEW] - 1
    row = DashboardAssignment.objects.get(pk=candidate.pk)
    assert row.status == Status.COMPLETED and row.completed_on == timezone.localdate(now)
    assert row.on_time == AssignmentState.objects.get(pk=candidate.pk).completed_on_time
    synced = rows()
    assert synced == rebuilt()


def test_a_return_counts_at_once(small_data, reviewer):
    now = timezone.now()
    candidate = leads().filter(state__status=Status.IN_PROGRESS).order_by("-pk").first()
    claim(candidate, now)
    before = scope_totals()
    claim_return(assignment=candidate, reviewer=reviewer, reason="Thiếu biên bản", now=now)
    after = scope_totals()
    assert after[Status.RETURNED] == before[Status.RETURNED] + 1
    assert after[Status.AWAITING_REVIEW] == before[Status.AWAITING_REVIEW] - 1
    assert rows() == rebuilt()


def test_a_sync_removes_the_rows_no_longer_counted_and_adds_new_ones(small_data):
    plan_assignment = leads().order_by("pk").first()
    plan = plan_assignment.subtask.plan
    ids = list(leads().filter(subtask__plan=plan).values_list("pk", flat=True))
    plan.status = PlanStatus.CLOSED
    plan.save(update_fields=["status"])
    rows_sync(ids)
    assert not DashboardAssignment.objects.filter(assignment_id__in=ids).exists()
    plan.status = PlanStatus.IN_FORCE
    plan.save(update_fields=["status"])
    rows_sync(ids)
    assert DashboardAssignment.objects.filter(assignment_id__in=ids).count() == len(ids)
    assert rows() == rebuilt()


def test_a_sync_is_a_fixed_number_of_statements(small_data):
    few = list(leads().values_list("pk", flat=True)[:3])
    many = list(leads().values_list("pk", flat=True)[:300])
    counts = []
    for ids in (few, many):
        with CaptureQueriesContext(connection) as captured:
            rows_sync(ids)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_overdue_is_counted_from_the_deadline_when_the_cells_are_written(small_data):
    row = DashboardAssignment.objects.exclude(status=Status.COMPLETED).filter(deadline__isnull=False).first()
    today = timezone.localdate()
    before = scope_totals()["overdue"]
    was_overdue = row.deadline < today
    DashboardAssignment.objects.filter(pk=row.pk).update(
        deadline=today + datetime.timedelta(days=1) if was_overdue else today - datetime.timedelta(days=1)
    )
    cells_sync(keys_of([row.pk]))
    assert scope_totals()["overdue"] == before + (-1 if was_overdue else 1)


def test_the_rebuild_after_midnight_moves_overdue_on(small_data):
    today = timezone.localdate()
    due_tomorrow = (
        DashboardAssignment.objects.exclude(status=Status.COMPLETED)
        .filter(deadline=today + datetime.timedelta(days=1))
        .count()
    )
    before = scope_totals()["overdue"]
    summary_refresh(now=timezone.now() + datetime.timedelta(days=2))
    assert scope_totals()["overdue"] >= before + due_tomorrow
    assert (
        scope_totals()["overdue"]
        == leads()
        .filter(subtask__ongoing=False, subtask__deadline__lt=today + datetime.timedelta(days=2))
        .exclude(state__status=Status.COMPLETED)
        .count()
    )


def test_cells_after_syncs_equal_a_rebuild(small_data, reviewer):
    now = timezone.now()
    for candidate in leads().filter(state__status=Status.IN_PROGRESS).order_by("pk")[:3]:
        claim(candidate, now)
        claim_approve(assignment=candidate, reviewer=reviewer, now=now)

    def cells():
        return sorted(
            tuple(r)
            for r in DashboardCell.objects.values_list(
                *[f.attname for f in DashboardCell._meta.fields if f.name != "id"]
            )
        ), sorted(DashboardSubtask.objects.values_list("subtask_id", "unit_kind", "status"))

    synced = cells()
    cells_rebuild()
    assert synced == cells()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_sync_waits_for_the_rows_part_of_a_rebuild_only():
    import psycopg
    from django.db import transaction

    from reports.dashboard.rows import LOCK_KEY
    from reports.dashboard.summary import BUILD_LOCK_KEY

    settings_dict = connection.settings_dict
    other = psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
        autocommit=False,
    )
    pk = 1  # no row needed: the sync takes its lock all the same
    try:
        # A rebuild counting months and missing reports holds only the build lock: a sync goes on.
        other.execute("SELECT pg_advisory_xact_lock(%s)", [BUILD_LOCK_KEY])
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            assert rows_sync([pk]) >= 0
        other.rollback()
        # A rebuild rewriting the rows holds the rows lock: a sync waits for it, and when the wait
        # times out it gives up alone (the next rebuild brings its rows in) — the user's action
        # around it goes on in a transaction still usable.
        other.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        with mock.patch("reports.dashboard.rows.SYNC_LOCK_TIMEOUT", "300ms"), transaction.atomic():
            assert rows_sync([pk]) == 0
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                assert cursor.fetchone() == (1,)
    finally:
        other.rollback()
        other.close()


def test_a_decision_resolves_or_raises_its_flags_at_once_and_the_board_agrees(small_data, reviewer):
    """An approval resolves the finished task's overdue, lagging and no-report flags in its own
    transaction (no wait for the periodic sweep), so the board's "overdue" tile and its overdue flags
    move together; a return raises the quality flag at once."""
    from kpis.flags import FlagKind, RedFlag

    now = timezone.now()
    today = timezone.localdate(now)
    open_overdue = RedFlag.objects.filter(kind=FlagKind.OVERDUE, resolved_at__isnull=True)
    flagged = (
        leads()
        .filter(state__status=Status.IN_PROGRESS, subtask__deadline__lt=today)
        .filter(pk__in=open_overdue.values("assignment_id"))
        .order_by("pk")
    )
    approved, returned = flagged[0], flagged[1]
    for assignment in (approved, returned):
        claim(assignment, now)
    before = scope_totals()
    claim_approve(assignment=approved, reviewer=reviewer, now=now)
    after = scope_totals()
    assert not RedFlag.objects.filter(assignment=approved, resolved_at__isnull=True).exists()
    row = DashboardAssignment.objects.get(pk=approved.pk)
    assert (row.flags_overdue, row.flags_lagging, row.flags_no_report) == (0, 0, 0)
    assert after["overdue"] == before["overdue"] - 1
    assert after["flags_overdue"] == before["flags_overdue"] - 1

    claim_return(assignment=returned, reviewer=reviewer, reason="Thiếu biên bản nghiệm thu", now=now)
    quality = RedFlag.objects.get(assignment=returned, kind=FlagKind.QUALITY, resolved_at__isnull=True)
    assert "Thiếu biên bản nghiệm thu" in quality.message_vi
    # Overdue and returned: counted once, under its most severe flag (overdue).
    row = DashboardAssignment.objects.get(pk=returned.pk)
    assert (row.flags_overdue, row.flags_quality) == (1, 0)
    assert scope_totals()["flags_quality"] == after["flags_quality"]
    assert rows() == rebuilt()

"""Red flags and notifications with a real Celery worker on Redis against PostgreSQL."""

import datetime
import subprocess
import time

import pytest
from django.db import transaction
from django.utils import timezone

from kpis.flags import FlagKind, RedFlag
from kpis.jobs import sweep_flags_job
from kpis.models import AssignmentState, Status
from kpis.services import claim_return, periods_ensure
from notifications.jobs import send_outbox_job
from notifications.models import Notification, NotificationKind
from notifications.services import notify_claim_decision
from tests.factories import (
    AssignmentFactory,
    GeneralTaskFactory,
    PlanFactory,
    SectionFactory,
    SubTaskFactory,
    UnitFactory,
    UserFactory,
)
from units.models import Role

from .conftest import wait_for

pytestmark = pytest.mark.integration

START = datetime.date(2025, 1, 1)
NOW = timezone.make_aware(datetime.datetime(2025, 6, 10, 12))  # past the 31/05 deadline


def build_flags_world(n_units: int = 6) -> dict:
    """Lead assignments that raise each kind of flag at NOW; returns the flags expected per kind."""
    plan = PlanFactory(issue_date=START)
    gtask = GeneralTaskFactory(section=SectionFactory(plan=plan))
    dated = SubTaskFactory(
        general_task=gtask, plan=plan, start_date=START, deadline=datetime.date(2025, 5, 31)
    )
    ongoing = SubTaskFactory(general_task=gtask, plan=plan, start_date=None, deadline=None, ongoing=True)
    units = [UnitFactory(name=f"Sở Tích hợp {i}") for i in range(n_units)]
    for unit in units:
        UserFactory(unit=unit, roles=[Role.STAFF])
        AssignmentFactory(subtask=dated, unit=unit)  # overdue (which alone tells its missed reports)
        AssignmentFactory(subtask=ongoing, unit=unit)  # no report
    returned = AssignmentFactory(subtask=dated, unit=UnitFactory(name="Sở Q"))
    UserFactory(unit=returned.unit, roles=[Role.HEAD])
    AssignmentState.objects.create(assignment=returned, status=Status.RETURNED, latest_completion=100)
    periods_ensure(now=NOW)
    return {
        FlagKind.OVERDUE: n_units + 1,
        # One picture per assignment: an overdue task raises no lagging or missed-report flag beside it.
        FlagKind.LAGGING: 0,
        FlagKind.QUALITY: 1,
        FlagKind.NO_REPORT: n_units,  # running sub-tasks report monthly too
        FlagKind.TARGET_BEHIND: 0,  # the plan has no targets
    }


def flag_counts() -> dict:
    return {
        kind: RedFlag.objects.filter(kind=kind, resolved_at__isnull=True).count() for kind in FlagKind.values
    }


def each_flag_once() -> bool:
    pairs = list(RedFlag.objects.filter(resolved_at__isnull=True).values_list("assignment_id", "kind"))
    return len(pairs) == len(set(pairs))


def test_a_real_worker_sweeps_and_flags_appear_in_postgresql(celery_worker_process, redis_queue):
    expected = build_flags_world()
    sweep_flags_job.apply_async(kwargs={"now": NOW.isoformat()}, queue=redis_queue)
    assert wait_for(lambda: flag_counts() == expected, 60), (flag_counts(), celery_worker_process.output())
    assert wait_for(lambda: not RedFlag.objects.filter(notified_at__isnull=True).exists(), 30)
    # Each of the 6 units has 2 new flags: its staff member gets one notice listing them. "Sở Q" has 2
    # (overdue, and the quality flag its claim's return already announced): 1 notice.
    notes = Notification.objects.filter(kind=NotificationKind.FLAG_RAISED)
    assert notes.count() == 6 + 1
    assert notes.filter(object_type="units.unit").count() == 6


def test_two_sweeps_at_once_give_each_flag_once(celery_worker_process, redis_queue):
    expected = build_flags_world(n_units=40)
    for _ in range(2):  # the worker runs two processes: both sweeps run side by side
        sweep_flags_job.apply_async(kwargs={"now": NOW.isoformat()}, queue=redis_queue)
    assert wait_for(lambda: flag_counts() == expected, 60), (flag_counts(), celery_worker_process.output())
    time.sleep(3)  # let the second sweep finish too
    assert flag_counts() == expected
    assert each_flag_once()
    keys = list(Notification.objects.values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys))
    # How the two runs split the new flags decides how many arrive grouped, never whether one is
    # told twice or not at all: every flag is marked once, every person is told.
    assert not RedFlag.objects.filter(notified_at__isnull=True).exists()
    told = sum(expected.values()) - expected[FlagKind.QUALITY]
    assert 40 + 1 <= len(keys) <= told
    # Each person is told of each of their unit's flags once: alone, or counted in one list.
    for unit_id in set(RedFlag.objects.values_list("unit_id", flat=True)):
        notes = Notification.objects.filter(recipient__unit_id=unit_id)
        told_of = sum(1 if n.object_type == "kpis.redflag" else n.params["count"] for n in notes)
        assert told_of == RedFlag.objects.filter(unit_id=unit_id).exclude(kind=FlagKind.QUALITY).count()


@pytest.fixture
def slow_sweep_env(monkeypatch):
    # Read by the worker subprocess at start: a sweep that pauses between statements, and a
    # broker that hands an unacknowledged message to another worker after 5 seconds.
    monkeypatch.setenv("FLAG_SWEEP_TEST_DELAY_SECONDS", "1.5")
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "5")
    monkeypatch.setenv("CELERY_UNACKED_RESTORE_SECONDS", "1")


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_a_worker_killed_in_the_middle_of_a_sweep_leaves_a_consistent_state(
    slow_sweep_env, celery_worker_process, redis_queue
):
    import os
    import signal

    expected = build_flags_world()
    sweep_flags_job.apply_async(kwargs={"now": NOW.isoformat()}, queue=redis_queue)
    # wait until the first kind is done, then kill the worker and its pool processes (SIGKILL)
    assert wait_for(lambda: RedFlag.objects.exists(), 60), celery_worker_process.output()
    partial = flag_counts()
    assert partial != expected
    for child in _children(celery_worker_process.proc.pid):
        os.kill(child, signal.SIGKILL)
    celery_worker_process.kill()
    assert each_flag_once()

    celery_worker_process.start()  # a new worker: the unacknowledged message comes back to it
    assert wait_for(lambda: flag_counts() == expected, 90), (flag_counts(), celery_worker_process.output())
    assert each_flag_once()


def test_redis_down_during_a_review_decision_then_the_mail_goes_out_once(
    celery_worker_process, redis_queue, settings
):
    from nq57portal.celery import app

    unit = UnitFactory(name="Sở Xây dựng")
    staff = UserFactory(unit=unit, roles=[Role.STAFF], email="canbo@sxd.example.vn")
    reviewer = UserFactory(unit=None, roles=[Role.REVIEWER])
    lead = AssignmentFactory(unit=unit)
    AssignmentState.objects.create(assignment=lead, status=Status.AWAITING_REVIEW, latest_completion=100)

    broker = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens there: the broker is "down"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        with transaction.atomic():
            claim_return(assignment=lead, reviewer=reviewer, reason="Thiếu minh chứng")
            notify_claim_decision(
                assignment=lead, decision="returned", reason="Thiếu minh chứng", actor=reviewer
            )
        # the decision and its notification are committed; only the e-mail waits
    finally:
        app.conf.broker_url = broker
        app._pool = None
        app.amqp._producer_pool = None
    note = Notification.objects.get(recipient=staff)
    assert note.kind == NotificationKind.CLAIM_RETURNED and note.emailed_at is None
    assert AssignmentState.objects.get(assignment=lead).status == Status.RETURNED

    # Redis is back: the every-minute sender (here enqueued by hand, twice) sends it once.
    send_outbox_job.apply_async(queue=redis_queue)
    send_outbox_job.apply_async(queue=redis_queue)
    assert wait_for(lambda: Notification.objects.get(pk=note.pk).emailed_at is not None, 60), (
        celery_worker_process.output()
    )
    time.sleep(2)
    note.refresh_from_db()
    assert note.email_attempts == 1 and note.last_error == ""

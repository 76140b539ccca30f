"""Notices that agree with the pages: a flag is announced once, when raised, never again because a
plan's dates or periods were corrected; a notice's counts are the unit's flag page at that moment."""

import datetime

import pytest
from django.urls import reverse

from kpis.flags import FlagKind, RedFlag
from kpis.models import AssignmentState, Period, PeriodKind, Status
from kpis.services import periods_ensure
from kpis.sweep import sweep
from notifications.models import Notification
from notifications.services.events import notify_raised_flags
from tasks.models import PlanStatus
from tests.factories import AssignmentFactory, SubTaskFactory
from tests.flags.conftest import DEADLINE, START, day_n

pytestmark = pytest.mark.django_db


def _sweep_and_notify(day: int) -> int:
    sweep(now=day_n(day))
    return notify_raised_flags(now=day_n(day))


def test_flags_raised_anew_after_a_plan_is_corrected_are_not_announced_again(lead, staff):
    """How "28 cảnh báo đỏ mới" came: putting a plan back to draft to correct its dates (or a
    corrected deadline) resolves its flags; in force again, the sweep raises them as new rows and
    the outbox announced every one as new. The same alarm (assignment, kind, episode) is told once."""
    plan = lead.subtask.plan
    periods_ensure(now=day_n(90), plan=plan)
    assert _sweep_and_notify(90) == 1  # lagging and March's missing report, in one notice
    told = set(RedFlag.objects.open().values_list("kind", flat=True))
    assert told == {FlagKind.LAGGING, FlagKind.NO_REPORT}

    plan.status = PlanStatus.DRAFT  # taken back to correct its dates
    plan.save(update_fields=["status"])
    sweep(now=day_n(91))
    assert not RedFlag.objects.open().exists()
    plan.status = PlanStatus.IN_FORCE
    plan.save(update_fields=["status"])
    assert _sweep_and_notify(92) == 0
    assert set(RedFlag.objects.open().values_list("kind", flat=True)) == told  # open again, not news
    assert Notification.objects.filter(recipient=staff).count() == 1

    # A corrected deadline: moved on (overdue ends), then back (overdue again): one announcement.
    subtask = lead.subtask
    subtask.deadline = START + datetime.timedelta(days=80)
    subtask.save(update_fields=["deadline"])
    assert _sweep_and_notify(93) == 1  # overdue: news
    subtask.deadline = DEADLINE
    subtask.save(update_fields=["deadline"])
    sweep(now=day_n(94))
    subtask.deadline = START + datetime.timedelta(days=80)
    subtask.save(update_fields=["deadline"])
    assert _sweep_and_notify(95) == 0
    assert RedFlag.objects.open().filter(kind=FlagKind.OVERDUE).exists()


def test_a_period_row_made_anew_for_the_same_month_is_the_same_missed_report(lead, staff):
    plan = lead.subtask.plan
    periods_ensure(now=day_n(90), plan=plan)
    AssignmentState.objects.create(assignment=lead, status=Status.IN_PROGRESS, latest_completion=60)
    assert _sweep_and_notify(90) == 1
    march = RedFlag.objects.open().get(kind=FlagKind.NO_REPORT).period
    # A second row for March (as a corrected plan start left before periods kept their rows): the
    # rule now asks for its report, the flag about the first row ends and one about this row opens.
    first = march.pk
    march.pk = None
    march.start += datetime.timedelta(days=1)
    march.save()
    again = Period.objects.get(plan=plan, kind=PeriodKind.MONTHLY, start=march.start)
    assert again.pk != first
    assert _sweep_and_notify(91) == 0
    assert RedFlag.objects.open().get(kind=FlagKind.NO_REPORT).period == again


def test_a_new_month_missed_is_news(lead, staff):
    periods_ensure(now=day_n(90), plan=lead.subtask.plan)
    AssignmentState.objects.create(assignment=lead, status=Status.IN_PROGRESS, latest_completion=60)
    assert _sweep_and_notify(90) == 1
    assert _sweep_and_notify(112) == 1  # 23/04: April's report was due on the 20th
    assert Notification.objects.filter(recipient=staff).count() == 2


def test_a_notices_counts_are_the_units_flag_page_at_that_moment(lead, staff, head, client):
    general_task = lead.subtask.general_task
    late = SubTaskFactory(
        general_task=general_task, start_date=START, deadline=START + datetime.timedelta(days=30)
    )
    AssignmentFactory(subtask=late, unit=lead.unit)
    returned = AssignmentFactory(
        subtask=SubTaskFactory(general_task=general_task, start_date=START, deadline=DEADLINE), unit=lead.unit
    )
    AssignmentState.objects.create(assignment=returned, status=Status.RETURNED, latest_completion=5)
    periods_ensure(now=day_n(90), plan=lead.subtask.plan)
    assert _sweep_and_notify(90) == 2  # one notice for the staff member, one for the head
    client.force_login(staff)
    totals = client.get(reverse("kpis:flags")).context["totals"]
    assert totals["total"] == 3
    assert (totals[FlagKind.OVERDUE], totals[FlagKind.QUALITY], totals[FlagKind.LAGGING]) == (1, 1, 1)
    for user in (staff, head):
        note = Notification.objects.get(recipient=user)
        assert note.params["open"] == {
            "total": totals["total"],
            "kinds": [[k, n] for k, n in totals.items() if k != "total" and n],
        }
        assert note.subject.startswith(
            f"{lead.unit}: 3 nhiệm vụ có cảnh báo đỏ (1 quá hạn, 1 bị trả lại, 1 chậm tiến độ)"
        )
        # Listed most severe first.
        first = note.body.splitlines()[0]
        assert first.startswith(f"• {late.code} ") and "Quá hạn" in first

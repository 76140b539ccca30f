"""A plan's dates corrected back and forth: its periods move, appear or retire, never double."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from kpis.models import Period, ProgressReport
from kpis.services import period_remove, periods_ensure
from tasks.services import plan_settings_update
from tests.factories import AssignmentFactory, PlanFactory, UserFactory
from units.models import Role

from .conftest import at

D = datetime.date
NOW = at(2025, 12, 10)
pytestmark = pytest.mark.django_db


def _slots(plan):
    return sorted(Period.objects.filter(plan=plan).values_list("kind", "start", "end"))


def _report(period, subtask=None):
    assignment = AssignmentFactory(role="lead", **({"subtask": subtask} if subtask else {}))
    author = UserFactory(unit=assignment.unit, roles=[Role.STAFF])
    return ProgressReport.objects.create(
        assignment=assignment,
        period=period,
        completion=10,
        created_by=author,
        created_at=NOW,
        updated_at=NOW,
    )


def test_an_issue_date_moved_and_moved_back_leaves_one_period_per_month_and_quarter():
    secretary = UserFactory(roles=[Role.SECRETARIAT], unit=None)
    plan = PlanFactory(issue_date=D(2025, 11, 15))
    periods_ensure(now=NOW, plan=plan)
    first = _slots(plan)
    november = Period.objects.get(plan=plan, kind="monthly", end=D(2025, 11, 30))
    for day in (16, 15):
        plan_settings_update(plan=plan, actor=secretary, data={"issue_date": D(2025, 11, day)}, now=NOW)
        periods_ensure(now=NOW, plan=plan)
        assert Period.objects.filter(plan=plan, kind="monthly", end=D(2025, 11, 30)).count() == 1
        assert Period.objects.filter(plan=plan, kind="quarterly", end=D(2025, 12, 31)).count() == 1
        moved = Period.objects.get(plan=plan, kind="monthly", end=D(2025, 11, 30))
        assert (moved.pk, moved.start) == (november.pk, D(2025, 11, day))  # the same row, moved
    assert _slots(plan) == first
    event = AuditEvent.objects.filter(action="period.generate").order_by("pk").last()
    assert event.changes["moved"][0] == "Tháng 11/2025 (15/11/2025 – 30/11/2025)"


def test_a_start_moved_later_retires_the_empty_periods_before_it_and_keeps_those_with_reports():
    plan = PlanFactory(issue_date=D(2025, 9, 1))
    periods_ensure(now=NOW, plan=plan)
    september = Period.objects.get(plan=plan, kind="monthly", end=D(2025, 9, 30))
    _report(september)
    plan.issue_date = D(2025, 11, 1)
    plan.save()
    periods_ensure(now=NOW, plan=plan)
    months = list(
        Period.objects.filter(plan=plan, kind="monthly").order_by("start").values_list("end", flat=True)
    )
    assert months == [D(2025, 9, 30), D(2025, 11, 30), D(2025, 12, 31)]  # October removed, September kept
    assert Period.objects.filter(plan=plan, kind="quarterly").count() == 1  # Q3 empty, removed
    changes = AuditEvent.objects.filter(action="period.generate").order_by("pk").last().changes
    assert sorted(changes["removed"]) == ["Quý III/2025", "Tháng 10/2025"]
    assert changes["kept"] == ["Tháng 09/2025"]


def test_duplicates_left_by_earlier_versions_are_removed_when_empty():
    plan = PlanFactory(issue_date=D(2025, 11, 15))
    periods_ensure(now=NOW, plan=plan)
    keep = Period.objects.get(plan=plan, kind="monthly", end=D(2025, 11, 30))
    Period.objects.create(  # what an earlier version made when the date went 15/11 → 16/11
        plan=plan,
        kind="monthly",
        start=D(2025, 11, 16),
        end=D(2025, 11, 30),
        cutoff=D(2025, 11, 20),
        due_date=D(2025, 11, 20),
    )
    periods_ensure(now=NOW, plan=plan)
    assert list(Period.objects.filter(plan=plan, kind="monthly", end=D(2025, 11, 30))) == [keep]


def test_an_empty_period_can_be_removed_by_the_secretariat_one_with_reports_cannot(client):
    secretary = UserFactory(roles=[Role.SECRETARIAT], unit=None)
    plan = PlanFactory(issue_date=D(2025, 11, 1))
    periods_ensure(now=NOW, plan=plan)
    november, december = Period.objects.filter(plan=plan, kind="monthly").order_by("start")
    _report(november)
    client.force_login(secretary)
    page = client.get(reverse("kpis:period_list")).content.decode()
    assert reverse("kpis:period_remove", args=[december.pk]) in page
    assert reverse("kpis:period_remove", args=[november.pk]) not in page
    client.post(reverse("kpis:period_remove", args=[december.pk]))
    assert not Period.objects.filter(pk=december.pk).exists()
    response = client.post(reverse("kpis:period_remove", args=[november.pk]), follow=True)
    assert "đã có báo cáo nên không thể xoá" in response.content.decode()
    assert Period.objects.filter(pk=november.pk).exists()
    with pytest.raises(ValidationError):
        period_remove(period=november, actor=secretary)
    assert AuditEvent.objects.get(action="period.remove").changes == {
        "removed": ["Tháng 12/2025 (01/12/2025 – 31/12/2025)"]
    }


def test_only_the_secretariat_removes_periods(client):
    plan = PlanFactory(issue_date=D(2025, 11, 1))
    periods_ensure(now=NOW, plan=plan)
    period = Period.objects.filter(plan=plan).first()
    client.force_login(UserFactory(roles=[Role.LEADERSHIP], unit=None))
    # Not 403: to another role the page is not there, as everywhere in the portal.
    assert client.post(reverse("kpis:period_remove", args=[period.pk])).status_code == 404
    assert Period.objects.filter(pk=period.pk).exists()


def test_a_date_moved_back_and_forth_announces_no_new_flag():
    from kpis.flags import FlagKind, RedFlag
    from kpis.sweep import sweep
    from notifications.services import notify_raised_flags
    from tests.factories import SubTaskFactory

    secretary = UserFactory(roles=[Role.SECRETARIAT], unit=None)
    plan = PlanFactory(issue_date=D(2025, 11, 15))
    lead = AssignmentFactory(
        role="lead",
        subtask=SubTaskFactory(general_task__section__plan=plan, plan=plan, ongoing=True, deadline=None),
    )
    UserFactory(unit=lead.unit, roles=[Role.STAFF])
    later = at(2025, 11, 25)  # November due on the 20th, owed; a duplicate November was a "new" flag
    periods_ensure(now=later, plan=plan)
    sweep(now=later)
    notify_raised_flags(now=later)
    flags = list(RedFlag.objects.filter(kind=FlagKind.NO_REPORT).values_list("pk", "period_id"))
    assert len(flags) == 1
    from notifications.models import Notification

    told = Notification.objects.count()
    for day in (16, 15):
        plan_settings_update(plan=plan, actor=secretary, data={"issue_date": D(2025, 11, day)}, now=later)
        periods_ensure(now=later, plan=plan)
        sweep(now=later)
        notify_raised_flags(now=later)
    assert list(RedFlag.objects.filter(kind=FlagKind.NO_REPORT).values_list("pk", "period_id")) == flags
    assert Notification.objects.count() == told

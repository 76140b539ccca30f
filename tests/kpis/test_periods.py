import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from kpis.jobs import ensure_periods
from kpis.models import Period
from kpis.services import period_dates, period_lock, period_reopen, periods_ensure
from tasks.models import PlanStatus
from tests.factories import PlanFactory

from .conftest import at

D = datetime.date


def monthly(plan):
    return list(plan.periods.filter(kind="monthly").order_by("start"))


def quarterly(plan):
    return list(plan.periods.filter(kind="quarterly").order_by("start"))


@pytest.mark.django_db
def test_it_creates_monthly_periods_to_the_month_end_including_february_of_a_leap_year():
    plan = PlanFactory(issue_date=D(2023, 12, 1))
    periods_ensure(now=at(2024, 3, 10))
    months = monthly(plan)
    assert [(p.start, p.end) for p in months] == [
        (D(2023, 12, 1), D(2023, 12, 31)),
        (D(2024, 1, 1), D(2024, 1, 31)),
        (D(2024, 2, 1), D(2024, 2, 29)),
        (D(2024, 3, 1), D(2024, 3, 31)),
    ]


@pytest.mark.django_db
def test_february_of_a_common_year_ends_on_the_28th():
    plan = PlanFactory(issue_date=D(2025, 2, 1))
    periods_ensure(now=at(2025, 2, 3))
    (feb,) = monthly(plan)
    assert feb.end == D(2025, 2, 28)
    assert feb.due_date == D(2025, 2, 20)


@pytest.mark.django_db
def test_due_date_is_the_report_day_of_the_month_and_the_cutoff_is_the_due_date(settings):
    plan = PlanFactory(issue_date=D(2025, 11, 1))
    periods_ensure(now=at(2025, 11, 2))
    (nov,) = monthly(plan)
    assert (nov.due_date, nov.cutoff) == (D(2025, 11, 20), D(2025, 11, 20))
    settings.REPORT_DUE_DAY = 31
    dates = period_dates("monthly", D(2024, 2, 1), D(2024, 1, 1))
    assert dates["due_date"] == D(2024, 2, 29)  # clamped to the month's last day


@pytest.mark.django_db
def test_quarters_close_with_their_third_month():
    plan = PlanFactory(issue_date=D(2025, 1, 1))
    periods_ensure(now=at(2025, 12, 31))
    assert [(p.start, p.end, p.due_date, p.label) for p in quarterly(plan)] == [
        (D(2025, 1, 1), D(2025, 3, 31), D(2025, 3, 20), "Quý I/2025"),
        (D(2025, 4, 1), D(2025, 6, 30), D(2025, 6, 20), "Quý II/2025"),
        (D(2025, 7, 1), D(2025, 9, 30), D(2025, 9, 20), "Quý III/2025"),
        (D(2025, 10, 1), D(2025, 12, 31), D(2025, 12, 20), "Quý IV/2025"),
    ]
    assert len(monthly(plan)) == 12


@pytest.mark.django_db
def test_a_plan_starting_mid_month_gets_a_partial_first_period():
    plan = PlanFactory(issue_date=D(2025, 9, 15))
    periods_ensure(now=at(2025, 10, 1))
    first, second = monthly(plan)
    assert (first.start, first.end, first.due_date) == (D(2025, 9, 15), D(2025, 9, 30), D(2025, 9, 20))
    assert (second.start, second.end) == (D(2025, 10, 1), D(2025, 10, 31))
    (quarter,) = [q for q in quarterly(plan) if q.start.month == 9]
    assert (quarter.start, quarter.end) == (D(2025, 9, 15), D(2025, 9, 30))


@pytest.mark.django_db
def test_a_plan_starting_after_the_due_day_reports_its_first_month_next_month():
    plan = PlanFactory(issue_date=D(2025, 11, 25))
    periods_ensure(now=at(2025, 11, 26))
    (first,) = monthly(plan)
    assert (first.start, first.end, first.due_date, first.cutoff) == (
        D(2025, 11, 25),
        D(2025, 11, 30),
        D(2025, 12, 20),
        D(2025, 11, 30),
    )


@pytest.mark.django_db
def test_generation_is_idempotent_and_only_for_plans_in_force():
    plan = PlanFactory(issue_date=D(2025, 10, 1))
    draft = PlanFactory(issue_date=D(2025, 10, 1), status=PlanStatus.DRAFT)
    future = PlanFactory(issue_date=D(2026, 5, 1))
    assert periods_ensure(now=at(2025, 12, 1)) == 3 + 1
    assert periods_ensure(now=at(2025, 12, 1)) == 0
    assert Period.objects.filter(plan=plan).count() == 4
    assert not Period.objects.filter(plan__in=[draft, future]).exists()
    assert AuditEvent.objects.filter(action="period.generate").count() == 1


@pytest.mark.django_db
def test_the_job_creates_periods(plan):
    result = ensure_periods.delay().get()
    assert result["periods"] > 0
    assert Period.objects.filter(plan=plan).exists()


@pytest.mark.django_db
def test_the_secretariat_locks_and_reopens_with_a_reason(november, secretariat):
    period_lock(period=november, actor=secretariat, reason="Đã tổng hợp báo cáo tháng", now=at(2025, 11, 25))
    november.refresh_from_db()
    assert november.locked and november.locked_by == secretariat
    period_reopen(period=november, actor=secretariat, reason="Bổ sung số liệu", now=at(2025, 11, 26))
    november.refresh_from_db()
    assert not november.locked
    events = list(
        AuditEvent.objects.filter(object_type="kpis.period").order_by("at").values("action", "changes")
    )
    assert [e["action"] for e in events] == ["period.lock", "period.reopen"]
    assert events[0]["changes"]["reason"] == "Đã tổng hợp báo cáo tháng"


@pytest.mark.django_db
def test_locking_needs_a_reason_and_the_secretariat(november, secretariat, staff):
    with pytest.raises(ValidationError) as exc:
        period_lock(period=november, actor=secretariat, reason="  ")
    assert exc.value.message_dict["reason"] == ["Vui lòng ghi lý do."]
    with pytest.raises(PermissionDenied):
        period_lock(period=november, actor=staff, reason="x")
    november.refresh_from_db()
    assert not november.locked

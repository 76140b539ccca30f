"""Every flag rule with the clock moved, at its edges."""

import datetime

import pytest
from django.core.management import call_command

from kpis.flags import FlagKind, RedFlag
from kpis.models import Period, ProgressReport, ReportStatus, Status
from kpis.services import periods_ensure
from kpis.sweep import sweep
from tests.factories import UserFactory

from .conftest import DEADLINE, START, at, day_n, set_state

pytestmark = pytest.mark.django_db


def open_flags(kind=None):
    qs = RedFlag.objects.filter(resolved_at__isnull=True)
    return qs.filter(kind=kind) if kind else qs


def test_the_deadline_day_itself_is_not_overdue(make_lead):
    lead = make_lead()
    set_state(lead, completion=100)  # reported done, not yet approved: only the date matters here
    sweep(now=at(DEADLINE, 23))
    assert not open_flags(FlagKind.OVERDUE).exists()


def test_the_day_after_the_deadline_is_overdue_with_its_days(make_lead):
    lead = make_lead()
    set_state(lead, completion=100)
    sweep(now=at(DEADLINE + datetime.timedelta(days=1), 0))
    flag = open_flags(FlagKind.OVERDUE).get()
    assert flag.assignment == lead
    assert flag.numbers["days_overdue"] == 1
    assert flag.message_vi == "Quá hạn 1 ngày (thời hạn 31/05/2025), chưa hoàn thành."
    assert flag.current_message(DEADLINE + datetime.timedelta(days=12)).startswith("Quá hạn 12 ngày")


def test_a_completed_assignment_is_never_overdue(make_lead):
    lead = make_lead()
    set_state(lead, status=Status.COMPLETED, completion=100)
    sweep(now=at(DEADLINE + datetime.timedelta(days=30)))
    assert not open_flags().exists()


def test_expected_exactly_20_percent_and_actual_exactly_half_is_not_lagging(make_lead):
    lead = make_lead()
    set_state(lead, completion=10)  # day 30 of 150: expected 20 %, half of it is 10
    sweep(now=day_n(30))
    assert not open_flags(FlagKind.LAGGING).exists()


def test_expected_exactly_20_percent_and_actual_just_below_half_lags(make_lead):
    lead = make_lead()
    set_state(lead, completion="9.99")
    sweep(now=day_n(30))
    flag = open_flags(FlagKind.LAGGING).get()
    assert flag.numbers["expected"] == 20
    assert flag.numbers["day"] == 30 and flag.numbers["total_days"] == 150
    assert (
        flag.message_vi == "Chậm tiến độ: đã qua 30/150 ngày thực hiện, dự kiến đạt 20 %, báo cáo mới 9,99 %."
    )


def test_below_20_percent_expected_nothing_lags_even_without_a_report(make_lead):
    make_lead()  # never reported: counts as 0 %
    sweep(now=day_n(29))  # expected 19.3 %
    assert not open_flags(FlagKind.LAGGING).exists()
    sweep(now=day_n(30))
    assert open_flags(FlagKind.LAGGING).get().numbers["actual"] == 0


def test_the_design_example_message(make_lead):
    lead = make_lead()
    set_state(lead, completion=25)
    sweep(now=day_n(90))
    assert open_flags(FlagKind.LAGGING).get().message_vi == (
        "Chậm tiến độ: đã qua 90/150 ngày thực hiện, dự kiến đạt 60 %, báo cáo mới 25 %."
    )


def test_awaiting_review_and_completed_do_not_lag(make_lead):
    waiting, done = make_lead(), make_lead()
    set_state(waiting, status=Status.AWAITING_REVIEW, completion=5)
    set_state(done, status=Status.COMPLETED, completion=5)
    sweep(now=day_n(90))
    assert not open_flags(FlagKind.LAGGING).exists()


def test_start_falls_back_to_the_plan_issue_date(make_lead, plan):
    lead = make_lead(start_date=None)  # plan issued on START: same 150 days
    set_state(lead, completion=0)
    sweep(now=day_n(30))
    assert open_flags(FlagKind.LAGGING).get().assignment == lead


def test_a_returned_claim_raises_quality_and_a_new_claim_resolves_it(make_lead):
    lead = make_lead()
    set_state(
        lead, status=Status.RETURNED, completion=100, returned_at=day_n(40), return_reason="Thiếu quyết định"
    )
    sweep(now=day_n(41))
    flag = open_flags(FlagKind.QUALITY).get()
    assert "Thiếu quyết định" in flag.message_vi and "10/02/2025" in flag.message_vi
    set_state(lead, status=Status.AWAITING_REVIEW, completion=100)
    sweep(now=day_n(42))
    assert not open_flags(FlagKind.QUALITY).exists()
    assert RedFlag.objects.get(pk=flag.pk).resolved_at == day_n(42)


def test_resolution_keeps_history_and_a_new_lag_is_a_new_flag(make_lead):
    lead = make_lead()
    sweep(now=day_n(40))
    first = open_flags(FlagKind.LAGGING).get()
    set_state(lead, completion=30)  # 30 ≥ half of 26.7
    sweep(now=day_n(40))
    first.refresh_from_db()
    assert first.resolved_at == day_n(40)
    sweep(now=day_n(130))  # expected 86.7: 30 lags again
    assert RedFlag.objects.filter(assignment=lead, kind=FlagKind.LAGGING).count() == 2
    assert open_flags(FlagKind.LAGGING).get().pk != first.pk


def test_a_second_sweep_changes_nothing(make_lead):
    for completion in (None, 5, 50):
        set_state(make_lead(), completion=completion)
    first = sweep(now=at(DEADLINE + datetime.timedelta(days=3)))
    before = list(RedFlag.objects.order_by("pk").values())
    second = sweep(now=at(DEADLINE + datetime.timedelta(days=3), 18))
    assert sum(first.raised.values()) == 3  # three overdue (lagging ends at the deadline)
    assert not second.changed
    assert list(RedFlag.objects.order_by("pk").values()) == before


def test_plans_not_in_force_raise_nothing_and_their_flags_end(make_lead, plan):
    make_lead()
    sweep(now=day_n(90))
    assert open_flags().count() == 1
    plan.status = "closed"
    plan.save()
    sweep(now=day_n(91))
    assert not open_flags().exists()


class TestOngoing:
    @pytest.fixture
    def ongoing(self, make_lead):
        return make_lead(start_date=None, deadline=None, ongoing=True, deadline_text="Thường xuyên")

    @pytest.fixture
    def reporter(self, ongoing):
        return UserFactory(unit=ongoing.unit)

    def report(self, assignment, period, user, when):
        return ProgressReport.objects.create(
            assignment=assignment,
            period=period,
            completion=50,
            status=ReportStatus.SUBMITTED,
            created_by=user,
            created_at=when,
            updated_at=when,
            submitted_by=user,
            submitted_at=when,
        )

    def test_never_overdue_nor_lagging(self, ongoing):
        periods_ensure(now=at(datetime.date(2025, 12, 31)))
        for day in (datetime.date(2025, 6, 1), datetime.date(2025, 12, 31)):
            sweep(now=at(day), kinds=[FlagKind.OVERDUE, FlagKind.LAGGING])
        assert not open_flags().exists()

    def test_no_report_after_the_due_date_not_on_it(self, ongoing):
        periods_ensure(now=at(datetime.date(2025, 2, 21)))
        sweep(now=at(datetime.date(2025, 2, 20), 23))  # February's report is due on the 20th
        january = open_flags(FlagKind.NO_REPORT).get()  # January's was due on 20/01 and is missing
        assert january.period.start == datetime.date(2025, 1, 1)
        sweep(now=at(datetime.date(2025, 2, 21)))
        february = open_flags(FlagKind.NO_REPORT).get()
        assert february.period.start == datetime.date(2025, 2, 1)
        assert february.message_vi == "Chưa gửi báo cáo tháng 02/2025 (hạn 20/02/2025)."
        january.refresh_from_db()
        assert january.resolved_at is not None  # a missed later month is a new flag; history stays

    def test_a_submitted_report_resolves_it(self, ongoing, reporter):
        periods_ensure(now=at(datetime.date(2025, 2, 21)))
        sweep(now=at(datetime.date(2025, 2, 21)))
        assert open_flags(FlagKind.NO_REPORT).exists()
        february = Period.objects.get(
            plan=ongoing.subtask.plan, kind="monthly", start=datetime.date(2025, 2, 1)
        )
        self.report(ongoing, february, reporter, at(datetime.date(2025, 2, 22)))
        sweep(now=at(datetime.date(2025, 2, 22)))
        assert not open_flags(FlagKind.NO_REPORT).exists()

    def test_a_running_subtask_also_needs_its_monthly_report(self, make_lead):
        running = make_lead()
        periods_ensure(now=at(datetime.date(2025, 3, 1)))
        sweep(now=at(datetime.date(2025, 3, 1)), kinds=[FlagKind.NO_REPORT])
        assert open_flags(FlagKind.NO_REPORT).get().assignment == running


def test_the_management_command_moves_the_clock(make_lead, capsys):
    make_lead()
    call_command("sweep_flags", "--now", (START + datetime.timedelta(days=151)).isoformat())
    assert open_flags(FlagKind.OVERDUE).count() == 1
    assert "overdue: +1" in capsys.readouterr().out


def _owed_by_subquery(today):
    """The no-report rule as first written: per assignment, a subquery for the plan's latest due
    monthly period whose cut-off the sub-task had started by (the reference for the CASE form)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from kpis.flag_conditions import EARLIEST, _date, lead_assignments
    from kpis.models import PeriodKind

    started = Coalesce(
        "subtask__start_date", "subtask__plan__start_date", "subtask__plan__issue_date", _date(EARLIEST)
    )
    due = (
        Period.objects.filter(
            plan_id=OuterRef("subtask__plan_id"),
            kind=PeriodKind.MONTHLY,
            due_date__lt=today,
            cutoff__gte=OuterRef("started"),
        )
        .order_by("-due_date", "-start")
        .values("pk")[:1]
    )
    rows = lead_assignments(today).annotate(started=started).annotate(due=Subquery(due))
    return {(pk, period) for pk, period in rows.values_list("pk", "due") if period is not None}


def test_the_period_owed_is_the_latest_due_whose_cutoff_the_subtask_had_started_by(make_lead):
    """Sub-tasks starting before, on and after each cut-off, and a period whose cut-off was moved
    past the next one's: the rule owes exactly the period the per-assignment subquery finds."""
    from kpis.flag_conditions import no_report_condition

    leads = [
        make_lead(
            start_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n), deadline=None, ongoing=True
        )
        for n in range(0, 150, 6)
    ]
    periods_ensure(now=at(datetime.date(2025, 4, 25)))
    plan = leads[0].subtask.plan
    # February's cut-off moved past that of the latest period due on 21/04 (a correction): a
    # sub-task started in between owes February's report, though later periods are due.
    february = Period.objects.get(plan=plan, kind="monthly", start=datetime.date(2025, 2, 1))
    latest = (
        Period.objects.filter(plan=plan, kind="monthly", due_date__lt=datetime.date(2025, 4, 21))
        .order_by("-due_date")
        .first()
    )
    assert latest.start > february.start
    Period.objects.filter(pk=february.pk).update(cutoff=latest.cutoff + datetime.timedelta(days=7))
    owed_in_april = set()
    for day in (datetime.date(2025, 1, 19), datetime.date(2025, 2, 21), datetime.date(2025, 4, 21)):
        # Nobody has reported or finished: every assignment owing a period is in the condition.
        found = set(no_report_condition(day).values_list("pk", "due_period"))
        assert found == _owed_by_subquery(day), day
        owed_in_april = found
    periods = {period for _, period in owed_in_april}
    assert february.pk in periods and len(periods) >= 2 and len(owed_in_april) < len(leads)


def test_a_deadline_before_the_start_is_overdue_not_lagging(make_lead, plan):
    # Sub-task 6.2 of the real appendix: "30/9/2025 (đã thực hiện)" in a plan starting on 01/11/2025.
    plan.start_date = datetime.date(2025, 11, 1)
    plan.save(update_fields=["start_date"])
    lead = make_lead(start_date=None, deadline=datetime.date(2025, 9, 30))
    set_state(lead, completion=0)
    sweep(now=at(datetime.date(2026, 11, 23)))
    assert not open_flags(FlagKind.LAGGING).exists()  # lagging ends where overdue begins
    assert open_flags(FlagKind.OVERDUE).get().assignment == lead  # and overdue says by how many days


def test_a_lagging_flag_of_a_deadline_before_the_start_reads_without_a_negative_span(make_lead):
    """Flags raised before lagging ended at the deadline stay in the history with their words."""
    lead = make_lead()
    numbers = {
        "expected": 100.0,
        "actual": 0.0,
        "day": -32,
        "total_days": -32,
        "start": "2025-11-01",
        "deadline": "2025-09-30",
    }
    flag = RedFlag.objects.create(
        kind=FlagKind.LAGGING,
        assignment=lead,
        subtask=lead.subtask,
        unit=lead.unit,
        numbers=numbers,
        message_vi="x",
        raised_at=at(datetime.date(2026, 11, 23)),
    )
    expected = "Chậm tiến độ: đã hết thời hạn 30/09/2025, dự kiến đạt 100 %, báo cáo mới 0 %."
    from kpis.flags import message_for

    assert message_for(FlagKind.LAGGING, numbers) == expected
    assert flag.current_message(datetime.date(2026, 12, 1)) == expected

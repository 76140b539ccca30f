"""The demo that has lived: months of the province working the plan, replayed through the services.

Reduced demos (few communes taking part, a few months) with an explicit `--now`, so the suite
does not depend on the calendar; the whole demo's timing is measured by `bench/demo.py`.
"""

import datetime

import pytest
from django.core.management import call_command

from budget.models import Adjustment, Allocation, Disbursement
from evidence.models import Decision, Evidence, Review
from kpis.flags import RedFlag
from kpis.models import Comment, FlagAcknowledgement, FlagEscalation, Period, ProgressReport, ReportStatus
from reports.archive import GeneratedReport, GeneratedReportStatus
from tasks.demo.dates import shift_date, shift_text
from tasks.models import Plan, SubTask
from units.models import Unit, User

pytestmark = pytest.mark.django_db

NOW = "2026-03-16T10:00"


def load(*extra):
    call_command("load_demo", "--with-users", "--now", NOW, *extra, verbosity=0)


def signature() -> tuple:
    reports = sorted(
        (
            r.assignment.subtask.code,
            r.assignment.unit.name,
            r.period.start,
            r.version,
            r.status,
            str(r.completion),
            r.is_claim,
            r.submitted_at,
        )
        for r in ProgressReport.objects.select_related("assignment__subtask", "assignment__unit", "period")
    )
    flags = sorted(
        (f.kind, f.subtask.code, f.unit.name, f.raised_at, f.resolved_at)
        for f in RedFlag.objects.select_related("subtask", "unit")
    )
    reviews = sorted(
        (r.assignment.subtask.code, r.assignment.unit.name, r.decision, r.decided_at)
        for r in Review.objects.all()
    )
    return reports, flags, reviews


def test_dates_move_by_whole_months_keeping_month_ends_and_the_words():
    assert shift_date(datetime.date(2025, 11, 30), 2) == datetime.date(2026, 1, 31)
    assert shift_date(datetime.date(2025, 12, 31), 2) == datetime.date(2026, 2, 28)
    assert shift_date(datetime.date(2025, 12, 15), 2) == datetime.date(2026, 2, 15)
    assert shift_text("30/9/2025 (đã thực hiện)", 2) == "30/11/2025 (đã thực hiện)"
    assert shift_text("31/12/2025 Riêng CSDL … (31/12/2026)", 2) == "28/2/2026 Riêng CSDL … (28/2/2027)"


def test_the_demo_has_lived_two_months_and_a_half(capsys):
    load("--months", "2", "--communes", "3", "--report-months", "1")
    out = capsys.readouterr().out
    plan = Plan.objects.get()
    # Placed so that today (16/03/2026) falls into the plan's third month; the page says why.
    assert plan.issue_date == datetime.date(2026, 1, 1)
    assert "dời 2 tháng" in plan.note and "01/01/2026" in plan.note
    assert SubTask.objects.get(plan=plan, code="1.1").deadline == datetime.date(2026, 1, 31)
    assert SubTask.objects.get(plan=plan, code="6.2").deadline_text == "30/11/2025 (đã thực hiện)"

    submitted = ProgressReport.objects.filter(status=ReportStatus.SUBMITTED)
    months = {p.start: submitted.filter(period=p).count() for p in Period.objects.filter(kind="monthly")}
    assert months[datetime.date(2026, 1, 1)] > 100 and months[datetime.date(2026, 2, 1)] > 100
    assert 0 < months[datetime.date(2026, 3, 1)] < months[datetime.date(2026, 2, 1)]  # March is not due yet
    # Some reports arrive after the due date, some units never report.
    late = [r for r in submitted.select_related("period") if r.submitted_at.date() > r.period.due_date]
    assert late
    communes = Unit.objects.filter(kind="commune", is_demo=True).order_by("name")
    active = list(communes[:3])
    assert not submitted.filter(assignment__unit__in=communes.exclude(pk__in=[u.pk for u in active])).exists()
    assert submitted.filter(assignment__unit__in=active).exists()
    # Claims with real evidence files, approvals and returns with reasons, corrections, comments.
    claims = submitted.filter(is_claim=True)
    assert claims.count() > 20
    assert (
        Evidence.objects.filter(report__in=claims, content_type="application/pdf").count() >= claims.count()
    )
    assert Evidence.objects.filter(content_type="image/png").exists()
    assert Review.objects.filter(decision=Decision.APPROVED).count() > 10
    returned = Review.objects.filter(decision=Decision.RETURNED)
    assert returned.exists() and all(r.reason_text for r in returned)
    assert submitted.filter(version__gt=1).exists()
    assert Comment.objects.exists()
    # Sweeps over time raised flags and resolved some of them.
    assert RedFlag.objects.filter(resolved_at__isnull=False).exists()
    assert RedFlag.objects.filter(resolved_at__isnull=True).exists()
    assert {"overdue", "no_report"} <= set(RedFlag.objects.values_list("kind", flat=True))
    # Heads answered some flags with a remediation plan; others went to the committee.
    assert FlagAcknowledgement.objects.exists() and FlagEscalation.objects.exists()
    assert not FlagAcknowledgement.objects.filter(flag__unit__name="Sở Khoa học và Công nghệ").exists()
    # The last month's official report archived, rendered.
    archived = GeneratedReport.objects.get()
    assert archived.status == GeneratedReportStatus.DONE and archived.pdf_name and archived.pages >= 2
    assert archived.period.start == datetime.date(2026, 2, 1)
    # A budget given at the start of the year, adjusted mid-way, disbursed month by month (issue 22);
    # the archived report states it as seed 001 §10 does.
    lines = Allocation.objects.filter(assignment__subtask__plan=plan)
    assert lines.count() >= 5
    assert Adjustment.objects.filter(amount__lt=0).exists() or Adjustment.objects.count() > lines.count()
    paid = set(Disbursement.objects.values_list("period__start", flat=True))
    assert {datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)} <= paid
    assert all(d.files.exists() for d in Disbursement.objects.all())
    assert "tổng số vốn đã giải ngân đạt" in archived.inputs["budget"]
    # Seed 002's targets (section I.1), their milestones moved with the plan, values reported each month
    # with a document: approved, one returned and sent again, the last month's waiting (issue 22).
    from targets.models import Target, TargetValue, ValueStatus

    targets = Target.objects.filter(plan=plan)
    assert targets.count() == 11
    dvc = targets.get(code="1.1.5")
    assert [m.due_date for m in dvc.milestones.all()] == [
        datetime.date(2026, 3, 1),
        datetime.date(2031, 2, 28),
    ]
    assert "trước ngày 01/03/2026, tiến tới 100% trước ngày 28/2/2031" in dvc.text
    values = TargetValue.objects.filter(target__plan=plan)
    assert values.filter(status=ValueStatus.APPROVED, period__start=datetime.date(2026, 1, 1)).exists()
    assert values.filter(status=ValueStatus.SUBMITTED, period__start=datetime.date(2026, 2, 1)).exists()
    assert values.filter(version=2, status=ValueStatus.APPROVED).exists()
    assert all(v.files.exists() for v in values)
    assert any(row["value"] for row in archived.inputs["targets"])
    # The demo logins still work.
    assert User.objects.get(username="demo_canbo_khcn").check_password("demo-NQ57-2025")
    assert "Tiến độ mẫu đến 16/03/2026" in out


def test_the_demo_is_the_same_from_the_same_seed_and_moves_with_today(capsys):
    load("--months", "1", "--communes", "1", "--report-months", "0")
    first = signature()
    assert first[0] and first[1]
    load("--months", "1", "--communes", "1", "--report-months", "0")  # same day: nothing replayed
    assert signature() == first
    assert "không dựng lại" in capsys.readouterr().out
    # A month later the story is replayed so that today is again a month in.
    call_command(
        "load_demo", "--with-users", "--now", "2026-04-16T10:00", "--months", "1", "--communes", "1",
        "--report-months", "0", verbosity=0,
    )  # fmt: skip
    assert Plan.objects.get().issue_date == datetime.date(2026, 3, 1)
    assert signature() != first
    load("--months", "1", "--communes", "1", "--report-months", "0")
    assert Plan.objects.get().issue_date == datetime.date(2026, 2, 1)
    assert signature() == first

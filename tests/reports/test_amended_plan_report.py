"""The plan as it stood (issue 21, item 4): a report for a past cut-off reads the plan as it stood
at that cut-off. Regenerated after an amendment that moved a deadline and added a lead unit, the
January report has the same inputs (and checksum) and does not contradict itself; a report whose
cut-off falls after the amendment reads the amended plan; the archive tells apart reports of the
same scope and cut-off whose inputs differ."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.flags import FlagKind, RedFlag
from kpis.models import Period, PeriodKind, ProgressReport, ReportStatus
from kpis.services import periods_ensure
from reports.archive import GeneratedReport, GeneratedReportStatus
from reports.assembly import assemble, inputs_sha256, resolve_scope
from tasks.importing import read_and_resolve
from tasks.models import Assignment, Plan
from tasks.services import plan_import_apply
from tests.factories import UserFactory
from tests.tasks._import_helpers import load_registry, write_xlsx
from units.models import Role

pytestmark = pytest.mark.django_db

SCIENCE, FINANCE, JUSTICE = "Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Tư pháp"


def at(y, m, d, hour=9):
    return timezone.make_aware(datetime.datetime(y, m, d, hour, 0))


def rows(*, deadline_21="15/01/2026", leads_12=SCIENCE):
    return [
        ["I. Về chuyển đổi số"],
        ["1. Nhiệm vụ tổng quát một", "1.1 Số hoá hồ sơ", "Báo cáo", "100% hồ sơ", SCIENCE, FINANCE, "31/12/2025"],
        [None, "1.2 Xây dựng cơ sở dữ liệu", "Cơ sở dữ liệu", "01 CSDL", leads_12, "", "31/03/2026"],
        ["II. Về khoa học, công nghệ"],
        ["2. Nhiệm vụ tổng quát hai", "2.1 Ban hành quy chế", "Quy chế", "01 quy chế", FINANCE, "", deadline_21],
    ]  # fmt: skip


def _import(tmp_path, name, plan=None, now=None, **kw):
    data = read_and_resolve(write_xlsx(tmp_path / name, kw.pop("rows")))
    return plan_import_apply(plan_data=data, plan=plan, actor=None, title="Kế hoạch 07", now=now, **kw)[0]


@pytest.fixture
def january(tmp_path):
    """A plan in force since 01/11/2025 with a January report's history: 1.1 reported, 2.1 overdue
    on 16/01/2026 and flagged for it."""
    load_registry()
    plan = _import(tmp_path, "v1.xlsx", rows=rows(), now=at(2025, 10, 20))
    Plan.objects.filter(pk=plan.pk).update(status="in_force", issue_date=datetime.date(2025, 11, 1))
    plan.refresh_from_db()
    periods_ensure(now=at(2026, 12, 25), plan=plan)
    jan = Period.objects.get(plan=plan, kind=PeriodKind.MONTHLY, start=datetime.date(2026, 1, 1))
    assert jan.cutoff == datetime.date(2026, 1, 20)
    science = Assignment.objects.get(subtask__plan=plan, subtask__code="1.1", role="lead")
    staff = UserFactory(unit=science.unit, roles=[Role.STAFF])
    ProgressReport.objects.create(
        assignment=science, period=jan, version=1, status=ReportStatus.SUBMITTED, completion=Decimal(60),
        results="Đã số hoá 60% hồ sơ", difficulties="Thiếu kinh phí", created_by=staff, created_at=at(2026, 1, 10),
        updated_at=at(2026, 1, 10), submitted_by=staff, submitted_at=at(2026, 1, 10),
    )  # fmt: skip
    finance = Assignment.objects.get(subtask__plan=plan, subtask__code="2.1", role="lead")
    RedFlag.objects.create(
        kind=FlagKind.OVERDUE, assignment=finance, subtask=finance.subtask, unit=finance.unit,
        message_vi="Quá hạn 1 ngày (thời hạn 15/01/2026)", numbers={"days": 1}, raised_at=at(2026, 1, 16, 1),
    )  # fmt: skip
    return plan, jan


def _amend(tmp_path, plan):
    """On 07/12/2026: 2.1's deadline moved to 30/06/2026, Justice added as a lead of 1.2."""
    return _import(
        tmp_path,
        "v2.xlsx",
        plan=plan,
        rows=rows(deadline_21="30/06/2026", leads_12=f"{SCIENCE}, {JUSTICE}"),
        amendment_number="125/KH-BCĐ",
        amendment_date=datetime.date(2026, 12, 5),
        now=at(2026, 12, 7, 10),
    )


def _row(inputs, code):
    return next(r for s in inputs["appendix"] for r in s["rows"] if r["code"] == code)


def assert_consistent(inputs, cutoff):
    """No self-contradiction: every sub-task section II calls late is late in the appendix, at the
    same deadline, and the overdue count is the number of late appendix rows."""
    late = {i["code"]: i for i in inputs["late"] if i["days_late"]}
    for code, item in late.items():
        row = _row(inputs, code)
        assert row["deadline"] == item["deadline"] and datetime.date.fromisoformat(row["deadline"]) < cutoff
    overdue_rows = [
        r
        for s in inputs["appendix"]
        for r in s["rows"]
        if r["deadline"]
        and datetime.date.fromisoformat(r["deadline"]) < cutoff
        and r["category"] != "completed_on_time"
    ]
    assert inputs["totals"]["overdue"] == len(overdue_rows)
    for item in inputs["flags"]["items"]:
        if "overdue" in item["kinds"]:
            assert item["code"] in late


def test_the_january_report_regenerated_after_an_amendment_is_the_same(january, tmp_path):
    plan, jan = january
    scope = resolve_scope(kind="monthly", period=jan, plan=plan)
    before = assemble(scope)
    assert before["totals"]["total"] == 3 and before["totals"]["overdue"] == 2
    assert _row(before, "2.1")["deadline"] == "2026-01-15"
    assert_consistent(before, scope.cutoff)

    _amend(tmp_path, plan)
    assert plan.amendments.count() == 1
    assert Assignment.objects.filter(subtask__code="1.2", role="lead").count() == 2  # the plan now

    after = assemble(resolve_scope(kind="monthly", period=jan, plan=plan))
    assert inputs_sha256(after) == inputs_sha256(before)
    assert after == before
    assert_consistent(after, scope.cutoff)
    # A unit's own report of that month too.
    justice = Assignment.objects.get(subtask__code="1.2", unit__name=JUSTICE).unit
    own = assemble(resolve_scope(kind="monthly", period=jan, plan=plan, unit=justice))
    assert own["totals"]["total"] == 0


def test_a_report_cut_off_after_the_amendment_reads_the_amended_plan(january, tmp_path):
    plan, _ = january
    _amend(tmp_path, plan)
    dec = Period.objects.get(plan=plan, kind=PeriodKind.MONTHLY, start=datetime.date(2026, 12, 1))
    inputs = assemble(resolve_scope(kind="monthly", period=dec, plan=plan))
    assert inputs["totals"]["total"] == 4  # 1.2 has two lead units
    assert _row(inputs, "2.1")["deadline"] == "2026-06-30"
    assert inputs["amendments"] == [
        {"plan_id": plan.pk, "sequence": 1, "number": "125/KH-BCĐ", "date": "2026-12-05"}
    ]
    assert_consistent(inputs, dec.cutoff)


def test_the_archive_marks_reports_of_the_same_scope_and_cut_off_apart_when_they_differ(january, client):
    plan, jan = january
    user = UserFactory(unit=None, roles=[Role.SECRETARIAT])

    def done(sha):
        return GeneratedReport.objects.create(
            kind="monthly", period=jan, plan=plan, cutoff=at(2026, 1, 20, 23), created_by=user,
            created_at=at(2026, 12, 8), status=GeneratedReportStatus.DONE, pdf_name="x.pdf",
            inputs_sha256=sha, inputs={},
        )  # fmt: skip

    first, same, other = done("a" * 64), done("a" * 64), done("b" * 64)
    client.force_login(user)
    page = client.get(reverse("reports:archive_list")).content.decode()
    assert page.count("Số liệu khác báo cáo cùng kỳ, cùng thời điểm chốt") == 3
    detail = client.get(reverse("reports:archive_detail", args=[other.pk])).content.decode()
    assert f"#{first.pk}" in detail and f"#{same.pk}" in detail
    detail = client.get(reverse("reports:archive_detail", args=[same.pk])).content.decode()
    assert f"#{other.pk}" in detail and f">#{first.pk}<" not in detail

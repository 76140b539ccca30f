"""A small plan whose lead assignments each stand in a different state at the Q4/2025 cut-off
(20/12/2025), with history rows before and after it. Rows are written directly, the way the
services leave them, so each state is exactly what the test says."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from evidence.models import Decision, Evidence, Review
from kpis.flags import FlagKind, RedFlag
from kpis.models import AssignmentState, Period, PeriodKind, ProgressReport, ReportStatus, Status
from kpis.services import periods_ensure
from tasks.models import Assignment, AssignmentRole
from tests.factories import (
    GeneralTaskFactory,
    KpiFactory,
    PlanFactory,
    SectionFactory,
    SubTaskFactory,
    UnitFactory,
    UserFactory,
)
from units.models import GroupMembership, Role, UnitKind

CUTOFF = datetime.date(2025, 12, 20)
_names = itertools.count()


def at(y, m, d, hour=9):
    return timezone.make_aware(datetime.datetime(y, m, d, hour, 0))


@dataclass
class World:
    plan: object
    quarter: Period
    month: Period
    units: dict
    assignments: dict = field(default_factory=dict)
    staff: object = None
    reviewer: object = None


def _report(assignment, period, *, when, completion, claim=False, version=1, status=ReportStatus.SUBMITTED, user,
            results="", difficulties="", proposals=""):  # fmt: skip
    return ProgressReport.objects.create(
        assignment=assignment,
        period=period,
        version=version,
        status=status,
        completion=Decimal(completion),
        is_claim=claim,
        results=results,
        difficulties=difficulties,
        proposals=proposals,
        created_by=user,
        created_at=when,
        updated_at=when,
        submitted_by=user if status == ReportStatus.SUBMITTED else None,
        submitted_at=when if status == ReportStatus.SUBMITTED else None,
    )


def _evidence(report, n, *, user, when):
    for _ in range(n):
        k = next(_names)
        Evidence.objects.create(
            report=report,
            stored_name=f"evidence/test-{k}.pdf",
            original_name=f"minh-chung-{k}.pdf",
            sha256=f"{k:064x}",
            size=100,
            content_type="application/pdf",
            kind="pdf",
            uploaded_by=user,
            uploaded_at=when,
        )


def _review(assignment, report, decision, *, when, user):
    return Review.objects.create(
        report=report,
        assignment=assignment,
        reviewer=user,
        decision=decision,
        reason_code="" if decision == Decision.APPROVED else "missing_document",
        reason_text="" if decision == Decision.APPROVED else "Thiếu quyết định đã ký",
        decided_at=when,
    )


def _flag(assignment, kind, *, raised, resolved=None, message):
    return RedFlag.objects.create(
        kind=kind,
        assignment=assignment,
        subtask=assignment.subtask,
        unit=assignment.unit,
        message_vi=message,
        numbers={"test": True},
        raised_at=raised,
        resolved_at=resolved,
    )


def build_world() -> World:
    plan = PlanFactory(code="9-KH/BCĐ", issue_date=datetime.date(2025, 10, 1))
    periods_ensure(now=at(2026, 1, 5), plan=plan)
    quarter = Period.objects.get(plan=plan, kind=PeriodKind.QUARTERLY, start=datetime.date(2025, 10, 1))
    month = Period.objects.get(plan=plan, kind=PeriodKind.MONTHLY, start=datetime.date(2025, 12, 1))
    nov = Period.objects.get(plan=plan, kind=PeriodKind.MONTHLY, start=datetime.date(2025, 11, 1))
    assert quarter.cutoff == CUTOFF == month.cutoff

    s1 = SectionFactory(plan=plan, code="I", title="Về chuyển đổi số", order=1)
    s2 = SectionFactory(plan=plan, code="II", title="Về khoa học, công nghệ", order=2)
    g1 = GeneralTaskFactory(section=s1, code="1", title="Rà soát thủ tục", order=1)
    g2 = GeneralTaskFactory(section=s2, code="2", title="Phát triển hạ tầng", order=1)

    def sub(gt, code, deadline, **kw):
        st = SubTaskFactory(
            general_task=gt,
            plan=plan,
            code=code,
            title=f"Nhiệm vụ {code}",
            output=f"Sản phẩm {code}",
            deadline=deadline,
            deadline_text=deadline.strftime("%d/%m/%Y") if deadline else "Thường xuyên",
            order=int(code.split(".")[1]),
            **{"start_date": datetime.date(2025, 10, 1), **kw},
        )
        KpiFactory(subtask=st, text=f"KPI {code}")
        return st

    t1 = sub(g1, "1.1", datetime.date(2025, 11, 30))
    t2 = sub(g1, "1.2", datetime.date(2025, 12, 10))
    t3 = sub(g2, "2.1", datetime.date(2026, 1, 31))
    t4 = sub(g2, "2.2", None, ongoing=True, start_date=None)
    t5 = sub(g2, "2.3", datetime.date(2026, 2, 15))

    units = {
        "A": UnitFactory(name="Sở Alpha"),
        "B": UnitFactory(name="Sở Beta"),
        "C": UnitFactory(name="Sở Gamma"),
        "X1": UnitFactory(name="UBND xã Một", kind=UnitKind.COMMUNE),
        "X2": UnitFactory(name="UBND xã Hai", kind=UnitKind.COMMUNE),
        "G": UnitFactory(name="UBND cấp xã", kind=UnitKind.GROUP),
    }
    for m in ("X1", "X2"):
        GroupMembership.objects.create(group=units["G"], member=units[m])
    user = UserFactory(unit=units["A"], roles=[Role.STAFF])
    reviewer = UserFactory(unit=None, roles=[Role.REVIEWER])

    def lead(key, subtask, unit, group=None):
        a = Assignment.objects.create(
            subtask=subtask, unit=units[unit], role=AssignmentRole.LEAD, via_group=group
        )
        world.assignments[key] = a
        return a

    world = World(plan=plan, quarter=quarter, month=month, units=units, staff=user, reviewer=reviewer)
    # co-ordinating units are not counted
    Assignment.objects.create(subtask=t1, unit=units["C"], role=AssignmentRole.CO)

    # a1 completed on time: claim 25/11 (deadline 30/11), approved 28/11
    a1 = lead("a1", t1, "A")
    r = _report(
        a1,
        nov,
        when=at(2025, 11, 25),
        completion=100,
        claim=True,
        user=user,
        results="Đã ban hành quyết định",
    )
    _evidence(r, 2, user=user, when=at(2025, 11, 25, 8))
    _review(a1, r, Decision.APPROVED, when=at(2025, 11, 28), user=reviewer)

    # a2 completed late: claim 05/12 after the 30/11 deadline, approved 06/12
    a2 = lead("a2", t1, "B")
    r = _report(a2, month, when=at(2025, 12, 5), completion=100, claim=True, user=user)
    _evidence(r, 1, user=user, when=at(2025, 12, 5, 8))
    _review(a2, r, Decision.APPROVED, when=at(2025, 12, 6), user=reviewer)

    # a3 awaiting review at the cut-off (approved only on 22/12)
    a3 = lead("a3", t2, "A")
    r = _report(a3, month, when=at(2025, 12, 15), completion=100, claim=True, user=user)
    _evidence(r, 1, user=user, when=at(2025, 12, 15, 8))
    _review(a3, r, Decision.APPROVED, when=at(2025, 12, 22), user=reviewer)

    # a4 in progress and overdue (deadline 10/12); an open overdue flag
    a4 = lead("a4", t2, "C")
    _report(a4, nov, when=at(2025, 11, 20), completion=50, user=user, difficulties="Thiếu kinh phí thực hiện")
    _flag(
        a4,
        FlagKind.OVERDUE,
        raised=at(2025, 12, 11, 1),
        message="Quá hạn 1 ngày (thời hạn 10/12/2025), chưa hoàn thành.",
    )

    # a5 not started; a lagging flag raised and resolved before the cut-off
    a5 = lead("a5", t3, "B")
    _flag(a5, FlagKind.LAGGING, raised=at(2025, 12, 1), resolved=at(2025, 12, 15), message="Chậm tiến độ cũ")

    # a6 returned 03/12, an ordinary report after it keeps it returned; quality flag resolved after the cut-off
    a6 = lead("a6", t3, "C")
    r = _report(a6, month, when=at(2025, 12, 1), completion=100, claim=True, user=user)
    _evidence(r, 1, user=user, when=at(2025, 12, 1, 8))
    _review(a6, r, Decision.RETURNED, when=at(2025, 12, 3), user=reviewer)
    _report(
        a6, month, when=at(2025, 12, 10), completion=80, version=2, user=user, proposals="Đề nghị gia hạn"
    )
    _flag(a6, FlagKind.QUALITY, raised=at(2025, 12, 3), resolved=at(2025, 12, 25),
          message="Đề nghị hoàn thành bị trả lại ngày 03/12/2025 (chờ hoàn thiện): Thiếu quyết định đã ký")  # fmt: skip

    # a7 (through the group) in progress at 30 %; its 60 % version arrives after the cut-off
    a7 = lead("a7", t4, "X1", group=units["G"])
    _report(a7, nov, when=at(2025, 11, 10), completion=30, user=user)
    _report(a7, month, when=at(2025, 12, 25), completion=60, user=user)

    # a8 (through the group) only a draft: not started; a no-report flag raised after the cut-off
    a8 = lead("a8", t4, "X2", group=units["G"])
    _report(a8, month, when=at(2025, 12, 12), completion=10, status=ReportStatus.DRAFT, user=user)
    _flag(a8, FlagKind.NO_REPORT, raised=at(2025, 12, 21), message="Chưa gửi báo cáo")

    # a9 in progress this month, with texts a spreadsheet would take for formulas
    a9 = lead("a9", t5, "A")
    _report(
        a9,
        month,
        when=at(2025, 12, 18),
        completion=40,
        user=user,
        results='=HYPERLINK("http://example.invalid","bấm vào đây")',
        difficulties="+1 cán bộ nghỉ việc",
        proposals="@SUM(A1:A3) bổ sung biên chế",
    )
    # what the status rows say now (after the cut-off): not what the report may use
    AssignmentState.objects.create(assignment=a3, status=Status.COMPLETED, completed_on_time=True)
    return world


# What the world holds at the cut-off, by hand: the test compares against ORM counts as well.
EXPECTED = {
    "total": 9,
    "completed_on_time": 1,
    "completed_late": 1,
    "awaiting_review": 1,
    "in_progress": 3,  # a4, a7, a9
    "not_started": 2,  # a5, a8
    "returned": 1,
    "overdue": 2,  # a3 (awaiting, deadline 10/12 passed) and a4
}

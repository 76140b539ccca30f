"""A small plan read through the API: two units leading one sub-task each, a report, a flag, a draft plan,
a sub-task an amendment removed, a target with an approved value and one waiting for review."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from kpis.flags import RedFlag
from kpis.models import AssignmentState, KpiTarget, Period, PeriodKind, ProgressReport, ReportStatus, Status
from targets.models import Milestone, Target, TargetValue, ValueStatus
from tasks.models import AssignmentRole, PlanStatus, SubTask
from tests.factories import (
    AssignmentFactory,
    KpiFactory,
    PlanFactory,
    SubTaskFactory,
    UnitFactory,
    UserFactory,
)
from units.models import Role

NOW = timezone.make_aware(datetime.datetime(2026, 11, 25, 9, 0))


@dataclass
class World:
    plan: object
    draft: object
    unit_a: object
    unit_b: object
    lead_a: object
    lead_b: object
    report_a: object
    report_b: object
    flag_b: object
    period: object
    target: object


def api_world() -> World:
    plan = PlanFactory(status=PlanStatus.IN_FORCE, title="Kế hoạch chuyển đổi số tỉnh — Nghị quyết 57")
    draft = PlanFactory(status=PlanStatus.DRAFT, title="Kế hoạch đang dự thảo")
    unit_a = UnitFactory(name="Sở Khoa học và Công nghệ")
    unit_b = UnitFactory(name="UBND phường Hòa Bình")
    staff = UserFactory(username="api-world-staff", unit=unit_a, roles=[Role.STAFF])
    task_a = SubTaskFactory(general_task__section__plan=plan, title="Xây dựng cơ sở dữ liệu dùng chung")
    task_b = SubTaskFactory(general_task=task_a.general_task, plan=plan, title="Số hóa hồ sơ, giấy tờ")
    kpi = KpiFactory(subtask=task_a, text="100% hồ sơ được số hóa")
    KpiTarget.objects.create(kpi=kpi, value=Decimal(100), measure="percent", confirmed=True)
    SubTaskFactory(general_task__section__plan=draft)
    lead_a = AssignmentFactory(subtask=task_a, unit=unit_a, role=AssignmentRole.LEAD)
    lead_b = AssignmentFactory(subtask=task_b, unit=unit_b, role=AssignmentRole.LEAD)
    AssignmentFactory(subtask=task_b, unit=unit_a, role=AssignmentRole.CO)
    period = Period.objects.create(
        plan=plan,
        kind=PeriodKind.MONTHLY,
        start=datetime.date(2026, 11, 1),
        end=datetime.date(2026, 11, 30),
        cutoff=datetime.date(2026, 11, 20),
        due_date=datetime.date(2026, 11, 20),
    )
    reports = []
    for lead, completion in ((lead_a, 40), (lead_b, 10)):
        report = ProgressReport.objects.create(
            assignment=lead,
            period=period,
            status=ReportStatus.SUBMITTED,
            completion=Decimal(completion),
            results=f"Đã hoàn thành {completion}% khối lượng — “rà soát”",
            difficulties="Thiếu kinh phí",
            proposals="Đề nghị bổ sung biên chế",
            created_by=staff,
            created_at=NOW,
            updated_at=NOW,
            submitted_by=staff,
            submitted_at=NOW,
        )
        AssignmentState.objects.create(
            assignment=lead,
            status=Status.IN_PROGRESS,
            latest_report=report,
            latest_completion=report.completion,
            last_reported_at=NOW,
            updated_at=NOW,
        )
        reports.append(report)
    flag_b = RedFlag.objects.create(
        kind="overdue",
        assignment=lead_b,
        subtask=task_b,
        unit=unit_b,
        numbers={"days": 330},
        message_vi="Quá hạn 330 ngày",
        raised_at=NOW,
    )
    removed = SubTaskFactory(general_task=task_a.general_task, plan=plan, title="Lập đề án (đã bãi bỏ)")
    SubTask.objects.filter(pk=removed.pk).update(closed_at=NOW)
    target = Target.objects.create(
        plan=plan,
        code="1.1.5",
        text="Có ≥ 80% dịch vụ công trực tuyến toàn trình",
        measure="%",
        is_share=True,
        baseline_value=Decimal(20),
        baseline_date=datetime.date(2025, 1, 1),
        data_source="Cổng Dịch vụ công quốc gia",
        created_at=NOW,
        updated_at=NOW,
    )
    target.units.set([unit_a, unit_b])
    Milestone.objects.create(target=target, value=Decimal(80), due_date=datetime.date(2026, 12, 31))
    for unit, status in ((unit_a, ValueStatus.APPROVED), (unit_b, ValueStatus.SUBMITTED)):
        TargetValue.objects.create(
            target=target,
            unit=unit,
            period=period,
            value=Decimal("62.5"),
            numerator=Decimal(125),
            denominator=Decimal(200),
            note="125/200 thủ tục",
            status=status,
            reported_by=staff,
            reported_at=NOW,
            decided_at=NOW if status == ValueStatus.APPROVED else None,
        )
    return World(plan, draft, unit_a, unit_b, lead_a, lead_b, reports[0], reports[1], flag_b, period, target)

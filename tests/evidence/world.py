"""A small world for the evidence and review tests: a plan with periods up to today, a sub-task
led by unit A, its staff, another unit's staff, a reviewer. Real files, real storage, real DB."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kpis.models import KpiTarget, Period
from kpis.services import ReportData, periods_ensure, report_save_draft, report_submit
from tasks.models import AssignmentRole
from tests.evidence.corpus import docx_bytes, image_bytes, pdf_bytes
from tests.factories import (
    AssignmentFactory,
    GeneralTaskFactory,
    KpiFactory,
    PlanFactory,
    SectionFactory,
    SubTaskFactory,
    UnitFactory,
    UserFactory,
)
from units.models import Role


@dataclass
class World:
    plan: object
    subtask: object
    lead: object
    staff: object
    outsider: object
    reviewer: object
    leadership: object
    period: Period
    target: KpiTarget


def make_world(*, deadline_days: int = 30, code: str = "5.4") -> World:
    today = timezone.localdate()
    plan = PlanFactory(issue_date=datetime.date(2025, 11, 1))
    periods_ensure(now=timezone.now())
    subtask = SubTaskFactory(
        general_task=GeneralTaskFactory(section=SectionFactory(plan=plan)),
        code=code,
        title="Ban hành quy chế số hoá hồ sơ",
        output="Quyết định ban hành quy chế",
        start_date=datetime.date(2025, 11, 1),
        deadline=today + datetime.timedelta(days=deadline_days),
    )
    kpi = KpiFactory(subtask=subtask, text="01 quyết định được ban hành")
    target = KpiTarget.objects.create(kpi=kpi, value=Decimal(1), measure="count", direction="at_least")
    lead = AssignmentFactory(subtask=subtask, unit=UnitFactory(name="Sở Tư pháp"), role=AssignmentRole.LEAD)
    period = Period.objects.get(plan=plan, kind="monthly", start__lte=today, end__gte=today)
    return World(
        plan=plan,
        subtask=subtask,
        lead=lead,
        staff=UserFactory(unit=lead.unit, roles=[Role.STAFF]),
        outsider=UserFactory(unit=UnitFactory(name="Sở Xây dựng"), roles=[Role.STAFF]),
        reviewer=UserFactory(unit=None, roles=[Role.REVIEWER]),
        leadership=UserFactory(unit=None, roles=[Role.LEADERSHIP]),
        period=period,
        target=target,
    )


def pdf_upload(name="Quyết định đã ký.pdf", text="Quyet dinh so 12"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def png_upload(name="Ảnh sản phẩm.png", size=(60, 40)):
    return SimpleUploadedFile(name, image_bytes("PNG", size), content_type="image/png")


def docx_upload(name="Báo cáo kết quả.docx"):
    return SimpleUploadedFile(name, docx_bytes(), content_type="application/octet-stream")


def claim(world: World, *, files, now=None, actor=None, completion="100"):
    """The lead unit claims completion with these files (draft then submit)."""
    now = now or timezone.now()
    actor = actor or world.staff
    report = report_save_draft(
        assignment=world.lead,
        period=world.period,
        actor=actor,
        data=ReportData(completion=Decimal(completion), results="Đã ban hành quyết định"),
        uploads=files,
        now=now,
    )
    return report_submit(report=report, actor=actor, now=now)


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def client_for(user):
    """A test client signed in as `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client

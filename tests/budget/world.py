"""A small budget world: a plan with two sections, two lead units, monthly periods of 2025."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kpis.models import Period, PeriodKind
from tasks.models import AssignmentRole
from tests.evidence.corpus import pdf_bytes
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

TY = Decimal(10) ** 9
NOW = timezone.make_aware(datetime.datetime(2025, 10, 15, 9, 0))


def month(plan, m: int, year: int = 2025) -> Period:
    start = datetime.date(year, m, 1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return Period.objects.get_or_create(
        plan=plan,
        kind=PeriodKind.MONTHLY,
        start=start,
        defaults={"end": end, "cutoff": end, "due_date": end},
    )[0]


def evidence(name="uy-nhiem-chi.pdf", text="Uy nhiem chi"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


class World:
    def __init__(self):
        self.plan = PlanFactory(issue_date=datetime.date(2025, 1, 1), start_date=datetime.date(2025, 1, 1))
        self.section_1 = SectionFactory(plan=self.plan, code="I", title="Nhiệm vụ chung", order=1)
        self.section_2 = SectionFactory(plan=self.plan, code="II", title="Nhiệm vụ cụ thể", order=2)
        self.unit_a = UnitFactory(name="Sở Khoa học và Công nghệ")
        self.unit_b = UnitFactory(name="Sở Tài chính")
        self.sub_1 = SubTaskFactory(
            general_task=GeneralTaskFactory(section=self.section_1), start_date=datetime.date(2025, 1, 1)
        )
        self.sub_2 = SubTaskFactory(
            general_task=GeneralTaskFactory(section=self.section_2), start_date=datetime.date(2025, 1, 1)
        )
        self.lead_a = AssignmentFactory(subtask=self.sub_1, unit=self.unit_a, role=AssignmentRole.LEAD)
        self.lead_b = AssignmentFactory(subtask=self.sub_2, unit=self.unit_b, role=AssignmentRole.LEAD)
        self.secretariat = UserFactory(username="thuong-truc", unit=None, roles=[Role.SECRETARIAT])
        self.staff_a = UserFactory(username="can-bo-a", unit=self.unit_a, roles=[Role.STAFF])
        self.staff_b = UserFactory(username="can-bo-b", unit=self.unit_b, roles=[Role.STAFF])
        self.outsider = UserFactory(
            username="ngoai", unit=UnitFactory(name="UBND xã Ngoài"), roles=[Role.STAFF]
        )
        self.months = {m: month(self.plan, m) for m in range(1, 11)}

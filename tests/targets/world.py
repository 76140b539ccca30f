"""A small world of targets: a plan in force with monthly periods of 2025, two responsible units."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from targets.services import target_save
from tasks.models import PlanStatus
from tests.budget.world import month
from tests.evidence.corpus import pdf_bytes
from tests.factories import PlanFactory, UnitFactory, UserFactory
from units.models import Role

NOW = timezone.make_aware(datetime.datetime(2025, 10, 15, 9, 0))


def evidence(name="so-lieu.pdf", text="So lieu"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


class World:
    def __init__(self):
        self.plan = PlanFactory(
            issue_date=datetime.date(2025, 1, 1),
            start_date=datetime.date(2025, 1, 1),
            status=PlanStatus.IN_FORCE,
        )
        self.unit_a = UnitFactory(name="Văn phòng UBND tỉnh")
        self.unit_b = UnitFactory(name="Công an tỉnh")
        self.secretariat = UserFactory(username="thuong-truc", unit=None, roles=[Role.SECRETARIAT])
        self.reviewer = UserFactory(username="tham-dinh", unit=None, roles=[Role.REVIEWER])
        self.staff_a = UserFactory(username="can-bo-a", unit=self.unit_a, roles=[Role.STAFF])
        self.staff_b = UserFactory(username="can-bo-b", unit=self.unit_b, roles=[Role.STAFF])
        self.outsider = UserFactory(
            username="ngoai", unit=UnitFactory(name="UBND xã Ngoài"), roles=[Role.STAFF]
        )
        self.months = {m: month(self.plan, m) for m in range(1, 11)}

    def share_target(self, **kwargs):
        """≥ 80% by 1/1/2026, then 100% by 31/12/2030, from 20% on 1/1/2025."""
        fields = {
            "plan": self.plan,
            "code": "1.1.5",
            "text": "Có ≥ 80% dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính đủ điều kiện",
            "measure": "%",
            "is_share": True,
            "baseline_value": Decimal(20),
            "baseline_date": datetime.date(2025, 1, 1),
            "milestones": [
                (Decimal(80), datetime.date(2026, 1, 1)),
                (Decimal(100), datetime.date(2030, 12, 31)),
            ],
            "units": [self.unit_a],
            "data_source": "Cổng Dịch vụ công quốc gia",
            "actor": self.secretariat,
            "now": NOW,
            **kwargs,
        }
        return target_save(**fields)

    def count_target(self, **kwargs):
        fields = {
            "plan": self.plan,
            "code": "1.2.1",
            "text": "Ban hành 03 cơ chế chính sách",
            "measure": "cơ chế chính sách",
            "accumulation": "per_period",
            "milestones": [(Decimal(3), datetime.date(2026, 9, 30))],
            "units": [self.unit_a, self.unit_b],
            "actor": self.secretariat,
            "now": NOW,
            **kwargs,
        }
        return target_save(**fields)

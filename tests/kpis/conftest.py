import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kpis.models import KpiTarget
from kpis.services import ReportData, periods_ensure
from tests.factories import AssignmentFactory, KpiFactory, PlanFactory, SubTaskFactory, UserFactory
from units.models import Role


def at(y, m, d, hour=9):
    return timezone.make_aware(datetime.datetime(y, m, d, hour, 0))


@pytest.fixture
def plan(db):
    return PlanFactory(issue_date=datetime.date(2025, 11, 1))


@pytest.fixture
def subtask(plan):
    from tests.factories import GeneralTaskFactory, SectionFactory

    gt = GeneralTaskFactory(section=SectionFactory(plan=plan))
    return SubTaskFactory(
        general_task=gt,
        start_date=datetime.date(2025, 11, 1),
        deadline=datetime.date(2025, 12, 31),
        output="Quyết định ban hành",
    )


@pytest.fixture
def target(subtask):
    kpi = KpiFactory(subtask=subtask, text="01 dự thảo Nghị quyết")
    return KpiTarget.objects.create(kpi=kpi, value=Decimal(1), measure="count", direction="at_least")


@pytest.fixture
def lead(subtask):
    return AssignmentFactory(subtask=subtask)


@pytest.fixture
def staff(lead):
    return UserFactory(unit=lead.unit, roles=[Role.STAFF])


@pytest.fixture
def secretariat(db):
    return UserFactory(unit=None, roles=[Role.SECRETARIAT])


@pytest.fixture
def reviewer(db):
    return UserFactory(unit=None, roles=[Role.REVIEWER])


@pytest.fixture
def periods(plan):
    periods_ensure(now=at(2026, 1, 5))
    return plan.periods.all()


@pytest.fixture
def november(plan, periods):
    return plan.periods.get(kind="monthly", start=datetime.date(2025, 11, 1))


@pytest.fixture
def december(plan, periods):
    return plan.periods.get(kind="monthly", start=datetime.date(2025, 12, 1))


def data(completion, **kw):
    return ReportData(completion=Decimal(completion), **kw)


def pdf(name="quyet-dinh.pdf", body=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def client_staff(client, staff):
    """The test client signed in as the lead unit's staff member."""
    client.force_login(staff)
    return client

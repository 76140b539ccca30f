"""The secretariat's plan settings: a draft imported from the appendix is put in force here (its
periods are created, its units see its tasks), and the KPI targets the import proposed are
corrected and confirmed. Bad input is refused beside its field and changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from kpis.models import KpiTarget, Period, ProgressReport
from tasks.models import Plan, PlanStatus
from tests.factories import AssignmentFactory, KpiFactory, PlanFactory, SubTaskFactory, UserFactory
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client):
    user = UserFactory(roles=[Role.SECRETARIAT], unit=None)
    client.force_login(user)
    return user


@pytest.fixture
def draft():
    plan = PlanFactory(code="", title="Kế hoạch nhập từ phụ lục", status=PlanStatus.DRAFT, issue_date=None)
    subtask = SubTaskFactory(plan=plan, deadline=datetime.date(2026, 12, 31), start_date=None)
    lead = AssignmentFactory(subtask=subtask)
    kpi = KpiFactory(subtask=subtask, text="Tối thiểu 80% hồ sơ được số hoá")
    KpiTarget.objects.create(kpi=kpi, value=Decimal(80), measure="percent", direction="at_least")
    return plan, lead


def url(plan):
    return reverse("tasks:plan_settings", args=[plan.pk])


def target_row(target, *, direction="at_least", value="80", measure="percent") -> dict:
    """The targets formset posted with one row."""
    return {
        "part": "targets",
        "t-TOTAL_FORMS": "1",
        "t-INITIAL_FORMS": "1",
        "t-0-id": str(target.pk),
        "t-0-direction": direction,
        "t-0-value": value,
        "t-0-measure": measure,
    }


def plan_data(**overrides):
    return {
        "part": "plan",
        "code": "12/KH-UBND",
        "title": "Kế hoạch thực hiện NQ57",
        "issuer": "UBND tỉnh",
        "issue_date": "05/01/2026",
        "start_date": "",
        "status": PlanStatus.IN_FORCE,
        **overrides,
    }


def test_a_draft_goes_into_force_with_its_dates_and_gets_its_periods(
    client, secretariat, draft, django_capture_on_commit_callbacks
):
    plan, lead = draft
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(plan), plan_data())
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_FORCE and plan.code == "12/KH-UBND"
    assert plan.issue_date == datetime.date(2026, 1, 5)
    # Its periods exist once the change has committed (the jobs run in-process in tests).
    assert Period.objects.filter(plan=plan, kind="monthly").count() >= 10
    event = AuditEvent.objects.get(action="plan.update")
    assert event.changes["status"] == ["draft", "in_force"]
    # The lead unit's staff now see the task.
    staff = UserFactory(unit=lead.unit, roles=[Role.STAFF])
    client.force_login(staff)
    assert lead.subtask.code in client.get(reverse("kpis:my_tasks")).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("issue_date", "31/02/2026", "Ngày 31/02/2026 không tồn tại"),
        ("issue_date", "", "cần ngày ban hành hoặc ngày bắt đầu"),
        ("start_date", "01/01/2025", "không thể trước ngày ban hành"),
        ("title", "", "Nhập tên kế hoạch"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_kept(client, secretariat, draft, field, value, message):
    plan, _ = draft
    data = plan_data(**{field: value})
    response = client.post(url(plan), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and f'id="id_{field}_error"' in html
    assert 'value="12/KH-UBND"' in html  # what was typed stays
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.code == ""


def test_targets_are_corrected_and_confirmed(client, secretariat, draft):
    plan, _ = draft
    target = KpiTarget.objects.get(kpi__subtask__plan=plan)
    data = {**target_row(target, value="85,5"), "confirm_all": "1"}
    assert client.post(url(plan), data).status_code == 302
    target.refresh_from_db()
    assert target.value == Decimal("85.5") and target.confirmed
    assert AuditEvent.objects.filter(action="kpi.targets").exists()


def test_a_measure_is_frozen_once_the_subtask_has_reports(client, secretariat, draft):
    plan, lead = draft
    plan.status, plan.issue_date = PlanStatus.IN_FORCE, datetime.date(2026, 1, 5)
    plan.save()
    from kpis.services import periods_ensure

    periods_ensure(plan=plan)
    period = Period.objects.filter(plan=plan, kind="monthly").first()
    now = timezone.now()
    ProgressReport.objects.create(
        assignment=lead, period=period, completion=10, created_by=secretariat, created_at=now, updated_at=now
    )
    target = KpiTarget.objects.get(kpi__subtask__plan=plan)
    data = target_row(target, value="abc", measure="count")
    response = client.post(url(plan), data)
    assert response.status_code == 200 and "phải là một số" in response.content.decode()
    data["t-0-value"] = "80"
    response = client.post(url(plan), data)
    assert response.status_code == 200 and "đã cố định" in response.content.decode()
    target.refresh_from_db()
    assert target.measure == "percent" and not target.confirmed


def test_a_target_of_another_plan_cannot_be_slipped_in(client, secretariat, draft):
    plan, _ = draft
    other = KpiTarget.objects.create(
        kpi=KpiFactory(subtask=SubTaskFactory(plan=PlanFactory())), value=Decimal(1), measure="count"
    )
    data = target_row(other, direction="at_most", value="9", measure="count")
    assert client.post(url(plan), data).status_code == 200
    other.refresh_from_db()
    assert other.value == Decimal(1) and other.direction == "at_least"


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.REVIEWER, Role.STAFF])
def test_only_the_secretariat_has_the_page(client, draft, role):
    plan, _ = draft
    client.force_login(UserFactory(roles=[role]))
    assert client.get(url(plan)).status_code == 404
    assert client.post(url(plan), plan_data()).status_code == 404
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_the_plan_page_tells_a_draft_and_links_the_settings(client, secretariat, draft):
    plan, _ = draft
    html = client.get(reverse("tasks:plan_detail", args=[plan.pk])).content.decode()
    assert "Kế hoạch đang là dự thảo" in html and url(plan) in html

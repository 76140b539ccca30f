"""'Đơn vị chưa báo cáo': the listed units are reminded in one step; the list exports."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from notifications.models import Notification
from tasks.models import Assignment, AssignmentRole
from tests.factories import UnitFactory, UserFactory
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(client):
    user = UserFactory(roles=[Role.SECRETARIAT], unit=None)
    client.force_login(user)
    return user


def test_the_secretariat_reminds_every_listed_unit_in_one_step(
    client, secretary, subtask, lead, staff, november
):
    other = UnitFactory(name="Sở Tư pháp")
    other_staff = UserFactory(unit=other, roles=[Role.STAFF])
    Assignment.objects.create(subtask=subtask, unit=other, role=AssignmentRole.LEAD)
    page = client.get(reverse("kpis:not_reported"), {"period": november.pk}).content.decode()
    assert "Nhắc tất cả các đơn vị chưa báo cáo" in page
    assert 'class="not-reported-grid"' in page
    response = client.post(reverse("kpis:not_reported_remind"), {"period": november.pk}, follow=True)
    assert "Đã nhắc 2 đơn vị báo cáo kỳ Tháng 11/2025" in response.content.decode()
    reminded = Notification.objects.filter(kind="report_reminder")
    assert {n.recipient for n in reminded} == {staff, other_staff}
    assert reminded.get(recipient=staff).subject == "Nhắc báo cáo tháng 11/2025 — hạn 20/11/2025"
    # A second click the same day writes nothing new; the audit says how many units were reminded.
    client.post(reverse("kpis:not_reported_remind"), {"period": november.pk})
    assert Notification.objects.filter(kind="report_reminder").count() == 2
    assert AuditEvent.objects.filter(action="period.remind").first().changes["units"] == 2


def test_one_unit_shown_is_reminded_alone(client, secretary, subtask, lead, staff, november):
    other = UnitFactory(name="Sở Tư pháp")
    UserFactory(unit=other, roles=[Role.STAFF])
    Assignment.objects.create(subtask=subtask, unit=other, role=AssignmentRole.LEAD)
    client.post(reverse("kpis:not_reported_remind"), {"period": november.pk, "unit": lead.unit_id})
    assert list(Notification.objects.values_list("recipient", flat=True)) == [staff.pk]


def test_only_the_secretariat_reminds(client, subtask, lead, staff, november):
    client.force_login(staff)
    # Not 403: to another role the page is not there, as everywhere in the portal.
    assert client.post(reverse("kpis:not_reported_remind"), {"period": november.pk}).status_code == 404
    assert not Notification.objects.exists()


def test_the_list_exports(client, secretary, subtask, lead, november):
    response = client.get(reverse("kpis:not_reported"), {"period": november.pk, "format": "csv"})
    assert response.status_code == 200
    assert lead.unit.name in response.content.decode("utf-8-sig")

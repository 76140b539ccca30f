"""The user list's search ignores accents and case, and finds by role and unit names too."""

import pytest
from django.urls import reverse

from audit.services import audit_record
from tests.factories import UnitFactory, UserFactory
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(client):
    secretary = UserFactory(
        username="thuongtruc01", full_name="Lê Thị Hồng", roles=[Role.SECRETARIAT], unit=None
    )
    client.force_login(secretary)
    justice = UnitFactory(name="Sở Tư pháp")
    staff = UserFactory(username="cb.tuphap", full_name="Nguyễn Văn Đức", roles=[Role.STAFF], unit=justice)
    leader = UserFactory(username="lanhdao", full_name="Trần Quốc Bảo", roles=[Role.LEADERSHIP], unit=None)
    return secretary, staff, leader


def _found(client, q):
    page = client.get(reverse("units:user_list"), {"q": q}).context["page"]
    return {u.username for u in page.object_list}


def test_search_ignores_accents_and_finds_by_role_and_unit(client, people):
    assert _found(client, "thuong truc") == {"thuongtruc01"}
    assert _found(client, "can bo") == {"cb.tuphap"}
    assert _found(client, "so tu phap") == {"cb.tuphap"}
    assert _found(client, "nguyen van duc") == {"cb.tuphap"}
    assert _found(client, "TRAN QUOC") == {"lanhdao"}
    assert _found(client, "Lê Thị") == {"thuongtruc01"}


def test_the_audit_filter_finds_a_person_by_name_without_accents(client, people):
    _, staff, _ = people
    audit_record(actor=staff, action="report.submit", changes={})
    events = client.get(reverse("audit:event_list"), {"actor": "nguyen van duc"}).context["page"].object_list
    assert [e.actor_name for e in events] == ["cb.tuphap"]

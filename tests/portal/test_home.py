import pytest
from django.urls import reverse

from tests.factories import UserFactory
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("roles", "landing"),
    [
        ([Role.STAFF], "kpis:my_tasks"),
        ([Role.HEAD], "kpis:my_tasks"),
        ([Role.REVIEWER], "evidence:queue"),
        ([Role.LEADERSHIP], "reports:dashboard"),
        ([Role.SECRETARIAT], "reports:dashboard"),
        ([], "tasks:plan_list"),
    ],
)
def test_each_role_lands_where_its_work_is(client, roles, landing):
    client.force_login(UserFactory(roles=roles or [Role.STAFF], **({} if roles else {"unit": None})))
    if not roles:
        from units.models import UserRole

        UserRole.objects.all().delete()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(landing)


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]

"""Plan settings show and take dates as dd/mm/yyyy (they showed 2025-11-01 under a dd/mm/yyyy hint)."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import PlanFactory, UserFactory
from units.models import Role

pytestmark = pytest.mark.django_db


def test_the_settings_show_stored_dates_day_first(client):
    client.force_login(UserFactory(roles=[Role.SECRETARIAT], unit=None))
    plan = PlanFactory(issue_date=datetime.date(2025, 11, 1), start_date=datetime.date(2025, 11, 15))
    html = client.get(reverse("tasks:plan_settings", args=[plan.pk])).content.decode()
    assert 'value="01/11/2025"' in html and 'value="15/11/2025"' in html
    assert "2025-11-01" not in html

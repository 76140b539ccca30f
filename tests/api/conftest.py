import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from api.models import Scope
from api.services import client_create
from tests.factories import UserFactory
from tests.reports.conftest import _jinja2_templates_report_their_context  # noqa: F401 - the boards report their context
from units.models import Role


@pytest.fixture(autouse=True)
def _fresh_throttle_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api-tests"}
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def secretariat(db):
    return UserFactory(username="thuongtruc-api", unit=None, roles=[Role.SECRETARIAT])


@pytest.fixture
def make_client(secretariat):
    """make_client(scopes=..., unit=...) → (ApiClient, django test Client sending its token)."""

    def make(*, scopes=(Scope.FIGURES,), unit=None, rate=10_000, now=None, expires_in_days=365, **extra):
        now = now or timezone.now()
        client, token = client_create(
            actor=secretariat,
            name=extra.pop("name", "IOC tỉnh"),
            scopes=list(scopes),
            unit=unit,
            expires_at=now + datetime.timedelta(days=expires_in_days),
            rate_per_minute=rate,
            now=now,
            **extra,
        )
        http = Client(headers={"Authorization": f"Bearer {token}"})
        http.token = token
        return client, http

    return make


@pytest.fixture
def at_now(clock):
    """The clock at the day the dashboard data sets are built as of (tests.reports.dashboard_world.NOW)."""
    from tests.reports.dashboard_world import NOW

    clock.set(NOW)
    return NOW

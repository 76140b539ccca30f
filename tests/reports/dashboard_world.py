"""Scale data and users for the dashboard tests (imported by them: not a conftest, the folder is shared)."""

import datetime

from django.test import Client
from django.utils import timezone

from reports.dashboard.scale_data import DEFAULT_PASSWORD, build
from reports.dashboard.summary import summary_refresh
from tests.factories import UserFactory
from units.models import Role

# The day the data sets are built as of, and the day the pages read (conftest's `at_now`). After
# the 20th, when units report: the small set then holds approved, awaiting and overdue assignments, flags
# and missing reports, so every figure the tests compare is tested on something.
NOW = timezone.make_aware(datetime.datetime(2026, 11, 25, 12, 0))


def make_data(profile: str = "small", seed: int = 57, *, now: datetime.datetime = NOW):
    """The scale data set of a profile, as of `now`, with the summary rows built from it."""
    counts = build(
        profile=profile,
        seed=seed,
        today=timezone.localdate(now),
        password=DEFAULT_PASSWORD,
        log=lambda *a: None,
    )
    summary_refresh(now=now)
    return counts


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def staff_of(unit, role=Role.STAFF, username=None):
    return UserFactory(username=username or f"staff-{unit.pk}-{role}", unit=unit, roles=[role])


def leader_client_for(username="lanhdao-test") -> Client:
    return client_for(UserFactory(username=username, unit=None, roles=[Role.LEADERSHIP]))


NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
LOCAL_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dashboard-tests"}
}

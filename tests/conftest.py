from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
FIXTURES = SHARED / "fixtures"


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    """Files written by a test go to a temporary folder, never the project's."""
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(settings.PRIVATE_ROOT), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    """Each test starts in Vietnamese: a request in English must not leak into the next test."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.activate("vi")


@pytest.fixture
def appendix_xlsx() -> Path:
    return FIXTURES / "plan_07_appendix.xlsx"


@pytest.fixture
def appendix_json() -> Path:
    return FIXTURES / "plan_07_appendix.json"


@pytest.fixture
def clock(monkeypatch):
    """Set the clock the pages read: `clock.set(NOW)` (tests/clock.py)."""
    from tests.clock import Clock

    return Clock(monkeypatch)


@pytest.fixture
def app_role(django_db_setup, django_db_blocker):
    """On PostgreSQL: the portal's role, granted on the test database exactly as `migrate` grants it in a
    deployment; returns its name. None on SQLite (which has no roles). Granted for each test that asks:
    a restore test recreates the tables without it."""
    from django.db import connection

    from ops.dbroles import grant_app_role
    from tests.roles import APP_ROLE

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return None
        grant_app_role(connection, APP_ROLE)
    return APP_ROLE

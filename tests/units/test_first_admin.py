"""The first secretariat account of a deployment (`create_first_admin`, run by compose's init)."""

import pytest
from django.core.management import CommandError, call_command

from units.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["12345678901", "thuongtruc", "password123", "ngan"])
def test_a_password_the_portal_would_refuse_anyone_else_is_refused_for_the_first_admin(monkeypatch, password):
    monkeypatch.setenv("ADMIN_USERNAME", "thuongtruc")
    monkeypatch.setenv("ADMIN_EMAIL", "thuongtruc@example.gov.vn")
    monkeypatch.setenv("ADMIN_PASSWORD", password)
    with pytest.raises(CommandError, match="ADMIN_PASSWORD chưa đạt yêu cầu"):
        call_command("create_first_admin")
    assert not User.objects.exists()


def test_a_good_password_makes_the_first_secretariat_account_once(monkeypatch):
    monkeypatch.setenv("ADMIN_USERNAME", "thuongtruc")
    monkeypatch.setenv("ADMIN_PASSWORD", "Bao-cao-tien-do-2026")
    call_command("create_first_admin")
    user = User.objects.get()
    assert user.check_password("Bao-cao-tien-do-2026") and user.roles.filter(role=Role.SECRETARIAT).exists()
    call_command("create_first_admin")
    assert User.objects.count() == 1

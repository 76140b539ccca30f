import pytest

from tests.factories import UserFactory
from units.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_logs_in_and_out_in_vietnamese(journey):
    UserFactory(username="thuongtruc", roles=[Role.SECRETARIAT])
    j = journey()
    j.go("/")
    assert "/accounts/login/" in j.page.url
    assert j.page.locator("h1").inner_text() == "Đăng nhập"
    j.shot("login")
    j.page.fill("#id_username", "thuongtruc")
    j.page.fill("#id_password", "sai-mat-khau")
    j.page.click("button[type=submit]")
    assert "Đăng nhập" in j.page.locator("h1").inner_text()
    j.shot("login-error")
    j.login("thuongtruc", "mat-khau-thu-nghiem-1")
    assert "/accounts/login/" not in j.page.url
    j.shot("home")
    j.page.click("text=Đăng xuất")
    j.page.wait_for_load_state("networkidle")
    assert "/accounts/login/" in j.page.url
    assert j.csp_violations() == []

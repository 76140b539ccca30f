"""The secretariat's page of API clients: create (token shown once), revoke; nobody else finds it."""

import hashlib

import pytest
from django.test import Client

from api.models import ApiClient
from tests.factories import UserFactory
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(secretariat):
    http = Client()
    http.force_login(secretariat)
    return http


def test_the_secretariat_creates_a_client_and_sees_its_token_once(browser):
    response = browser.post(
        "/api/clients/new/",
        {
            "name": "IOC tỉnh",
            "scopes": ["figures", "texts"],
            "expires_on": "31/12/2099",
            "rate_per_minute": 60,
        },
    )
    client = ApiClient.objects.get()
    assert response.status_code == 302 and response.url == f"/api/clients/{client.pk}/"
    page = browser.get(response.url).content.decode()
    token = page.split('id="api-token">')[1].split("<")[0]
    assert hashlib.sha256(token.encode()).hexdigest() == client.token_hash
    assert token not in browser.get(response.url).content.decode()  # once
    assert client.scopes == ["figures", "texts"] and client.unit is None
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/v1/plans/").status_code == 200


def test_bad_input_is_refused_with_the_reason_and_kept(browser):
    response = browser.post("/api/clients/new/", {"name": "Hệ thống quốc gia", "expires_on": "01/01/2000"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Chọn ít nhất một phạm vi dữ liệu." in text
    assert "Ngày hết hạn phải sau hôm nay." in text
    assert "Hệ thống quốc gia" in text
    assert not ApiClient.objects.exists()


def test_revoking_stops_the_token(browser, make_client):
    client, api = make_client()
    response = browser.post(f"/api/clients/{client.pk}/revoke/")
    assert response.status_code == 302
    assert api.get("/api/v1/plans/").status_code == 401
    assert "Đã thu hồi" in browser.get(f"/api/clients/{client.pk}/").content.decode()


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.REVIEWER, Role.STAFF])
def test_nobody_else_finds_the_page(make_client, role):
    client, _ = make_client()
    http = Client()
    http.force_login(UserFactory(roles=[role], unit=None if role != Role.STAFF else UserFactory().unit))
    for url in ("/api/clients/", "/api/clients/new/", f"/api/clients/{client.pk}/"):
        assert http.get(url).status_code == 404
    assert http.post(f"/api/clients/{client.pk}/revoke/").status_code == 404

"""The address an event records: forwarded headers count only when a configured proxy sent them."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from audit.middleware import client_ip
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem-1"


def ip_of(**meta):
    return client_ip(RequestFactory().get("/", **meta))


def test_a_forged_x_real_ip_from_outside_is_not_recorded(client):
    user = UserFactory()
    client.post(
        reverse("login"),
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_REAL_IP="10.9.9.9",
        HTTP_X_FORWARDED_FOR="10.8.8.8",
    )
    event = AuditEvent.objects.get(action="auth.login")
    assert event.ip == "203.0.113.9"


def test_a_forged_address_does_not_escape_the_lockout(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory()
    for n in range(3):
        client.post(
            reverse("login"),
            {"username": user.username, "password": "sai"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_REAL_IP=f"10.0.0.{n}",
        )
    ips = set(
        AuditEvent.objects.filter(action__in=["auth.lockout", "auth.login_failed"]).values_list(
            "ip", "action"
        )
    )
    assert ips == {("203.0.113.9", "auth.lockout"), ("203.0.113.9", "auth.login_failed")}


def test_the_proxy_s_headers_are_believed_from_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1", "172.16.0.0/12"]
    assert ip_of(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.7") == "198.51.100.7"
    assert ip_of(REMOTE_ADDR="172.18.0.1", HTTP_X_REAL_IP="2001:db8::5") == "2001:db8::5"
    # X-Forwarded-For: the first address from the right that is not one of our proxies; what the client
    # wrote itself (left of it) is ignored.
    assert (
        ip_of(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7, 172.18.0.2")
        == "198.51.100.7"
    )
    # A header that is no address falls back to the proxy's own.
    assert ip_of(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="<script>") == "127.0.0.1"
    assert ip_of(REMOTE_ADDR="127.0.0.1") == "127.0.0.1"


def test_no_proxy_is_trusted_when_none_is_configured(settings):
    settings.TRUSTED_PROXIES = []
    assert ip_of(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.7") == "127.0.0.1"
    assert ip_of(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7") == "127.0.0.1"
    assert ip_of(REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP="10.0.0.1") == "198.51.100.7"

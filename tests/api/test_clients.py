"""Clients: token stored hashed, refused when unknown, revoked or expired; every use audited; a rate per client."""

import datetime
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiClient, Scope
from api.services import client_revoke
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/plans/"


def test_it_stores_only_the_tokens_hash(make_client):
    client, http = make_client()
    assert http.token.startswith("nq57_")
    stored = ApiClient.objects.get(pk=client.pk)
    assert stored.token_hash == hashlib.sha256(http.token.encode()).hexdigest()
    assert http.token not in str(ApiClient.objects.filter(pk=client.pk).values().get())


def test_it_answers_a_client_with_its_token(make_client):
    _, http = make_client()
    response = http.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["results"] == []


@pytest.mark.parametrize("header", [None, "Bearer nq57_wrong", "Bearer", "Token abc", "Bearer not-ours"])
def test_it_refuses_a_missing_or_unknown_token(db, header):
    http = Client(headers={"Authorization": header} if header else {})
    response = http.get(URL)
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]


def test_it_refuses_a_revoked_token(make_client, secretariat):
    client, http = make_client()
    assert http.get(URL).status_code == 200
    client_revoke(actor=secretariat, client=client)
    assert http.get(URL).status_code == 401
    assert AuditEvent.objects.filter(action="api_client.revoke", object_id=str(client.pk)).exists()


def test_it_refuses_an_expired_token(make_client):
    past = timezone.now() - datetime.timedelta(days=30)
    _, http = make_client(now=past, expires_in_days=10)
    assert http.get(URL).status_code == 401


def test_every_use_is_audited(make_client):
    client, http = make_client()
    http.get(URL + "?status=in_force")
    http.get("/api/v1/assignments/999999/")
    uses = list(AuditEvent.objects.filter(action="api_client.use", object_id=str(client.pk)).order_by("id"))
    assert [(u.changes["path"], u.changes["status"]) for u in uses] == [
        (URL, 200),
        ("/api/v1/assignments/999999/", 404),
    ]
    assert uses[0].changes["query"] == "status=in_force"
    client.refresh_from_db()
    assert client.last_used_at is not None


def test_it_limits_the_rate_per_client(make_client):
    _, slow = make_client(rate=3, name="Chậm")
    _, other = make_client(rate=3, name="Khác")
    assert [slow.get(URL).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert other.get(URL).status_code == 200  # another client's own allowance


def test_a_figures_only_client_gets_no_texts_endpoint(make_client):
    _, http = make_client(scopes=[Scope.FIGURES])
    assert http.get("/api/v1/progress-reports/1/texts/").status_code == 404


def test_a_texts_only_client_gets_no_figures(make_client):
    _, http = make_client(scopes=[Scope.TEXTS])
    assert http.get(URL).status_code == 404
    assert http.get("/api/v1/figures/units/").status_code == 404

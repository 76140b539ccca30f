"""Webhooks against a real HTTP receiver on 127.0.0.1 (a thread running http.server): signed with
the client's secret, retried with back-off after a failure, queued with the event and never sent
from the action itself, nothing for a client outside its scope or not subscribed."""

import datetime
import hashlib
import hmac
import http.server
import json
import threading
import time

import pytest
from django.test import Client

from api.models import Scope, WebhookDelivery, WebhookEvent
from api.services import client_webhook_set
from api.webhooks import webhooks_prune, webhooks_send
from kpis.flags import RedFlag
from notifications.services import notify_raised_flags
from tests.api.world import NOW, api_world
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


class Receiver:
    """Answers each POST with the next status of `statuses` (then 200), keeps what it received."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.received = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((self.headers, body))  # names read case-insensitively
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/nq57/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """What a receiver does (README): HMAC-SHA256 over "<timestamp>.<body>", compared in constant time."""
    timestamp = headers["X-NQ57-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-NQ57-Signature"], f"sha256={expected}")


@pytest.fixture
def world(db):
    return api_world()


@pytest.fixture
def subscribe(make_client, secretariat):
    def make(url, events, **kwargs):
        # Created the day before the data's NOW and valid for decades: what a client may read is
        # also judged on the real clock (ApiClient.is_active), which a test must not depend on.
        kwargs.setdefault("expires_in_days", 365 * 50)
        client, _ = make_client(now=NOW - datetime.timedelta(days=1), **kwargs)
        return client_webhook_set(actor=secretariat, client=client, url=url, events=events)

    return make


def test_a_raised_flag_is_posted_signed_to_the_clients_that_may_read_it(world, subscribe):
    with Receiver() as receiver:
        province = subscribe(receiver.url, [WebhookEvent.FLAG_RAISED])
        # A unit that neither leads nor co-ordinates the flagged sub-task cannot read the flag.
        subscribe(receiver.url, [WebhookEvent.FLAG_RAISED], unit=UnitFactory(name="Sở Y tế"), name="Sở Y tế")
        subscribe(receiver.url, [WebhookEvent.CLAIM_DECIDED], name="Chỉ thẩm định")  # not this event
        notify_raised_flags(now=NOW)
        assert list(WebhookDelivery.objects.values_list("client_id", "event_key")) == [
            (province.pk, f"flag.raised:{world.flag_b.pk}")
        ]
        assert webhooks_send(now=NOW) == {"delivered": 1, "failed": 0, "given_up": 0}
    [(headers, body)] = receiver.received
    assert verify(province.webhook_secret, headers, body)
    assert not verify(province.webhook_secret + "x", headers, body)
    assert headers["X-NQ57-Timestamp"] == str(int(NOW.timestamp()))
    assert headers["X-NQ57-Event"] == "flag.raised"
    payload = json.loads(body)
    assert payload["id"] == f"flag.raised:{world.flag_b.pk}" and payload["event"] == "flag.raised"
    flag = payload["data"]["red_flag"]
    assert flag["id"] == world.flag_b.pk and flag["unit"] == world.unit_b.pk and flag["kind"] == "overdue"
    assert flag["message"] == "Quá hạn 330 ngày"  # UTF-8, as the API answers it
    delivery = WebhookDelivery.objects.get()
    assert delivery.delivered_at == NOW and delivery.attempts == 1 and delivery.last_status == 200
    # The flag is processed once: a second sweep neither records nor sends anything again.
    notify_raised_flags(now=NOW + datetime.timedelta(minutes=5))
    assert WebhookDelivery.objects.count() == 1
    assert webhooks_send(now=NOW + datetime.timedelta(minutes=5)) == {
        "delivered": 0,
        "failed": 0,
        "given_up": 0,
    }


def test_a_unit_client_hears_of_the_flags_it_may_read(world, subscribe):
    """Its own unit's, and those of sub-tasks it co-ordinates (as GET /api/v1/red-flags/ lists them)."""
    lead = subscribe("http://127.0.0.1:9/", [WebhookEvent.FLAG_RAISED], unit=world.unit_b)
    co = subscribe("http://127.0.0.1:9/", [WebhookEvent.FLAG_RAISED], unit=world.unit_a)
    subscribe("http://127.0.0.1:9/", [WebhookEvent.FLAG_RAISED], unit=UnitFactory(name="Sở Y tế"))
    notify_raised_flags(now=NOW)
    assert sorted(WebhookDelivery.objects.values_list("client_id", flat=True)) == sorted([lead.pk, co.pk])
    assert [json.loads(d.body)["data"]["red_flag"]["id"] for d in WebhookDelivery.objects.all()] == [
        world.flag_b.pk,
        world.flag_b.pk,
    ]


def test_a_failed_delivery_is_retried_with_back_off_and_the_same_body(world, subscribe):
    with Receiver(statuses=[500, 503]) as receiver:
        client = subscribe(receiver.url, [WebhookEvent.FLAG_RAISED])
        notify_raised_flags(now=NOW)
        assert webhooks_send(now=NOW) == {"delivered": 0, "failed": 1, "given_up": 0}
        delivery = WebhookDelivery.objects.get()
        assert delivery.attempts == 1 and delivery.last_status == 500 and delivery.last_error == "HTTP 500"
        assert delivery.next_attempt_at == NOW + datetime.timedelta(minutes=1)
        assert webhooks_send(now=NOW + datetime.timedelta(seconds=30))["failed"] == 0  # not due yet
        assert webhooks_send(now=NOW + datetime.timedelta(minutes=1))["failed"] == 1
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == NOW + datetime.timedelta(minutes=1 + 2)  # then 2 minutes
        assert webhooks_send(now=NOW + datetime.timedelta(minutes=3))["delivered"] == 1
    assert len(receiver.received) == 3
    assert len({body for _, body in receiver.received}) == 1
    assert all(verify(client.webhook_secret, headers, body) for headers, body in receiver.received)
    # The secretariat sees the log on the client's page.
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.delivered_at == NOW + datetime.timedelta(minutes=3)


def test_a_receiver_that_is_down_is_given_up_after_the_set_attempts(world, subscribe, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    subscribe("http://127.0.0.1:9/closed", [WebhookEvent.FLAG_RAISED])  # discard port: refused
    notify_raised_flags(now=NOW)
    assert webhooks_send(now=NOW)["failed"] == 1
    assert webhooks_send(now=NOW + datetime.timedelta(minutes=1))["given_up"] == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.failed_at is not None and "refused" in delivery.last_error.lower()
    assert webhooks_send(now=NOW + datetime.timedelta(days=1)) == {"delivered": 0, "failed": 0, "given_up": 0}


def test_a_revoked_client_gets_nothing_more(world, subscribe, secretariat):
    from api.services import client_revoke

    with Receiver() as receiver:
        client = subscribe(receiver.url, [WebhookEvent.FLAG_RAISED])
        notify_raised_flags(now=NOW)
        client_revoke(actor=secretariat, client=client, now=NOW)
        assert webhooks_send(now=NOW + datetime.timedelta(minutes=1))["given_up"] == 1
    assert receiver.received == []


def test_an_escalated_flag_is_posted(world, subscribe, settings):
    from kpis.services.remediation import flags_escalate

    world.flag_b.notified_at = NOW
    world.flag_b.save()
    client = subscribe("http://127.0.0.1:9/", [WebhookEvent.FLAG_ESCALATED])
    flags_escalate(now=NOW + datetime.timedelta(days=30))
    delivery = WebhookDelivery.objects.get(client=client)
    data = json.loads(delivery.body)["data"]["red_flag"]
    assert data["id"] == world.flag_b.pk and data["escalated_at"] is not None


# ---------------------------------------------------------------- claims: queued with the decision


@pytest.fixture
def claim_world(settings):
    settings.EVIDENCE_CLAMD_SOCKET = settings.EVIDENCE_CLAMD_HOST = ""  # no scanner configured
    from tests.evidence.world import claim, make_world, pdf_upload

    world = make_world()
    world.report = claim(world, files=[pdf_upload()])
    return world


def test_a_claim_decision_is_queued_with_it_and_sent_later_never_from_the_action(claim_world, subscribe):
    from evidence.services import review_return

    world = claim_world
    with Receiver() as receiver:
        figures = subscribe(receiver.url, [WebhookEvent.CLAIM_DECIDED], scopes=[Scope.FIGURES])
        texts = subscribe(receiver.url, [WebhookEvent.CLAIM_DECIDED], scopes=[Scope.FIGURES, Scope.TEXTS])
        other_unit = subscribe(receiver.url, [WebhookEvent.CLAIM_DECIDED], unit=world.outsider.unit)
        review = review_return(
            assignment=world.lead,
            reviewer=world.reviewer,
            reason_code="other",
            reason_text="Thiếu quyết định đã ký",
            report_id=world.report.pk,
        )
        time.sleep(0.2)
        assert receiver.received == []  # the action sent nothing itself: the job does
        rows = {d.client_id: json.loads(d.body) for d in WebhookDelivery.objects.all()}
        assert set(rows) == {figures.pk, texts.pk} and other_unit.pk not in rows
        assert rows[figures.pk]["data"]["decision"] == "returned"
        assert rows[figures.pk]["data"]["assignment"]["id"] == world.lead.pk
        assert rows[figures.pk]["data"]["assignment"]["status"] == "returned"
        assert rows[figures.pk]["data"]["reason"] is None  # the reviewer's words: texts scope only
        assert "Thiếu quyết định đã ký" in rows[texts.pk]["data"]["reason"]
        assert rows[texts.pk]["id"] == f"claim.decided:{review.pk}"
        assert webhooks_send()["delivered"] == 2
    assert len(receiver.received) == 2


def test_a_failure_to_record_webhooks_never_undoes_the_decision(claim_world, subscribe, monkeypatch):
    from api import webhooks
    from evidence.models import Review
    from evidence.services import review_approve

    subscribe("http://127.0.0.1:9/", [WebhookEvent.CLAIM_DECIDED])

    def broken(*args, **kwargs):
        raise RuntimeError("outbox table gone")

    monkeypatch.setattr(webhooks, "_subscribers", broken)
    review = review_approve(assignment=claim_world.lead, reviewer=claim_world.reviewer)
    assert Review.objects.get() == review
    assert not WebhookDelivery.objects.exists()


# ---------------------------------------------------------------- the secretariat's page


def test_the_secretariat_registers_a_url_sees_the_secret_once_and_the_delivery_log(
    world, make_client, secretariat
):
    api_client, _ = make_client()
    browser = Client()
    browser.force_login(secretariat)
    url = f"/api/clients/{api_client.pk}/"
    refused = browser.post(f"{url}webhook/", {"webhook_url": "", "webhook_events": ["flag.raised"]})
    assert refused.status_code == 200
    assert "Nhập địa chỉ nhận webhook cho các sự kiện đã chọn." in refused.content.decode()
    response = browser.post(
        f"{url}webhook/", {"webhook_url": "https://ioc.example.vn/nq57", "webhook_events": ["flag.raised"]}
    )
    assert response.status_code == 302
    api_client.refresh_from_db()
    assert api_client.webhook_secret.startswith("whsec_") and api_client.webhook_events == ["flag.raised"]
    page = browser.get(url).content.decode()
    assert f'id="webhook-secret">{api_client.webhook_secret}<' in page
    assert api_client.webhook_secret not in browser.get(url).content.decode()  # once
    notify_raised_flags(now=NOW)
    page = browser.get(url).content.decode()
    assert f"flag.raised:{world.flag_b.pk}" in page and "Đang chờ gửi" in page


def test_recording_asks_nothing_when_no_client_listens(world, django_assert_max_num_queries):
    flag_ids = list(RedFlag.objects.values_list("pk", flat=True))
    from api.webhooks import webhooks_flags_raised

    with django_assert_max_num_queries(3):  # the clients listening, inside a savepoint
        assert webhooks_flags_raised(flag_ids=flag_ids, now=NOW) == 0


def test_the_log_keeps_what_ended_for_the_set_days_and_what_is_still_tried_for_ever(
    world, subscribe, settings
):
    settings.WEBHOOK_KEEP_DAYS = 90
    client = subscribe("https://ioc.example.gov.vn/hook", [WebhookEvent.FLAG_RAISED])
    day = datetime.timedelta(days=1)

    def delivery(key, **ended):
        return WebhookDelivery.objects.create(
            client=client, event=WebhookEvent.FLAG_RAISED, event_key=key, body="{}",
            created_at=NOW - 200 * day, next_attempt_at=NOW - 200 * day, **ended,
        )  # fmt: skip

    delivery("delivered-old", delivered_at=NOW - 91 * day)
    delivery("given-up-old", failed_at=NOW - 91 * day)
    kept = {
        delivery("delivered-recent", delivered_at=NOW - 89 * day).pk,
        delivery("given-up-recent", failed_at=NOW - 10 * day).pk,
        delivery("still-tried").pk,  # 200 days old, never ended
    }
    assert webhooks_prune(now=NOW) == 2
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == kept
    assert webhooks_prune(now=NOW) == 0

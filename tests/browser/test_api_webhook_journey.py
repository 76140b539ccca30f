"""An API client's webhook in a browser: the secretariat registers a URL and its events, sees the
signing secret once, and follows the deliveries in the log (queued, then delivered)."""

import pytest
from django.urls import reverse

from api.models import ApiClient, WebhookDelivery
from api.webhooks import webhooks_send
from notifications.services import notify_raised_flags
from tests.api.test_webhooks import Receiver
from tests.api.world import NOW, api_world
from tests.factories import UserFactory
from units.models import Role

from .test_journeys import PASSWORD, assert_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_registers_a_webhook_and_follows_its_deliveries(journey):
    world = api_world()
    secretariat = UserFactory(unit=None, roles=[Role.SECRETARIAT])
    j = journey()
    j.login(secretariat.username, PASSWORD)
    j.go(reverse("api:client_create"))
    j.page.fill("#id_name", "IOC tỉnh")
    j.page.fill("#id_expires_on", "31/12/2099")
    j.page.click("button:has-text('Tạo và cấp mã truy cập')")
    j.page.wait_for_load_state("networkidle")
    client = ApiClient.objects.get()
    with Receiver() as receiver:
        j.page.fill("#id_webhook_url", receiver.url)
        j.page.check("input[name=webhook_events][value='flag.raised']")
        j.shot("webhook-form")
        j.page.click("button:has-text('Lưu webhook')")
        j.page.wait_for_load_state("networkidle")
        client.refresh_from_db()
        assert j.page.locator("#webhook-secret").inner_text() == client.webhook_secret
        j.shot("secret-shown-once")
        notify_raised_flags(now=NOW)
        j.go(reverse("api:client_detail", args=[client.pk]))
        assert client.webhook_secret not in j.page.content()
        assert "Đang chờ gửi" in j.page.locator("#webhook-deliveries").inner_text()
        webhooks_send(now=NOW)
    j.go(reverse("api:client_detail", args=[client.pk]))
    log = j.page.locator("#webhook-deliveries").inner_text()
    assert "Đã nhận" in log and "HTTP 200" in log and f"flag.raised:{world.flag_b.pk}" in log
    assert WebhookDelivery.objects.get().delivered_at is not None and len(receiver.received) == 1
    j.shot("delivered")
    assert_clean(j)

"""Writes of the API app: creating and revoking clients, recording every use."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from .models import TOKEN_PREFIX, ApiClient, Scope, WebhookEvent, token_digest
from .webhooks import webhook_secret_new


def _new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def client_create(
    *,
    actor,
    name: str,
    scopes: list[str],
    expires_at,
    unit=None,
    rate_per_minute: int = 120,
    webhook_url: str = "",
    webhook_events: list[str] | None = None,
    now=None,
) -> tuple[ApiClient, str]:
    """A new client and its token. The token is returned once, here; only its SHA-256 is kept."""
    now = now or timezone.now()
    webhook_events = list(webhook_events or [])
    if not scopes or any(s not in Scope.values for s in scopes):
        raise ValidationError({"scopes": _("Chọn ít nhất một phạm vi dữ liệu.")})
    if expires_at <= now:
        raise ValidationError({"expires_at": _("Ngày hết hạn phải sau hôm nay.")})
    _check_webhook(webhook_url, webhook_events)
    token = _new_token()
    client = ApiClient(
        name=name.strip(),
        scopes=[s for s in Scope.values if s in scopes],
        unit=unit,
        expires_at=expires_at,
        rate_per_minute=rate_per_minute,
        webhook_url=webhook_url,
        webhook_events=[e for e in WebhookEvent.values if e in webhook_events],
        webhook_secret=webhook_secret_new() if webhook_url else "",
        token_prefix=token[: len(TOKEN_PREFIX) + 6],
        token_hash=token_digest(token),
        created_by=actor,
        created_at=now,
    )
    client.full_clean()
    with transaction.atomic():
        client.save()
        audit_record(
            actor=actor,
            action="api_client.create",
            obj=client,
            changes={
                "scopes": client.scopes,
                "unit": str(unit) if unit else "",
                "expires_at": client.expires_at,
                "webhook_events": client.webhook_events,
            },
            now=now,
        )
    return client, token


def _check_webhook(url: str, events: list[str]) -> None:
    if any(e not in WebhookEvent.values for e in events):
        raise ValidationError({"webhook_events": _("Sự kiện không hợp lệ.")})
    if events and not url:
        raise ValidationError({"webhook_url": _("Nhập địa chỉ nhận webhook cho các sự kiện đã chọn.")})
    if url and not url.lower().startswith(("https://", "http://")):
        raise ValidationError({"webhook_url": _("Địa chỉ nhận webhook phải bắt đầu bằng https://.")})


def client_webhook_set(*, actor, client: ApiClient, url: str, events: list[str], now=None) -> ApiClient:
    """Register (or change, or remove with an empty url) the client's webhook. A new signing secret
    is made each time a url is set: the secretariat hands it over with the url."""
    now = now or timezone.now()
    events = list(events or [])
    _check_webhook(url, events)
    client.webhook_url = url
    client.webhook_events = [e for e in WebhookEvent.values if e in events] if url else []
    client.webhook_secret = webhook_secret_new() if url else ""
    client.full_clean()
    with transaction.atomic():
        client.save(update_fields=["webhook_url", "webhook_events", "webhook_secret"])
        audit_record(
            actor=actor,
            action="api_client.webhook",
            obj=client,
            changes={"webhook_url": url, "webhook_events": client.webhook_events, "new_secret": bool(url)},
            now=now,
        )
    return client


def client_revoke(*, actor, client: ApiClient, now=None) -> ApiClient:
    """The token stops working at once; the client and its history stay."""
    now = now or timezone.now()
    with transaction.atomic():
        done = ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor
        )
        if done:
            audit_record(actor=actor, action="api_client.revoke", obj=client, now=now)
    client.refresh_from_db()
    return client


def client_use_record(
    *, client: ApiClient, method: str, path: str, query: str, status: int, now=None
) -> None:
    """Every request a client makes, answered or refused, in the audit trail."""
    now = now or timezone.now()
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    audit_record(
        actor=None,
        action="api_client.use",
        obj=client,
        changes={"method": method, "path": path, "query": query[:500], "status": status},
        now=now,
    )

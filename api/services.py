"""Writes of the API app: creating and revoking clients, recording every use."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from .models import TOKEN_PREFIX, ApiClient, Scope, WebhookEvent, token_digest


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
    if any(e not in WebhookEvent.values for e in webhook_events):
        raise ValidationError({"webhook_events": _("Sự kiện không hợp lệ.")})
    if webhook_events and not webhook_url:
        raise ValidationError({"webhook_url": _("Nhập địa chỉ nhận webhook cho các sự kiện đã chọn.")})
    token = _new_token()
    client = ApiClient(
        name=name.strip(),
        scopes=[s for s in Scope.values if s in scopes],
        unit=unit,
        expires_at=expires_at,
        rate_per_minute=rate_per_minute,
        webhook_url=webhook_url,
        webhook_events=[e for e in WebhookEvent.values if e in webhook_events],
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

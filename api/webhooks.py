"""Webhooks: the events a centre reacts to, pushed to the clients that asked for them.

Recording (in the transaction of the event): one `WebhookDelivery` row per event and subscribed
client, its body frozen then, drawn through the API's own selectors and serializers with the client
in the reader's place — an event about something the client could not read (another unit's flag, a
draft plan) is not sent to it, exactly as the API answers 404 for it. A failure to record is logged
and never undoes the event (a savepoint), and the sender is enqueued only after the commit.

Sending (the api.send_webhooks job, every minute and after each event): each due row is claimed by
a conditional update that moves its next attempt past the time a send can take, so two workers never
post the same row at once; then POSTed outside any transaction, signed:

    X-NQ57-Timestamp: <seconds since 1970>
    X-NQ57-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>

A 2xx answer marks the row delivered; anything else waits 1, 2, 4 … minutes (at most 6 hours) and
is tried again, up to WEBHOOK_MAX_ATTEMPTS, then given up (shown as such to the secretariat).
Delivery is at least once: a receiver deduplicates on the body's `id` (the event's key).
"""

import datetime
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from nq57portal.queue import enqueue_on_commit

from . import selectors
from .models import WEBHOOK_SECRET_PREFIX, ApiClient, Scope, WebhookDelivery, WebhookEvent

log = logging.getLogger(__name__)

MAX_DELAY = datetime.timedelta(hours=6)
SIGNATURE_HEADER = "X-NQ57-Signature"
TIMESTAMP_HEADER = "X-NQ57-Timestamp"


def webhook_secret_new() -> str:
    return WEBHOOK_SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """What X-NQ57-Signature carries; a receiver computes the same and compares in constant time."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def retry_delay(attempts: int) -> datetime.timedelta:
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_DELAY)


# --- recording --------------------------------------------------------------------------------------


def _subscribers(event: str, now) -> list[ApiClient]:
    clients = ApiClient.objects.usable(now).exclude(webhook_url="").exclude(webhook_secret="")
    return [c for c in clients if event in (c.webhook_events or []) and c.has_scope(Scope.FIGURES)]


def _body(*, event: str, key: str, now, data: dict) -> str:
    payload = {"id": key, "event": event, "occurred_at": now, "data": data}
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def _record(*, event: str, ids, fetch, key, now) -> int:
    """fetch(client, ids) → {id: data} for the ids the client may read; key(id) → the event's key."""
    ids = list(ids)
    if not ids:
        return 0
    try:
        with transaction.atomic():
            rows = []
            for client in _subscribers(event, now):
                for obj_id, data in fetch(client, ids).items():
                    event_key = key(obj_id)
                    rows.append(
                        WebhookDelivery(
                            client=client,
                            event=event,
                            event_key=event_key,
                            body=_body(event=event, key=event_key, now=now, data=data),
                            created_at=now,
                            next_attempt_at=now,
                        )
                    )
            WebhookDelivery.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    except Exception:
        log.exception("%s: webhook deliveries not recorded", event)
        return 0
    # Without a broker (laptop default, tests) jobs run eagerly, in the caller: the one-minute schedule
    # sends instead, so a slow receiver can never hold up the action that caused the event.
    if rows and not settings.CELERY_TASK_ALWAYS_EAGER:
        from .jobs import send_webhooks_job

        enqueue_on_commit(send_webhooks_job)
    return len(rows)


def _flags(client, ids) -> dict:
    from .serializers import RedFlagSerializer

    flags = selectors.flag_list(client).filter(pk__in=ids).select_related("subtask")
    return {f.pk: {"red_flag": RedFlagSerializer(f).data} for f in flags}


def webhooks_flags_raised(*, flag_ids, now=None) -> int:
    """Called where raised flags are processed (notifications.notify_raised_flags), once a flag."""
    return _record(
        event=WebhookEvent.FLAG_RAISED,
        ids=flag_ids,
        fetch=_flags,
        key=lambda pk: f"flag.raised:{pk}",
        now=now or timezone.now(),
    )


def webhooks_flags_escalated(*, flag_ids, now=None) -> int:
    return _record(
        event=WebhookEvent.FLAG_ESCALATED,
        ids=flag_ids,
        fetch=_flags,
        key=lambda pk: f"flag.escalated:{pk}",
        now=now or timezone.now(),
    )


def webhooks_claim_decided(*, review, reason: str = "", now=None) -> int:
    """A reviewer approved or returned a completion claim. The reason is the reviewer's words: sent
    only to clients with the 'texts' scope."""
    from .serializers import AssignmentSerializer

    def fetch(client, ids):
        assignment = selectors.assignment_list(client).filter(pk=review.assignment_id).first()
        if assignment is None:
            return {}
        data = {
            "review": review.pk,
            "decision": review.decision,
            "decided_at": review.decided_at,
            "report": review.report_id,
            "assignment": AssignmentSerializer(assignment).data,
            "reason": reason if client.has_scope(Scope.TEXTS) else None,
        }
        return {review.pk: data}

    return _record(
        event=WebhookEvent.CLAIM_DECIDED,
        ids=[review.pk],
        fetch=fetch,
        key=lambda pk: f"claim.decided:{pk}",
        now=now or timezone.now(),
    )


def webhooks_report_archived(*, report, now=None) -> int:
    """An official report finished and archived. A unit client hears of its own unit's reports only;
    a report of a plan it may not read is not sent."""

    def fetch(client, ids):
        if client.unit_id is not None and report.unit_id != client.unit_id:
            return {}
        if report.plan_id and not selectors.plans_for(client).filter(pk=report.plan_id).exists():
            return {}
        data = {
            "report": {
                "id": report.pk,
                "kind": report.kind,
                "period": report.period_id,
                "plan": report.plan_id,
                "unit": report.unit_id,
                "cutoff": report.cutoff,
                "finished_at": report.finished_at,
                "pages": report.pages,
                "pdf_sha256": report.pdf_sha256,
                "inputs_sha256": report.inputs_sha256,
            }
        }
        return {report.pk: data}

    return _record(
        event=WebhookEvent.REPORT_ARCHIVED,
        ids=[report.pk],
        fetch=fetch,
        key=lambda pk: f"report.archived:{pk}",
        now=now or timezone.now(),
    )


# --- sending ----------------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: the signed body is not carried elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(delivery: WebhookDelivery, now) -> tuple[int | None, str]:
    """(HTTP status or None, error text) of one attempt."""
    client = delivery.client
    if not client.webhook_url.lower().startswith(("https://", "http://")):
        return None, "Địa chỉ không phải http(s)."
    body = delivery.body.encode()
    timestamp = int(now.timestamp())
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        client.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "NQ57-portal-webhooks/1",
            "X-NQ57-Event": delivery.event,
            "X-NQ57-Delivery": str(delivery.pk),
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(client.webhook_secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read(1024)
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except Exception as exc:  # refused, timed out, bad certificate, name not found
        return None, repr(exc)[:2000]


def _claim(pk: int, due_at, now) -> bool:
    lease = now + datetime.timedelta(seconds=3 * settings.WEBHOOK_TIMEOUT_SECONDS + 60)
    return bool(
        WebhookDelivery.objects.pending().filter(pk=pk, next_attempt_at=due_at).update(next_attempt_at=lease)
    )


def webhooks_send(*, now=None, limit: int | None = None) -> dict:
    """Post the due deliveries. Returns counts: delivered, failed (will be retried), given_up."""
    now = now or timezone.now()
    limit = limit or settings.WEBHOOK_BATCH
    due = list(
        WebhookDelivery.objects.due(now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "next_attempt_at")[:limit]
    )
    counts = {"delivered": 0, "failed": 0, "given_up": 0}
    for pk, due_at in due:
        if not _claim(pk, due_at, now):
            continue  # another worker has it
        delivery = WebhookDelivery.objects.select_related("client").get(pk=pk)
        client = delivery.client
        if not client.is_usable(now) or not client.webhook_url or delivery.event not in client.webhook_events:
            WebhookDelivery.objects.filter(pk=pk).update(
                failed_at=now, last_error="Hệ thống kết nối đã bị thu hồi, hết hạn hoặc bỏ đăng ký sự kiện."
            )
            counts["given_up"] += 1
            continue
        status, error = _post(delivery, now)
        attempts = delivery.attempts + 1
        done = {"attempts": attempts, "last_attempt_at": now, "last_status": status}
        if status is not None and 200 <= status < 300:
            WebhookDelivery.objects.filter(pk=pk).update(**done, delivered_at=now, last_error="")
            counts["delivered"] += 1
        elif attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            WebhookDelivery.objects.filter(pk=pk).update(**done, failed_at=now, last_error=error)
            counts["given_up"] += 1
        else:
            log.warning("webhook delivery %s to client %s failed: %s", pk, client.pk, error)
            WebhookDelivery.objects.filter(pk=pk).update(
                **done, last_error=error, next_attempt_at=now + retry_delay(attempts)
            )
            counts["failed"] += 1
    return counts


def webhooks_prune(*, now=None) -> int:
    """Remove the deliveries that ended (delivered, or given up) more than WEBHOOK_KEEP_DAYS before
    `now`; a delivery still being tried stays however old. Returns how many were removed."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.WEBHOOK_KEEP_DAYS)
    ended_before = models.Q(delivered_at__lt=cutoff) | models.Q(failed_at__lt=cutoff)
    removed, _ = WebhookDelivery.objects.filter(ended_before).delete()
    return removed

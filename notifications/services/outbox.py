"""The e-mail side of the outbox: single e-mails every minute, or one digest a day.

At-least-once with a mark after success: a row is marked `emailed_at` only once the mail server
accepted it, so a server that is down delays mail and loses none; the rows being sent are locked
(`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL), so two senders never send the same row.
A failed row waits with a growing delay (1, 2, 4 … minutes, at most 6 hours) and is tried again.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import Notification, NotificationPreference

logger = logging.getLogger(__name__)
MAX_DELAY = datetime.timedelta(hours=6)


def _retry_delay(attempts: int) -> datetime.timedelta:
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_DELAY)


def _absolute(url: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + url if url.startswith("/") else url


def _locked(qs):
    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True, of=("self",))
    return qs.select_for_update()


def _due(now):
    return (
        Notification.objects.filter(emailed_at__isnull=True, recipient__is_active=True)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .exclude(recipient__email="")
    )


def _message(recipient, subject, template, context, mail_connection) -> EmailMultiAlternatives:
    context = {**context, "recipient": recipient, "portal_url": settings.PORTAL_BASE_URL}
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=f"[NQ57] {subject}",
        body=text,
        to=[recipient.email],
        connection=mail_connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def _failed(ids, exc, now) -> None:
    """Count the attempt and wait before the next one; the row stays unsent."""
    for notification in Notification.objects.filter(pk__in=ids).only("pk", "email_attempts"):
        attempts = notification.email_attempts + 1
        Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            email_attempts=attempts, last_error=repr(exc)[:2000], next_attempt_at=now + _retry_delay(attempts)
        )


def outbox_send(*, now=None, limit: int | None = None) -> dict:
    """E-mail the unsent notifications of users who take single e-mails. Returns counts."""
    now = now or timezone.now()
    limit = limit or settings.NOTIFICATION_EMAIL_BATCH
    sent = failed = 0
    with transaction.atomic():
        batch = list(
            _locked(_due(now).exclude(recipient__notification_preference__daily_digest=True))
            .select_related("recipient")
            .order_by("pk")[:limit]
        )
        if not batch:
            return {"sent": 0, "failed": 0}
        mail_connection = get_connection()
        for notification in batch:
            context = {"notification": notification, "link": _absolute(notification.url)}
            try:
                _message(
                    notification.recipient, notification.subject, "notification", context, mail_connection
                ).send()
            except Exception as exc:  # the mail server said no: keep the row, try later
                logger.warning("E-mail of notification %s failed: %r", notification.pk, exc)
                _failed([notification.pk], exc, now)
                failed += 1
                continue
            Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
                emailed_at=timezone.now(), email_attempts=F("email_attempts") + 1, last_error=""
            )
            sent += 1
    return {"sent": sent, "failed": failed}


def digests_send(*, now=None) -> dict:
    """One e-mail a day per user who chose the digest, listing what arrived since the last one.

    A user is claimed for the day by a conditional update of `last_digest_on`, so two workers
    (or a job run twice) send one digest; a failed send gives the claim back.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    users = (
        NotificationPreference.objects.filter(daily_digest=True, user__is_active=True)
        .exclude(user__email="")
        .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=today))
        .filter(user__notifications__emailed_at__isnull=True)
        .values_list("user_id", "last_digest_on")
        .distinct()
    )
    sent = failed = 0
    for user_id, last in list(users):
        claimed = NotificationPreference.objects.filter(
            Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=today), pk=user_id
        ).update(last_digest_on=today)
        if not claimed:
            continue
        with transaction.atomic():
            items = list(
                _locked(Notification.objects.filter(recipient_id=user_id, emailed_at__isnull=True))
                .select_related("recipient")
                .order_by("created_at", "pk")
            )
            if not items:
                continue
            recipient = items[0].recipient
            subject = f"Tổng hợp thông báo ngày {today:%d/%m/%Y} ({len(items)})"
            context = {
                "items": [(n, _absolute(n.url)) for n in items],
                "today": today,
                "count": len(items),
            }
            try:
                _message(recipient, subject, "digest", context, get_connection()).send()
            except Exception as exc:
                logger.warning("Digest for user %s failed: %r", user_id, exc)
                _failed([n.pk for n in items], exc, now)
                NotificationPreference.objects.filter(pk=user_id, last_digest_on=today).update(
                    last_digest_on=last
                )
                failed += 1
                continue
            Notification.objects.filter(pk__in=[n.pk for n in items], emailed_at__isnull=True).update(
                emailed_at=timezone.now(), email_attempts=F("email_attempts") + 1, last_error=""
            )
            sent += 1
    return {"sent": sent, "failed": failed}

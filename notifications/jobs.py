"""Celery entry points for notifications: thin, idempotent, safe on several workers."""

from celery import shared_task

from kpis.jobs import TRANSIENT_ERRORS

from .services import digests_send, outbox_send, reminders_send

RETRY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="notifications.send_outbox", time_limit=120, soft_time_limit=100, **RETRY)
def send_outbox_job() -> dict:
    """E-mail unsent notifications (every minute, and right after an event commits)."""
    return outbox_send()


@shared_task(name="notifications.send_reminders", time_limit=600, soft_time_limit=540, **RETRY)
def send_reminders_job() -> dict:
    created = reminders_send()
    if created:
        outbox_send()
    return {"created": created}


@shared_task(name="notifications.send_digests", time_limit=900, soft_time_limit=840, **RETRY)
def send_digests_job() -> dict:
    return digests_send()

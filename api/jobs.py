"""Celery entry points of the API: the webhook sender."""

from celery import shared_task

from notifications.jobs import RETRY

from .webhooks import webhooks_send


@shared_task(name="api.send_webhooks", time_limit=600, soft_time_limit=540, **RETRY)
def send_webhooks_job() -> dict:
    """Post the due webhook deliveries (every minute, and right after an event commits)."""
    return webhooks_send()

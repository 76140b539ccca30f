"""Celery entry points of the API: the webhook sender and the pruning of its log."""

from celery import shared_task

from notifications.jobs import RETRY

from .webhooks import webhooks_prune, webhooks_send


@shared_task(name="api.send_webhooks", time_limit=600, soft_time_limit=540, **RETRY)
def send_webhooks_job() -> dict:
    """Post the due webhook deliveries (every minute, and right after an event commits)."""
    return webhooks_send()


@shared_task(name="api.prune_webhooks", time_limit=600, soft_time_limit=540, **RETRY)
def prune_webhooks_job() -> dict:
    """Remove the deliveries that ended more than WEBHOOK_KEEP_DAYS ago (daily)."""
    return {"removed": webhooks_prune()}

"""Celery entry points for reporting: thin, idempotent, safe to run on several workers."""

from celery import shared_task

from .services import periods_ensure, states_ensure


@shared_task(name="kpis.ensure_periods")
def ensure_periods() -> dict:
    """Create the periods of every plan in force up to today, and the status rows of new assignments."""
    return {"periods": periods_ensure(), "states": states_ensure()}

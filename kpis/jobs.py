"""Celery entry points for reporting: thin, idempotent, safe to run on several workers."""

from celery import shared_task
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

from .services import periods_ensure, states_ensure
from .signals import progress_changed


@shared_task(name="kpis.ensure_periods")
def ensure_periods() -> dict:
    """Create the periods of every plan in force up to today, and the status rows of new assignments."""
    return {"periods": periods_ensure(), "states": states_ensure()}


# Red flags: the sweep every FLAG_SWEEP_MINUTES, then the notifications of new flags.

TRANSIENT_ERRORS = (
    DatabaseOperationalError,  # lost connection, deadlock, serialization failure
    DatabaseInterfaceError,
    BrokerOperationalError,
    ConnectionError,
    TimeoutError,
)


@shared_task(
    name="kpis.sweep_flags",
    acks_late=True,
    time_limit=900,
    soft_time_limit=840,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def sweep_flags_job(now: str | None = None) -> dict:
    """Raise/resolve red flags, then write the notifications of the new ones and send them; then
    escalate the overdue and lagging flags left unacknowledged (kpis.remediation).

    Idempotent: a redelivered or doubled message finds nothing more to do.
    """
    from notifications.jobs import send_outbox_job
    from notifications.services import notify_raised_flags
    from nq57portal.queue import enqueue

    from .services.remediation import flags_escalate
    from .sweep import parse_now, sweep

    moment = parse_now(now)
    result = sweep(now=moment).as_dict()
    result["notifications"] = notify_raised_flags(now=moment)
    if result["notifications"]:
        enqueue(send_outbox_job)
    result["escalated"] = len(flags_escalate(now=moment))
    progress_changed.send(sender="kpis.sweep", now=moment)
    return result

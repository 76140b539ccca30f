from celery import shared_task

from audit.services import audit_record


@shared_task(name="ops.heartbeat", acks_late=True, time_limit=30, soft_time_limit=25)
def heartbeat(token: str) -> str:
    """Proves a worker reaches the database: records a system event with the caller's token."""
    audit_record(actor=None, action="system.heartbeat", object_type="worker", object_id=token[:64])
    return token

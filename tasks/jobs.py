"""Celery entry points for plans and their import."""

from celery import shared_task

from .importing.uploads import stale_uploads_purge


@shared_task(name="tasks.purge_import_uploads", acks_late=True, time_limit=300, soft_time_limit=240)
def purge_import_uploads_job() -> dict:
    """Remove uploaded appendix workbooks previewed and never applied (or refused at apply)."""
    return {"removed": stale_uploads_purge()}

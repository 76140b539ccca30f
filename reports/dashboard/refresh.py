"""Keeping the dashboards' summary rows fresh after progress changes.

A rebuild takes seconds at province scale, so changes are coalesced: the first change queues a
rebuild a little later and the changes after it within that window ride on the same one. With
no broker (the laptop default, tests) nothing is queued here: the in-process schedule rebuilds
every DASHBOARD_REFRESH_MINUTES.
"""

from django.conf import settings
from django.core.cache import cache

from nq57portal.celery import app
from nq57portal.queue import enqueue_on_commit

PENDING_KEY = "reports:dashboard-refresh-pending"


def refresh_soon(sender=None, **kwargs) -> bool:
    if app.conf.task_always_eager:
        return False
    delay = int(getattr(settings, "DASHBOARD_REFRESH_DELAY_SECONDS", 30))
    if not cache.add(PENDING_KEY, 1, timeout=delay):
        return False
    from reports.jobs import refresh_dashboard_job

    enqueue_on_commit(_Delayed(refresh_dashboard_job, delay))
    return True


class _Delayed:
    """A job sent with a countdown, in the shape nq57portal.queue.enqueue expects."""

    def __init__(self, job, countdown: int):
        self.job, self.countdown, self.name = job, countdown, job.name

    def apply_async(self, args=(), kwargs=None, **options):
        return self.job.apply_async(args=args, kwargs=kwargs or {}, countdown=self.countdown, **options)

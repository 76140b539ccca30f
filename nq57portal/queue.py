"""Enqueueing work from services, and the in-process schedule of the laptop default.

Services call `enqueue_on_commit(job, ...)`: the job is sent only after the transaction that
made the change commits, and a broker that is down never turns a user's action into an error
page — the state the job works from is in the database (outbox rows, flags to sweep), and the
periodic jobs pick up whatever a lost message would have done.
"""

import logging
import threading

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(job, *args, **kwargs) -> bool:
    try:
        job.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:  # broker down: the periodic jobs will catch up from the database
        logger.warning("Could not enqueue %s; it will be caught up by the schedule", job.name, exc_info=True)
        return False
    return True


def enqueue_on_commit(job, *args, **kwargs) -> None:
    transaction.on_commit(lambda: enqueue(job, *args, **kwargs))


class InProcessScheduler(threading.Thread):
    """Runs CELERY_BEAT_SCHEDULE inside the web process when there is no Redis (make run).

    Uses Celery's own schedule objects (`is_due`), so the laptop and production run the same
    jobs on the same schedule; jobs run eagerly in this thread.
    """

    daemon = True

    def __init__(self, app, tick: float = 5.0):
        super().__init__(name="nq57-inprocess-beat")
        self.app = app
        self.tick = tick
        self.last_run: dict = {}
        self._stop_event = threading.Event()

    def due_entries(self, now):
        from celery.schedules import BaseSchedule
        from celery.schedules import schedule as every

        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            sched = entry["schedule"]
            if not isinstance(sched, BaseSchedule):  # seconds or a timedelta; crontab is already one
                sched = every(sched, app=self.app)
            last = self.last_run.get(name)
            if last is None or sched.is_due(last).is_due:
                yield name, entry

    def run_once(self, now=None) -> list[str]:
        from django.utils import timezone

        now = now or timezone.now()
        ran = []
        for name, entry in list(self.due_entries(now)):
            self.last_run[name] = now
            try:
                self.app.tasks[entry["task"]].apply(
                    args=entry.get("args", ()), kwargs=entry.get("kwargs", {})
                )
                ran.append(name)
            except Exception:
                logger.exception("In-process job %s failed", name)
        return ran

    def prepare(self):
        # Celery imports the jobs modules lazily (when a worker starts); the web process must do
        # it itself or no task is registered.
        self.app.loader.import_default_modules()

    def run(self):
        from django.db import close_old_connections

        self.prepare()
        while not self._stop_event.wait(self.tick):
            # This thread owns its database connection: drop it if broken or too old, as a
            # request or a worker would.
            close_old_connections()
            try:
                self.run_once()
            except Exception:  # the schedule must outlive any one failure
                logger.exception("In-process schedule tick failed")
            finally:
                close_old_connections()

    def stop(self):
        self._stop_event.set()


# Queues by kind of job: a long job (a report of hundreds of pages, the sweep, a full rebuild of the
# dashboards, a day's reminders or digests) never delays a short one (the outbox's e-mails, webhooks). Each
# queue has its own workers (docker-compose.yml); `make worker` consumes both, and the default queue.
# A job not listed goes to the default queue (CELERY_DEFAULT_QUEUE), which the short queue's
# workers also consume.
LONG_JOBS = frozenset(
    {
        "reports.generate_report",
        "kpis.sweep_flags",
        "reports.refresh_dashboard",
        "notifications.send_reminders",
        "notifications.send_digests",
    }
)
SHORT_JOBS = frozenset(
    {
        "notifications.send_outbox",
        "api.send_webhooks",
        "api.prune_webhooks",
        "reports.resume_reports",
        "kpis.ensure_periods",
        "tasks.purge_import_uploads",
        "ops.heartbeat",
    }
)


def route_job(name, args, kwargs, options, task=None, **kw):
    """Celery's task router (CELERY_TASK_ROUTES). The queues' names are read when a job is sent, so a
    test can give its worker queues of its own; a queue named when sending still wins."""
    if name in LONG_JOBS:
        return {"queue": settings.CELERY_LONG_QUEUE}
    if name in SHORT_JOBS:
        return {"queue": settings.CELERY_SHORT_QUEUE}
    return None

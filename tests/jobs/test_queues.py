"""Queues by kind of job (nq57portal/queue.py): every job has its queue, long jobs never share one
with the outbox."""

import pytest

from nq57portal.celery import app
from nq57portal.queue import LONG_JOBS, SHORT_JOBS


@pytest.fixture(scope="module")
def jobs():
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith(("celery.", "tests."))}


def _queue(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def test_every_job_is_sorted_into_a_kind(jobs):
    assert jobs == LONG_JOBS | SHORT_JOBS
    assert not LONG_JOBS & SHORT_JOBS


@pytest.mark.parametrize(
    "job",
    [
        "reports.generate_report",
        "kpis.sweep_flags",
        "reports.refresh_dashboard",
        "notifications.send_reminders",
        "notifications.send_digests",
    ],
)
def test_long_jobs_go_to_the_long_queue(job):
    assert _queue(job) == "long"


@pytest.mark.parametrize(
    "job",
    [
        "notifications.send_outbox",
        "api.send_webhooks",
        "reports.resume_reports",
        "kpis.ensure_periods",
        "tasks.purge_import_uploads",
        "ops.heartbeat",
    ],
)
def test_short_jobs_go_to_the_short_queue(job):
    assert _queue(job) == "short"


def test_a_job_of_no_kind_goes_to_the_default_queue():
    assert _queue("something.else") == "celery"


def test_the_names_are_read_when_a_job_is_sent(settings):
    settings.CELERY_LONG_QUEUE = "province-long"
    assert _queue("reports.generate_report") == "province-long"


def test_a_queue_named_when_sending_wins():
    assert app.amqp.router.route({"queue": "test-q"}, "reports.generate_report")["queue"].name == "test-q"


def test_a_worker_without_q_consumes_every_queue():
    assert [q.name for q in app.conf.task_queues] == ["celery", "long", "short"]
    assert app.conf.worker_prefetch_multiplier == 1  # the long queue's workers take one job at a time

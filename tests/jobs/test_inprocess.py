import datetime

import pytest
from celery import shared_task

from nq57portal.celery import app
from nq57portal.queue import InProcessScheduler, enqueue

CALLS = []


@shared_task(name="tests.record_call")
def record_call(value):
    CALLS.append(value)


@pytest.mark.django_db
def test_the_in_process_scheduler_runs_due_jobs_once_per_interval(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "every-minute": {
            "task": "tests.record_call",
            "schedule": datetime.timedelta(minutes=1),
            "args": ("tick",),
        }
    }
    CALLS.clear()
    scheduler = InProcessScheduler(app)
    assert scheduler.run_once() == ["every-minute"]
    assert scheduler.run_once() == []  # not due again within the minute
    assert CALLS == ["tick"]
    scheduler.last_run["every-minute"] -= datetime.timedelta(minutes=2)
    assert scheduler.run_once() == ["every-minute"]
    assert CALLS == ["tick", "tick"]


def test_enqueue_survives_a_broker_that_is_down(settings):
    class DownJob:
        name = "down"

        def apply_async(self, **kwargs):
            raise ConnectionError("broker down")

    assert enqueue(DownJob()) is False


@pytest.mark.django_db
def test_every_job_of_the_real_schedule_is_found_and_runs(settings):
    """The laptop default runs the production schedule: crontab and interval entries alike."""
    scheduler = InProcessScheduler(app)
    scheduler.prepare()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
    assert any(type(e["schedule"]).__name__ == "crontab" for e in settings.CELERY_BEAT_SCHEDULE.values())
    ran = scheduler.run_once()
    assert sorted(ran) == sorted(settings.CELERY_BEAT_SCHEDULE)
    assert scheduler.run_once() == []  # nothing is due again at once

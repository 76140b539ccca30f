"""Redis stopped and started again under a real worker that holds a message (a delayed dashboard
refresh, as every report or review decision queues one): the worker stays up, reconnects and runs
the next job. Redis is this test's own redis-server; the machine's shared one is never touched."""

import time
import warnings

import pytest
from celery.exceptions import AlwaysEagerIgnored
from kombu import Connection

from audit.models import AuditEvent
from nq57portal.celery import app

from .conftest import start_celery, stop_process, subprocess_env, wait_for

pytestmark = pytest.mark.integration


def _send(url: str, queue: str, task: str, *, args=(), countdown=None):
    with Connection(url, transport="nq57portal.broker:Transport") as connection, warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", AlwaysEagerIgnored
        )  # the test settings' eager mode: not for send_task
        app.send_task(task, args=args, queue=queue, countdown=countdown, connection=connection)


def _heartbeat_ran(token: str) -> bool:
    return AuditEvent.objects.filter(action="system.heartbeat", object_id=token).exists()


def test_the_worker_survives_redis_restarting_while_it_holds_a_message(
    own_redis, redis_queue, transactional_db
):
    env = dict(subprocess_env(), REDIS_URL=own_redis.url)
    worker = start_celery("worker", env, redis_queue)
    try:
        _send(own_redis.url, redis_queue, "ops.heartbeat", args=["before"])
        assert wait_for(lambda: _heartbeat_ran("before"), 60), stop_process(worker)
        # A message the worker holds unacknowledged until its time comes, like the delayed refresh.
        _send(own_redis.url, redis_queue, "reports.refresh_dashboard", countdown=600)
        time.sleep(2)
        own_redis.stop()
        time.sleep(3)  # the worker notices and starts reconnecting
        own_redis.start()
        _send(own_redis.url, redis_queue, "ops.heartbeat", args=["after"])
        assert wait_for(lambda: worker.poll() is not None or _heartbeat_ran("after"), 90)
        assert worker.poll() is None, stop_process(worker)
        assert _heartbeat_ran("after")
    finally:
        output = stop_process(worker)
    assert "Unrecoverable error" not in output, output

import pytest
from celery import current_app

from audit.models import AuditEvent
from ops.jobs import heartbeat

from .conftest import wait_for

pytestmark = pytest.mark.integration


def test_a_real_worker_runs_a_job_against_the_database(celery_worker_process, redis_queue):
    assert current_app.conf.broker_url.startswith("redis://")
    heartbeat.apply_async(args=["tok-1"], queue=redis_queue)
    found = wait_for(
        lambda: AuditEvent.objects.filter(action="system.heartbeat", object_id="tok-1").exists(), 60
    )
    assert found, celery_worker_process.output()

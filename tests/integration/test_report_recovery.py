"""Official reports whose job was lost, with a real worker, beat, Redis and PostgreSQL:

- the worker's pool killed while a report renders ("Đang tạo 30%"): the report is finished, once;
- a report asked for while Redis is down (the builder answers, the archive says "Đang chờ"): it is
  made once Redis, a worker and beat are back.

Leases and the re-send interval are shortened through the environment (seconds instead of
minutes); the render waits a few seconds after 30 % so the kill lands mid-render."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from audit.models import AuditEvent
from reports.archive import GeneratedReport, GeneratedReportStatus
from tests.factories import UserFactory
from tests.reports.world import build_world
from units.models import Role

from .conftest import ROOT, start_celery, stop_process, wait_for

pytestmark = pytest.mark.integration

FAST = {
    "REPORT_LEASE_SECONDS": "6",
    "REPORT_RESEND_SECONDS": "3",
    "REPORT_RESUME_SECONDS": "2",
    "REPORT_RENDER_TEST_DELAY_SECONDS": "8",  # longer than the lease: the lease must be renewed
}


def _ask_for_a_report(env: dict, world, user) -> int:
    """What the builder page does (report_draft, report_generate), in a process of its own."""
    script = (
        "from reports.services import report_draft, report_generate\n"
        "from kpis.models import Period\nfrom tasks.models import Plan\nfrom units.models import User\n"
        f"user = User.objects.get(pk={user.pk})\n"
        f"draft = report_draft(kind='quarterly', period=Period.objects.get(pk={world.quarter.pk}), "
        f"plan=Plan.objects.get(pk={world.plan.pk}), unit=None, actor=user)\n"
        "draft.header['signer_name'] = 'Nguyễn Văn An'\n"
        "print('REPORT', report_generate(draft=draft, actor=user).pk)\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return int(result.stdout.split("REPORT")[-1].split()[0])


def _state(pk):
    return GeneratedReport.objects.values_list("status", "progress").get(pk=pk)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _done_once(pk) -> bool:
    return AuditEvent.objects.filter(action="report.done", object_id=str(pk)).count() == 1


@pytest.fixture
def stack_env(production_env, redis_queue, transactional_db):
    return {**production_env, **FAST, "CELERY_DEFAULT_QUEUE": redis_queue}


def test_a_report_killed_mid_render_finishes_exactly_once(stack_env, redis_queue, tmp_path):
    world = build_world()
    secretariat = UserFactory(unit=None, roles=[Role.SECRETARIAT])
    worker = start_celery("worker", stack_env, redis_queue)
    beat = start_celery("beat", stack_env, redis_queue, "--schedule", str(tmp_path / "beat-schedule"))
    try:
        pk = _ask_for_a_report(stack_env, world, secretariat)
        assert wait_for(lambda: _state(pk) == (GeneratedReportStatus.RUNNING, 30), 120, 0.1), _state(pk)
        for child in _children(worker.pid):  # the pool, while it renders
            os.kill(child, signal.SIGKILL)
        assert wait_for(lambda: _state(pk)[0] == GeneratedReportStatus.DONE, 180), _state(pk)
        assert worker.poll() is None
    finally:
        output = stop_process(beat) + stop_process(worker)
    assert _done_once(pk), output
    assert "'superseded'" not in output, output  # the final run kept its lease while it rendered


def test_a_report_asked_for_while_redis_is_down_is_made_after(stack_env, own_redis, redis_queue, tmp_path):
    world = build_world()
    secretariat = UserFactory(unit=None, roles=[Role.SECRETARIAT])
    env = {**stack_env, "REDIS_URL": own_redis.url, "REPORT_RENDER_TEST_DELAY_SECONDS": "0"}
    own_redis.stop()
    pk = _ask_for_a_report(env, world, secretariat)  # the builder answers; the message is lost
    assert _state(pk) == (GeneratedReportStatus.QUEUED, 0)
    own_redis.start()
    worker = start_celery("worker", env, redis_queue)
    beat = start_celery("beat", env, redis_queue, "--schedule", str(tmp_path / "beat-schedule"))
    try:
        assert wait_for(lambda: _state(pk)[0] == GeneratedReportStatus.DONE, 180), _state(pk)
    finally:
        output = stop_process(beat) + stop_process(worker)
    assert _done_once(pk), output

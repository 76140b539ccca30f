"""The processes of the production stack (gunicorn, worker, beat), started directly against the local
PostgreSQL and Redis — what `docker compose up` runs, minus the containers."""

import subprocess
import sys
import urllib.request

import pytest

from audit.models import AuditEvent

from .conftest import ROOT, free_port, wait_for, worker_queues

pytestmark = pytest.mark.integration


def test_gunicorn_serves_the_portal_with_production_settings(production_env, transactional_db):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "nq57portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT, env=production_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:

        def get(path):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:  # noqa: S310
                    return r.status, r.headers, r.read().decode()
            except OSError:
                return None

        assert wait_for(lambda: get("/healthz") is not None, 30), "gunicorn did not answer"
        status, headers, body = get("/accounts/login/")
        assert status == 200
        assert "Đăng nhập" in body
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        # Static files are served by whitenoise with hashed names.
        css = next(line for line in body.splitlines() if "portal" in line and ".css" in line)
        assert ".css" in css and "/static/css/portal." in css
        static_path = css.split('href="')[1].split('"')[0]
        assert get(static_path)[0] == 200
    finally:
        proc.terminate()
        proc.wait(20)


def test_worker_and_exactly_one_beat_run_the_schedule(
    production_env, redis_queue, transactional_db, tmp_path
):
    env = dict(production_env, HEARTBEAT_SECONDS="1", CELERY_DEFAULT_QUEUE=redis_queue)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "nq57portal", "worker", "-Q", worker_queues(redis_queue),
         "--concurrency", "1", "--without-gossip", "--without-mingle", "-n", f"{redis_queue}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "nq57portal", "beat", "--schedule", str(tmp_path / "beat-schedule")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert wait_for(
            lambda: AuditEvent.objects.filter(action="system.heartbeat", object_id="beat").count() >= 2, 60
        ), "beat + worker did not run the heartbeat"
    finally:
        for proc in (beat, worker):
            proc.terminate()
            proc.wait(20)

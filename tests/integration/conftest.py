"""A real Celery worker (and beat, gunicorn) as subprocesses against the test database and Redis.

Needs REDIS_URL (CI sets it) and a server database (PostgreSQL): the subprocesses connect to the
same test database pytest-django created, so tests using them must be transactional.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.roles import APP_ROLE

ROOT = Path(__file__).resolve().parents[2]


def _requires_stack():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL (a real Redis); CI sets it")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: worker processes share the test database")


def subprocess_env(settings_module="nq57portal.settings.test") -> dict:
    """The subprocesses run as the portal's role, which owns nothing (as in a deployment; the
    `app_role` fixture grants it), not as the test's owner role."""
    db = connection.settings_dict
    url = f"postgres://{APP_ROLE}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' own process only
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE=settings_module,
        PYTHONPATH=str(ROOT),
    )
    return env


def queue_env(queue: str) -> dict:
    """A test's own queues: the default one and its long and short jobs' (nq57portal/queue.py)."""
    return {
        "CELERY_DEFAULT_QUEUE": queue,
        "CELERY_LONG_QUEUE": f"{queue}.long",
        "CELERY_SHORT_QUEUE": f"{queue}.short",
    }


def worker_queues(queue: str) -> str:
    """`-Q` for a test's worker: every queue of the test, as `make worker` consumes every queue."""
    return ",".join(queue_env(queue).values())


@pytest.fixture
def redis_queue(app_role):
    """A fresh queue name per test so stray messages from another test never reach this worker."""
    _requires_stack()
    return f"test-{os.getpid()}-{time.monotonic_ns()}"


@pytest.fixture
def celery_worker_process(redis_queue, transactional_db, settings):
    """Start `celery worker` on its own queue; yield a handle that can also kill it."""
    from nq57portal.celery import app

    app.conf.task_always_eager = False
    # Everything this test enqueues without naming a queue (services enqueue on commit) goes to
    # this test's worker; read at publish time, unlike task_routes, which Celery caches.
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = redis_queue
    settings.CELERY_LONG_QUEUE = queue_env(redis_queue)["CELERY_LONG_QUEUE"]
    settings.CELERY_SHORT_QUEUE = queue_env(redis_queue)["CELERY_SHORT_QUEUE"]

    class Worker:
        proc = None

        def start(self):
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "nq57portal", "worker", "-Q", worker_queues(redis_queue),
                 "--concurrency", "2", "--pool", "prefork", "-l", "info", "--without-gossip",
                 "--without-mingle", "--without-heartbeat", "-n", f"{redis_queue}@%h"],
                cwd=ROOT, env=dict(subprocess_env(), **queue_env(redis_queue)),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )  # fmt: skip
            return self

        def kill(self):
            if self.proc and self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(10)

        def stop(self):
            if self.proc and self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(20)
                except subprocess.TimeoutExpired:
                    self.kill()

        def output(self) -> str:
            if self.proc and self.proc.stdout and self.proc.poll() is not None:
                return self.proc.stdout.read()
            return ""

    worker = Worker().start()
    yield worker
    worker.stop()
    app.conf.task_always_eager = True
    app.conf.task_default_queue = default_queue


def wait_for(predicate, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def production_env(redis_queue, tmp_path):
    env = subprocess_env("nq57portal.settings.production")
    env.update(
        SECRET_KEY="integration-test-secret-key-integration-test-secret-key-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(tmp_path / "static"),
        PRIVATE_ROOT=str(tmp_path / "private"),
        **queue_env(redis_queue),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return env


def http_get(url: str, timeout: float = 10):
    """(status, body) of a GET; (None, reason) when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 - our own test server
            return r.status, r.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except OSError as error:
        return None, str(error)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test (`rep_call`), for fixtures that add output on failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def gunicorn_server(production_env, transactional_db, tmp_path, request):
    """Start gunicorn (production settings) on a free port: `start(workers=4, **env)` → base URL.

    Its output goes to a file (a pipe nobody reads fills up and stalls the server), printed after a
    failed test so a 500's traceback is there to read."""
    procs, logs = [], []

    def start(workers: int = 2, **env):
        port = free_port()
        log = tmp_path / f"gunicorn-{port}.log"
        logs.append(log)
        with log.open("w") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "nq57portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(workers), "--timeout", "120"],
                cwd=ROOT, env={**production_env, **env}, stdout=out, stderr=subprocess.STDOUT, text=True,
            )  # fmt: skip
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: http_get(base + "/healthz", 5)[0] == 200, 60), "gunicorn did not answer"
        return base

    start.procs = procs
    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for log in logs:
            print(f"--- {log.name} (last 20,000 characters) ---\n{log.read_text(errors='replace')[-20000:]}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to record, not to follow


_opener = urllib.request.build_opener(_NoRedirect)
CSRF_SECRET = "integrationtestcsrfsecret0123456"  # 32 characters, as Django's own secrets


class PortalUser:
    """A signed-in user of a portal served by gunicorn_server, over plain HTTP.

    Signed in with the test client's force_login (the test process shares the database and, through
    the `settings` fixture, the server's SECRET_KEY); CSRF through a cookie and header of our own."""

    def __init__(self, base: str, user):
        from django.test import Client

        client = Client()
        client.force_login(user)
        self.base = base
        self.headers = {
            "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF_SECRET}",
            "X-CSRFToken": CSRF_SECRET,
            "Referer": base + "/",
        }

    def request(self, path: str, data: dict | None = None, headers: dict | None = None, timeout=60):
        """(status, body); a POST when `data` is given. (None, reason) when nothing answered."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(
            self.base + path, data=body, headers={**self.headers, **(headers or {})}
        )
        try:
            with _opener.open(request, timeout=timeout) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except OSError as error:
            return None, str(error)


@pytest.fixture
def portal_user(gunicorn_server, production_env, settings):
    settings.SECRET_KEY = production_env["SECRET_KEY"]  # the session's hash is checked by the server
    return PortalUser


class RedisServer:
    """A redis-server of this test's own, on a free port, that the test may stop and start again
    (the machine's shared Redis is never touched)."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert wait_for(self.answers, 20), "redis-server did not start"
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)


@pytest.fixture
def own_redis(tmp_path):
    _requires_stack()
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


def start_celery(kind: str, env: dict, queue: str, *extra) -> subprocess.Popen:
    """`celery worker` (on `queue`) or `celery beat`, output kept for the assertion messages."""
    if kind == "worker":
        args = ["worker", "-Q", worker_queues(queue), "--concurrency", "2", "--pool", "prefork", "--without-gossip",
                "--without-mingle", "--without-heartbeat", "-n", f"{queue}@%h"]  # fmt: skip
    else:
        args = ["beat"]
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "nq57portal", *args, "-l", "info", *extra],
        cwd=ROOT, env={**env, **queue_env(queue)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


def stop_process(proc: subprocess.Popen) -> str:
    """Stop it (if still running) and return what it printed."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    return proc.stdout.read() if proc.stdout else ""


REPLICA_ALIAS = "replica_0"


@pytest.fixture(scope="session")
def pg_replica(django_db_setup, django_db_blocker):
    """A streaming replica of the primary the tests run on (tests/integration/replica.py), for the
    session, known to Django as the database `replica_0`: the test database on the replica's port, as
    DATABASE_REPLICA_URL would configure it (a mirror of `default` for the test framework, which then
    never empties it). PostgreSQL only; tests that read from it ask for it in their django_db mark."""
    import copy

    from django.db import connections

    from .replica import ReplicaUnavailable, StreamingReplica

    with django_db_blocker.unblock():
        primary = connections["default"]
        if primary.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: a replica streams from it")
        db = copy.deepcopy(primary.settings_dict)
    replica = StreamingReplica(host=db["HOST"] or "127.0.0.1", port=int(db["PORT"] or 5432), user=db["USER"])
    try:
        replica.create()
    except ReplicaUnavailable as error:
        replica.destroy()
        pytest.skip(f"no streaming replica on this machine: {error}")
    except BaseException:
        replica.destroy()  # a replica that would not start is an error, and leaves nothing running
        raise
    db.update(HOST="127.0.0.1", PORT=str(replica.port), CONN_HEALTH_CHECKS=True, CONN_MAX_AGE=60)
    db["OPTIONS"] = {**db.get("OPTIONS", {}), "connect_timeout": 2}
    db["TEST"] = {**db.get("TEST", {}), "MIRROR": "default"}
    connections.settings[REPLICA_ALIAS] = db
    yield replica
    with django_db_blocker.unblock():
        connections[REPLICA_ALIAS].close()
    del connections[REPLICA_ALIAS]
    del connections.settings[REPLICA_ALIAS]
    replica.destroy()


@pytest.fixture
def replica_db(pg_replica, transactional_db, settings):
    """The portal configured with the session's replica (DATABASE_REPLICAS and the router); its lag
    is checked on every choice (REPLICA_CHECK_SECONDS = 0)."""
    from django.db import connections

    from nq57portal import replicas

    if not pg_replica.running:
        pg_replica.start()
    pg_replica.resume_replay()
    settings.DATABASE_REPLICAS = [REPLICA_ALIAS]
    settings.DATABASE_ROUTERS = ["nq57portal.replicas.ReplicaRouter"]
    settings.REPLICA_CHECK_SECONDS = 0
    settings.REPLICA_MAX_LAG_SECONDS = 5
    replicas.forget_health()
    yield pg_replica
    replicas.forget_health()
    connections[REPLICA_ALIAS].close()
    if not pg_replica.running:
        pg_replica.start()
    pg_replica.resume_replay()

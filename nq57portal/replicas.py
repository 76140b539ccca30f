"""Reads that tolerate a few seconds of lag, sent to a PostgreSQL read replica (DATABASE_REPLICA_URL).

A router sees models, not callers, so the callers say which reads may lag: the dashboards, the
exports, the API and the report job read inside `replica_reads()` (a context manager and a
decorator); every other read, and every write, goes to the primary. Inside `replica_reads()` a read
still goes to the primary when

- the request (or the block, outside a request) has written anything: it reads its own writes;
- the browser wrote a moment ago: a request that wrote sets a cookie for REPLICA_PIN_SECONDS, so the
  page it redirects to shows what was just saved (ReplicaPinMiddleware);
- the primary's connection is inside a transaction (a service's, or a test's);
- no replica answers, or each lags more than REPLICA_MAX_LAG_SECONDS behind the primary (measured with
  pg_last_xact_replay_timestamp() at most every REPLICA_CHECK_SECONDS per process; a replica found
  down is not tried again before then). Nothing of it is an error: the reader gets the primary.

One request or block reads from one replica. An official report reads one consistent snapshot:
`replica_snapshot()` reads everything from one database (a replica, or the primary) in one
REPEATABLE READ READ ONLY transaction, so its figures never mix two moments. Raw SQL that is
lag-tolerant takes its connection from `read_connection()`, since `django.db.connection` is always
the primary. Without a replica configured nothing of this routes anything anywhere but the primary.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

log = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
PIN_COOKIE = "nq57_primary"
# Writes no lag-tolerant page reads back: a session's sliding expiry, sign-in attempts. They do not pin.
BOOKKEEPING_APPS = frozenset({"sessions", "axes"})


@dataclass
class ReadScope:
    """What one request (or one `replica_reads()` block outside a request) has done so far."""

    pinned: bool = False  # the browser wrote within REPLICA_PIN_SECONDS
    wrote: bool = False  # this request has written
    alias: str | None = None  # the replica this scope reads from, once chosen


_scope: contextvars.ContextVar[ReadScope | None] = contextvars.ContextVar("nq57_read_scope", default=None)
_lag_tolerant: contextvars.ContextVar[bool] = contextvars.ContextVar("nq57_replica_reads", default=False)
_snapshot_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar("nq57_snapshot", default=None)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", ()) or ())


@contextlib.contextmanager
def read_scope(*, pinned: bool = False):
    token = _scope.set(ReadScope(pinned=pinned))
    try:
        yield _scope.get()
    finally:
        _scope.reset(token)


@contextlib.contextmanager
def replica_reads():
    """Reads inside may come from a replica (a decorator too: `@replica_reads()`)."""
    outer = _scope.get()
    scope_token = _scope.set(ReadScope()) if outer is None else None
    token = _lag_tolerant.set(True)
    try:
        yield
    finally:
        # A streamed download's generator may be closed from another context: nothing to undo there.
        with contextlib.suppress(ValueError):
            _lag_tolerant.reset(token)
            if scope_token is not None:
                _scope.reset(scope_token)


def read_alias() -> str:
    """The database a read here goes to."""
    forced = _snapshot_alias.get()
    if forced is not None:
        return forced
    if not _lag_tolerant.get():
        return PRIMARY
    aliases = replica_aliases()
    if not aliases:
        return PRIMARY
    scope = _scope.get()
    if scope is None or scope.pinned or scope.wrote or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    if scope.alias is None:
        scope.alias = _choose(aliases)
    return scope.alias


def read_connection():
    """The connection for a lag-tolerant raw SQL read (`django.db.connection` is the primary's)."""
    return connections[read_alias()]


@contextlib.contextmanager
def replica_snapshot():
    """Every read inside from one database in one REPEATABLE READ READ ONLY transaction (PostgreSQL):
    a replica when one is usable, else the primary. Yields the alias. Nothing inside may write."""
    with replica_reads():
        alias = read_alias()
    if alias != PRIMARY and not _answers(alias):
        alias = PRIMARY
    conn = connections[alias]
    outer = conn.in_atomic_block  # then the caller's transaction is the snapshot (tests)
    with transaction.atomic(using=alias):
        if conn.vendor == "postgresql" and not outer:
            with conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        token = _snapshot_alias.set(alias)
        try:
            yield alias
        finally:
            _snapshot_alias.reset(token)


# Health of each replica, per process: alias → (monotonic time of the check, usable) ------------------

_health: dict[str, tuple[float, bool]] = {}

_LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp())), 1e9)
END
"""


def forget_health() -> None:
    _health.clear()


def replica_lag(alias: str) -> float:
    """Seconds the replica's replay is behind (0 when it has replayed all it received)."""
    conn = connections[alias]
    if conn.vendor != "postgresql":
        return 0.0
    with conn.cursor() as cursor:
        cursor.execute(_LAG_SQL)
        return float(cursor.fetchone()[0])


def _usable(alias: str) -> bool:
    """Is the replica up and close enough? Checked at most every REPLICA_CHECK_SECONDS; a replica
    found down or lagging is not tried again before then. Never raises."""
    now = time.monotonic()
    every = float(getattr(settings, "REPLICA_CHECK_SECONDS", 5))
    checked = _health.get(alias)
    if checked is not None and not checked[1] and now - checked[0] < every:
        return False
    conn = connections[alias]
    try:
        # A kept connection to a replica that went away is found here (once per request, as Django
        # checks the primary's), not by the first query of the page.
        conn.close_if_health_check_failed()
        conn.ensure_connection()
        if checked is not None and checked[1] and now - checked[0] < every:
            return True
        lag = replica_lag(alias)
        usable = lag <= float(getattr(settings, "REPLICA_MAX_LAG_SECONDS", 5))
        if not usable:
            log.warning("replica %s lags %.1f s: reading from the primary", alias, lag)
    except Exception:
        log.warning("replica %s does not answer: reading from the primary", alias, exc_info=True)
        usable = False
        with contextlib.suppress(Exception):
            conn.close()
    _health[alias] = (now, usable)
    return usable


def _answers(alias: str) -> bool:
    """One round trip before a report's snapshot starts: a worker's kept connection to a replica that
    went away since its last lag check fails here, and the report reads the primary instead."""
    conn = connections[alias]
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        log.warning("replica %s does not answer: the report reads the primary", alias, exc_info=True)
        _health[alias] = (time.monotonic(), False)
        with contextlib.suppress(Exception):
            conn.close()
        return False


def _choose(aliases: list[str]) -> str:
    candidates = list(aliases)
    random.shuffle(candidates)  # noqa: S311 - spreading load, not a secret
    for alias in candidates:
        if _usable(alias):
            return alias
    return PRIMARY


class ReplicaRouter:
    """DATABASE_ROUTERS when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if scope is not None and model._meta.app_label not in BOOKKEEPING_APPS:
            scope.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's own rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY or db not in replica_aliases()


class ReplicaPinMiddleware:
    """One read scope per request; a request that wrote pins the browser to the primary for
    REPLICA_PIN_SECONDS (a cookie), so the next page shows its own writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        now = time.time()
        try:
            until = float(request.COOKIES.get(PIN_COOKIE, "0"))
        except ValueError:
            until = 0.0
        with read_scope(pinned=until > now) as scope:
            response = self.get_response(request)
        if scope.wrote:
            seconds = int(getattr(settings, "REPLICA_PIN_SECONDS", 10))
            response.set_cookie(
                PIN_COOKIE,
                f"{now + seconds:.0f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

"""Benchmark (not a test): the dashboards under load on the province-scale data set.

    createdb -h 127.0.0.1 -U postgres bench_dashboard
    .venv/bin/python bench/dashboard.py [--build] [--duration 120] [--users 20] [--workers 4]

1. (--build, or when the database has no plan) `generate_scale_data --profile province --replace`;
   then the summary rows are rebuilt (reports.dashboard.summary.summary_refresh);
2. the portal runs under gunicorn with the production settings (DEBUG off, static files collected
   and served by WhiteNoise) on a free local port, against that PostgreSQL database;
3. locust (bench/locustfile.py) drives it headless: `--users` readers (4 leaders : 1 unit head),
   think time --wait seconds, for --duration seconds; p50/p95/p99, requests/s and errors are printed;
4. each kind of page is then served in this process by Django's WSGI handler (every view runs its
   queries and renders its board: there is no page cache): the number of queries, the server time
   (median of --samples), and beside it the time PostgreSQL takes to run the same statements
   directly (EXPLAIN ANALYZE's planning + execution time, and the median wall time of running them
   again on a plain cursor), and their ratio.

Refuses a database whose name does not contain "bench". The machine's load average is printed:
other work on the same cores slows everything measured here.
"""

import argparse
import csv
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_dashboard"
SECRET = "bench-dashboard-" + "x" * 60  # noqa: S105 - a throwaway key for a local benchmark


def say(*args):
    print(*args, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_env(args, static_root: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nq57portal.settings.production",
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": static_root,
        "DB_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "CACHE_URL": args.cache_url,
    }


def prepare(args, env) -> dict:
    """Data, summary rows, sessions for the locust users; returns the locust configuration."""
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection

    from reports.dashboard.summary import summary_refresh
    from tasks.models import Plan
    from units.models import Role, Unit, UnitKind, User, UserRole

    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("Refusing: the database name must contain 'bench'.")
    call_command("migrate", verbosity=0)
    if args.build or not Plan.objects.exists():
        say("Building the province data set (generate_scale_data --profile province)…")
        call_command("generate_scale_data", profile="province", seed=57, replace=True)
    started = time.perf_counter()
    result = summary_refresh()
    say(f"Summary rows rebuilt in {time.perf_counter() - started:.1f} s: {result.rows}")
    say(
        "Data: "
        + ", ".join(
            f"{table} {count:,}"
            for table, count in _counts(
                connection,
                [
                    "tasks_subtask",
                    "tasks_assignment",
                    "kpis_progressreport",
                    "evidence_evidence",
                    "kpis_redflag",
                ],
            )
        )
    )

    def session_for(user) -> str:
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.set_expiry(6 * 3600)
        store.create()
        return store.session_key

    leader = User.objects.get(username="scale_lanhdao")
    heads = []
    units = list(
        Unit.objects.exclude(kind=UnitKind.GROUP).filter(assignments__isnull=False).distinct().order_by("pk")
    )
    for unit in random.Random(57).sample(units, k=min(10, len(units))):
        head, _ = User.objects.get_or_create(
            username=f"bench_head_{unit.pk}", defaults={"unit": unit, "full_name": f"Bench head {unit.pk}"}
        )
        UserRole.objects.get_or_create(user=head, role=Role.HEAD)
        heads.append((session_for(head), unit.pk))
    return {
        "leaders": [session_for(leader) for _ in range(args.users)],
        "heads": heads,
        "plans": list(Plan.objects.values_list("pk", flat=True)),
        "units": [u.pk for u in units],
    }


def _counts(connection, tables):
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            yield table, cursor.fetchone()[0]


def start_gunicorn(args, env, port) -> subprocess.Popen:
    say(f"gunicorn: {args.workers} workers on 127.0.0.1:{port} (production settings, DEBUG off)")
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "nq57portal.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def warm_up(args, port, config):
    """Every worker loads its templates, code and reference data before anything is measured."""
    plan = config["plans"][0]
    paths = ["/reports/dashboard/", f"/reports/dashboard/?plan={plan}", "/reports/dashboard/?kind=commune"]
    unit_session, unit = config["heads"][0]
    for _ in range(3 * args.workers):
        for path, session in [
            *((p, config["leaders"][0]) for p in paths),
            (f"/reports/dashboard/units/{unit}/", unit_session),
        ]:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                headers={"Cookie": f"sessionid={session}", "X-Forwarded-Proto": "https"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our local server
                response.read()


def run_locust(args, port, config, folder) -> list[dict]:
    env = {**os.environ, "BENCH_DASHBOARD": json.dumps(config), "BENCH_WAIT": args.wait}
    command = [
        str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(args.users),
        "-r", str(args.users), "-t", f"{args.duration}s", "--host", f"http://127.0.0.1:{port}",
        "--csv", str(folder / "locust"), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    say(f"locust: {args.users} users, think time {args.wait} s, {args.duration} s…")
    subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL)
    with open(folder / "locust_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def print_locust(rows):
    say("")
    say(f"{'request':22} {'count':>7} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7}")
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        say(
            f"{name:22} {row['Request Count']:>7} {row['Failure Count']:>6} {row['50%']:>7} {row['95%']:>7} "
            f"{row['99%']:>7} {float(row['Requests/s']):7.1f}"
        )


def measure_pages(args, config):
    """Per page: queries, server time, and the same SQL run directly by PostgreSQL.

    The server time is Django's own WSGI handler called in this process (every middleware, the
    view, the template, the session save) without the test client, whose template instrumentation
    would add its own cost; the median of --samples renders, queries not recorded while timed.
    """
    import io

    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    handler = WSGIHandler()
    plan, unit = config["plans"][0], config["heads"][0][1]
    leader, head = config["leaders"][0], config["heads"][0][0]
    htmx = {"HTTP_HX_REQUEST": "true"}
    pages = [
        ("province", leader, "/reports/dashboard/", "", {}),
        ("province ?plan", leader, "/reports/dashboard/", f"plan={plan}", {}),
        ("province ?kind", leader, "/reports/dashboard/", "kind=commune", {}),
        (
            "htmx #board",
            leader,
            "/reports/dashboard/",
            f"plan={plan}&kind=commune",
            {**htmx, "HTTP_HX_TARGET": "board"},
        ),
        (
            "htmx #ranking",
            leader,
            "/reports/dashboard/",
            "sort=overdue",
            {**htmx, "HTTP_HX_TARGET": "ranking"},
        ),
        ("unit (as head)", head, f"/reports/dashboard/units/{unit}/", "", {}),
    ]

    def call(session, path, query, headers):
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr, "HTTP_COOKIE": f"sessionid={session}", "HTTP_X_FORWARDED_PROTO": "https",
            **headers,
        }  # fmt: skip
        status = []
        body = b"".join(handler(environ, lambda s, h, *a: status.append(s)))
        return status[0], body

    say("")
    say("Per page: every view runs its queries and renders its board (no page cache).")
    say(
        f"{'page':18} {'queries':>7} {'server ms':>9} {'SQL (EXPLAIN) ms':>16} {'SQL (direct) ms':>15} "
        f"{'server/SQL':>10} {'KB':>5}"
    )
    results = []
    for name, session, path, query, headers in pages:
        for _ in range(3):
            call(session, path, query, headers)
        times = []
        for _ in range(args.samples):
            started = time.perf_counter()
            status, body = call(session, path, query, headers)
            times.append(time.perf_counter() - started)
        assert status.startswith("200"), (name, status)
        with CaptureQueriesContext(connection) as captured:
            call(session, path, query, headers)
        statements = [q["sql"] for q in captured.captured_queries if not _is_transaction_control(q["sql"])]
        explain, direct = _sql_times(connection, transaction, statements, args.samples)
        server = statistics.median(times) * 1000
        results.append((name, len(captured.captured_queries), server, explain, direct))
        say(
            f"{name:18} {len(captured.captured_queries):>7} {server:9.1f} {explain:16.1f} {direct:15.1f} "
            f"{server / max(direct, 0.001):10.2f} {len(body) // 1024:>5}"
        )
    return results


def measure_sync(samples: int = 40):
    """What a report or review decision pays to keep the dashboards current: rows_sync of one
    assignment (its row, its cells, its sub-task roll-ups), in a transaction rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from reports.dashboard.rows import rows_sync
    from reports.models import DashboardAssignment

    ids = list(DashboardAssignment.objects.order_by("?").values_list("pk", flat=True)[:samples])
    times, statements = [], 0
    for pk in ids:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                rows_sync([pk])
                times.append(time.perf_counter() - started)
            statements = len(captured.captured_queries)
            transaction.set_rollback(True)
    say("")
    say(
        f"Sync of one assignment (paid by each report or review decision): median "
        f"{statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms, {statements} statements"
    )


def _is_transaction_control(sql: str) -> bool:
    return sql.split(None, 1)[0].upper() in {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


def _sql_times(connection, transaction, statements, samples) -> tuple[float, float]:
    """(EXPLAIN ANALYZE planning + execution, median wall time of running them on a cursor) in ms.

    Run in a transaction that is rolled back: the session UPDATE of the page changes nothing.
    """
    explain_total, walls = 0.0, []
    with transaction.atomic():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                plan = cursor.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                explain_total += plan.get("Planning Time", 0) + plan.get("Execution Time", 0)
            raw = connection.connection  # the psycopg connection: no Django wrapper in the timing
            for _ in range(samples):
                started = time.perf_counter()
                with raw.cursor() as plain:
                    for sql in statements:
                        plain.execute(sql.encode())
                        if plain.description:
                            plain.fetchall()
                walls.append(time.perf_counter() - started)
        transaction.set_rollback(True)
    return explain_total, statistics.median(walls) * 1000


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--build", action="store_true", help="rebuild the province data set first")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument(
        "--duration", type=int, default=120, help="seconds of load (at least 120 for the record)"
    )
    parser.add_argument("--wait", default="1,2", help="think time between a user's requests, min,max seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--cache-url",
        default="",
        help="CACHE_URL for the portal, e.g. redis://127.0.0.1:6379/7 (a database of its own: it is flushed); "
        "empty: each worker keeps its own boards in memory",
    )
    parser.add_argument("--samples", type=int, default=15, help="renders per page for the in-process timing")
    parser.add_argument(
        "--no-load", action="store_true", help="only the per-page queries and times (no locust)"
    )
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    static_root = str(folder / "static")
    env = settings_env(args, static_root)
    say(
        f"Load average before: {os.getloadavg()} on {os.cpu_count()} CPUs; cache: {args.cache_url or 'per process'}"
    )
    config = prepare(args, env)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    if not args.no_load:
        port = free_port()
        server = start_gunicorn(args, env, port)
        try:
            warm_up(args, port, config)
            rows = run_locust(args, port, config, folder)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        say(f"Load average after: {os.getloadavg()}")
        print_locust(rows)
    measure_pages(args, config)
    measure_sync()
    say("")
    say(f"locust CSV files: {folder}")


if __name__ == "__main__":
    main()

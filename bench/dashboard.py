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
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from dashboard_timing import measure_pages, measure_sync, say

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_dashboard"
SECRET = "bench-dashboard-" + "x" * 60  # noqa: S105 - a throwaway key for a local benchmark


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
    from django.core.management import call_command
    from django.db import connection
    from signed_in import session_for

    from reports.dashboard.summary import summary_refresh
    from tasks.models import Plan
    from units.models import Role, Unit, UnitKind, User, UserRole

    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("Refusing: the database name must contain 'bench'.")
    call_command("migrate", verbosity=0)
    if args.build or not Plan.objects.exists():
        say("Building the province data set (generate_scale_data --profile province)…")
        call_command("generate_scale_data", profile="province", seed=57, replace=True)
    if args.keep_summary:
        say("Summary rows kept from the last build (--keep-summary)")
    else:
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


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--build", action="store_true", help="rebuild the province data set first")
    parser.add_argument(
        "--keep-summary",
        action="store_true",
        help="do not rebuild the summary rows (a large data set's take minutes)",
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument(
        "--duration", type=int, default=120, help="seconds of load (at least 120 for the record)"
    )
    parser.add_argument("--wait", default="1,2", help="think time between a user's requests, min,max seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--cache-url",
        default="",
        help="CACHE_URL for the portal, e.g. redis://127.0.0.1:6379/7; "
        "empty: each worker's own memory (the dashboards cache no pages; sessions and locks may use it)",
    )
    parser.add_argument("--samples", type=int, default=40, help="renders per page for the in-process timing")
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

"""Benchmark (not a test): every heavy page of the portal beside the layout floor, measured in one run.

    .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/bench_pages [--samples 15]

Needs the province-scale data set in that database (`manage.py generate_scale_data --profile
province`; `--build` runs it, and only on a database whose name contains "bench"). `--audit-events N`
first tops the audit trail up to N synthetic events (a realistic trail is ~1.2 million), on a
"bench" database only.

Each page is served in this process by Django's WSGI handler under the production settings (DEBUG
off): its queries are counted, its server time is the median of --samples renders, and the same SQL
is run directly on PostgreSQL (EXPLAIN ANALYZE, and the median wall time on a plain cursor). The
floor, a signed-in page with nothing but the layout, is measured first in the same run, split into
the time its four statements take on the wire and the Python around them. Each page is held to the
issue's target: server time within 3 × (the floor + the page's own SQL).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from dashboard_timing import _measure, say
from signed_in import session_for

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECRET = "bench-pages-" + "x" * 60  # noqa: S105 - a throwaway key for a local benchmark
FLOOR_PATH = "/accounts/password/done/"


def setup(args):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "nq57portal.settings.production",
            "DATABASE_URL": args.database_url,
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": tempfile.mkdtemp(prefix="bench-pages-static-"),
            "DB_CONN_MAX_AGE": "600",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()


def top_up_audit(target: int):
    """Synthetic events in one INSERT … SELECT until the trail holds `target` (bench databases only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditevent")
        have = cursor.fetchone()[0]
        if have >= target:
            return have
        cursor.execute(
            """
            INSERT INTO audit_auditevent (at, actor_id, actor_name, unit_id, action, object_type, object_id,
                                          object_repr, changes, ip)
            SELECT now() - g * interval '20 seconds', NULL, 'scale_user_' || (g %% 500),
                   (SELECT min(id) FROM units_unit) + (g %% 100),
                   (ARRAY['report.submit','report.create_draft','evidence.add','auth.login','review.approve',
                          'claim.return','auth.logout','comment.add'])[1 + g %% 8],
                   (ARRAY['kpis.progressreport','kpis.progressreport','evidence.evidence','units.user',
                          'tasks.assignment','tasks.assignment','units.user','kpis.comment'])[1 + g %% 8],
                   (g %% 60000)::text, 'Báo cáo ' || g, '{"completion": [10, 40]}'::jsonb, '10.0.0.1'
            FROM generate_series(1, %s) AS g
            """,
            [target - have],
        )
        cursor.execute("ANALYZE audit_auditevent")
    return target


def pages_of_the_issue():
    """(name, user, path, query, headers) for each page of the issue's table, picked from the data."""
    from django.db.models import Count

    from kpis.models import AssignmentState, Period, Status
    from tasks.models import Assignment, AssignmentRole, Plan, SubTask
    from units.models import Role, User

    busiest = (
        Assignment.objects.leads_in_force()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit_id")
        .first()
    )
    staff = User.objects.filter(unit_id=busiest["unit_id"], roles__role=Role.STAFF, is_active=True).first()
    largest = Plan.objects.annotate(n=Count("subtasks__assignments")).order_by("-n", "pk").first()
    month = (
        Period.objects.filter(plan=largest, kind="monthly", reports__isnull=False)
        .annotate(n=Count("reports"))
        .order_by("-start")
        .first()
    )
    group_subtask = (
        SubTask.objects.filter(assignments__via_group__isnull=False, assignments__role=AssignmentRole.LEAD)
        .annotate(n=Count("assignments"))
        .order_by("-n", "pk")
        .first()
    )
    leader = User.objects.get(username="scale_lanhdao")
    reviewer = User.objects.get(username="scale_thamdinh")
    secretariat = User.objects.get(username="scale_thuongtruc")
    claim = AssignmentState.objects.filter(status=Status.AWAITING_REVIEW).order_by("claimed_at").first()
    say(
        f"My tasks of unit {busiest['unit_id']} ({busiest['n']} lead assignments) as {staff.username}; "
        f"largest plan {largest.pk} ({largest.n} assignments); raw export of {month.label} "
        f"({month.n} reports); sub-task {group_subtask.pk} ({group_subtask.n} assignments)"
    )
    htmx = {"HTTP_HX_REQUEST": "true"}
    return [
        ("My tasks (page 1)", staff, "/kpis/", "", {}),
        ("My tasks (page 5, htmx)", staff, "/kpis/", "page=5", {**htmx, "HTTP_HX_TARGET": "task-results"}),
        ("My tasks CSV", staff, "/kpis/", "export=csv", {}),
        ("largest plan's page", leader, f"/plans/{largest.pk}/", "", {}),
        ("raw export of a month", secretariat, "/reports/builder/export/", f"period={month.pk}", {}),
        ("audit list", secretariat, "/audit/", "", {}),
        ("audit list ?action", secretariat, "/audit/", "action=claim.return", {}),
        ("red-flag list", leader, "/kpis/flags/", "", {}),
        ("overdue list", leader, "/reports/dashboard/list/", "overdue=1", {}),
        ("overdue CSV", leader, "/reports/dashboard/list/", "overdue=1&export=csv", {}),
        ("overdue Excel", leader, "/reports/dashboard/list/", "overdue=1&export=xlsx", {}),
        ("review queue", reviewer, "/evidence/review/", "", {}),
        ("a claim", reviewer, f"/evidence/review/{claim.assignment_id}/", "", {}),
        ("sub-task of a group", leader, f"/plans/subtasks/{group_subtask.pk}/", "", {}),
    ]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_pages"),
    )
    parser.add_argument("--build", action="store_true", help="generate the province data set first")
    parser.add_argument(
        "--audit-events", type=int, default=0, help="top the audit trail up to this many events"
    )
    parser.add_argument("--samples", type=int, default=15, help="renders per page")
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    args = parser.parse_args()
    setup(args)
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection

    from tasks.models import Plan
    from units.models import User

    call_command("migrate", verbosity=0)
    bench_db = "bench" in connection.settings_dict["NAME"]
    if args.build:
        if not bench_db:
            raise SystemExit("Refusing to build: the database name must contain 'bench'.")
        call_command("generate_scale_data", profile="province", seed=57, replace=True)
    if not Plan.objects.exists():
        raise SystemExit("No data: run with --build on a 'bench' database, or generate_scale_data first.")
    if args.audit_events:
        if not bench_db:
            raise SystemExit("Refusing to add audit events: the database name must contain 'bench'.")
        say(f"Audit trail: {top_up_audit(args.audit_events):,} events")
    call_command("collectstatic", interactive=False, verbosity=0)

    handler = WSGIHandler()

    def call(session, path, query, headers):
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": __import__("io").BytesIO(),
            "wsgi.errors": sys.stderr, "HTTP_COOKIE": f"sessionid={session}", "HTTP_X_FORWARDED_PROTO": "https",
            **headers,
        }  # fmt: skip
        status = []
        body = b"".join(handler(environ, lambda s, h, *a: status.append(s)))
        return status[0], body

    say(f"Load average before: {os.getloadavg()} on {os.cpu_count()} CPUs")
    leader = session_for(User.objects.get(username="scale_lanhdao"))
    floor = floor_split(call, leader, samples=max(args.samples * 10, 100))
    pages = pages_of_the_issue()
    say("")
    say(
        f"{'page':26} {'queries':>7} {'server ms':>9} {'SQL ms':>7} {'KB':>6} "
        f"{'target ms':>9} {'server/(floor+SQL)':>18}"
    )
    server, count, _explain, direct, _ratio, size = _measure(
        call, args.samples, "floor", leader, FLOOR_PATH, "", {}
    )
    say(f"{'floor: layout only':26} {count:>7} {server:9.1f} {direct:7.1f} {size:>6}")
    floor_ms = server
    sessions = {}
    for name, user, path, query, headers in pages:
        if args.only and args.only not in name:
            continue
        session = sessions.setdefault(user.pk, session_for(user))
        server, count, _explain, direct, _ratio, size = _measure(
            call, args.samples, name, session, path, query, headers
        )
        target = 3 * (floor_ms + direct)
        say(
            f"{name:26} {count:>7} {server:9.1f} {direct:7.1f} {size:>6} {target:9.1f} "
            f"{server / (floor_ms + direct):18.2f} {'ok' if server <= target else 'OVER'}"
        )
    say("")
    say(
        f"floor, split ({floor['n']} requests): median {floor['total']:.2f} ms = statements on the wire "
        f"{floor['db']:.2f} ms + Python {floor['python']:.2f} ms (best: {floor['best_total']:.2f} = "
        f"{floor['best_db']:.2f} + {floor['best_python']:.2f})"
    )
    say(f"Load average after: {os.getloadavg()}")


def floor_split(call, session, samples: int) -> dict:
    """The layout floor split into the time its statements take (sent, run, answered) and the rest."""
    from django.db import connection

    spent = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - started

    for _ in range(20):
        call(session, FLOOR_PATH, "", {})
    totals, dbs = [], []
    with connection.execute_wrapper(timed):
        for _ in range(samples):
            spent[0] = 0.0
            started = time.perf_counter()
            call(session, FLOOR_PATH, "", {})
            totals.append((time.perf_counter() - started) * 1000)
            dbs.append(spent[0] * 1000)
    pythons = [t - d for t, d in zip(totals, dbs, strict=True)]
    return {
        "n": samples,
        "total": statistics.median(totals),
        "db": statistics.median(dbs),
        "python": statistics.median(pythons),
        "best_total": min(totals),
        "best_db": min(dbs),
        "best_python": min(pythons),
    }


if __name__ == "__main__":
    main()

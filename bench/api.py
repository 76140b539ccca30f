"""Benchmark (not a test): the open data API's response times on the scale data set.

    createdb -h 127.0.0.1 -U postgres bench_api
    .venv/bin/python bench/api.py [--build] [--profile province] [--samples 15] [--page-size 100]

1. (--build, or when the database has no plan) `generate_scale_data --profile <profile> --replace`,
   then the dashboards' summary rows (the figures endpoint reads them); when it has no target, ten
   per plan in force with an approved value from three lead units each month (_targets);
2. a province client with both scopes and a unit client are created (tokens kept only here);
3. each endpoint is called --samples times through Django's own WSGI handler in this process, with
   the production settings (DEBUG off): every request authenticates its token, is counted against
   the client's rate and writes its audit row, as in service. The median and the slowest time, the
   queries of one call, the rows and size of the answer are printed; lists are timed on their first
   page and on a page reached by cursor (the tenth, or the last there is).

Refuses a database whose name does not contain "bench". The machine's load average is printed:
other work on the same cores slows everything measured here.
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_api"
SECRET = "bench-api-" + "x" * 60  # noqa: S105 - a throwaway key for a local benchmark


def say(*args):
    print(*args, flush=True)


def setup(args):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "nq57portal.settings.production",
            "DATABASE_URL": args.database_url,
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
            "DB_CONN_MAX_AGE": "600",
        }
    )
    import django

    django.setup()


def prepare(args):
    import datetime

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from api.models import ApiClient, Scope
    from api.services import client_create
    from reports.dashboard.summary import summary_refresh
    from targets.models import Target
    from tasks.models import Assignment, AssignmentRole, Plan, PlanStatus
    from units.models import Role, User

    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("Refusing: the database name must contain 'bench'.")
    call_command("migrate", verbosity=0)
    if args.build or not Plan.objects.exists():
        say(f"Building the data set (generate_scale_data --profile {args.profile})…")
        started = time.perf_counter()
        call_command("generate_scale_data", profile=args.profile, seed=57, replace=True)
        say(f"  built in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    summary_refresh()
    say(f"Summary rows rebuilt in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        counts = []
        for table in (
            "tasks_plan",
            "tasks_subtask",
            "targets_target",
            "targets_targetvalue",
            "tasks_assignment",
            "kpis_progressreport",
            "kpis_redflag",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts.append(f"{table} {cursor.fetchone()[0]:,}")
    say("Data: " + ", ".join(counts))

    if not Target.objects.exists():
        started = time.perf_counter()
        made = _targets(now=timezone.now())
        say(
            f"Targets: {made[0]:,} targets, {made[1]:,} approved values, in {time.perf_counter() - started:.1f} s"
        )

    ApiClient.objects.filter(name__startswith="bench ").delete()
    actor = User.objects.filter(roles__role=Role.SECRETARIAT).first() or User.objects.first()
    now = timezone.now()
    expires = now + datetime.timedelta(days=1)
    _, province = client_create(
        actor=actor,
        name="bench province",
        scopes=[Scope.FIGURES, Scope.TEXTS],
        expires_at=expires,
        rate_per_minute=100_000,
        now=now,
    )
    lead = (
        Assignment.objects.filter(role=AssignmentRole.LEAD, subtask__plan__status=PlanStatus.IN_FORCE)
        .values("unit_id")
        .order_by("unit_id")
        .first()
    )
    from units.models import Unit

    unit = Unit.objects.get(pk=lead["unit_id"])
    _, unit_token = client_create(
        actor=actor,
        name="bench unit",
        scopes=[Scope.FIGURES],
        unit=unit,
        expires_at=expires,
        rate_per_minute=100_000,
        now=now,
    )
    plan = Plan.objects.filter(status=PlanStatus.IN_FORCE).order_by("pk").first()
    period = plan.periods.filter(kind="monthly", start__lte=timezone.localdate()).order_by("-start").first()
    return {
        "province": province,
        "unit": unit_token,
        "plan": plan.pk,
        "period": period.pk if period else None,
        # A day in the plan's life: the sub-tasks as they stood then (subtasks_as_of, as the report)
        "as_of": (period.cutoff if period else timezone.localdate()).isoformat(),
    }


def _targets(*, now, per_plan=10, units_each=3):
    """The scale data have no targets: per plan in force, `per_plan` targets (every second a share),
    each with two milestones and `units_each` of the plan's lead units responsible, and an approved
    value from each of them for every monthly period begun (written directly: a benchmark's data,
    not a unit's report)."""
    import datetime
    from decimal import Decimal

    from kpis.models import Period, PeriodKind
    from targets.models import Milestone, Target, TargetValue, ValueStatus
    from tasks.models import Assignment, AssignmentRole, Plan, PlanStatus
    from units.models import User

    actor = User.objects.order_by("pk").first()
    targets = values = 0
    for plan in Plan.objects.filter(status=PlanStatus.IN_FORCE).order_by("pk"):
        units = list(
            Assignment.objects.filter(subtask__plan=plan, role=AssignmentRole.LEAD)
            .order_by("unit_id")
            .values_list("unit_id", flat=True)
            .distinct()[:units_each]
        )
        periods = list(
            Period.objects.filter(plan=plan, kind=PeriodKind.MONTHLY, start__lte=now.date()).order_by("start")
        )
        start = plan.effective_start or datetime.date(now.year, 1, 1)
        for n in range(per_plan):
            share = n % 2 == 0
            target = Target.objects.create(
                plan=plan, code=f"B.{n + 1}", text=f"Chỉ tiêu thử {n + 1}", measure="%" if share else "sản phẩm",
                is_share=share, accumulation="cumulative" if share else "per_period",
                baseline_value=Decimal(10), baseline_date=start, order=n, created_at=now, updated_at=now,
            )  # fmt: skip
            target.units.set(units)
            Milestone.objects.bulk_create(
                [
                    Milestone(target=target, value=Decimal(60 if share else 20), due_date=start + datetime.timedelta(days=365)),
                    Milestone(target=target, value=Decimal(100 if share else 40), due_date=start + datetime.timedelta(days=3 * 365)),
                ]
            )  # fmt: skip
            rows = []
            for m, period in enumerate(periods):
                for unit in units:
                    denominator = Decimal(200)
                    numerator = Decimal(min(200, 20 + 6 * m + unit % 7))
                    rows.append(
                        TargetValue(
                            target=target, unit_id=unit, period=period,
                            value=(numerator * 100 / denominator) if share else Decimal(1 + (m + unit) % 2),
                            numerator=numerator if share else None, denominator=denominator if share else None,
                            status=ValueStatus.APPROVED, reported_by=actor, reported_at=now, reviewer=actor, decided_at=now,
                        )
                    )  # fmt: skip
            TargetValue.objects.bulk_create(rows, batch_size=2000)
            targets += 1
            values += len(rows)
    return targets, values


def measure(args, config):
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    handler = WSGIHandler()

    def call(token, path, query=""):
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr, "HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_FORWARDED_PROTO": "https",
        }  # fmt: skip
        status = []
        body = b"".join(handler(environ, lambda s, h, *a: status.append(s)))
        return int(status[0].split()[0]), body

    def cursor_page(token, path, query, pages=10):
        """The query of the pages-th page (or the last), following `next` links."""
        current = query
        for _ in range(pages - 1):
            status, body = call(token, path, current)
            following = json.loads(body).get("next") if status == 200 else None
            if not following:
                break
            current = urlsplit(following).query
        return current

    plan, period, size = config["plan"], config["period"], f"page_size={args.page_size}"
    as_of = config["as_of"]
    province, unit = config["province"], config["unit"]
    endpoints = [
        ("plans", province, "/api/v1/plans/", ""),
        ("plan detail", province, f"/api/v1/plans/{plan}/", ""),
        ("subtasks ?plan", province, "/api/v1/subtasks/", f"plan={plan}&{size}"),
        ("subtasks ?plan&as_of", province, "/api/v1/subtasks/", f"plan={plan}&as_of={as_of}&{size}"),
        ("subtasks ?as_of", province, "/api/v1/subtasks/", f"as_of={as_of}&{size}"),
        ("plan detail ?as_of", province, f"/api/v1/plans/{plan}/", f"as_of={as_of}"),
        ("assignments", province, "/api/v1/assignments/", size),
        (
            "assignments ?plan&status",
            province,
            "/api/v1/assignments/",
            f"plan={plan}&status=completed&{size}",
        ),
        ("progress-reports", province, "/api/v1/progress-reports/", size),
        ("progress-reports ?period", province, "/api/v1/progress-reports/", f"period={period}&{size}"),
        (
            "progress-reports ?changed",
            province,
            "/api/v1/progress-reports/",
            f"changed_since=2026-01-01&{size}",
        ),
        ("red-flags ?open", province, "/api/v1/red-flags/", f"status=open&{size}"),
        ("periods ?plan", province, "/api/v1/periods/", f"plan={plan}"),
        ("units", province, "/api/v1/units/", size),
        ("figures/units", province, "/api/v1/figures/units/", ""),
        ("figures/units ?plan&period", province, "/api/v1/figures/units/", f"plan={plan}&period={period}"),
        ("targets ?plan", province, "/api/v1/targets/", f"plan={plan}&{size}"),
        ("targets", province, "/api/v1/targets/", size),
        ("target-values", province, "/api/v1/target-values/", size),
        ("budget/rollups ?by=unit", province, "/api/v1/budget/rollups/", "by=unit"),
        ("budget/lines", province, "/api/v1/budget/lines/", size),
        ("unit: assignments", unit, "/api/v1/assignments/", size),
        ("unit: progress-reports", unit, "/api/v1/progress-reports/", size),
        ("unit: figures/units", unit, "/api/v1/figures/units/", ""),
        ("unit: targets", unit, "/api/v1/targets/", size),
    ]
    lists = {
        "assignments",
        "progress-reports",
        "red-flags ?open",
        "subtasks ?plan",
        "subtasks ?as_of",
        "target-values",
    }
    say("")
    say(f"{'endpoint':32} {'status':>6} {'rows':>5} {'KB':>6} {'queries':>7} {'median ms':>9} {'max ms':>7}")
    for name, token, path, query in endpoints:
        rows = [(name, query)]
        if name in lists:
            rows.append((f"{name} (page ≤10)", cursor_page(token, path, query)))
        for label, q in rows:
            status, body = call(token, path, q)  # warm
            # Counted by a wrapper: the query log is reset when a request starts.
            counter = _QueryCounter()
            with connection.execute_wrapper(counter):
                call(token, path, q)
            times = []
            for _ in range(args.samples):
                started = time.perf_counter()
                status, body = call(token, path, q)
                times.append((time.perf_counter() - started) * 1000)
            data = json.loads(body) if body else {}
            listed = data.get("results", data.get("units", data.get("rows", data.get("sections"))))
            count = len(listed) if isinstance(listed, list) else 1
            say(
                f"{label[:32]:32} {status:>6} {count:>5} {len(body) / 1024:6.1f} {counter.count:>7} "
                f"{statistics.median(times):9.1f} {max(times):7.1f}"
            )


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--profile", default="province", choices=["province", "medium", "small"])
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args()
    setup(args)
    say(f"Load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    config = prepare(args)
    measure(args, config)
    say(f"Load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

"""Benchmark (not a test): a reporting day's mixed load, beside the same users on the layout floor.

    .venv/bin/python bench/mixed.py --database-url postgres://postgres@127.0.0.1:5432/bench_pages \
        [--users 50] [--duration 120] [--workers 4]

On the province-scale data set (`manage.py generate_scale_data --profile province`), the portal runs
under gunicorn with the production settings; locust (bench/locust_mixed.py) drives it headless twice
in the same run, with the same number of users and think time:

1. the mix: 70 % unit staff (My tasks, a report form, a draft saved on their own assignment),
   20 % reviewers (the queue, a claim), 10 % leaders (the province, a plan's and a unit's dashboard);
2. the floor: every user on the signed-in page that shows only the layout.

Printed: latency, requests/s and errors per request and in all, and the mix's throughput against the
floor's. The issue's targets at 50 users on 2 cores: 0 errors, and the mix's throughput at least half
of the floor's. Drafts are saved in the database as a unit would (a draft per assignment and period,
overwritten by the next save).
"""

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from dashboard import free_port, settings_env, start_gunicorn
from dashboard_timing import say

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent


def prepare(users: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone
    from signed_in import session_for

    from kpis.models import AssignmentState, Period, PeriodKind, Status
    from tasks.models import Assignment, Plan
    from units.models import Role, Unit, UnitKind, User

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    open_months = {
        p.plan_id: p.pk
        for p in Period.objects.filter(
            kind=PeriodKind.MONTHLY, start__lte=today, end__gte=today, locked=False, plan__status="in_force"
        )
    }
    rng = random.Random(57)
    staff = []
    for user in (
        User.objects.filter(
            roles__role=Role.STAFF, unit__isnull=False, is_active=True, username__startswith="scale_"
        )
        .annotate(n=Count("unit__assignments"))
        .filter(n__gt=0)
        .order_by("pk")
    ):
        work = [
            (pk, open_months[plan])
            for pk, plan in Assignment.objects.leads_in_force()
            .filter(unit_id=user.unit_id, subtask__plan_id__in=open_months)
            .exclude(state__status__in=[Status.COMPLETED, Status.AWAITING_REVIEW])
            .values_list("pk", "subtask__plan_id")[:40]
        ]
        if work:
            staff.append({"session": session_for(user), "work": work})
    rng.shuffle(staff)
    reviewer = User.objects.get(username="scale_thamdinh")
    leader = User.objects.get(username="scale_lanhdao")
    claims = list(
        AssignmentState.objects.filter(status=Status.AWAITING_REVIEW)
        .order_by("claimed_at")
        .values_list("assignment_id", flat=True)[:300]
    )
    return {
        "staff": staff,
        "reviewers": [session_for(reviewer) for _ in range(max(1, users // 5))],
        "leaders": [session_for(leader) for _ in range(max(1, users // 10))],
        "claims": claims,
        "plans": list(Plan.objects.filter(status="in_force").values_list("pk", flat=True)),
        "units": list(
            Unit.objects.exclude(kind=UnitKind.GROUP)
            .filter(assignments__isnull=False)
            .distinct()
            .values_list("pk", flat=True)
        ),
    }


def run_locust(args, port, config, folder, which) -> list[dict]:
    env = {**os.environ, "BENCH_MIXED": json.dumps(config), "BENCH_WAIT": args.wait, "BENCH_USERS": which}
    prefix = folder / which
    command = [
        str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locust_mixed.py"), "--headless", "-u", str(args.users),
        "-r", str(max(1, args.users // 5)), "-t", f"{args.duration}s", "--host", f"http://127.0.0.1:{port}",
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    say(f"locust ({which}): {args.users} users, think time {args.wait} s, {args.duration} s…")
    subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        for row in list(csv.DictReader(failures.open()))[:5]:
            say(f"  failure: {row.get('Name')} {row.get('Error', '')[:160]} × {row.get('Occurrences')}")
    return rows


def print_rows(title, rows) -> dict:
    say("")
    say(title)
    say(f"{'request':22} {'count':>7} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7}")
    total = {}
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        say(
            f"{name:22} {row['Request Count']:>7} {row['Failure Count']:>6} {row['50%']:>7} {row['95%']:>7} "
            f"{row['99%']:>7} {float(row['Requests/s']):7.1f}"
        )
        if name == "ALL":
            total = row
    return total


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_pages"),
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument("--wait", default="1,2", help="think time between a user's rounds, min,max seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--cache-url", default="", help="CACHE_URL for the portal (empty: per process)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-mixed-"))
    env = settings_env(args, str(folder / "static"))
    os.environ.update(env)
    config = prepare(args.users)
    say(
        f"{len(config['staff'])} unit staff accounts with open work, {len(config['claims'])} claims waiting, "
        f"{len(config['plans'])} plans"
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    port = free_port()
    server = start_gunicorn(args, env, port)
    try:
        say(f"Load average before: {os.getloadavg()} on {os.cpu_count()} CPUs")
        floor = run_locust(args, port, config, folder, "floor")
        mix = run_locust(args, port, config, folder, "mix")
        say(f"Load average after: {os.getloadavg()}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # workers still inside requests the load left queued
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    floor_all = print_rows("The floor (layout only), same users:", floor)
    mix_all = print_rows("The reporting day's mix:", mix)
    ratio = float(mix_all["Requests/s"]) / max(float(floor_all["Requests/s"]), 0.001)
    say("")
    say(
        f"mix: {mix_all['Failure Count']} errors, {float(mix_all['Requests/s']):.1f} req/s = {ratio:.2f} × the "
        f"floor's {float(floor_all['Requests/s']):.1f} req/s (target: 0 errors, ≥ 0.5 ×)"
    )
    say(f"locust CSV files: {folder}")


if __name__ == "__main__":
    main()

"""Benchmark (not a test): the portal's overdue list and its downloads beside Debian's Redmine 5.

    .venv/bin/python bench/redmine.py --database-url postgres://postgres@127.0.0.1:5432/bench_pages \
        [--runs 7] [--issues 10000]

Run as root on Debian 12 (bookworm): the first run installs Debian's `redmine` package (5.0.4) with
its PostgreSQL backend and `puma` (apt-get, debconf preseeded: no questions, dbconfig-common left
out), points its default instance at a database of its own (--redmine-database-url, created if
missing), migrates it, loads Redmine's default data and adds a project of --issues open issues,
all past their due date, assigned round-robin to 120 users (bench/redmine_seed.rb). A second run
finds all of that in place and only serves and times it. The portal's side needs the
province-scale data set in --database-url (`manage.py generate_scale_data --profile province`),
whose overdue list holds about 10,000 lead assignments.

Both are served on this machine and timed over HTTP by the same client, one request at a time,
signed in: Redmine by puma (production, one process) after a login through its form, as a
non-admin member with the Manager role; the portal by gunicorn (production settings, DEBUG off) as
the province's leader. Per request: --runs timed runs after one untimed warm-up, the median, best
and worst of the whole exchange (request sent to the last byte read), the body's size and, for a
CSV, its rows. Printed beside them: the load average, and each portal download against Redmine's
CSV of the overdue issues (the issue's target: at least twice as fast, ratio ≤ 0.5). Both servers
are stopped when the script ends, however it ends.
"""

import argparse
import csv
import http.cookiejar
import io
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from dashboard import free_port, settings_env, start_gunicorn
from dashboard_timing import say

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REDMINE = Path("/usr/share/redmine")
INSTANCE = Path("/etc/redmine/default")
PASSWORD = "bench-nq57-redmine"  # noqa: S105 - a throwaway account on a local benchmark install
PRESEED = """\
redmine redmine/instances/default/dbconfig-install boolean false
redmine redmine/instances/default/database-type select pgsql
"""
# The overdue issues as the portal's overdue list selects them (open, due before today), with the
# portal download's columns (unit, plan, code, title, deadline, status, completion), sorted by the
# assignee as the portal sorts by unit.
REDMINE_FILTER = [
    ("set_filter", "1"),
    ("f[]", "status_id"), ("op[status_id]", "o"),
    ("f[]", "due_date"), ("op[due_date]", "<t-"), ("v[due_date][]", "1"),
    ("c[]", "assigned_to"), ("c[]", "project"), ("c[]", "subject"), ("c[]", "due_date"),
    ("c[]", "status"), ("c[]", "done_ratio"),
    ("sort", "assigned_to,id"),
]  # fmt: skip


def sh(command, **kwargs):
    say("$ " + " ".join(str(c) for c in command))
    return subprocess.run(command, check=True, **kwargs)


def redmine_env() -> dict:
    # Rails takes DATABASE_URL over database.yml: the portal's must not reach Redmine.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "CACHE_URL")}
    return {**env, "RAILS_ENV": "production", "BENCH_PASSWORD": PASSWORD}


def install_redmine():
    """Debian's package, once: later runs find /usr/share/redmine and skip apt-get."""
    if (REDMINE / "config.ru").exists() and shutil.which("puma"):
        return
    if os.geteuid() != 0:
        raise SystemExit("Redmine is not installed and installing it needs root (apt-get).")
    sh(["debconf-set-selections"], input=PRESEED, text=True)
    policy = subprocess.run(["apt-cache", "policy", "redmine"], capture_output=True, text=True).stdout
    if "Candidate:" not in policy or "Candidate: (none)" in policy:
        sh(["apt-get", "update", "-q"])
    sh(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "redmine", "redmine-pgsql", "puma"],
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def configure_redmine(url: str):
    """The default instance on its own PostgreSQL database, migrated, with Redmine's default data."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    wanted = (
        "production:\n  adapter: postgresql\n"
        f"  database: {name}\n  host: {parts.hostname or '127.0.0.1'}\n  port: {parts.port or 5432}\n"
        f"  username: {parts.username or 'postgres'}\n  password: {parts.password or ''}\n  encoding: utf8\n"
    )
    config = INSTANCE / "database.yml"
    if config.read_text() != wanted:
        original = INSTANCE / "database.yml.debian"
        if not original.exists():
            shutil.copy(config, original)
        config.write_text(wanted)
    server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url) as conn:
        loaded = conn.execute(
            "SELECT to_regclass('trackers') IS NOT NULL AND EXISTS (SELECT 1 FROM trackers)"
            if conn.execute("SELECT to_regclass('trackers')").fetchone()[0]
            else "SELECT false"
        ).fetchone()[0]
    if not loaded:
        sh(["rake", "db:migrate"], cwd=REDMINE, env=redmine_env())
        sh(["rake", "redmine:load_default_data"], cwd=REDMINE, env={**redmine_env(), "REDMINE_LANG": "en"})


def seed_redmine(issues: int):
    sh(
        ["ruby", "bin/rails", "runner", str(ROOT / "bench" / "redmine_seed.rb")],
        cwd=REDMINE,
        env={**redmine_env(), "BENCH_ISSUES": str(issues)},
    )


def start_redmine(port: int) -> subprocess.Popen:
    say(f"Redmine: puma on 127.0.0.1:{port} (production, one process)")
    log = open(Path(tempfile.gettempdir()) / f"bench-redmine-puma-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        ["puma", "-b", f"tcp://127.0.0.1:{port}", "-e", "production", "-t", "1:4", "config.ru"],
        cwd=REDMINE,
        env=redmine_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.time() + 180
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"puma exited with {process.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    stop(process)
    raise SystemExit(f"Redmine did not answer within 180 s; see {log.name}")


def stop(process):
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def redmine_client(base: str):
    """An opener holding Redmine's session cookie after signing in through the login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login") as response:
        page = response.read().decode()
    token = re.search(r'name="authenticity_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {
            "username": "bench",
            "password": PASSWORD,
            "authenticity_token": token,
            "back_url": f"{base}/my/page",
        }
    ).encode()
    with opener.open(f"{base}/login", data=form) as response:
        response.read()
        if "/login" in response.url:
            raise SystemExit("Could not sign in to Redmine as 'bench'")
    return opener


def portal_client(base: str, session: str):
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", f"sessionid={session}"), ("X-Forwarded-Proto", "https")]
    return opener


def rows_of(body: bytes, kind: str) -> str:
    if kind != "csv":
        return ""
    text = body.decode("utf-8-sig", errors="replace")
    return f"{sum(1 for _ in csv.reader(io.StringIO(text))) - 1:,}"


def fetch(opener, url: str) -> tuple[float, bytes]:
    """The whole exchange, request sent to the last byte read, in ms, and the body."""
    started = time.perf_counter()
    with opener.open(url, timeout=300) as response:
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"{url}: HTTP {response.status}")
    return (time.perf_counter() - started) * 1000, body


def portal_lists(env: dict) -> list[tuple[str, str, str]]:
    """(name, signed-in session, the list's address) for every list the portal downloads, each as
    the person who works from it."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count
    from signed_in import session_for

    from tasks.models import Assignment
    from units.models import Role, User

    call_command("migrate", verbosity=0)

    busiest = (
        Assignment.objects.leads_in_force()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit_id")
        .first()
    )
    staff = User.objects.filter(unit_id=busiest["unit_id"], roles__role=Role.STAFF, is_active=True).first()
    leader = session_for(User.objects.get(username="scale_lanhdao"))
    return [
        ("overdue list", leader, "/reports/dashboard/list/?overdue=1"),
        ("red-flag list", leader, "/kpis/flags/?"),
        ("review queue", session_for(User.objects.get(username="scale_thamdinh")), "/evidence/review/?"),
        ("not reported", session_for(User.objects.get(username="scale_thuongtruc")), "/kpis/not-reported/?"),
        (f"My tasks ({busiest['n']} assignments)", session_for(staff), "/kpis/?"),
    ]


def redmine_issue_ids(url: str) -> list[int]:
    import psycopg

    with psycopg.connect(url) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT i.id FROM issues i JOIN projects p ON p.id = i.project_id WHERE p.identifier = 'nq57' "
                "ORDER BY i.id"
            )
        ]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_pages"),
        help="the portal's province-scale database",
    )
    parser.add_argument(
        "--redmine-database-url",
        default="postgres://postgres@127.0.0.1:5432/redmine_bench",
        help="Redmine's own database (created if missing)",
    )
    parser.add_argument("--issues", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per request (after one warm-up)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--cache-url", default="", help="CACHE_URL for the portal (empty: per process)")
    parser.add_argument("--only", default="", help="only the portal lists whose name contains this")
    args = parser.parse_args()

    install_redmine()
    configure_redmine(args.redmine_database_url)
    seed_redmine(args.issues)
    ids = redmine_issue_ids(args.redmine_database_url)

    folder = Path(tempfile.mkdtemp(prefix="bench-redmine-"))
    env = settings_env(args, str(folder / "static"))
    lists = [entry for entry in portal_lists(env) if args.only in entry[0]]
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    redmine = portal = None
    try:
        redmine_port, portal_port = free_port(), free_port()
        redmine = start_redmine(redmine_port)
        portal = start_gunicorn(args, env, portal_port)
        rm_base, nq_base = f"http://127.0.0.1:{redmine_port}", f"http://127.0.0.1:{portal_port}"
        rm = redmine_client(rm_base)
        query = urllib.parse.urlencode(REDMINE_FILTER)
        issues = f"{rm_base}/projects/nq57/issues"
        # (name, opener, address, kind, the list it belongs to)
        requests = [
            ("Redmine: overdue issues (page 1 of 50)", rm, f"{issues}?{query}&per_page=50", "html", "Redmine"),
            (f"Redmine: CSV ({len(ids):,} issues)", rm, f"{issues}.csv?{query}&encoding=UTF-8", "csv", "Redmine"),
        ]  # fmt: skip
        for name, session, address in lists:
            nq = portal_client(nq_base, session)
            requests += [
                (f"{name}: page 1", nq, f"{nq_base}{address}", "html", name),
                (f"{name}: CSV", nq, f"{nq_base}{address}&export=csv", "csv", name),
                (f"{name}: Excel", nq, f"{nq_base}{address}&export=xlsx", "xlsx", name),
            ]
        bodies = {name: fetch(opener, url)[1] for name, opener, url, *_ in requests}  # warm-up, untimed
        # Redmine's CSV of as many rows as each portal download (the first n overdue issues by id).
        for name, *_ in lists:
            rows = int(rows_of(bodies[f"{name}: CSV"], "csv").replace(",", ""))
            if rows < len(ids):
                between = urllib.parse.urlencode(
                    [("f[]", "issue_id"), ("op[issue_id]", "><"), ("v[issue_id][]", ids[0]),
                     ("v[issue_id][]", ids[max(rows, 1) - 1])]
                )  # fmt: skip
                url = f"{issues}.csv?{query}&{between}&encoding=UTF-8"
                requests.append((f"Redmine: CSV ({rows:,} issues)", rm, url, "csv", "Redmine"))
                bodies[requests[-1][0]] = fetch(rm, url)[1]
        load_before = os.getloadavg()
        say(f"Load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} "
            f"on {os.cpu_count()} CPUs")  # fmt: skip
        # Rounds over every request, so a change in the machine's load falls on both sides alike.
        samples = {name: [] for name, *_ in requests}
        for _ in range(args.runs):
            for name, opener, url, *_ in requests:
                samples[name].append(fetch(opener, url)[0])
        load_after = os.getloadavg()
    finally:
        stop(portal)
        stop(redmine)

    redmine_csv = {}
    for name, *_rest in requests:
        if name.startswith("Redmine: CSV"):
            redmine_csv[int(rows_of(bodies[name], "csv").replace(",", ""))] = statistics.median(samples[name])
    say("")
    say(
        f"{'request':42} {'rows':>7} {'KB':>6} {'median ms':>9} {'best':>7} {'worst':>7} "
        f"{'Redmine CSV ms':>14} {'÷ Redmine':>9}"
    )
    verdicts = []
    for name, _opener, _url, kind, _list in requests:
        times, body = samples[name], bodies[name]
        median = statistics.median(times)
        rows = rows_of(body, kind)
        line = f"{name:42} {rows:>7} {len(body) // 1024:>6} {median:9.0f} {min(times):7.0f} {max(times):7.0f}"
        if kind != "html" and not name.startswith("Redmine"):
            count = int(rows_of(bodies[name.replace("Excel", "CSV")], "csv").replace(",", ""))
            peer = redmine_csv[min(count, len(ids))]
            line += f" {peer:14.0f} {median / peer:9.2f}"
            verdicts.append((name, peer / median))
        say(line)
    say("")
    for name, times_faster in verdicts:
        verdict = "met" if times_faster >= 2 else "MISSED"
        say(
            f"{name}: {times_faster:.2f} × faster than Redmine's CSV of as many rows (target ≥ 2 ×): {verdict}"
        )
    say(f"Load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")


if __name__ == "__main__":
    main()

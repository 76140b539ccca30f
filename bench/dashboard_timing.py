"""The per-page half of bench/dashboard.py: each page served in this process by Django's WSGI
handler (queries, server time, and the same SQL run directly by PostgreSQL), and what one sync of
an assignment's dashboard rows costs. Imported by bench/dashboard.py after Django is set up."""

import io
import json
import statistics
import sys
import time


def say(*args):
    print(*args, flush=True)


def measure_pages(args, config):
    """Per page: queries, server time, and the same SQL run directly by PostgreSQL.

    The server time is Django's own WSGI handler called in this process (every middleware, the
    view, the template, the session save) without the test client, whose template instrumentation
    would add its own cost; the median of --samples renders, queries not recorded while timed.

    Beside the dashboards, the same for what every signed-in request of this portal costs before it
    shows anything (the floors): a redirect, a page with nothing but the layout, an htmx fragment
    with one count. A dashboard page cannot cost less Python than its floor, so
    (its SQL + the floor's Python) / its SQL is the best server/SQL ratio any board could reach.
    """

    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    plan, unit = config["plans"][0], config["heads"][0][1]
    leader, head = config["leaders"][0], config["heads"][0][0]
    htmx = {"HTTP_HX_REQUEST": "true"}
    board = {**htmx, "HTTP_HX_TARGET": "board"}
    ranking = {**htmx, "HTTP_HX_TARGET": "ranking"}
    # (name, session, path, query, headers, floor it is measured against)
    pages = [
        ("province", leader, "/reports/dashboard/", "", {}, "layout"),
        ("province ?plan", leader, "/reports/dashboard/", f"plan={plan}", {}, "layout"),
        ("province ?kind", leader, "/reports/dashboard/", "kind=commune", {}, "layout"),
        ("htmx #board", leader, "/reports/dashboard/", f"plan={plan}&kind=commune", board, "fragment"),
        ("htmx #ranking", leader, "/reports/dashboard/", "sort=overdue", ranking, "fragment"),
        ("unit (as head)", head, f"/reports/dashboard/units/{unit}/", "", {}, "layout"),
    ]
    floors = [
        ("floor: redirect", leader, "/", "", {}, "redirect"),
        ("floor: layout", leader, "/accounts/password/done/", "", {}, "layout"),
        ("floor: fragment", leader, "/notifications/bell/", "", htmx, "fragment"),
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
        f"{'server/SQL':>10} {'KB':>5} {'best possible':>13}"
    )
    python_floor = {}
    for name, session, path, query, headers, kind in floors:
        server, count, explain, direct, ratio, size = _measure(
            call, args.samples, name, session, path, query, headers
        )
        python_floor[kind] = server - direct
        say(
            f"{name:18} {count:>7} {server:9.1f} {explain:16.1f} {direct:15.1f} "
            f"{ratio:10.2f} {size:>5}   Python {server - direct:.1f} ms"
        )
    results = []
    for name, session, path, query, headers, kind in pages:
        server, count, explain, direct, ratio, size = _measure(
            call, args.samples, name, session, path, query, headers
        )
        best = (direct + python_floor[kind]) / max(direct, 0.001)
        results.append((name, count, server, explain, direct, ratio, best))
        say(
            f"{name:18} {count:>7} {server:9.1f} {explain:16.1f} {direct:15.1f} "
            f"{ratio:10.2f} {size:>5} {best:13.2f}"
        )
    say(
        "best possible: (the page's SQL + the Python of its floor) / its SQL, i.e. the ratio if the board "
        "itself cost no Python at all."
    )
    return results


def _measure(call, samples, name, session, path, query, headers):
    """(median server ms, queries, EXPLAIN ms, median direct SQL ms, median server/SQL, KB) of one page.

    The page and its SQL are timed in turns, sample by sample, and the ratio is the median of the
    pairs' ratios: a virtual machine's speed drifts by tens of percent from minute to minute, and
    timing all the pages first and all the SQL afterwards would measure the drift as well.
    """
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        status, body = call(session, path, query, headers)
    assert status[:3] in ("200", "302"), (name, status)
    with CaptureQueriesContext(connection) as captured:
        call(session, path, query, headers)
    # Counted now: the next request's request_started signal empties the connection's query log.
    count = len(captured.captured_queries)
    statements = [q["sql"] for q in captured.captured_queries if not _is_transaction_control(q["sql"])]
    explain = _explain(connection, transaction, statements)
    servers, directs, ratios = [], [], []
    for _ in range(samples):
        started = time.perf_counter()
        call(session, path, query, headers)
        server = time.perf_counter() - started
        direct = _sql_time(connection, transaction, statements)
        servers.append(server)
        directs.append(direct)
        ratios.append(server / direct)
    return (
        statistics.median(servers) * 1000,
        count,
        explain,
        statistics.median(directs) * 1000,
        statistics.median(ratios),
        len(body) // 1024,
    )


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


def _explain(connection, transaction, statements) -> float:
    """EXPLAIN ANALYZE planning + execution of the statements, in ms, in a transaction rolled back."""
    total = 0.0
    with transaction.atomic():
        with connection.cursor() as cursor:
            for sql in statements:
                if sql.lstrip().upper().startswith("EXPLAIN"):
                    continue  # a page's own estimate (the audit list's count): no rows read
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                plan = cursor.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                total += plan.get("Planning Time", 0) + plan.get("Execution Time", 0)
        transaction.set_rollback(True)
    return total


def _sql_time(connection, transaction, statements) -> float:
    """Wall time (s) of running the statements on a plain psycopg cursor, rows fetched: no Django
    wrapper in the timing. In a transaction rolled back, should the page have written something."""
    with transaction.atomic():
        raw = connection.connection
        started = time.perf_counter()
        with raw.cursor() as plain:
            for sql in statements:
                plain.execute(sql.encode())
                if plain.description:
                    plain.fetchall()
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed

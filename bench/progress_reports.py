"""Benchmark (not a test): what the size of the progress reports table costs the queries that read it.

    DATABASE_URL=postgres://…/h_national_bench .venv/bin/python bench/progress_reports.py \\
        --today 2026-12-07 [--plans-of "tỉnh Lai Châu"] [--out DIR]

On the data set in the database (`generate_scale_data`, any profile), prints the table's rows and
sizes, then EXPLAIN (ANALYZE, BUFFERS) of each statement that reads kpis_progressreport in bulk:

1. the dashboard summary build's missing reports for the latest month (reports.dashboard.summary);
2. the sweep's no-report condition (kpis.flag_conditions.no_report_condition);
3. the official report's reads: the latest submitted report per assignment up to the cut-off and the
   quarter's own reports (reports.assembly.snapshot.lead_states), for every plan of the quarter, or
   only the plans whose issuer ends with --plans-of (one province's report in the national data);

each with its total time and, for every plan node on kpis_progressreport, its time, loops, rows and
buffers, so that the share of the table's reads is visible. The plans go to --out when given.
Refuses a database whose name does not contain "bench". Prints the load average: other work on the
same cores slows everything.
"""

import argparse
import dataclasses
import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nq57portal.settings.local")


def say(*args):
    print(*args, flush=True)


def sizes(cursor):
    cursor.execute(
        "SELECT c.relname, c.reltuples::bigint, pg_relation_size(c.oid) FROM pg_class c "
        "WHERE c.relname = 'kpis_progressreport' OR c.oid IN (SELECT indexrelid FROM pg_index "
        "WHERE indrelid = 'kpis_progressreport'::regclass) ORDER BY 3 DESC"
    )
    for name, rows, size in cursor.fetchall():
        say(f"  {name:60} {rows:>12,} rows {size / 2**20:>9,.0f} MB")


def nodes(plan, out, depth=0):
    """Plan nodes that read kpis_progressreport (a scan of the table or one of its indexes)."""
    relation = plan.get("Relation Name", "") or ""
    index = plan.get("Index Name", "") or ""
    if "progressreport" in relation or "progressreport" in index:
        out.append(plan)
    for child in plan.get("Plans", []):
        nodes(child, out, depth + 1)
    return out


def explain(cursor, label, queryset, folder):
    sql, params = queryset.query.sql_with_params()
    wall = time.perf_counter()
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
    wall = time.perf_counter() - wall
    document = cursor.fetchone()[0]
    if isinstance(document, str):
        document = json.loads(document)
    top = document[0]
    say(
        f"\n{label}: {top['Execution Time'] / 1000:.2f} s (planning {top['Planning Time']:.0f} ms; wall {wall:.2f} s)"
    )
    for node in nodes(top["Plan"], []):
        total = node["Actual Total Time"] * node["Actual Loops"] / 1000
        hits, reads = node.get("Shared Hit Blocks", 0), node.get("Shared Read Blocks", 0)
        say(
            f"  {node['Node Type']} {node.get('Index Name') or node.get('Relation Name')}: "
            f"{total:.2f} s, {node['Actual Loops']:,} loops, {node['Actual Rows'] * node['Actual Loops']:,.0f} rows, "
            f"buffers hit {hits:,} read {reads:,}"
        )
    if folder:
        (folder / f"{label.split(':')[0].replace(' ', '_')}.json").write_text(json.dumps(document, indent=1))
    return top["Execution Time"] / 1000


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--today", required=True, help="the data set's today (generate_scale_data --today)")
    parser.add_argument(
        "--plans-of", default="", help="only the plans whose issuer ends with this (the report)"
    )
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--only", choices=["dashboard", "sweep", "report"], help="only these statements")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, F

    from kpis.flag_conditions import no_report_condition
    from kpis.models import Period, PeriodKind, ProgressReport, ReportStatus
    from reports.assembly import resolve_scope
    from reports.assembly.scope import reportable_plans
    from reports.assembly.snapshot import _history_of, _latest
    from reports.dashboard.summary import missing_months, missing_queryset

    if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Point DATABASE_URL at a PostgreSQL database whose name contains 'bench'.")
    today = datetime.date.fromisoformat(args.today)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    say(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with connection.cursor() as cursor:
        say("kpis_progressreport and its indexes:")
        sizes(cursor)
        month = missing_months(today)[0]
        wanted = {args.only} if args.only else {"dashboard", "sweep", "report"}
        if "dashboard" in wanted:
            explain(
                cursor,
                f"1 dashboard build: missing reports of {month:%m/%Y}",
                missing_queryset(month)
                .order_by()
                .values("subtask__plan_id", "subtask__general_task__section_id", "unit_id", "unit__kind")
                .annotate(n=Count("pk")),
                args.out,
            )
        if "sweep" in wanted:
            explain(
                cursor,
                "2 sweep: no-report condition",
                no_report_condition(today).values("pk", "due_period"),
                args.out,
            )
        if "report" not in wanted:
            return
        quarters = Period.objects.filter(
            kind=PeriodKind.QUARTERLY, plan__in=reportable_plans(), cutoff__lt=today
        ).order_by("-end", "plan_id")
        if args.plans_of:
            quarters = quarters.filter(plan__issuer__endswith=args.plans_of)
        scope = resolve_scope(kind=PeriodKind.QUARTERLY, period=quarters.first())
        if args.plans_of:
            from tasks.models import Plan

            ids = Plan.objects.filter(pk__in=scope.plan_ids, issuer__endswith=args.plans_of)
            scope = dataclasses.replace(scope, plan_ids=tuple(ids.values_list("pk", flat=True)))
        say(f"\nreport: {scope.label}, {len(scope.plan_ids)} plans, cut-off {scope.cutoff:%d/%m/%Y}")
        sent = ProgressReport.objects.filter(
            assignment__in=_history_of(scope),
            status=ReportStatus.SUBMITTED,
            submitted_at__lte=scope.cutoff_at,
        ).order_by()
        order = [F("period__start").desc(), F("submitted_at").desc(), F("version").desc()]
        explain(
            cursor,
            "3a report: latest report per assignment",
            _latest(sent, order).values_list("assignment_id", "submitted_at", "is_claim", "completion"),
            args.out,
        )
        explain(
            cursor,
            "3b report: the quarter's reports",
            _latest(
                sent.filter(period__start__gte=scope.start, period__end__lte=scope.end), order
            ).values_list("assignment_id", "results", "difficulties", "proposals"),
            args.out,
        )
    say(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

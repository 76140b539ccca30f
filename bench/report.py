"""Benchmark (not a test): the PDF of a quarterly report whose appendix has 2,000 sub-tasks.

    .venv/bin/python bench/report.py [--rows 2000] [--workers N] [--no-plain] [--out DIR]

Prints the time of a plain single WeasyPrint render of the whole report beside ours (body and
appendix slices rendered in parallel processes and joined). Target (issue 8): ours under 15 s
on 2 cores. The machine's load average is printed too: other work on the same cores slows both.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nq57portal.settings.local")


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    children = os.times()
    result = fn()
    after = os.times()
    child_cpu = (after.children_user - children.children_user) + (
        after.children_system - children.children_system
    )
    return result, time.perf_counter() - wall, time.process_time() - cpu + child_cpu


def _peak_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _db_report(rows: int, period_end: str | None, plans_of: str = ""):
    """A quarterly report of all plans for the whole province, assembled from the database as
    of the quarter's cut-off (timed), its appendix cut to its first `rows` rows."""
    import datetime

    from django.utils import timezone

    from kpis.models import Period, PeriodKind
    from reports.assembly import assemble, build_document, default_narrative, inputs_sha256, resolve_scope
    from reports.assembly.scope import reportable_plans
    from reports.services import default_header

    quarters = Period.objects.filter(
        kind=PeriodKind.QUARTERLY, plan__in=reportable_plans(), cutoff__lt=timezone.localdate()
    ).order_by("-end", "plan_id")
    if period_end:
        quarters = quarters.filter(end=datetime.date.fromisoformat(period_end))
    period = quarters.first()
    if period is None:
        raise SystemExit(
            "no quarterly period in the database: run generate_scale_data --profile province first"
        )
    scope = resolve_scope(kind=PeriodKind.QUARTERLY, period=period)
    if plans_of:  # one province's (or ministry's) plans of a national data set
        from tasks.models import Plan

        ids = Plan.objects.filter(pk__in=scope.plan_ids, issuer__endswith=plans_of).values_list(
            "pk", flat=True
        )
        scope = dataclasses.replace(scope, plan_ids=tuple(ids))
    before = _peak_mb()
    inputs, wall, cpu = _timed(lambda: assemble(scope))
    total_rows = sum(len(s["rows"]) for s in inputs["appendix"])
    print(
        f"assembled {scope.label} as of {scope.cutoff:%d/%m/%Y}: {len(scope.plan_ids)} plans, "
        f"{inputs['totals']['subtasks']} sub-tasks, {inputs['totals']['total']} lead assignments, "
        f"{total_rows} appendix rows in {wall:.1f} s (cpu {cpu:.1f} s); "
        f"peak memory {_peak_mb():,.0f} MB (before: {before:,.0f} MB)"
    )
    left, sections = rows, []
    for section in inputs["appendix"]:
        if left <= 0:
            break
        sections.append({**section, "rows": section["rows"][:left]})
        left -= len(sections[-1]["rows"])
    inputs = {**inputs, "appendix": sections}
    header = default_header(scope, inputs, today=timezone.localdate())
    doc = build_document(inputs, header, default_narrative(inputs), sha256=inputs_sha256(inputs))
    print(f"appendix cut to its first {doc.appendix.row_count} rows for the render")
    return doc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--no-plain", action="store_true", help="skip the plain single render")
    parser.add_argument("--out", type=Path, default=None, help="write the PDFs into this folder")
    parser.add_argument(
        "--from-db",
        action="store_true",
        help="assemble the report from the database (the province-scale data of "
        "`generate_scale_data --profile province`) instead of the sample",
    )
    parser.add_argument(
        "--period-end", default=None, help="with --from-db: the quarter's last day (yyyy-mm-dd)"
    )
    parser.add_argument(
        "--plans-of",
        default="",
        help="with --from-db: only the plans whose issuer ends with this, e.g. 'tỉnh Lai Châu' "
        "(one province's report in the national data set)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    # WeasyPrint logs every page at INFO under some settings; the benchmark wants quiet.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    from pypdf import PdfReader

    from reports.document import document_sha256
    from reports.pdf import render_report_pdf, render_report_pdf_single
    from reports.pdf.render import default_workers
    from reports.sample import sample_report

    if args.from_db:
        doc = _db_report(args.rows, args.period_end, args.plans_of)
    else:
        doc = sample_report(args.rows)
        doc = dataclasses.replace(doc, sha256=document_sha256(doc))
    workers = args.workers or default_workers()
    print(f"report: {args.rows} appendix rows, {len(doc.appendix.sections)} sections; {workers} worker(s)")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    def pages(pdf: bytes) -> int:
        return len(PdfReader(io.BytesIO(pdf)).pages)

    results = {}
    if not args.no_plain:
        pdf, wall, cpu = _timed(lambda: render_report_pdf_single(doc))
        results["plain"] = pdf
        print(
            f"plain single render : {wall:6.1f} s  (cpu {cpu:5.1f} s)  {pages(pdf)} pages, {len(pdf) / 1e6:.1f} MB"
        )
    stats: dict = {}
    pdf, wall, cpu = _timed(lambda: render_report_pdf(doc, workers=workers, stats=stats))
    results["ours"] = pdf
    verdict = "under" if wall < 15 else "OVER"
    print(
        f"ours (parallel)     : {wall:6.1f} s  (cpu {cpu:5.1f} s)  {pages(pdf)} pages, "
        f"{len(pdf) / 1e6:.1f} MB  — {verdict} the 15 s target"
    )
    per_worker: dict[int, float] = {}
    for pid, _, part_cpu, _ in stats["parts"]:
        per_worker[pid] = per_worker.get(pid, 0.0) + part_cpu
    parts = ", ".join(f"{n}p {c:.1f}s" for _, n, c, _ in stats["parts"])
    print(f"  parts (pages, cpu)  : {parts}")
    print(f"  join                : {stats['join_wall']:.2f} s")
    print(
        f"  busiest worker cpu + join = {max(per_worker.values()) + stats['join_cpu']:.1f} s "
        "(the wall time with the 2 cores to ourselves)"
    )
    print(f"load average after : {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"peak memory of this process: {_peak_mb():,.0f} MB (the render's workers are other processes)")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, data in results.items():
            (args.out / f"report_{args.rows}_{name}.pdf").write_bytes(data)
        print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

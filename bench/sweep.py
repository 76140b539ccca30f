"""Benchmark of the red-flag sweep (not a test).

Builds a province (60,000 lead assignments) or the nation (40 × that: 2.4 million) in a
PostgreSQL database of its own, then prints, on the same data:

1. one hand-written set-based SQL statement that inserts every flag the rules raise;
2. the sweep (kpis.sweep.sweep) raising the same flags from nothing;
3. a second sweep with nothing to change.

    createdb -h 127.0.0.1 -U postgres nq57_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nq57_bench \\
        .venv/bin/python bench/sweep.py [--scale province|national] [--keep]

The database is migrated and its plan data replaced (never point it at real data: it refuses
unless the database name contains "bench"). --keep reuses data built by an earlier run.
--scale-data DAY measures instead on the data set already in the database, built by
`generate_scale_data --today DAY` (e.g. `--profile national`), as of noon that day.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nq57portal.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

SUBTASKS_PER_PROVINCE = 600
UNITS_PER_PROVINCE = 100  # 600 × 100 = 60,000 lead assignments per province
START = datetime.date(2025, 1, 1)
NOON = datetime.time(12)
NOW = timezone.make_aware(datetime.datetime.combine(datetime.date(2025, 9, 25), NOON))


def say(*args):
    print(*args, flush=True)


def build(provinces: int) -> None:
    from kpis.services import periods_ensure
    from tasks.models import GeneralTask, Plan, PlanStatus, Section, SubTask
    from units.models import Unit, User

    with connection.cursor() as c:
        c.execute(
            "TRUNCATE kpis_redflag, kpis_kpivalue, kpis_progressreport, kpis_assignmentstate, kpis_period, "
            "tasks_assignment, tasks_subtask, tasks_generaltask, tasks_section, tasks_plan CASCADE"
        )
    user, _ = User.objects.get_or_create(username="bench", defaults={"full_name": "Bench"})
    units = []
    for p in range(provinces):
        batch = [
            Unit(name=f"Bench P{p:02d} đơn vị {u:03d}", key=f"bench-p{p:02d}-u{u:03d}")
            for u in range(UNITS_PER_PROVINCE)
        ]
        units.append(batch)
    Unit.objects.bulk_create([u for batch in units for u in batch], ignore_conflicts=True, batch_size=2000)
    t = time.perf_counter()
    for p in range(provinces):
        plan = Plan.objects.create(title=f"Kế hoạch bench {p}", code=f"{p}-KH/BENCH", issue_date=START,
                                   status=PlanStatus.IN_FORCE)  # fmt: skip
        section = Section.objects.create(plan=plan, code="I", title="Mục I")
        gtasks = GeneralTask.objects.bulk_create(
            GeneralTask(section=section, code=str(g + 1), title=f"Nhiệm vụ {g + 1}", order=g)
            for g in range(20)
        )
        subtasks = []
        for s in range(SUBTASKS_PER_PROVINCE):
            ongoing = s % 10 == 0
            deadline = None if ongoing else START + datetime.timedelta(days=120 + (s * 7) % 300)
            subtasks.append(
                SubTask(general_task=gtasks[s % 20], plan=plan, code=f"{s % 20 + 1}.{s}", title=f"Tiểu nhiệm vụ {s}",
                        start_date=None if s % 3 else START, deadline=deadline, ongoing=ongoing, order=s)
            )  # fmt: skip
        SubTask.objects.bulk_create(subtasks, batch_size=2000)
        periods_ensure(now=NOW, plan=plan)
    with connection.cursor() as c:
        # every sub-task of a province led by each of the province's units
        c.execute(
            """
            INSERT INTO tasks_assignment (subtask_id, unit_id, role, created_at)
            SELECT s.id, u.id, 'lead', now()
            FROM tasks_subtask s JOIN tasks_plan p ON p.id = s.plan_id
            JOIN units_unit u ON u.key LIKE 'bench-p' || lpad(split_part(p.code, '-', 1), 2, '0') || '-%%'
            """
        )
        # statuses and latest completions spread so that every rule fires for some
        c.execute(
            """
            INSERT INTO kpis_assignmentstate (assignment_id, status, latest_completion, return_reason, updated_at)
            SELECT a.id,
                   CASE WHEN a.id % 10 = 0 THEN 'completed' WHEN a.id % 23 = 0 THEN 'returned'
                        WHEN a.id % 17 = 0 THEN 'awaiting_review' WHEN a.id % 7 = 0 THEN 'not_started'
                        ELSE 'in_progress' END,
                   CASE WHEN a.id % 7 = 0 THEN NULL ELSE (a.id * 37) % 101 END,
                   CASE WHEN a.id % 23 = 0 THEN 'Thiếu minh chứng' ELSE '' END, now()
            FROM tasks_assignment a
            """
        )
        # 80 % of the lead units sent August's report
        c.execute(
            """
            INSERT INTO kpis_progressreport (assignment_id, period_id, version, status, completion, results,
                difficulties, proposals, is_claim, created_by_id, created_at, updated_at, submitted_by_id, submitted_at)
            SELECT a.id, pe.id, 1, 'submitted', 50, '', '', '', false, %s, now(), now(), %s, now()
            FROM tasks_assignment a JOIN tasks_subtask s ON s.id = a.subtask_id
            JOIN kpis_period pe ON pe.plan_id = s.plan_id AND pe.kind = 'monthly' AND pe.start = '2025-08-01'
            WHERE a.id %% 5 <> 0
            """,
            [user.pk, user.pk],
        )
        c.execute("ANALYZE")
    say(f"built in {time.perf_counter() - t:.1f} s")


HAND_WRITTEN = """
WITH lead AS (
    SELECT a.id, a.subtask_id, a.unit_id, s.plan_id, s.deadline, s.ongoing,
           COALESCE(st.status, 'not_started') AS status, COALESCE(st.latest_completion, 0) AS actual,
           COALESCE(s.start_date, p.start_date, p.issue_date) AS s_date, st.latest_report_id
    FROM tasks_assignment a
    JOIN tasks_subtask s ON s.id = a.subtask_id
    JOIN tasks_plan p ON p.id = s.plan_id AND p.status = 'in_force'
    LEFT JOIN kpis_assignmentstate st ON st.assignment_id = a.id
    WHERE a.role = 'lead'
), due AS (
    SELECT DISTINCT ON (plan_id) plan_id, id, cutoff, "end" FROM kpis_period
    WHERE kind = 'monthly' AND due_date < %(today)s ORDER BY plan_id, due_date DESC
), raised AS (
    SELECT id, subtask_id, unit_id, 'overdue' AS kind, NULL::bigint AS period_id,
           format('Quá hạn %%s ngày', %(today)s::date - deadline) AS msg, '' AS episode
    FROM lead WHERE NOT ongoing AND deadline < %(today)s AND status <> 'completed'
  UNION ALL
    SELECT id, subtask_id, unit_id, 'lagging', NULL,
           format('đã qua %%s/%%s ngày thực hiện, dự kiến đạt %%s %%%%, báo cáo mới %%s %%%%',
                  LEAST(%(today)s::date - s_date, deadline - s_date), deadline - s_date,
                  round(100.0 * LEAST(%(today)s::date - s_date, deadline - s_date) / (deadline - s_date), 2), actual),
           'report:' || COALESCE(latest_report_id, 0)
    FROM lead WHERE NOT ongoing AND deadline >= %(today)s AND deadline > s_date  -- then overdue
      AND status NOT IN ('completed', 'awaiting_review')
      AND 100 * (%(today)s::date - s_date) >= %(minimum)s * (deadline - s_date)
      AND actual * (deadline - s_date) < %(ratio)s * 100 * LEAST(%(today)s::date - s_date, deadline - s_date)
  UNION ALL
    SELECT id, subtask_id, unit_id, 'quality', NULL, 'Bị trả lại', '' FROM lead WHERE status = 'returned'
  UNION ALL
    SELECT l.id, l.subtask_id, l.unit_id, 'no_report', due.id, 'Chưa gửi báo cáo', to_char(due."end", 'YYYY-MM')
    FROM lead l JOIN due ON due.plan_id = l.plan_id AND due.cutoff >= COALESCE(l.s_date, '1900-01-01')
    WHERE l.status NOT IN ('completed', 'awaiting_review')
      AND NOT (NOT l.ongoing AND l.deadline < %(today)s)  -- an overdue task is told by its overdue flag
      AND NOT EXISTS (SELECT 1 FROM kpis_progressreport r WHERE r.assignment_id = l.id
                      AND r.period_id = due.id AND r.status = 'submitted')
)
INSERT INTO kpis_redflag (kind, assignment_id, subtask_id, unit_id, period_id, numbers, message_vi, episode,
                          raised_at)
SELECT kind, id, subtask_id, unit_id, period_id, '{}'::jsonb, msg, episode, now() FROM raised
ON CONFLICT DO NOTHING
"""


def timed(label, fn):
    t = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - t
    say(f"{label:<52} {elapsed:8.2f} s   {result}")
    return elapsed, result


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["province", "national"], default="province")
    parser.add_argument("--keep", action="store_true", help="reuse the data of an earlier run")
    parser.add_argument(
        "--scale-data",
        metavar="DAY",
        help="measure on the generate_scale_data set already in the database, built with --today DAY",
    )
    args = parser.parse_args()
    global NOW
    if args.scale_data:
        NOW = timezone.make_aware(
            datetime.datetime.combine(datetime.date.fromisoformat(args.scale_data), NOON)
        )
    if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Point DATABASE_URL at a PostgreSQL database whose name contains 'bench'.")
    from django.conf import settings

    from kpis.flags import RedFlag
    from kpis.sweep import sweep
    from tasks.models import Assignment

    call_command("migrate", verbosity=0)
    provinces = 1 if args.scale == "province" else 40
    if not (args.keep or args.scale_data):
        build(provinces)
    leads = Assignment.objects.filter(role="lead").count()
    scale = f"generate_scale_data as of {args.scale_data}" if args.scale_data else args.scale
    say(f"scale: {scale} — {leads:,} lead assignments; today = {timezone.localdate(NOW):%d/%m/%Y}")
    say(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    def hand_written():
        with transaction.atomic(), connection.cursor() as c:
            c.execute(
                HAND_WRITTEN,
                {
                    "today": timezone.localdate(NOW),
                    "ratio": settings.FLAG_LAGGING_RATIO,
                    "minimum": settings.FLAG_LAGGING_MIN_EXPECTED,
                },
            )
            return f"{c.rowcount:,} flags"

    def run_sweep():
        result = sweep(now=NOW)
        return f"{sum(result.raised.values()):,} raised, {sum(result.resolved.values()):,} resolved " + str(
            dict(result.raised)
        )

    with connection.cursor() as c:
        c.execute("TRUNCATE kpis_redflag CASCADE")  # and what references the flags
    hand, _ = timed("hand-written SQL (one INSERT … SELECT, all kinds)", hand_written)
    by_hand = RedFlag.objects.count()
    with connection.cursor() as c:
        c.execute("TRUNCATE kpis_redflag CASCADE")  # and what references the flags (none here)
    first, _ = timed("sweep, from no flags", run_sweep)
    assert RedFlag.objects.count() == by_hand, (RedFlag.objects.count(), by_hand)
    second, _ = timed("second sweep, nothing to change", run_sweep)
    say(f"sweep / hand-written = {first / hand:.2f}×; quiet sweep = {second:.2f} s")
    say(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

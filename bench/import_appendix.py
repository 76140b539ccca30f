"""Benchmark (not a test): importing a plan's appendix of --rows sub-tasks, the first time and again
unchanged.

    .venv/bin/python bench/import_appendix.py --database-url postgres://postgres@127.0.0.1:5432/bench_import \
        [--rows 2000]

The workbook is written here in the layout offices send (title rows, the seven-column header, a
section every 200 rows, a general task every 10), every sub-task led by "UBND cấp xã" (each of the
registry's 95 communes) with a department co-ordinating: 2,000 rows become ≈ 191,000 lead
assignments. It is imported with `manage.py import_plan` as the secretariat would (read, match the
units, preview, write), into a new plan, then the same file again, which must change nothing. The
issue's targets on 2 cores: under 10 s the first time, under 3 s unchanged.

Only on a database whose name contains "bench": the plan it imported last time is deleted first.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CODE = "BENCH-IMPORT/2000"


def say(*args):
    print(*args, flush=True)


def workbook(path: Path, rows: int) -> Path:
    import openpyxl

    sys.path.insert(0, str(ROOT / "tests" / "tasks"))
    from _import_helpers import HEADER

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Phụ lục")
    sheet.append(["PHỤ LỤC"])
    sheet.append(["Kế hoạch đo thời gian nhập phụ lục"])
    sheet.append(HEADER)
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    task = 0
    for n in range(rows):
        if n % 200 == 0:
            sheet.append([f"{roman[n // 200]}. Nhóm nhiệm vụ số {n // 200 + 1}"])
        general = None
        if n % 10 == 0:
            task += 1
            general = f"{task}. Nhiệm vụ tổng quát số {task}: chuyển đổi số và cải cách hành chính"
        sheet.append(
            [
                general,
                f"{task}.{n % 10 + 1} Tiểu nhiệm vụ {n + 1}: triển khai dịch vụ công trực tuyến toàn trình",
                "Báo cáo kết quả",
                "100% hồ sơ được xử lý trực tuyến",
                "UBND cấp xã",
                "Sở Khoa học và Công nghệ",
                f"{1 + n % 28:02d}/{1 + n % 12:02d}/2027",
            ]
        )
    book.save(path)
    return path


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_import"),
    )
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--unchanged-runs", type=int, default=3, help="imports of the unchanged file")
    args = parser.parse_args()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "nq57portal.settings.test",
            "DATABASE_URL": args.database_url,
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tasks.models import Assignment, Plan
    from units.loading import DEMO_COMMUNES_CSV, UNITS_CSV, load_units

    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("Refusing: the database name must contain 'bench'.")
    call_command("migrate", verbosity=0)
    load_units([UNITS_CSV, DEMO_COMMUNES_CSV])
    for plan in Plan.objects.filter(code=CODE):
        with connection.cursor() as cursor:  # the cascade one statement per table, not per row
            cursor.execute(
                "DELETE FROM tasks_assignment WHERE subtask_id IN (SELECT id FROM tasks_subtask WHERE plan_id = %s)",
                [plan.pk],
            )
        plan.delete()
    path = workbook(Path(tempfile.mkdtemp(prefix="bench-import-")) / "phu-luc-2000.xlsx", args.rows)
    say(f"Workbook: {args.rows:,} sub-tasks, {path.stat().st_size // 1024} KB")
    say(f"Load average before: {os.getloadavg()} on {os.cpu_count()} CPUs")

    def imported() -> float:
        out = io.StringIO()
        started = time.perf_counter()
        call_command("import_plan", str(path), plan_code=CODE, issuer="Ban Chỉ đạo", stdout=out)
        spent = time.perf_counter() - started
        say("  " + out.getvalue().strip().splitlines()[-1])
        return spent

    first = imported()
    plan = Plan.objects.get(code=CODE)
    leads = Assignment.objects.filter(subtask__plan=plan).count()
    say(f"first import: {first:.1f} s ({leads:,} assignments; target < 10 s)")
    again = [imported() for _ in range(args.unchanged_runs)]
    say(
        f"unchanged: median {statistics.median(again):.1f} s, best {min(again):.1f} s of {len(again)} "
        "(target < 3 s)"
    )
    say(f"Load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

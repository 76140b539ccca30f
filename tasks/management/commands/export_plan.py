from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tasks.exporting import plan_to_json, plan_to_xlsx_bytes
from tasks.models import Plan


class Command(BaseCommand):
    help = "Xuất kế hoạch ra JSON (theo cấu trúc plan_07_appendix.json) hoặc Excel 7 cột."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="Mã số (id) hoặc số, ký hiệu của kế hoạch")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument(
            "--output", "-o", default="", help="Tệp ghi ra (mặc định: in ra màn hình với json)"
        )

    def handle(self, *args, plan, format, output, **options):
        found = Plan.objects.filter(pk=int(plan)).first() if plan.isdigit() else None
        found = found or Plan.objects.filter(code=plan).first()
        if found is None:
            raise CommandError(f"Không có kế hoạch “{plan}”.")
        if format == "json":
            text = plan_to_json(found)
            if output:
                Path(output).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        if not output:
            raise CommandError("Xuất Excel cần --output TỆP.xlsx")
        Path(output).write_bytes(plan_to_xlsx_bytes(found))
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {output}"))

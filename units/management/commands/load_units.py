from django.core.management.base import BaseCommand, CommandError

from units.loading import DEMO_COMMUNES_CSV, UNITS_CSV, UnitsCsvError, load_units


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị từ CSV (mặc định: units/data/units.csv và danh sách xã, phường mẫu)."

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", help="Tệp CSV: name, short_name, kind, aliases, groups, is_demo"
        )
        parser.add_argument("--no-demo", action="store_true", help="Không nạp danh sách xã, phường mẫu")

    def handle(self, *args, files, no_demo, **options):
        paths = files or ([UNITS_CSV] if no_demo else [UNITS_CSV, DEMO_COMMUNES_CSV])
        try:
            result = load_units(paths)
        except (OSError, UnitsCsvError) as exc:
            raise CommandError(str(exc)) from exc
        for name in result.created:
            self.stdout.write(f"  + {name}")
        for name in result.updated:
            self.stdout.write(f"  ~ {name}")
        for problem in result.problems:
            self.stderr.write(f"  ! {problem}")
        self.stdout.write(self.style.SUCCESS(f"Danh mục đơn vị: {result.summary()}."))

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore
from ops.dbroles import RoleError


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu và tệp riêng từ một bản sao lưu; kiểm tra lại SHA-256 từng tệp."

    def add_arguments(self, parser):
        parser.add_argument("source")
        parser.add_argument(
            "--yes", action="store_true", help="Không hỏi lại (dữ liệu hiện tại sẽ bị thay thế)"
        )

    def handle(self, *args, source, yes=False, **options):
        if not yes and input("Dữ liệu hiện tại sẽ bị thay thế. Gõ 'yes' để tiếp tục: ").strip() != "yes":
            raise CommandError("Đã huỷ.")
        try:
            manifest = restore(Path(source))
        except (BackupError, RoleError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Đã khôi phục {len(manifest['files'])} tệp và cơ sở dữ liệu."))

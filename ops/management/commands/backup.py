from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp riêng (kèm SHA-256) vào một thư mục."

    def add_arguments(self, parser):
        parser.add_argument("target", nargs="?", help="Thư mục đích (mặc định: backups/<thời điểm>)")

    def handle(self, *args, target=None, **options):
        path = Path(target or f"backups/{timezone.now():%Y%m%d-%H%M%S}")
        try:
            manifest = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {path} ({len(manifest['files'])} tệp)."))

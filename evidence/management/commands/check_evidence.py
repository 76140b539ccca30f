"""Re-hash every stored evidence file against its recorded SHA-256.

Lists files that are missing, altered (content no longer matches) and orphaned (in the private
evidence folder with no row). Exits 1 when any is found, so a cron job or a monitor can alert.
"""

import datetime
import hashlib

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from evidence.models import Evidence
from evidence.services import FOLDER, private_storage

CHUNK = 1024 * 1024


def _walk(storage, folder):
    """Every file name under `folder`, through the storage API (works for S3 as for disk)."""
    try:
        dirs, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in dirs:
        yield from _walk(storage, f"{folder}/{sub}")


def _sha256(storage, name) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class Command(BaseCommand):
    help = "Kiểm tra toàn vẹn tệp minh chứng: thiếu tệp, tệp bị sửa, tệp mồ côi (không có bản ghi)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--orphan-grace-minutes",
            type=int,
            default=10,
            help="Bỏ qua tệp mồ côi mới ghi trong số phút này (có thể là tệp đang được tải lên).",
        )

    def handle(self, *args, orphan_grace_minutes=10, **options):
        storage = private_storage()
        missing, altered, checked = [], [], 0
        known = set()
        rows = Evidence.objects.only("pk", "stored_name", "sha256", "size", "original_name").order_by("pk")
        for evidence in rows.iterator(chunk_size=500):
            known.add(evidence.stored_name)
            checked += 1
            try:
                sha256, size = _sha256(storage, evidence.stored_name)
            except (FileNotFoundError, OSError):
                missing.append(evidence)
                continue
            if sha256 != evidence.sha256 or size != evidence.size:
                altered.append((evidence, sha256, size))

        cutoff = timezone.now() - datetime.timedelta(minutes=orphan_grace_minutes)
        orphans = []
        for name in _walk(storage, FOLDER):
            if name in known:
                continue
            try:
                fresh = orphan_grace_minutes > 0 and storage.get_modified_time(name) > cutoff
            except (OSError, NotImplementedError):
                fresh = False
            if not fresh:
                orphans.append(name)

        for evidence in missing:
            self.stdout.write(f"THIẾU   #{evidence.pk} {evidence.stored_name} ({evidence.original_name})")
        for evidence, sha256, size in altered:
            self.stdout.write(
                f"BỊ SỬA  #{evidence.pk} {evidence.stored_name} ({evidence.original_name}): "
                f"SHA-256 {sha256} ({size} byte), bản ghi {evidence.sha256} ({evidence.size} byte)"
            )
        for name in orphans:
            self.stdout.write(f"MỒ CÔI  {name}")
        summary = (
            f"Đã kiểm tra {checked} tệp minh chứng: {len(missing)} thiếu, {len(altered)} bị sửa, "
            f"{len(orphans)} tệp mồ côi."
        )
        if missing or altered or orphans:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))

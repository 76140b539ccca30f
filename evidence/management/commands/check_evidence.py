"""Re-hash every stored evidence file against its recorded SHA-256.

Lists files that are missing, altered (content no longer matches) and orphaned (in the private
evidence folder with no row). Exits 1 when any is found, so a cron job or a monitor can alert.
With --signatures, the digital signatures of every intact PDF are checked again (after the
province installs or changes its trust roots) and the new result is stored and audited.
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

        parser.add_argument(
            "--signatures",
            action="store_true",
            help="Kiểm tra lại chữ ký số của mọi tệp PDF (sau khi cài hoặc đổi chứng thư gốc tin cậy).",
        )

    def _recheck_signatures(self, pks) -> None:
        from evidence.services import evidence_signatures_check

        count = 0
        for evidence in (
            Evidence.objects.filter(pk__in=pks, kind="pdf").order_by("pk").iterator(chunk_size=100)
        ):
            evidence_signatures_check(evidence=evidence)
            count += 1
        self.stdout.write(f"Đã kiểm tra lại chữ ký số của {count} tệp PDF.")

    def handle(self, *args, orphan_grace_minutes=10, signatures=False, **options):
        storage = private_storage()
        missing, altered, checked = [], [], 0
        known = set()
        known_pks = []
        rows = Evidence.objects.only("pk", "stored_name", "sha256", "size", "original_name").order_by("pk")
        for evidence in rows.iterator(chunk_size=500):
            known.add(evidence.stored_name)
            known_pks.append(evidence.pk)
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
        if signatures:
            broken = {evidence.pk for evidence in missing} | {evidence.pk for evidence, _s, _z in altered}
            self._recheck_signatures(pk for pk in known_pks if pk not in broken)
        if missing or altered or orphans:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))

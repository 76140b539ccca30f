import hashlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from ops.backup import BackupError, backup, restore
from tests.factories import AssignmentFactory, KpiFactory, UserFactory

PROJECT_APPS = {"units", "tasks", "kpis", "evidence", "reports", "audit"}


def fingerprint() -> dict:
    """Row count and a hash of every row of every project table."""
    result = {}
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        rows = model.objects.order_by("pk").values_list()
        digest = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
        result[model._meta.label] = (model.objects.count(), digest)
    return result


def file_hashes(root: Path) -> dict:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_it_backs_up_wipes_and_restores_every_row_and_file(tmp_path):
    UserFactory.create_batch(3)
    for _ in range(4):
        KpiFactory(subtask=AssignmentFactory().subtask)
    private = storages["private"]
    for i in range(5):
        private.save(f"evidence/test/{i}.bin", ContentFile(bytes([i]) * (1000 + i)))
    before_rows, before_files = fingerprint(), file_hashes(Path(settings.PRIVATE_ROOT))
    assert sum(count for count, _ in before_rows.values()) > 10
    assert len(before_files) == 5

    backup(tmp_path / "bk")

    # Wipe: every project row and every private file.
    for model in reversed(apps.get_models()):
        if model._meta.app_label in PROJECT_APPS and model._meta.label != "audit.AuditEvent":
            model.objects.all().delete()
    for path in Path(settings.PRIVATE_ROOT).rglob("*.bin"):
        path.unlink()
    assert fingerprint() != before_rows

    restore(tmp_path / "bk")

    assert fingerprint() == before_rows
    assert file_hashes(Path(settings.PRIVATE_ROOT)) == before_files


@pytest.mark.django_db(transaction=True)
def test_it_refuses_an_altered_backup(tmp_path):
    UserFactory()
    backup(tmp_path / "bk")
    db_file = next((tmp_path / "bk").glob("database.*"))
    db_file.write_bytes(db_file.read_bytes() + b"x")
    with pytest.raises(BackupError, match="SHA-256"):
        restore(tmp_path / "bk")

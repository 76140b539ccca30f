"""Backup and restore: the database (pg_dump, or SQLite's backup API) plus the private files,
with a SHA-256 manifest so a restore proves every file came back unchanged."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from .dbroles import as_owner

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    return args


def private_files(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): sha256_file(path) for path in sorted(root.rglob("*")) if path.is_file()
    }


def backup(target: Path) -> dict:
    """Write <target>/database.(dump|sqlite3), <target>/private.tar and manifest.json."""
    target.mkdir(parents=True, exist_ok=True)
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        db_file = target / "database.dump"
        cmd = [
            "pg_dump",
            "-Fc",
            "--no-owner",
            "--no-privileges",
            *_pg_args(db),
            "-f",
            str(db_file),
            db["NAME"],
        ]
        result = subprocess.run(cmd, env=_pg_env(db), capture_output=True, text=True)
        if result.returncode:
            raise BackupError(result.stderr)
    elif connection.vendor == "sqlite":
        db_file = target / "database.sqlite3"
        connection.ensure_connection()
        dest = sqlite3.connect(db_file)
        connection.connection.backup(dest)
        dest.close()
    else:
        raise BackupError(f"Unsupported database: {connection.vendor}")
    root = Path(settings.PRIVATE_ROOT)
    files = private_files(root)
    with tarfile.open(target / "private.tar", "w") as tar:
        for rel in files:
            tar.add(root / rel, arcname=rel)
    manifest = {
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "database_file": db_file.name,
        "database_sha256": sha256_file(db_file),
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def restore(source: Path) -> dict:
    """Replace the database and the private files with the backup's, then re-hash every file."""
    manifest = json.loads((source / MANIFEST).read_text())
    db_file = source / manifest["database_file"]
    if sha256_file(db_file) != manifest["database_sha256"]:
        raise BackupError("Tệp cơ sở dữ liệu sao lưu đã bị thay đổi (SHA-256 không khớp).")
    if manifest["vendor"] != connection.vendor:
        raise BackupError("Bản sao lưu thuộc loại cơ sở dữ liệu khác.")
    connections.close_all()
    if connection.vendor == "postgresql":
        # As the owner of the tables: the portal's own role may not drop them, and the tables
        # restored (without privileges) get the portal's role its grants again on the way out.
        with as_owner():
            db = connection.settings_dict
            cmd = [
                "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                *_pg_args(db), "-d", db["NAME"], str(db_file),
            ]  # fmt: skip
            result = subprocess.run(cmd, env=_pg_env(db), capture_output=True, text=True)
            if result.returncode:
                raise BackupError(result.stderr)
    else:
        connection.ensure_connection()
        src = sqlite3.connect(db_file)
        src.backup(connection.connection)
        src.close()
    root = Path(settings.PRIVATE_ROOT)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    with tarfile.open(source / "private.tar") as tar:
        tar.extractall(root, filter="data")
    restored = private_files(root)
    bad = sorted(rel for rel, digest in manifest["files"].items() if restored.get(rel) != digest)
    if bad:
        raise BackupError(f"Tệp khôi phục không khớp SHA-256: {', '.join(bad[:10])}")
    return manifest

"""Keeping evidence files. Minimal for now: the evidence issue adds content checks, scanning and review.

A file is stored under a generated name (never anything the user typed) in storages["private"]
and only then recorded; if the surrounding transaction fails, `cleanup_on_error` removes what was
stored so that no file is left without a row.
"""

import contextlib
import contextvars
import hashlib
import unicodedata
import uuid

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import storages
from django.utils import timezone

from audit.services import audit_record

from .models import Evidence

_stored_in_block: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "evidence_stored", default=None
)


def private_storage():
    return storages["private"]


def max_file_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_FILE_BYTES", 25 * 1024 * 1024)


@contextlib.contextmanager
def cleanup_on_error():
    """Wrap a transaction that stores evidence: on any error, delete the files it stored."""
    stored: list[str] = []
    token = _stored_in_block.set(stored)
    try:
        yield
    except BaseException:
        storage = private_storage()
        for name in stored:
            with contextlib.suppress(OSError):
                storage.delete(name)
        raise
    finally:
        _stored_in_block.reset(token)


def display_name(name: str) -> str:
    """The user's file name, fit for display only: NFC, no path, no control or direction characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name.strip()[:255] or "tep-dinh-kem"


def _hash(upload) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


def evidence_add(*, report, upload, actor, now=None) -> Evidence:
    """Attach one uploaded file to a report. The same content twice in one report is kept once."""
    now = now or timezone.now()
    name = display_name(getattr(upload, "name", ""))
    sha256, size = _hash(upload)
    if size == 0:
        raise ValidationError({"evidence": f"Tệp “{name}” rỗng (0 byte)."})
    if size > max_file_bytes():
        raise ValidationError(
            {
                "evidence": f"Tệp “{name}” vượt quá dung lượng cho phép ({max_file_bytes() // (1024 * 1024)} MB)."
            }
        )
    existing = Evidence.objects.filter(report=report, sha256=sha256).first()
    if existing:
        return existing
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else "application/octet-stream"
    stored = private_storage().save(f"evidence/{now:%Y/%m}/{uuid.uuid4().hex}", File(upload))
    registry = _stored_in_block.get()
    if registry is not None:
        registry.append(stored)
    evidence = Evidence.objects.create(
        report=report,
        stored_name=stored,
        original_name=name,
        sha256=sha256,
        size=size,
        content_type=content_type,
        uploaded_by=actor,
        uploaded_at=now,
    )
    audit_record(
        actor=actor,
        action="evidence.add",
        obj=evidence,
        changes={"report": report.pk, "sha256": sha256, "size": size, "name": name},
        now=now,
    )
    return evidence

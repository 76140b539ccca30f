"""Files attached to something other than a progress report (a disbursement, a target's value):
checked exactly as evidence is (evidence.validation), stored under a generated name in the
private storage, and deleted again when the transaction that stored them fails.

The owner's app keeps its own file rows (what they hang off differs); the checks and the storage
are these, written once.
"""

import logging
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import File

from ..validation import UploadRejected, check_upload
from .files import private_storage

log = logging.getLogger(__name__)


def checked_uploads(uploads, *, field: str = "evidence") -> list:
    """(upload, check result) for each upload; every refusal at once under `field`, nothing kept."""
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(
                (
                    upload,
                    check_upload(
                        name=getattr(upload, "name", "") or "",
                        data_or_file=upload,
                        size=getattr(upload, "size", 0) or 0,
                    ),
                )
            )
        except UploadRejected as exc:
            errors.append(ValidationError(exc.message, code=exc.code))
    if errors:
        raise ValidationError({field: errors})
    return checked


def store_upload(upload, *, folder: str, now) -> str:
    upload.seek(0)
    return private_storage().save(f"{folder}/{now:%Y/%m}/{uuid.uuid4().hex}", File(upload))


def delete_stored_quietly(names) -> None:
    for name in names:
        try:
            private_storage().delete(name)
        except OSError:
            log.exception("attached file %s could not be deleted", name)


def attach_checked(checked, *, files, folder: str, actor, now) -> list:
    """Stores each checked upload not already attached (same SHA-256) and adds its row through
    `files` (the owner's related manager, e.g. `disbursement.files`); if anything fails, the
    files stored so far are deleted again and the error goes on. Returns the rows added."""
    known = set(files.values_list("sha256", flat=True))
    added, stored = [], []
    try:
        for upload, result in checked:
            if result.sha256 in known:
                continue
            known.add(result.sha256)
            stored.append(store_upload(upload, folder=folder, now=now))
            added.append(
                files.create(
                    stored_name=stored[-1],
                    original_name=result.display_name,
                    sha256=result.sha256,
                    size=result.size,
                    content_type=result.mime,
                    kind=result.kind,
                    uploaded_by=actor,
                    uploaded_at=now,
                )
            )
    except BaseException:
        delete_stored_quietly(stored)
        raise
    return added

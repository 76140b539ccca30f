"""Uploaded appendix workbooks waiting between preview and apply, in private storage.

An upload is kept under a random token (`imports/<token>.xlsx` and what was asked with it,
`imports/<token>.json`) so the preview can be looked at again and the apply reads exactly the
previewed file; the apply discards it. One previewed and left, or refused at apply, would stay
for ever: `stale_uploads_purge` removes what is older than IMPORT_UPLOAD_KEEP_HOURS, on the
schedule (`tasks.purge_import_uploads`). Age is the storage's own modification time, so a file
left behind without its companion (a crash between the two saves) goes too.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.files.storage import storages
from django.utils import timezone

IMPORTS_DIR = "imports"


def upload_storage():
    return storages["private"]


def upload_paths(token: str) -> tuple[str, str]:
    return f"{IMPORTS_DIR}/{token}.xlsx", f"{IMPORTS_DIR}/{token}.json"


def upload_discard(token: str) -> None:
    storage = upload_storage()
    for path in upload_paths(token):
        if storage.exists(path):
            storage.delete(path)


def stale_uploads_purge(*, now: datetime.datetime | None = None) -> int:
    """Remove uploads older than IMPORT_UPLOAD_KEEP_HOURS; how many files went. Idempotent and
    safe on several workers (a file another worker removed first is skipped)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.IMPORT_UPLOAD_KEEP_HOURS)
    storage = upload_storage()
    try:
        _folders, names = storage.listdir(IMPORTS_DIR)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        path = f"{IMPORTS_DIR}/{name}"
        try:
            if storage.get_modified_time(path) >= cutoff:
                continue
            storage.delete(path)
        except FileNotFoundError:
            continue
        removed += 1
    return removed

"""Checks an uploaded evidence file before it is kept. The one entry point is `check_upload`."""

from .check import CheckedFile, UploadPolicy, allowed_upload_extensions, check_report_size, check_upload
from .errors import Code, UploadRejected

__all__ = [
    "CheckedFile",
    "Code",
    "UploadPolicy",
    "UploadRejected",
    "allowed_upload_extensions",
    "check_report_size",
    "check_upload",
]

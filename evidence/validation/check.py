"""`check_upload`: everything a file must pass before it is kept, in one call."""

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass

from django.conf import settings as django_settings

from evidence.filenames import display_name, extension_of
from evidence.scanning import ScannerUnavailable, scanner_from_settings

from . import archives, images
from .errors import Code, human_size, reject
from .kinds import (
    IMAGE_KINDS,
    KINDS,
    OLE2_KINDS,
    PREVIEWABLE_KINDS,
    ZIP_KINDS,
    allowed_extensions,
    kind_for_extension,
)
from .sniff import OLE2_MAGIC, sniff

HEAD_BYTES = 8192
CHUNK = 1024 * 1024
PDF_EOF_WINDOW = 1024
PDF_PADDING = b"\x00 \t\r\n\x0c"  # the PDF white-space characters

DEFAULTS = {
    "EVIDENCE_ALLOWED_TYPES": ["pdf", "jpeg", "png", "docx", "xlsx", "pptx", "doc", "xls", "odt", "ods"],
    "EVIDENCE_MAX_FILE_BYTES": 25 * 1024 * 1024,
    "EVIDENCE_MAX_REPORT_BYTES": 100 * 1024 * 1024,
    "EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES": 200 * 1024 * 1024,
    "EVIDENCE_ZIP_MAX_RATIO": 200,
    "EVIDENCE_ZIP_MAX_ENTRIES": 5000,
    "EVIDENCE_IMAGE_MAX_PIXELS": 50_000_000,
}


@dataclass(frozen=True)
class UploadPolicy:
    allowed_types: tuple[str, ...]
    max_file_bytes: int
    max_report_bytes: int
    zip_max_uncompressed_bytes: int
    zip_max_ratio: float
    zip_max_entries: int
    image_max_pixels: int

    @classmethod
    def from_settings(cls, settings=None) -> "UploadPolicy":
        settings = settings or django_settings

        def get(key):
            return getattr(settings, key, DEFAULTS[key])

        return cls(
            allowed_types=tuple(get("EVIDENCE_ALLOWED_TYPES")),
            max_file_bytes=int(get("EVIDENCE_MAX_FILE_BYTES")),
            max_report_bytes=int(get("EVIDENCE_MAX_REPORT_BYTES")),
            zip_max_uncompressed_bytes=int(get("EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES")),
            zip_max_ratio=float(get("EVIDENCE_ZIP_MAX_RATIO")),
            zip_max_entries=int(get("EVIDENCE_ZIP_MAX_ENTRIES")),
            image_max_pixels=int(get("EVIDENCE_IMAGE_MAX_PIXELS")),
        )

    def allowed_label(self) -> str:
        return ", ".join(KINDS[key].label for key in self.allowed_types)


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check. `display_name` is safe to show; never use it as a path."""

    display_name: str
    kind: str  # "pdf", "jpeg", "docx", … (a key of EVIDENCE_ALLOWED_TYPES)
    mime: str
    extension: str  # as the (cleaned) name has it, lower case, no dot
    size: int
    sha256: str
    scanned: bool  # True when a virus scanner passed it

    @property
    def label(self) -> str:
        return KINDS[self.kind].label

    @property
    def previewable(self) -> bool:
        """PDF and images may be previewed (an image inline under a sandboxing CSP, a PDF drawn by
        the portal's pdf.js page, never inline); the rest downloads."""
        return self.kind in PREVIEWABLE_KINDS


def _sizes(size: int, limit: int) -> dict:
    """ "26,2 MB … 25 MB", or exact bytes when rounding would make the two look the same."""
    size_text, limit_text = human_size(size), human_size(limit)
    if size_text.replace(",0 ", " ") == limit_text:
        size_text, limit_text = (f"{n:,} byte".replace(",", ".") for n in (size, limit))
    return {"size": size_text, "limit": limit_text}


def _as_seekable(data_or_file, max_bytes: int):
    """A seekable binary file and whether we opened it (and must close it)."""
    if isinstance(data_or_file, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(data_or_file)), True
    if isinstance(data_or_file, str | os.PathLike):
        return open(data_or_file, "rb"), True  # noqa: SIM115 - closed by check_upload
    f = data_or_file
    if getattr(f, "closed", False) and hasattr(f, "open"):
        f.open("rb")  # a Django File that was closed
    seekable = getattr(f, "seekable", None)
    if seekable is None or seekable():
        return f, False
    # A pipe-like stream: spool at most one byte past the limit so "too large" is still told.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    left = max_bytes + 1
    while left > 0 and (chunk := f.read(min(CHUNK, left))):
        spool.write(chunk)
        left -= len(chunk)
    spool.seek(0)
    return spool, True


def _measure(f) -> int:
    f.seek(0, os.SEEK_END)
    size = f.tell()
    f.seek(0)
    return size


def _sha256(f) -> str:
    f.seek(0)
    digest = hashlib.sha256()
    while chunk := f.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _content_end(f, size: int) -> int:
    """Where the content ends once trailing padding is skipped: writers and transfer tools pad PDFs
    with whitespace or NULs after %%EOF (to a block size, or to reserve room for a signature), and
    every reader looks past it."""
    end = size
    while end > 0:
        start = max(0, end - CHUNK)
        f.seek(start)
        kept = f.read(end - start).rstrip(PDF_PADDING)
        if kept:
            return start + len(kept)
        end = start
    return 0


def _check_pdf(f, size: int, *, name: str) -> None:
    # The header must be at byte 0: readers tolerate junk before it, which is how HTML/PDF polyglots work.
    end = _content_end(f, size)
    f.seek(max(0, end - PDF_EOF_WINDOW))
    tail = f.read(end - f.tell())
    eof = tail.rfind(b"%%EOF")
    if eof < 0:
        raise reject(Code.TRUNCATED, name=name, kind="PDF", detail="thiếu dấu kết thúc %%EOF")
    if tail[eof + 5 :].strip(PDF_PADDING):
        raise reject(Code.TRAILING_DATA, name=name, kind="PDF")


def _check_ole2(f, size: int, *, name: str, label: str) -> None:
    f.seek(0)
    header = f.read(512)
    if size < 512 or len(header) < 512 or not header.startswith(OLE2_MAGIC):
        raise reject(Code.TRUNCATED, name=name, kind=label, detail="phần đầu OLE2 không đầy đủ")
    if header[28:30] != b"\xfe\xff":
        raise reject(Code.ZIP_INVALID, name=name, kind=label, detail="phần đầu OLE2 sai thứ tự byte")


def check_upload(*, name: str, data_or_file, size: int, settings=None) -> CheckedFile:
    """Check one uploaded file; raise `UploadRejected` or return what was found.

    `data_or_file`: bytes, a path, or a binary file (a Django UploadedFile is fine); a file is
    left rewound to its start so the caller can store it. `size` is the size the client declared;
    the size actually read is what counts. `settings`: anything with the EVIDENCE_* attributes
    (defaults to django.conf.settings). Content is checked first, the virus scanner (when
    configured) last, so a scanner never sees a file that was going to be refused anyway.
    """
    policy = UploadPolicy.from_settings(settings)
    shown = display_name(name)
    ext = extension_of(name)

    expected = kind_for_extension(ext)
    if expected is None or expected.key not in policy.allowed_types:
        raise reject(
            Code.EXTENSION_NOT_ALLOWED,
            name=shown,
            ext=f".{ext}" if ext else "(không có đuôi)",
            allowed=policy.allowed_label(),
        )
    if size and size > policy.max_file_bytes:
        raise reject(Code.TOO_LARGE, name=shown, **_sizes(size, policy.max_file_bytes))

    f, ours = _as_seekable(data_or_file, policy.max_file_bytes)
    try:
        try:
            actual = _measure(f)
            if actual == 0:
                raise reject(Code.EMPTY, name=shown)
            if actual > policy.max_file_bytes:
                raise reject(Code.TOO_LARGE, name=shown, **_sizes(actual, policy.max_file_bytes))
            head = f.read(HEAD_BYTES)
            found = sniff(head)
            if found.key == "zip" and expected.key in ZIP_KINDS:
                archive = archives.inspect_zip(f, actual, policy=policy, name=shown, label=expected.label)
                try:
                    found = KINDS[archives.zip_kind(archive)]
                finally:
                    archive.close()
            elif found.key == "ole2" and expected.key in OLE2_KINDS:
                # OLE2 holds Word and Excel alike; only here does the extension decide.
                _check_ole2(f, actual, name=shown, label=expected.label)
                found = expected
            if found.key != expected.key:
                raise reject(Code.CONTENT_MISMATCH, name=shown, ext=f".{ext}", detected=found.label)

            if found.key == "pdf":
                _check_pdf(f, actual, name=shown)
            elif found.key == "png":
                images.check_png_structure(f, actual, policy=policy, name=shown)
            elif found.key == "jpeg":
                images.check_jpeg_structure(f, actual, policy=policy, name=shown)
            if found.key in IMAGE_KINDS:
                images.check_decodes(f, found.key, policy=policy, name=shown)

            sha256 = _sha256(f)
        except OSError as exc:
            raise reject(Code.UNREADABLE, name=shown, detail=str(exc)) from exc

        scanned = False
        scanner = scanner_from_settings(settings)
        if scanner is not None:
            f.seek(0)
            try:
                result = scanner.scan(f)
            except ScannerUnavailable as exc:
                raise reject(Code.SCANNER_UNAVAILABLE, name=shown, detail=str(exc)) from exc
            if not result.clean:
                raise reject(Code.INFECTED, name=shown, signature=result.signature)
            scanned = True
    finally:
        if ours:
            f.close()
        else:
            f.seek(0)

    return CheckedFile(
        display_name=shown,
        kind=found.key,
        mime=found.mime,
        extension=ext,
        size=actual,
        sha256=sha256,
        scanned=scanned,
    )


def check_report_size(*, name: str, size: int, report_bytes: int, settings=None) -> None:
    """Refuse a file that would take a report's evidence past EVIDENCE_MAX_REPORT_BYTES.
    `report_bytes`: what the report already holds (files deduplicated by SHA-256 count once)."""
    policy = UploadPolicy.from_settings(settings)
    if report_bytes + size > policy.max_report_bytes:
        raise reject(
            Code.REPORT_TOO_LARGE,
            name=display_name(name),
            **_sizes(report_bytes + size, policy.max_report_bytes),
        )


def allowed_upload_extensions(settings=None) -> list[str]:
    """For the file picker's `accept` attribute: [".pdf", ".jpg", …]."""
    return [f".{ext}" for ext in allowed_extensions(UploadPolicy.from_settings(settings).allowed_types)]

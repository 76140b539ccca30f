"""Serving stored files: headers built by the server, never taken from the upload.

`Content-Disposition` follows RFC 6266 with the RFC 8187 `filename*` form, so a Vietnamese name
arrives intact ("Báo cáo đã ký.pdf"), plus a plain-ASCII `filename` for old clients.
"""

import re
import unicodedata
from urllib.parse import quote

from django.http import FileResponse, Http404

# A preview is a document of its own under this policy: no script, no form, nothing fetched but
# its own images and the PDF itself; `sandbox` gives it an opaque origin even when opened directly.
# Framed only by the portal's own pages. (`plugin-types` left out: browsers dropped it and warn.)
# Inline styles only for the browser's own image/PDF viewer chrome: nothing in the file can script.
PREVIEW_CSP = (
    "sandbox; default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'"
)
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"

_ASCII_SAFE = re.compile(r"[^A-Za-z0-9 ._()\-]+")


def ascii_fallback(name: str) -> str:
    """ "Báo cáo đã ký.pdf" → "Bao cao da ky.pdf": tone marks dropped, đ kept as d."""

    def plain(text: str) -> str:
        text = text.replace("đ", "d").replace("Đ", "D")
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        return re.sub(r"\s+", " ", _ASCII_SAFE.sub("_", text)).strip(" ._")

    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem, ext = plain(stem), plain(ext)
    return f"{stem or 'tep'}.{ext}" if ext else (stem or "tep")


def content_disposition(disposition: str, name: str) -> str:
    fallback = ascii_fallback(name).replace("\\", "\\\\").replace('"', '\\"')
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def serve(evidence, *, inline: bool):
    """The stored file as a response; 404 when it is gone from the storage (check_evidence says why)."""
    from .services import private_storage

    try:
        handle = private_storage().open(evidence.stored_name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=evidence.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition(
        "inline" if inline else "attachment", evidence.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Content-Security-Policy"] = PREVIEW_CSP if inline else DOWNLOAD_CSP
    response["X-Frame-Options"] = "SAMEORIGIN" if inline else "DENY"
    return response

"""Serving stored files: headers built by the server, never taken from the upload.

`Content-Disposition` follows RFC 6266 with the RFC 8187 `filename*` form, so a Vietnamese name
arrives intact ("Báo cáo đã ký.pdf"), plus a plain-ASCII `filename` for old clients.
"""

import re
import unicodedata
from urllib.parse import quote

from django.http import FileResponse, Http404

# An image preview is a document of its own under this policy: no script, no form, nothing
# fetched but the image; `sandbox` gives it an opaque origin even when opened directly. Framed
# only by the portal's own pages. Inline styles only for the browser's own image viewer chrome.
# A PDF is never served inline: the browser's own PDF viewer runs a document's JavaScript
# (/OpenAction app.alert …), which no policy on the response stops. It is drawn by the portal's
# pdf.js page instead (PDF_PREVIEW_CSP), from the download, which is always an attachment.
PREVIEW_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
# The pdf.js page: the portal's own scripts only (no inline code), its worker from the portal,
# the PDF fetched from the portal; WebAssembly only to compile pdf.js's own image decoders
# (JPEG 2000, JBIG2: scanned documents); framed only by the portal's own pages.
PDF_PREVIEW_CSP = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; "
    "img-src 'self' data: blob:; style-src 'self'; font-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'"
)
# pdf.js's worker gets the same allowance for its decoders (a worker follows its own script's policy).
PDF_WORKER_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"
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
    """The stored file as a response; 404 when it is gone from the storage (check_evidence says why).
    Only an image is ever inline; anything else (a PDF above all) is an attachment."""
    from .services import private_storage

    inline = inline and evidence.is_image

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

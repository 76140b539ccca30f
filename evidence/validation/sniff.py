"""What a file is, read from its first bytes (magic numbers), never from its name."""

import filetype

from .kinds import KINDS, Kind

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_EXECUTABLES = (
    (b"MZ", "exe"),
    (b"\x7fELF", "elf"),
    (b"\xfe\xed\xfa\xce", "macho"),
    (b"\xfe\xed\xfa\xcf", "macho"),
    (b"\xce\xfa\xed\xfe", "macho"),
    (b"\xcf\xfa\xed\xfe", "macho"),
    (b"\xca\xfe\xba\xbe", "macho"),
    (b"#!", "script"),
)
_HTML_STARTS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<meta",
    b"<a ",
    b"<div",
)
# Markup that turns bytes appended to an image into a page if anything ever renders them as HTML.
MARKUP_TOKENS = (
    b"<html",
    b"<script",
    b"<svg",
    b"<iframe",
    b"<body",
    b"<!doctype",
    b"<?php",
    b"<img",
    b"javascript:",
)


def _markup_kind(head: bytes) -> str | None:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n\x00").lower()
    if text.startswith(b"<svg") or (
        text.startswith((b"<?xml", b"<!doctype svg", b"<!--")) and b"<svg" in text
    ):
        return "svg"
    if text.startswith(_HTML_STARTS) or (text.startswith(b"<!--") and b"<html" in text):
        return "html"
    if text.startswith(b"<?xml"):
        return "xml"
    return None


def sniff(head: bytes) -> Kind:
    """The kind of content from its first kilobytes. Zip and OLE2 containers come back as
    "zip"/"ole2": what they hold is decided by `archives.zip_kind` and the extension."""
    if head.startswith(PDF_MAGIC):
        return KINDS["pdf"]
    if head.startswith(PNG_MAGIC):
        return KINDS["png"]
    if head.startswith(JPEG_MAGIC):
        return KINDS["jpeg"]
    if head.startswith(ZIP_MAGICS):
        return KINDS["zip"]
    if head.startswith(OLE2_MAGIC):
        return KINDS["ole2"]
    for magic, key in _EXECUTABLES:
        if head.startswith(magic):
            return KINDS[key]
    markup = _markup_kind(head)
    if markup:
        return KINDS[markup]
    guess = filetype.guess(head)
    if guess is not None:
        return Kind(guess.extension, guess.extension.upper(), guess.mime)
    return KINDS["unknown"]


def looks_like_markup(data: bytes) -> bool:
    lowered = data.lower()
    return any(token in lowered for token in MARKUP_TOKENS)

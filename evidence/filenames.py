"""The name a user gave a file is kept for display only; it is never used as a path.

Even so it ends up in pages, messages and `Content-Disposition` headers, so it is cleaned here:
a name that reorders itself on screen (right-to-left override), hides characters, carries a
path or is a Windows device name would mislead a reviewer or the person who downloads it.
"""

import re
import unicodedata

MAX_DISPLAY_NAME = 200
# A "extension" longer than this is not one: it is a sentence that happens to contain a dot.
MAX_EXTENSION = 16
FALLBACK_STEM = "tệp"

# Direction controls are format characters (Cf) too; listed to document what must never survive.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Whitespace-like controls become a space so "báo\ncáo" stays two words.
_AS_SPACE = frozenset("\t\n\r\x0b\x0c\x85\u2028\u2029")
# Characters no Windows file name may hold: a downloaded copy must be savable as shown.
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{dev}{n}" for dev in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)


def _drop_invisible(text: str) -> str:
    out = []
    for ch in text:
        if ch in _AS_SPACE:
            out.append(" ")
        elif ch in BIDI_CONTROLS or unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            continue
        else:
            out.append(ch)
    return "".join(out)


def _split(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not ext or len(ext) > MAX_EXTENSION or " " in ext:
        return name, ""
    return stem, ext


def split_extension(name: str) -> tuple[str, str]:
    """(stem, extension without the dot, lower case). Only the LAST extension counts:
    `báo cáo.pdf.exe` is an `.exe`."""
    stem, ext = _split(name)
    return (stem, ext.lower()) if stem else (name, "")


def visible(text: str, *, max_length: int = 100) -> str:
    """Text from inside a file (an archive entry's name) made safe to quote in a message."""
    return re.sub(r"\s+", " ", _drop_invisible(unicodedata.normalize("NFC", text))).strip()[:max_length]


def display_name(raw: str, *, max_length: int = MAX_DISPLAY_NAME) -> str:
    """A safe, human name for showing and for download headers."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = _drop_invisible(name)
    # Browsers sometimes send a whole client path ("C:\\Users\\…\\báo cáo.pdf"): keep the last part.
    parts = [p for p in re.split(r"[/\\]", name) if p.strip(" .")]
    name = parts[-1] if parts else ""
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    name = re.sub(r"\.{2,}", ".", name)
    # Windows drops trailing dots and spaces; leading ones hide a file on Unix.
    name = re.sub(r"\s+", " ", name).strip().rstrip(" .")
    # NFC again: removing a control between a letter and its combining mark can recompose them.
    name = unicodedata.normalize("NFC", name)

    stem, ext = _split(name)
    stem = stem.strip(" .")
    if not stem:
        stem = FALLBACK_STEM
    # Windows treats "CON.tar.gz" as the device CON too: judge the part before the first dot.
    if stem.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    suffix = f".{ext}" if ext else ""
    room = max(1, max_length - len(suffix))
    if len(stem) > room:
        stem = stem[:room].rstrip(" .") or FALLBACK_STEM
    return stem + suffix


def extension_of(name: str) -> str:
    """The extension that decides how a file is judged (of the cleaned name, last one only)."""
    return split_extension(display_name(name))[1]

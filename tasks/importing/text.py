"""Reading the text of appendix cells: codes at the start, multi-item cells."""

from __future__ import annotations

import re
import unicodedata

from units.naming import clean_text

ROMAN = re.compile(r"^(?P<code>[IVXLC]+)\s*[.)\-–:]\s*(?P<rest>.*)$", re.DOTALL)
# "1.", "2)", "5.4", "10.1", "5.4." at the start. A bare number ("100 chuyên gia") is text.
NUMERIC = re.compile(r"^(?P<code>\d+(?:\.\d+)*)(?P<mark>[.)]\s*|\s+|$)(?P<rest>.*)$", re.DOTALL)
LETTER = re.compile(r"^(?P<code>[a-zđ])\s*\)\s*(?P<rest>.*)$", re.DOTALL)
DASH_ITEM = re.compile(r"^\s*[-–—•+]\s*")


def nfc(value) -> str:
    return unicodedata.normalize("NFC", str(value)) if value is not None else ""


def parse_roman(text: str) -> tuple[str, str] | None:
    """ "I. Về chuyển đổi số" → ("I", "Về chuyển đổi số")."""
    m = ROMAN.match(clean_text(text))
    return (m.group("code"), m.group("rest").strip()) if m else None


def parse_code(text: str) -> tuple[str, str]:
    """The code written at the start of a cell and the rest: "5.4 Triển khai…" → ("5.4", "Triển khai…").

    Roman section numbers ("I."), numbers ("1.", "5.4") and letters ("a)") are codes; a cell
    without one gives ("", text).
    """
    text = clean_text(text)
    m = NUMERIC.match(text)
    if m and ("." in m.group("code") or m.group("mark").strip()):
        return m.group("code"), m.group("rest").strip()
    for pattern in (ROMAN, LETTER):
        m = pattern.match(text)
        if m:
            return m.group("code"), m.group("rest").strip()
    return "", text


def dash_items(value) -> list[str]:
    """The items of a cell that lists several, one per line with a leading "-"; [] otherwise.

    Lines that do not start with a dash continue the item above (text wrapped by hand).
    """
    lines = [line for line in nfc(value).splitlines() if line.strip()]
    if len(lines) < 2 or not DASH_ITEM.match(lines[0]):
        return []
    items: list[str] = []
    for line in lines:
        if DASH_ITEM.match(line):
            items.append(DASH_ITEM.sub("", line, count=1))
        else:
            items[-1] += " " + line
    return [clean_text(item) for item in items] if len(items) >= 2 else []

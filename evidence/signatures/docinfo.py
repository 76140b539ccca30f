"""Number and symbol, date and issuer of an administrative document, read from its first page.

Decree 30/2020 puts them in fixed places: the issuing body top left (its parent body above it),
"Số: 12/QĐ-UBND" under it, the national title and motto top right, then "Hà Nội, ngày 05 tháng 3
năm 2026". What is read here is a proposal the unit confirms or corrects; nothing is guessed when a
pattern is not found.
"""

import contextlib
import datetime
import io
import re
import unicodedata

MAX_TEXT_CHARS = 20_000

NUMBER = re.compile(r"\bS[ốo]\s*[:.]?\s*(\d{1,6}\s*/\s*[0-9A-Za-zĐđ\-/.]{2,40})", re.IGNORECASE)
DATE = re.compile(r"ng[àa]y\s+(\d{1,2})\s+th[áa]ng\s+(\d{1,2})\s+n[ăa]m\s+(\d{4})", re.IGNORECASE)
NOT_ISSUER = ("CỘNG HÒA", "CỘNG HOÀ", "ĐỘC LẬP", "SỐ:", "SỐ ", "---", "___")


def _issuer(lines: list[str]) -> str:
    """The upper-case lines above the number line that are not the national title or motto."""
    picked = []
    for line in lines:
        upper = line.upper()
        if NUMBER.search(line):
            break
        # The national title and motto often share a text line with the issuing body (two columns).
        line = re.split(r"C[ỘO]NG H[ÒO]A|Đ[ỘO]C L[ẬA]P", line, flags=re.IGNORECASE)[0].strip()
        upper = line.upper()
        if not line or any(upper.startswith(mark) for mark in NOT_ISSUER):
            continue
        letters = [c for c in line if c.isalpha()]
        if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8:
            picked.append(line)
        if len(picked) == 2:
            break
    return " - ".join(picked)[:255]


def read_document_facts(text: str) -> dict:
    text = unicodedata.normalize("NFC", text or "")[:MAX_TEXT_CHARS]
    facts = {"number": "", "date": "", "issuer": ""}
    if match := NUMBER.search(text):
        facts["number"] = re.sub(r"\s+", "", match.group(1)).rstrip(".")
    if match := DATE.search(text):
        day, month, year = (int(g) for g in match.groups())
        with contextlib.suppress(ValueError):
            facts["date"] = datetime.date(year, month, day).isoformat()
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    facts["issuer"] = _issuer([line for line in lines if line][:12])
    return facts


def first_page_facts(data: bytes) -> dict:
    """What page 1 of a PDF says (pypdf's text); empty facts when it cannot be read."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        text = reader.pages[0].extract_text() if len(reader.pages) else ""
    except Exception:  # noqa: BLE001 - hostile or broken PDF: nothing proposed
        text = ""
    return read_document_facts(text or "")

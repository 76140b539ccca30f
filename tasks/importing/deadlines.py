"""Deadlines as real plans write them.

Excel dates; "30/11/2025"; "30/9/2025 (đã thực hiện)"; "31/12/2025 Riêng … (31/12/2026)"
(the first date is the deadline, the rest stays in the text); "Thường xuyên" (ongoing, no
date); "Tháng 10/2025", "Trong tháng 10/2025" (last day of the month); "Quý IV/2025" (last
day of the quarter); "Năm 2026" (31/12/2026); "Trước ngày 17/10/2025", "Trước 31/12/2025"
(that date). A date that does not exist ("31/02/2026") is an error, never corrected.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from openpyxl.utils.datetime import from_excel

from units.naming import clean_text, search_key


class DeadlineError(ValueError):
    pass


@dataclass(frozen=True)
class Deadline:
    date: datetime.date | None
    text: str
    ongoing: bool = False
    understood: bool = True


_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})(?!\d)")
_WORDY_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
# Matched on search_key() text: accents and "/" are gone ("Quý IV/2025" → "quy iv 2025").
_QUARTER = re.compile(r"\bquy\s+([ivx]+|\d)\s+(?:nam\s+)?(\d{4})\b")
_MONTH = re.compile(r"\bthang\s+(\d{1,2})\s+(?:nam\s+)?(\d{4})\b")
_YEAR = re.compile(r"^(?:trong\s+)?nam\s+(\d{4})\b")
_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ONGOING_WORDS = ("thuong xuyen", "hang thang", "hang quy", "hang nam", "lien tuc")


def format_date(value: datetime.date) -> str:
    """The way the appendix writes a date: day and month without leading zeros."""
    return f"{value.day}/{value.month}/{value.year}"


def _make_date(day: int, month: int, year: int, written: str) -> datetime.date:
    if year < 100:
        year += 2000
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DeadlineError(f"ngày “{written}” không tồn tại") from None


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(value) -> Deadline:
    """Read a deadline cell. Raises DeadlineError for a date that does not exist."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        # An Excel date serial in a cell not formatted as a date.
        value = from_excel(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return Deadline(value, format_date(value))
    text = clean_text(value)
    if not text:
        return Deadline(None, "", understood=False)
    plain = search_key(text)

    if plain.startswith(ONGOING_WORDS):
        return Deadline(None, text, ongoing=True)

    m = _DATE.search(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        return Deadline(_make_date(day, month, year, m.group(0)), text)
    m = _WORDY_DATE.search(plain)
    if m:
        day, month, year = (int(g) for g in m.groups())
        return Deadline(_make_date(day, month, year, m.group(0)), text)
    m = _QUARTER.search(plain)
    if m:
        written = m.group(1)
        quarter = int(written) if written.isdigit() else _ROMAN_QUARTERS.get(written, 0)
        if quarter not in (1, 2, 3, 4):
            raise DeadlineError(f"quý “{written.upper()}” không tồn tại")
        return Deadline(_month_end(int(m.group(2)), quarter * 3), text)
    m = _MONTH.search(plain)
    if m:
        month, year = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise DeadlineError(f"tháng {month} không tồn tại")
        return Deadline(_month_end(year, month), text)
    m = _YEAR.search(plain)
    if m:
        return Deadline(datetime.date(int(m.group(1)), 12, 31), text)
    if any(word in plain for word in ONGOING_WORDS):
        return Deadline(None, text, ongoing=True)
    return Deadline(None, text, understood=False)

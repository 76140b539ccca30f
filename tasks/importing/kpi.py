"""Proposing structured KPI targets from the KPI text, for the secretariat to confirm.

"100% giấy tờ … được rà soát" → at least 100 %; "01 dự thảo Nghị quyết" → at least 1;
"tối thiểu 10% số lượng TTHC, giảm 30% thời gian" → two targets; "thuộc top 5" → rank 5 or
better. Numbers that belong to document numbers, decrees, years and web addresses are not
targets. A text with no number proposes nothing: the secretariat adds a target by hand.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kpis.models import Direction, Measure
from units.naming import clean_text

from .data import TargetProposal

_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_PERCENT = re.compile(_NUMBER + r"\s*%")
_RANK = re.compile(
    r"\b(?:top|nhóm|tốp)\s+(\d+)\b|\bxếp\s+(?:hạng|thứ)\s+(?:trong\s+)?(?:top\s+)?(\d+)\b", re.IGNORECASE
)
_COUNT = re.compile(
    r"(?<![\w/.\-])" + r"(\d+(?:[.,]\d{3})*)" + r"(?=\s+[^\W\d_])(?!\s+(?:lần|ngày|tháng|năm|giờ|phút)\b)"
)
# A number right after these words is a document, decree or year, not an amount.
_NOT_AMOUNT_BEFORE = re.compile(
    r"(?:số|nđ|nghị định|quyết định|thông tư|kế hoạch|năm|ngày|tháng|quý|khoản|điều|mục|giai đoạn|đến|từ)\s*$",
    re.IGNORECASE,
)
_AT_MOST_WORDS = (
    "tối đa",
    "không quá",
    "không vượt quá",
    "dưới",
    "ít hơn",
    "giảm xuống còn",
    "còn không quá",
)
_AT_LEAST_WORDS = ("tối thiểu", "ít nhất", "trên", "đạt", "không dưới", "từ")


def _decimal(text: str) -> Decimal | None:
    try:
        # Vietnamese writes 1.234,5; a lone comma or dot before 1-2 digits is a decimal mark.
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
            text = text.replace(".", "")
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def _direction(before: str) -> str:
    window = before[-30:].casefold()
    if any(word in window for word in _AT_MOST_WORDS):
        return Direction.AT_MOST
    return Direction.AT_LEAST


def _label(before: str, after: str) -> str:
    label = clean_text(re.split(r"[,;.(]|\s+(?:và|được|theo)\s+", after, maxsplit=1)[0])
    if not label:
        # "Tỷ lệ … được tập huấn đạt 60%": what is measured comes before the number.
        label = clean_text(re.split(r"[,;]", before)[-1])
        for word in (*_AT_LEAST_WORDS, *_AT_MOST_WORDS, "hoàn thành"):
            if label.casefold().endswith(" " + word) or label.casefold() == word:
                label = clean_text(label[: -len(word)])
    return label[:120]


def propose_targets(text: str) -> list[TargetProposal]:
    text = clean_text(text)
    if not text:
        return []
    scan = _URL.sub(lambda m: " " * len(m.group(0)), text)
    found: list[tuple[int, TargetProposal]] = []
    taken: list[tuple[int, int]] = []

    for m in _PERCENT.finditer(scan):
        value = _decimal(m.group(1))
        if value is None:
            continue
        found.append(
            (
                m.start(),
                TargetProposal(
                    value,
                    Measure.PERCENT,
                    _direction(scan[: m.start()]),
                    _label(scan[: m.start()], scan[m.end() :]),
                ),
            )
        )
        taken.append(m.span())
    for m in _RANK.finditer(scan):
        value = _decimal(m.group(1) or m.group(2))
        if value is None:
            continue
        found.append(
            (
                m.start(),
                TargetProposal(
                    value, Measure.RANK, Direction.AT_MOST, _label(scan[: m.start()], scan[m.end() :])
                ),
            )
        )
        taken.append(m.span())
    for m in _COUNT.finditer(scan):
        if any(start <= m.start() < end for start, end in taken):
            continue
        if _NOT_AMOUNT_BEFORE.search(scan[: m.start()]):
            continue
        value = _decimal(m.group(1))
        if value is None or (1900 <= value <= 2100 and len(m.group(1)) == 4):
            continue
        found.append(
            (
                m.start(),
                TargetProposal(
                    value,
                    Measure.COUNT,
                    _direction(scan[: m.start()]),
                    _label(scan[: m.start()], scan[m.end() :]),
                ),
            )
        )
    return [proposal for _, proposal in sorted(found, key=lambda item: item[0])]

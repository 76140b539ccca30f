"""Text filters of the official report's PDF."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

# A document's symbol or number ("07-TB/CQTTBCĐ", "BC-BCĐ", "57-NQ/TW", "30/11/2025"): letters or
# digits joined by "-" or "/". A line may break after either sign, and a clerk would never split one.
SYMBOL = re.compile(r"\S*\w[-/‐‑]\w\S*")


def keep_symbols_html(text: str) -> str:
    escaped = str(conditional_escape(text or ""))
    return SYMBOL.sub(lambda m: f'<span class="nobr">{m.group(0)}</span>', escaped)


@register.filter(is_safe=True)
def keep_symbols(text) -> str:
    """The text, escaped, with each symbol in a span the line never breaks inside."""
    return mark_safe(keep_symbols_html(text))  # noqa: S308 - escaped above, only our spans added


# About as many capitals as the masthead's issuer column (68 mm, bold) holds on a line.
MASTHEAD_LINE = 23


def masthead_lines(name: str, width: int = MASTHEAD_LINE) -> list[str]:
    """An issuing body too long for one line of the masthead, on two lines broken where a clerk
    breaks it: after a comma, else before "VÀ", else where the lines are most even ("SỞ KHOA HỌC /
    VÀ CÔNG NGHỆ", not "SỞ KHOA HỌC VÀ CÔNG / NGHỆ"). Lines the user broke are kept; a name too long
    for two lines is left to wrap."""
    if "\n" in name or len(name) <= width:
        return name.splitlines() or [name]
    words = name.split()
    splits = [(" ".join(words[:n]), " ".join(words[n:])) for n in range(1, len(words))]
    fitting = [s for s in splits if len(s[0]) <= width and len(s[1]) <= width]
    if not fitting:
        return [name]
    after_comma = [s for s in fitting if s[0].endswith(",")]
    if after_comma:
        return list(after_comma[-1])
    before_and = [s for s in fitting if s[1].startswith("VÀ ")]
    if before_and:
        return list(before_and[0])
    return list(min(fitting, key=lambda s: abs(len(s[0]) - len(s[1]))))


@register.filter(is_safe=True)
def masthead(name) -> str:
    """The issuing body's lines (see masthead_lines), escaped, joined by line breaks."""
    lines = masthead_lines(str(name or "").strip())
    return mark_safe("<br>".join(str(conditional_escape(line)) for line in lines))  # noqa: S308 - escaped

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

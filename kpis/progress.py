"""Expected progress and the flags shown on lists (DESIGN.md, "Rules"). Pure functions, no queries."""

import datetime
from decimal import Decimal

from django.conf import settings


def expected_progress(*, start: datetime.date | None, deadline: datetime.date | None, today: datetime.date):
    """clamp((t − S) / (D − S), 0, 1) × 100, or None for an ongoing task or one without a start."""
    if deadline is None or start is None:
        return None
    if deadline <= start:
        return Decimal(100) if today >= deadline else Decimal(0)
    ratio = Decimal((today - start).days) / Decimal((deadline - start).days)
    return (min(max(ratio, Decimal(0)), Decimal(1)) * 100).quantize(Decimal("0.1"))


def is_lagging(*, expected, completion, completed: bool) -> bool:
    """Below half of the expected progress once that reaches 20 %; never reported counts as 0 %."""
    if completed or expected is None or expected < Decimal(str(settings.FLAG_LAGGING_MIN_EXPECTED)):
        return False
    return (completion or Decimal(0)) < Decimal(str(settings.FLAG_LAGGING_RATIO)) * expected


def is_overdue(*, deadline, today, completed: bool) -> bool:
    return deadline is not None and today > deadline and not completed

"""Expected progress (DESIGN.md, "Rules"), as lists show it. Pure functions, no queries; whether an
assignment is overdue or lagging is kpis.flag_conditions' to say."""

import datetime
from decimal import Decimal


def expected_progress(*, start: datetime.date | None, deadline: datetime.date | None, today: datetime.date):
    """clamp((t − S) / (D − S), 0, 1) × 100, or None for an ongoing task or one without a start."""
    if deadline is None or start is None:
        return None
    if deadline <= start:
        return Decimal(100) if today >= deadline else Decimal(0)
    ratio = Decimal((today - start).days) / Decimal((deadline - start).days)
    return (min(max(ratio, Decimal(0)), Decimal(1)) * 100).quantize(Decimal("0.1"))

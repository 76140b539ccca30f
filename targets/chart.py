"""A target's trajectory as an inline SVG's coordinates: the planned line (baseline, then each
milestone) and the values reached, on one time axis. Drawn by the page's template, no script."""

from __future__ import annotations

import datetime
from decimal import Decimal

from .progress import Point

WIDTH, HEIGHT, PAD = 640, 220, 36


def chart(baseline: Point, milestones: list[Point], values, today: datetime.date) -> dict | None:
    """`values`: targets.progress.Achieved by period. None when there is nothing to draw."""
    if not milestones:
        return None
    planned = [baseline, *sorted(milestones, key=lambda p: p.day)]
    reached = [(a.as_of, a.value) for a in values if a is not None]
    days = [p.day for p in planned] + [d for d, _v in reached] + [today]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    numbers = [p.value for p in planned] + [v for _d, v in reached] + [Decimal(0)]
    low, high = min(numbers), max(numbers)
    height = high - low or Decimal(1)

    def x(day):
        return round(PAD + (WIDTH - 2 * PAD) * (day - first).days / span, 1)

    def y(value):
        return round(float(HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value - low) / height), 1)

    return {
        "width": WIDTH,
        "height": HEIGHT,
        "planned": " ".join(f"{x(p.day)},{y(p.value)}" for p in planned),
        "reached": " ".join(f"{x(d)},{y(v)}" for d, v in reached),
        "dots": [{"x": x(d), "y": y(v), "day": d, "value": v} for d, v in reached],
        "milestones": [{"x": x(p.day), "y": y(p.value), "day": p.day, "value": p.value} for p in planned[1:]],
        "today": x(today),
        "axis_y": HEIGHT - PAD,
        "first": first,
        "last": last,
        "low": low,
        "high": high,
        "pad": PAD,
    }

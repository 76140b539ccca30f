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

    # Coordinates as text here: the template would print a float the Vietnamese way ("110,4").
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "planned": " ".join(f"{x(p.day)},{y(p.value)}" for p in planned),
        "reached": " ".join(f"{x(d)},{y(v)}" for d, v in reached),
        "dots": [{"cx": str(x(d)), "cy": str(y(v)), "day": d, "value": v} for d, v in reached],
        "milestones": [
            {
                "rx": str(x(p.day) - 5),
                "ry": str(y(p.value) - 5),
                "tx": str(max(x(p.day) - 60, 0)),
                "ty": str(y(p.value) - 10),
                "day": p.day,
                "value": p.value,
            }
            for p in planned[1:]
        ],
        "today": str(x(today)),
        "axis_y": str(HEIGHT - PAD),
        "label_y": str(HEIGHT - 12),
        "last_x": str(WIDTH - 100),
        "first": first,
        "last": last,
        "pad": str(PAD),
    }

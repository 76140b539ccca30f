"""The arithmetic of targets, in exact decimals and free of the database so it can be tested alone.

- A share's value is 100 × numerator / denominator. Several values of a share add up as
  Σ numerators / Σ denominators, never as a mean of percentages.
- `cumulative`: each report is the level reached at its period's end; the target's value on a day
  combines each responsible unit's latest approved report up to that day.
- `per_period`: each report is what its period added; the target's value on a day adds up every
  approved report of the periods ended by then (a share: Σ numerators / Σ denominators).
- The trajectory is the straight line from the baseline (value, date) to the first milestone, then
  from each milestone to the next. A target is behind when its latest value is on the wrong side
  of that line on the value's date, in the target's direction ("exactly": the direction the line
  travels).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
# What a share is stored and shown to; comparisons use the unrounded value.
PLACES = Decimal("0.0001")


def share_value(numerator, denominator) -> Decimal:
    """100 × numerator / denominator, rounded half up to four decimals (ValueError without a whole)."""
    numerator, denominator = Decimal(numerator), Decimal(denominator)
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    return (numerator * HUNDRED / denominator).quantize(PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Reported:
    """One approved value: the responsible unit, the period's end, the figures."""

    unit_id: int
    period_end: datetime.date
    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class Achieved:
    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    as_of: datetime.date | None = None  # the end of the latest period counted


def _combine(rows: list[Reported], is_share: bool, as_of) -> Achieved:
    if is_share and all(r.denominator for r in rows):
        numerator = sum((r.numerator for r in rows), Decimal(0))
        denominator = sum((r.denominator for r in rows), Decimal(0))
        return Achieved(share_value(numerator, denominator), numerator, denominator, as_of)
    return Achieved(sum((r.value for r in rows), Decimal(0)), as_of=as_of)


def achieved(
    reports, *, is_share: bool, cumulative: bool, as_of: datetime.date | None = None
) -> Achieved | None:
    """The target's value from approved `reports` of periods ended by `as_of` (all when None)."""
    rows = [r for r in reports if as_of is None or r.period_end <= as_of]
    if not rows:
        return None
    latest_end = max(r.period_end for r in rows)
    if cumulative:
        latest: dict[int, Reported] = {}
        for r in sorted(rows, key=lambda r: r.period_end):
            latest[r.unit_id] = r
        rows = list(latest.values())
    return _combine(rows, is_share, latest_end)


def series(reports, *, is_share: bool, cumulative: bool) -> list[Achieved]:
    """The target's value at the end of each period that has an approved report."""
    ends = sorted({r.period_end for r in reports})
    return [achieved(reports, is_share=is_share, cumulative=cumulative, as_of=end) for end in ends]


# The trajectory -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    day: datetime.date
    value: Decimal


def expected_at(points: list[Point], day: datetime.date) -> Decimal:
    """The value on the straight line through `points` (baseline, then milestones by date) on `day`;
    the first point's value before it, the last one's after it."""
    if day <= points[0].day:
        return points[0].value
    for before, after in zip(points, points[1:], strict=False):
        if day <= after.day:
            span = (after.day - before.day).days
            if span <= 0:
                return after.value
            return before.value + (after.value - before.value) * Decimal((day - before.day).days) / Decimal(
                span
            )
    return points[-1].value


def meets(value: Decimal, goal: Decimal, direction: str) -> bool:
    """Is `value` on the right side of `goal`? ("exactly" needs equality.)"""
    if direction == "at_least":
        return value >= goal
    if direction == "at_most":
        return value <= goal
    return value == goal


def ahead_of_line(value: Decimal, expected: Decimal, direction: str, *, rising: bool) -> bool:
    if direction == "at_least" or (direction == "exactly" and rising):
        return value >= expected
    return value <= expected


@dataclass
class MilestoneState:
    day: datetime.date
    value: Decimal
    reached: bool
    passed: bool  # its date is before the day of the reading

    @property
    def missed(self) -> bool:
        return self.passed and not self.reached


@dataclass
class Trajectory:
    achieved: Achieved | None
    expected: Decimal | None  # on the line, on the latest value's date
    behind: bool
    next_milestone: MilestoneState | None
    milestones: list[MilestoneState] = field(default_factory=list)
    reached: bool = False  # the milestone in force (the next one, else the last) is met

    @property
    def goal(self) -> MilestoneState | None:
        return self.next_milestone or (self.milestones[-1] if self.milestones else None)


def trajectory(
    reports,
    *,
    is_share: bool,
    cumulative: bool,
    direction: str,
    baseline: Point,
    milestones: list[Point],
    today: datetime.date,
) -> Trajectory:
    """Where the target stands on `today`: its value (periods ended by today), the line's value on
    that value's date, each milestone reached or not, and whether it is behind."""
    now_value = achieved(reports, is_share=is_share, cumulative=cumulative, as_of=today)
    milestones = sorted(milestones, key=lambda p: p.day)
    states = []
    for m in milestones:
        at_due = achieved(reports, is_share=is_share, cumulative=cumulative, as_of=m.day)
        # A milestone not yet due counts as reached as soon as today's value meets it.
        reading = at_due if m.day < today else now_value
        states.append(
            MilestoneState(
                day=m.day,
                value=m.value,
                reached=reading is not None and meets(reading.value, m.value, direction),
                passed=m.day < today,
            )
        )
    next_milestone = next((s for s in states if not s.passed), None)
    points = [baseline, *[p for p in milestones if p.day > baseline.day]]
    expected = behind = None
    if now_value is not None and len(points) > 1:
        expected = expected_at(points, now_value.as_of)
        segment_end = next((p for p in points if p.day >= now_value.as_of), points[-1])
        segment_start = max(
            (p for p in points if p.day < segment_end.day), key=lambda p: p.day, default=points[0]
        )
        rising = segment_end.value >= segment_start.value
        behind = not ahead_of_line(now_value.value, expected, direction, rising=rising)
    goal = next_milestone or (states[-1] if states else None)
    return Trajectory(
        achieved=now_value,
        expected=expected,
        behind=bool(behind),
        next_milestone=next_milestone,
        milestones=states,
        reached=bool(goal and goal.reached),
    )

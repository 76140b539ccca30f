"""Expected progress (DESIGN.md, "Rules"): the straight line from a sub-task's start S to its deadline D,

    expected = clamp((t − S) / (D − S), 0, 1) × 100,

written once, here, in whole tenths of a per cent rounded half up — the one rounding every page,
flag and figure reads (My tasks shows it, the lagging flag compares with it and states it, the
dashboard's curve sums it). A deadline on or before the start (a task "already done" when the plan
began) expects 100 % from its deadline on, 0 % before; a task without a start or a deadline (an
ongoing one) expects nothing (None).

Two twins, side by side and held equal by tests/kpis/test_rules_agree.py: `expected_tenths` for
one assignment already loaded, `expected_tenths_sql` as an expression the database computes over
many rows (the lagging flag's condition, the dashboard's curve). Both use integer arithmetic only
— ⌊(2000·elapsed + total) / (2·total)⌋ is 1000·elapsed/total rounded half up — so PostgreSQL,
SQLite and Python give the same number, edges included (expected exactly 20 %, a half tenth).
"""

import datetime
from decimal import Decimal

from django.db.models import Case, DateField, Func, IntegerField, Value, When
from django.db.models.functions import Greatest, Least
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

FULL = 1000  # 100 % in tenths


class DaysBetween(Func):
    """Whole days from `start` to `end` (end − start), on PostgreSQL and SQLite alike."""

    output_field = IntegerField()
    arity = 2
    template = "(%(expressions)s)"
    arg_joiner = " - "  # PostgreSQL: date − date is an integer number of days

    def as_sqlite(self, compiler, connection, **extra_context):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        sql = f"CAST(ROUND(julianday({end}) - julianday({start})) AS INTEGER)"
        return sql, (*end_params, *start_params)


def expected_tenths(
    *, start: datetime.date | None, deadline: datetime.date | None, today: datetime.date
) -> int | None:
    """Expected progress on `today` in tenths of a per cent (0…1000), or None without a start or deadline."""
    if start is None or deadline is None:
        return None
    total = (deadline - start).days
    if total <= 0:
        return FULL if today >= deadline else 0
    elapsed = min(max((today - start).days, 0), total)
    return (2000 * elapsed + total) // (2 * total)


def expected_progress(
    *, start: datetime.date | None, deadline: datetime.date | None, today: datetime.date
) -> Decimal | None:
    """Expected progress on `today` in per cent, to one decimal (66.7), or None (see the module)."""
    tenths = expected_tenths(start=start, deadline=deadline, today=today)
    return None if tenths is None else Decimal(tenths) / 10


def expected_fraction(
    start: datetime.date | None, deadline: datetime.date | None, day: datetime.date
) -> float:
    """The same as a fraction of 1 (0 without a start), for sums over many assignments."""
    tenths = expected_tenths(start=start, deadline=deadline, today=day)
    return (tenths or 0) / FULL


def _day(value):
    return Value(value, output_field=DateField()) if isinstance(value, datetime.date) else value


def expected_tenths_sql(*, start, deadline, day):
    """`expected_tenths` as a database expression: `start`, `deadline` and `day` are expressions
    (F("s_date"), RawSQL("r.start", ())) or dates. NULL without a start or a deadline."""
    start, deadline, day = _day(start), _day(deadline), _day(day)
    total = DaysBetween(deadline, start)
    elapsed = Greatest(Least(DaysBetween(day, start), total), Value(0), output_field=IntegerField())
    return Case(
        When(
            LessThanOrEqual(total, 0),
            then=Case(
                When(GreaterThanOrEqual(day, deadline), then=Value(FULL)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        ),
        default=(elapsed * Value(2000) + total) / (total * Value(2)),
        output_field=IntegerField(),
    )

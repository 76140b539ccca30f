"""One rule, one answer everywhere (issue 17, "One home for the rules").

"Expected progress" (kpis.progress): My tasks, the lagging flag's figures and the dashboard's
curve give the same number, and the rule's SQL expression equals its Python twin everywhere,
rounding edges included.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import DateField
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.utils import timezone

from kpis.flags import FlagKind, RedFlag
from kpis.models import AssignmentState, Status
from kpis.my_tasks import my_tasks, task_rows
from kpis.progress import FULL, expected_progress, expected_tenths, expected_tenths_sql
from kpis.services import periods_ensure
from kpis.sweep import sweep
from reports.dashboard.selectors.counting import expected_by_month
from reports.dashboard.selectors.scope import Scope
from reports.dashboard.summary import summary_refresh
from reports.models import DashboardMonth
from tests.factories import (
    AssignmentFactory,
    GeneralTaskFactory,
    PlanFactory,
    SectionFactory,
    SubTaskFactory,
    UnitFactory,
    UserFactory,
)
from units.models import Role

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 1, 1)
JUNE = datetime.date(2025, 6, 30)
MARCH = datetime.date(2025, 3, 1)


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


# Expected progress ---------------------------------------------------------------------------------

MONTH_END = datetime.date(2025, 3, 31)
# name → (start, deadline, latest completion): spans with a half tenth on the day, below and
# above the lagging threshold, a deadline today on the start day (100 % from the deadline on).
PROGRESS = {
    "half a year": (START, JUNE, Decimal("10")),  # day 89/180: 49.4 %
    "two thirds": (datetime.date(2025, 2, 1), datetime.date(2025, 4, 30), Decimal("30")),  # 58/88: 65.9 %
    "eighty days": (datetime.date(2025, 3, 30), datetime.date(2025, 6, 18), None),  # 1/80: 1.25 → 1.3 %
    "sixteen days": (
        datetime.date(2025, 3, 30),
        datetime.date(2025, 4, 15),
        Decimal("0"),
    ),  # 1/16: 6.25 → 6.3 %
    "due today": (MONTH_END, MONTH_END, Decimal("20")),  # no span: 100 % on its deadline
    "a third": (datetime.date(2025, 3, 1), datetime.date(2025, 4, 3), Decimal("16.5")),  # 30/33: 90.9 %
}


def test_my_tasks_the_lagging_flag_and_the_dashboard_expect_the_same_progress():
    plan = PlanFactory(issue_date=START)
    leads, staff = {}, {}
    for name, (start, deadline, completion) in PROGRESS.items():
        # One section and one unit each: the dashboard's curve per section and per unit is this one.
        general_task = GeneralTaskFactory(section=SectionFactory(plan=plan))
        unit = UnitFactory(name=f"Đơn vị {name}")
        leads[name] = AssignmentFactory(
            subtask=SubTaskFactory(general_task=general_task, plan=plan, start_date=start, deadline=deadline),
            unit=unit,
        )
        staff[name] = UserFactory(unit=unit, roles=[Role.STAFF])
        if completion is not None:
            AssignmentState.objects.create(
                assignment=leads[name], status=Status.IN_PROGRESS, latest_completion=completion
            )
    periods_ensure(now=at(MONTH_END))
    sweep(now=at(MONTH_END))
    summary_refresh(now=at(MONTH_END))
    lagging = {
        f.assignment_id: f.numbers["expected"]
        for f in RedFlag.objects.filter(kind=FlagKind.LAGGING, resolved_at__isnull=True)
    }
    assert len(lagging) >= 3  # the comparison is made on flags, not on their absence

    for name, (start, deadline, _completion) in PROGRESS.items():
        rule = expected_progress(start=start, deadline=deadline, today=MONTH_END)
        assert rule == Decimal(expected_tenths(start=start, deadline=deadline, today=MONTH_END)) / 10
        (facts,) = my_tasks(user=staff[name], today=MONTH_END)["selected"]
        assert facts.expected == rule, name
        (row,) = task_rows(user=staff[name], today=MONTH_END, ids=[facts.pk])
        assert row.expected == rule and row.lagging == facts.lagging, name
        assert facts.lagging == (leads[name].pk in lagging), name
        if facts.lagging:
            assert Decimal(str(lagging[leads[name].pk])) == rule, name
        # The dashboard: its unit curve (summed in SQL) and its stored month (summed in Python).
        unit_curve = expected_by_month(Scope(unit=leads[name].unit), {MARCH: MONTH_END}, unit=True)
        assert round(unit_curve[MARCH] * FULL) == rule * 10, name
        stored = DashboardMonth.objects.get(section=leads[name].subtask.general_task.section, month=MARCH)
        assert round(stored.expected * FULL) == rule * 10, name
    half_tenths = {
        name: expected_progress(start=s, deadline=d, today=MONTH_END) for name, (s, d, _c) in PROGRESS.items()
    }
    assert (half_tenths["sixteen days"], half_tenths["eighty days"]) == (Decimal("6.3"), Decimal("1.3"))


def _sql_tenths(triples) -> list:
    """expected_tenths_sql over (start, deadline, day) rows given as a VALUES list, by the database."""
    expression = expected_tenths_sql(
        start=RawSQL("v.s", (), output_field=DateField()),
        deadline=RawSQL("v.d", (), output_field=DateField()),
        day=RawSQL("v.t", (), output_field=DateField()),
    )
    query = Query(AssignmentState)
    sql, params = query.get_compiler(connection=connection).compile(expression.resolve_expression(query))
    cast = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    values = ", ".join(f"({n}, {cast}, {cast}, {cast})" for n in range(len(triples)))
    flat = [day for triple in triples for day in triple]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH v(n, s, d, t) AS (VALUES {values}) SELECT {sql} FROM v ORDER BY v.n",  # noqa: S608
            [*flat, *params],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_sql_expression_and_its_python_twin_agree():
    """Every day from before the start to after the deadline, for spans with half tenths (8, 16, 32,
    80 days), thirds, a deadline on or before the start, and a long one."""
    start = datetime.date(2025, 1, 1)
    triples = []
    for span in (-30, -1, 0, 1, 2, 3, 7, 8, 16, 32, 33, 80, 150, 151, 730):
        deadline = start + datetime.timedelta(days=span)
        days = range(min(span, 0) - 3, max(span, 0) + 4)
        if span > 100:
            days = [*range(-2, 40), *range(span - 40, span + 3)]
        triples += [(start, deadline, start + datetime.timedelta(days=d)) for d in days]
    found = []
    for chunk in range(0, len(triples), 200):
        found += _sql_tenths(triples[chunk : chunk + 200])
    python = [expected_tenths(start=s, deadline=d, today=t) for s, d, t in triples]
    assert [int(v) for v in found] == python
    assert {5, 13, 63} <= set(python)  # half tenths rounded up: 1/200, 1/80 (12.5), 1/16 (62.5)
    assert min(python) == 0 and max(python) == FULL

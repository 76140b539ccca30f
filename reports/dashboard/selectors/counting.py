"""What every dashboard view reads, as plain SQL written once (not composed by the ORM per view).

Counts are sums of the cells (DashboardCell: a few thousand rows, kept current by the services
and the rebuild, see reports.dashboard.cells); sub-tasks by status come from their roll-ups;
approvals by month from the assignment rows (through a partial index). Standard SQL: PostgreSQL,
and SQLite for the laptop default; only the month of an approval is spelled per database.
"""

import datetime

from django.db.models import DateField
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query

from kpis.models import Status
from kpis.progress import FULL, expected_tenths_sql
from nq57portal.replicas import read_connection
from reports.models import (
    DashboardAssignment,
    DashboardCell,
    DashboardMissing,
    DashboardMonth,
    DashboardSubtask,
)

from ..cells import COUNTS
from .scope import FLAG_KINDS, Scope

ROWS = DashboardAssignment._meta.db_table
CELLS = DashboardCell._meta.db_table
SUBTASKS = DashboardSubtask._meta.db_table
MONTHS = DashboardMonth._meta.db_table
MISSING = DashboardMissing._meta.db_table
FIGURES = COUNTS  # the cells' counters, summed
_FIGURES_SQL = ", ".join(f"COALESCE(SUM({name}), 0)" for name in FIGURES)
# The bars by item need fewer: assigned, completed, overdue, open flags.
BAR_FIGURES = ["assigned", "completed", "overdue", "flags"]
_BAR_SQL = ", ".join(
    [
        "COALESCE(SUM(assigned), 0)",
        f"COALESCE(SUM({Status.COMPLETED}), 0)",
        "COALESCE(SUM(overdue), 0)",
        "COALESCE(SUM(" + " + ".join(f"flags_{kind}" for kind in FLAG_KINDS) + "), 0)",
    ]
)


def where(scope: Scope, *, unit: bool = False, kind: bool = True) -> tuple[str, list]:
    """The page's filters as a WHERE clause (the unit's only when `unit`; the kind unless told)."""
    clauses, params = ["1 = 1"], []
    if scope.plan:
        clauses.append("plan_id = %s")
        params.append(scope.plan.pk)
    if scope.section:
        clauses.append("section_id = %s")
        params.append(scope.section.pk)
    if kind and scope.kind:
        clauses.append("unit_kind = %s")
        params.append(scope.kind)
    if unit and scope.unit is not None:
        clauses.append("unit_id = %s")
        params.append(scope.unit.pk)
    return " AND ".join(clauses), params


def _fetch(sql: str, params: list) -> list[tuple]:
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def figures_by(
    scope: Scope, level: str, group: list[str], *, unit: bool = False, bars: bool = False
) -> list[dict]:
    """Per group (e.g. ["unit_id"]) of the cells of `level`: the group's ids and FIGURES
    (BAR_FIGURES with `bars`), as dicts."""
    clause, params = where(scope, unit=unit)
    columns = ", ".join(group)
    figures = _BAR_SQL if bars else _FIGURES_SQL
    sql = f"SELECT {columns}, {figures} FROM {CELLS} WHERE level = %s AND {clause} GROUP BY {columns}"  # noqa: S608
    names = [*group, *(BAR_FIGURES if bars else FIGURES)]
    return [dict(zip(names, row, strict=True)) for row in _fetch(sql, [str(level), *params])]


def rollup_counts(scope: Scope) -> dict:
    """Sub-tasks by their status over their lead assignments (of the chosen unit kind, or all)."""
    clause, params = where(scope, kind=False)
    sql = f"SELECT status, COUNT(*) FROM {SUBTASKS} WHERE unit_kind = %s AND {clause} GROUP BY status"  # noqa: S608
    return dict(_fetch(sql, [scope.kind or "", *params]))


def assigned_by_month(scope: Scope) -> list[tuple]:
    """(month, assigned, expected) per month of the curve, summed over the filters (not per unit)."""
    clause, params = where(scope)
    sql = f"SELECT month, SUM(assigned), SUM(expected) FROM {MONTHS} WHERE {clause} GROUP BY month ORDER BY month"  # noqa: S608
    return [
        (_day(month), assigned or 0, expected or 0.0) for month, assigned, expected in _fetch(sql, params)
    ]


def missing_by_unit(scope: Scope) -> dict:
    """Unit id → lead assignments without a report for the page's month, under the filters."""
    if scope.month is None:
        return {}
    clause, params = where(scope)
    sql = f"SELECT unit_id, SUM(missing) FROM {MISSING} WHERE month = %s AND {clause} GROUP BY unit_id"  # noqa: S608
    return dict(_fetch(sql, [scope.month, *params]))


def approvals_by_month(scope: Scope, *, unit: bool = False) -> dict:
    """Approved completions of sub-tasks with a deadline, per month (first day) of the approval."""
    clause, params = where(scope, unit=unit)
    month = (
        "CAST(date_trunc('month', completed_on) AS date)"
        if read_connection().vendor == "postgresql"
        else "date(completed_on, 'start of month')"
    )
    sql = (
        f"SELECT {month}, COUNT(*) FROM {ROWS} WHERE {clause} AND status = '{Status.COMPLETED}'"  # noqa: S608
        " AND deadline IS NOT NULL AND completed_on IS NOT NULL GROUP BY 1"
    )
    return {_day(m): n for m, n in _fetch(sql, params)}


def _day(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def deadline_bounds(scope: Scope, *, unit: bool = False) -> tuple:
    """(earliest start, latest deadline, how many) of the rows with a deadline under the filters."""
    clause, params = where(scope, unit=unit)
    sql = f"SELECT MIN(start), MAX(deadline), COUNT(*) FROM {ROWS} WHERE {clause} AND deadline IS NOT NULL"  # noqa: S608
    first, last, count = _fetch(sql, params)[0]
    return (_day(first) if first else None), (_day(last) if last else None), count


def _expected_tenths_sql(connection) -> tuple[str, list]:
    """kpis.progress's expected progress (tenths of a per cent) of a row `r` at a day `m.day`, as SQL:
    the rule's own expression compiled over the rows, not a restatement of it."""
    expression = expected_tenths_sql(
        start=RawSQL("r.start", (), output_field=DateField()),
        deadline=RawSQL("r.deadline", (), output_field=DateField()),
        day=RawSQL("m.day", (), output_field=DateField()),
    )
    query = Query(DashboardAssignment)
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.compile(expression.resolve_expression(query))
    return sql, list(params)


def expected_by_month(scope: Scope, month_ends: dict, *, unit: bool = False) -> dict:
    """Per month (first day → last day given): the sum over the rows with a deadline of their
    expected progress as a fraction of 1 at the month's last day (kpis.progress, the rule itself
    compiled to SQL; a row without a start expects nothing)."""
    if not month_ends:
        return {}
    clause, params = where(scope, unit=unit)
    connection = read_connection()
    value = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    rows = ", ".join(f"({value}, {value})" for _ in month_ends)
    tenths, tenths_params = _expected_tenths_sql(connection)
    sql = (
        f"WITH m(month, day) AS (VALUES {rows}) SELECT m.month, COALESCE(SUM({tenths}), 0)"  # noqa: S608 - fixed names
        f" FROM {ROWS} r CROSS JOIN m WHERE {clause} AND r.deadline IS NOT NULL"
        " GROUP BY m.month"
    )
    flat = [day for pair in month_ends.items() for day in pair]
    return {_day(m): (total or 0) / FULL for m, total in _fetch(sql, [*flat, *tenths_params, *params])}

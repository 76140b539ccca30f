"""The aggregates every dashboard view runs over the assignment rows, as plain SQL.

These few statements are the page: they run on every view (a few tens of thousands of rows at
province scale), so they are written once here instead of being composed by the ORM on each
request (which cost more time in Python than some of them take in PostgreSQL). Standard SQL with
aggregate FILTER clauses: PostgreSQL, and SQLite 3.30+ for the laptop default. Only the month of
an approval is spelled per database.
"""

import datetime

from django.db import connection
from django.utils import timezone

from kpis.models import Status
from reports.models import DashboardAssignment

from .scope import FLAG_KINDS, STATUSES, Scope

TABLE = DashboardAssignment._meta.db_table
# The figures of a group of rows, in this order (see FIGURES).
_FIGURES_SQL = ", ".join(
    [
        "COUNT(*)",
        *(f"COUNT(*) FILTER (WHERE status = '{status}')" for status in STATUSES),
        "COUNT(*) FILTER (WHERE on_time)",
        f"COUNT(*) FILTER (WHERE deadline < %s AND status <> '{Status.COMPLETED}')",
        *(f"COALESCE(SUM(flags_{kind}), 0)" for kind in FLAG_KINDS),
    ]
)
FIGURES = ["assigned", *STATUSES, "completed_on_time", "overdue", *(f"flags_{k}" for k in FLAG_KINDS)]
# The bars by item need fewer: assigned, completed, overdue, open flags.
_BAR_SQL = ", ".join(
    [
        "COUNT(*)",
        f"COUNT(*) FILTER (WHERE status = '{Status.COMPLETED}')",
        f"COUNT(*) FILTER (WHERE deadline < %s AND status <> '{Status.COMPLETED}')",
        "COALESCE(SUM(" + " + ".join(f"flags_{kind}" for kind in FLAG_KINDS) + "), 0)",
    ]
)
BAR_FIGURES = ["assigned", "completed", "overdue", "flags"]


def where(scope: Scope, *, unit: bool = False) -> tuple[str, list]:
    """The page's filters as a WHERE clause over the rows (the unit's only when `unit`)."""
    clauses, params = ["1 = 1"], []
    if scope.plan:
        clauses.append("plan_id = %s")
        params.append(scope.plan.pk)
    if scope.section:
        clauses.append("section_id = %s")
        params.append(scope.section.pk)
    if scope.kind:
        clauses.append("unit_kind = %s")
        params.append(scope.kind)
    if unit and scope.unit is not None:
        clauses.append("unit_id = %s")
        params.append(scope.unit.pk)
    return " AND ".join(clauses), params


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def figures_by(scope: Scope, group: list[str], *, unit: bool = False, bars: bool = False) -> list[dict]:
    """Per group of rows (e.g. ["unit_id"]): the group's ids and FIGURES (BAR_FIGURES with `bars`)."""
    clause, params = where(scope, unit=unit)
    columns = ", ".join(group)
    figures = _BAR_SQL if bars else _FIGURES_SQL
    sql = f"SELECT {columns}, {figures} FROM {TABLE} WHERE {clause} GROUP BY {columns}"  # noqa: S608
    names = [*group, *(BAR_FIGURES if bars else FIGURES)]
    return [dict(zip(names, row, strict=True)) for row in _fetch(sql, [timezone.localdate(), *params])]


def rollup_counts(scope: Scope) -> dict:
    """Sub-tasks by their status over their lead assignments under the filters (summary.rollup_status)."""
    clause, params = where(scope)
    sql = (
        "SELECT rollup, COUNT(*) FROM (SELECT CASE"  # noqa: S608 - fixed names and values
        f" WHEN COUNT(*) FILTER (WHERE status = '{Status.COMPLETED}') = COUNT(*) THEN '{Status.COMPLETED}'"
        f" WHEN COUNT(*) FILTER (WHERE status = '{Status.NOT_STARTED}') = COUNT(*) THEN '{Status.NOT_STARTED}'"
        f" WHEN COUNT(*) FILTER (WHERE status IN ('{Status.COMPLETED}', '{Status.AWAITING_REVIEW}')) = COUNT(*)"
        f" THEN '{Status.AWAITING_REVIEW}' ELSE '{Status.IN_PROGRESS}' END AS rollup"
        f" FROM {TABLE} WHERE {clause} GROUP BY subtask_id) r GROUP BY rollup"
    )
    return dict(_fetch(sql, params))


def approvals_by_month(scope: Scope, *, unit: bool = False) -> dict:
    """Approved completions of sub-tasks with a deadline, per month (first day) of the approval."""
    clause, params = where(scope, unit=unit)
    month = (
        "CAST(date_trunc('month', completed_on) AS date)"
        if connection.vendor == "postgresql"
        else "date(completed_on, 'start of month')"
    )
    sql = (
        f"SELECT {month}, COUNT(*) FROM {TABLE} WHERE {clause} AND status = '{Status.COMPLETED}'"  # noqa: S608
        " AND deadline IS NOT NULL AND completed_on IS NOT NULL GROUP BY 1"
    )
    return {_day(m): n for m, n in _fetch(sql, params)}


def _day(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value

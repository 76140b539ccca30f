"""The dashboard's counts (DashboardCell) and sub-task roll-ups (DashboardSubtask), summed from the
row per lead assignment (DashboardAssignment) by plain INSERT … SELECT … GROUP BY statements.

`cells_rebuild()` rewrites them all (inside summary_refresh); `cells_sync(keys)` rewrites only the
cells and roll-ups an assignment belongs to, in the transaction of the service that changed it
(reports.dashboard.rows.rows_sync), so the dashboards read a few thousand small rows that are
as current as the assignment rows. A sync deletes and recomputes the same set of cells (a product
of the changed ids, a little wider than needed, never narrower).
"""

from django.db import connection
from django.utils import timezone

from kpis.flag_conditions import overdue_q
from kpis.flags import task_kinds
from kpis.models import Status
from reports.models import CellLevel, DashboardAssignment, DashboardCell, DashboardSubtask

STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.AWAITING_REVIEW, Status.RETURNED, Status.COMPLETED]
FLAG_KINDS = task_kinds()  # a column flags_<kind> each (reports.models.FlagCounts)

ROWS = DashboardAssignment._meta.db_table
CELLS = DashboardCell._meta.db_table
SUBTASKS = DashboardSubtask._meta.db_table

COUNTS = ["assigned", *STATUSES, "completed_on_time", "overdue", *(f"flags_{k}" for k in FLAG_KINDS)]


def _overdue_sql(today) -> tuple[str, list]:
    """The overdue rule itself (kpis.flag_conditions.overdue_q) over the rows, as SQL and params:
    the cells count exactly what the sweep flags and the lists link to, not a restatement."""
    query = DashboardAssignment.objects.filter(overdue_q(today, status="status", deadline="deadline")).query
    return query.where.as_sql(query.get_compiler(connection=connection), connection)


def _counts_sql(today) -> tuple[str, list]:
    overdue, params = _overdue_sql(today)
    sql = ", ".join(
        [
            "COUNT(*)",
            *(f"COUNT(*) FILTER (WHERE status = '{status}')" for status in STATUSES),
            "COUNT(*) FILTER (WHERE on_time)",
            f"COUNT(*) FILTER (WHERE {overdue})",
            *(f"COALESCE(SUM(flags_{kind}), 0)" for kind in FLAG_KINDS),
        ]
    )
    return sql, list(params)


# Level → the columns it groups by (the others are NULL in its cells).
LEVELS = {
    CellLevel.GENERAL_TASK_UNIT: ("plan_id", "section_id", "general_task_id", "unit_id", "unit_kind"),
    CellLevel.SECTION_UNIT: ("plan_id", "section_id", "unit_id", "unit_kind"),
    CellLevel.GENERAL_TASK_KIND: ("plan_id", "section_id", "general_task_id", "unit_kind"),
}
# Level → the key columns a sync narrows it by.
SYNC_KEYS = {
    CellLevel.GENERAL_TASK_UNIT: ("general_task_id", "unit_id"),
    CellLevel.SECTION_UNIT: ("section_id", "unit_id"),
    CellLevel.GENERAL_TASK_KIND: ("general_task_id", "unit_kind"),
}
# A sub-task's status over its lead assignments, as kpis.selectors.Rollup.status decides it: the
# whole is only as done as its parts.
_ROLLUP_SQL = (
    f"CASE WHEN COUNT(*) FILTER (WHERE status = '{Status.COMPLETED}') = COUNT(*) THEN '{Status.COMPLETED}'"
    f" WHEN COUNT(*) FILTER (WHERE status = '{Status.NOT_STARTED}') = COUNT(*) THEN '{Status.NOT_STARTED}'"
    f" WHEN COUNT(*) FILTER (WHERE status IN ('{Status.COMPLETED}', '{Status.AWAITING_REVIEW}')) = COUNT(*)"
    f" THEN '{Status.AWAITING_REVIEW}' ELSE '{Status.IN_PROGRESS}' END"
)


def _in(column: str, values) -> tuple[str, list]:
    values = sorted(set(values))
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _write_cells(cursor, level: str, where: str, params: list, today=None) -> None:
    grouped = LEVELS[level]
    columns = ["level", *grouped, *COUNTS]
    counts, counts_params = _counts_sql(today or timezone.localdate())
    cursor.execute(
        f"INSERT INTO {CELLS} ({', '.join(columns)}) SELECT %s, {', '.join(grouped)}, {counts}"  # noqa: S608
        f" FROM {ROWS} WHERE {where} GROUP BY {', '.join(grouped)}",
        [str(level), *counts_params, *params],
    )


def _write_subtasks(cursor, where: str, params: list) -> None:
    base = f"SELECT plan_id, section_id, subtask_id, %s, {_ROLLUP_SQL} FROM {ROWS} WHERE {where}"  # noqa: S608
    insert = f"INSERT INTO {SUBTASKS} (plan_id, section_id, subtask_id, unit_kind, status) "
    # Per unit kind, and over every kind ("").
    cursor.execute(
        insert + base.replace("%s", "unit_kind", 1) + " GROUP BY plan_id, section_id, subtask_id, unit_kind",
        params,
    )
    cursor.execute(insert + base + " GROUP BY plan_id, section_id, subtask_id", ["", *params])


def cells_rebuild(today=None) -> int:
    """Every cell and roll-up anew, from the assignment rows (overdue as of `today`)."""
    DashboardCell.objects.all()._raw_delete(connection.alias)
    DashboardSubtask.objects.all()._raw_delete(connection.alias)
    with connection.cursor() as cursor:
        for level in LEVELS:
            _write_cells(cursor, level, "1 = 1", [], today)
        _write_subtasks(cursor, "1 = 1", [])
    return DashboardCell.objects.count()


def keys_of(assignment_ids) -> list[tuple]:
    """(section, general task, unit, unit kind, sub-task) of these assignments' rows, as stored now."""
    return list(
        DashboardAssignment.objects.filter(assignment_id__in=assignment_ids).values_list(
            "section_id", "general_task_id", "unit_id", "unit_kind", "subtask_id"
        )
    )


def cells_sync(keys: list[tuple]) -> None:
    """Recompute the cells and roll-ups of these keys (from keys_of, before and after a change)."""
    if not keys:
        return
    values = {
        name: {k[i] for k in keys}
        for i, name in enumerate(("section_id", "general_task_id", "unit_id", "unit_kind", "subtask_id"))
    }
    with connection.cursor() as cursor:
        for level, (first, second) in SYNC_KEYS.items():
            a, a_params = _in(first, values[first])
            b, b_params = _in(second, values[second])
            where, params = f"{a} AND {b}", [*a_params, *b_params]
            cursor.execute(f"DELETE FROM {CELLS} WHERE level = %s AND {where}", [str(level), *params])  # noqa: S608
            _write_cells(cursor, level, where, params)
        where, params = _in("subtask_id", values["subtask_id"])
        cursor.execute(f"DELETE FROM {SUBTASKS} WHERE {where}", params)  # noqa: S608
        _write_subtasks(cursor, where, params)

"""The dashboard's row per lead assignment (reports.models.DashboardAssignment): written from the
live tables by one INSERT … SELECT … ON CONFLICT that touches only rows that differ, for every lead
assignment (the rebuild) or for a few (a sync, which also re-sums their cells: reports.dashboard.cells).

A sync runs in the transaction of the service that changed the assignments (report submission,
review decisions; see kpis.signals.progress_changed), so a dashboard opened a moment later counts
the change. On PostgreSQL syncs and the rebuild's rows-and-cells part take one advisory lock, each
alone: a sync never interleaves with the rebuild (which could otherwise write a row or cell from a
snapshot older than the sync's) nor with another sync (two deleting and re-summing the same cells
deadlocked, or each inserted its own). A sync runs in a savepoint and gives up, leaving its rows to
the rebuild queued after every change, rather than fail the user's action.
"""

import logging

from django.db import DatabaseError, connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from kpis.flags import RedFlag, task_kinds
from kpis.models import Status
from reports.models import DashboardAssignment
from tasks.models import Assignment, assignment_start, effective_deadline

from .cells import cells_sync, keys_of

LOCK_KEY = 57_0007
SYNC_LOCK_TIMEOUT = "5s"
logger = logging.getLogger(__name__)
FLAG_COLUMNS = {kind: f"flags_{kind}" for kind in task_kinds()}


def lead_assignments():
    """The assignments the dashboards count: lead ones of plans in force, with their status ("st")."""
    return Assignment.objects.leads_in_force().annotate(
        st=Coalesce("state__status", Value(Status.NOT_STARTED))
    )


def _open_flags(kind: str):
    # 1 when `kind` is the assignment's most severe open flag: the cells count flagged assignments,
    # each under one kind, so the kinds add up.
    counted = (
        RedFlag.objects.topmost()
        .filter(assignment_id=OuterRef("pk"), kind=kind)
        .order_by()
        .values("assignment_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _source(assignment_ids=None):
    """(column names, the SELECT's SQL and params) producing DashboardAssignment rows, in column order."""
    qs = lead_assignments()
    if assignment_ids is not None:
        qs = qs.filter(pk__in=assignment_ids)
    columns = {
        "assignment_id": F("pk"),
        "plan_id": F("subtask__plan_id"),
        "section_id": F("subtask__general_task__section_id"),
        "general_task_id": F("subtask__general_task_id"),
        "subtask_id": F("subtask_id"),
        "unit_id": F("unit_id"),
        "unit_kind": F("unit__kind"),
        "status": F("st"),
        "on_time": Case(
            When(Q(st=Status.COMPLETED, state__completed_on_time=True), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        # The deadline the rules read (kpis.flag_conditions.overdue_q): the cells count overdue from it.
        "deadline": Case(
            When(subtask__ongoing=False, then=effective_deadline()), default=None, output_field=DateField()
        ),
        "start": assignment_start(),
        "completed_on": Case(
            When(st=Status.COMPLETED, then=TruncDate("state__completed_at")),
            default=None,
            output_field=DateField(),
        ),
        **{column: _open_flags(kind) for kind, column in FLAG_COLUMNS.items()},
    }
    aliases = {f"r_{name}": expression for name, expression in columns.items()}
    sql, params = qs.order_by().annotate(**aliases).values(*aliases).query.sql_with_params()
    return list(columns), sql, params


def _write(assignment_ids=None) -> int:
    """Write the rows of these assignments (of all, with none) that differ from what is stored, and
    remove those no longer counted. Unchanged rows are not touched: a rebuild after a quiet spell
    writes next to nothing, and the table stays compact for the scans that read it."""
    names, sql, params = _source(assignment_ids)
    quote = connection.ops.quote_name
    table = quote(DashboardAssignment._meta.db_table)
    columns = [quote(n) for n in names]
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed = " OR ".join(f"{table}.{c} {distinct} excluded.{c}" for c in columns[1:])
    update = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
    gone = DashboardAssignment.objects.exclude(
        assignment_id__in=lead_assignments().order_by().values("pk")
        if assignment_ids is None
        else lead_assignments().filter(pk__in=assignment_ids).order_by().values("pk")
    )
    if assignment_ids is not None:
        gone = gone.filter(assignment_id__in=assignment_ids)
    gone._raw_delete(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) {sql} "  # noqa: S608 - our own SQL
            f"ON CONFLICT ({columns[0]}) DO UPDATE SET {update} WHERE {changed}",
            params,
        )
        return cursor.rowcount


def rows_rebuild() -> int:
    """Every row (inside summary_refresh's transaction, which holds the lock exclusively); returns
    the number of rows written or changed."""
    return _write()


def rows_sync(assignment_ids) -> int:
    """Bring the rows of these assignments up to date (removing those no longer counted), and the
    cells and roll-ups they belong to."""
    ids = sorted({int(pk) for pk in assignment_ids})
    if not ids:
        return 0
    try:
        with transaction.atomic():  # a savepoint in the caller's transaction
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # One sync at a time (two deleting and re-summing the same cells deadlocked, or
                    # double-counted), waiting for a rebuild at most SYNC_LOCK_TIMEOUT.
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [SYNC_LOCK_TIMEOUT])
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
                    cursor.execute("SELECT set_config('lock_timeout', '0', true)")
            before = keys_of(ids)
            written = _write(ids)
            cells_sync(before + keys_of(ids))
            return written
    except DatabaseError:
        # The dashboards must never make a report or a review decision fail: this sync is rolled
        # back alone, and the rebuild queued after every change (refresh_soon) brings them in.
        logger.warning("Dashboard rows of %s left to the next rebuild", ids, exc_info=True)
        return 0


def sync_on_progress(sender=None, assignment_ids=None, **kwargs) -> int:
    """kpis.signals.progress_changed receiver: the changed assignments' rows, in the same transaction."""
    from kpis.signals import assignment_updates_are_deferred

    if not assignment_ids or assignment_updates_are_deferred():
        return 0  # deferred: the caller rebuilds every row (summary_refresh) when it is done
    return rows_sync(assignment_ids)

"""The dashboard's row per lead assignment (reports.models.DashboardAssignment): written from the
live tables by one INSERT … SELECT, for every lead assignment (the rebuild) or for a few (a sync).

A sync runs in the transaction of the service that changed the assignments (report submission,
review decisions; see kpis.signals.progress_changed), so a dashboard opened a moment later counts
the change. On PostgreSQL syncs take a shared advisory lock and the rebuild the same lock
exclusively: a sync never interleaves with a rebuild (which could otherwise write a row from an
older snapshot, or collide with it on the primary key), and syncs never wait for one another.
"""

from django.db import connection, transaction
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

from kpis.flags import FlagKind, RedFlag
from kpis.models import Status
from reports.models import DashboardAssignment
from tasks.models import Assignment, AssignmentRole, PlanStatus

LOCK_KEY = 57_0007
FLAG_COLUMNS = {kind: f"flags_{kind}" for kind in FlagKind.values}


def lead_assignments():
    """The assignments the dashboards count: lead ones of plans in force, with their status ("st")."""
    return Assignment.objects.filter(
        role=AssignmentRole.LEAD, subtask__plan__status=PlanStatus.IN_FORCE
    ).annotate(st=Coalesce("state__status", Value(Status.NOT_STARTED)))


def _open_flags(kind: str):
    counted = (
        RedFlag.objects.filter(assignment_id=OuterRef("pk"), kind=kind, resolved_at__isnull=True)
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
        "deadline": Case(
            When(subtask__ongoing=False, then=F("subtask__deadline")), default=None, output_field=DateField()
        ),
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


def _insert(cursor, assignment_ids=None) -> int:
    names, sql, params = _source(assignment_ids)
    table = connection.ops.quote_name(DashboardAssignment._meta.db_table)
    cursor.execute(f"INSERT INTO {table} ({', '.join(names)}) {sql}", params)  # noqa: S608 - our own SQL
    return cursor.rowcount


def rows_rebuild() -> int:
    """Every row anew (inside summary_refresh's transaction, which holds the lock exclusively)."""
    DashboardAssignment.objects.all()._raw_delete(connection.alias)
    with connection.cursor() as cursor:
        return _insert(cursor)


def rows_sync(assignment_ids) -> int:
    """Bring the rows of these assignments up to date (removing those no longer counted)."""
    ids = sorted({int(pk) for pk in assignment_ids})
    if not ids:
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [LOCK_KEY])
        DashboardAssignment.objects.filter(assignment_id__in=ids)._raw_delete(connection.alias)
        with connection.cursor() as cursor:
            return _insert(cursor, ids)


def sync_on_progress(sender=None, assignment_ids=None, **kwargs) -> int:
    """kpis.signals.progress_changed receiver: the changed assignments' rows, in the same transaction."""
    return rows_sync(assignment_ids) if assignment_ids else 0

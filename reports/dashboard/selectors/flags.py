"""Red flags, and the filters as a Q for the lists the numbers link to."""

import datetime
import json

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kpis.flags import RedFlag, flag_rules, kind_choices
from kpis.models import AssignmentState, FlagAcknowledgement, FlagEscalation
from nq57portal.replicas import read_connection
from targets.models import Target
from tasks.models import GeneralTask, SubTask
from units.models import Unit

from .scope import FLAG_PAGE, Scope

# Open flags, most severe first, then the oldest (kpis.flags: severity then age, as every list):
# plain SQL written once (as counting.py), not composed by the ORM per view. The latest reported
# completion (which keeps a lagging flag's message current) is a subquery, so it is read for the
# page's rows only, never for every open flag. Open flags are of plans in force only: the sweep
# resolves the others' (kpis/sweep.py).
# Table names from the models; every value is a parameter.
_FLAGS_SQL = (
    "SELECT f.id, f.kind, f.numbers, f.message_vi, f.raised_at, f.subtask_id, f.target_id,"  # noqa: S608
    " COALESCE(s.code, t.code), COALESCE(s.title, t.text),"
    " u.name, u.short_name,"
    f" (SELECT a.latest_completion FROM {AssignmentState._meta.db_table} a WHERE a.assignment_id = f.assignment_id)"
    # The unit head's remediation plan and the escalation, shown beside the flag (kpis.remediation).
    f", (SELECT k.remedy FROM {FlagAcknowledgement._meta.db_table} k WHERE k.flag_id = f.id)"
    f", (SELECT k.expected_finish FROM {FlagAcknowledgement._meta.db_table} k WHERE k.flag_id = f.id)"
    f", (SELECT e.escalated_at FROM {FlagEscalation._meta.db_table} e WHERE e.flag_id = f.id)"
    f" FROM {RedFlag._meta.db_table} f"
    # A flag is about a sub-task's lead assignment or about a target (kpis.flags.RedFlag).
    f" LEFT JOIN {SubTask._meta.db_table} s ON s.id = f.subtask_id"
    f" LEFT JOIN {Target._meta.db_table} t ON t.id = f.target_id"
    f" JOIN {Unit._meta.db_table} u ON u.id = f.unit_id"
    " WHERE f.resolved_at IS NULL{filters} ORDER BY {severity}, f.raised_at, f.id LIMIT %s OFFSET %s"
)
_SECTION = (
    f" AND s.general_task_id IN (SELECT g.id FROM {GeneralTask._meta.db_table} g WHERE g.section_id = %s)"  # noqa: S608
)


def flag_page(scope: Scope) -> tuple[list[dict], bool]:
    """Open flags, most severe then oldest first, one page (and whether there are more), ready to print."""
    filters, params = [], []
    for clause, value in (
        (" AND COALESCE(s.plan_id, t.plan_id) = %s", scope.plan.pk if scope.plan else None),
        (_SECTION, scope.section.pk if scope.section else None),
        (" AND u.kind = %s", scope.kind or None),
        (" AND f.unit_id = %s", scope.unit.pk if scope.unit is not None else None),
    ):
        if value is not None:
            filters.append(clause)
            params.append(value)
    rules = flag_rules()
    severity = "CASE f.kind " + " ".join("WHEN %s THEN %s" for _ in rules) + f" ELSE {len(rules) + 1} END"
    sql = _FLAGS_SQL.format(filters="".join(filters), severity=severity)
    ranks = [value for r in rules for value in (r.kind, r.severity)]
    with read_connection().cursor() as cursor:
        cursor.execute(sql, [*params, *ranks, FLAG_PAGE + 1, scope.flag_offset])
        found = cursor.fetchall()
    today = timezone.localdate()
    labels = {kind: str(label) for kind, label in kind_choices()}
    flags = []
    for (
        pk,
        kind,
        numbers,
        message,
        raised_at,
        subtask_id,
        target_id,
        code,
        title,
        unit,
        short,
        live,
        remedy,
        finish,
        escalated,
    ) in found[:FLAG_PAGE]:
        # The model's own wording of the message as of today (overdue days, expected progress).
        flag = RedFlag(kind=kind, numbers=_json(numbers), message_vi=message)
        flag.live_actual = live or 0
        flags.append(
            {
                "id": pk,
                "kind": kind,
                "kind_label": labels.get(kind, kind),
                "raised": _local_day(raised_at),
                "subtask_id": subtask_id,
                "url": reverse("targets:detail", args=[target_id])
                if target_id
                else reverse("tasks:subtask_detail", args=[subtask_id]),
                "code": code,
                "title": title,
                "unit": short or unit,
                "text": flag.current_message(today),
                "remedy": remedy or "",
                "expected_finish": _day(finish),
                "remedy_past_due": bool(finish) and _as_date(finish) < today,
                "escalated": bool(escalated) and not remedy,
            }
        )
    return flags, len(found) > FLAG_PAGE


def _as_date(value) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _day(value) -> str:
    return f"{_as_date(value):%d/%m/%Y}" if value else ""


def _json(value):
    """jsonb arrives decoded from PostgreSQL, as text from SQLite."""
    return json.loads(value) if isinstance(value, str | bytes) else (value or {})


def _local_day(value) -> str:
    """A stored time as the day it was in Vietnam, dd/mm/yyyy (SQLite returns it naive, in UTC)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return f"{timezone.localtime(value):%d/%m/%Y}"


def unit_place(rows: list[dict], unit) -> dict | None:
    return next((r for r in rows if r["unit_id"] == unit.pk), None)


def filters_q(*, plan=None, section=None, kind="", unit=None) -> Q:
    """The same filters as a Q over Assignment (for the lists the numbers link to)."""
    q = Q()
    if plan:
        q &= Q(subtask__plan_id=plan)
    if section:
        q &= Q(subtask__general_task__section_id=section)
    if kind:
        q &= Q(unit__kind=kind)
    if unit:
        q &= Q(unit_id=unit)
    return q

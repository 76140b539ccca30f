"""The red-flag sweep: set-based, safe to run twice at once, a fixed number of SQL statements.

For each kind of flag (DESIGN.md "Red flags") one queryset states the condition over every lead
assignment of the plans in force. Per kind, in one transaction:

1. resolve: one UPDATE of the open flags whose assignment no longer meets the condition
   (`… WHERE resolved_at IS NULL AND NOT EXISTS (condition)`), so history stays as resolved rows;
2. select the assignments that meet it and have no open flag of that kind (only the changes
   come back to Python, where their Vietnamese message is written);
3. insert them in one statement that ignores conflicts with the partial unique index "one open
   flag per assignment and kind": a second sweep running at the same time inserts nothing twice.

Rules and the decisions taken where DESIGN.md is silent:
- only lead assignments of plans in force; S = sub-task start, else plan start, else issue date;
- overdue: the day after the deadline (t > D) and not completed — awaiting review included
  (DESIGN: "not completed"); an approval resolves it at once: the report and review services sweep
  the assignment they change (`assignment_ids`), in their own transaction, so a decision never
  leaves a finished task flagged until the next periodic sweep;
- lagging: expected ≥ FLAG_LAGGING_MIN_EXPECTED and actual < FLAG_LAGGING_RATIO × expected, actual
  being the latest reported completion (0 when never reported); not for completed assignments
  nor those awaiting review (the unit has claimed completion: the next move is the reviewer's);
  it ends at the deadline, where overdue begins: the two never stand open together (one picture
  per assignment: a late task is overdue, not also lagging);
- quality: the latest claim was returned (status "Chờ hoàn thiện");
- no-report: an ongoing sub-task, or a running one (started by the period's cut-off, not
  completed, not awaiting review, not overdue), whose lead unit has no submitted report for the
  last monthly period whose due date has passed; a later missed month is a new flag;
- the kinds, their figures and severities are kpis.flags.RULES; lists and headlines read an
  assignment under its most severe open flag (RedFlag.objects.topmost()).
- ongoing sub-tasks have no deadline and are never overdue or lagging;
- target behind (a kind about a target, FlagRule.subject): a target of a plan in force whose latest
  approved value is behind its straight line to the next milestone, and has not reached it, is
  flagged once per responsible unit; the rows come from targets.selectors (where the target pages
  read it), the resolve and insert are the same two statements keyed on (target, unit).
"""

import datetime
import json
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime

from audit.services import audit_record

from .flags import RULES, FlagSubject, RedFlag, flag_kinds
from .models import Period
from .signals import assignment_updates_are_deferred


@dataclass
class SweepResult:
    today: datetime.date
    raised: dict = field(default_factory=dict)
    resolved: dict = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.raised.values()) or any(self.resolved.values())

    def as_dict(self) -> dict:
        return {"today": self.today.isoformat(), "raised": self.raised, "resolved": self.resolved}


def sweep(
    *, now: datetime.datetime | None = None, kinds=None, assignment_ids=None, target_ids=None
) -> SweepResult:
    """Raise and resolve every kind of red flag as of `now`. Idempotent; safe on two workers at once.

    With `assignment_ids`, only those assignments' flags (what a report or review decision changed);
    with `target_ids`, only those targets' (a decision on a target's value): the same statements,
    narrowed to them, for the kinds about them.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = SweepResult(today=today)
    ids = None if assignment_ids is None else list(assignment_ids)
    targets = None if target_ids is None else list(target_ids)
    if ids is not None and assignment_updates_are_deferred():
        return result  # the caller replays history and sweeps everything itself
    for kind in kinds or flag_kinds():
        about_targets = RULES[kind].subject == FlagSubject.TARGET
        if (about_targets and ids is not None) or (not about_targets and targets is not None):
            continue
        if about_targets:
            result.resolved[kind], result.raised[kind] = _sweep_targets(kind, today, now, targets)
            continue
        with transaction.atomic():
            result.resolved[kind] = _resolve(kind, today, now, ids)
            _test_delay()
            rows = _new_rows(kind, today, ids)
            _test_delay()
            result.raised[kind] = _insert(_flags(kind, rows, today), now)
    if result.changed:
        changes = result.as_dict()
        if ids is not None:
            changes["assignments"] = ids
        if targets is not None:
            changes["targets"] = targets
        audit_record(actor=None, action="flags.sweep", object_type="kpis.redflag", changes=changes, now=now)
    return result


def _test_delay():
    # Only the integration test that kills a worker in the middle of a sweep sets this.
    delay = float(getattr(settings, "FLAG_SWEEP_TEST_DELAY_SECONDS", 0) or 0)
    if delay:
        time.sleep(delay)


def _resolve(kind: str, today: datetime.date, now, ids=None) -> int:
    holds = RULES[kind].conditions(today, ids).filter(pk=OuterRef("assignment_id"))
    if RULES[kind].period_scoped:
        holds = holds.filter(due_period=OuterRef("period_id"))
    flags = RedFlag.objects.filter(kind=kind, resolved_at__isnull=True)
    if ids is not None:
        flags = flags.filter(assignment_id__in=ids)
    return flags.exclude(Exists(holds)).update(resolved_at=now)


def _sweep_targets(kind: str, today: datetime.date, now, ids=None) -> tuple[int, int]:
    """A kind about targets: (resolved, raised). The condition's rows are computed in Python (a
    target's trajectory), a handful per plan. One conditional UPDATE resolves the open flags whose
    (target, unit) no longer meets it; one INSERT offers a flag for every row that does, those
    already open skipped by the partial unique index "one open flag per target, unit and kind"
    (which also keeps two sweeps at once from opening one twice). Two statements on a quiet sweep."""
    rule = RULES[kind]
    rows = rule.conditions(today, ids)
    units_of: dict[int, list[int]] = {}
    for row in rows:
        units_of.setdefault(row["target_id"], []).append(row["unit_id"])
    holding = Q(pk__in=[])
    for target_id, unit_ids in units_of.items():
        holding |= Q(target_id=target_id, unit_id__in=unit_ids)
    open_flags = RedFlag.objects.filter(kind=kind, resolved_at__isnull=True)
    if ids is not None:
        open_flags = open_flags.filter(target_id__in=ids)
    resolved = open_flags.exclude(holding).update(resolved_at=now)
    _test_delay()
    flags = []
    for row in rows:
        numbers = rule.numbers(row, today, None)
        with translation.override("vi"):
            message = rule.message(numbers)
        flags.append(
            {
                "kind": kind,
                "assignment_id": None,
                "subtask_id": None,
                "target_id": row["target_id"],
                "unit_id": row["unit_id"],
                "period_id": None,
                "numbers": numbers,
                "message_vi": message,
                "episode": rule.episode(row, None),
            }
        )
    return resolved, _insert(flags, now)


def _new_rows(kind: str, today: datetime.date, ids=None) -> list[dict]:
    rule = RULES[kind]
    qs = rule.conditions(today, ids)
    open_flags = RedFlag.objects.filter(kind=kind, resolved_at__isnull=True, assignment_id=OuterRef("pk"))
    if rule.period_scoped:
        open_flags = open_flags.filter(period_id=OuterRef("due_period"))
    qs = qs.exclude(Exists(open_flags))
    fields = {*rule.fields, *(["due_period"] if rule.period_scoped else [])}
    return list(qs.order_by("pk").values("pk", "subtask_id", "unit_id", *sorted(fields)))


def _flags(kind: str, rows: list[dict], today: datetime.date) -> list[dict]:
    rule = RULES[kind]
    periods = {}
    if rule.period_scoped and rows:
        periods = Period.objects.in_bulk({row["due_period"] for row in rows})
    flags = []
    for row in rows:
        period = periods.get(row["due_period"]) if rule.period_scoped else None
        numbers = rule.numbers(row, today, period)
        with translation.override("vi"):  # the stored message is Vietnamese, whoever's request ran the sweep
            message = rule.message(numbers)
        flags.append(
            {
                "kind": kind,
                "assignment_id": row["pk"],
                "subtask_id": row["subtask_id"],
                "target_id": None,
                "unit_id": row["unit_id"],
                "period_id": period.pk if period is not None else None,
                "numbers": numbers,
                "message_vi": message,
                "episode": rule.episode(row, period),
            }
        )
    return flags


# New flags per INSERT statement. PostgreSQL caps a jsonb document at 256 MB; a national first
# sweep raises millions of flags at once, so they travel in documents of this many rows.
INSERT_CHUNK_ROWS = 100_000


def _insert(flags: list[dict], now) -> int:
    """Insert the new flags, skipping any that another sweep has just opened: one statement per
    INSERT_CHUNK_ROWS flags (one for any ordinary sweep), the rows travelling as a JSON document,
    so the statement count does not grow with the number of assignments (bulk_create would
    split them into batches of about a hundred on SQLite)."""
    return sum(
        _insert_chunk(flags[start : start + INSERT_CHUNK_ROWS], now)
        for start in range(0, len(flags), INSERT_CHUNK_ROWS)
    )


def _insert_chunk(flags: list[dict], now) -> int:
    if not flags:
        return 0
    table = connection.ops.quote_name(RedFlag._meta.db_table)
    columns = "kind, assignment_id, subtask_id, target_id, unit_id, period_id, numbers, message_vi, episode, raised_at"
    raised_at = connection.ops.adapt_datetimefield_value(now)
    document = json.dumps(flags, ensure_ascii=False)
    if connection.vendor == "postgresql":
        sql = (
            f"INSERT INTO {table} ({columns}) "  # noqa: S608 - names from the model, values are parameters
            "SELECT r.kind, r.assignment_id, r.subtask_id, r.target_id, r.unit_id, r.period_id, r.numbers, "
            "r.message_vi, r.episode, %s "
            "FROM jsonb_to_recordset(%s::jsonb) AS r(kind text, assignment_id bigint, subtask_id bigint, "
            "target_id bigint, unit_id bigint, period_id bigint, numbers jsonb, message_vi text, episode text) "
            "ON CONFLICT DO NOTHING"
        )
    elif connection.vendor == "sqlite":
        pick = ", ".join(
            f"json_extract(value, '$.{name}')"
            for name in (
                "kind",
                "assignment_id",
                "subtask_id",
                "target_id",
                "unit_id",
                "period_id",
                "numbers",
                "message_vi",
                "episode",
            )
        )
        # "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT, not a join.
        sql = f"INSERT INTO {table} ({columns}) SELECT {pick}, %s FROM json_each(%s) WHERE true ON CONFLICT DO NOTHING"  # noqa: S608
    else:  # pragma: no cover - other engines: batches, still idempotent
        objs = [RedFlag(raised_at=now, **flag) for flag in flags]
        RedFlag.objects.bulk_create(objs, ignore_conflicts=True)
        return len(objs)
    with connection.cursor() as cursor:
        cursor.execute(sql, [raised_at, document])
        return max(cursor.rowcount, 0)


def parse_now(value: str | None) -> datetime.datetime | None:
    """An ISO date ("2026-01-15", noon in Vietnam) or datetime; None for the real clock."""
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        moment = datetime.datetime(day.year, day.month, day.day, 12)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment

"""Reads of the targets: each target with its milestones, its approved values and where it stands
(targets.progress), in a fixed number of queries whatever the number of targets; the values
waiting for review; the part of the official report about them.

Targets are read by whoever may read their plan (a draft plan's by the secretariat only).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from budget.money import vn_number
from tasks.models import Plan, PlanStatus
from tasks.selectors import end_of_day

from .models import Accumulation, Target, TargetDirection, TargetValue, ValueStatus
from .progress import PLACES, Point, Reported, series, trajectory


def targets_of(plans, *, user=None, approved_by: datetime.datetime | None = None):
    """The targets of `plans` (ids or Plans) with their plan, milestones, units and approved values
    (those approved by the moment `approved_by` when given: an official report's cut-off)."""
    # A queryset of plan ids stays a subquery (one statement for the sweep).
    ids = plans if isinstance(plans, QuerySet) else [getattr(p, "pk", p) for p in plans]
    rows = Target.objects.filter(plan_id__in=ids)
    if user is not None:
        rows = rows.filter(Plan.visible_to(user, via="plan__"))
    approved = TargetValue.objects.filter(status=ValueStatus.APPROVED)
    if approved_by is not None:
        approved = approved.filter(decided_at__lte=approved_by)
    return rows.select_related("plan").prefetch_related(
        "milestones",
        "units",
        Prefetch("values", queryset=approved.select_related("period"), to_attr="approved_values"),
    )


def reported(target: Target) -> list[Reported]:
    values = getattr(target, "approved_values", None)
    if values is None:  # not prefetched (an empty list is: a target without values costs no query)
        values = target.values.filter(status=ValueStatus.APPROVED).select_related("period")
    return [Reported(v.unit_id, v.period.end, v.value, v.numerator, v.denominator) for v in values]


def baseline(target: Target) -> Point:
    if target.baseline_date is not None:
        return Point(target.baseline_date, target.baseline_value or Decimal(0))
    start = target.plan.effective_start or min(m.due_date for m in target.milestones.all())
    return Point(start, Decimal(0))


def standing(target: Target, today: datetime.date):
    """The target's trajectory on `today` (targets.progress.Trajectory), and its series for a chart."""
    rows = reported(target)
    milestones = [Point(m.due_date, m.value) for m in target.milestones.all()]
    kwargs = {"is_share": target.is_share, "cumulative": target.accumulation == Accumulation.CUMULATIVE}
    if not milestones:
        return None, series(rows, **kwargs)
    return (
        trajectory(
            rows,
            direction=target.direction,
            baseline=baseline(target),
            milestones=milestones,
            today=today,
            **kwargs,
        ),
        series(rows, **kwargs),
    )


def with_standing(targets, today: datetime.date) -> list[Target]:
    """Each target with `.state` (Trajectory or None) and `.points` (its series)."""
    out = []
    for target in targets:
        target.state, target.points = standing(target, today)
        out.append(target)
    return out


def approved_values(*, plans):
    """The values that count (approved), of the targets of `plans` (ids or Plans), with their target,
    unit and period: what the targets' figures are made of."""
    return TargetValue.objects.filter(
        status=ValueStatus.APPROVED, target__plan_id__in=[getattr(p, "pk", p) for p in plans]
    ).select_related("target", "unit", "period")


def behind_condition(today: datetime.date, ids=None) -> list[dict]:
    """The condition of the red flag "target behind" (kpis.flags, FlagKind.TARGET_BEHIND): each target
    of the plans in force (of `ids` when given) that on `today` is behind its straight line to the
    next milestone and has not reached it, once per responsible unit, with the figures its message
    states. Read as the target pages read a target (`standing`), in a fixed number of queries."""
    targets = targets_of(Plan.objects.filter(status=PlanStatus.IN_FORCE).values("pk"))
    if ids is not None:
        targets = targets.filter(pk__in=ids)
    rows = []
    for target in with_standing(targets.order_by("pk"), today):
        state = target.state
        if standing_of(state) != "behind" or state.goal is None:
            continue
        figures = {
            "target_id": target.pk,
            "value": state.achieved.value,
            "as_of": state.achieved.as_of,
            "expected": state.expected.quantize(PLACES),
            "goal": state.goal.value,
            "due": state.goal.day,
            "measure": target.measure,
            "direction": target.direction,
        }
        rows += [{**figures, "unit_id": unit.pk} for unit in target.units.all()]
    return rows


def pending_values(*, plans=None):
    """Values waiting for review, oldest first."""
    rows = TargetValue.objects.filter(status=ValueStatus.SUBMITTED)
    if plans is not None:
        rows = rows.filter(target__plan_id__in=[getattr(p, "pk", p) for p in plans])
    return (
        rows.select_related("target__plan", "unit", "period", "reported_by")
        .prefetch_related("files")
        .order_by("reported_at")
    )


# Words ----------------------------------------------------------------------------------------

SIGNS = {TargetDirection.AT_LEAST: "≥ ", TargetDirection.AT_MOST: "≤ ", TargetDirection.EXACTLY: ""}


def figure(value, measure: str, places: int = 2) -> str:
    """62.5 "%" → "62,5%"; 3 "cơ chế chính sách" → "3 cơ chế chính sách"."""
    text = vn_number(value, places)
    return f"{text}%" if measure.strip() == "%" else f"{text} {measure.strip()}"


def day(value: datetime.date) -> str:
    return f"{value.day}/{value.month}/{value.year}"  # as seed 001 writes it: "30/9/2025"


def goal_words(target: Target, value, due: datetime.date) -> str:
    return f"{SIGNS[target.direction]}{figure(value, target.measure)} trước ngày {due:%d/%m/%Y}"


def verdict(target: Target, state) -> str:
    """ "đạt chỉ tiêu", "vượt chỉ tiêu", "chưa đạt chỉ tiêu", "không đạt chỉ tiêu" (its date passed)."""
    goal = state.goal if state else None
    if state is None or state.achieved is None or goal is None:
        return "chưa có số liệu"
    if state.reached:
        beyond = (target.direction == TargetDirection.AT_LEAST and state.achieved.value > goal.value) or (
            target.direction == TargetDirection.AT_MOST and state.achieved.value < goal.value
        )
        return "vượt chỉ tiêu" if beyond else "đạt chỉ tiêu"
    return "không đạt chỉ tiêu" if goal.passed else "chưa đạt chỉ tiêu"


def report_rows(plans, as_of: datetime.date, *, unit=None, at: datetime.datetime | None = None) -> list[dict]:
    """The official report's "Kết quả thực hiện các chỉ tiêu": one row per target of `plans` (those of
    `unit` when given), as of `as_of`: values of the periods ended by then, approved by the cut-off
    moment `at` (by default the last instant of `as_of`, local time). A value approved later is not
    in it, so a report regenerated later states the same figures. JSON-ready."""
    if at is None:
        at = end_of_day(as_of)
    targets = targets_of(plans, approved_by=at)
    if unit is not None:
        targets = targets.filter(units=getattr(unit, "pk", unit))
    rows = []
    for target in with_standing(targets.order_by("plan_id", "order", "pk"), as_of):
        state = target.state
        goal = state.goal if state else None
        got = state.achieved if state else None
        value_text = ""
        if got is not None:
            value_text = figure(got.value, target.measure)
            if got.denominator:
                value_text += f" ({vn_number(got.numerator, 2)}/{vn_number(got.denominator, 2)})"
        rows.append(
            {
                "code": target.code,
                "text": target.text,
                "goal": goal_words(target, goal.value, goal.day) if goal else "",
                "value": value_text,
                "as_of": got.as_of.isoformat() if got else None,
                "verdict": verdict(target, state),
                "behind": bool(state and state.behind),
                "units": ", ".join(u.name for u in target.units.all()),
            }
        )
    return rows


def report_sentence(row: dict) -> str:
    """One line of the report, worded as seed 001 words its figures."""
    text = row["text"].rstrip(" .;")
    if not row["value"]:
        return f"- {text}: chưa có số liệu được công nhận."
    when = day(datetime.date.fromisoformat(row["as_of"]))
    return f"- {text}: tính đến ngày {when} đạt {row['value']}, {row['verdict']} ({row['goal']})."


# The dashboards ----------------------------------------------------------------------------------


STANDINGS = ("none", "reached", "behind", "on_track")
STANDING_WORDS = {
    "none": gettext_noop("Chưa có số liệu"),
    "reached": gettext_noop("Đạt mốc"),
    "behind": gettext_noop("Chậm so với lộ trình"),
    "on_track": gettext_noop("Đúng lộ trình"),
}


def standing_of(state) -> str:
    """Where a target stands (one of STANDINGS) from its trajectory (None: no milestone): no approved
    value yet, the milestone in force reached, behind its line, or on it. The dashboards' card and
    the API say the same."""
    if state is None or state.achieved is None:
        return "none"
    if state.reached:
        return "reached"
    return "behind" if state.behind else "on_track"


def _month_end(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def dashboard_targets(scope) -> dict | None:
    """The targets card of a dashboard (reports.dashboard's Scope: plan or the plans in force, unit;
    month): each target of the plans in scope (the unit's own on a unit dashboard) as of the month's
    end, with where it stands; behind its line first. None when there is no target in scope.

    A target behind its line is also a red flag (kpis.flags, FlagKind.TARGET_BEHIND), raised by the
    sweep as of its day and listed with the other flags."""
    from django.urls import reverse
    from django.utils.translation import gettext

    as_of = _month_end(scope.month) if scope.month else timezone.localdate()
    plans = [scope.plan.pk] if scope.plan else [p.pk for p in scope.plans]
    targets = targets_of(plans)
    if scope.unit is not None:
        targets = targets.filter(units=scope.unit.pk)
    targets = with_standing(targets.order_by("plan_id", "order", "pk"), as_of)
    if not targets:
        return None
    rows = []
    for target in targets:
        state = target.state
        got = state.achieved if state else None
        goal = state.goal if state else None
        standing = standing_of(state)
        words = gettext(STANDING_WORDS[standing])
        rows.append(
            {
                "url": reverse("targets:detail", args=[target.pk]),
                "code": target.code,
                "text": target.text,
                "value": figure(got.value, target.measure) if got else "—",
                "as_of": got.as_of if got else None,
                "expected": figure(state.expected, target.measure)
                if state and state.expected is not None
                else "—",
                "goal": f"{SIGNS[target.direction]}{figure(goal.value, target.measure)} · {goal.day:%d/%m/%Y}"
                if goal
                else "",
                "standing": standing,
                "words": words,
            }
        )
    rows.sort(key=lambda r: r["standing"] != "behind")
    return {
        "rows": rows,
        "behind": sum(r["standing"] == "behind" for r in rows),
        "total": len(rows),
        "as_of": as_of,
        "url": reverse("targets:plan", args=[plans[0]]) if len(plans) == 1 else reverse("targets:index"),
    }

"""Is this appendix already a plan? Importing the same workbook as a new plan would show every
unit each task twice, so the preview and the command say which plan already holds it."""

from __future__ import annotations

from dataclasses import dataclass

from tasks.models import Plan, SubTask
from units.naming import search_key

from .data import PlanData

# A plan holding at least this share of the workbook's sub-tasks (same code, same title) is "the same".
SAME_SHARE = 0.5


@dataclass
class SamePlan:
    plan: Plan
    same: int  # sub-tasks of the workbook found in the plan with the same code and title
    total: int  # sub-tasks in the workbook


def plans_holding(plan_data: PlanData, *, exclude: Plan | None = None) -> list[SamePlan]:
    """Plans that already hold most of the workbook's sub-tasks, most alike first (one query)."""
    wanted = {(sub.code, search_key(sub.title)) for sub in plan_data.subtasks}
    if not wanted:
        return []
    rows = SubTask.objects.filter(code__in={code for code, _ in wanted})
    if exclude is not None and exclude.pk:
        rows = rows.exclude(plan=exclude)
    same: dict[int, int] = {}
    for plan_id, code, title in rows.values_list("plan_id", "code", "title").iterator(chunk_size=2000):
        if (code, search_key(title)) in wanted:
            same[plan_id] = same.get(plan_id, 0) + 1
    total = len(plan_data.subtasks)
    alike = {pk: n for pk, n in same.items() if n >= max(1, SAME_SHARE * total)}
    plans = Plan.objects.in_bulk(list(alike))
    return sorted(
        (SamePlan(plans[pk], n, total) for pk, n in alike.items() if pk in plans),
        key=lambda s: (-s.same, -s.plan.pk),
    )

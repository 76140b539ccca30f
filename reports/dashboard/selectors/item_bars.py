"""Items: sections and general tasks."""

from reports.models import CellLevel

from .counting import figures_by
from .scope import Scope
from .unit_ranking import _bar, _pct, _text


def items(scope: Scope) -> list[dict]:
    """A bar per item: the plan's sections and general tasks, or every plan's sections when no plan is chosen."""
    # A unit's page reads its own general task × unit cells; the province the general task × kind ones.
    level = CellLevel.GENERAL_TASK_UNIT if scope.unit is not None else CellLevel.GENERAL_TASK_KIND
    group = ["section_id", "general_task_id"] if scope.plan else ["plan_id", "section_id"]
    rows = figures_by(scope, level, group, unit=True, bars=True)
    for row in rows:
        row["rate"] = _pct(row["completed"], row["assigned"]) or 0
        row["rate_text"] = _text(row["rate"])
        row["bar"] = _bar(row["rate"])
        if scope.plan:
            section_code, section_order, code, title, order = scope.ref.task_labels[row["general_task_id"]]
            row["label"] = f"{section_code}.{code} {title}"
            row["order"] = (section_order, order, row["general_task_id"])
            row["query"] = f"&section={row['section_id']}&general_task={row['general_task_id']}"
        else:
            plan_code, code, title, order = scope.ref.section_labels[row["section_id"]]
            # A plan without a number (a draft, the demo) is not announced by a stray "·".
            row["label"] = f"{plan_code} · {code}. {title}" if plan_code else f"{code}. {title}"
            row["order"] = (plan_code, order, row["section_id"])
            row["query"] = f"&plan={row['plan_id']}&section={row['section_id']}"
    rows.sort(key=lambda r: r["order"])
    return rows

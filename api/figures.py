"""The figures per unit for a plan and period, read through the dashboards' own selectors (one home
for what is counted and how): the same Scope, the same summary rows, the same ranking and sums."""

from types import SimpleNamespace

from django.http import QueryDict

from reports.dashboard import selectors as board
from reports.dashboard.summary import month_start, summary_refresh
from tasks.models import Plan

COUNT_KEYS = [
    "assigned",
    *board.STATUSES,
    "completed_on_time",
    "overdue",
    "missing",
    "flags",
    "rate",
    "on_time_rate",
]


def _snapshot():
    snap = board.snapshot()
    if snap is None:  # as the dashboard does on its first visit after an install
        summary_refresh()
        snap = board.snapshot()
    return snap


def dashboard_scope(*, plan_id=None, period=None, snap=None):
    """The dashboard's Scope for these filters, built by the dashboard's own reading of its URL."""
    query = QueryDict(mutable=True)
    if plan_id:
        query["plan"] = str(plan_id)
    if period is not None:
        query["period"] = f"{month_start(period.end):%Y-%m}"
    scope = board.scope_from_request(SimpleNamespace(GET=query), base_url="", list_url="", snap=snap)
    if plan_id and scope.plan is None:  # a closed plan: the dashboard counts none of it
        scope.plan = Plan.objects.get(pk=plan_id)
    return scope


def _counts(row: dict) -> dict:
    counts = {key: row[key] for key in COUNT_KEYS}
    counts["flags_by_kind"] = {kind: row[f"flags_{kind}"] for kind in board.FLAG_KINDS}
    return counts


def unit_figures(*, plan_id=None, period=None, unit_id=None) -> dict:
    snap = _snapshot()
    scope = dashboard_scope(plan_id=plan_id, period=period, snap=snap)
    rows = board.ranking(scope)
    if unit_id is not None:
        rows = [row for row in rows if row["unit_id"] == unit_id]
    totals = board.headline(rows, scope)
    return {
        "computed_at": snap.computed_at if snap else None,
        "plan": plan_id,
        "period": period.pk if period is not None else None,
        "month": scope.month,
        "totals": _counts(totals),
        "units": [
            {**_counts(row), "unit": row["unit_id"], "unit_name": row["name"], "rank": row["rank"]}
            for row in sorted(rows, key=lambda r: r["rank"])
        ],
    }

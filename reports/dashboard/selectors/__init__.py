"""Reads for the dashboards: a fixed number of queries over the summary rows, whatever the data size.

Each function takes the same `Scope` (the filters of the page, plus a unit for the unit
dashboard) and returns plain dicts and lists the templates render as they are.
"""

from ..summary import lead_assignments
from .flags import filters_q, flag_page, unit_place
from .item_bars import items
from .progress import progress_series
from .scope import (
    FLAG_KINDS,
    FLAG_PAGE,
    RANKING_ROWS,
    SORTS,
    STATUSES,
    SUBTASK_STATUSES,
    UNIT_KINDS,
    Reference,
    Scope,
    reference,
    scope_from_request,
    snapshot,
)
from .unit_ranking import headline, ranking, ranking_window, sort_ranking, subtask_counts

__all__ = [
    "FLAG_KINDS",
    "FLAG_PAGE",
    "RANKING_ROWS",
    "Reference",
    "SORTS",
    "STATUSES",
    "SUBTASK_STATUSES",
    "Scope",
    "UNIT_KINDS",
    "filters_q",
    "flag_page",
    "headline",
    "items",
    "lead_assignments",
    "progress_series",
    "ranking",
    "ranking_window",
    "reference",
    "scope_from_request",
    "snapshot",
    "sort_ranking",
    "subtask_counts",
    "unit_place",
]

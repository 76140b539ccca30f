"""Pages of a long trail without counting it: a trail of a million events is not scanned to print
its size on every view.

The count is exact up to `bound` rows (one `COUNT(*)` over a `LIMIT bound + 1` subquery: it stops
there); past that it is PostgreSQL's estimate for the same query (`EXPLAIN`: the planner's
statistics, no rows read), or the bound on a database that has none. The page then says "about"."""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

COUNT_BOUND = 10_000


def estimated_rows(queryset) -> int | None:
    """The planner's row estimate for the queryset, without running it (PostgreSQL only)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class BoundedPaginator(Paginator):
    bound = COUNT_BOUND

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by()[: self.bound + 1].count()
        self.exact = counted <= self.bound
        if self.exact:
            return counted
        return max(estimated_rows(self.object_list) or 0, self.bound + 1)

    exact = True

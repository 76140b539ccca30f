"""Reads of the budgets, already filtered by who may see them: roll-ups in exact decimals summed by
the database (a fixed number of queries, whatever the number of lines), one assignment's lines,
and the budget paragraph of the official report.

Who may see a line is who may read its assignment (`tasks.models.readable_by`): nothing is restated.
An allocation as of a day is the sum of its decisions dated up to that day; the disbursed as of a
day, the sum of the periods ended by then.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext

from kpis.models import PeriodKind
from tasks.models import Plan, readable_by
from units.naming import vi_sort_key

from .models import MONEY, Adjustment, Allocation, BudgetLevel, Disbursement, SpendingKind
from .money import money, money_pair, percent, share

ZERO = Decimal(0)

# What a roll-up groups by, over rows that have an `allocation` (Adjustment, Disbursement).
GROUPINGS = {
    "section": (
        "allocation__assignment__subtask__general_task__section_id",
        (
            "allocation__assignment__subtask__general_task__section__code",
            "allocation__assignment__subtask__general_task__section__title",
            "allocation__assignment__subtask__general_task__section__order",
            "allocation__assignment__subtask__plan__code",
        ),
    ),
    "unit": ("allocation__assignment__unit_id", ("allocation__assignment__unit__name",)),
    "kind": ("allocation__kind", ()),
    "level": ("allocation__level", ()),
}


def _plan_ids(plans) -> list[int] | None:
    if plans is None:
        return None
    if isinstance(plans, Plan):
        return [plans.pk]
    if isinstance(plans, int):
        return [plans]
    if isinstance(plans, Iterable):
        return [p.pk if isinstance(p, Plan) else int(p) for p in plans]
    raise TypeError(plans)


def scope_q(
    *, user=None, plans=None, unit=None, section=None, unit_kind: str = "", year=None, via="allocation__"
) -> Q:
    """A filter over rows under an allocation (`via="allocation__"`) or over Allocation (`via=""`)."""
    q = Q()
    if user is not None:
        q &= readable_by(user, via=f"{via}assignment__")
    plan_ids = _plan_ids(plans)
    if plan_ids is not None:
        q &= Q(**{f"{via}assignment__subtask__plan_id__in": plan_ids})
    if unit is not None:
        q &= Q(**{f"{via}assignment__unit_id": getattr(unit, "pk", unit)})
    if section is not None:
        q &= Q(**{f"{via}assignment__subtask__general_task__section_id": getattr(section, "pk", section)})
    if unit_kind:
        q &= Q(**{f"{via}assignment__unit__kind": unit_kind})
    if year is not None:
        q &= Q(**{f"{via}year": year})
    return q


def _adjustments(q: Q, as_of):
    rows = Adjustment.objects.filter(q)
    return rows.filter(decision_date__lte=as_of) if as_of else rows


def _disbursements(q: Q, as_of):
    rows = Disbursement.objects.filter(q)
    return rows.filter(period__end__lte=as_of) if as_of else rows


def totals(*, as_of: datetime.date | None = None, **scope) -> dict:
    """Allocated, disbursed and the disbursement rate (%) of everything in scope: two queries."""
    q = scope_q(**scope)
    allocated = _adjustments(q, as_of).aggregate(t=Sum("amount"))["t"] or ZERO
    disbursed = _disbursements(q, as_of).aggregate(t=Sum("amount"))["t"] or ZERO
    return {"allocated": allocated, "disbursed": disbursed, "rate": share(disbursed, allocated)}


def rollup(by: str, *, as_of: datetime.date | None = None, **scope) -> list[dict]:
    """One row per section / unit / kind / level: label, allocated, disbursed, rate. Two queries."""
    key, extra = GROUPINGS[by]
    q = scope_q(**scope)
    rows: dict = {}
    for source, field in ((_adjustments(q, as_of), "allocated"), (_disbursements(q, as_of), "disbursed")):
        for row in source.values(key, *extra).annotate(total=Sum("amount")).order_by():
            entry = rows.setdefault(row[key], {"key": row[key], "allocated": ZERO, "disbursed": ZERO, **row})
            entry[field] = row["total"] or ZERO
    result = []
    for entry in rows.values():
        entry.pop("total", None)
        entry["rate"] = share(entry["disbursed"], entry["allocated"])
        entry["label"] = _label(by, entry)
        result.append(entry)
    return sorted(result, key=_sorter(by))


def _label(by: str, row: dict) -> str:
    if by == "section":
        prefix = "allocation__assignment__subtask__general_task__section__"
        return f"{row[prefix + 'code']}. {row[prefix + 'title']}"
    if by == "unit":
        return row["allocation__assignment__unit__name"]
    if by == "kind":
        return str(SpendingKind(row["key"]).label)
    return str(BudgetLevel(row["key"]).label)


def _sorter(by: str):
    if by == "section":
        return lambda r: (
            r["allocation__assignment__subtask__plan__code"],
            r["allocation__assignment__subtask__general_task__section__order"],
        )
    if by == "unit":
        return lambda r: vi_sort_key(r["label"])
    order = list((SpendingKind if by == "kind" else BudgetLevel).values)
    return lambda r: order.index(r["key"])


def _sum_of(model, field: str = "amount"):
    money_field = DecimalField(**MONEY)
    total = (
        model.objects.filter(allocation=OuterRef("pk"))
        .order_by()
        .values("allocation")
        .annotate(t=Sum(field))
        .values("t")
    )
    return Coalesce(Subquery(total, output_field=money_field), Value(ZERO), output_field=money_field)


def allocation_lines(**scope):
    """Allocation lines in scope, each with `allocated` and `disbursed` summed by the database."""
    return (
        Allocation.objects.filter(scope_q(via="", **scope))
        .select_related("assignment__unit", "assignment__subtask__plan")
        .annotate(allocated=_sum_of(Adjustment), disbursed=_sum_of(Disbursement))
        .order_by(
            "assignment__subtask__plan_id",
            "assignment__subtask__order",
            "assignment__unit__name",
            "year",
            "kind",
            "level",
        )
    )


def assignment_lines(assignment) -> list[Allocation]:
    """One assignment's lines, their decisions and disbursements (with periods and files): four queries."""
    lines = list(
        Allocation.objects.filter(assignment=assignment)
        .annotate(allocated=_sum_of(Adjustment), disbursed=_sum_of(Disbursement))
        .prefetch_related(
            "adjustments",
            Prefetch(
                "disbursements",
                queryset=Disbursement.objects.select_related("period", "reported_by").prefetch_related(
                    "files"
                ),
            ),
        )
    )
    for line in lines:
        line.rate = share(line.disbursed, line.allocated)
        line.available = line.allocated - line.disbursed
    return lines


def reportable_periods(assignment, today: datetime.date):
    """The monthly periods of the assignment's plan a disbursement may be reported for: begun by today."""
    from kpis.models import Period

    return Period.objects.filter(
        plan_id=assignment.subtask.plan_id, kind=PeriodKind.MONTHLY, start__lte=today
    ).order_by("-start")


def dashboard_totals(scope) -> dict | None:
    """The disbursement tile of a dashboard (reports.dashboard's Scope: plan or the plans in force,
    section, unit kind, unit; month): the money of the month's year, disbursed by the month's end.
    None when nothing is allocated in scope. Two queries."""
    if scope.month is None:
        return None
    month = scope.month
    as_of = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    found = totals(
        plans=[scope.plan.pk] if scope.plan else [p.pk for p in scope.plans],
        section=scope.section,
        unit=scope.unit,
        unit_kind=scope.kind,
        year=as_of.year,
        as_of=as_of,
    )
    if not found["allocated"]:
        return None
    query = f"?year={as_of.year}" + (f"&plan={scope.plan.pk}" if scope.plan else "")
    return {
        "url": reverse("budget:overview") + query,
        # Worded here, not in the board's template: the template's messages are all in the catalogue.
        "label": gettext("Giải ngân kinh phí năm %(year)s") % {"year": as_of.year},
        **found,
        "allocated_text": money(found["allocated"]),
        "disbursed_text": money(found["disbursed"]),
        "rate_text": percent(found["rate"]),
        "year": as_of.year,
        "as_of": as_of,
    }


# The official report ---------------------------------------------------------------------------


def _day(day: datetime.date) -> str:
    return f"{day.day}/{day.month}/{day.year}"  # as seed 001 writes it: "30/9/2025"


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " và " + parts[-1]


# The official report is in Vietnamese whatever the reader's language (as reports.assembly writes it).
KIND_WORDS = {SpendingKind.RECURRENT: "Chi thường xuyên", SpendingKind.DEVELOPMENT: "Chi đầu tư phát triển"}
LEVEL_WORDS = {
    BudgetLevel.PROVINCE: "Ngân sách cấp tỉnh",
    BudgetLevel.COMMUNE: "Ngân sách cấp xã",
    BudgetLevel.CENTRAL: "Ngân sách trung ương",
}


def budget_paragraph(plan, as_of: datetime.date, *, unit=None) -> str:
    """The budget part of the official report as of `as_of`, worded as seed 001 §10 words it, for a
    plan (a Plan, an id or ids) and optionally one unit; "" when there is no budget in scope.

    Allocations are those of `as_of`'s year, as decided by then; disbursements, those of the
    periods ended by then. Lines are separated by newlines (the report makes each a paragraph).
    """
    scope = {"plans": plan, "unit": unit, "year": as_of.year, "as_of": as_of}
    kinds = [r for r in rollup("kind", **scope) if r["allocated"] or r["disbursed"]]
    if not kinds:
        return ""
    levels = [r for r in rollup("level", **scope) if r["disbursed"]]
    allocated = sum((r["allocated"] for r in kinds), ZERO)
    disbursed = sum((r["disbursed"] for r in kinds), ZERO)
    given = _joined([f"{KIND_WORDS[r['key']].lower()} {money(r['allocated'])}" for r in kinds])
    lines = [
        f"+ Trong năm {as_of.year}, tổng dự toán chi ngân sách thực hiện kế hoạch được giao là "
        f"{money(allocated)} (bao gồm: {given})."
    ]
    by_kind = _joined(
        [
            f"{KIND_WORDS[r['key']]}: {money_pair(r['disbursed'], r['allocated'])}, "
            f"đạt {percent(share(r['disbursed'], r['allocated']))} dự toán đã phân bổ"
            for r in kinds
        ]
    )
    head = (
        f"+ Tính đến ngày {_day(as_of)}, tổng số vốn đã giải ngân đạt {money(disbursed)}, "
        f"tương đương {percent(share(disbursed, allocated))} tổng dự toán được giao, trong đó: {by_kind}"
    )
    if not levels:
        return "\n".join([*lines, head + "."])
    lines.append(head + ", cụ thể:")
    for number, row in enumerate(levels, start=1):
        end = "." if number == len(levels) else ";"
        lines.append(
            f"++ {LEVEL_WORDS[row['key']]} giải ngân {money(row['disbursed'])} "
            f"(đạt {percent(row['rate'])} dự toán {money(row['allocated'])}){end}"
        )
    return "\n".join(lines)


def report_lines(plan, as_of: datetime.date, *, unit=None) -> list[dict]:
    """The budget lines of the official report's workbook, as of `as_of` (its year's lines: the
    decisions dated by then, the periods ended by then), JSON-ready (amounts as strings of đồng).
    Three queries."""
    scope = {"plans": plan, "unit": unit, "year": as_of.year}
    q = scope_q(**scope)
    sums: dict = {}
    for source, name in ((_adjustments(q, as_of), "allocated"), (_disbursements(q, as_of), "disbursed")):
        for row in source.values("allocation_id").annotate(total=Sum("amount")).order_by():
            sums.setdefault(row["allocation_id"], {})[name] = row["total"] or ZERO
    lines = (
        Allocation.objects.filter(pk__in=list(sums))
        .select_related("assignment__unit", "assignment__subtask__general_task__section")
        .order_by(
            "assignment__subtask__plan_id",
            "assignment__subtask__order",
            "assignment__unit__name",
            "kind",
            "level",
        )
    )
    rows = []
    for line in lines:
        allocated = sums[line.pk].get("allocated", ZERO)
        disbursed = sums[line.pk].get("disbursed", ZERO)
        sub = line.assignment.subtask
        rows.append(
            {
                "section": f"{sub.general_task.section.code}. {sub.general_task.section.title}",
                "code": sub.code,
                "subtask": sub.title,
                "unit": line.assignment.unit.name,
                "kind": KIND_WORDS[line.kind],
                "level": LEVEL_WORDS[line.level],
                "year": line.year,
                "allocated": str(allocated),
                "disbursed": str(disbursed),
                "rate": None if share(disbursed, allocated) is None else str(share(disbursed, allocated)),
            }
        )
    return rows

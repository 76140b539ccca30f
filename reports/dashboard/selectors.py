"""Reads for the dashboards: a fixed number of queries over the summary rows, whatever the data size.

Each function takes the same `Scope` (the filters of the page, plus a unit for the unit
dashboard) and returns plain dicts and lists the templates render as they are.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db.models import Case, Count, DateTimeField, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from kpis.flags import FlagKind, RedFlag
from kpis.models import AssignmentState, Period, PeriodKind, Status
from reports.models import (
    CellLevel,
    DashboardCell,
    DashboardMissing,
    DashboardMonth,
    DashboardSnapshot,
    DashboardSubtask,
)
from tasks.models import GeneralTask, Plan, PlanStatus, Section
from units.models import Unit, UnitKind

from .summary import chart_months, expected_fraction, lead_assignments, month_end, month_start

STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.AWAITING_REVIEW, Status.RETURNED, Status.COMPLETED]
SUBTASK_STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.AWAITING_REVIEW, Status.COMPLETED]
FLAG_KINDS = [FlagKind.OVERDUE, FlagKind.LAGGING, FlagKind.QUALITY, FlagKind.NO_REPORT]
UNIT_KINDS = [(k, label) for k, label in UnitKind.choices if k != UnitKind.GROUP]
# Ranking columns: key → (label, key function). "rank" is the default: worst first.
SORTS = {
    "rank": _("Xếp hạng"),
    "name": _("Đơn vị"),
    "assigned": _("Được giao"),
    "completed": _("Hoàn thành"),
    "rate": _("Tỷ lệ hoàn thành"),
    "on_time_rate": _("Đúng hạn"),
    "overdue": _("Quá hạn"),
    "flags": _("Cảnh báo"),
    "missing": _("Thiếu báo cáo"),
}
FLAG_PAGE = 15
# The ranking shows this many units unless all are asked for (a projector reads 25 rows, not 120).
RANKING_ROWS = 25


@dataclass
class Scope:
    plan: Plan | None = None
    section: Section | None = None
    kind: str = ""
    month: datetime.date | None = None
    unit: object = None  # the unit dashboard's unit
    sort: str = "rank"
    desc: bool = False
    flag_offset: int = 0
    all_units: bool = False
    base_url: str = ""
    list_url: str = ""
    plans: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    months: list = field(default_factory=list)
    ref: object = None

    def params(self, **extra) -> dict:
        values = {
            "plan": self.plan.pk if self.plan else "",
            "section": self.section.pk if self.section else "",
            "kind": self.kind,
            "period": f"{self.month:%Y-%m}" if self.month else "",
        }
        values.update(extra)
        return {k: v for k, v in values.items() if v not in ("", None)}

    @cached_property
    def page_base(self) -> str:
        """This page with its filters, ready for "&sort=…" (built once, not per link)."""
        return f"{self.base_url}?{urlencode(self.params())}"

    @cached_property
    def list_base(self) -> str:
        """The list view with the page's filters, ready for "&status=…"."""
        extra = {"unit": self.unit.pk} if self.unit is not None else {}
        return f"{self.list_url}?{urlencode(self.params(**extra))}"

    def url(self, **extra) -> str:
        query = urlencode(self.params(**extra))
        return f"{self.base_url}?{query}" if query else self.base_url

    def list_link(self, **extra) -> str:
        """The list a number counts (reports:dashboard_list), with the page's filters."""
        if self.unit is not None:
            extra.setdefault("unit", self.unit.pk)
        return f"{self.list_url}?{urlencode(self.params(**extra))}"

    def cells(self):
        """Section × unit rows (the ranking's and the headline's grain) under the page's filters."""
        qs = DashboardCell.objects.filter(level=CellLevel.SECTION_UNIT)
        if self.plan:
            qs = qs.filter(plan_id=self.plan.pk)
        if self.section:
            qs = qs.filter(section_id=self.section.pk)
        if self.kind:
            qs = qs.filter(unit_kind=self.kind)
        return qs

    def filter_rows(self, qs, *, unit=True):
        if self.plan:
            qs = qs.filter(plan_id=self.plan.pk)
        if self.section:
            qs = qs.filter(section_id=self.section.pk)
        if self.kind:
            qs = qs.filter(unit_kind=self.kind)
        if unit and self.unit is not None:
            qs = qs.filter(unit_id=self.unit.pk)
        return qs


@dataclass
class Reference:
    """What the filters and labels need (plans, sections, general tasks, units, months): read once per
    summary build and per process, since the summary rows can only name what existed when built."""

    plans: list
    sections: dict  # plan id → [Section]
    section_labels: dict  # section id → (plan code, code, title, order)
    task_labels: dict  # general task id → (section code, section order, code, title, order)
    units: dict  # unit id → (name, short name)
    months: list


def reference(snap) -> Reference:
    today = timezone.localdate()
    key = f"dashboard-reference:{snap.pk}:{snap.computed_at.timestamp()}:{today}" if snap else None
    found = cache.get(key) if key else None
    if found is not None:
        return found
    plans = list(Plan.objects.filter(status=PlanStatus.IN_FORCE).order_by("code", "pk").only("code", "title"))
    sections: dict = {}
    section_labels = {}
    for section in (
        Section.objects.filter(plan__status=PlanStatus.IN_FORCE)
        .select_related("plan")
        .order_by("plan_id", "order", "pk")
    ):
        sections.setdefault(section.plan_id, []).append(section)
        section_labels[section.pk] = (section.plan.code, section.code, section.title, section.order)
    task_labels = {
        pk: values
        for pk, *values in GeneralTask.objects.filter(section__plan__status=PlanStatus.IN_FORCE).values_list(
            "pk", "section__code", "section__order", "code", "title", "order"
        )
    }
    units = {pk: (name, short) for pk, name, short in Unit.objects.exclude(kind=UnitKind.GROUP).values_list(
        "pk", "name", "short_name"
    )}  # fmt: skip
    starts = (
        Period.objects.filter(kind=PeriodKind.MONTHLY, plan__status=PlanStatus.IN_FORCE, start__lte=today)
        .order_by("-start")
        .values_list("start", flat=True)
        .distinct()[:60]
    )
    months = sorted({month_start(d) for d in starts}, reverse=True)[:12]
    found = Reference(plans, sections, section_labels, task_labels, units, months)
    if key:
        cache.set(key, found, 3600)
    return found


def scope_from_request(request, *, base_url: str, list_url: str, unit=None, snap=None) -> Scope:
    """The filters of a dashboard URL; anything unknown is ignored rather than refused."""
    get = request.GET
    ref = reference(snap)
    scope = Scope(unit=unit, base_url=base_url, list_url=list_url, ref=ref)
    scope.plans = ref.plans
    plan_id = get.get("plan", "")
    scope.plan = next((p for p in scope.plans if str(p.pk) == plan_id), None)
    if scope.plan is not None:
        scope.sections = ref.sections.get(scope.plan.pk, [])
        scope.section = next((s for s in scope.sections if str(s.pk) == get.get("section", "")), None)
    if unit is None and get.get("kind") in dict(UNIT_KINDS):
        scope.kind = get["kind"]
    today = timezone.localdate()
    scope.months = ref.months
    wanted = get.get("period", "")
    scope.month = next((m for m in scope.months if f"{m:%Y-%m}" == wanted), None)
    if scope.month is None and scope.months:
        # The month whose report was last due (the 20th), as kpis' not-reported page does.
        due = [m for m in scope.months if m.replace(day=20) <= today]
        scope.month = due[0] if due else scope.months[0]
    scope.sort = get.get("sort") if get.get("sort") in SORTS else "rank"
    scope.desc = get.get("dir") == "desc"
    scope.all_units = get.get("units") == "all"
    offset = get.get("flags_from", "")
    scope.flag_offset = int(offset) if offset.isdigit() else 0
    return scope


def snapshot():
    return DashboardSnapshot.objects.order_by("-computed_at").first()


# Units: the ranking, and the page's headline as its sum ------------------------------------------


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _text(value) -> str:
    """A percentage as Vietnamese write it (25,9), "—" when there is none; for tables printed unlocalised."""
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def _bar(rate) -> int:
    """A CSS width class in steps of 5 % (the CSP forbids style attributes)."""
    return int((rate or 0) // 5 * 5)


def ranking(scope: Scope) -> list[dict]:
    """Every unit with lead assignments under the filters, its figures, and its rank (1 = best).

    Rank: completion (approved) rate, then on-time rate, then fewest overdue, then name.
    """
    numbers = ["assigned", *STATUSES, "completed_on_time", "overdue", *(f"flags_{k}" for k in FLAG_KINDS)]
    # Grouped on ids only (no join while aggregating); the names come from the reference data.
    rows = list(scope.cells().values("unit_id").annotate(**{n: Sum(n) for n in numbers}).order_by())
    names = scope.ref.units
    missing = {}
    if scope.month:
        missing_qs = scope.filter_rows(DashboardMissing.objects.filter(month=scope.month), unit=False)
        missing = dict(missing_qs.values_list("unit_id").annotate(n=Sum("missing")).order_by())
    for row in rows:
        row["flags"] = sum(row[f"flags_{k}"] for k in FLAG_KINDS)
        row["missing"] = missing.get(row["unit_id"], 0)
        row["rate"] = _pct(row["completed"], row["assigned"])
        row["on_time_rate"] = _pct(row["completed_on_time"], row["completed"])
        row["rate_text"], row["on_time_text"] = _text(row["rate"]), _text(row["on_time_rate"])
        row["name"], row["short_name"] = names.get(row["unit_id"], ("", ""))
        row["unit_id_s"] = str(row["unit_id"])
        row["bar"] = _bar(row["rate"])
    ordered = sorted(
        rows,
        key=lambda r: (
            -(r["rate"] or 0),
            -(r["on_time_rate"] or 0),
            r["overdue"],
            r["name"],
        ),
    )
    for position, row in enumerate(ordered, start=1):
        row["rank"] = position
    return ordered


def sort_ranking(rows: list[dict], scope: Scope) -> list[dict]:
    """Worst first by default (the highest rank number first); a column sorts worst first too."""
    key = scope.sort
    if key == "rank":
        result = sorted(rows, key=lambda r: r["rank"], reverse=not scope.desc)
    elif key == "name":
        result = sorted(rows, key=lambda r: r["name"], reverse=scope.desc)
    else:
        # For counts of trouble "worst" is most; for rates and achievements it is least.
        worst_is_high = key in ("overdue", "flags", "missing", "assigned")
        result = sorted(
            rows,
            key=lambda r: (r[key] if r[key] is not None else -1, -r["rank"]),
            reverse=worst_is_high != scope.desc,
        )
    return result


def ranking_window(rows: list[dict], scope: Scope, mine: dict | None) -> list[dict]:
    """The first RANKING_ROWS rows, or, on a unit's page, the rows around that unit's place."""
    if scope.all_units or len(rows) <= RANKING_ROWS:
        return rows
    if mine is not None:
        at = rows.index(mine)
        start = max(0, min(at - RANKING_ROWS // 2, len(rows) - RANKING_ROWS))
        return rows[start : start + RANKING_ROWS]
    return rows[:RANKING_ROWS]


def headline(rows: list[dict], scope: Scope) -> dict:
    """The page's figures, as the sum of the ranking's rows (the same numbers, counted once)."""
    keys = [
        "assigned",
        *STATUSES,
        "completed_on_time",
        "overdue",
        "missing",
        *(f"flags_{k}" for k in FLAG_KINDS),
    ]
    totals = {k: sum(r[k] for r in rows) for k in keys}
    totals["flags"] = sum(totals[f"flags_{k}"] for k in FLAG_KINDS)
    totals["rate"] = _pct(totals[Status.COMPLETED], totals["assigned"])
    totals["on_time_rate"] = _pct(totals["completed_on_time"], totals[Status.COMPLETED])
    return totals


def subtask_counts(scope: Scope) -> dict:
    """Sub-tasks by roll-up status over their lead assignments (of the chosen unit kind)."""
    qs = DashboardSubtask.objects.filter(unit_kind=scope.kind)
    if scope.plan:
        qs = qs.filter(plan_id=scope.plan.pk)
    if scope.section:
        qs = qs.filter(section_id=scope.section.pk)
    counts = dict.fromkeys(SUBTASK_STATUSES, 0)
    counts.update(dict(qs.values_list("status").annotate(n=Count("pk")).order_by()))
    counts["total"] = sum(counts[s] for s in SUBTASK_STATUSES)
    return counts


# Items: sections and general tasks -----------------------------------------------------------------


def items(scope: Scope) -> list[dict]:
    """A bar per item: the plan's sections and general tasks, or every plan's sections when no plan is chosen."""
    # A unit's page reads its own general task × unit rows; the province the general task × kind rows.
    level = CellLevel.GENERAL_TASK_UNIT if scope.unit is not None else CellLevel.GENERAL_TASK_KIND
    qs = scope.filter_rows(DashboardCell.objects.filter(level=level))
    group = ["section_id", "general_task_id"] if scope.plan else ["plan_id", "section_id"]
    # Grouped on ids only (no join while aggregating); the names come from the reference data.
    rows = list(
        qs.values(*group)
        .annotate(
            assigned=Sum("assigned"),
            completed=Sum(Status.COMPLETED),
            overdue=Sum("overdue"),
            **{f"flags_{k}": Sum(f"flags_{k}") for k in FLAG_KINDS},
        )
        .order_by()
    )
    for row in rows:
        row["flags"] = sum(row.pop(f"flags_{k}") or 0 for k in FLAG_KINDS)
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
            row["label"] = f"{plan_code} · {code}. {title}"
            row["order"] = (plan_code, order, row["section_id"])
            row["query"] = f"&plan={row['plan_id']}&section={row['section_id']}"
    rows.sort(key=lambda r: r["order"])
    return rows


# Progress over time -------------------------------------------------------------------------------


def progress_series(scope: Scope) -> list[dict]:
    """Per month: approved completions, cumulative % approved and % expected (sub-tasks with a deadline)."""
    if scope.unit is not None:
        return _unit_series(scope)
    qs = scope.filter_rows(DashboardMonth.objects.all(), unit=False)
    rows = list(
        qs.values("month")
        .annotate(assigned=Sum("assigned"), approved=Sum("approved"), expected=Sum("expected"))
        .order_by("month")
    )
    return _series(rows, scope)


def _series(rows, scope) -> list[dict]:
    today = timezone.localdate()
    last = min(month_start(today), scope.month or month_start(today))
    series, done = [], 0
    for row in rows:
        assigned = row["assigned"] or 0
        done += row["approved"] or 0
        past = row["month"] <= last
        actual = _pct(done, assigned) if past else None
        expected = round(100 * row["expected"] / assigned, 1) if assigned else None
        series.append(
            {
                "month": row["month"],
                "label": f"{row['month']:%m/%Y}",
                "approved": row["approved"] if past else None,
                "actual": actual,
                "expected": expected,
                "actual_text": _text(actual),
                "expected_text": _text(expected),
            }
        )
    return series


def _unit_series(scope) -> list[dict]:
    """The same curve for one unit, counted live from its own assignments (a few hundred rows)."""
    qs = lead_assignments().filter(
        unit_id=scope.unit.pk, subtask__ongoing=False, subtask__deadline__isnull=False
    )
    if scope.plan:
        qs = qs.filter(subtask__plan_id=scope.plan.pk)
    if scope.section:
        qs = qs.filter(subtask__general_task__section_id=scope.section.pk)
    # One pass: (start, deadline, month approved or none) → count; expected and approvals both come from it.
    approved_month = Case(
        When(st=Status.COMPLETED, then=TruncMonth("state__completed_at")),
        default=None,
        output_field=DateTimeField(),
    )
    rows = list(
        qs.annotate(
            s_date=Coalesce("subtask__start_date", "subtask__plan__start_date", "subtask__plan__issue_date"),
            m=approved_month,
        )
        .values("s_date", "subtask__deadline", "m")
        .annotate(n=Count("pk"))
        .order_by()
    )
    groups: dict = {}
    approvals: dict = {}
    for row in rows:
        key = (row["s_date"], row["subtask__deadline"])
        groups[key] = groups.get(key, 0) + row["n"]
        if row["m"] is not None:
            # Truncated in local time by the database: its wall-clock date is the month's first day.
            month = row["m"].date() if isinstance(row["m"], datetime.datetime) else row["m"]
            approvals[month] = approvals.get(month, 0) + row["n"]
    groups = [{"s_date": k[0], "subtask__deadline": k[1], "n": n} for k, n in groups.items()]
    starts = [g["s_date"] for g in groups if g["s_date"]]
    months = chart_months(
        min(starts) if starts else None,
        max((g["subtask__deadline"] for g in groups), default=None),
        timezone.localdate(),
    )
    assigned = sum(g["n"] for g in groups)
    rows = [
        {
            "month": m,
            "assigned": assigned,
            "approved": approvals.get(m, 0),
            "expected": sum(
                g["n"] * expected_fraction(g["s_date"], g["subtask__deadline"], month_end(m))
                for g in groups
                if g["s_date"]
            ),
        }
        for m in months
    ]
    return _series(rows, scope)


# Red flags ------------------------------------------------------------------------------------------


def flag_page(scope: Scope) -> tuple[list, bool]:
    """Open flags, newest first, one page (and whether there are more)."""
    # Open flags are of plans in force only: the sweep resolves the others' (kpis/sweep.py).
    qs = RedFlag.objects.filter(resolved_at__isnull=True)
    if scope.plan:
        qs = qs.filter(subtask__plan_id=scope.plan.pk)
    if scope.section:
        qs = qs.filter(subtask__general_task__section_id=scope.section.pk)
    if scope.kind:
        qs = qs.filter(unit__kind=scope.kind)
    if scope.unit is not None:
        qs = qs.filter(unit_id=scope.unit.pk)
    qs = (
        qs.select_related("unit", "subtask")
        .only(
            "kind",
            "numbers",
            "message_vi",
            "raised_at",
            "resolved_at",
            "assignment_id",
            "unit__name",
            "unit__short_name",
            "subtask__code",
            "subtask__title",
        )  # fmt: skip
        # The sweep inserts each flag as it raises it (raised_at = now), so the newest have the highest
        # ids: ordering by id walks the primary key backwards and stops after one page.
        .order_by("-id")
    )
    # The latest reported completion keeps a lagging flag's message current; a subquery, so PostgreSQL
    # reads it for the page's rows only (after the sort and limit), never for every open flag.
    latest = AssignmentState.objects.filter(assignment_id=OuterRef("assignment_id")).values(
        "latest_completion"
    )
    qs = qs.annotate(live=Subquery(latest[:1]))
    flags = list(qs[scope.flag_offset : scope.flag_offset + FLAG_PAGE + 1])
    today = timezone.localdate()
    for flag in flags:
        flag.live_actual = flag.live or 0
        flag.text = flag.current_message(today)
    return flags[:FLAG_PAGE], len(flags) > FLAG_PAGE


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

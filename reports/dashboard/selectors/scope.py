"""The page's filters (Scope), the reference data they choose from, and the latest snapshot."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from markupsafe import escape

from kpis.models import Period, PeriodKind, Status
from reports.models import DashboardSnapshot
from tasks.models import GeneralTask, Plan, PlanStatus, Section
from units.models import Unit, UnitKind
from units.naming import vi_sort_key

from ..cells import FLAG_KINDS, STATUSES  # noqa: F401 - the selectors read them from here
from ..summary import month_start

SUBTASK_STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.AWAITING_REVIEW, Status.COMPLETED]
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
    items_table: bool = False  # the table behind the bars by item comes with the page (?table=items)
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
        """This page with its filters, ready for "&sort=…" (built and escaped once, not per link)."""
        return escape(f"{self.base_url}?{urlencode(self.params())}")

    @cached_property
    def list_base(self) -> str:
        """The list view with the page's filters, ready for "&status=…" (escaped once)."""
        extra = {"unit": self.unit.pk} if self.unit is not None else {}
        return escape(f"{self.list_url}?{urlencode(self.params(**extra))}")


@dataclass
class Reference:
    """What the filters and labels need (plans, sections, general tasks, units, months): read once per
    summary build and per process, since the summary rows can only name what existed when built."""

    plans: list
    sections: dict  # plan id → [Section]
    section_labels: dict  # section id → (plan code, code, title, order)
    task_labels: dict  # general task id → (section code, section order, code, title, order)
    units: dict  # unit id → (name, short name, Vietnamese sort key)
    months: list


# The reference of the latest build, per process: (key, Reference). Read on every dashboard view,
# so it is kept as live objects rather than unpickled from the cache each time; a build makes a
# new key (its id, time and duration), and a new day one too.
_REFERENCE: list = [None, None]


def reference(snap) -> Reference:
    today = timezone.localdate()
    key = (snap.pk, snap.computed_at, snap.seconds, today) if snap else None
    if key is not None and _REFERENCE[0] == key:
        return _REFERENCE[1]
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
    # Groups too: a group without members is assigned its tasks itself (tasks.importing.sync).
    units = {
        pk: (name, short, vi_sort_key(name))
        for pk, name, short in Unit.objects.values_list("pk", "name", "short_name")
    }
    starts = (
        Period.objects.in_force()
        .filter(kind=PeriodKind.MONTHLY, start__lte=today)
        .order_by("-start")
        .values_list("start", flat=True)
        .distinct()[:60]
    )
    months = sorted({month_start(d) for d in starts}, reverse=True)[:12]
    found = Reference(plans, sections, section_labels, task_labels, units, months)
    if key is not None:
        _REFERENCE[:] = [key, found]
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
    scope.items_table = get.get("table") == "items"
    offset = get.get("flags_from", "")
    scope.flag_offset = int(offset) if offset.isdigit() else 0
    return scope


_SNAPSHOT_SQL = f"SELECT * FROM {DashboardSnapshot._meta.db_table} ORDER BY computed_at DESC LIMIT 1"  # noqa: S608


def snapshot():
    """The latest summary build (read on every view, so a raw query rather than one composed each time)."""
    return next(iter(DashboardSnapshot.objects.raw(_SNAPSHOT_SQL)), None)

"""The province dashboard, the unit dashboard, and the lists their numbers link to.

One view serves a whole page and its fragments: the filter form swaps #board, a ranking column
header swaps #ranking, "more flags" swaps #flags, opening the table behind the bars by item fills
#items-table-body (each part is its own Jinja2 template). Every link and form also works as a plain
GET.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from budget.selectors import dashboard_totals
from kpis.exports import ASSIGNMENT_COLUMNS, ASSIGNMENT_FIELDS, ASSIGNMENT_VALUES, SUBTASK_COLUMNS
from kpis.flag_conditions import overdue_q
from kpis.flags import RULES, RedFlag, kind_label
from kpis.models import Status
from kpis.remediation import flags_needing_decision
from nq57portal.exporting import export_response, requested_format
from nq57portal.replicas import replica_reads
from reports.models import DashboardSubtask
from targets.selectors import dashboard_targets
from tasks.models import Assignment, SubTask
from units.models import Unit, UnitKind

from . import selectors
from .summary import missing_queryset, refresh_minutes, summary_refresh

# htmx target → the part of the board it receives (templates/jinja2/reports/_dashboard_<part>.html).
FRAGMENTS = {"board": "board", "ranking": "ranking", "flags": "flags", "items-table-body": "items"}


def _target(request) -> str:
    """The part of the board htmx asked for; the whole board otherwise (a history restore too)."""
    target = request.htmx.target if request.htmx and not request.htmx.history_restore_request else None
    return FRAGMENTS.get(target, "")


def _board_html(request, scope, snap, part: str) -> str:
    """The board (or one of its parts) as HTML, rendered on every request from the summary rows of `snap`.

    No HTML cache: the page costs its few queries and a Jinja2 render (templates/jinja2/reports/,
    about twice as fast as DTL for the board's ~1,900 lookups), the same for every reader.
    """
    context = _board_context(request, scope, snap, part)
    return get_template(f"reports/_dashboard_{part}.html", using="jinja2").render(context, request=request)


def _respond(request, template, scope, snap, **context):
    part = _target(request)
    html = _board_html(request, scope, snap, part or "board")
    if part:
        response = HttpResponse(html)
    else:
        response = render(request, template, {"board_html": mark_safe(html), **context})  # noqa: S308 - our render
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _snapshot():
    snap = selectors.snapshot()
    if snap is None:
        # First visit after an install: build the rows once so the page has something true to say.
        summary_refresh()
        snap = selectors.snapshot()
    return snap


def _reader(user) -> bool:
    return bool(user.is_active and user.reads_everything)


def _board_context(request, scope, snap, part: str = "board") -> dict:
    """What the board (or the one part htmx asked for) shows; a part costs only its own queries."""
    if part == "flags":
        return {"scope": scope, **_flags_part(scope)}
    if part == "items":
        return {"scope": scope, "items": selectors.items(scope)}
    rows = selectors.ranking(scope)
    mine = selectors.unit_place(rows, scope.unit) if scope.unit is not None else None
    if part == "ranking":
        return {"scope": scope, **_ranking_part(scope, rows, mine)}
    totals = selectors.headline([mine] if mine else ([] if scope.unit is not None else rows), scope)
    series = selectors.progress_series(scope)
    item_rows = selectors.items(scope)
    stale_after = datetime.timedelta(minutes=3 * refresh_minutes())
    return {
        "scope": scope,
        "snapshot": snap,
        "stale": snap is not None and timezone.now() - snap.computed_at > stale_after,
        "totals": totals,
        "subtasks": selectors.subtask_counts(scope) if scope.unit is None else None,
        "budget": dashboard_totals(scope),
        "targets": dashboard_targets(scope),
        "series": series,
        "chart_progress": {
            "labels": [p["label"] for p in series],
            "actual": [p["actual"] for p in series],
            "expected": [p["expected"] for p in series],
        },
        "items": item_rows,
        "chart_items": {
            "labels": [i["label"] for i in item_rows],
            "rate": [i["rate"] for i in item_rows],
            "flags": [i["flags"] for i in item_rows],
        },
        # Labels as text once here, not a lazy translation resolved at each place it is printed.
        "statuses": [(s, str(Status(s).label)) for s in selectors.STATUSES],
        "subtask_statuses": [(s, str(Status(s).label)) for s in selectors.SUBTASK_STATUSES],
        "flag_kinds": [(k, kind_label(k)) for k in selectors.FLAG_KINDS],
        "unit_kinds": [(k, str(label)) for k, label in selectors.UNIT_KINDS],
        **_ranking_part(scope, rows, mine),
        **_flags_part(scope),
    }


def _ranking_part(scope, rows, mine) -> dict:
    return {
        "ranking": selectors.ranking_window(selectors.sort_ranking(rows, scope), scope, mine),
        "ranked_total": len(rows),
        "mine": mine,
        "sorts": {key: str(label) for key, label in selectors.SORTS.items()},
        "unit_url_prefix": reverse("reports:unit_dashboard", args=[0])[:-2],
    }


def _flags_part(scope) -> dict:
    flags, more_flags = selectors.flag_page(scope)
    return {"flags": flags, "more_flags": more_flags}


@login_required
@replica_reads()
def province_dashboard(request):
    if not _reader(request.user):
        raise Http404
    snap = _snapshot()
    scope = selectors.scope_from_request(
        request, base_url=reverse("reports:dashboard"), list_url=reverse("reports:dashboard_list"), snap=snap
    )
    decisions = flags_needing_decision()
    return _respond(
        request,
        "reports/dashboard.html",
        scope,
        snap,
        decisions=decisions[:DECISIONS_SHOWN],
        decisions_count=decisions.count(),
    )


# The flags that need the committee's decision, listed on the province dashboard.
DECISIONS_SHOWN = 20


@login_required
def my_unit_dashboard(request):
    user = request.user
    if user.is_unit_member and user.unit_id:
        return redirect("reports:unit_dashboard", unit_id=user.unit_id)
    if _reader(user):
        return redirect("reports:dashboard")
    raise Http404


def _unit_for(user, unit_id) -> Unit:
    if not user.is_active:
        raise Http404
    if not (user.reads_everything or (user.is_unit_member and user.unit_id == unit_id)):
        raise Http404
    # A group stands for its members and has no page of its own, unless it has no members and
    # leads its tasks itself (tasks.importing.sync): then it is ranked, and its place links here.
    leads_itself = Exists(Assignment.objects.leads().filter(unit=OuterRef("pk")))
    return get_object_or_404(Unit.objects.exclude(Q(kind=UnitKind.GROUP) & ~leads_itself), pk=unit_id)


@login_required
@replica_reads()
def unit_dashboard(request, unit_id):
    unit = _unit_for(request.user, unit_id)
    snap = _snapshot()
    scope = selectors.scope_from_request(
        request,
        base_url=reverse("reports:unit_dashboard", args=[unit.pk]),
        list_url=reverse("reports:dashboard_list"),
        unit=unit,
        snap=snap,
    )
    return _respond(request, "reports/dashboard_unit.html", scope, snap, unit=unit)


# The lists the numbers link to ---------------------------------------------------------------------

LIST_PAGE = 50


def _int(value):
    return int(value) if value and str(value).isdigit() else None


@login_required
@replica_reads()
def dashboard_list(request):
    """Lead assignments (or sub-tasks) matching one number of a dashboard, counted live."""
    user = request.user
    get = request.GET
    unit_id = _int(get.get("unit"))
    if not _reader(user):
        if not (user.is_active and user.is_unit_member) or (unit_id and unit_id != user.unit_id):
            raise Http404
        unit_id = user.unit_id
    scope = selectors.scope_from_request(
        request,
        base_url=reverse("reports:dashboard"),
        list_url=reverse("reports:dashboard_list"),
        snap=selectors.snapshot(),
    )
    plan_id = scope.plan.pk if scope.plan else None
    section_id = scope.section.pk if scope.section else None
    general_task_id = _int(get.get("general_task"))
    status = get.get("status") if get.get("status") in Status.values else ""
    today = timezone.localdate()
    title = []
    if get.get("level") == "subtask":
        qs = DashboardSubtask.objects.filter(unit_kind=scope.kind)
        if plan_id:
            qs = qs.filter(plan_id=plan_id)
        if section_id:
            qs = qs.filter(section_id=section_id)
        if status:
            qs = qs.filter(status=status)
            title.append(Status(status).label)
        subtasks = (
            SubTask.objects.filter(pk__in=qs.values("subtask_id"))
            .select_related("plan")
            .order_by("plan__code", "general_task__section__order", "general_task__order", "order")
        )
        if fmt := requested_format(request):
            return export_response(
                fmt, rows=subtasks, columns=SUBTASK_COLUMNS, name="danh-sach-tieu-nhiem-vu"
            )
        page = Paginator(subtasks, LIST_PAGE).get_page(get.get("page"))
        context = {"level": "subtask", "page": page, "title": title, "scope": scope}
        return render(request, "reports/dashboard_list.html", context)

    qs = selectors.lead_assignments().filter(
        selectors.filters_q(plan=plan_id, section=section_id, kind=scope.kind, unit=unit_id)
    )
    if general_task_id:
        qs = qs.filter(subtask__general_task_id=general_task_id)
    if status:
        qs = qs.filter(st=status)
        title.append(Status(status).label)
    if get.get("on_time") == "1":
        qs = qs.filter(st=Status.COMPLETED, state__completed_on_time=True)
        title.append(_("Hoàn thành đúng hạn"))
    if get.get("overdue") == "1":
        qs = qs.filter(overdue_q(today, status="st"))
        title.append(_("Quá hạn"))
    flag = get.get("flag", "")
    if flag in RULES or flag == "any":
        # As the tiles count them: an assignment under its most severe open flag.
        open_flags = RedFlag.objects.topmost().filter(assignment=OuterRef("pk"))
        if flag != "any":
            open_flags = open_flags.filter(kind=flag)
            title.append(_("Cảnh báo: %(kind)s") % {"kind": kind_label(flag)})
        else:
            title.append(_("Có cảnh báo đỏ"))
        qs = qs.filter(Exists(open_flags))
    if get.get("missing") == "1" and scope.month:
        qs = qs.filter(pk__in=missing_queryset(scope.month, today).values("pk"))
        title.append(_("Thiếu báo cáo tháng %(month)s") % {"month": f"{scope.month:%m/%Y}"})
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    qs = qs.select_related("subtask", "unit", "state").order_by(
        "unit__name", "subtask__plan_id", "subtask__order", "pk"
    )
    if fmt := requested_format(request):
        rows = qs.values(*ASSIGNMENT_FIELDS, **ASSIGNMENT_VALUES)
        return export_response(fmt, rows=rows, columns=ASSIGNMENT_COLUMNS, name="danh-sach-phan-cong")
    page = Paginator(qs, LIST_PAGE).get_page(get.get("page"))
    context = {
        "level": "assignment",
        "page": page,
        "title": title,
        "scope": scope,
        "unit": unit,
        "today": today,
        "kind_label": UnitKind(scope.kind).label if scope.kind else "",
    }
    return render(request, "reports/dashboard_list.html", context)

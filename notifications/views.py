"""The bell, the list of one's notifications, marking them read; the red-flag list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kpis.exports import FLAG_COLUMNS, FLAG_RELATED
from kpis.flag_selectors import flag_list, open_flag_counts, open_flag_totals
from kpis.flags import FlagKind
from nq57portal.exporting import export_response, requested_format

from . import selectors
from .services import notification_mark_read, notifications_mark_all_read, preference_set

PAGE_SIZE = 25


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def bell(request):
    response = render(
        request,
        "notifications/_bell.html",
        {"notification_unread": selectors.unread_count(user=request.user)},
    )
    patch_vary_headers(response, ["HX-Request", "Cookie"])
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    notifications = selectors.notifications_for(user=request.user, unread_only=unread_only)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread_only,
        "notification_unread": selectors.unread_count(user=request.user),
        "preference": selectors.preference_for(user=request.user),
    }
    name = (
        "notifications/list.html#rows" if request.htmx and not request.htmx.history_restore_request else None
    )
    response = render(request, name or "notifications/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _back(request):
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/notifications/") else "notifications:list")


@login_required
@require_POST
def mark_read(request, notification_id):
    # Someone else's id changes nothing and answers the same: ids cannot be probed.
    notification_mark_read(user=request.user, notification_id=notification_id)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    notifications_mark_all_read(user=request.user)
    return _back(request)


@login_required
@require_POST
def preferences(request):
    digest = request.POST.get("daily_digest") == "on"
    preference_set(user=request.user, daily_digest=digest)
    messages.success(
        request,
        _("Đã lưu: thông báo sẽ được gửi gộp một thư mỗi ngày.")
        if digest
        else _("Đã lưu: mỗi thông báo được gửi thư điện tử ngay."),
    )
    return _back(request)


@login_required
@require_GET
def red_flags(request):
    """Open red flags the user may see (with their history on request), and their roll-ups."""
    subtask_id = _int(request.GET.get("subtask"))
    unit_id = _int(request.GET.get("unit"))
    plan_id = _int(request.GET.get("plan"))
    kind = request.GET.get("kind") or None
    include_resolved = request.GET.get("history") == "1"
    # Unit staff read their own unit's flags first (the figures of their unit's dashboard); the
    # flags of tasks they only co-ordinate, other units' flags, come with ?co=1.
    user = request.user
    member = not user.reads_everything and user.is_unit_member and bool(user.unit_id)
    with_coordinated = request.GET.get("co") == "1"
    own_only = member and not (unit_id or subtask_id or with_coordinated)
    if own_only:
        unit_id = user.unit_id
    flags = flag_list(
        user=request.user,
        subtask_id=subtask_id,
        unit_id=unit_id,
        plan_id=plan_id,
        kind=kind,
        include_resolved=include_resolved,
    )
    if fmt := requested_format(request):
        rows = flags.select_related(*FLAG_RELATED)
        return export_response(fmt, rows=rows, columns=FLAG_COLUMNS, name="canh-bao-do")
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    visible = selectors.visible_flags(user=request.user)
    if unit_id:
        visible = visible.filter(unit_id=unit_id)  # the figures above the list are the unit's too
    by_plan = open_flag_counts(by="plan", queryset=visible)
    context = {
        "page": page,
        "flags": page.object_list,
        "totals": open_flag_totals(visible),
        "plans": selectors.plans_with_counts(by_plan),
        "kinds": FlagKind.choices,
        "kind": kind,
        "subtask": selectors.subtask_title(subtask_id) if subtask_id else None,
        "unit": selectors.unit_name(unit_id) if unit_id else None,
        "include_resolved": include_resolved,
        "own_only": own_only,
        "with_coordinated": member and with_coordinated,
    }
    return render(request, "notifications/flags.html", context)

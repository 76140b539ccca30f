"""The red-flag list: open flags the user may see, most severe first, with their history on request."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from nq57portal.exporting import export_response, requested_format

from ..exports import FLAG_COLUMNS, FLAG_FIELDS, with_today
from ..flag_selectors import (
    flag_list,
    flags_visible_to,
    open_flag_counts,
    open_flag_totals,
    plans_with_counts,
    subtask_title,
    target_heading,
    unit_name,
)
from ..flags import kind_choices

PAGE_SIZE = 25


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def red_flags(request):
    """Open red flags the user may see (with their history on request), and their roll-ups."""
    subtask_id = _int(request.GET.get("subtask"))
    target_id = _int(request.GET.get("target"))
    unit_id = _int(request.GET.get("unit"))
    plan_id = _int(request.GET.get("plan"))
    kind = request.GET.get("kind") or None
    include_resolved = request.GET.get("history") == "1"
    # Unit staff read their own unit's flags first (the figures of their unit's dashboard); the
    # flags of tasks they only co-ordinate, other units' flags, come with ?co=1.
    user = request.user
    member = not user.reads_everything and user.is_unit_member and bool(user.unit_id)
    with_coordinated = request.GET.get("co") == "1"
    own_only = member and not (unit_id or subtask_id or target_id or with_coordinated)
    if own_only:
        unit_id = user.unit_id
    flags = flag_list(
        user=request.user,
        subtask_id=subtask_id,
        target_id=target_id,
        unit_id=unit_id,
        plan_id=plan_id,
        kind=kind,
        include_resolved=include_resolved,
    )
    if fmt := requested_format(request):
        rows = flags.values(*FLAG_FIELDS)
        return export_response(fmt, rows=rows, columns=FLAG_COLUMNS, name="canh-bao-do", prepare=with_today)
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    visible = flags_visible_to(request.user)
    if unit_id:
        visible = visible.filter(unit_id=unit_id)  # the figures above the list are the unit's too
    if target_id:
        visible = visible.filter(target_id=target_id)
    by_plan = open_flag_counts(by="plan", queryset=visible)
    context = {
        "page": page,
        "flags": page.object_list,
        "totals": open_flag_totals(visible),
        "plans": plans_with_counts(by_plan),
        "kinds": kind_choices(),
        "kind": kind,
        "subtask": subtask_title(subtask_id) if subtask_id else None,
        "target": target_heading(user, target_id) if target_id else None,
        "unit": unit_name(unit_id) if unit_id else None,
        "include_resolved": include_resolved,
        "own_only": own_only,
        "with_coordinated": member and with_coordinated,
    }
    return render(request, "kpis/flags.html", context)

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from .exporting import export
from .forms import EventFilterForm
from .paging import BoundedPaginator
from .selectors import events_visible_to, unit_names

PAGE_SIZE = 50


def _require_secretariat(user) -> None:
    # The trail is the secretariat's; to anyone else the page does not exist.
    if not (user.is_active and user.is_secretariat):
        raise Http404


@login_required
@require_GET
def event_list(request):
    _require_secretariat(request.user)
    form = EventFilterForm(request.GET or None)
    events = events_visible_to(user=request.user, filters=form.filters())
    page = BoundedPaginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    units = unit_names(page.object_list)
    for event in page.object_list:
        event.unit_name = units.get(event.unit_id, "")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
    }
    # A history restore after a cache miss asks for the whole page, though it comes from htmx.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "audit/event_list.html#results" if fragment else "audit/event_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def event_export(request, fmt="csv"):
    _require_secretariat(request.user)
    form = EventFilterForm(request.GET or None)
    events = events_visible_to(user=request.user, filters=form.filters())
    return export(fmt, events)

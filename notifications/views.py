"""The bell, the list of one's notifications, marking them read (the red-flag list is kpis.views.flags)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nq57portal.redirects import next_url

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
    response["Cache-Control"] = "private, no-store"
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
    default = reverse("notifications:list")
    target = next_url(request, default=default)
    return redirect(target if target.startswith("/notifications/") else default)


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

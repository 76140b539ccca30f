"""Account management by the secretariat: list, create, edit, (de)activate users."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .forms import UserCreateForm, UserFilterForm, UserForm
from .permissions import access_user_for_user, is_secretariat
from .selectors import users_visible_to

PAGE_SIZE = 50


def secretariat_required(view):
    """Signed-in secretariat only; to anyone else the page does not exist (404, not 403)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_secretariat(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@secretariat_required
@require_http_methods(["GET"])
def user_list(request):
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    users = users_visible_to(user=request.user, filters=filters)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    # A history restore after a cache miss asks for the whole page, though it comes from htmx.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "units/user_list.html#rows" if fragment else "units/user_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _initial(user) -> dict:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "position": user.position,
        "unit": user.unit_id,
        "roles": sorted(user.role_set),
    }


@secretariat_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                email=data["email"],
                position=data["position"],
                unit=data["unit"],
                roles=data["roles"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("Đã tạo tài khoản %(u)s.") % {"u": user.username})
            return redirect("units:user_detail", user_id=user.pk)
    return render(request, "units/user_form.html", {"form": form, "creating": True})


@secretariat_required
@require_http_methods(["GET"])
def user_detail(request, user_id):
    account = access_user_for_user(request.user, user_id)
    return render(request, "units/user_detail.html", {"account": account})


@secretariat_required
@require_http_methods(["GET", "POST"])
def user_edit(request, user_id):
    account = access_user_for_user(request.user, user_id)
    form = UserForm(request.POST or None, initial=_initial(account), account=account, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                user=account,
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                position=data["position"],
                unit=data["unit"],
                roles=data["roles"],
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("units:user_detail", user_id=account.pk)
    return render(request, "units/user_form.html", {"form": form, "account": account, "creating": False})


@secretariat_required
@require_POST
def user_deactivate(request, user_id):
    account = access_user_for_user(request.user, user_id)
    try:
        services.user_deactivate(user=account, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Đã khoá tài khoản %(u)s; lịch sử của tài khoản được giữ nguyên.") % {"u": account.username},
        )
    return redirect("units:user_detail", user_id=account.pk)


@secretariat_required
@require_POST
def user_activate(request, user_id):
    account = access_user_for_user(request.user, user_id)
    services.user_activate(user=account, actor=request.user)
    messages.success(request, _("Đã mở khoá tài khoản %(u)s.") % {"u": account.username})
    return redirect("units:user_detail", user_id=account.pk)

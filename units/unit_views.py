"""Units, their other names and groups, managed by the secretariat (anyone else: 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import unit_services as services
from .models import Unit, UnitAlias, UnitKind, User
from .naming import in_vi_order
from .selectors import units_listed
from .unit_forms import AliasForm, KindSignoffForm, MemberForm, MergeForm, UnitFilterForm, UnitForm
from .views import secretariat_required


@secretariat_required
@require_http_methods(["GET"])
def unit_list(request):
    return _unit_list(request)


def _unit_list(request, **kwargs):
    form = UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    units = units_listed(user=request.user, filters=filters)
    return render(
        request,
        "units/unit_list.html",
        {"form": form, "units": units, "signoff_form": kwargs.get("signoff_form") or KindSignoffForm()},
        status=kwargs.get("status", 200),
    )


@secretariat_required
@require_POST
def unit_kind_signoff(request):
    """The sign-off setting for every unit of a kind (a commune with one officer may not need it)."""
    form = KindSignoffForm(request.POST)
    if form.is_valid():
        kind, required = form.cleaned_data["kind"], form.cleaned_data["required"]
        count = services.units_signoff_set_for_kind(kind=kind, required=required, actor=request.user)
        text = (
            _("Báo cáo của mọi đơn vị loại “%(kind)s” phải qua thủ trưởng duyệt (%(n)s đơn vị đổi).")
            if required
            else _("Báo cáo của mọi đơn vị loại “%(kind)s” không cần thủ trưởng duyệt (%(n)s đơn vị đổi).")
        )
        messages.success(request, text % {"kind": UnitKind(kind).label, "n": count})
        return redirect("units:unit_list")
    return _unit_list(request, signoff_form=form, status=400)


@secretariat_required
@require_http_methods(["GET", "POST"])
def unit_create(request):
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("Đã tạo đơn vị “%(name)s”.") % {"name": unit.name})
            return redirect("units:unit_detail", unit_id=unit.pk)
    return render(request, "units/unit_form.html", {"form": form})


def _detail(request, unit, status=200, **forms):
    from tasks.models import Assignment

    context = {
        "unit": unit,
        "aliases": list(unit.aliases.all()),
        "members": in_vi_order(Unit.objects.filter(group_memberships__group=unit)) if unit.is_group else [],
        "groups": in_vi_order(Unit.objects.filter(memberships__member=unit)),
        "open_assignments": Assignment.objects.filter(unit=unit).count(),
        "lead_assignments": Assignment.objects.filter(unit=unit).leads().count(),
        "accounts": User.objects.filter(unit=unit, is_active=True).count(),
        "edit_form": forms.get("edit_form")
        or UnitForm(
            initial={
                "name": unit.name,
                "short_name": unit.short_name,
                "kind": unit.kind,
                "head_signoff_required": unit.head_signoff_required,
            }
        ),
        "alias_form": forms.get("alias_form") or AliasForm(),
        "member_form": forms.get("member_form") or MemberForm(group=unit),
        "merge_form": forms.get("merge_form") or MergeForm(unit=unit),
        "active_error": forms.get("active_error", ""),
    }
    return render(request, "units/unit_detail.html", context, status=status)


def _unit(unit_id) -> Unit:
    return get_object_or_404(Unit, pk=unit_id)


@secretariat_required
@require_http_methods(["GET", "POST"])
def unit_detail(request, unit_id):
    unit = _unit(unit_id)
    if request.method == "POST":
        form = UnitForm(request.POST)
        if form.is_valid():
            try:
                changes = services.unit_update(unit=unit, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                if "alias" in changes:
                    messages.success(
                        request,
                        _("Đã đổi tên; tên cũ “%(old)s” được giữ làm tên gọi khác.")
                        % {"old": changes["alias"]},
                    )
                else:
                    messages.success(request, _("Đã lưu thông tin đơn vị."))
                return redirect("units:unit_detail", unit_id=unit.pk)
        unit.refresh_from_db()
        return _detail(request, unit, status=400, edit_form=form)
    return _detail(request, unit)


@secretariat_required
@require_POST
def unit_alias_add(request, unit_id):
    unit = _unit(unit_id)
    form = AliasForm(request.POST)
    if form.is_valid():
        try:
            services.unit_alias_add(unit=unit, name=form.cleaned_data["alias"], actor=request.user)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("Đã thêm tên gọi khác."))
            return redirect("units:unit_detail", unit_id=unit.pk)
    return _detail(request, unit, status=400, alias_form=form)


@secretariat_required
@require_POST
def unit_alias_remove(request, unit_id, alias_id):
    unit = _unit(unit_id)
    alias = get_object_or_404(UnitAlias, pk=alias_id, unit=unit)
    services.unit_alias_remove(alias=alias, actor=request.user)
    messages.success(request, _("Đã bỏ tên gọi khác “%(name)s”.") % {"name": alias.name})
    return redirect("units:unit_detail", unit_id=unit.pk)


@secretariat_required
@require_POST
def unit_member_add(request, unit_id):
    unit = _unit(unit_id)
    form = MemberForm(request.POST, group=unit)
    if form.is_valid():
        try:
            services.group_member_add(group=unit, member=form.cleaned_data["member"], actor=request.user)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("Đã thêm thành viên."))
            return redirect("units:unit_detail", unit_id=unit.pk)
    return _detail(request, unit, status=400, member_form=form)


@secretariat_required
@require_POST
def unit_member_remove(request, unit_id, member_id):
    unit = _unit(unit_id)
    member = get_object_or_404(Unit, pk=member_id)
    services.group_member_remove(group=unit, member=member, actor=request.user)
    messages.success(
        request,
        _("Đã bỏ “%(name)s” khỏi nhóm; các phân công đã có của đơn vị đó giữ nguyên.")
        % {"name": member.name},
    )
    return redirect("units:unit_detail", unit_id=unit.pk)


@secretariat_required
@require_POST
def unit_merge(request, unit_id):
    unit = _unit(unit_id)
    form = MergeForm(request.POST, unit=unit)
    if form.is_valid():
        target = form.cleaned_data["target"]
        name = unit.name
        try:
            changes = services.unit_merge(source=unit, target=target, actor=request.user)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(
                request,
                _(
                    "Đã hợp nhất “%(name)s” vào “%(target)s”: %(a)s phân công, %(u)s tài khoản chuyển sang; "
                    "tên cũ thành tên gọi khác."
                )
                % {
                    "name": name,
                    "target": target.name,
                    "a": changes["assignments"],
                    "u": changes["accounts"],
                },
            )
            return redirect("units:unit_detail", unit_id=target.pk)
    return _detail(request, unit, status=400, merge_form=form)


@secretariat_required
@require_POST
def unit_set_active(request, unit_id):
    unit = _unit(unit_id)
    active = request.POST.get("active") == "1"
    try:
        services.unit_set_active(unit=unit, active=active, actor=request.user)
    except ValidationError as exc:
        return _detail(request, unit, status=400, active_error=" ".join(exc.messages))
    messages.success(request, _("Đơn vị đang hoạt động.") if active else _("Đơn vị đã ngừng hoạt động."))
    return redirect("units:unit_detail", unit_id=unit.pk)

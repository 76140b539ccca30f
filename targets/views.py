"""Target pages: the targets of a plan (and where each stands), one target with its values, the
forms where the secretariat enters or imports targets, a responsible unit reports a value and a
reviewer approves or returns it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence.http import serve
from evidence.permissions import may_review
from kpis.flag_selectors import flag_list
from kpis.models import Period, PeriodKind
from tasks.permissions import plans_readable_by
from units.permissions import is_secretariat

from . import selectors
from .chart import chart
from .forms import ImportForm, ReturnForm, TargetForm, ValueForm
from .importing import targets_import
from .models import Target, TargetValue, ValueStatus
from .permissions import (
    access_plan_for_user,
    access_target_file_for_user,
    access_target_for_user,
    access_target_value_for_user,
    may_see_evidence,
)
from .progress import Point
from .services import (
    may_report_on,
    target_save,
    target_value_approve,
    target_value_report,
    target_value_return,
)


@login_required
@require_GET
def index(request):
    plans = (
        plans_readable_by(request.user).annotate(target_count=Count("targets")).order_by("-issue_date", "pk")
    )
    return render(request, "targets/index.html", {"plans": plans})


def _plan_page(request, plan, *, import_form=None, status=200):
    today = timezone.localdate()
    targets = selectors.with_standing(selectors.targets_of([plan], user=request.user), today)
    pending = selectors.pending_values(plans=[plan]).count() if may_review(request.user) else 0
    manage = is_secretariat(request.user)
    context = {
        "plan": plan,
        "targets": targets,
        "today": today,
        "pending": pending,
        "import_form": (import_form or ImportForm()) if manage else None,
    }
    return render(request, "targets/plan.html", context, status=status)


@login_required
@require_GET
def plan_targets(request, plan_id):
    return _plan_page(request, access_plan_for_user(request.user, plan_id))


@login_required
@require_POST
def import_targets(request, plan_id):
    plan = access_plan_for_user(request.user, plan_id, perm="manage")
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            saved = targets_import(plan=plan, source=form.cleaned_data["file"], actor=request.user)
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
        else:
            messages.success(request, _("Đã nhập %(count)s chỉ tiêu từ tệp.") % {"count": len(saved)})
            return redirect("targets:plan", plan_id=plan.pk)
    return _plan_page(request, plan, import_form=form, status=400)


def _initial(target: Target) -> dict:
    milestones = list(target.milestones.all())
    initial = {
        "code": target.code,
        "group": target.group,
        "text": target.text,
        "measure": target.measure,
        "is_share": target.is_share,
        "direction": target.direction,
        "accumulation": target.accumulation,
        "baseline_value": _plain(target.baseline_value),
        "baseline_date": target.baseline_date,
        "units": list(target.units.all()),
        "data_source": target.data_source,
    }
    for n, m in enumerate(milestones[:2], start=1):
        initial[f"m{n}_value"], initial[f"m{n}_date"] = _plain(m.value), m.due_date
    return initial


def _plain(value) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text.replace(".", ",")


@login_required
@require_http_methods(["GET", "POST"])
def target_form(request, plan_id=None, target_id=None):
    target = access_target_for_user(request.user, target_id, perm="manage") if target_id else None
    plan = target.plan if target else access_plan_for_user(request.user, plan_id, perm="manage")
    if request.method == "POST":
        form = TargetForm(request.POST)
        if form.is_valid():
            try:
                saved = target_save(plan=plan, target=target, actor=request.user, **form.service_kwargs())
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Đã lưu chỉ tiêu %(code)s.") % {"code": saved.code})
                return redirect("targets:detail", target_id=saved.pk)
        status = 400
    else:
        form = TargetForm(initial=_initial(target) if target else {})
        status = 200
    return render(request, "targets/form.html", {"plan": plan, "target": target, "form": form}, status=status)


def _reporting_units(user, target):
    units = list(target.units.all())
    return units if user.is_secretariat else [u for u in units if u.pk == user.unit_id]


def _periods(target, today):
    return list(
        Period.objects.filter(plan_id=target.plan_id, kind=PeriodKind.MONTHLY, start__lte=today).order_by(
            "-start"
        )[:24]
    )


FLAGS_SHOWN = 10


def _detail_page(request, target, *, value_form=None, return_forms=None, status=200):
    user = request.user
    today = timezone.localdate()
    (target,) = selectors.with_standing(selectors.targets_of([target.plan_id]).filter(pk=target.pk), today)
    values = list(
        TargetValue.objects.filter(target=target)
        .select_related("unit", "period", "reported_by", "reviewer")
        .prefetch_related("files")
        .order_by("-period__start", "unit__name")
    )
    reviewer = may_review(user)
    return_forms = return_forms or {}
    for v in values:
        v.return_form = return_forms.get(v.pk) or (ReturnForm(prefix=f"v{v.pk}") if reviewer else None)
    if may_report_on(user, target) and value_form is None:
        value_form = ValueForm(
            target=target, units=_reporting_units(user, target), periods=_periods(target, today)
        )
    milestones = [Point(m.due_date, m.value) for m in target.milestones.all()]
    context = {
        "target": target,
        "plan": target.plan,
        "state": target.state,
        "verdict": selectors.verdict(target, target.state),
        "values": values,
        "value_form": value_form if may_report_on(user, target) else None,
        "may_review": reviewer,
        "manage": is_secretariat(user),
        "chart": chart(selectors.baseline(target), milestones, target.points, today) if milestones else None,
        "statuses": ValueStatus,
        "see_files": may_see_evidence(user, target),
        # Its red flags (kpis.flags, "target behind"): open first, then the history, as the flag page.
        "flags": list(flag_list(user=user, target_id=target.pk, include_resolved=True)[:FLAGS_SHOWN]),
    }
    return render(request, "targets/detail.html", context, status=status)


@login_required
@require_GET
def detail(request, target_id):
    return _detail_page(request, access_target_for_user(request.user, target_id))


@login_required
@require_POST
def report_value(request, target_id):
    target = access_target_for_user(request.user, target_id, perm="report")
    today = timezone.localdate()
    form = ValueForm(
        request.POST,
        request.FILES,
        target=target,
        units=_reporting_units(request.user, target),
        periods=_periods(target, today),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            target_value_report(
                target=target,
                unit=data["unit"],
                period=data["period"],
                value=data.get("value"),
                numerator=data.get("numerator"),
                denominator=data.get("denominator"),
                note=data["note"],
                uploads=data["evidence"],
                actor=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied:
            form.add_error(None, _("Đơn vị của bạn không chịu trách nhiệm về chỉ tiêu này."))
        else:
            messages.success(
                request,
                _("Đã gửi số liệu kỳ %(period)s; số liệu chờ thẩm định.") % {"period": data["period"].label},
            )
            return redirect("targets:detail", target_id=target.pk)
    return _detail_page(request, target, value_form=form, status=400)


def _version(request):
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_POST
def approve_value(request, value_id):
    row = access_target_value_for_user(request.user, value_id)
    try:
        target_value_approve(target_value=row, reviewer=request.user, version=_version(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Đã công nhận số liệu kỳ %(period)s của %(unit)s.")
            % {"period": row.period.label, "unit": row.unit.name},
        )
    return redirect("targets:detail", target_id=row.target_id)


@login_required
@require_POST
def return_value(request, value_id):
    row = access_target_value_for_user(request.user, value_id)
    form = ReturnForm(request.POST, prefix=f"v{row.pk}")
    if form.is_valid():
        try:
            target_value_return(
                target_value=row, reviewer=request.user, version=_version(request), **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Đã trả lại số liệu kỳ %(period)s.") % {"period": row.period.label})
            return redirect("targets:detail", target_id=row.target_id)
    return _detail_page(request, row.target, return_forms={row.pk: form}, status=400)


@login_required
@require_GET
def download(request, file_id):
    return serve(access_target_file_for_user(request.user, file_id), inline=False)

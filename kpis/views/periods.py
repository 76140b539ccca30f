"""The secretariat's pages: reporting periods (lock, reopen) and who has not reported."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nq57portal.exporting import export_response, requested_format
from nq57portal.redirects import next_url
from tasks.models import Plan, PlanStatus

from ..exports import ASSIGNMENT_COLUMNS, ASSIGNMENT_FIELDS, ASSIGNMENT_VALUES
from ..forms import ReasonForm
from ..models import Period
from ..selectors import not_reported
from ..services import period_lock, period_remove, period_reopen, periods_ensure


def _secretariat(request):
    # To anyone else these pages do not exist (404), as everywhere in the portal.
    if not request.user.is_secretariat:
        raise Http404


def _plan_filter(request):
    raw = request.GET.get("plan", "")
    return int(raw) if raw.isdigit() else None


@login_required
def period_list(request, *, failed: Period | None = None, failed_form=None):
    _secretariat(request)
    plans = list(Plan.objects.filter(status=PlanStatus.IN_FORCE).order_by("-issue_date", "pk"))
    plan_id = _plan_filter(request)
    from reports.archive import GeneratedReport

    from ..models import ProgressReport

    periods = (
        Period.objects.select_related("plan", "locked_by")
        .annotate(
            in_use=Exists(ProgressReport.objects.filter(period=OuterRef("pk")))
            | Exists(GeneratedReport.objects.filter(period=OuterRef("pk")))
        )
        .order_by("plan_id", "-start", "kind")
    )
    if plan_id:
        periods = periods.filter(plan_id=plan_id)
    page = Paginator(periods, 60).get_page(request.GET.get("page"))
    rows = [(p, failed_form if failed and failed.pk == p.pk else ReasonForm(prefix=f"p{p.pk}")) for p in page]
    return render(
        request,
        "kpis/period_list.html",
        {"page": page, "rows": rows, "plans": plans, "plan_id": plan_id, "today": timezone.localdate()},
        status=400 if failed else 200,
    )


def _lock_action(request, period_id, service, done):
    _secretariat(request)
    period = get_object_or_404(Period.objects.select_related("plan"), pk=period_id)
    form = ReasonForm(request.POST, prefix=f"p{period.pk}")
    if form.is_valid():
        try:
            service(period=period, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done % {"label": period.label})
            return redirect(next_url(request, default=reverse("kpis:period_list")))
    return period_list(request, failed=period, failed_form=form)


@login_required
@require_POST
def period_lock_view(request, period_id):
    return _lock_action(request, period_id, period_lock, _("Đã khóa kỳ báo cáo %(label)s."))


@login_required
@require_POST
def period_reopen_view(request, period_id):
    return _lock_action(request, period_id, period_reopen, _("Đã mở lại kỳ báo cáo %(label)s."))


@login_required
@require_POST
def period_remove_view(request, period_id):
    _secretariat(request)
    period = get_object_or_404(Period.objects.select_related("plan"), pk=period_id)
    try:
        period_remove(period=period, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã xoá kỳ báo cáo trống %(label)s.") % {"label": period.label})
    return redirect(request.POST.get("next") or reverse("kpis:period_list"))


@login_required
@require_POST
def period_generate(request):
    _secretariat(request)
    created = periods_ensure()
    messages.success(request, _("Đã tạo %(count)s kỳ báo cáo còn thiếu.") % {"count": created})
    return redirect("kpis:period_list")


@login_required
@require_POST
def not_reported_remind(request):
    """Remind every unit listed for the period (or the one unit shown) in one step."""
    from notifications.services import report_reminders_to_units

    _secretariat(request)
    period = get_object_or_404(Period.objects.select_related("plan"), pk=request.POST.get("period") or 0)
    by_unit, _assignments = not_reported(period=period, today=timezone.localdate())
    unit_raw = request.POST.get("unit", "")
    counts = {
        row["unit_id"]: row["count"] for row in by_unit if not unit_raw or str(row["unit_id"]) == unit_raw
    }
    reminded = report_reminders_to_units(period=period, counts=counts, actor=request.user)
    messages.success(
        request,
        _("Đã nhắc %(n)s đơn vị báo cáo kỳ %(label)s (trên cổng và qua thư điện tử).")
        % {"n": reminded, "label": period.label},
    )
    query = f"?period={period.pk}" + (f"&unit={unit_raw}" if unit_raw.isdigit() else "")
    return redirect(reverse("kpis:not_reported") + query)


@login_required
def not_reported_page(request):
    """Per period: the lead assignments without a submitted report, counted by unit."""
    _secretariat(request)
    today = timezone.localdate()
    choices = list(
        Period.objects.in_force()
        .filter(start__lte=today)
        .select_related("plan")
        .order_by("-start", "plan_id", "kind")[:120]
    )
    raw = request.GET.get("period", "")
    period = next((p for p in choices if str(p.pk) == raw), None)
    if period is None and raw.isdigit():
        period = Period.objects.select_related("plan").filter(pk=raw).first()
    if period is None:
        due = [p for p in choices if p.kind == "monthly" and p.due_date <= today]
        period = due[0] if due else (choices[0] if choices else None)
    context = {"choices": choices, "period": period, "today": today}
    if period is not None:
        by_unit, assignments = not_reported(period=period, today=today)
        unit_raw = request.GET.get("unit", "")
        unit_id = int(unit_raw) if unit_raw.isdigit() else None
        if unit_id:
            assignments = assignments.filter(unit_id=unit_id)
        if fmt := requested_format(request):
            rows = assignments.values(*ASSIGNMENT_FIELDS, **ASSIGNMENT_VALUES)
            return export_response(fmt, rows=rows, columns=ASSIGNMENT_COLUMNS, name="chua-bao-cao")
        page = Paginator(assignments, 100).get_page(request.GET.get("page"))
        context.update(
            by_unit=by_unit,
            total=sum(row["count"] for row in by_unit),
            unit_id=unit_id,
            unit_name=next((r["unit__name"] for r in by_unit if r["unit_id"] == unit_id), ""),
            page=page,
        )
    template = "kpis/not_reported.html"
    if request.htmx and request.htmx.target == "not-reported-list":
        template += "#list"
    return render(request, template, context)

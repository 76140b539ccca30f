"""The secretariat's page for a plan: its particulars and status (a draft goes into force here), and
the KPI targets the import proposed, to correct and confirm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kpis.models import KpiTarget

from ..forms import PLAN_FIELDS, KpiTargetFormSet, PlanSettingsForm
from ..models import Plan
from ..services import kpi_targets_update, plan_settings_update
from .imports import _secretariat_only


def _targets(plan):
    return (
        KpiTarget.objects.filter(kpi__subtask__plan=plan)
        .select_related("kpi__subtask")
        .order_by(
            "kpi__subtask__general_task__section__order",
            "kpi__subtask__general_task__order",
            "kpi__subtask__order",
            "kpi__order",
            "order",
        )
    )


@login_required
def plan_settings(request, plan_id):
    _secretariat_only(request.user)
    plan = get_object_or_404(Plan, pk=plan_id)
    part = request.POST.get("part") if request.method == "POST" else None
    form = PlanSettingsForm(
        request.POST if part == "plan" else None, initial={f: getattr(plan, f) for f in PLAN_FIELDS}
    )
    formset = KpiTargetFormSet(
        request.POST if part == "targets" else None, queryset=_targets(plan), prefix="t"
    )
    if part == "plan" and form.is_valid():
        changes = plan_settings_update(plan=plan, actor=request.user, data=form.cleaned_data)
        if changes:
            messages.success(request, _("Đã lưu thông tin kế hoạch."))
        return redirect("tasks:plan_settings", plan_id=plan.pk)
    if part == "targets" and any(f.instance.pk is None for f in formset.forms):
        # A row that is not one of this plan's targets (another plan's id, a stale page): start again.
        messages.error(
            request,
            _("Danh sách chỉ tiêu đã thay đổi hoặc không thuộc kế hoạch này; chưa lưu gì. Hãy xem lại."),
        )
        formset = KpiTargetFormSet(queryset=_targets(plan), prefix="t")
    elif part == "targets" and formset.is_valid():
        try:
            count = kpi_targets_update(
                plan=plan, actor=request.user, formset=formset, confirm_all="confirm_all" in request.POST
            )
        except ValidationError:
            pass  # the refused rows carry their errors; the page shows them with what was typed
        else:
            messages.success(
                request, ngettext("Đã lưu %(n)s chỉ tiêu.", "Đã lưu %(n)s chỉ tiêu.", count) % {"n": count}
            )
            return redirect("tasks:plan_settings", plan_id=plan.pk)
    unconfirmed = sum(1 for f in formset.forms if not f.instance.confirmed)
    context = {
        "plan": plan,
        "form": form,
        "formset": formset,
        "unconfirmed": unconfirmed,
        "plan_failed": part == "plan",
        "targets_failed": part == "targets",
    }
    return render(request, "tasks/plan_settings.html", context)

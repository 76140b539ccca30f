"""Budget pages: the roll-ups (by section, unit, kind of spending, budget level) and one lead
assignment's budget, where the secretariat records decisions and the lead unit its disbursements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from evidence.http import serve
from tasks.permissions import plans_readable_by
from units.permissions import can_report_on, is_secretariat

from . import selectors
from .forms import AdjustmentForm, DisbursementForm
from .models import Allocation
from .permissions import access_assignment_budget_for_user, access_disbursement_file_for_user
from .services import allocation_adjust, disbursement_report

ROLLUPS = (
    ("section", _("Theo mục")),
    ("unit", _("Theo đơn vị chủ trì")),
    ("kind", _("Theo loại chi")),
    ("level", _("Theo cấp ngân sách")),
)


def _int(raw):
    return int(raw) if raw and str(raw).isdigit() else None


@login_required
@require_GET
def overview(request):
    user = request.user
    today = timezone.localdate()
    plans = list(plans_readable_by(user).order_by("-issue_date", "pk"))
    plan_id = _int(request.GET.get("plan"))
    plan = next((p for p in plans if p.pk == plan_id), None)
    years = sorted(
        set(Allocation.objects.filter(selectors.scope_q(user=user, via="")).values_list("year", flat=True))
        | {today.year},
        reverse=True,
    )
    year = _int(request.GET.get("year"))
    year = year if year in years else today.year
    scope = {"user": user, "plans": [plan.pk] if plan else [p.pk for p in plans], "year": year}
    rollups = [(key, label, selectors.rollup(key, **scope)) for key, label in ROLLUPS]
    page = Paginator(selectors.allocation_lines(**scope), 50).get_page(request.GET.get("page"))
    context = {
        "plans": plans,
        "plan": plan,
        "years": years,
        "year": year,
        "totals": selectors.totals(**scope),
        "rollups": rollups,
        "page": page,
    }
    return render(request, "budget/overview.html", context)


def _assignment_page(request, assignment, *, adjustment_form=None, disbursement_form=None, status=200):
    user = request.user
    today = timezone.localdate()
    lines = selectors.assignment_lines(assignment)
    may_allocate = is_secretariat(user)
    may_report = can_report_on(user, assignment) and bool(lines)
    if may_allocate and adjustment_form is None:
        adjustment_form = AdjustmentForm(initial={"year": today.year})
    if may_report and disbursement_form is None:
        periods = list(selectors.reportable_periods(assignment, today))
        disbursement_form = DisbursementForm(lines=lines, periods=periods)
    context = {
        "assignment": assignment,
        "subtask": assignment.subtask,
        "lines": lines,
        "adjustment_form": adjustment_form if may_allocate else None,
        "disbursement_form": disbursement_form if may_report else None,
    }
    return render(request, "budget/assignment.html", context, status=status)


@login_required
@require_GET
def assignment_budget(request, assignment_id):
    assignment = access_assignment_budget_for_user(request.user, assignment_id)
    return _assignment_page(request, assignment)


@login_required
@require_POST
def adjust(request, assignment_id):
    assignment = access_assignment_budget_for_user(request.user, assignment_id, perm="allocate")
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            allocation_adjust(assignment=assignment, actor=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Đã ghi quyết định %(number)s.") % {"number": data["decision_number"]}
            )
            return redirect("budget:assignment", assignment_id=assignment.pk)
    return _assignment_page(request, assignment, adjustment_form=form, status=400)


@login_required
@require_POST
def disburse(request, assignment_id):
    assignment = access_assignment_budget_for_user(request.user, assignment_id, perm="report")
    today = timezone.localdate()
    lines = selectors.assignment_lines(assignment)
    periods = list(selectors.reportable_periods(assignment, today))
    form = DisbursementForm(request.POST, request.FILES, lines=lines, periods=periods)
    if form.is_valid():
        data = form.cleaned_data
        try:
            disbursement_report(
                allocation=data["allocation"],
                period=data["period"],
                amount=data["amount"],
                note=data["note"],
                uploads=data["evidence"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã ghi số giải ngân kỳ %(period)s.") % {"period": data["period"].label},
            )
            return redirect("budget:assignment", assignment_id=assignment.pk)
    return _assignment_page(request, assignment, disbursement_form=form, status=400)


@login_required
@require_GET
def download(request, disbursementfile_id):
    return serve(access_disbursement_file_for_user(request.user, disbursementfile_id), inline=False)

"""The reviewers' queue, a claim's page, and the decisions (approve, return, approve several)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kpis.exports import QUEUE_COLUMNS, QUEUE_FIELDS, QUEUE_VALUES
from kpis.models import AssignmentState
from nq57portal.exporting import export_response, requested_format
from nq57portal.redirects import next_url
from nq57portal.retry import retry_on_conflict

from ..forms import ApproveForm, ReturnForm, posted_report_id, posted_report_ids, queue_filters
from ..models import ReturnReason
from ..permissions import access_claim_for_user, require_reviewer
from ..selectors import claim_for_review, queue_filter_choices, review_queue
from ..services import claim_conflict, review_approve, review_approve_many, review_return

PAGE_SIZE = 50


@login_required
def queue(request):
    require_reviewer(request.user)
    filters = queue_filters(request.GET)
    queue_rows = review_queue(filters=filters, user=request.user)
    if fmt := requested_format(request):
        rows = queue_rows.values(*QUEUE_FIELDS, **QUEUE_VALUES)
        return export_response(fmt, rows=rows, columns=QUEUE_COLUMNS, name="cho-tham-dinh")
    page = Paginator(queue_rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "rows": list(page.object_list),
        "query": query.urlencode(),
        "next_url": request.get_full_path(),
        **queue_filter_choices(filters=filters, user=request.user),
    }
    template = "evidence/queue.html"
    if request.htmx and request.htmx.target == "queue-results":
        template += "#results"
    return render(request, template, context)


def _claim_context(
    request, assignment, *, approve_form=None, return_form=None, decision_errors=(), unsaved=""
):
    """`decision_errors`: why the decision just sent was not recorded (decided meanwhile, a newer
    version); `unsaved`: what the reviewer typed, shown back when the forms are gone."""
    data = claim_for_review(assignment=assignment)
    previewable = [f for f in data["files"] if f.previewable]
    shown_id = request.GET.get("show", "")
    everything = data["files"] + [f for report in data["earlier"] for f in report.evidence.all()]
    shown = next((f for f in everything if str(f.pk) == shown_id), None) or (
        previewable[0] if previewable else None
    )
    return {
        **data,
        "assignment": assignment,
        "subtask": assignment.subtask,
        "shown": shown,
        "approve_form": approve_form or ApproveForm(),
        "return_form": return_form or ReturnForm(),
        "decision_errors": list(decision_errors),
        "unsaved": unsaved if decision_errors and not data["awaiting"] else "",
        "next_url": next_url(request, default=reverse("evidence:queue")),
    }


def _split_errors(form, exc: ValidationError) -> list[str]:
    """Field errors go beside their fields; the rest (the claim was decided meanwhile, …) is
    returned to be shown at the top of the page, where it is seen."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    general = []
    for field, errors in exc.error_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
        else:
            general.extend(message for error in errors for message in error.messages)
    return general


def _typed_return(form) -> str:
    text = (form.data.get("reason_text") or "").strip()
    code = form.data.get("reason_code") or ""
    if code in ReturnReason.values:
        label = str(ReturnReason(code).label)
        return f"{label}: {text}" if text else label
    return text


@login_required
def claim(request, assignment_id):
    assignment = access_claim_for_user(request.user, assignment_id)
    context = _claim_context(request, assignment)
    if request.htmx and request.htmx.target == "preview-pane":
        return render(request, "evidence/claim.html#preview", context)
    return render(request, "evidence/claim.html", context)


def _done(request, text: str):
    messages.success(request, text)
    return redirect(next_url(request, default=reverse("evidence:queue")))


@login_required
@require_POST
@retry_on_conflict
def approve(request, assignment_id):
    assignment = access_claim_for_user(request.user, assignment_id)
    form = ApproveForm(request.POST)
    report_id = posted_report_id(request.POST)
    errors = []
    if form.is_valid():
        try:
            review_approve(
                assignment=assignment,
                reviewer=request.user,
                note=form.cleaned_data["note"],
                report_id=report_id,
            )
        except ValidationError as exc:
            errors = _split_errors(form, exc)
    elif conflict := claim_conflict(assignment=assignment, report_id=report_id):
        errors = [conflict]
    if errors or form.errors:
        context = _claim_context(
            request,
            assignment,
            approve_form=form,
            decision_errors=errors,
            unsaved=(form.data.get("note") or "").strip(),
        )
        return render(request, "evidence/claim.html", context)
    state = AssignmentState.objects.get(assignment=assignment)
    if state.completed_on_time:
        text = _("Đã công nhận hoàn thành đúng hạn: %(code)s — %(unit)s.")
    else:
        text = _("Đã công nhận hoàn thành trễ hạn: %(code)s — %(unit)s.")
    return _done(request, text % {"code": assignment.subtask.code, "unit": assignment.unit})


@login_required
@require_POST
@retry_on_conflict
def return_claim(request, assignment_id):
    assignment = access_claim_for_user(request.user, assignment_id)
    form = ReturnForm(request.POST)
    report_id = posted_report_id(request.POST)
    errors = []
    if form.is_valid():
        try:
            review_return(
                assignment=assignment,
                reviewer=request.user,
                reason_code=form.cleaned_data["reason_code"],
                reason_text=form.cleaned_data["reason_text"],
                report_id=report_id,
            )
        except ValidationError as exc:
            errors = _split_errors(form, exc)
        else:
            return _done(
                request,
                _("Đã trả lại đề nghị (chờ hoàn thiện): %(code)s — %(unit)s.")
                % {"code": assignment.subtask.code, "unit": assignment.unit},
            )
    elif conflict := claim_conflict(assignment=assignment, report_id=report_id):
        errors = [conflict]  # decided meanwhile: that matters more than a missing reason
    context = _claim_context(
        request, assignment, return_form=form, decision_errors=errors, unsaved=_typed_return(form)
    )
    return render(request, "evidence/claim.html", context)


@login_required
@require_POST
@retry_on_conflict
def approve_many(request):
    require_reviewer(request.user)
    ids = [raw for raw in request.POST.getlist("assignment") if raw.isdigit()][:200]
    back = next_url(request, default=reverse("evidence:queue"))
    if not ids:
        messages.error(request, _("Chưa chọn đề nghị nào để công nhận."))
        return redirect(back)
    assignments = [access_claim_for_user(request.user, pk) for pk in dict.fromkeys(ids)]
    try:
        reviews = review_approve_many(
            assignments=assignments, reviewer=request.user, report_ids=posted_report_ids(request.POST)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã công nhận hoàn thành %(count)s đề nghị.") % {"count": len(reviews)})
    return redirect(back)

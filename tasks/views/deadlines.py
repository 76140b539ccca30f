"""Deadline changes on the sub-task page: the lead unit requests, the secretariat or a committee
leader decides (tasks.deadlines); the document is served through the same permission check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from evidence.http import serve
from units.permissions import access_assignment_for_user

from ..deadlines import (
    access_deadline_change_for_user,
    can_request_change,
    deadline_change_decide,
    deadline_change_request,
)
from ..forms import DeadlineChangeForm, DeadlineDecisionForm
from ..models import AssignmentRole
from .browse import render_subtask_page


def _page(subtask_id) -> str:
    return reverse("tasks:subtask_detail", args=[subtask_id]) + "#deadline-changes"


def _refused(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(None if field == "__all__" or field not in form.fields else field, errors)


@login_required
@require_POST
def deadline_request(request, assignment_id):
    assignment = access_assignment_for_user(request.user, assignment_id, perm="view")
    if assignment.role != AssignmentRole.LEAD or not can_request_change(request.user, assignment):
        raise Http404
    fan_out = assignment.subtask.assignments.filter(role=AssignmentRole.LEAD).count() > 1
    form = DeadlineChangeForm(request.POST, request.FILES, fan_out=fan_out)
    if form.is_valid():
        data = form.cleaned_data
        try:
            deadline_change_request(
                assignment=assignment,
                new_deadline=data["new_deadline"],
                reason=data["reason"],
                whole_subtask=data.get("whole_subtask", False),
                document_number=data["document_number"],
                document_date=data["document_date"],
                document=data["document"],
                actor=request.user,
            )
        except ValidationError as exc:
            _refused(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Đã gửi đề nghị điều chỉnh thời hạn; Thường trực sẽ xem xét."))
            return redirect(_page(assignment.subtask_id))
    if request.FILES.get("document"):
        form.add_error(
            "document", _("Tệp không được giữ lại khi đề nghị chưa được nhận: vui lòng chọn lại tệp.")
        )
    return render_subtask_page(request, assignment.subtask, extra={"deadline_form": form}, status=400)


@login_required
@require_POST
def deadline_decide(request, change_id):
    change = access_deadline_change_for_user(request.user, change_id, decide=True)
    form = DeadlineDecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        try:
            deadline_change_decide(
                change=change, approve=approve, note=form.cleaned_data["note"], actor=request.user
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            if approve:
                messages.success(request, _("Đã chấp thuận điều chỉnh thời hạn."))
            else:
                messages.success(request, _("Đã ghi ý kiến không chấp thuận."))
            return redirect(_page(change.subtask_id))
    return render_subtask_page(
        request, change.subtask, extra={"decision_forms": {change.pk: form}}, status=400
    )


@login_required
@require_GET
def deadline_document(request, change_id):
    change = access_deadline_change_for_user(request.user, change_id)
    if not change.stored_name:
        raise Http404
    return serve(change, inline=False)

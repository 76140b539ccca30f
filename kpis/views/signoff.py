"""The unit head's queue ("Chờ thủ trưởng duyệt") and a waiting version's page, where the head
signs it off (it goes to the committee) or sends it back to staff with a note."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from evidence.selectors import draft_files
from nq57portal.retry import retry_on_conflict

from ..models import Status
from ..permissions import access_report_for_signoff
from ..selectors import signoff_queue
from ..services import kpi_rows, report_send_back, report_sign_off


class SendBackForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Ý kiến của thủ trưởng (cán bộ cần sửa gì)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": gettext_lazy("Vui lòng ghi ý kiến để cán bộ biết cần sửa gì.")},
    )


@login_required
def signoff_queue_page(request):
    if not request.user.is_unit_head:
        raise Http404
    return render(
        request, "kpis/signoff_queue.html", {"reports": list(signoff_queue(user=request.user)[:500])}
    )


def _page(request, report, *, form=None, errors=(), status=200):
    values = {(v.kpi_id, v.target_id): v for v in report.kpi_values.all()}
    kpis = [
        (kpi, target, values.get((kpi.pk, target.pk if target else None)))
        for kpi, target in kpi_rows(report.assignment.subtask)
    ]
    context = {
        "report": report,
        "assignment": report.assignment,
        "subtask": report.assignment.subtask,
        "kpis": kpis,
        "files": draft_files(report=report),
        "form": form or SendBackForm(),
        "errors": list(errors),
        "can_decide": report.may_be_signed_off_by(request.user),
        "status_label": Status(
            getattr(getattr(report.assignment, "state", None), "status", "not_started")
        ).label,
    }
    return render(request, "kpis/signoff_report.html", context, status=status)


@login_required
def signoff_report(request, report_id):
    return _page(request, access_report_for_signoff(request.user, report_id))


def _back(request, text):
    messages.success(request, text)
    return redirect("kpis:signoff_queue")


@login_required
@require_POST
@retry_on_conflict
def signoff_approve(request, report_id):
    report = access_report_for_signoff(request.user, report_id)
    try:
        report = report_sign_off(report=report, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        report.refresh_from_db()
        return _page(request, report, errors=exc.messages, status=400)
    text = _("Đã duyệt và gửi Tổ thẩm định: %(code)s — %(period)s (phiên bản %(version)s).")
    if report.is_claim:
        text += " " + _("Đề nghị công nhận hoàn thành đang chờ thẩm định.")
    return _back(
        request,
        text
        % {"code": report.assignment.subtask.code, "period": report.period.label, "version": report.version},
    )


@login_required
@require_POST
@retry_on_conflict
def signoff_send_back(request, report_id):
    report = access_report_for_signoff(request.user, report_id)
    form = SendBackForm(request.POST)
    errors = []
    if form.is_valid():
        try:
            report = report_send_back(report=report, actor=request.user, note=form.cleaned_data["note"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "note" in exc.error_dict:
                form.add_error("note", exc.error_dict["note"])
            else:
                errors = exc.messages
        else:
            return _back(
                request,
                _("Đã trả lại cán bộ: %(code)s — %(period)s (phiên bản %(version)s).")
                % {
                    "code": report.assignment.subtask.code,
                    "period": report.period.label,
                    "version": report.version,
                },
            )
    report.refresh_from_db()
    return _page(request, report, form=form, errors=errors, status=400)

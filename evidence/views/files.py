"""Uploading, removing, downloading and previewing evidence files.

Upload and remove answer JSON to the report form's script (static/evidence/upload.js) and
redirect back to the report form otherwise, so they also work as plain form posts.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kpis.models import AssignmentState, Period, ProgressReport, ReportStatus
from kpis.services import ReportData, report_correct, report_save_draft
from nq57portal.retry import retry_on_conflict
from units.permissions import access_assignment_for_user, can_report_on

from ..http import PDF_PREVIEW_CSP, serve
from ..permissions import access_evidence_for_user
from ..selectors import draft_files
from ..services import cleanup_on_error, evidence_add_many, evidence_remove


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _report_form_url(assignment, period_id) -> str:
    url = reverse("kpis:report_form", args=[assignment.pk])
    return f"{url}?period={period_id}" if period_id else url


def _period_for(assignment, raw, today) -> Period | None:
    raw = (raw or "").strip()
    if not raw.isdigit():
        return None
    return Period.objects.filter(pk=int(raw), plan_id=assignment.subtask.plan_id, start__lte=today).first()


def _draft_for(*, assignment, period, actor, now) -> ProgressReport:
    """The draft the files go to. A file picked before the form was ever saved starts the draft:
    a correction of what was sent for this period (a returned claim is completed this way), or
    else a draft carrying the latest completion; the form fills in the rest when saved."""
    draft = ProgressReport.objects.filter(
        assignment=assignment, period=period, status=ReportStatus.DRAFT
    ).first()
    if draft is not None:
        return draft
    sent = ProgressReport.objects.filter(assignment=assignment, period=period).order_by("-version").first()
    if sent is not None:
        return report_correct(report=sent, actor=actor, now=now)
    state = AssignmentState.objects.filter(assignment=assignment).only("latest_completion").first()
    completion = state.latest_completion if state and state.latest_completion is not None else 0
    return report_save_draft(
        assignment=assignment, period=period, actor=actor, data=ReportData(completion=completion), now=now
    )


def attached_html(request, *, assignment, report) -> str:
    from ..templatetags.evidence_tags import document_rows

    files = draft_files(report=report)
    return render_to_string(
        "evidence/_attached.html",
        {
            "files": files,
            "rows": document_rows(files),
            "assignment": assignment,
            "can_remove": can_report_on(request.user, assignment),
        },
        request=request,
    )


def _refused(request, assignment, period_id, errors: list[str]):
    if _wants_json(request):
        return JsonResponse({"ok": False, "errors": errors}, status=422)
    for error in errors:
        messages.error(request, error)
    return redirect(_report_form_url(assignment, period_id))


@login_required
@require_POST
@retry_on_conflict
def upload(request, assignment_id):
    assignment = access_assignment_for_user(request.user, assignment_id, perm="report")
    now = timezone.now()
    period = _period_for(assignment, request.POST.get("period"), timezone.localdate(now))
    files = request.FILES.getlist("file") or request.FILES.getlist("evidence")
    if period is None:
        return _refused(
            request, assignment, None, [_("Vui lòng chọn kỳ báo cáo trước khi đính kèm minh chứng.")]
        )
    if not files:
        return _refused(request, assignment, period.pk, [_("Chưa chọn tệp minh chứng nào.")])
    for attempt in (1, 2):
        try:
            with cleanup_on_error(), transaction.atomic():
                draft = _draft_for(assignment=assignment, period=period, actor=request.user, now=now)
                added = evidence_add_many(report=draft, uploads=files, actor=request.user, now=now)
            break
        except ValidationError as exc:
            return _refused(request, assignment, period.pk, exc.messages)
        except IntegrityError:
            # Two uploads (two tabs) both started the draft; the second finds it on the retry.
            if attempt == 2:
                raise
    names = [e.original_name for e in added]
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "added": names,
                "report": draft.pk,
                "html": attached_html(request, assignment=assignment, report=draft),
            }
        )
    messages.success(request, _("Đã đính kèm minh chứng: %(names)s.") % {"names": ", ".join(names)})
    return redirect(_report_form_url(assignment, period.pk))


@login_required
@require_POST
@retry_on_conflict
def remove(request, evidence_id):
    evidence = access_evidence_for_user(request.user, evidence_id, perm="remove")
    report, assignment, name = evidence.report, evidence.report.assignment, evidence.original_name
    try:
        evidence_remove(evidence=evidence, actor=request.user)
    except ValidationError as exc:
        return _refused(request, assignment, report.period_id, exc.messages)
    if _wants_json(request):
        return JsonResponse(
            {"ok": True, "html": attached_html(request, assignment=assignment, report=report)}
        )
    messages.success(request, _("Đã gỡ minh chứng “%(name)s”.") % {"name": name})
    return redirect(_report_form_url(assignment, report.period_id))


@login_required
@require_GET
def download(request, evidence_id):
    evidence = access_evidence_for_user(request.user, evidence_id)
    return serve(evidence, inline=False)


@login_required
@require_GET
def preview(request, evidence_id):
    """An image opens in the page under a sandboxing policy; a PDF is drawn by the portal's pdf.js
    page (never by the browser's PDF viewer, which runs the document's scripts); anything else
    downloads."""
    evidence = access_evidence_for_user(request.user, evidence_id)
    if evidence.kind == "pdf":
        response = render(request, "evidence/pdf_preview.html", {"evidence": evidence})
        response["Content-Security-Policy"] = PDF_PREVIEW_CSP
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Cache-Control"] = "private, no-store"
        return response
    return serve(evidence, inline=evidence.is_image)

"""The report builder, the generation status, the archive and its downloads (issue 8).

Secretariat and leadership only; anyone else gets 404 on every page and file, exactly as for a
report that does not exist.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence.http import DOWNLOAD_CSP, content_disposition
from nq57portal.replicas import replica_reads

from .archive import GeneratedReport, mark_differing
from .builder_forms import KIND_CHOICES, DraftForm, RawExportForm, ScopeForm
from .jobs import private_storage
from .pdf.fonts import missing_fonts
from .raw_export import raw_reports_workbook
from .services import ReportDraft, can_build_reports, report_draft, report_generate

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_builder(request):
    if not can_build_reports(request.user):
        raise Http404


def access_generated_report_for_user(user, pk) -> GeneratedReport:
    """The report, or 404 — the same for "not yours" as for "does not exist"."""
    if not can_build_reports(user):
        raise Http404
    report = (
        GeneratedReport.objects.select_related("period", "plan", "unit", "created_by").filter(pk=pk).first()
    )
    if report is None:
        raise Http404
    return report


@login_required
@require_GET
def builder(request):
    _require_builder(request)
    kind = request.GET.get("kind") if request.GET.get("kind") in dict(KIND_CHOICES) else "quarterly"
    form = ScopeForm(initial={"kind": kind}, kind=kind)
    return render(
        request,
        "reports/builder.html",
        {
            "form": form,
            "export_form": RawExportForm(),
            "recent": GeneratedReport.objects.select_related("created_by")[:5],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def builder_draft(request):
    """GET: the draft of the report chosen in the query; POST: generate it."""
    _require_builder(request)
    scope_form = ScopeForm(request.GET)
    if not scope_form.is_valid():
        return render(
            request, "reports/builder.html", {"form": scope_form, "export_form": RawExportForm()}, status=400
        )
    choice = scope_form.cleaned_data
    try:
        draft = report_draft(
            kind=choice["kind"],
            period=choice["period_obj"],
            plan=choice["plan_obj"],
            unit=choice["unit_obj"],
            actor=request.user,
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            scope_form.add_error(field if field in scope_form.fields else None, messages)
        return render(
            request, "reports/builder.html", {"form": scope_form, "export_form": RawExportForm()}, status=400
        )
    if request.method == "POST":
        form = DraftForm(request.POST)
        if form.is_valid():
            try:
                report = report_generate(
                    draft=ReportDraft(
                        kind=draft.kind,
                        period=draft.period,
                        plan=draft.plan,
                        unit=draft.unit,
                        scope=draft.scope,
                        inputs=draft.inputs,
                        header=form.header(),
                        narrative=form.narrative(),
                    ),
                    actor=request.user,
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                return redirect("reports:archive_detail", generatedreport_id=report.pk)
        status = 400
    else:
        form = DraftForm(initial=DraftForm.initial_from(draft.header, draft.narrative))
        status = 200
    return render(
        request,
        "reports/builder_draft.html",
        {
            "form": form,
            "draft": draft,
            "inputs": draft.inputs,
            "choice": scope_form.cleaned_data,
            # said before generating: without them Vietnamese letters fall back to another font
            "missing_fonts": missing_fonts(),
            "query": urlencode(
                {k: scope_form.cleaned_data.get(k) or "" for k in ("kind", "period", "plan", "unit")}
            ),
        },
        status=status,
    )


@login_required
@require_GET
def archive_list(request):
    _require_builder(request)
    reports = GeneratedReport.objects.select_related("period", "plan", "unit", "created_by").defer("inputs")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    mark_differing(page.object_list)
    return render(request, "reports/archive_list.html", {"page": page})


@login_required
@require_GET
def archive_detail(request, generatedreport_id: int):
    report = access_generated_report_for_user(request.user, generatedreport_id)
    mark_differing([report])
    template = "reports/archive_detail.html#status" if request.htmx else "reports/archive_detail.html"
    return render(request, template, {"report": report, "signed": _signed_of(report)})


def _signed_of(report):
    from .signed import SignedReport

    return SignedReport.objects.filter(report=report).select_related("uploaded_by").first()


@login_required
@require_POST
def archive_signed_upload(request, generatedreport_id: int):
    """The committee's signed PDF of this report, uploaded back to its archive entry."""
    from django.contrib import messages

    from .signed import report_signed_upload

    report = access_generated_report_for_user(request.user, generatedreport_id)
    try:
        report_signed_upload(report=report, upload=request.FILES.get("signed_pdf"), actor=request.user)
    except ValidationError as exc:
        errors = exc.message_dict.get("signed_pdf", exc.messages)
        context = {"report": report, "signed": _signed_of(report), "signed_errors": errors}
        return render(request, "reports/archive_detail.html", context, status=400)
    messages.success(request, _("Đã nhận bản báo cáo đã ký số."))
    return redirect("reports:archive_detail", generatedreport_id=report.pk)


def _file_response(data, *, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition("attachment", name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_GET
def archive_download(request, generatedreport_id: int, fmt: str):
    report = access_generated_report_for_user(request.user, generatedreport_id)
    if not report.is_done:
        raise Http404
    if fmt == "json":
        data = json.dumps(report.inputs, ensure_ascii=False, sort_keys=True, indent=1).encode()
        return _file_response(data, name=report.download_name("json"), content_type="application/json")
    name = {"pdf": report.pdf_name, "xlsx": report.xlsx_name}.get(fmt)
    download_name = report.download_name(fmt) if fmt in ("pdf", "xlsx") else ""
    if fmt == "signed":
        signed = _signed_of(report)
        name = signed.stored_name if signed else ""
        download_name = report.download_name("pdf").removesuffix(".pdf") + " (đã ký số).pdf"
    if not name:
        raise Http404
    try:
        with private_storage().open(name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = XLSX if fmt == "xlsx" else "application/pdf"
    return _file_response(data, name=download_name, content_type=content_type)


@login_required
@require_GET
@replica_reads()
def raw_export(request):
    _require_builder(request)
    form = RawExportForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/builder.html", {"form": ScopeForm(), "export_form": form}, status=400)
    period = form.cleaned_data["period"]
    plan = (period.plan.code or f"KH {period.plan_id}").replace("/", "-")
    with translation.override("vi"):
        name = f"Các báo cáo {period.label.replace('/', '-')} – {plan}.xlsx"
    return _file_response(raw_reports_workbook(period), name=name, content_type=XLSX)

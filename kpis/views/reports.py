"""My tasks and the report form (a whole page, or a fragment opened inline by htmx)."""

from urllib.parse import urlparse

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evidence.services import cleanup_on_error, evidence_document_from_post
from nq57portal.exporting import export_response, requested_format
from nq57portal.retry import retry_on_conflict
from tasks.models import AssignmentRole
from units.permissions import access_assignment_for_user, can_report_on

from ..exports import MY_TASK_COLUMNS
from ..forms import ReportForm
from ..models import (
    UNSENT_STATUSES,
    AssignmentState,
    Comment,
    Period,
    PeriodKind,
    ProgressReport,
    ReportStatus,
    Status,
)
from ..selectors import FLAGS, SORTS, co_assignments, group_rows, task_rows
from ..selectors import my_tasks as select_my_tasks
from ..services import (
    kpi_rows,
    proposed_completion,
    report_correct,
    report_save_draft,
    report_submit,
    report_token,
)

MY_TASKS_PAGE_SIZE = 50
CO_INLINE = 20  # co-ordinated tasks listed with the page; more come when the list is scrolled to


def _filters(request) -> dict:
    filters = {key: request.GET.get(key, "").strip()[:200] for key in ("status", "flag", "sort", "q")}
    plan = request.GET.get("plan", "")
    filters["plan"] = int(plan) if plan.isdigit() else None
    return filters


@login_required
def my_tasks(request):
    """Landing page of unit staff and heads: every lead assignment of their unit in plans in force.
    Anyone else (leadership, reviewers, the secretariat, even with a unit on their account) neither
    reports nor co-ordinates: they go to their own landing page."""
    if not request.user.is_unit_member:
        return redirect("home")
    every_co = request.GET.get("co") == "1"
    co_rows = co_assignments(user=request.user, limit=200 if every_co else CO_INLINE + 1)
    co_context = {"co_assignments": co_rows, "co_deferred": not every_co and len(co_rows) > CO_INLINE}
    if request.htmx and request.htmx.target == "co-tasks":
        return render(request, "kpis/my_tasks.html#co", co_context)
    today = timezone.localdate()
    filters = _filters(request)
    data = select_my_tasks(user=request.user, today=today, filters=filters)
    if fmt := requested_format(request):
        rows = task_rows(user=request.user, today=today, ids=[f.pk for f in data["selected"]])
        return export_response(fmt, rows=rows, columns=MY_TASK_COLUMNS, name="nhiem-vu-cua-toi")
    # A department leads hundreds of assignments: a page of the most urgent ones at a time (the
    # counts above still cover them all).
    by_urgency = filters.get("sort") not in ("deadline", "completion", "code")  # else the priority order
    page = Paginator(data["selected"], MY_TASKS_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = task_rows(user=request.user, today=today, ids=[f.pk for f in page.object_list])
    context = {
        **data,
        "page": page,
        "groups": group_rows(page.object_list, by_urgency=by_urgency),
        "by_urgency": by_urgency,
        "filters": filters,
        "today": today,
        "statuses": Status.choices,
        "sorts": SORTS,
        "flags": FLAGS,
        **co_context,
    }
    template = "kpis/my_tasks.html"
    if request.htmx and request.htmx.target == "task-results":
        template += "#results"
    return render(request, template, context)


def _pick_period(periods, raw, today):
    """The period asked for; else the one to report on now: this month, else this quarter, else the
    latest (periods come newest first). A period open to reports comes before a locked one: the form
    must not start on a period that will refuse what the unit types."""
    by_id = {str(p.pk): p for p in periods}
    if raw and raw in by_id:
        return by_id[raw]
    if not periods:
        return None

    def rank(p):
        current = p.contains(today)
        return (p.locked, not current, current and p.kind != PeriodKind.MONTHLY)

    return min(periods, key=rank)  # the first of equals: the newest


def _locked_month_skipped(periods, period, today):
    """This month's period when it is locked and the form opened another one instead, else None."""
    month = next((p for p in periods if p.kind == PeriodKind.MONTHLY and p.contains(today)), None)
    return month if month is not None and month.locked and month != period else None


def _initial(assignment, period, rows) -> tuple[dict, ProgressReport | None, str]:
    """Values to start the form from: the draft, else the last version sent for this period, else
    the figures of the last report (narrative left blank: it belongs to its period)."""
    reports = ProgressReport.objects.filter(assignment=assignment).select_related("period")
    source = reports.filter(period=period, status__in=UNSENT_STATUSES).first()
    origin = "draft"
    if source is None:
        source = reports.filter(period=period, status=ReportStatus.SUBMITTED).order_by("-version").first()
        origin = "submitted"
    carried = False
    if source is None:
        source = (
            reports.filter(status=ReportStatus.SUBMITTED, period__start__lt=period.start)
            .order_by("-period__start", "-version")
            .first()
        )
        origin, carried = "previous", True
    initial = {"period": str(period.pk)}
    if source is None:
        return initial, None, "new"
    initial["completion"] = f"{source.completion.normalize():f}".replace(".", ",")
    if not carried:
        initial.update(results=source.results, difficulties=source.difficulties, proposals=source.proposals)
    for value in source.kpi_values.all():
        if value.target_id:
            initial[f"target_{value.target_id}"] = f"{value.actual.normalize():f}".replace(".", ",")
        elif not carried:
            initial[f"kpi_{value.kpi_id}"] = value.note
    return initial, source, origin


def _form_context(request, assignment, periods, period, form, rows, **extra):
    state = AssignmentState.objects.filter(assignment=assignment).first()
    draft = (
        # The unsent version: a draft, or one waiting for the head (its files shown, not removable).
        ProgressReport.objects.filter(assignment=assignment, period=period, status__in=UNSENT_STATUSES)
        .select_related("head_returned_by")
        .prefetch_related("evidence")
        .first()
        if period
        else None
    )
    versions = list(
        ProgressReport.objects.filter(assignment=assignment, period=period)
        .select_related("created_by", "submitted_by", "prepared_by", "signed_off_by", "head_returned_by")
        .prefetch_related("evidence")
        .order_by("-version")
        if period
        else []
    )
    # Periods with a report of their own: the script asks before leaving typed text to open one.
    reported = ProgressReport.objects.filter(assignment=assignment).values_list("period_id", flat=True)
    can_report = assignment.role == AssignmentRole.LEAD and can_report_on(request.user, assignment)
    waiting = next((v for v in versions if v.awaits_signoff), None)
    return {
        # A version waiting for the head is not edited or sent again meanwhile.
        "waiting": waiting,
        "goes_to_head": can_report and ProgressReport(assignment=assignment).goes_to_head(request.user),
        # The form posts back which version it was showing (a repeated submission is answered with
        # the version the first one made).
        "seen_report": report_token(assignment_id=assignment.pk, period_id=period.pk) if period else "",
        "reported_periods": " ".join(str(pk) for pk in sorted(set(reported))),
        "assignment": assignment,
        "subtask": assignment.subtask,
        "periods": periods,
        "period": period,
        "form": form,
        "state": state,
        "status_label": Status(state.status).label if state else Status.NOT_STARTED.label,
        "draft": draft,
        "versions": versions,
        "can_report": can_report,
        # A locked period takes reports from the secretariat only: the others are told so above the
        # fields and their buttons are off, while what they typed stays on the page.
        "sending_locked": bool(period and period.refuses_reports_from(request.user)),
        "open_periods": [p for p in periods if not p.locked],
        "is_lead": assignment.role == AssignmentRole.LEAD,
        "comments": list(
            Comment.objects.filter(subtask_id=assignment.subtask_id).select_related(
                "author", "assignment__unit"
            )[:20]
        ),
        **extra,
    }


@login_required
@retry_on_conflict
def report_form(request, assignment_id):
    assignment = access_assignment_for_user(request.user, assignment_id, perm="view")
    subtask = assignment.subtask
    now = timezone.now()
    today = timezone.localdate(now)
    periods = list(
        Period.objects.filter(plan_id=subtask.plan_id, start__lte=today).order_by("-start", "kind")
    )
    rows = kpi_rows(subtask)
    raw_period = request.POST.get("period") if request.method == "POST" else request.GET.get("period")
    period = _pick_period(periods, raw_period, today)
    notice = ""
    extra = {}
    if request.method == "POST" and period is not None:
        action = request.POST.get("action", "draft")
        form = ReportForm(request.POST, request.FILES, periods=periods, kpi_rows=rows)
        if action == "load":
            form, period, notice, extra = _load_period(request, assignment, periods, period, rows, form)
            extra["focus"] = "period"
        elif action == "propose":
            data = request.POST.copy()
            targets = [t for _k, t in rows if t is not None]
            proposal = proposed_completion(targets, form.actuals())
            if proposal is not None:
                data["completion"] = f"{proposal.normalize():f}".replace(".", ",")
                notice = _("Đề xuất từ giá trị KPI: %(value)s%%. Bạn có thể sửa trước khi lưu.") % {
                    "value": data["completion"]
                }
            else:
                notice = _("Chưa có giá trị KPI dạng số để đề xuất tỷ lệ hoàn thành.")
            form = ReportForm(initial=data.dict(), periods=periods, kpi_rows=rows)
            extra = {"unsaved": True, "focus": "completion"}
        elif form.is_valid():
            period = form.cleaned_data["period"]
            try:
                with cleanup_on_error(), transaction.atomic():
                    report = report_save_draft(
                        assignment=assignment,
                        period=period,
                        actor=request.user,
                        data=form.report_data(),
                        uploads=form.cleaned_data["evidence"],
                        now=now,
                        seen=request.POST.get("seen_report") or None,
                    )
                    if report.status == ReportStatus.DRAFT:
                        evidence_document_from_post(
                            report=report, post=request.POST, actor=request.user, now=now
                        )
                    # A draft already sent (the repeat of a submission just made) is not sent again.
                    if action == "submit" and report.status == ReportStatus.DRAFT:
                        report = report_submit(report=report, actor=request.user, now=now)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _saved(request, assignment, report, action)
        if form.is_bound:
            extra = {"unsaved": True, "focus": "error"}  # the page shows what was typed, not what is saved
    else:
        initial, _source, origin = _initial(assignment, period, rows) if period else ({}, None, "new")
        form = ReportForm(initial=initial, periods=periods, kpi_rows=rows)
        extra["locked_month"] = _locked_month_skipped(periods, period, today) if raw_period is None else None
        if origin == "submitted" and not period.refuses_reports_from(request.user):
            notice = _(
                "Báo cáo kỳ này đã gửi. Sửa và gửi lại sẽ tạo phiên bản mới; phiên bản cũ được giữ nguyên."
            )
        elif origin == "previous":
            notice = _("Số liệu KPI và tỷ lệ hoàn thành lấy từ báo cáo kỳ trước; hãy cập nhật.")
    context = _form_context(request, assignment, periods, period, form, rows, notice=notice, **extra)
    template = "kpis/report_form.html#panel" if request.htmx else "kpis/report_form.html"
    return render(request, template, context)


def _unsaved_edits(post, saved: dict, form: ReportForm) -> dict:
    """The values the user typed that differ from what is saved for the period the form showed."""

    def norm(value) -> str:
        return str(value or "").replace("\r\n", "\n").strip()

    names = [name for name in form.fields if name not in ("period", "evidence")]
    return {name: post.get(name, "") for name in names if norm(post.get(name)) != norm(saved.get(name))}


def _load_period(request, assignment, periods, period, rows, posted: ReportForm):
    """Open another period ("Mở kỳ này") without losing what was typed: the form posts it along.

    Typed text goes with the user into a period that has no report yet (or stays on a reload of
    the same period). A period with its own report opens with that report, once the user agreed to
    drop the typing: the script asks and sends discard_unsaved=1; without the script the page stays
    on the shown period and offers a plain link to the other one."""
    initial, _source, origin = _initial(assignment, period, rows)
    shown = next((p for p in periods if str(p.pk) == request.POST.get("loaded_period")), None)
    edits = {}
    if shown is not None:
        saved, _s, _o = _initial(assignment, shown, rows)
        edits = _unsaved_edits(request.POST, saved, posted)
    notice, extra = "", {}
    if edits and (period == shown or origin in ("previous", "new")):
        initial.update(edits)
        extra["unsaved"] = True
        if period != shown:
            notice = _(
                "Đã giữ nội dung bạn đang nhập cho kỳ %(period)s. Hãy kiểm tra rồi lưu nháp hoặc gửi."
            ) % {"period": period.label}
    elif edits and request.POST.get("discard_unsaved") != "1":
        initial = {**saved, **edits, "period": str(shown.pk)}
        extra.update(unsaved=True, other_period=period)
        notice = _(
            "Kỳ %(other)s đã có báo cáo riêng nên nội dung bạn đang nhập chưa được chuyển sang. "
            "Hãy lưu nháp kỳ %(period)s trước khi mở kỳ khác."
        ) % {"other": period.label, "period": shown.label}
        period = shown
    form = ReportForm(initial=initial, periods=periods, kpi_rows=rows)
    return form, period, notice, extra


def _saved(request, assignment, report, action):
    if report.awaits_signoff:
        text = _("Đã gửi báo cáo %(period)s (phiên bản %(version)s) cho thủ trưởng đơn vị duyệt.") % {
            "period": report.period.label,
            "version": report.version,
        }
        text += " " + _("Báo cáo đến Tổ thẩm định sau khi thủ trưởng duyệt.")
    elif action == "submit" or report.is_submitted:
        text = _("Đã gửi báo cáo %(period)s (phiên bản %(version)s).") % {
            "period": report.period.label,
            "version": report.version,
        }
        if report.is_claim:
            text += " " + _("Đề nghị công nhận hoàn thành đang chờ thẩm định.")
    else:
        text = _("Đã lưu nháp báo cáo %(period)s (phiên bản %(version)s).") % {
            "period": report.period.label,
            "version": report.version,
        }
    url = reverse("kpis:report_form", args=[assignment.pk]) + f"?period={report.period_id}"
    if not request.htmx:
        messages.success(request, text)
        return redirect(url)
    # Re-render the panel for the same period, and the task's row on My tasks out of band.
    subtask = assignment.subtask
    today = timezone.localdate()
    periods = list(
        Period.objects.filter(plan_id=subtask.plan_id, start__lte=today).order_by("-start", "kind")
    )
    rows = kpi_rows(subtask)
    initial, _source, _origin = _initial(assignment, report.period, rows)
    form = ReportForm(initial=initial, periods=periods, kpi_rows=rows)
    context = _form_context(
        request, assignment, periods, report.period, form, rows, saved=text, focus="saved"
    )
    html = render_to_string("kpis/report_form.html#panel", context, request=request)
    # The row update is only for My tasks; elsewhere (the report page, the sub-task page) there is
    # no row to swap and htmx would log an out-of-band error.
    on_my_tasks = urlparse(request.htmx.current_url or "").path == reverse("kpis:my_tasks")
    shown = task_rows(user=request.user, today=today, ids=[assignment.pk]) if on_my_tasks else []
    if shown:
        # A <tr> cannot stand alone in a response: htmx takes it out of a <template> for the swap.
        row = render_to_string(
            "kpis/my_tasks.html#row", {"row": shown[0], "oob": True, "today": today}, request=request
        )
        html += f"<template>{row}</template>"
    return HttpResponse(html)


@login_required
@require_POST
@retry_on_conflict
def report_correct_view(request, report_id):
    """Start a correction of a submitted report: a new draft version, the old one kept."""
    report = get_object_or_404(ProgressReport.objects.select_related("period"), pk=report_id)
    assignment = access_assignment_for_user(request.user, report.assignment_id, perm="report")
    try:
        report_correct(report=report, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Đã tạo phiên bản %(new)s để sửa; phiên bản %(old)s được giữ nguyên.")
            % {"new": report.version + 1, "old": report.version},
        )
    return redirect(reverse("kpis:report_form", args=[assignment.pk]) + f"?period={report.period_id}")

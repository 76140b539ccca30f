"""Importing an appendix in the browser: upload → preview → apply (secretariat only).

The uploaded file is kept in private storage under a random token until it is applied, so
the preview can be looked at again and the apply reads exactly the previewed file. Nothing
reaches the database before the apply; a file that cannot be read is refused at upload and
not even stored. Any other user gets 404, as if the pages did not exist.
"""

import json
import re
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tasks.importing import ImportFileError, read_and_resolve, resolve_units
from tasks.importing.forms import AmendmentForm, ImportUploadForm
from tasks.importing.likeness import plans_holding
from tasks.importing.shown import rows_shown
from tasks.importing.uploads import upload_discard, upload_paths, upload_storage
from tasks.models import Amendment, Plan, PlanStatus
from tasks.services import (
    AmendmentRequired,
    ImportBlocked,
    import_unit_mappings_apply,
    plan_import_apply,
    plan_import_preview,
)
from units.models import Unit
from units.registry import UnitRegistry
from units.selectors import unit_choices

TOKEN = re.compile(r"^[0-9a-f]{32}$")
NEW_UNIT = "__new__"


def _secretariat_only(user):
    if not (user.is_authenticated and user.is_active and user.is_secretariat):
        raise Http404


class _PreviewGone(Http404):
    pass


def _preview_gone(request):
    messages.info(
        request,
        _(
            "Bản xem trước này không còn: tệp đã được áp dụng hoặc đã hết hạn. Xem kế hoạch trong danh sách, hoặc tải tệp lên lại."
        ),
    )
    return redirect("tasks:plan_list")


def _load(request, token):
    """The stored upload and what was asked with it; 404 for a token that is not this user's."""
    if not TOKEN.match(token or ""):
        raise Http404
    storage = upload_storage()
    xlsx, meta_path = upload_paths(token)
    if not storage.exists(meta_path) or not storage.exists(xlsx):
        # Applied (the upload is discarded then), or never this user's: Back in the browser after
        # applying lands here, so say what to do rather than show a bare 404.
        raise _PreviewGone
    with storage.open(meta_path) as handle:
        meta = json.load(handle)
    if meta.get("user_id") != request.user.pk:
        raise _PreviewGone  # told exactly as a token that does not exist
    plan = None
    if meta.get("plan_id"):
        plan = Plan.objects.filter(pk=meta["plan_id"]).first()
        if plan is None:
            raise Http404
    return storage, xlsx, meta, plan


@login_required
def import_upload(request):
    _secretariat_only(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = secrets.token_hex(16)
        storage = upload_storage()
        xlsx, meta_path = upload_paths(token)
        storage.save(xlsx, form.cleaned_data["file"])
        meta = {
            "user_id": request.user.pk,
            "file_name": form.cleaned_data["file"].name[:255],
            "plan_id": form.cleaned_data["plan"].pk if form.cleaned_data["plan"] else None,
            "code": form.cleaned_data["code"].strip(),
            "title": form.cleaned_data["title"].strip(),
            "issuer": form.cleaned_data["issuer"].strip(),
        }
        storage.save(meta_path, ContentFile(json.dumps(meta, ensure_ascii=False).encode("utf-8")))
        return redirect("tasks:import_preview", token=token)
    max_rows = f"{settings.IMPORT_MAX_ROWS:,}".replace(",", ".")
    return render(request, "tasks/import_upload.html", {"form": form, "max_rows": max_rows})


def _preview_context(
    request, token, storage, xlsx, meta, plan, *, mapping_errors=None, duplicate_error="", amendment_form=None
):
    registry = UnitRegistry.load()
    with storage.open(xlsx) as handle:
        plan_data = read_and_resolve(handle, registry)
    diff = plan_import_preview(plan_data=plan_data, plan=plan, registry=registry)
    problems = sorted(plan_data.problems, key=lambda p: (not p.is_error, p.row or 0))
    return {
        "token": token,
        "meta": meta,
        "plan": plan,
        "plan_data": plan_data,
        "diff": diff,
        "summary": diff.summary(),
        "problems": problems,
        "errors": plan_data.errors,
        "unresolved": [
            (i, name, request.POST.get(f"map-{i}", ""), (mapping_errors or {}).get(i, ""))
            for i, name in enumerate(plan_data.unresolved_names)
        ],
        "unit_groups": unit_choices(),
        "new_unit": NEW_UNIT,
        "new_title": meta.get("title") or plan_data.title,
        "same_plans": [] if plan else plans_holding(plan_data),
        "rows": rows_shown(plan_data, registry),
        "duplicate_error": duplicate_error,
        "confirm_duplicate": bool(request.POST.get("confirm_duplicate")),
        # Into a plan in force, a workbook that changes anything is an amendment: its document is asked.
        "amendment_form": (
            (amendment_form or AmendmentForm(prefix="amendment"))
            if plan is not None and Amendment.required_for(plan) and not diff.is_empty
            else None
        ),
        "amendments_before": plan.amendments.count() if plan is not None else 0,
    }


@login_required
def import_preview(request, token):
    _secretariat_only(request.user)
    try:
        storage, xlsx, meta, plan = _load(request, token)
    except _PreviewGone:
        return _preview_gone(request)
    try:
        context = _preview_context(request, token, storage, xlsx, meta, plan)
    except ImportFileError as exc:
        upload_discard(token)
        messages.error(request, str(exc))
        return redirect("tasks:import_plan")
    return render(request, "tasks/import_preview.html", context)


@login_required
@require_POST
def import_retarget(request, token):
    """From the duplicate warning: update the plan that already holds the appendix instead."""
    _secretariat_only(request.user)
    try:
        storage, xlsx, meta, plan = _load(request, token)
    except _PreviewGone:
        return _preview_gone(request)
    target = Plan.objects.filter(pk=request.POST.get("plan") or None).first() if plan is None else None
    if target is not None:
        meta["plan_id"] = target.pk
        meta_path = upload_paths(token)[1]
        storage.delete(meta_path)
        storage.save(meta_path, ContentFile(json.dumps(meta, ensure_ascii=False).encode("utf-8")))
        messages.info(
            request, _("Tệp sẽ được nhập vào kế hoạch “%(plan)s” (cập nhật theo mã).") % {"plan": target}
        )
    return redirect("tasks:import_preview", token=token)


def _mappings(request, names):
    """{name: unit | NEW_UNIT} chosen on the preview page, and errors beside the choices."""
    chosen, errors = {}, {}
    units = {str(u.pk): u for u in Unit.objects.filter(is_active=True)}
    for index, name in enumerate(names):
        value = request.POST.get(f"map-{index}", "")
        if not value:
            continue
        if value == NEW_UNIT:
            chosen[name] = NEW_UNIT
        elif value in units:
            chosen[name] = units[value]
        else:
            errors[index] = _("Đơn vị đã chọn không còn tồn tại.")
    return chosen, errors


@login_required
@require_POST
def import_apply(request, token):
    _secretariat_only(request.user)
    try:
        storage, xlsx, meta, plan = _load(request, token)
    except _PreviewGone:
        return _preview_gone(request)
    try:
        with storage.open(xlsx) as handle:
            plan_data = read_and_resolve(handle)
    except ImportFileError as exc:
        upload_discard(token)
        messages.error(request, str(exc))
        return redirect("tasks:import_plan")
    chosen, mapping_errors = _mappings(request, plan_data.unresolved_names)
    amendment_form, amendment = None, {}
    if plan is not None and Amendment.required_for(plan):
        amendment_form = AmendmentForm(request.POST, prefix="amendment")
        if amendment_form.is_valid():
            amendment = {
                "amendment_number": amendment_form.cleaned_data["number"],
                "amendment_date": amendment_form.cleaned_data["date"],
            }
        elif plan_import_preview(plan_data=plan_data, plan=plan).is_empty:
            amendment_form = None  # nothing to change: no amendment to record
    duplicate_error = ""
    if plan is None and not request.POST.get("confirm_duplicate") and plans_holding(plan_data):
        duplicate_error = _(
            "Phụ lục này đã có trong kế hoạch nêu trên: hãy cập nhật kế hoạch đó, hoặc đánh dấu ô này nếu "
            "thật sự muốn tạo thêm một kế hoạch mới."
        )
    amendment_missing = amendment_form is not None and not amendment
    if plan_data.errors or mapping_errors or duplicate_error or amendment_missing:
        if plan_data.errors:
            messages.error(
                request,
                _("Tệp còn lỗi nên chưa ghi gì. Hãy sửa tệp theo danh sách dưới đây rồi tải lên lại."),
            )
        elif amendment_missing:
            messages.error(
                request,
                _(
                    "Chưa ghi gì: hãy ghi số và ngày của văn bản sửa đổi, bổ sung (cuối trang) rồi bấm Áp dụng."
                ),
            )
        context = _preview_context(
            request,
            token,
            storage,
            xlsx,
            meta,
            plan,
            mapping_errors=mapping_errors,
            duplicate_error=duplicate_error,
            amendment_form=amendment_form,
        )
        return render(request, "tasks/import_preview.html", context, status=400)
    try:
        plan, diff = _apply(request, plan_data, plan, meta, chosen, amendment)
    except ImportBlocked:
        messages.error(request, _("Tệp còn lỗi nên chưa ghi gì."))
        return redirect("tasks:import_preview", token=token)
    except AmendmentRequired as exc:  # the plan was put in force meanwhile
        messages.error(request, exc.messages[0])
        return redirect("tasks:import_preview", token=token)
    upload_discard(token)
    if diff.is_empty:
        messages.info(request, _("Không có thay đổi: kế hoạch đã khớp với tệp."))
    else:
        s = diff.summary()
        messages.success(
            request,
            _(
                "Đã nhập phụ lục: %(new)s tiểu nhiệm vụ mới, %(changed)s tiểu nhiệm vụ thay đổi, %(assign)s phân công mới."
            )
            % {"new": s["subtask_create"], "changed": s["subtask_change"], "assign": s["assignments_create"]},
        )
        recorded = plan.amendments.order_by("-sequence").first() if amendment else None
        if recorded is not None:
            messages.success(
                request,
                _("Đã ghi nhận sửa đổi, bổ sung lần %(n)s: văn bản số %(number)s ngày %(date)s.")
                % {
                    "n": recorded.sequence,
                    "number": recorded.number,
                    "date": recorded.date.strftime("%d/%m/%Y"),
                },
            )
    if plan.status == PlanStatus.DRAFT:
        # A new plan is a draft: its units see nothing until it is put in force, with its dates.
        messages.info(
            request,
            _(
                "Kế hoạch đang là dự thảo: hãy nhập ngày ban hành, xác nhận chỉ tiêu KPI rồi đưa vào thực hiện."
            ),
        )
        return redirect("tasks:plan_settings", plan_id=plan.pk)
    return redirect("tasks:plan_detail", plan_id=plan.pk)


def _apply(request, plan_data, plan, meta, chosen, amendment):
    # The mapping of unknown names and the import stand or fall together.
    with transaction.atomic():
        registry = None
        if chosen:
            import_unit_mappings_apply(mappings=chosen, actor=request.user)
            registry = UnitRegistry.load()
            resolve_units(plan_data, registry)
        return plan_import_apply(
            plan_data=plan_data,
            plan=plan,
            actor=request.user,
            code=meta.get("code", ""),
            title=meta.get("title", ""),
            issuer=meta.get("issuer", ""),
            source_name=meta.get("file_name", ""),
            registry=registry,
            **amendment,
        )

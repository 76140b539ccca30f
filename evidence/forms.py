"""Forms of the review pages: they parse and show errors beside their fields; rules live in services."""

import datetime

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ReturnReason
from .selectors import QueueFilters


class ReturnForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Lý do trả lại"),
        choices=[("", _("— Chọn lý do —")), *ReturnReason.choices],
        error_messages={
            "required": _("Vui lòng chọn lý do trả lại."),
            "invalid_choice": _("Vui lòng chọn lý do trả lại."),
        },
    )
    reason_text = forms.CharField(
        label=_("Cần hoàn thiện gì"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": _("Vui lòng ghi rõ cần hoàn thiện gì để đơn vị bổ sung."),
            "max_length": _("Nội dung tối đa %(limit_value)d ký tự."),
        },
        help_text=_("Đơn vị đọc được nội dung này trên trang Nhiệm vụ của tôi và trang báo cáo."),
    )


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú (không bắt buộc)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Ghi chú tối đa %(limit_value)d ký tự.")},
    )


def _int(raw) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def posted_report_id(data) -> int | None:
    """The claim version the decision form was showing (its hidden "report"), when it says."""
    return _int(data.get("report"))


def posted_report_ids(data) -> dict[int, int]:
    """Bulk approval: assignment id → the claim version listed beside its box ("report-<id>")."""
    ids = {}
    for key in data:
        assignment = _int(key.removeprefix("report-")) if key.startswith("report-") else None
        report = _int(data.get(key)) if assignment else None
        if report is not None:
            ids[assignment] = report
    return ids


def _date(raw) -> datetime.date | None:
    raw = (raw or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def queue_filters(params) -> QueueFilters:
    """Filters from the query string. A date that cannot be read (31/02/2026) is not applied and is
    reported beside its field, with what was typed kept; other unreadable values are ignored."""
    typed = {key: (params.get(key) or "").strip() for key in ("deadline_from", "deadline_to")}
    filters = QueueFilters(
        plan=_int(params.get("plan")),
        section=_int(params.get("section")),
        unit=_int(params.get("unit")),
        deadline_from=_date(typed["deadline_from"]),
        deadline_to=_date(typed["deadline_to"]),
    )
    if not filters.plan:
        filters.section = None
    filters.typed = typed
    filters.errors = {
        key: gettext("Ngày %(value)s không tồn tại hoặc không đúng dạng ngày/tháng/năm (dd/mm/yyyy).")
        % {"value": value}
        for key, value in typed.items()
        if value and _date(value) is None
    }
    return filters

"""Forms of the report builder: what the report covers, then its header and narrative."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kpis.models import Period, PeriodKind
from tasks.models import Plan
from units.models import Unit
from units.selectors import unit_choices

from .assembly import NARRATIVE_FIELDS, reportable_plans
from .services import HEADER_FIELDS, LIST_FIELDS, MAX_TEXT

# The narrative fields' labels on the form; the document's own headings stay as assembly writes them.
NARRATIVE_LABELS = {
    "preamble": _("Mở đầu (căn cứ)"),
    "results": _("I. Kết quả đạt được — nội dung các đơn vị báo cáo"),
    "shortcomings": _("II.1. Tồn tại, hạn chế"),
    "causes": _("II.2. Nguyên nhân (khó khăn, vướng mắc của các đơn vị)"),
    "next_tasks": _("III. Nhiệm vụ kỳ tới"),
    "proposals": _("IV. Đề xuất, kiến nghị"),
    "closing": _("Kết thúc"),
}
KIND_CHOICES = [(PeriodKind.MONTHLY, _("Báo cáo tháng")), (PeriodKind.QUARTERLY, _("Báo cáo quý"))]


class ScopeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại báo cáo"),
        choices=KIND_CHOICES,
        initial=PeriodKind.QUARTERLY,
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )
    period = forms.ChoiceField(
        label=_("Kỳ báo cáo"),
        error_messages={
            "required": _("Vui lòng chọn kỳ báo cáo."),
            "invalid_choice": _("Không có kỳ báo cáo này; hãy chọn lại."),
        },
    )
    plan = forms.ChoiceField(
        label=_("Kế hoạch"),
        required=False,
        error_messages={"invalid_choice": _("Kế hoạch không tồn tại; hãy chọn lại.")},
    )
    unit = forms.ChoiceField(
        label=_("Phạm vi"),
        required=False,
        error_messages={"invalid_choice": _("Đơn vị không tồn tại; hãy chọn lại.")},
    )

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.data.get("kind") or kind or PeriodKind.QUARTERLY
        if kind not in PeriodKind.values:
            kind = PeriodKind.QUARTERLY
        plans = reportable_plans()
        ends = (
            Period.objects.filter(plan__in=plans, kind=kind)
            .order_by("-end")
            .values_list("end", flat=True)
            .distinct()
        )
        # The periods as the rest of the UI names them, in the reader's language ("QIV/2026");
        # the document itself names them in Vietnamese (assembly.period_label).
        self.fields["period"].choices = [("", gettext("— Chọn kỳ —"))] + [
            (e.isoformat(), Period(kind=kind, end=e).label) for e in ends
        ]
        self.fields["plan"].choices = [("", gettext("Tất cả kế hoạch đang thực hiện"))] + [
            (str(p.pk), (p.code or p.title)[:80]) for p in plans.order_by("-issue_date", "pk")
        ]
        self.fields["unit"].choices = [("", gettext("Toàn tỉnh")), *unit_choices()]

    def clean(self):
        data = super().clean()
        kind, end = data.get("kind"), data.get("period")
        if not kind or not end:
            return data
        plan = Plan.objects.filter(pk=data["plan"]).first() if data.get("plan") else None
        periods = Period.objects.filter(
            kind=kind, end=datetime.date.fromisoformat(end), plan__in=reportable_plans()
        )
        if plan is not None:
            periods = periods.filter(plan=plan)
        period = periods.order_by("plan_id").first()
        if period is None:
            self.add_error("period", gettext("Kế hoạch đã chọn không có kỳ báo cáo này."))
            return data
        data["period_obj"] = period
        data["plan_obj"] = plan
        data["unit_obj"] = Unit.objects.filter(pk=data["unit"]).first() if data.get("unit") else None
        return data


def _lines(value) -> str:
    return "\n".join(value) if isinstance(value, list | tuple) else (value or "")


class DraftForm(forms.Form):
    """The header fields and narrative; the figures are not in this form at all."""

    parent_body = forms.CharField(label=HEADER_FIELDS["parent_body"], required=False, max_length=200)
    issuing_body = forms.CharField(label=HEADER_FIELDS["issuing_body"], max_length=300)
    number = forms.CharField(
        label=HEADER_FIELDS["number"],
        required=False,
        max_length=20,
        help_text=_("Để trống nếu văn thư ghi số sau khi ký."),
    )
    symbol = forms.CharField(label=HEADER_FIELDS["symbol"], max_length=50, help_text=_("Ví dụ: BC-BCĐ"))
    place = forms.CharField(label=HEADER_FIELDS["place"], max_length=100)
    date = forms.DateField(
        label=HEADER_FIELDS["date"],
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y"),
        help_text="dd/mm/yyyy",
        error_messages={"invalid": _("Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.")},
    )
    title = forms.CharField(
        label=HEADER_FIELDS["title"], max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    recipients = forms.CharField(
        label=HEADER_FIELDS["recipients"],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một nơi."),
    )
    distribution = forms.CharField(
        label=HEADER_FIELDS["distribution"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Mỗi dòng một nơi nhận."),
    )
    authority = forms.CharField(
        label=HEADER_FIELDS["authority"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: TM. BAN CHỈ ĐẠO / KT. TRƯỞNG BAN — mỗi dòng một cấp."),
    )
    signer_title = forms.CharField(label=HEADER_FIELDS["signer_title"], max_length=200)
    signer_name = forms.CharField(label=HEADER_FIELDS["signer_name"], max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in NARRATIVE_FIELDS.items():
            self.fields[key] = forms.CharField(
                label=NARRATIVE_LABELS.get(key, label),
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 8 if key not in ("preamble", "closing") else 3}),
                error_messages={"max_length": gettext("Nội dung dài quá %(max)s ký tự.") % {"max": MAX_TEXT}},
            )
        for name, field in self.fields.items():
            field.error_messages["required"] = gettext("Vui lòng nhập %(field)s.") % {
                "field": field.label.lower()
            }
            if name in LIST_FIELDS:
                field.widget.attrs["spellcheck"] = "false"

    @classmethod
    def initial_from(cls, header: dict, narrative: dict) -> dict:
        initial = {k: _lines(v) for k, v in header.items()}
        initial["date"] = datetime.date.fromisoformat(header["date"])
        return {**initial, **narrative}

    def header_fields(self):
        return [self[k] for k in HEADER_FIELDS]

    def narrative_fields(self):
        return [self[k] for k in NARRATIVE_FIELDS]

    def header(self) -> dict:
        data = self.cleaned_data
        out = {k: data[k] for k in HEADER_FIELDS if k not in LIST_FIELDS}
        out["date"] = data["date"].isoformat()
        for key in LIST_FIELDS:
            out[key] = [line.strip() for line in (data.get(key) or "").splitlines() if line.strip()]
        return out

    def narrative(self) -> dict:
        return {k: self.cleaned_data.get(k, "") for k in NARRATIVE_FIELDS}

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if number and not number.replace(" ", "").isalnum():
            raise forms.ValidationError(
                gettext("Số văn bản chỉ gồm chữ và số (để trống nếu ghi tay sau khi ký).")
            )
        return number


class RawExportForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Kỳ báo cáo (theo kế hoạch)"),
        queryset=Period.objects.none(),
        empty_label=_("— Chọn kỳ —"),
        error_messages={"required": _("Vui lòng chọn kỳ."), "invalid_choice": _("Kỳ không tồn tại.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        field.queryset = (
            Period.objects.filter(plan__in=reportable_plans())
            .select_related("plan")
            .order_by("-end", "plan_id", "kind")
        )
        field.label_from_instance = lambda p: f"{p.label} — {(p.plan.code or p.plan.title)[:50]}"

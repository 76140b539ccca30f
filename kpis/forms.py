"""Forms of progress reporting. They only parse and show errors; the rules live in the services."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import KpiValue, PeriodKind, ProgressReport, number_misfit
from .services import ReportData

NUMBER_RE = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)?([.,]\d+)?$")


def parse_number(raw: str) -> Decimal | None:
    """Numbers as Vietnamese users type them: "12", "12,5", "12.5", "1.234" (thousands), "1.234,5"."""
    text = (raw or "").strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    if not text:
        return None
    if not NUMBER_RE.match(text) or not re.search(r"\d", text):
        raise forms.ValidationError(gettext("Giá trị phải là một số (ví dụ 12 hoặc 12,5)."))
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(gettext("Giá trị phải là một số (ví dụ 12 hoặc 12,5).")) from None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Kỳ báo cáo"))
    completion = forms.CharField(
        label=_("Tỷ lệ hoàn thành (%)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )
    results = forms.CharField(
        label=_("Kết quả đạt được"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposals = forms.CharField(
        label=_("Đề xuất, kiến nghị"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = MultipleFileField(
        label=_("Minh chứng"),
        required=False,
        help_text=_("Văn bản đã ký, quyết định, báo cáo, ảnh chụp sản phẩm… Có thể chọn nhiều tệp."),
    )

    def __init__(self, *args, periods, kpi_rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {str(p.pk): p for p in periods}
        self.fields["period"].choices = [
            (
                str(p.pk),
                f"{p.label} ({p.start:%d/%m/%Y} – {p.end:%d/%m/%Y})"
                + (gettext(" — đã khóa") if p.locked else "")
                + (gettext(" — kỳ quý") if p.kind == PeriodKind.QUARTERLY else ""),
            )
            for p in periods
        ]
        self.kpi_rows = kpi_rows
        for kpi, target in kpi_rows:
            if target is not None:
                self.fields[f"target_{target.pk}"] = forms.CharField(
                    label=target.label or kpi.text,
                    required=False,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 8}),
                )
            else:
                self.fields[f"kpi_{kpi.pk}"] = forms.CharField(
                    label=kpi.text, required=False, widget=forms.Textarea(attrs={"rows": 2})
                )

    def kpi_fields(self):
        """(kpi, target, bound field) in the order of the sub-task's KPIs, for the template."""
        for kpi, target in self.kpi_rows:
            name = f"target_{target.pk}" if target is not None else f"kpi_{kpi.pk}"
            yield kpi, target, self[name]

    def clean_period(self):
        value = self.cleaned_data["period"]
        if value not in self.periods:
            raise forms.ValidationError(gettext("Vui lòng chọn một kỳ báo cáo."))
        return self.periods[value]

    def clean_completion(self):
        value = parse_number(self.cleaned_data.get("completion"))
        if value is None:
            raise forms.ValidationError(gettext("Vui lòng nhập tỷ lệ hoàn thành (0–100)."))
        if value < 0 or value > 100:
            raise forms.ValidationError(gettext("Tỷ lệ hoàn thành phải từ 0 đến 100%."))
        misfit = number_misfit(ProgressReport._meta.get_field("completion"), value)
        if misfit:
            raise forms.ValidationError(misfit)
        return value

    def clean(self):
        cleaned = super().clean()
        for _kpi, target in self.kpi_rows:
            if target is None:
                continue
            name = f"target_{target.pk}"
            try:
                value = parse_number(self.data.get(self.add_prefix(name), ""))
            except forms.ValidationError as exc:
                self.add_error(name, exc)
                continue
            if value is not None and value < 0:
                self.add_error(name, gettext("Giá trị thực hiện không được âm."))
                continue
            misfit = number_misfit(KpiValue._meta.get_field("actual"), value)
            if misfit:
                self.add_error(name, misfit)
                continue
            cleaned[name] = value
        return cleaned

    def actuals(self) -> dict:
        """Target id → the number typed, from whatever parsed (used to propose a completion)."""
        out = {}
        for _kpi, target in self.kpi_rows:
            if target is None:
                continue
            try:
                value = parse_number(self.data.get(self.add_prefix(f"target_{target.pk}"), ""))
            except forms.ValidationError:
                continue
            if value is not None:
                out[target.pk] = value
        return out

    def report_data(self) -> ReportData:
        data = self.cleaned_data
        return ReportData(
            completion=data["completion"],
            results=data.get("results", "").strip(),
            difficulties=data.get("difficulties", "").strip(),
            proposals=data.get("proposals", "").strip(),
            actuals={t.pk: data.get(f"target_{t.pk}") for _k, t in self.kpi_rows if t is not None},
            notes={k.pk: data.get(f"kpi_{k.pk}", "") for k, t in self.kpi_rows if t is None},
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Vui lòng ghi lý do.")},
        max_length=1000,
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Ý kiến của đơn vị phối hợp"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng nhập nội dung ý kiến.")},
        max_length=5000,
    )

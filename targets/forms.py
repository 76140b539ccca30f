import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from evidence.models import ReturnReason
from kpis.forms import MultipleFileField
from units.models import Unit

from .models import Accumulation, TargetDirection

_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+")
DATE_INPUT = {
    "input_formats": ["%d/%m/%Y", "%Y-%m-%d"],
    "widget": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}, format="%d/%m/%Y"),
}


def parse_number(text: str) -> Decimal:
    """A number as Vietnamese write it: "62,5", "1.290", "1.290,75", "80". A point followed by
    groups of three digits is a thousands separator; the comma is the decimal mark."""
    text = re.sub(r"[\s\u00a0%]", "", text or "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _GROUPED.fullmatch(text):
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(gettext("Nhập một số, ví dụ 62,5 hoặc 1.290.")) from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 16:
        raise forms.ValidationError(gettext("Nhập một số, ví dụ 62,5 hoặc 1.290."))
    if value.as_tuple().exponent < -4:
        raise forms.ValidationError(gettext("Tối đa 4 chữ số sau dấu phẩy."))
    return value


class NumberField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 14})
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        return parse_number(text) if text else None


class TargetForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=20)
    group = forms.CharField(label=_("Nhóm mục tiêu"), max_length=255, required=False)
    text = forms.CharField(label=_("Chỉ tiêu (nguyên văn)"), widget=forms.Textarea(attrs={"rows": 3}))
    measure = forms.CharField(
        label=_("Đơn vị tính"), max_length=60, help_text=_("Ví dụ: %, cơ chế chính sách")
    )
    is_share = forms.BooleanField(label=_("Là tỷ lệ (%) tính từ tử số và mẫu số"), required=False)
    direction = forms.ChoiceField(label=_("Chiều"), choices=TargetDirection.choices)
    accumulation = forms.ChoiceField(label=_("Cách cộng các kỳ"), choices=Accumulation.choices)
    baseline_value = NumberField(label=_("Giá trị nền"), required=False)
    baseline_date = forms.DateField(label=_("Ngày của giá trị nền"), required=False, **DATE_INPUT)
    m1_value = NumberField(label=_("Mốc 1: giá trị"))
    m1_date = forms.DateField(label=_("Mốc 1: thời hạn"), **DATE_INPUT)
    m2_value = NumberField(label=_("Mốc 2: giá trị"), required=False)
    m2_date = forms.DateField(label=_("Mốc 2: thời hạn"), required=False, **DATE_INPUT)
    units = forms.ModelMultipleChoiceField(
        label=_("Đơn vị chịu trách nhiệm"),
        queryset=Unit.objects.filter(is_active=True).order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    data_source = forms.CharField(label=_("Nguồn số liệu"), max_length=255, required=False)

    def clean(self):
        data = super().clean()
        if (data.get("m2_value") is None) != (data.get("m2_date") is None):
            self.add_error("m2_value", gettext("Mốc 2 cần cả giá trị và thời hạn (hoặc để trống cả hai)."))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        milestones = [(data.pop("m1_value"), data.pop("m1_date"))]
        m2 = (data.pop("m2_value"), data.pop("m2_date"))
        if m2[0] is not None:
            milestones.append(m2)
        return {**data, "milestones": milestones}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel của kế hoạch (.xlsx) có trang “Chỉ tiêu”"))


class ValueForm(forms.Form):
    unit = forms.ChoiceField(label=_("Đơn vị báo cáo"))
    period = forms.ChoiceField(label=_("Kỳ báo cáo"))
    numerator = NumberField(label=_("Tử số"), required=False)
    denominator = NumberField(label=_("Mẫu số"), required=False)
    value = NumberField(label=_("Giá trị đạt được"), required=False)
    note = forms.CharField(
        label=_("Cách tính, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = MultipleFileField(label=_("Minh chứng (văn bản, số liệu thống kê…)"), required=False)

    def __init__(self, *args, target, units=(), periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(str(u.pk), u.name) for u in units]
        self.fields["period"].choices = [(str(p.pk), p.label) for p in periods]
        self._units = {str(u.pk): u for u in units}
        self._periods = {str(p.pk): p for p in periods}
        if target.is_share:
            del self.fields["value"]
        else:
            del self.fields["numerator"], self.fields["denominator"]
            self.fields["value"].label = gettext("Giá trị đạt được (%(measure)s)") % {
                "measure": target.measure
            }

    def clean_unit(self):
        return self._units[self.cleaned_data["unit"]]

    def clean_period(self):
        return self._periods[self.cleaned_data["period"]]


class ReturnForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("Lý do trả lại"), choices=[("", "—"), *ReturnReason.choices])
    reason_text = forms.CharField(label=_("Cần hoàn thiện gì"), widget=forms.Textarea(attrs={"rows": 2}))

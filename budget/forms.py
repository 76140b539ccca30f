import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kpis.forms import MultipleFileField

from .models import MONEY, BudgetLevel, SpendingKind

_GROUPED = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")
_PLAIN = re.compile(r"[+-]?\d+")
MAX_AMOUNT = Decimal(10) ** MONEY["max_digits"] - 1


def parse_money(text: str) -> Decimal:
    """Whole đồng as people type them: "1.008.000.000", "1 008 000 000", "1008000000", "-500.000.000".
    A comma (decimals of a đồng) or a malformed grouping is refused, never guessed."""
    text = re.sub(r"[\s\u00a0]", "", text or "").removesuffix("đồng").removesuffix("đ")
    if _GROUPED.fullmatch(text):
        text = text.replace(".", "")
    if not _PLAIN.fullmatch(text):
        raise forms.ValidationError(
            gettext("Nhập số tiền bằng đồng, không có phần lẻ, ví dụ 1.250.000.000 hoặc 1250000000.")
        )
    value = Decimal(text)
    if abs(value) > MAX_AMOUNT:
        raise forms.ValidationError(gettext("Số tiền quá lớn."))
    return value


class MoneyField(forms.CharField):
    def __init__(self, *args, signed: bool = False, **kwargs):
        self.signed = signed
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 20})
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        amount = parse_money(text)
        if not self.signed and amount < 0:
            raise forms.ValidationError(gettext("Số tiền không được âm."))
        return amount


class AdjustmentForm(forms.Form):
    year = forms.IntegerField(label=_("Năm ngân sách"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Loại chi"), choices=SpendingKind.choices)
    level = forms.ChoiceField(label=_("Cấp ngân sách"), choices=BudgetLevel.choices)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(
        label=_("Ngày quyết định"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}, format="%d/%m/%Y"),
    )
    amount = MoneyField(
        label=_("Số tiền (đồng; ghi dấu − khi giảm)"),
        signed=True,
        help_text=_(
            "Quyết định đầu tiên của một dòng là số giao dự toán; các quyết định sau tăng hoặc giảm."
        ),
    )
    reason = forms.CharField(
        label=_("Lý do, nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisbursementForm(forms.Form):
    allocation = forms.ChoiceField(label=_("Dòng dự toán"))
    period = forms.ChoiceField(label=_("Kỳ báo cáo"))
    amount = MoneyField(label=_("Số tiền giải ngân trong kỳ (đồng)"))
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = MultipleFileField(
        label=_("Minh chứng giải ngân (chứng từ, xác nhận của Kho bạc…)"),
        required=False,
    )

    def __init__(self, *args, lines=(), periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocation"].choices = [(str(line.pk), str(line)) for line in lines]
        self.fields["period"].choices = [(str(p.pk), p.label) for p in periods]
        self._lines = {str(line.pk): line for line in lines}
        self._periods = {str(p.pk): p for p in periods}

    def clean_allocation(self):
        return self._lines[self.cleaned_data["allocation"]]

    def clean_period(self):
        return self._periods[self.cleaned_data["period"]]

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from units.models import Unit, UnitKind

from .models import Scope, WebhookEvent


class WebhookForm(forms.Form):
    webhook_url = forms.URLField(
        label=_("Địa chỉ nhận webhook (https)"),
        required=False,
        assume_scheme="https",
        help_text=_("Để trống để bỏ webhook. Mỗi lần lưu một địa chỉ, cổng cấp một khóa ký mới."),
    )
    webhook_events = forms.MultipleChoiceField(
        label=_("Sự kiện gửi webhook"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("webhook_events") and not data.get("webhook_url"):
            self.add_error("webhook_url", _("Nhập địa chỉ nhận webhook cho các sự kiện đã chọn."))
        if data.get("webhook_url") and not data.get("webhook_events"):
            self.add_error("webhook_events", _("Chọn ít nhất một sự kiện để gửi webhook."))
        return data


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Tên hệ thống"), max_length=200)
    scopes = forms.MultipleChoiceField(
        label=_("Phạm vi dữ liệu"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.FIGURES],
        error_messages={"required": _("Chọn ít nhất một phạm vi dữ liệu.")},
    )
    unit = forms.ModelChoiceField(
        label=_("Giới hạn ở một đơn vị"),
        queryset=Unit.objects.exclude(kind=UnitKind.GROUP).filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("Toàn tỉnh"),
    )
    expires_on = forms.DateField(
        label=_("Hết hạn ngày"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("dd/mm/yyyy; mã truy cập hết hiệu lực từ đầu ngày này."),
        error_messages={"invalid": _("Nhập ngày theo dạng dd/mm/yyyy.")},
    )
    rate_per_minute = forms.IntegerField(
        label=_("Số yêu cầu tối đa mỗi phút"), min_value=1, max_value=6000, initial=120
    )
    webhook_url = forms.URLField(
        label=_("Địa chỉ nhận webhook (https)"), required=False, assume_scheme="https"
    )
    webhook_events = forms.MultipleChoiceField(
        label=_("Sự kiện gửi webhook"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["expires_on"].initial = (today + datetime.timedelta(days=365)).strftime("%d/%m/%Y")

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        if value <= self.today:
            raise forms.ValidationError(_("Ngày hết hạn phải sau hôm nay."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("webhook_events") and not data.get("webhook_url"):
            self.add_error("webhook_url", _("Nhập địa chỉ nhận webhook cho các sự kiện đã chọn."))
        return data

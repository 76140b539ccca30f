"""Forms of the unit pages; the services say what is refused, beside the field it concerns."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .fields import UnitChoiceField
from .models import Unit, UnitKind


class ServiceErrors:
    def apply_service_error(self, exc) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm (không cần dấu)"), required=False)
    kind = forms.ChoiceField(label=_("Loại"), required=False)
    active = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("1", _("Đang hoạt động")), ("0", _("Ngừng hoạt động"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tất cả")), *UnitKind.choices]


class UnitForm(ServiceErrors, forms.Form):
    name = forms.CharField(label=_("Tên đơn vị"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Loại"), choices=UnitKind.choices)
    head_signoff_required = forms.BooleanField(
        label=_("Báo cáo phải qua thủ trưởng duyệt trước khi gửi Tổ thẩm định"),
        required=False,
        help_text=_(
            "Bỏ chọn cho đơn vị không có người duyệt riêng (ví dụ xã chỉ có một cán bộ): báo cáo đi thẳng "
            "đến Tổ thẩm định."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Nhập tên đơn vị.")
        self.fields["name"].help_text = _(
            "Đổi tên: tên cũ được giữ làm tên gọi khác để các phụ lục cũ vẫn khớp."
        )


class AliasForm(ServiceErrors, forms.Form):
    alias = forms.CharField(label=_("Thêm tên gọi khác"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alias"].error_messages["required"] = _("Nhập tên gọi khác.")


class MemberForm(ServiceErrors, forms.Form):
    member = UnitChoiceField(
        label=_("Thêm đơn vị thành viên"), queryset=None, empty_label=_("— Chọn đơn vị —")
    )

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Unit.objects.filter(is_active=True)
        if group is not None:
            qs = qs.exclude(pk=group.pk).exclude(group_memberships__group=group)
        self.fields["member"].queryset = qs
        self.fields["member"].error_messages["required"] = _("Chọn một đơn vị.")


class MergeForm(ServiceErrors, forms.Form):
    target = UnitChoiceField(
        label=_("Hợp nhất vào đơn vị (đơn vị kế thừa)"), queryset=None, empty_label=_("— Chọn đơn vị —")
    )
    confirm = forms.BooleanField(
        label=_(
            "Tôi hiểu: phân công, báo cáo, cảnh báo và tài khoản chuyển sang đơn vị kế thừa; tên đơn vị này thành tên gọi khác của đơn vị đó."
        )
    )

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Unit.objects.filter(is_active=True).exclude(kind=UnitKind.GROUP)
        if unit is not None:
            qs = qs.exclude(pk=unit.pk)
        self.fields["target"].queryset = qs
        self.fields["target"].error_messages["required"] = _("Chọn đơn vị kế thừa.")
        self.fields["confirm"].error_messages["required"] = _("Đánh dấu để xác nhận hợp nhất.")


class KindSignoffForm(ServiceErrors, forms.Form):
    """The sign-off setting for every unit of one kind at once (each unit can then be changed)."""

    kind = forms.ChoiceField(label=_("Loại đơn vị"))
    required = forms.TypedChoiceField(
        label=_("Thủ trưởng duyệt báo cáo"),
        choices=[("1", _("Bắt buộc")), ("0", _("Không bắt buộc"))],
        coerce=lambda value: value == "1",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, label) for k, label in UnitKind.choices if k != UnitKind.GROUP]
        self.fields["kind"].error_messages["required"] = _("Chọn loại đơn vị.")
        self.fields["required"].error_messages["required"] = _("Chọn bắt buộc hay không.")

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from nq57portal.fields import DayFirstDateField
from tasks.models import Plan

from .data import ImportFileError
from .workbook import read_plan_workbook


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp phụ lục (.xlsx)"),
        help_text=_(
            "Bảng 7 cột như phụ lục kế hoạch, hoặc có cột STT (I, II là mục; 1, 2 là nhiệm vụ; 1.1 là tiểu "
            "nhiệm vụ) và tiêu đề hai dòng gộp ô; dòng tiêu đề nằm trong 10 dòng đầu. Trang xem trước cho biết "
            "từng cột được hiểu thế nào."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    plan = forms.ModelChoiceField(
        label=_("Nhập vào kế hoạch"),
        queryset=Plan.objects.order_by("-created_at"),
        required=False,
        empty_label=_("— Tạo kế hoạch mới —"),
        help_text=_("Chọn một kế hoạch có sẵn để cập nhật theo mã nhiệm vụ (không tạo trùng)."),
    )
    code = forms.CharField(label=_("Số, ký hiệu (kế hoạch mới)"), max_length=100, required=False)
    title = forms.CharField(
        label=_("Tên kế hoạch (kế hoạch mới)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Để trống: lấy theo dòng tiêu đề phía trên bảng trong tệp."),
    )
    issuer = forms.CharField(label=_("Cơ quan ban hành (kế hoạch mới)"), max_length=255, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_FILE_BYTES:
            limit = settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)
            raise forms.ValidationError(_("Tệp lớn hơn %(limit)s MB.") % {"limit": limit})
        try:
            self.plan_data = read_plan_workbook(upload)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        upload.seek(0)
        return upload

    def clean(self):
        data = super().clean()
        code = (data.get("code") or "").strip()
        if not data.get("plan") and code and Plan.objects.filter(code=code).exists():
            self.add_error(
                "code",
                _("Đã có kế hoạch số “%(code)s”: hãy chọn kế hoạch đó ở ô “Nhập vào kế hoạch” để cập nhật.")
                % {"code": code},
            )
        return data


class AmendmentForm(forms.Form):
    """The document a re-import into a plan in force records as an amendment (on the preview)."""

    number = forms.CharField(
        label=_("Số văn bản sửa đổi, bổ sung"),
        max_length=100,
        help_text=_("Ví dụ: 12/KH-BCĐ. Kế hoạch đã ban hành nên lần nhập này được ghi là một lần sửa đổi."),
        error_messages={"required": _("Hãy ghi số văn bản sửa đổi, bổ sung.")},
    )
    date = DayFirstDateField(
        label=_("Ngày văn bản"), error_messages={"required": _("Hãy ghi ngày của văn bản sửa đổi, bổ sung.")}
    )

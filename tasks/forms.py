"""The secretariat's forms for a plan: its particulars and status, and the KPI targets of its appendix."""

from django import forms
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from kpis.models import KpiTarget
from nq57portal.fields import DayFirstDateField

from .models import PlanStatus

PLAN_FIELDS = ("code", "title", "issuer", "issue_date", "start_date", "status")


class PlanSettingsForm(forms.Form):
    code = forms.CharField(label=_("Số, ký hiệu"), max_length=100, required=False)
    title = forms.CharField(label=_("Tên kế hoạch"), widget=forms.Textarea(attrs={"rows": 2}))
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, required=False)
    issue_date = DayFirstDateField(label=_("Ngày ban hành"), required=False)
    start_date = DayFirstDateField(
        label=_("Ngày bắt đầu"),
        required=False,
        help_text=_("Để trống: tính từ ngày ban hành. Tiến độ dự kiến và các kỳ báo cáo tính từ ngày này."),
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=PlanStatus.choices,
        help_text=_(
            "Chỉ kế hoạch đang thực hiện mới có kỳ báo cáo, hiện trong “Nhiệm vụ của tôi” của các đơn vị, "
            "được cảnh báo đỏ và được tính trên bảng điều hành."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Nhập tên kế hoạch.")

    def clean(self):
        data = super().clean()
        starts = data.get("start_date") or data.get("issue_date")
        if data.get("status") == PlanStatus.IN_FORCE and not starts and not self.has_error("issue_date"):
            self.add_error(
                "issue_date",
                _(
                    "Kế hoạch đưa vào thực hiện cần ngày ban hành hoặc ngày bắt đầu: các kỳ báo cáo tính từ ngày đó."
                ),
            )
        issued, started = data.get("issue_date"), data.get("start_date")
        if issued and started and started < issued:
            self.add_error("start_date", _("Ngày bắt đầu không thể trước ngày ban hành."))
        return data


class KpiTargetForm(forms.ModelForm):
    value = forms.DecimalField(
        label=_("Giá trị"), min_value=0, max_digits=14, decimal_places=2, localize=True
    )

    class Meta:
        model = KpiTarget
        fields = ["direction", "value", "measure", "confirmed"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].error_messages.update(
            {"required": _("Nhập giá trị."), "invalid": _("Giá trị phải là một số, ví dụ 100 hoặc 12,5.")}
        )
        self.fields["value"].widget.attrs.update({"inputmode": "decimal", "size": 8})


KpiTargetFormSet = modelformset_factory(KpiTarget, form=KpiTargetForm, extra=0, can_delete=False)


class DeadlineChangeForm(forms.Form):
    """A lead unit's request for a new deadline (tasks.deadlines.deadline_change_request)."""

    new_deadline = DayFirstDateField(
        label=_("Thời hạn đề nghị (dd/mm/yyyy)"),
        error_messages={"required": _("Vui lòng nhập thời hạn đề nghị (dd/mm/yyyy).")},
    )
    whole_subtask = forms.BooleanField(
        label=_("Áp dụng cho cả tiểu nhiệm vụ (mọi đơn vị chủ trì), không chỉ đơn vị mình"), required=False
    )
    reason = forms.CharField(
        label=_("Lý do"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng ghi lý do đề nghị điều chỉnh thời hạn.")},
    )
    document_number = forms.CharField(label=_("Số văn bản cho phép (nếu có)"), max_length=100, required=False)
    document_date = DayFirstDateField(label=_("Ngày văn bản (dd/mm/yyyy)"), required=False)
    document = forms.FileField(label=_("Tệp văn bản (nếu có)"), required=False)

    def __init__(self, *args, fan_out: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not fan_out:  # one lead unit: its change is the sub-task's
            del self.fields["whole_subtask"]


class DeadlineDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Ý kiến (bắt buộc khi không chấp thuận)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

"""The unit head acknowledges a red flag with a remediation plan."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nq57portal.fields import DayFirstDateField

from ..flags import RedFlag
from ..remediation import FlagAcknowledgement
from ..services.remediation import MAX_REMEDY, can_acknowledge, flag_acknowledge


class AcknowledgeForm(forms.Form):
    remedy = forms.CharField(
        label=gettext_lazy("Biện pháp khắc phục (việc gì sẽ làm, ai làm)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_REMEDY,
        error_messages={"required": gettext_lazy("Vui lòng nêu biện pháp khắc phục: việc gì, ai làm.")},
    )
    expected_finish = DayFirstDateField(
        label=gettext_lazy("Dự kiến hoàn thành (dd/mm/yyyy)"),
        error_messages={"required": gettext_lazy("Vui lòng nhập ngày dự kiến hoàn thành (dd/mm/yyyy).")},
    )


def access_flag_for_head(user, flag_id) -> RedFlag:
    """The flag, for the head of its unit while it can be acknowledged; 404 for anyone else, the
    same answer as for a flag that does not exist."""
    flag = RedFlag.objects.select_related("subtask", "unit").filter(pk=flag_id).first()
    if flag is None or not can_acknowledge(user, flag):
        raise Http404
    return flag


@login_required
def flag_acknowledge_view(request, flag_id):
    flag = access_flag_for_head(request.user, flag_id)
    current = FlagAcknowledgement.objects.filter(flag=flag).first()
    if request.method == "POST":
        form = AcknowledgeForm(request.POST)
        if form.is_valid():
            try:
                flag_acknowledge(
                    flag=flag,
                    actor=request.user,
                    remedy=form.cleaned_data["remedy"],
                    expected_finish=form.cleaned_data["expected_finish"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Đã xác nhận cảnh báo và ghi kế hoạch khắc phục."))
                return redirect("tasks:subtask_detail", flag.subtask_id)
    else:
        initial = {}
        if current:
            initial = {"remedy": current.remedy, "expected_finish": f"{current.expected_finish:%d/%m/%Y}"}
        form = AcknowledgeForm(initial=initial)
    return render(
        request,
        "kpis/flag_acknowledge.html",
        {"flag": flag, "form": form, "current": current, "today": timezone.localdate()},
    )

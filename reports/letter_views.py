"""Reminder letters about escalated flags: drafted by the secretariat, archived, downloaded."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from kpis.flags import RedFlag
from nq57portal.fields import DayFirstDateField

from .builder_views import _file_response, private_storage
from .letters import ReminderLetter, can_draft_letters, letter_defaults, reminder_letter_create


class LetterForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Số (để trống nếu ghi tay sau khi ký)"), required=False)
    date = DayFirstDateField(label=gettext_lazy("Ngày ban hành (dd/mm/yyyy)"))
    subject = forms.CharField(label=gettext_lazy("Trích yếu (sau “V/v”)"), max_length=300)
    recipient = forms.CharField(label=gettext_lazy("Kính gửi"), max_length=300)
    body = forms.CharField(label=gettext_lazy("Nội dung"), widget=forms.Textarea(attrs={"rows": 14}))
    distribution = forms.CharField(
        label=gettext_lazy("Nơi nhận (mỗi dòng một nơi)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    authority = forms.CharField(
        label=gettext_lazy("Thẩm quyền ký (mỗi dòng một dòng)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    signer_title = forms.CharField(label=gettext_lazy("Chức vụ người ký"), max_length=200)
    signer_name = forms.CharField(label=gettext_lazy("Người ký"), max_length=200, required=False)


def access_escalated_flag_for_secretariat(user, flag_id) -> RedFlag:
    """An open escalated flag, for the secretariat; 404 for anyone else or any other flag."""
    flag = RedFlag.objects.select_related("subtask__plan", "unit").filter(pk=flag_id).first()
    if flag is None or not can_draft_letters(user) or not flag.is_open or flag.escalation_or_none is None:
        raise Http404
    return flag


def access_letter_for_user(user, letter_id) -> ReminderLetter:
    """Letters are read by the secretariat and the committee's leaders (404 for others)."""
    letter = ReminderLetter.objects.select_related("unit", "flag__subtask").filter(pk=letter_id).first()
    if letter is None or not (
        user.is_authenticated and user.is_active and (user.is_secretariat or user.is_leadership)
    ):
        raise Http404
    return letter


@login_required
def letter_new(request, flag_id):
    flag = access_escalated_flag_for_secretariat(request.user, flag_id)
    today = timezone.localdate()
    defaults = letter_defaults(flag, today=today)
    if request.method == "POST":
        form = LetterForm(request.POST)
        if form.is_valid():
            data = {**defaults, **form.cleaned_data}
            data["date"] = form.cleaned_data["date"].isoformat()
            try:
                letter = reminder_letter_create(flag=flag, actor=request.user, data=data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Đã soạn và lưu công văn đôn đốc."))
                return redirect("reports:letter_detail", letter.pk)
    else:
        initial = {**defaults, "date": f"{datetime.date.fromisoformat(defaults['date']):%d/%m/%Y}"}
        for key in ("distribution", "authority"):
            initial[key] = "\n".join(defaults[key])
        form = LetterForm(initial=initial)
    letters = ReminderLetter.objects.filter(flag=flag).select_related("created_by")
    return render(request, "reports/letter_form.html", {"flag": flag, "form": form, "letters": letters})


@login_required
@require_GET
def letter_detail(request, letter_id):
    letter = access_letter_for_user(request.user, letter_id)
    return render(request, "reports/letter_detail.html", {"letter": letter})


@login_required
@require_GET
def letter_download(request, letter_id):
    letter = access_letter_for_user(request.user, letter_id)
    try:
        with private_storage().open(letter.pdf_name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return _file_response(data, name=letter.download_name, content_type="application/pdf")

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from units.permissions import access_assignment_for_user

from ..forms import CommentForm
from ..models import Comment, CoordinationVerdict, ProgressReport
from ..selectors import claims_for_coordination
from ..services import comment_add, coordination_answer


class CoordinationAnswerForm(forms.Form):
    verdict = forms.ChoiceField(
        label=gettext_lazy("Ý kiến của đơn vị"),
        choices=CoordinationVerdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Vui lòng chọn xác nhận hoặc phản đối.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do (bắt buộc khi phản đối)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


def _render(request, assignment, *, form=None, answer_forms=None, status=200):
    comments = Comment.objects.filter(subtask_id=assignment.subtask_id).select_related(
        "author", "assignment__unit"
    )
    today = timezone.localdate()
    answer_forms = answer_forms or {}
    claims = [
        {
            "claim": claim,
            "answer": answer,
            "open": claim.takes_coordination_answers(today),
            "form": answer_forms.get(claim.pk)
            or CoordinationAnswerForm(
                initial={"verdict": answer.verdict, "reason": answer.reason} if answer else None,
                prefix=f"c{claim.pk}",
            ),
        }
        for claim, answer in claims_for_coordination(co_assignment=assignment)
    ]
    return render(
        request,
        "kpis/comment_page.html",
        {
            "assignment": assignment,
            "subtask": assignment.subtask,
            "form": form or CommentForm(),
            "comments": comments[:100],
            "claims": claims,
        },
        status=status,
    )


@login_required
def comment_page(request, assignment_id):
    """A co-ordinating unit's remarks on the sub-task of its assignment, and its answers to the lead
    units' completion claims."""
    assignment = access_assignment_for_user(request.user, assignment_id, perm="comment")
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comment_add(assignment=assignment, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Đã gửi ý kiến; đơn vị chủ trì sẽ thấy ý kiến bên cạnh báo cáo của mình.")
            )
            return redirect("kpis:comment_page", assignment_id=assignment.pk)
    return _render(request, assignment, form=form, status=400 if form.errors else 200)


@login_required
@require_POST
def coordination_answer_view(request, assignment_id, report_id):
    assignment = access_assignment_for_user(request.user, assignment_id, perm="comment")
    claim = (
        ProgressReport.objects.select_related("assignment__unit", "period")
        .filter(pk=report_id, assignment__subtask_id=assignment.subtask_id, is_claim=True)
        .first()
    )
    if claim is None:
        raise Http404
    form = CoordinationAnswerForm(request.POST, prefix=f"c{claim.pk}")
    if form.is_valid():
        try:
            answer = coordination_answer(
                co_assignment=assignment,
                claim=claim,
                verdict=form.cleaned_data["verdict"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            text = (
                _("Đã gửi xác nhận của đơn vị cho đề nghị của %(unit)s.")
                if answer.verdict == CoordinationVerdict.CONFIRMED
                else _("Đã gửi ý kiến phản đối của đơn vị cho đề nghị của %(unit)s.")
            )
            messages.success(request, text % {"unit": claim.assignment.unit})
            return redirect(reverse("kpis:comment_page", args=[assignment.pk]) + "#claims")
    return _render(request, assignment, answer_forms={claim.pk: form}, status=400)

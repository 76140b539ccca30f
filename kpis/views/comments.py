from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from units.permissions import access_assignment_for_user

from ..forms import CommentForm
from ..models import Comment
from ..services import comment_add


@login_required
def comment_page(request, assignment_id):
    """A co-ordinating unit's remarks on the sub-task of its assignment."""
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
    comments = Comment.objects.filter(subtask_id=assignment.subtask_id).select_related(
        "author", "assignment__unit"
    )
    return render(
        request,
        "kpis/comment_page.html",
        {"assignment": assignment, "subtask": assignment.subtask, "form": form, "comments": comments[:100]},
        status=400 if form.errors else 200,
    )

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from tasks.models import Assignment
from units.permissions import can_comment_on

from ..models import Comment

MAX_COMMENT = 5000


@transaction.atomic
def comment_add(*, assignment: Assignment, author, text: str, now=None) -> Comment:
    """A co-ordinating unit's remark on the sub-task of its assignment."""
    if not can_comment_on(author, assignment):
        raise ValidationError({"text": _("Chỉ đơn vị phối hợp của tiểu nhiệm vụ này được gửi ý kiến.")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Vui lòng nhập nội dung ý kiến.")})
    if len(text) > MAX_COMMENT:
        raise ValidationError({"text": _("Ý kiến dài quá %(max)s ký tự.") % {"max": MAX_COMMENT}})
    now = now or timezone.now()
    comment = Comment.objects.create(
        subtask_id=assignment.subtask_id, assignment=assignment, author=author, text=text, created_at=now
    )
    audit_record(
        actor=author,
        action="comment.add",
        obj=comment,
        changes={"subtask": assignment.subtask_id, "assignment": assignment.pk, "text": [None, text]},
        now=now,
    )
    return comment

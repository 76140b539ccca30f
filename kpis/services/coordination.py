"""Co-ordinating units confirm or object to a lead unit's completion claim (issue 21, item 5).

The claim does not wait for them: the reviewer may decide at any time, reading what they said.
An answer is taken while the claim is the one awaiting review and within the days set; a unit may
change its answer in that time (the audit keeps each).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import audit_record
from tasks.models import Assignment, AssignmentRole
from units.permissions import can_comment_on

from ..models import AssignmentState, CoordinationAnswer, CoordinationVerdict, ProgressReport, Status

MAX_REASON = 2000


def coordination_refusal(*, co_assignment: Assignment, claim: ProgressReport, today) -> str | None:
    """Why an answer of this co-ordinating assignment on this claim is not taken now, or None."""
    lead = claim.assignment
    if co_assignment.role != AssignmentRole.CO or co_assignment.subtask_id != lead.subtask_id:
        return _("Đơn vị của bạn không phối hợp tiểu nhiệm vụ này.")
    state = AssignmentState.objects.filter(assignment_id=lead.pk).only("status", "claim_report_id").first()
    if state is None or state.status != Status.AWAITING_REVIEW or state.claim_report_id != claim.pk:
        return _("Đề nghị hoàn thành này đã được Tổ thẩm định kết luận hoặc thay bằng phiên bản mới.")
    if not claim.takes_coordination_answers(today):
        return _("Đã hết hạn cho ý kiến (đến hết ngày %(date)s).") % {
            "date": date_format(claim.coordination_deadline, "d/m/Y")
        }
    return None


@transaction.atomic
def coordination_answer(
    *, co_assignment: Assignment, claim: ProgressReport, verdict: str, reason: str = "", actor, now=None
) -> CoordinationAnswer:
    now = now or timezone.now()
    if not can_comment_on(actor, co_assignment):
        raise ValidationError({"__all__": _("Chỉ đơn vị phối hợp của tiểu nhiệm vụ này được cho ý kiến.")})
    reason = (reason or "").strip()
    errors = {}
    if verdict not in CoordinationVerdict.values:
        errors["verdict"] = _("Vui lòng chọn xác nhận hoặc phản đối.")
    elif verdict == CoordinationVerdict.OBJECTED and not reason:
        errors["reason"] = _("Vui lòng ghi lý do phản đối.")
    if len(reason) > MAX_REASON:
        errors["reason"] = _("Nội dung tối đa %(limit_value)d ký tự.") % {"limit_value": MAX_REASON}
    if errors:
        raise ValidationError(errors)
    # The claim's state row, held while the answer is written: a decision at the same moment waits.
    list(
        AssignmentState.objects.select_for_update()
        .filter(assignment_id=claim.assignment_id)
        .values_list("pk")
    )
    refusal = coordination_refusal(co_assignment=co_assignment, claim=claim, today=timezone.localdate(now))
    if refusal:
        raise ValidationError({"__all__": refusal})
    answer = CoordinationAnswer.objects.filter(claim_report=claim, assignment=co_assignment).first()
    before = {"verdict": answer.verdict, "reason": answer.reason or None} if answer else {}
    if answer is None:
        answer = CoordinationAnswer(claim_report=claim, assignment=co_assignment)
    answer.verdict, answer.reason = verdict, reason
    answer.answered_by, answer.answered_at = actor, now
    answer.save()
    audit_record(
        actor=actor,
        action="claim.coordination_answer",
        obj=claim.assignment,
        changes={
            "report": claim.pk,
            "unit": str(co_assignment.unit),
            "verdict": [before.get("verdict"), verdict],
            "reason": [before.get("reason"), reason or None],
        },
        now=now,
    )
    return answer

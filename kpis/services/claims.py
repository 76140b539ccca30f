"""Decisions on completion claims, used by the review pages of the evidence issue.

Both are conditional updates on the claim still awaiting review, so two reviewers acting at
once cannot both decide it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from tasks.models import Assignment

from ..models import AssignmentState, Status
from ..signals import progress_changed
from ..sweep import sweep


def _require_reviewer(reviewer):
    if not (reviewer and reviewer.is_authenticated and (reviewer.is_reviewer or reviewer.is_secretariat)):
        raise PermissionDenied


def _awaiting(assignment: Assignment) -> AssignmentState:
    state = (
        AssignmentState.objects.select_related("assignment__subtask").filter(assignment=assignment).first()
    )
    if state is None or state.status != Status.AWAITING_REVIEW:
        raise ValidationError({"__all__": _("Nhiệm vụ này không có đề nghị hoàn thành đang chờ thẩm định.")})
    return state


@transaction.atomic
def claim_approve(*, assignment: Assignment, reviewer, now=None, note: str = "") -> AssignmentState:
    """Completed; on time when the claim was sent on or before the deadline (an ongoing task has none)."""
    _require_reviewer(reviewer)
    now = now or timezone.now()
    state = _awaiting(assignment)
    deadline = state.assignment.effective_deadline
    claimed_on = timezone.localdate(state.claimed_at or now)
    on_time = deadline is None or claimed_on <= deadline
    updated = AssignmentState.objects.filter(pk=state.pk, status=Status.AWAITING_REVIEW).update(
        status=Status.COMPLETED, completed_at=now, completed_on_time=on_time, updated_at=now
    )
    if not updated:
        raise ValidationError({"__all__": _("Đề nghị này vừa được người khác xử lý.")})
    state.refresh_from_db()
    audit_record(
        actor=reviewer,
        action="claim.approve",
        obj=assignment,
        changes={
            "status": [Status.AWAITING_REVIEW, Status.COMPLETED],
            "on_time": [None, on_time],
            "report": state.claim_report_id,
            **({"note": [None, note]} if note else {}),
        },
        now=now,
    )
    sweep(now=now, assignment_ids=[assignment.pk])  # a finished task is flagged no more, at once
    progress_changed.send(sender="kpis.claim_approve", now=now, assignment_ids=[assignment.pk])
    return state


@transaction.atomic
def claim_return(*, assignment: Assignment, reviewer, reason: str, now=None) -> AssignmentState:
    """Returned for completion ("Chờ hoàn thiện"): not scored until the unit claims again."""
    _require_reviewer(reviewer)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Vui lòng ghi lý do trả lại.")})
    now = now or timezone.now()
    state = _awaiting(assignment)
    reason_before = state.return_reason or None  # the reason an earlier claim was returned with
    updated = AssignmentState.objects.filter(pk=state.pk, status=Status.AWAITING_REVIEW).update(
        status=Status.RETURNED, returned_at=now, return_reason=reason, updated_at=now
    )
    if not updated:
        raise ValidationError({"__all__": _("Đề nghị này vừa được người khác xử lý.")})
    state.refresh_from_db()
    audit_record(
        actor=reviewer,
        action="claim.return",
        obj=assignment,
        changes={
            "status": [Status.AWAITING_REVIEW, Status.RETURNED],
            "reason": [reason_before, reason],
            "report": state.claim_report_id,
        },
        now=now,
    )
    sweep(now=now, assignment_ids=[assignment.pk])  # the returned claim's quality flag, at once
    progress_changed.send(sender="kpis.claim_return", now=now, assignment_ids=[assignment.pk])
    return state

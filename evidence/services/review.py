"""Reviewers' decisions on completion claims.

The assignment's status is moved by the kpis claim services (a conditional update, so two
reviewers cannot both decide one claim); here each decision is also kept as a `Review` row with
who, when and why, audited, and the lead unit is told after the commit.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import audit_record, diff
from kpis.models import AssignmentState, Status
from kpis.services.claims import claim_approve, claim_return
from tasks.models import Assignment

from ..models import Decision, ReturnReason, Review

log = logging.getLogger(__name__)

MAX_REASON = 2000


def _notify(*, assignment, decision: str, reason: str, actor, now) -> None:
    """The notifications app may be absent; a failure to notify never undoes a decision."""
    try:
        from notifications.services import notify_claim_decision
    except ImportError:  # pragma: no cover - depends on which apps are installed
        return
    try:
        # A savepoint: outbox rows commit with the decision, or are dropped alone on error.
        with transaction.atomic():
            notify_claim_decision(
                assignment=assignment, decision=decision, reason=reason, actor=actor, now=now
            )
    except Exception:
        log.exception("claim decision on assignment %s: notification not written", assignment.pk)


def _webhooks(*, review, reason: str, now) -> None:
    """The API's clients that asked for decisions: queued with the decision, sent after the commit;
    recording them never fails the decision (api.webhooks keeps its own savepoint)."""
    from api.webhooks import webhooks_claim_decided

    webhooks_claim_decided(review=review, reason=reason, now=now)


def _record(*, state, assignment, reviewer, decision, reason_code="", reason_text="", now) -> Review:
    review = Review(
        report_id=state.claim_report_id,
        assignment=assignment,
        reviewer=reviewer,
        decision=decision,
        reason_code=reason_code,
        reason_text=reason_text,
        decided_at=now,
    )
    review.full_clean()
    review.save()
    audit_record(
        actor=reviewer,
        action=f"review.{'approve' if decision == Decision.APPROVED else 'return'}",
        obj=review,
        changes={
            "assignment": assignment.pk,
            "report": state.claim_report_id,
            # The review is new: each of its fields from nothing; the assignment from awaiting review.
            **diff(
                {},
                {
                    "decision": decision,
                    "reason_code": reason_code,
                    "reason": reason_text,
                    "on_time": state.completed_on_time if decision == Decision.APPROVED else None,
                },
            ),
            "assignment_status": [Status.AWAITING_REVIEW, state.status],
        },
        now=now,
    )
    return review


def _when(moment) -> dict:
    local = timezone.localtime(moment)
    return {"time": date_format(local, "H:i"), "date": date_format(local, "d/m/Y")}


def _decided_message(review: Review) -> str:
    if review.decision == Decision.APPROVED:
        text = _(
            "Đề nghị này đã được công nhận hoàn thành lúc %(time)s ngày %(date)s bởi %(reviewer)s; "
            "không còn chờ thẩm định."
        )
    else:
        text = _(
            "Đề nghị này đã được trả lại (chờ hoàn thiện) lúc %(time)s ngày %(date)s bởi %(reviewer)s; "
            "không còn chờ thẩm định."
        )
    return text % {**_when(review.decided_at), "reviewer": review.reviewer}


def claim_conflict(*, assignment: Assignment, report_id: int | None = None) -> str | None:
    """Why a decision on this claim cannot be recorded now, or None when it can.

    `report_id` is the claim version the reviewer was looking at: a decision taken on an old
    page (another reviewer decided meanwhile, or the unit sent a newer version) is refused with
    what happened instead of being recorded on a claim the reviewer has not seen.
    """
    # The claim's report is read only to say why a decision is refused (rarely): not joined.
    state = AssignmentState.objects.filter(assignment=assignment).first()
    awaiting = state is not None and state.status == Status.AWAITING_REVIEW
    if awaiting and (report_id is None or state.claim_report_id == report_id):
        return None
    if awaiting and state.claim_report is None:
        return _("Đề nghị hoàn thành này không còn báo cáo kèm theo.")
    if awaiting:
        newer = state.claim_report
        return _(
            "Đơn vị đã gửi phiên bản %(version)s của đề nghị lúc %(time)s ngày %(date)s, thay cho phiên "
            "bản bạn đang xem; kết luận của bạn chưa được ghi. Trang đã hiện phiên bản mới: hãy xem lại "
            "rồi kết luận."
        ) % {"version": newer.version, **_when(newer.submitted_at or state.claimed_at)}
    decided = Review.objects.filter(assignment=assignment).select_related("reviewer")
    review = (decided.filter(report_id=report_id).first() if report_id else None) or decided.first()
    if review is not None:
        return _decided_message(review)
    return _("Nhiệm vụ này không có đề nghị hoàn thành đang chờ thẩm định.")


def _lock_claim(*, assignment: Assignment, report_id: int | None) -> None:
    """Hold the claim's state row for the rest of the decision, then check it is still the one
    the reviewer saw: two decisions on one claim wait for each other and the second is refused.
    (SQLite has no row locks, its writers go one at a time: no query for the lock there.)"""
    if connection.features.has_select_for_update:
        list(AssignmentState.objects.select_for_update().filter(assignment=assignment).values_list("pk"))
    conflict = claim_conflict(assignment=assignment, report_id=report_id)
    if conflict:
        raise ValidationError({"__all__": ValidationError(conflict, code="stale")})


def _require_claim_report(state) -> None:
    if state.claim_report_id is None:
        raise ValidationError({"__all__": _("Đề nghị hoàn thành này không còn báo cáo kèm theo.")})


@transaction.atomic
def review_approve(
    *, assignment: Assignment, reviewer, note: str = "", report_id: int | None = None, now=None
) -> Review:
    """Completed — on time or late by the date of the claim (kpis.services.claim_approve).

    `report_id`: the claim version the reviewer approves; refused when another one is current."""
    now = now or timezone.now()
    note = (note or "").strip()[:MAX_REASON]
    _lock_claim(assignment=assignment, report_id=report_id)
    state = claim_approve(assignment=assignment, reviewer=reviewer, now=now, note=note)
    _require_claim_report(state)
    review = _record(
        state=state,
        assignment=assignment,
        reviewer=reviewer,
        decision=Decision.APPROVED,
        reason_text=note,
        now=now,
    )
    _notify(assignment=assignment, decision="approved", reason=note, actor=reviewer, now=now)
    _webhooks(review=review, reason=note, now=now)
    return review


def checked_return_reason(reason_code: str, reason_text: str) -> str:
    """A return's reason as the rule asks it (a code from the list and the reviewer's words, within
    MAX_REASON): the words stripped, or every refusal at once by field. Claims and target values."""
    reason_text = (reason_text or "").strip()
    errors = {}
    if reason_code not in ReturnReason.values:
        errors["reason_code"] = _("Vui lòng chọn lý do trả lại.")
    if not reason_text:
        errors["reason_text"] = _("Vui lòng ghi rõ cần hoàn thiện gì để đơn vị bổ sung.")
    elif len(reason_text) > MAX_REASON:
        errors["reason_text"] = _("Nội dung tối đa %(limit_value)d ký tự.") % {"limit_value": MAX_REASON}
    if errors:
        raise ValidationError(errors)
    return reason_text


def return_reason_text(reason_code: str, reason_text: str) -> str:
    label = ReturnReason(reason_code).label
    return f"{label}: {reason_text}" if reason_text else str(label)


@transaction.atomic
def review_return(
    *,
    assignment: Assignment,
    reviewer,
    reason_code: str,
    reason_text: str,
    report_id: int | None = None,
    now=None,
) -> Review:
    """Returned for completion ("Chờ hoàn thiện"), with a reason chosen from the list and the
    reviewer's own words; both are required so the unit knows what to complete.

    `report_id`: the claim version the reviewer returns; refused when another one is current."""
    now = now or timezone.now()
    _lock_claim(assignment=assignment, report_id=report_id)  # a decided claim: its reasons are moot
    reason_text = checked_return_reason(reason_code, reason_text)
    reason = return_reason_text(reason_code, reason_text)
    state = claim_return(assignment=assignment, reviewer=reviewer, reason=reason, now=now)
    _require_claim_report(state)
    review = _record(
        state=state,
        assignment=assignment,
        reviewer=reviewer,
        decision=Decision.RETURNED,
        reason_code=reason_code,
        reason_text=reason_text,
        now=now,
    )
    _notify(assignment=assignment, decision="returned", reason=reason, actor=reviewer, now=now)
    _webhooks(review=review, reason=reason, now=now)
    return review


@transaction.atomic
def review_approve_many(
    *, assignments, reviewer, report_ids: dict[int, int] | None = None, now=None
) -> list[Review]:
    """Approve several claims at once: all of them, or none when one can no longer be approved.

    `report_ids`: assignment id → the claim version the reviewer saw in the list."""
    now = now or timezone.now()
    report_ids = report_ids or {}
    assignments = list(assignments)
    if not assignments:
        raise ValidationError({"__all__": _("Chưa chọn đề nghị nào để công nhận.")})
    reviews = []
    for assignment in sorted(assignments, key=lambda a: a.pk):  # one lock order for every reviewer
        try:
            reviews.append(
                review_approve(
                    assignment=assignment,
                    reviewer=reviewer,
                    report_id=report_ids.get(assignment.pk),
                    now=now,
                )
            )
        except ValidationError as exc:
            code = assignment.subtask.code if assignment.subtask_id else assignment.pk
            raise ValidationError(
                {
                    "__all__": _("Nhiệm vụ %(code)s (%(unit)s): %(errors)s Chưa công nhận đề nghị nào.")
                    % {"code": code, "unit": assignment.unit, "errors": " ".join(exc.messages)}
                }
            ) from exc
    return reviews

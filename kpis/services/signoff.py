"""The unit head's sign-off ("Thủ trưởng duyệt"): a version sent by staff of a unit whose reports
need it waits for the head, who sends it on to the committee or back to staff with a note.

Both are conditional on the version still waiting (locked, then checked), so a head acting twice
(two tabs, a double click) or two heads at once decide it once.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..models import ProgressReport, ReportStatus
from .reports import (
    after_commit_notify,
    check_can_report,
    evidence_required_message,
    lock_assignment,
    send_to_committee,
)

MAX_NOTE = 2000


def _waiting(report: ProgressReport, actor) -> ProgressReport:
    lock_assignment(report.assignment_id)
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("assignment__subtask", "assignment__unit", "period", "prepared_by")
        .get(pk=report.pk)
    )
    if report.status != ReportStatus.SIGNOFF:
        if report.is_submitted:
            message = _("Báo cáo này đã được thủ trưởng duyệt và gửi Tổ thẩm định.")
        else:
            message = _("Báo cáo này không còn chờ thủ trưởng duyệt (đã được trả lại cho cán bộ).")
        raise ValidationError({"__all__": ValidationError(message, code="stale")})
    if not report.may_be_signed_off_by(actor):
        raise PermissionDenied
    return report


@transaction.atomic
def report_sign_off(*, report: ProgressReport, actor, now=None) -> ProgressReport:
    """The head answers for the version: it goes to the committee as if sent now (a claim awaits
    review from this moment; on time or late is judged by this date)."""
    now = now or timezone.now()
    report = _waiting(report, actor)
    check_can_report(
        assignment=report.assignment, period=report.period, actor=actor, today=timezone.localdate(now)
    )
    if report.is_claim and not report.evidence.exists():
        raise ValidationError({"__all__": evidence_required_message(report.assignment.subtask)})
    report.signed_off_by = actor
    report.signed_off_at = now
    report.save(update_fields=["signed_off_by", "signed_off_at"])
    return send_to_committee(report=report, actor=actor, now=now, action="report.sign_off")


@transaction.atomic
def report_send_back(*, report: ProgressReport, actor, note: str, now=None) -> ProgressReport:
    """Back to staff as the draft it was, with the head's note: nothing reached the committee, so
    it is the same version, edited and sent again."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Vui lòng ghi ý kiến để cán bộ biết cần sửa gì.")})
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {"note": _("Nội dung tối đa %(limit_value)d ký tự.") % {"limit_value": MAX_NOTE}}
        )
    now = now or timezone.now()
    report = _waiting(report, actor)
    note_before = report.head_note or None
    report.status = ReportStatus.DRAFT
    report.head_note = note
    report.head_returned_by = actor
    report.head_returned_at = now
    report.updated_at = now
    report.save(update_fields=["status", "head_note", "head_returned_by", "head_returned_at", "updated_at"])
    audit_record(
        actor=actor,
        action="report.send_back",
        obj=report,
        changes={
            "period": report.period.label,
            "version": report.version,
            "status": [ReportStatus.SIGNOFF, ReportStatus.DRAFT],
            "note": [note_before, note],
        },
        now=now,
    )
    after_commit_notify("notify_signoff_returned", report=report, now=now)
    return report

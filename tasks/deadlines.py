"""Deadline changes (issue 21): a lead unit asks for a new deadline with a reason and, where it
exists, the document allowing it; the secretariat or a committee leader approves or refuses.

The rule of which deadline counts is written once, here: the latest approved change wins — one
for the requesting unit only, or one for the whole sub-task (every lead unit, a group's fan-out
included) — else the appendix's deadline, which is never overwritten. `governing()` states it;
the service that decides keeps the two `changed_deadline` columns to what it says now, so that
`tasks.models.effective_deadline()` reads it set-based in SQL, and `deadlines_at()` reads it as of
a past moment for a report of a past cut-off.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from .models import Assignment, AssignmentRole, DeadlineChange, DeadlineChangeStatus, SubTask

log = logging.getLogger(__name__)

FOLDER = "deadline-changes"


# Who ----------------------------------------------------------------------------------------------


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_request_change(user, assignment: Assignment) -> bool:
    """The lead unit's own staff and head, for their unit's lead assignment of a plan they see."""
    return (
        _active(user)
        and assignment.role == AssignmentRole.LEAD
        and assignment.closed_at is None
        and user.is_unit_member
        and assignment.unit_id == user.unit_id
        and not assignment.subtask.ongoing
        and assignment.subtask.plan.is_visible_to(user)
    )


def can_decide_changes(user) -> bool:
    """The secretariat or a committee leader (units.models.Role)."""
    return _active(user) and (user.is_secretariat or user.is_leadership)


# The rule -----------------------------------------------------------------------------------------


def governing(changes) -> tuple[dict, dict]:
    """From approved changes as (subtask_id, assignment_id, whole_subtask, new_deadline, …), in the
    order they were decided: ({subtask: its latest whole-sub-task change}, {assignment: its own
    latest change, only when decided after the sub-task's latest}). The latest decision wins."""
    whole: dict[int, tuple] = {}
    whole_at: dict[int, int] = {}
    own: dict[int, tuple[int, int, tuple]] = {}
    for n, change in enumerate(changes):
        subtask_id, assignment_id, whole_subtask = change[:3]
        if whole_subtask:
            whole[subtask_id] = change
            whole_at[subtask_id] = n
        else:
            own[assignment_id] = (n, subtask_id, change)
    kept = {a: c for a, (n, s, c) in own.items() if n > whole_at.get(s, -1)}
    return whole, kept


def _approved(subtasks, at=None):
    qs = DeadlineChange.objects.filter(subtask__in=subtasks, status=DeadlineChangeStatus.APPROVED)
    if at is not None:
        qs = qs.filter(decided_at__lte=at)
    return qs.order_by("decided_at", "pk").values_list(
        "subtask_id", "assignment_id", "whole_subtask", "new_deadline", "document_number", "document_date"
    )


@dataclass(frozen=True)
class Changed:
    """An assignment's deadline as moved by an approved change: the date and the document allowing it."""

    deadline: datetime.date
    document_number: str = ""
    document_date: datetime.date | None = None


def changes_at(assignments, at: datetime.datetime | None = None) -> dict[int, Changed]:
    """{assignment id: the approved change governing it as of `at`} for a queryset of assignments
    (those whose deadline no approved change moved are left out)."""
    rows = list(assignments.order_by().values_list("pk", "subtask_id", "subtask__ongoing"))
    whole, own = governing(_approved(assignments.order_by().values("subtask_id"), at))
    out = {}
    for pk, subtask_id, ongoing in rows:
        change = own.get(pk) or whole.get(subtask_id)
        if change is not None and not ongoing:
            out[pk] = Changed(*change[3:6])
    return out


def deadlines_at(assignments, at: datetime.datetime) -> dict[int, datetime.date | None]:
    """{assignment id: its effective deadline as of `at`}: what a report of a past cut-off reads,
    so that a change approved after the cut-off does not rewrite it."""
    changed = changes_at(assignments, at)
    return {
        pk: None if ongoing else (changed[pk].deadline if pk in changed else deadline)
        for pk, deadline, ongoing in assignments.order_by().values_list(
            "pk", "subtask__deadline", "subtask__ongoing"
        )
    }


def _keep_columns(subtask: SubTask) -> list[int]:
    """Write the rule's answer now into the two columns effective_deadline() reads; return the
    lead assignments whose effective deadline may have moved."""
    whole, own = governing(_approved([subtask.pk]))
    day = whole[subtask.pk][3] if subtask.pk in whole else None
    SubTask.objects.filter(pk=subtask.pk).update(changed_deadline=day)
    subtask.changed_deadline = day
    leads = Assignment.all_objects.filter(subtask=subtask, role=AssignmentRole.LEAD)
    leads.exclude(pk__in=list(own)).exclude(changed_deadline=None).update(changed_deadline=None)
    for assignment_id, change in own.items():
        leads.filter(pk=assignment_id).update(changed_deadline=change[3])
    return list(leads.values_list("pk", flat=True))


def _delete_quietly(name: str) -> None:
    from evidence.services.files import private_storage

    if name:
        try:
            private_storage().delete(name)
        except OSError:
            log.exception("deadline change document %s could not be deleted", name)


# Requests -----------------------------------------------------------------------------------------


def _check_document(upload):
    from evidence.validation import UploadRejected, check_upload

    try:
        return check_upload(
            name=getattr(upload, "name", "") or "", data_or_file=upload, size=getattr(upload, "size", 0) or 0
        )
    except UploadRejected as exc:
        raise ValidationError({"document": ValidationError(exc.message, code=exc.code)}) from None


def _store(upload, now) -> str:
    from evidence.services.files import private_storage

    upload.seek(0)
    return private_storage().save(f"{FOLDER}/{now:%Y/%m}/{uuid.uuid4().hex}", File(upload))


@transaction.atomic
def deadline_change_request(
    *,
    assignment: Assignment,
    new_deadline: datetime.date,
    reason: str,
    whole_subtask: bool = False,
    document_number: str = "",
    document_date: datetime.date | None = None,
    document=None,
    actor,
    now=None,
) -> DeadlineChange:
    """The lead unit asks for `new_deadline` for its assignment (or the whole sub-task). The deciders
    are told. Refused with a message per field: no reason, a date not after the current deadline
    or in the past, a document dated in the future, a file that fails the upload checks."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not can_request_change(actor, assignment):
        raise PermissionDenied
    assignment = (
        Assignment.objects.select_for_update().select_related("subtask__plan", "unit").get(pk=assignment.pk)
    )
    current = assignment.effective_deadline
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Vui lòng ghi lý do đề nghị điều chỉnh thời hạn.")
    if new_deadline is None:
        errors["new_deadline"] = _("Vui lòng nhập thời hạn đề nghị (dd/mm/yyyy).")
    elif new_deadline < today:
        errors["new_deadline"] = _("Thời hạn đề nghị %(date)s đã qua (hôm nay là %(today)s).") % {
            "date": f"{new_deadline:%d/%m/%Y}",
            "today": f"{today:%d/%m/%Y}",
        }
    elif current is not None and new_deadline <= current:
        errors["new_deadline"] = _("Thời hạn đề nghị phải sau thời hạn hiện hành %(current)s.") % {
            "current": f"{current:%d/%m/%Y}"
        }
    if document_date is not None and document_date > today:
        errors["document_date"] = _("Ngày văn bản không thể sau hôm nay.")
    document_number = (document_number or "").strip()
    if document is not None and not document_number:
        errors["document_number"] = _("Vui lòng ghi số văn bản của tệp đính kèm.")
    if DeadlineChange.objects.filter(assignment=assignment, status=DeadlineChangeStatus.PENDING).exists():
        errors["__all__"] = _("Đơn vị đã có một đề nghị điều chỉnh thời hạn đang chờ quyết định.")
    if errors:
        raise ValidationError(errors)
    checked = _check_document(document) if document is not None else None
    change = DeadlineChange(
        subtask=assignment.subtask,
        assignment=assignment,
        whole_subtask=bool(whole_subtask),
        deadline_before=current,
        new_deadline=new_deadline,
        reason=reason,
        document_number=document_number[:100],
        document_date=document_date,
        requested_by=actor,
        requested_at=now,
    )
    if checked is not None:
        change.original_name = checked.display_name[:255]
        change.sha256 = checked.sha256
        change.size = checked.size
        change.content_type = checked.mime
        change.kind = checked.kind
        change.stored_name = _store(document, now)
    change.full_clean(exclude=["stored_name"])
    try:
        change.save()
    except BaseException:
        _delete_quietly(change.stored_name)
        raise
    audit_record(
        actor=actor,
        action="deadline.request",
        obj=change,
        changes={
            "assignment": assignment.pk,
            "whole_subtask": [None, change.whole_subtask],
            "deadline": [current, new_deadline],
            "reason": [None, reason],
            **({"document": [None, change.document_number]} if change.document_number else {}),
        },
        now=now,
    )
    from notifications.services.deadlines import notify_deadline_requested

    notify_deadline_requested(change=change, now=now)
    return change


@transaction.atomic
def deadline_change_decide(
    *, change: DeadlineChange, approve: bool, note: str = "", actor, now=None
) -> DeadlineChange:
    """Approve or refuse a waiting request. An approved change moves the effective deadline at once:
    the affected assignments are swept (flags raised or resolved) and their dashboard rows rewritten,
    as after a review decision; the unit is told either way."""
    from kpis.signals import progress_changed
    from kpis.sweep import sweep

    now = now or timezone.now()
    if not can_decide_changes(actor):
        raise PermissionDenied
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Vui lòng ghi lý do không chấp thuận.")})
    status = DeadlineChangeStatus.APPROVED if approve else DeadlineChangeStatus.REFUSED
    # Decisions on one sub-task one at a time: each rewrites its deadline columns from all of them.
    SubTask.objects.select_for_update().filter(pk=change.subtask_id).first()
    updated = DeadlineChange.objects.filter(pk=change.pk, status=DeadlineChangeStatus.PENDING).update(
        status=status, decided_by=actor, decided_at=now, decision_note=note
    )
    if not updated:
        raise ValidationError({"__all__": _("Đề nghị này đã được quyết định.")})
    change.refresh_from_db()
    moved = _keep_columns(change.subtask) if approve else []
    audit_record(
        actor=actor,
        action="deadline.approve" if approve else "deadline.refuse",
        obj=change,
        changes={
            "status": [DeadlineChangeStatus.PENDING, status],
            **({"deadline": [change.deadline_before, change.new_deadline]} if approve else {}),
            **({"note": [None, note]} if note else {}),
        },
        now=now,
    )
    if moved:
        sweep(now=now, assignment_ids=moved)
        progress_changed.send(sender="tasks.deadline_change", now=now, assignment_ids=moved)
    from notifications.services.deadlines import notify_deadline_decided

    notify_deadline_decided(change=change, now=now)
    return change


# Reads for the sub-task page ----------------------------------------------------------------------


def deadline_changes_for_page(*, subtask: SubTask, user) -> dict:
    """The sub-task's requests, newest first; the approved ones in force now (for the whole sub-task,
    and for single units); the lead assignment of the user's unit it may ask a change for."""
    changes = list(
        DeadlineChange.objects.filter(subtask=subtask)
        .select_related("assignment__unit", "assignment__subtask__plan", "requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
    )
    approved = sorted(
        (c for c in changes if c.status == DeadlineChangeStatus.APPROVED), key=lambda c: (c.decided_at, c.pk)
    )
    whole, own = governing(
        (
            c.subtask_id,
            c.assignment_id,
            c.whole_subtask,
            c.new_deadline,
            c.document_number,
            c.document_date,
            c,
        )
        for c in approved
    )
    from units.permissions import can_read_assignment

    for change in changes:  # the document is served to whoever reads the requesting unit's work
        change.document_readable = bool(change.stored_name) and can_read_assignment(user, change.assignment)
    mine = None
    if user.is_authenticated and user.unit_id:
        mine = (
            Assignment.objects.filter(subtask=subtask, unit_id=user.unit_id, role=AssignmentRole.LEAD)
            .select_related("subtask__plan")
            .first()
        )
        if mine is not None and not can_request_change(user, mine):
            mine = None
    leads = Assignment.objects.filter(subtask=subtask, role=AssignmentRole.LEAD).count()
    return {
        "deadline_changes": changes,
        "deadline_whole": whole[subtask.pk][6] if subtask.pk in whole else None,
        "deadline_own": sorted((c[6] for c in own.values()), key=lambda c: str(c.assignment.unit)),
        "deadline_assignment": mine,
        "deadline_pending_mine": mine is not None
        and any(c.is_pending and c.assignment_id == mine.pk for c in changes),
        "deadline_fan_out": leads > 1,
        "can_decide_deadlines": can_decide_changes(user),
    }


def access_deadline_change_for_user(user, pk, *, decide: bool = False) -> DeadlineChange:
    """A request its reader may see (whoever reads its assignment), or decide (the deciders); 404 else."""
    from django.http import Http404

    from units.permissions import can_read_assignment

    try:
        change = DeadlineChange.objects.select_related(
            "assignment__subtask__plan", "assignment__unit", "subtask"
        ).get(pk=pk)
    except (DeadlineChange.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    allowed = can_decide_changes(user) if decide else can_read_assignment(user, change.assignment)
    if not allowed or not change.assignment.subtask.plan.is_visible_to(user):
        raise Http404
    return change

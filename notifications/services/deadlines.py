"""Notices of deadline changes (issue 21): the deciders are told of a request, the unit of the
decision."""

from django.db.models import Q

from units.models import Role, User

from ..models import NotificationKind
from .events import notify_users, subtask_url, unit_recipients
from .workflow import _send_soon


def _params(change) -> dict:
    subtask = change.subtask
    return {
        "code": subtask.code,
        "title": subtask.title,
        "unit": str(change.assignment.unit),
        "before": change.deadline_before.isoformat() if change.deadline_before else "",
        "new": change.new_deadline.isoformat(),
        "whole": change.whole_subtask,
        "reason": change.reason,
        "document": change.document_number,
        "document_date": change.document_date.isoformat() if change.document_date else "",
    }


def deciders() -> list[User]:
    """Active secretariat and committee leaders (superusers are the secretariat too)."""
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(roles__role__in=[Role.SECRETARIAT, Role.LEADERSHIP]))
        .distinct()
        .order_by("pk")
    )


def notify_deadline_requested(*, change, now=None) -> int:
    users = deciders()
    notify_users(
        users=users,
        kind=NotificationKind.DEADLINE_CHANGE_REQUESTED,
        template="deadline_requested",
        params=_params(change),
        url=subtask_url(change.subtask_id) + "#deadline-changes",
        key=f"deadline-change:{change.pk}",
        obj=change,
        now=now,
    )
    _send_soon()
    return len(users)


def notify_deadline_decided(*, change, now=None) -> int:
    unit_id = change.assignment.unit_id
    users = unit_recipients([unit_id]).get(unit_id, [])
    notify_users(
        users=users,
        kind=NotificationKind.DEADLINE_CHANGE_DECIDED,
        template="deadline_decided",
        params={
            **_params(change),
            "approved": change.status == "approved",
            "note": change.decision_note,
            "by": str(change.decided_by or ""),
        },
        url=subtask_url(change.subtask_id) + "#deadline-changes",
        key=f"deadline-decided:{change.pk}",
        obj=change,
        now=now,
    )
    _send_soon()
    return len(users)

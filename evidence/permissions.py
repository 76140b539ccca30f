"""Access helpers for evidence and claims: 404 for "not yours" exactly like "does not exist"."""

from django.http import Http404

from kpis.models import UNSENT_STATUSES
from tasks.models import Assignment
from units.permissions import access_assignment_for_user, can_read_assignment, can_report_on, can_review

from .models import Evidence


def can_see_evidence(user, evidence: Evidence) -> bool:
    """A sent report's files: whoever may read the assignment (its unit, co-ordinating units, the
    roles that read everything). A draft's files: only who may report on it and those roles."""
    assignment = evidence.report.assignment
    if evidence.report.status in UNSENT_STATUSES:  # a draft, or waiting for the head
        return can_report_on(user, assignment) or (
            can_read_assignment(user, assignment) and user.reads_everything
        )
    return can_read_assignment(user, assignment)


def access_evidence_for_user(user, pk, *, perm: str = "view") -> Evidence:
    """perm "view": download and preview; "remove": take it off a draft."""
    try:
        evidence = Evidence.objects.select_related(
            "report__assignment__subtask__plan", "report__assignment__unit", "report__period"
        ).get(pk=pk)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if perm == "view":
        allowed = can_see_evidence(user, evidence)
    elif perm == "remove":
        allowed = can_report_on(user, evidence.report.assignment)
    else:
        raise ValueError(f"unknown evidence permission {perm!r}")
    if not allowed:
        raise Http404
    return evidence


def may_review(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and (user.is_reviewer or user.is_secretariat)
    )


def access_claim_for_user(user, pk) -> Assignment:
    """A lead assignment whose claims the user may decide (reviewers and the secretariat)."""
    return access_assignment_for_user(user, pk, perm="review")


def require_reviewer(user) -> None:
    """Pages without ids (the queue, bulk approval) are unknown to anyone who does not review."""
    if not may_review(user):
        raise Http404


__all__ = [
    "access_claim_for_user",
    "access_evidence_for_user",
    "can_review",
    "may_review",
    "require_reviewer",
]

"""Access helpers: every view that takes an id goes through one of these.

An object the user may not see answers exactly like one that does not exist (404), so ids
cannot be probed. Reading the plans is open to every signed-in user; what a unit owns (its
lead assignments, their reports and evidence) is readable by its own members and by the
roles that read everything, and writable only as the rules of DESIGN.md say.
"""

from django.http import Http404

from tasks.models import Assignment, AssignmentRole


def can_read_assignment(user, assignment: Assignment) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.reads_everything:
        return True
    return user.unit_id is not None and assignment.unit_id == user.unit_id


def can_report_on(user, assignment: Assignment) -> bool:
    """Progress is reported on lead assignments by the lead unit's staff/head, or the secretariat."""
    if not user.is_authenticated or not user.is_active or assignment.role != AssignmentRole.LEAD:
        return False
    if user.is_secretariat:
        return True
    return user.is_unit_member and assignment.unit_id == user.unit_id


def can_comment_on(user, assignment: Assignment) -> bool:
    """Co-ordinating units comment on the sub-tasks they co-ordinate."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_secretariat:
        return True
    return user.is_unit_member and assignment.unit_id == user.unit_id and assignment.role == AssignmentRole.CO


def access_assignment_for_user(user, pk, *, perm: str = "view") -> Assignment:
    try:
        assignment = Assignment.objects.select_related("subtask", "unit", "via_group").get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    allowed = {
        "view": can_read_assignment,
        "report": can_report_on,
        "comment": can_comment_on,
    }[perm](user, assignment)
    if not allowed:
        raise Http404
    return assignment

"""Access helpers: every view that takes an id goes through one of these.

An object the user may not see answers exactly like one that does not exist (404), so ids
cannot be probed. Reading the plans is open to every signed-in user, once a plan is in force (a
draft is seen by the secretariat only: `Plan.drafts_visible_to`, for its assignments too); what a unit owns (its
lead assignments, their reports and evidence) is readable by its own members, by the members
of the units that co-ordinate the same sub-task, and by the roles that read everything; it is
writable only as the rules of DESIGN.md say:

- unit staff / heads report on their unit's lead assignments (their share of a group
  assignment included: a fan-out makes one assignment per member unit) and comment on the
  sub-tasks their unit co-ordinates;
- reviewers read everything and decide on evidence, never change progress;
- leadership reads everything and changes nothing;
- the secretariat does everything.

Inactive users have no rights at all (their sessions also stop authenticating).
"""

from django.http import Http404

from tasks.models import Assignment, AssignmentRole, Plan

from .models import User


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_secretariat(user) -> bool:
    return _active(user) and user.is_secretariat


def _plan_visible(user, assignment: Assignment) -> bool:
    # Who sees drafts is asked first, so the secretariat's checks never load the plan.
    return Plan.drafts_visible_to(user) or assignment.subtask.plan.is_visible_to(user)


def can_read_assignment(user, assignment: Assignment) -> bool:
    if not _active(user) or not _plan_visible(user, assignment):
        return False
    if user.reads_everything:
        return True
    if not user.is_unit_member:
        return False
    if assignment.unit_id == user.unit_id:
        return True
    # A co-ordinating unit follows the lead's work on the sub-task it co-ordinates.
    return Assignment.objects.filter(
        subtask_id=assignment.subtask_id, unit_id=user.unit_id, role=AssignmentRole.CO
    ).exists()


def can_report_on(user, assignment: Assignment) -> bool:
    """Progress is reported on lead assignments by the lead unit's staff/head, or the secretariat."""
    if not _active(user) or assignment.role != AssignmentRole.LEAD:
        return False
    if user.is_secretariat:
        return True
    return user.is_unit_member and assignment.unit_id == user.unit_id and _plan_visible(user, assignment)


def can_comment_on(user, assignment: Assignment) -> bool:
    """Co-ordinating units comment on the sub-tasks they co-ordinate."""
    if not _active(user):
        return False
    if user.is_secretariat:
        return True
    return (
        user.is_unit_member
        and assignment.unit_id == user.unit_id
        and assignment.role == AssignmentRole.CO
        and _plan_visible(user, assignment)
    )


def can_review(user, assignment: Assignment) -> bool:
    """Reviewers (and the secretariat) decide on the evidence of lead assignments."""
    if not _active(user) or assignment.role != AssignmentRole.LEAD:
        return False
    return user.is_secretariat or (user.is_reviewer and _plan_visible(user, assignment))


PERMS = {
    "view": can_read_assignment,
    "report": can_report_on,
    "comment": can_comment_on,
    "review": can_review,
}


def access_assignment_for_user(user, pk, *, perm: str = "view") -> Assignment:
    check = PERMS.get(perm)
    if check is None:
        raise ValueError(f"unknown assignment permission {perm!r}")
    try:
        assignment = Assignment.objects.select_related("subtask__plan", "unit", "via_group").get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not check(user, assignment):
        raise Http404
    return assignment


def access_user_for_user(user, pk) -> User:
    """Accounts are managed by the secretariat; to anyone else every account id is unknown."""
    if not is_secretariat(user):
        raise Http404
    try:
        return User.objects.select_related("unit").get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None

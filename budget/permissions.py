"""Access helpers for budgets. A budget line is read by whoever may read its assignment, disbursed
against by whoever may report on it, and given or adjusted by the secretariat only; anything else
answers 404, exactly like an id that does not exist (units.permissions says who may what)."""

from django.http import Http404

from tasks.models import AssignmentRole
from units.permissions import PERMS, access_assignment_for_user, is_secretariat

from .models import Allocation, DisbursementFile


def access_assignment_budget_for_user(user, pk, *, perm: str = "view"):
    """The lead assignment whose budget the user may `view`, `report` (disburse) or `allocate`."""
    if perm == "allocate":
        if not is_secretariat(user):
            raise Http404
        perm = "view"
    assignment = access_assignment_for_user(user, pk, perm=perm)
    if assignment.role != AssignmentRole.LEAD:
        raise Http404
    return assignment


def access_allocation_for_user(user, pk, *, perm: str = "view") -> Allocation:
    try:
        allocation = Allocation.objects.select_related("assignment__subtask__plan", "assignment__unit").get(
            pk=pk
        )
    except (Allocation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not PERMS[perm](user, allocation.assignment):
        raise Http404
    return allocation


def access_disbursement_file_for_user(user, pk) -> DisbursementFile:
    try:
        found = DisbursementFile.objects.select_related(
            "disbursement__allocation__assignment__subtask__plan"
        ).get(pk=pk)
    except (DisbursementFile.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not PERMS["view"](user, found.disbursement.allocation.assignment):
        raise Http404
    return found

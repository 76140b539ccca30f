from tasks.models import Assignment, AssignmentRole

from ..models import AssignmentState


def states_ensure() -> int:
    """Give every lead assignment its status row (an assignment without one reads as not started).

    The import creates assignments without knowing about reports; this fills the gap and is
    idempotent, so the periodic job runs it too.
    """
    missing = Assignment.objects.filter(role=AssignmentRole.LEAD, state__isnull=True).values_list(
        "pk", flat=True
    )
    rows = [AssignmentState(assignment_id=pk) for pk in missing.iterator(chunk_size=2000)]
    AssignmentState.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)

"""Access helpers for progress reports: 404 for "not yours" exactly like "does not exist"."""

from django.http import Http404

from units.permissions import can_read_assignment

from .models import ProgressReport, signs_off_for


def access_report_for_signoff(user, pk) -> ProgressReport:
    """A version of a unit's report, for that unit's head (waiting for them or already decided)."""
    try:
        report = ProgressReport.objects.select_related(
            "assignment__subtask__plan", "assignment__unit", "period", "prepared_by", "signed_off_by"
        ).get(pk=pk)
    except (ProgressReport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not (signs_off_for(user, report.assignment) and can_read_assignment(user, report.assignment)):
        raise Http404
    return report

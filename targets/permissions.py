"""Access helpers for targets. A target is read by whoever may read its plan (a draft plan's by the
secretariat only); its values are reported by its responsible units, decided by reviewers. Anything
else answers 404, exactly like an id that does not exist."""

from django.http import Http404

from evidence.permissions import may_review
from tasks.models import Plan
from tasks.permissions import plans_readable_by
from units.permissions import is_secretariat

from .models import Target, TargetValue, TargetValueFile
from .services import may_report_on


def access_plan_for_user(user, pk, *, perm: str = "view"):
    if perm == "manage" and not is_secretariat(user):
        raise Http404
    try:
        return plans_readable_by(user).get(pk=pk)
    except (ValueError, TypeError, Plan.DoesNotExist):
        raise Http404 from None


def access_target_for_user(user, pk, *, perm: str = "view") -> Target:
    try:
        target = Target.objects.select_related("plan").get(pk=pk)
    except (Target.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not plans_readable_by(user).filter(pk=target.plan_id).exists():
        raise Http404
    allowed = {"view": True, "manage": is_secretariat(user), "report": may_report_on(user, target)}
    if not allowed[perm]:
        raise Http404
    return target


def access_target_value_for_user(user, pk) -> TargetValue:
    """A value the user may decide on (reviewers and the secretariat)."""
    if not may_review(user):
        raise Http404
    try:
        row = TargetValue.objects.select_related("target__plan", "period", "unit").get(pk=pk)
    except (TargetValue.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    access_target_for_user(user, row.target_id)
    return row


def access_target_file_for_user(user, pk) -> TargetValueFile:
    try:
        found = TargetValueFile.objects.select_related("target_value__target").get(pk=pk)
    except (TargetValueFile.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    target = access_target_for_user(user, found.target_value.target_id)
    if not may_see_evidence(user, target):
        raise Http404
    return found


def may_see_evidence(user, target: Target) -> bool:
    """Evidence of a value is read by the roles that read everything and the responsible units."""
    if user.reads_everything:
        return True
    return user.is_unit_member and target.units.filter(pk=user.unit_id).exists()

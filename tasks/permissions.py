"""Access helpers for plans and sub-tasks: every view that takes their id goes through these.

DESIGN.md lets every signed-in active user read the plans in force (unit staff read the whole
plan to see what their unit leads and co-ordinates); a draft only the secretariat sees
(`Plan.drafts_visible_to`). Whatever they refuse answers 404, exactly like an id that does not exist.
"""

from django.shortcuts import get_object_or_404

from .models import Plan, SubTask


def can_read_plans(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def plans_readable_by(user):
    if not can_read_plans(user):
        return Plan.objects.none()
    return Plan.objects.filter(Plan.visible_to(user))


def subtasks_readable_by(user):
    if not can_read_plans(user):
        return SubTask.objects.none()
    return SubTask.objects.filter(Plan.visible_to(user, via="plan__"))


def access_plan_for_user(user, pk) -> Plan:
    return get_object_or_404(plans_readable_by(user), pk=pk)


def access_subtask_for_user(user, pk) -> SubTask:
    queryset = subtasks_readable_by(user).select_related("plan", "general_task__section")
    return get_object_or_404(queryset, pk=pk)

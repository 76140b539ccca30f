from django.db.models import QuerySet

from kpis.flag_selectors import flags_visible_to
from tasks.models import Plan, SubTask

from .models import Notification, NotificationPreference


def notifications_for(*, user, unread_only: bool = False) -> QuerySet:
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    if not (user and user.is_authenticated):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preference_for(*, user) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def visible_flags(*, user) -> QuerySet:
    return flags_visible_to(user)


def plans_with_counts(by_plan: dict) -> list[tuple]:
    plans = Plan.objects.in_bulk(list(by_plan))
    rows = [(plans[pk], counts) for pk, counts in by_plan.items() if pk in plans]
    return sorted(rows, key=lambda row: -row[1]["total"])


def subtask_title(subtask_id: int):
    return SubTask.objects.filter(pk=subtask_id).only("pk", "code", "title", "plan_id").first()

from django.db import connection
from django.db.models import QuerySet

from kpis.flag_selectors import flags_visible_to
from tasks.models import Plan, SubTask
from units.models import Unit

from .models import Notification, NotificationPreference


def notifications_for(*, user, unread_only: bool = False) -> QuerySet:
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


# The bell is on every page: its count is one statement written once (through the recipient/read
# index), not an aggregation the ORM composes on each request.
_UNREAD_SQL = (
    f"SELECT COUNT(*) FROM {Notification._meta.db_table} WHERE recipient_id = %s AND read_at IS NULL"  # noqa: S608
)


def unread_count(*, user) -> int:
    if not (user and user.is_authenticated):
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_UNREAD_SQL, [user.pk])
        return cursor.fetchone()[0]


def preference_for(*, user) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def visible_flags(*, user) -> QuerySet:
    return flags_visible_to(user)


def plans_with_counts(by_plan: dict) -> list[tuple]:
    plans = Plan.objects.in_bulk(list(by_plan))
    rows = [(plans[pk], counts) for pk, counts in by_plan.items() if pk in plans]
    return sorted(rows, key=lambda row: -row[1]["total"])


def unit_name(unit_id: int):
    """The unit a flag list is narrowed to (its name in the heading); the flags themselves are
    limited to what the user may see by flag_list."""
    return Unit.objects.filter(pk=unit_id).only("pk", "name").first()


def subtask_title(subtask_id: int):
    return SubTask.objects.filter(pk=subtask_id).only("pk", "code", "title", "plan_id").first()

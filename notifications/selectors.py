from django.db import connection
from django.db.models import QuerySet

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

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record

from ..models import Notification, NotificationPreference


def notification_mark_read(*, user, notification_id: int, now=None) -> bool:
    """Mark one of the user's notifications read; False when it is not theirs or already read."""
    now = now or timezone.now()
    return bool(
        Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(
            read_at=now
        )
    )


def notifications_mark_all_read(*, user, now=None) -> int:
    now = now or timezone.now()
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now)


@transaction.atomic
def preference_set(*, user, daily_digest: bool) -> NotificationPreference:
    pref, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    if pref.daily_digest != daily_digest:
        pref.daily_digest = daily_digest
        pref.save(update_fields=["daily_digest"])
        audit_record(
            actor=user, action="notifications.preference", obj=user, changes={"daily_digest": daily_digest}
        )
    return pref

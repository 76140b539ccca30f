"""Every write of notifications: events become outbox rows, the sender e-mails them."""

from .events import notify_claim_decision, notify_raised_flags, notify_users, unit_recipients
from .outbox import digests_send, outbox_send
from .reading import notification_mark_read, notifications_mark_all_read, preference_set
from .reminders import reminders_send, report_reminders_to_units
from .workflow import notify_coordination_asked, notify_signoff_requested, notify_signoff_returned

__all__ = [
    "digests_send",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notify_claim_decision",
    "notify_coordination_asked",
    "notify_raised_flags",
    "notify_signoff_requested",
    "notify_signoff_returned",
    "notify_users",
    "outbox_send",
    "preference_set",
    "reminders_send",
    "report_reminders_to_units",
    "unit_recipients",
]

"""The outbox of notifications: one row per event and recipient, shown in the portal and e-mailed.

A row is written in the same transaction as the event (or by the job that processes flags), with
a dedupe key that is unique, so an event notifies each person once however often the job runs.
The sender marks `emailed_at` only after the mail server accepted the message.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    FLAG_RAISED = "flag_raised", _("Cảnh báo đỏ")
    CLAIM_RETURNED = "claim_returned", _("Đề nghị hoàn thành bị trả lại")
    CLAIM_APPROVED = "claim_approved", _("Được công nhận hoàn thành")
    DEADLINE_REMINDER = "deadline_reminder", _("Nhắc thời hạn")
    REPORT_REMINDER = "report_reminder", _("Nhắc báo cáo tháng")
    FLAG_ESCALATED = "flag_escalated", _("Cảnh báo cần lãnh đạo quyết định")
    SIGNOFF_REQUESTED = "signoff_requested", _("Báo cáo chờ thủ trưởng duyệt")
    SIGNOFF_RETURNED = "signoff_returned", _("Báo cáo bị thủ trưởng trả lại")
    COORDINATION_ASKED = "coordination_asked", _("Đề nghị đơn vị phối hợp xác nhận hoàn thành")
    DEADLINE_CHANGE_REQUESTED = "deadline_change_requested", _("Đề nghị điều chỉnh thời hạn")
    DEADLINE_CHANGE_DECIDED = "deadline_change_decided", _("Quyết định điều chỉnh thời hạn")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("loại"), max_length=30, choices=NotificationKind.choices)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    url = models.CharField(_("liên kết"), max_length=500, blank=True)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("lúc"))
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi e-mail lúc"), null=True, blank=True)
    email_attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # What the subject and body were written from (notifications.messages): the portal shows the
    # notification again in the reader's language; {} for rows older than this field.
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read"),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created"),
            models.Index(fields=["id"], condition=Q(emailed_at__isnull=True), name="notif_unsent"),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @cached_property
    def shown(self) -> tuple[str, str]:
        """(subject, body) in the reader's language: as stored (as sent) in Vietnamese or when the
        row has no parameters, else written again from them."""
        from .messages import write

        template = (self.params or {}).get("t")
        if template and not (get_language() or "vi").startswith("vi"):
            try:
                return write(template, self.params)
            except (KeyError, TypeError, ValueError):  # parameters of an older shape: as stored
                pass
        return self.subject, self.body


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    daily_digest = models.BooleanField(
        _("nhận một e-mail tổng hợp mỗi ngày thay cho từng e-mail"), default=False
    )
    # The digest job claims a user for a day with a conditional update on this date.
    last_digest_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")

    def __str__(self):
        return f"{self.user}: {'tổng hợp' if self.daily_digest else 'từng e-mail'}"

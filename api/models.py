"""Clients of the open data API: other systems (the province's operations centre, the national
monitoring system), never people. A client holds a token, stored only as its SHA-256."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    FIGURES = "figures", _("Số liệu (kế hoạch, phân công, tiến độ, cảnh báo, số liệu kỳ)")
    TEXTS = "texts", _("Nội dung báo cáo của đơn vị (kết quả, khó khăn, đề xuất)")


class WebhookEvent(models.TextChoices):
    FLAG_RAISED = "flag.raised", _("Cảnh báo đỏ phát sinh")
    FLAG_ESCALATED = "flag.escalated", _("Cảnh báo chuyển lãnh đạo")
    CLAIM_DECIDED = "claim.decided", _("Đề nghị hoàn thành được thẩm định")
    REPORT_ARCHIVED = "report.archived", _("Báo cáo chính thức được lưu trữ")


TOKEN_PREFIX = "nq57_"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClientQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiClient(models.Model):
    """A system allowed to read the API: its scopes, the unit it is limited to (None: the whole
    province), its expiry. It also stands in for a user where the portal's read rules ask one
    (Plan.visible_to, tasks.models.readable_by): a province client reads as leadership does, a
    unit client as that unit's staff; neither sees draft plans."""

    name = models.CharField(_("tên hệ thống"), max_length=200)
    scopes = models.JSONField(_("phạm vi dữ liệu"), default=list)
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chỉ dữ liệu của đơn vị"),
    )
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    rate_per_minute = models.PositiveIntegerField(_("số yêu cầu tối đa mỗi phút"), default=120)
    webhook_url = models.URLField(_("địa chỉ nhận webhook"), max_length=500, blank=True)
    webhook_events = models.JSONField(_("sự kiện gửi webhook"), default=list, blank=True)
    # The key deliveries are signed with (HMAC-SHA256), shown to the secretariat once when made.
    # Kept as is: signing needs the key itself, unlike the token, which is only ever compared.
    webhook_secret = models.CharField(max_length=64, blank=True, editable=False)
    # "nq57_" and the first characters of the token: enough to tell tokens apart in the list.
    token_prefix = models.CharField(max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người tạo")
    )
    created_at = models.DateTimeField(_("tạo lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thu hồi"),
    )
    last_used_at = models.DateTimeField(_("dùng gần nhất lúc"), null=True, blank=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("hệ thống kết nối API")
        verbose_name_plural = _("hệ thống kết nối API")

    def __str__(self):
        return self.name

    # --- standing in for a user in the portal's read rules ---------------------------------------

    is_authenticated = True
    is_anonymous = False
    is_secretariat = False
    is_superuser = False

    @property
    def is_active(self) -> bool:
        return self.is_usable()

    @property
    def reads_everything(self) -> bool:
        return self.unit_id is None

    @property
    def is_unit_member(self) -> bool:
        return self.unit_id is not None

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def is_usable(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    def state_label(self, now=None) -> str:
        if self.revoked_at is not None:
            return str(_("Đã thu hồi"))
        if self.expires_at <= (now or timezone.now()):
            return str(_("Hết hạn"))
        return str(_("Đang hoạt động"))


WEBHOOK_SECRET_PREFIX = "whsec_"


class WebhookDeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(delivered_at__isnull=True, failed_at__isnull=True)

    def due(self, now):
        return self.pending().filter(next_attempt_at__lte=now)


class WebhookDelivery(models.Model):
    """The webhook outbox: one row per event and client, written in the transaction of the event,
    sent by the api.send_webhooks job. The body is frozen when the event happens, so a retry sends
    the same bytes (signed again with a fresh timestamp)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("sự kiện"), max_length=30, choices=WebhookEvent.choices)
    # The event's own key (e.g. "flag.raised:412"): one delivery per event and client, however
    # often the code that records it runs.
    event_key = models.CharField(max_length=120)
    body = models.TextField()
    created_at = models.DateTimeField(_("lúc phát sinh"))
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("gửi gần nhất lúc"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("mã trả lời"), null=True, blank=True)
    last_error = models.TextField(_("lỗi"), blank=True)
    delivered_at = models.DateTimeField(_("đã nhận lúc"), null=True, blank=True)
    failed_at = models.DateTimeField(_("ngừng gửi lúc"), null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lần gửi webhook")
        verbose_name_plural = _("lần gửi webhook")
        constraints = [
            models.UniqueConstraint(fields=["client", "event_key"], name="uniq_webhook_event_per_client")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(delivered_at__isnull=True, failed_at__isnull=True),
                name="webhook_pending",
            ),
            models.Index(fields=["client", "-created_at"], name="webhook_client_created"),
        ]

    def __str__(self):
        return f"{self.event} → {self.client}"

    @property
    def state_label(self) -> str:
        if self.delivered_at:
            return str(_("Đã nhận"))
        if self.failed_at:
            return str(_("Ngừng gửi"))
        return str(_("Đang chờ gửi lại")) if self.attempts else str(_("Đang chờ gửi"))

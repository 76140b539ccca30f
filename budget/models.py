"""A sub-task's money, per lead assignment: the allocation (dự toán) by kind of spending and budget
level for one year, the decisions that set and adjust it, and what the unit disbursed each period.

Amounts are whole đồng in DecimalFields (never float). The allocation is the sum of its decisions:
the first decision gives it (giao dự toán), later ones raise or cut it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Whole đồng, up to 10^18 − 1 (a national total fits many times over).
MONEY = {"max_digits": 18, "decimal_places": 0}


class SpendingKind(models.TextChoices):
    RECURRENT = "recurrent", _("Chi thường xuyên")
    DEVELOPMENT = "development", _("Chi đầu tư phát triển")


class BudgetLevel(models.TextChoices):
    PROVINCE = "province", _("Ngân sách cấp tỉnh")
    COMMUNE = "commune", _("Ngân sách cấp xã")
    CENTRAL = "central", _("Ngân sách trung ương")


class Allocation(models.Model):
    """One line of a lead assignment's budget: a year, a kind of spending, a budget level."""

    assignment = models.ForeignKey(
        "tasks.Assignment", on_delete=models.CASCADE, related_name="allocations", verbose_name=_("phân công")
    )
    year = models.PositiveSmallIntegerField(_("năm ngân sách"))
    kind = models.CharField(_("loại chi"), max_length=12, choices=SpendingKind.choices)
    level = models.CharField(_("cấp ngân sách"), max_length=10, choices=BudgetLevel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"))

    class Meta:
        ordering = ["assignment", "year", "kind", "level"]
        verbose_name = _("dự toán")
        verbose_name_plural = _("dự toán")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "year", "kind", "level"], name="uniq_allocation_line"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_level_display()} · {self.year}"


class Adjustment(models.Model):
    """A decision that gives (first) or changes an allocation: its number, date, the signed amount."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="adjustments")
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    amount = models.DecimalField(_("số tiền (đồng, âm khi giảm)"), **MONEY)
    reason = models.TextField(_("lý do"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("ghi lúc"))

    class Meta:
        ordering = ["allocation", "decision_date", "id"]
        verbose_name = _("quyết định giao, điều chỉnh dự toán")
        verbose_name_plural = _("quyết định giao, điều chỉnh dự toán")
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="adjustment_amount_not_zero")
        ]
        indexes = [models.Index(fields=["allocation", "decision_date"])]

    def __str__(self):
        return f"{self.decision_number} ({self.decision_date:%d/%m/%Y})"


class Disbursement(models.Model):
    """What was disbursed against one allocation line in one (monthly) period: the period's own
    amount, not a running total. A second report for the same period replaces the amount."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="disbursements")
    period = models.ForeignKey("kpis.Period", on_delete=models.PROTECT, related_name="disbursements")
    amount = models.DecimalField(_("số tiền giải ngân trong kỳ (đồng)"), **MONEY)
    note = models.TextField(_("ghi chú"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("báo cáo lúc"))

    class Meta:
        ordering = ["allocation", "period__start"]
        verbose_name = _("giải ngân")
        verbose_name_plural = _("giải ngân")
        constraints = [
            models.UniqueConstraint(fields=["allocation", "period"], name="uniq_disbursement_period"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="disbursement_amount_positive"),
        ]

    def __str__(self):
        return f"{self.allocation} · {self.period.label}"


class DisbursementFile(models.Model):
    """Evidence of a disbursement (a payment order, a statement of the treasury…), checked at upload
    exactly as a progress report's evidence is, and kept in the private storage."""

    disbursement = models.ForeignKey(Disbursement, on_delete=models.CASCADE, related_name="files")
    stored_name = models.CharField(_("tệp lưu trữ"), max_length=255, unique=True)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    content_type = models.CharField(_("loại tệp"), max_length=100)
    kind = models.CharField(_("loại nhận dạng"), max_length=20, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"))

    class Meta:
        ordering = ["disbursement", "uploaded_at", "id"]
        verbose_name = _("minh chứng giải ngân")
        verbose_name_plural = _("minh chứng giải ngân")
        constraints = [
            models.UniqueConstraint(fields=["disbursement", "sha256"], name="uniq_disbursement_file_sha256")
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        from evidence.validation.kinds import IMAGE_KINDS

        return self.kind in IMAGE_KINDS

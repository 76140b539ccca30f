"""A plan's targets (Mục tiêu, chỉ tiêu: seed 002 section I.1) and the values their responsible units
report each period, reviewed like a completion claim.

A target has a measure (its unit of measure, and whether it is a share computed from a numerator
and a denominator), a direction (at least / at most / exactly), a baseline, milestones (a value by
a date; some targets have two) and how its periods add up: `cumulative` when each report is the
level reached at the period's end, `per_period` when each report is what the period itself added.
Values are exact decimals; the arithmetic is in `targets.progress`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidence.models import ReturnReason

# Up to 10^16 with four decimals: a count of dossiers, a share to 0,0001 %.
VALUE = {"max_digits": 20, "decimal_places": 4}


class TargetDirection(models.TextChoices):
    AT_LEAST = "at_least", _("Tối thiểu (≥)")
    AT_MOST = "at_most", _("Tối đa (≤)")
    EXACTLY = "exactly", _("Đúng bằng (=)")


class Accumulation(models.TextChoices):
    CUMULATIVE = "cumulative", _("Lũy kế: mỗi kỳ báo mức đạt được đến cuối kỳ")
    PER_PERIOD = "per_period", _("Theo kỳ: mỗi kỳ báo số phát sinh trong kỳ, cộng dồn các kỳ")


class Target(models.Model):
    plan = models.ForeignKey("tasks.Plan", on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("mã"), max_length=20)
    group = models.CharField(_("nhóm mục tiêu"), max_length=255, blank=True)
    text = models.TextField(_("chỉ tiêu (nguyên văn)"))
    measure = models.CharField(_("đơn vị tính"), max_length=60)
    is_share = models.BooleanField(_("là tỷ lệ (%) tính từ tử số và mẫu số"), default=False)
    direction = models.CharField(
        _("chiều"), max_length=10, choices=TargetDirection.choices, default=TargetDirection.AT_LEAST
    )
    accumulation = models.CharField(
        _("cách cộng các kỳ"), max_length=12, choices=Accumulation.choices, default=Accumulation.CUMULATIVE
    )
    baseline_value = models.DecimalField(_("giá trị nền"), null=True, blank=True, **VALUE)
    baseline_date = models.DateField(_("ngày của giá trị nền"), null=True, blank=True)
    data_source = models.CharField(_("nguồn số liệu"), max_length=255, blank=True)
    units = models.ManyToManyField(
        "units.Unit", related_name="targets", verbose_name=_("đơn vị chịu trách nhiệm")
    )
    order = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"))
    # Last saved (its text, milestones, units…): what the API's changed_since reads.
    updated_at = models.DateTimeField(_("cập nhật lúc"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="uniq_target_plan_code")]

    def __str__(self):
        return f"{self.code}. {self.text[:80]}"


class Milestone(models.Model):
    """A value the target must reach by a date ("≥ 80% trước ngày 01/01/2026")."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones")
    value = models.DecimalField(_("giá trị"), **VALUE)
    due_date = models.DateField(_("thời hạn"))

    class Meta:
        ordering = ["target", "due_date"]
        verbose_name = _("mốc chỉ tiêu")
        verbose_name_plural = _("mốc chỉ tiêu")
        constraints = [models.UniqueConstraint(fields=["target", "due_date"], name="uniq_milestone_date")]

    def __str__(self):
        return f"{self.value} · {self.due_date:%d/%m/%Y}"


class ValueStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ thẩm định")
    APPROVED = "approved", _("Đã công nhận")
    RETURNED = "returned", _("Trả lại — chờ hoàn thiện")


class TargetValue(models.Model):
    """What one responsible unit reports for a target in one (monthly) period. Reported again,
    it replaces the figures, goes back to review and counts a new version."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey("kpis.Period", on_delete=models.PROTECT, related_name="target_values")
    value = models.DecimalField(_("giá trị"), **VALUE)
    numerator = models.DecimalField(_("tử số"), null=True, blank=True, **VALUE)
    denominator = models.DecimalField(_("mẫu số"), null=True, blank=True, **VALUE)
    note = models.TextField(_("ghi chú, cách tính"), blank=True)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.SUBMITTED
    )
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("báo cáo lúc"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("thẩm định lúc"), null=True, blank=True)
    reason_code = models.CharField(_("lý do"), max_length=20, choices=ReturnReason.choices, blank=True)
    reason_text = models.TextField(_("nội dung"), blank=True)

    class Meta:
        ordering = ["target", "period__start", "unit"]
        verbose_name = _("số liệu chỉ tiêu")
        verbose_name_plural = _("số liệu chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["target", "unit", "period"], name="uniq_target_value_period"),
            models.CheckConstraint(
                condition=~models.Q(status="returned") | ~models.Q(reason_code=""),
                name="target_value_return_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(denominator__isnull=True) | models.Q(denominator__gt=0),
                name="target_value_denominator_positive",
            ),
        ]
        indexes = [models.Index(fields=["status", "reported_at"])]

    def __str__(self):
        return f"{self.target.code} · {self.period.label}"

    @property
    def reason(self) -> str:
        if self.status != ValueStatus.RETURNED:
            return self.reason_text
        label = ReturnReason(self.reason_code).label if self.reason_code in ReturnReason.values else ""
        return f"{label}: {self.reason_text}" if self.reason_text else str(label)


class TargetValueFile(models.Model):
    """Evidence of a reported value, checked at upload as a progress report's evidence is."""

    target_value = models.ForeignKey(TargetValue, on_delete=models.CASCADE, related_name="files")
    stored_name = models.CharField(_("tệp lưu trữ"), max_length=255, unique=True)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    content_type = models.CharField(_("loại tệp"), max_length=100)
    kind = models.CharField(_("loại nhận dạng"), max_length=20, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"))

    class Meta:
        ordering = ["target_value", "uploaded_at", "id"]
        verbose_name = _("minh chứng số liệu chỉ tiêu")
        verbose_name_plural = _("minh chứng số liệu chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["target_value", "sha256"], name="uniq_target_value_file_sha256")
        ]

    def __str__(self):
        return self.original_name

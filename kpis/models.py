from django.db import models
from django.utils.translation import gettext_lazy as _


class Kpi(models.Model):
    subtask = models.ForeignKey("tasks.SubTask", on_delete=models.CASCADE, related_name="kpis")
    text = models.TextField(_("KPI (nguyên văn)"))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["subtask", "order"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI")

    def __str__(self):
        return self.text


class Measure(models.TextChoices):
    PERCENT = "percent", _("%")
    COUNT = "count", _("số lượng")
    RANK = "rank", _("thứ hạng")


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("tối thiểu")
    AT_MOST = "at_most", _("tối đa")


class KpiTarget(models.Model):
    """A structured target read from the KPI text: proposed by the import, confirmed by the secretariat."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    label = models.CharField(_("nội dung"), max_length=255, blank=True)
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=2)
    measure = models.CharField(_("đơn vị đo"), max_length=10, choices=Measure.choices)
    direction = models.CharField(
        _("chiều"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    confirmed = models.BooleanField(_("đã xác nhận"), default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kpi", "order"]
        verbose_name = _("chỉ tiêu KPI")
        verbose_name_plural = _("chỉ tiêu KPI")
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0), name="kpi_target_value_non_negative"),
        ]

    def __str__(self):
        unit = "%" if self.measure == Measure.PERCENT else ""
        return f"{self.get_direction_display()} {self.value:g}{unit}"

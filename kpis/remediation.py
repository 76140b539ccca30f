"""The unit head's answer to a red flag, and the escalation of a flag nobody answered.

"Rõ trách nhiệm": an open overdue or lagging flag is acknowledged by the head of its unit with a
remediation plan (what will be done, the day it expects to finish). A flag left unacknowledged for
FLAG_ESCALATION_WORKING_DAYS working days escalates to the committee's leaders and the secretariat
(kpis.services.remediation.flags_escalate, run by the periodic sweep job). Both are event rows
beside the flag, which itself is never changed except to be resolved.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The kinds a unit head answers with a plan are the flag kinds' to say (kpis.flags.FlagRule.acknowledged).


class FlagAcknowledgement(models.Model):
    flag = models.OneToOneField(
        "kpis.RedFlag", on_delete=models.CASCADE, related_name="acknowledgement", verbose_name=_("cảnh báo")
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người xác nhận")
    )
    acknowledged_at = models.DateTimeField(_("xác nhận lúc"))
    remedy = models.TextField(_("biện pháp khắc phục"))
    expected_finish = models.DateField(_("dự kiến hoàn thành"))

    class Meta:
        verbose_name = _("xác nhận cảnh báo")
        verbose_name_plural = _("xác nhận cảnh báo")

    def __str__(self):
        return f"{self.flag_id}: {self.expected_finish:%d/%m/%Y}"

    def is_past_due(self, today: datetime.date) -> bool:
        """The unit's own date has passed and the flag still stands: the flag weighs more."""
        return self.expected_finish < today


class FlagEscalation(models.Model):
    flag = models.OneToOneField(
        "kpis.RedFlag", on_delete=models.CASCADE, related_name="escalation", verbose_name=_("cảnh báo")
    )
    escalated_at = models.DateTimeField(_("chuyển lãnh đạo lúc"))
    working_days = models.PositiveSmallIntegerField(_("số ngày làm việc chưa xác nhận"))

    class Meta:
        verbose_name = _("cảnh báo chuyển lãnh đạo")
        verbose_name_plural = _("cảnh báo chuyển lãnh đạo")
        indexes = [models.Index(fields=["escalated_at"])]

    def __str__(self):
        return f"{self.flag_id} @ {self.escalated_at:%d/%m/%Y}"


def working_days_after(start: datetime.date, days: int) -> datetime.date:
    """The day `days` working days after `start`: Saturdays, Sundays and the public holidays of
    settings.PUBLIC_HOLIDAYS (fixed "MM-DD" days and whole "YYYY-MM-DD" dates) do not count."""
    holidays = set(getattr(settings, "PUBLIC_HOLIDAYS", ()))
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if day.weekday() >= 5 or f"{day:%m-%d}" in holidays or day.isoformat() in holidays:
            continue
        counted += 1
    return day


def flags_needing_decision():
    """Open flags escalated to the committee and still unacknowledged by their unit, oldest
    escalation first: the dashboard's "Cần lãnh đạo quyết định"."""
    from .flags import RedFlag

    return (
        RedFlag.objects.open()
        .filter(escalation__isnull=False, acknowledgement__isnull=True)
        .select_related("subtask", "unit", "escalation")
        .order_by("escalation__escalated_at", "pk")
    )

"""Red flags (DESIGN.md, seed 002 section III.2.3): raised and resolved by the sweep (kpis/sweep.py).

A flag is an event row, like healthchecks' Flip: it is never updated except to be resolved, so
the history of a lead assignment's flags stays. At most one flag of a kind is open per
assignment (a partial unique constraint), which is what lets two sweeps run at once.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FlagKind(models.TextChoices):
    OVERDUE = "overdue", _("Quá hạn")
    LAGGING = "lagging", _("Chậm tiến độ")
    QUALITY = "quality", _("Bị trả lại")
    NO_REPORT = "no_report", _("Không báo cáo")


class RedFlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class RedFlag(models.Model):
    kind = models.CharField(_("loại cảnh báo"), max_length=20, choices=FlagKind.choices)
    assignment = models.ForeignKey(
        "tasks.Assignment", on_delete=models.CASCADE, related_name="red_flags", verbose_name=_("phân công")
    )
    # Denormalised from the assignment so that roll-ups and sub-task pages read one table.
    subtask = models.ForeignKey(
        "tasks.SubTask", on_delete=models.CASCADE, related_name="red_flags", verbose_name=_("tiểu nhiệm vụ")
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="red_flags")
    # The monthly period a no-report flag is about: a missed next month is a new flag.
    period = models.ForeignKey(
        "kpis.Period", on_delete=models.CASCADE, null=True, blank=True, related_name="red_flags"
    )
    numbers = models.JSONField(_("số liệu"), default=dict, blank=True)
    message_vi = models.TextField(_("nội dung"))
    raised_at = models.DateTimeField(_("phát sinh lúc"))
    resolved_at = models.DateTimeField(_("hết cảnh báo lúc"), null=True, blank=True)
    # Outbox marker (healthchecks' Flip.processed): set once the notifications of the flag exist.
    notified_at = models.DateTimeField(null=True, blank=True)

    objects = RedFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("cảnh báo đỏ")
        verbose_name_plural = _("cảnh báo đỏ")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind"],
                condition=Q(resolved_at__isnull=True),
                name="uniq_open_red_flag",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "resolved_at"], name="redflag_kind_open"),
            models.Index(fields=["subtask", "resolved_at"], name="redflag_subtask_open"),
            models.Index(fields=["unit", "resolved_at"], name="redflag_unit_open"),
            models.Index(
                fields=["raised_at"], condition=Q(notified_at__isnull=True), name="redflag_unnotified"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message_vi}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def current_message(self, today: datetime.date | None = None) -> str:
        """The message as of today for an open flag: overdue days keep counting, expected progress
        keeps growing (and the latest reported completion is read live when the selector
        annotated it as `live_actual`). A resolved flag says what it said when raised."""
        if not self.is_open:
            return self.message_vi
        today = today or timezone.localdate()
        numbers = self.numbers or {}
        if self.kind == FlagKind.OVERDUE and numbers.get("deadline"):
            deadline = datetime.date.fromisoformat(numbers["deadline"])
            return overdue_message(days=(today - deadline).days, deadline=deadline)
        if self.kind == FlagKind.LAGGING and numbers.get("start") and numbers.get("deadline"):
            start = datetime.date.fromisoformat(numbers["start"])
            total = (datetime.date.fromisoformat(numbers["deadline"]) - start).days
            day = (today - start).days
            if total <= 0:
                return self.message_vi
            actual = getattr(self, "live_actual", None)
            return lagging_message(
                expected=max(0.0, min(1.0, day / total)) * 100,
                day=max(0, min(day, total)),
                total_days=total,
                actual=float(numbers.get("actual", 0) if actual is None else actual),
            )
        return self.message_vi


def overdue_message(*, days: int, deadline: datetime.date) -> str:
    return f"Quá hạn {days} ngày (thời hạn {deadline:%d/%m/%Y}), chưa hoàn thành."


def lagging_message(*, expected: float, day: int, total_days: int, actual: float) -> str:
    # "90/150 days gone" reads at a glance; "at day 90/150" did not (a reviewer's finding).
    return (
        f"Chậm tiến độ: đã qua {day}/{total_days} ngày thực hiện, dự kiến đạt {_pct(expected)} %, "
        f"báo cáo mới {_pct(actual)} %."
    )


def quality_message(*, returned_on: datetime.date | None, reason: str) -> str:
    when = f" ngày {returned_on:%d/%m/%Y}" if returned_on else ""
    why = f": {reason}" if reason else ""
    return f"Đề nghị hoàn thành bị trả lại{when} (chờ hoàn thiện){why}"


def no_report_message(*, period_label: str, due_date: datetime.date) -> str:
    return f"Chưa gửi báo cáo {period_label.lower()} (hạn {due_date:%d/%m/%Y})."


def _pct(value: float) -> str:
    rounded = round(float(value), 2)
    return f"{rounded:g}".replace(".", ",")

"""Red flags (DESIGN.md, seed 002 section III.2.3): raised and resolved by the sweep (kpis/sweep.py).

A flag is an event row, like healthchecks' Flip: it is never updated except to be resolved, so
the history of a lead assignment's flags stays. At most one flag of a kind is open per
assignment (a partial unique constraint), which is what lets two sweeps run at once.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import get_language, gettext
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
        """The message as of today, in the active language, for an open flag: overdue days keep
        counting, expected progress keeps growing (and the latest reported completion is read live
        when the selector annotated it as `live_actual`). A resolved flag says what it said when
        raised. The stored `message_vi` (what official reports print) is Vietnamese whatever the
        language; an English page writes the same numbers in English."""
        numbers = self.numbers or {}
        if self.is_open:
            today = today or timezone.localdate()
            if self.kind == FlagKind.OVERDUE and numbers.get("deadline"):
                deadline = datetime.date.fromisoformat(numbers["deadline"])
                return overdue_message(days=(today - deadline).days, deadline=deadline)
            if self.kind == FlagKind.LAGGING and numbers.get("start") and numbers.get("deadline"):
                start = datetime.date.fromisoformat(numbers["start"])
                deadline = datetime.date.fromisoformat(numbers["deadline"])
                total, day = (deadline - start).days, (today - start).days
                actual = getattr(self, "live_actual", None)
                return lagging_message(
                    expected=max(0.0, min(1.0, day / total)) * 100 if total > 0 else 100.0,
                    day=max(0, min(day, total)),
                    total_days=total,
                    actual=float(numbers.get("actual", 0) if actual is None else actual),
                    deadline=deadline,
                )
        if (get_language() or "vi").startswith("vi"):
            return self.message_vi
        try:
            return message_for(self.kind, numbers)
        except (KeyError, TypeError, ValueError):  # a flag whose numbers predate a field: as stored
            return self.message_vi


def message_for(kind: str, n: dict) -> str:
    """A flag's message written from its numbers, in the active language (the sweep writes
    `message_vi` with this under Vietnamese)."""
    if kind == FlagKind.OVERDUE:
        return overdue_message(days=n["days_overdue"], deadline=datetime.date.fromisoformat(n["deadline"]))
    if kind == FlagKind.LAGGING:
        return lagging_message(
            expected=n["expected"],
            day=n["day"],
            total_days=n["total_days"],
            actual=n["actual"],
            deadline=datetime.date.fromisoformat(n["deadline"]) if n.get("deadline") else None,
        )
    if kind == FlagKind.QUALITY:
        returned = datetime.date.fromisoformat(n["returned_on"]) if n["returned_on"] else None
        return quality_message(returned_on=returned, reason=n["reason"])
    return no_report_message(
        period_label=_month_label(n), due_date=datetime.date.fromisoformat(n["due_date"])
    )


def _month_label(n: dict) -> str:
    """The missed month as Period.label words it, in the active language (older flags: as stored)."""
    if not n.get("period_start"):
        return n["period"]
    month = datetime.date.fromisoformat(n["period_start"])
    return gettext("Tháng %(month)02d/%(year)s") % {"month": month.month, "year": month.year}


def overdue_message(*, days: int, deadline: datetime.date) -> str:
    return gettext("Quá hạn %(days)s ngày (thời hạn %(deadline)s), chưa hoàn thành.") % {
        "days": days,
        "deadline": f"{deadline:%d/%m/%Y}",
    }


def lagging_message(
    *, expected: float, day: int, total_days: int, actual: float, deadline: datetime.date | None = None
) -> str:
    if total_days <= 0 and deadline is not None:
        # A deadline on or before the start ("30/9/2025 (đã thực hiện)" in a plan starting in
        # November): no span of days to count, 100 % expected once it has passed.
        return gettext(
            "Chậm tiến độ: đã hết thời hạn %(deadline)s, dự kiến đạt %(expected)s %%, báo cáo mới %(actual)s %%."
        ) % {"deadline": f"{deadline:%d/%m/%Y}", "expected": _pct(expected), "actual": _pct(actual)}
    # "90/150 days gone" reads at a glance; "at day 90/150" did not (a reviewer's finding).
    return gettext(
        "Chậm tiến độ: đã qua %(day)s/%(total)s ngày thực hiện, dự kiến đạt %(expected)s %%, "
        "báo cáo mới %(actual)s %%."
    ) % {"day": day, "total": total_days, "expected": _pct(expected), "actual": _pct(actual)}


def quality_message(*, returned_on: datetime.date | None, reason: str) -> str:
    if returned_on and reason:
        text = gettext("Đề nghị hoàn thành bị trả lại ngày %(date)s (chờ hoàn thiện): %(reason)s")
    elif returned_on:
        text = gettext("Đề nghị hoàn thành bị trả lại ngày %(date)s (chờ hoàn thiện)")
    elif reason:
        text = gettext("Đề nghị hoàn thành bị trả lại (chờ hoàn thiện): %(reason)s")
    else:
        text = gettext("Đề nghị hoàn thành bị trả lại (chờ hoàn thiện)")
    return text % {"date": f"{returned_on:%d/%m/%Y}" if returned_on else "", "reason": reason}


def no_report_message(*, period_label: str, due_date: datetime.date) -> str:
    return gettext("Chưa gửi báo cáo %(period)s (hạn %(due)s).") % {
        "period": period_label.lower(),
        "due": f"{due_date:%d/%m/%Y}",
    }


def _pct(value: float) -> str:
    rounded = round(float(value), 2)
    return f"{rounded:g}".replace(".", get_format("DECIMAL_SEPARATOR"))

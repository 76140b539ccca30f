"""What a report covers: kind, months, plans, unit, and the instant its figures are taken at."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from kpis.models import QUARTER_NUMERALS, Period, PeriodKind
from tasks.models import Plan, PlanStatus
from tasks.selectors import end_of_day
from units.models import Unit


class ScopeError(ValueError):
    """The choices do not make a report (a period of another plan, a draft plan, …)."""


@dataclass(frozen=True)
class ReportScope:
    kind: str
    period_id: int
    plan_id: int | None  # None: every plan (not draft) that has this period
    unit_id: int | None  # None: the whole province
    plan_ids: tuple[int, ...]
    start: datetime.date
    end: datetime.date
    cutoff: datetime.date

    @property
    def cutoff_at(self) -> datetime.datetime:
        """The last instant of the cut-off day, local time: what was done on that day counts."""
        return end_of_day(self.cutoff)

    @property
    def label(self) -> str:
        return period_label(self.kind, self.end)

    @property
    def period_words(self) -> str:
        """ "quý I năm 2026" / "tháng 3 năm 2026", as a title reads."""
        if self.kind == PeriodKind.QUARTERLY:
            return f"quý {QUARTER_NUMERALS[(self.end.month - 1) // 3 + 1]} năm {self.end.year}"
        return f"tháng {self.end.month} năm {self.end.year}"

    @property
    def next_period(self) -> tuple[datetime.date, datetime.date]:
        months = 3 if self.kind == PeriodKind.QUARTERLY else 1
        start = self.end + datetime.timedelta(days=1)
        month = start.month + months - 1
        year = start.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return start, datetime.date(year, month, calendar.monthrange(year, month)[1])

    def to_json(self) -> dict:
        next_start, next_end = self.next_period
        return {
            "kind": self.kind,
            "period_id": self.period_id,
            "plan_id": self.plan_id,
            "unit_id": self.unit_id,
            "plan_ids": list(self.plan_ids),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "cutoff": self.cutoff.isoformat(),
            "cutoff_at": self.cutoff_at.isoformat(),
            "period_label": self.label,
            "period_words": self.period_words,
            "next_start": next_start.isoformat(),
            "next_end": next_end.isoformat(),
            "next_label": period_label(self.kind, next_end),
        }


def period_label(kind: str, end: datetime.date) -> str:
    if kind == PeriodKind.QUARTERLY:
        return f"Quý {QUARTER_NUMERALS[(end.month - 1) // 3 + 1]}/{end.year}"
    return f"Tháng {end.month:02d}/{end.year}"


def reportable_plans():
    """Plans a report may cover: in force, or closed (a closed plan's old quarters stay reportable)."""
    return Plan.objects.exclude(status=PlanStatus.DRAFT)


def resolve_scope(
    *, kind: str, period: Period, plan: Plan | None = None, unit: Unit | None = None
) -> ReportScope:
    if kind not in PeriodKind.values:
        raise ScopeError("Loại báo cáo không hợp lệ.")
    if period.kind != kind:
        raise ScopeError("Kỳ báo cáo không đúng loại báo cáo đã chọn.")
    if plan is not None:
        if period.plan_id != plan.pk:
            raise ScopeError("Kỳ báo cáo không thuộc kế hoạch đã chọn.")
        if plan.status == PlanStatus.DRAFT:
            raise ScopeError("Kế hoạch còn là dự thảo.")
        return ReportScope(
            kind=kind,
            period_id=period.pk,
            plan_id=plan.pk,
            unit_id=unit.pk if unit else None,
            plan_ids=(plan.pk,),
            start=period.start,
            end=period.end,
            cutoff=period.cutoff,
        )
    # All plans: the same months of every reportable plan. A plan that started inside the period
    # has a clipped start; the report covers from the earliest start, cut off at the chosen date.
    same = list(
        Period.objects.filter(kind=kind, end=period.end, plan__in=reportable_plans())
        .order_by("plan_id")
        .values_list("plan_id", "start")
    )
    if not same:
        raise ScopeError("Không có kế hoạch nào đang thực hiện trong kỳ này.")
    return ReportScope(
        kind=kind,
        period_id=period.pk,
        plan_id=None,
        unit_id=unit.pk if unit else None,
        plan_ids=tuple(p for p, _ in same),
        start=min(s for _, s in same),
        end=period.end,
        cutoff=period.cutoff,
    )

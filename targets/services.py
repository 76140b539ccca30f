"""Every change to a plan's targets: the secretariat enters them (or imports them, targets.importing),
a responsible unit reports a value per period with its evidence, a reviewer approves it or returns
it with a reason. Keyword-only, one transaction, an audit event each, `now=`.

A decision is a conditional update on the version the reviewer saw (as a claim's is): two reviewers
cannot both decide one value, and a value reported again meanwhile is not decided unseen.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from evidence.permissions import may_review
from evidence.services.attachments import attach_checked, checked_uploads
from evidence.services.review import MAX_REASON, checked_return_reason, return_reason_text
from kpis.models import PeriodKind
from units.permissions import is_secretariat

from .models import (
    Accumulation,
    Milestone,
    Target,
    TargetDirection,
    TargetValue,
    ValueStatus,
)
from .progress import share_value

FOLDER = "targets"


def may_report_on(user, target: Target) -> bool:
    """The responsible units' staff and heads report a target's values; the secretariat may too."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_secretariat:
        return True
    if not target.plan.is_visible_to(user):
        return False
    return user.is_unit_member and target.units.filter(pk=user.unit_id).exists()


def _target_errors(
    *, code, text, measure, direction, accumulation, milestones, baseline_value, baseline_date
):
    errors = {}
    if not (code or "").strip():
        errors["code"] = _("Vui lòng nhập mã chỉ tiêu.")
    if not (text or "").strip():
        errors["text"] = _("Vui lòng nhập nội dung chỉ tiêu.")
    if not (measure or "").strip():
        errors["measure"] = _("Vui lòng nhập đơn vị tính.")
    if direction not in TargetDirection.values:
        errors["direction"] = _("Chiều của chỉ tiêu không hợp lệ.")
    if accumulation not in Accumulation.values:
        errors["accumulation"] = _("Cách cộng các kỳ không hợp lệ.")
    if not milestones:
        errors["milestones"] = _("Chỉ tiêu cần ít nhất một mốc (giá trị và thời hạn).")
    days = [day for _value, day in milestones]
    if len(set(days)) != len(days):
        errors["milestones"] = _("Hai mốc của một chỉ tiêu không được trùng thời hạn.")
    if (baseline_value is None) != (baseline_date is None):
        errors["baseline_value"] = _("Giá trị nền cần đi kèm ngày của nó.")
    elif baseline_date and days and min(days) <= baseline_date:
        errors["baseline_date"] = _("Ngày của giá trị nền phải trước mốc đầu tiên.")
    return errors


@transaction.atomic
def target_save(
    *,
    plan,
    code: str,
    text: str,
    measure: str,
    is_share: bool = False,
    direction: str = TargetDirection.AT_LEAST,
    accumulation: str = Accumulation.CUMULATIVE,
    baseline_value: Decimal | None = None,
    baseline_date: datetime.date | None = None,
    milestones: list[tuple[Decimal, datetime.date]],
    units,
    data_source: str = "",
    group: str = "",
    order: int | None = None,
    target: Target | None = None,
    actor,
    now=None,
) -> Target:
    """Enter a target (or change `target`): its milestones are replaced by `milestones`."""
    now = now or timezone.now()
    if not is_secretariat(actor):
        raise PermissionDenied
    units = list(units)
    milestones = [(Decimal(v), d) for v, d in milestones]
    errors = _target_errors(
        code=code,
        text=text,
        measure=measure,
        direction=direction,
        accumulation=accumulation,
        milestones=milestones,
        baseline_value=baseline_value,
        baseline_date=baseline_date,
    )
    if not units:
        errors["units"] = _("Chọn ít nhất một đơn vị chịu trách nhiệm.")
    code = (code or "").strip()
    clash = Target.objects.filter(plan=plan, code=code)
    if target is not None:
        clash = clash.exclude(pk=target.pk)
    if code and clash.exists():
        errors["code"] = _("Kế hoạch đã có chỉ tiêu mã %(code)s.") % {"code": code}
    if errors:
        raise ValidationError(errors)
    before = None
    if target is None:
        target = Target(plan=plan, created_by=actor, created_at=now)
        if order is None:
            order = (
                Target.objects.filter(plan=plan).order_by("-order").values_list("order", flat=True).first()
                or 0
            ) + 1
    else:
        before = {"code": target.code, "text": target.text}
    target.code = code
    target.text = text.strip()
    target.measure = measure.strip()
    target.is_share = bool(is_share)
    target.direction = direction
    target.accumulation = accumulation
    target.baseline_value = baseline_value
    target.baseline_date = baseline_date
    target.data_source = (data_source or "").strip()
    target.group = (group or "").strip()
    if order is not None:
        target.order = order
    target.updated_at = now
    target.full_clean(exclude=["units", "plan"])
    target.save()
    target.units.set(units)
    target.milestones.all().delete()
    Milestone.objects.bulk_create(
        Milestone(target=target, value=v, due_date=d) for v, d in sorted(milestones, key=lambda m: m[1])
    )
    audit_record(
        actor=actor,
        action="targets.save",
        obj=target,
        changes={
            "plan": plan.pk,
            "code": [before and before["code"], code],
            "milestones": [f"{v} · {d:%d/%m/%Y}" for v, d in milestones],
            "units": [u.pk for u in units],
        },
        now=now,
    )
    return target


def _check_period(target: Target, period, actor, today: datetime.date) -> None:
    if period.plan_id != target.plan_id or period.kind != PeriodKind.MONTHLY:
        raise ValidationError({"period": _("Chọn một kỳ báo cáo tháng của kế hoạch này.")})
    if period.start > today:
        raise ValidationError({"period": _("Kỳ %(label)s chưa bắt đầu.") % {"label": period.label}})
    if period.refuses_reports_from(actor):
        raise ValidationError(
            {"period": _("Kỳ %(label)s đã khóa, không nhận báo cáo mới.") % {"label": period.label}}
        )


def _figures(target: Target, value, numerator, denominator) -> tuple[Decimal, Decimal | None, Decimal | None]:
    if target.is_share:
        errors = {}
        if numerator is None:
            errors["numerator"] = _("Chỉ tiêu là tỷ lệ: vui lòng nhập tử số.")
        elif Decimal(numerator) < 0:
            errors["numerator"] = _("Tử số không được âm.")
        if denominator is None:
            errors["denominator"] = _("Chỉ tiêu là tỷ lệ: vui lòng nhập mẫu số.")
        elif Decimal(denominator) <= 0:
            errors["denominator"] = _("Mẫu số phải lớn hơn 0.")
        if errors:
            raise ValidationError(errors)
        numerator, denominator = Decimal(numerator), Decimal(denominator)
        if numerator > denominator:
            raise ValidationError({"numerator": _("Tử số không được lớn hơn mẫu số.")})
        return share_value(numerator, denominator), numerator, denominator
    if value is None:
        raise ValidationError({"value": _("Vui lòng nhập giá trị đạt được.")})
    if Decimal(value) < 0:
        raise ValidationError({"value": _("Giá trị không được âm.")})
    return Decimal(value), None, None


@transaction.atomic
def target_value_report(
    *,
    target: Target,
    unit,
    period,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    note: str = "",
    uploads=(),
    actor,
    now=None,
) -> TargetValue:
    """A responsible unit reports the target's value for `period` (a share: its numerator and
    denominator, the value computed from them) with evidence; it waits for review. Reporting the
    same period again replaces the figures, adds the files and goes back to review."""
    now = now or timezone.now()
    if not may_report_on(actor, target) or not target.units.filter(pk=unit.pk).exists():
        raise PermissionDenied
    if not actor.is_secretariat and actor.unit_id != unit.pk:
        raise PermissionDenied
    _check_period(target, period, actor, timezone.localdate(now))
    value, numerator, denominator = _figures(target, value, numerator, denominator)
    existing = TargetValue.objects.select_for_update().filter(target=target, unit=unit, period=period).first()
    checked = checked_uploads(uploads)
    if not checked and (existing is None or not existing.files.exists()):
        raise ValidationError({"evidence": _("Vui lòng đính kèm ít nhất một tệp minh chứng cho số liệu.")})
    before = None
    if existing is None:
        row = TargetValue(target=target, unit=unit, period=period)
    else:
        row = existing
        before = {"value": str(row.value), "status": row.status, "version": row.version}
        row.version += 1
    row.value, row.numerator, row.denominator = value, numerator, denominator
    row.note = (note or "").strip()
    row.status = ValueStatus.SUBMITTED
    row.reported_by, row.reported_at = actor, now
    row.reviewer = row.decided_at = None
    row.reason_code = row.reason_text = ""
    row.save()
    added = attach_checked(checked, files=row.files, folder=FOLDER, actor=actor, now=now)
    audit_record(
        actor=actor,
        action="targets.report",
        obj=row,
        changes={
            "target": target.pk,
            "unit": unit.pk,
            "period": period.label,
            "value": [before and before["value"], str(value)],
            "numerator": [None, None if numerator is None else str(numerator)],
            "denominator": [None, None if denominator is None else str(denominator)],
            "status": [before and before["status"], ValueStatus.SUBMITTED],
            "evidence": [f.original_name for f in added],
        },
        now=now,
    )
    return row


def _decide(
    *, row: TargetValue, version: int | None, reviewer, status: str, reason_code="", reason_text="", now
):
    if not may_review(reviewer) or not (reviewer.is_secretariat or row.target.plan.is_visible_to(reviewer)):
        raise PermissionDenied
    wanted = TargetValue.objects.filter(pk=row.pk, status=ValueStatus.SUBMITTED)
    if version is not None:
        wanted = wanted.filter(version=version)
    changed = wanted.update(
        status=status, reviewer=reviewer, decided_at=now, reason_code=reason_code, reason_text=reason_text
    )
    if not changed:
        raise ValidationError(
            {
                "__all__": ValidationError(
                    _(
                        "Số liệu này đã được thẩm định hoặc đơn vị vừa báo cáo lại; kết luận của bạn chưa được ghi. Hãy xem lại."
                    ),
                    code="stale",
                )
            }
        )
    row.refresh_from_db()
    audit_record(
        actor=reviewer,
        action=f"targets.{'approve' if status == ValueStatus.APPROVED else 'return'}",
        obj=row,
        changes={"status": [ValueStatus.SUBMITTED, status], "version": row.version, "reason": reason_text},
        now=now,
    )
    return row


@transaction.atomic
def target_value_approve(
    *, target_value: TargetValue, reviewer, note: str = "", version: int | None = None, now=None
):
    """The value counts from now on (dashboard, report)."""
    now = now or timezone.now()
    return _decide(
        row=target_value,
        version=version,
        reviewer=reviewer,
        status=ValueStatus.APPROVED,
        reason_text=(note or "").strip()[:MAX_REASON],
        now=now,
    )


@transaction.atomic
def target_value_return(
    *,
    target_value: TargetValue,
    reviewer,
    reason_code: str,
    reason_text: str,
    version: int | None = None,
    now=None,
):
    """Returned for completion, with a reason from the claims' list and the reviewer's words."""
    now = now or timezone.now()
    reason_text = checked_return_reason(reason_code, reason_text)
    row = _decide(
        row=target_value,
        version=version,
        reviewer=reviewer,
        status=ValueStatus.RETURNED,
        reason_code=reason_code,
        reason_text=reason_text,
        now=now,
    )
    row.reason_words = return_reason_text(reason_code, reason_text)
    return row

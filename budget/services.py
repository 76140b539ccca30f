"""Every change to a budget: the secretariat gives and adjusts allocations, the lead unit reports
what it disbursed each period. Keyword-only, one transaction, an audit event each, `now=`.

The one rule of money: the cumulative disbursed of an allocation line never exceeds the line's
current allocation (the sum of its decisions). A disbursement above it is refused until a decision
raises the allocation; a cut below what was already disbursed is refused too.
"""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from evidence.services.attachments import attach_checked, checked_uploads
from kpis.models import PeriodKind
from tasks.models import AssignmentRole
from units.permissions import can_report_on, is_secretariat

from .models import Adjustment, Allocation, BudgetLevel, Disbursement, SpendingKind
from .money import dong

log = logging.getLogger(__name__)

# Disbursement evidence lives under this folder of the private storage.
FOLDER = "budget"


def allocated(allocation: Allocation) -> Decimal:
    return allocation.adjustments.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def disbursed(allocation: Allocation, *, leaving_out_period=None) -> Decimal:
    rows = allocation.disbursements.all()
    if leaving_out_period is not None:
        rows = rows.exclude(period=leaving_out_period)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def _locked(allocation: Allocation) -> Allocation:
    # One writer at a time per line: two disbursements (or a cut and a disbursement) checked
    # against the same allocation cannot both pass on stale totals.
    return Allocation.objects.select_for_update().get(pk=allocation.pk)


@transaction.atomic
def allocation_adjust(
    *,
    assignment,
    year: int,
    kind: str,
    level: str,
    decision_number: str,
    decision_date: datetime.date,
    amount: Decimal,
    reason: str = "",
    actor,
    now=None,
) -> Adjustment:
    """Record a decision giving (the line's first) or changing (+/−) the allocation of a lead
    assignment's line (year, kind, level); the line is made by its first decision."""
    now = now or timezone.now()
    if not is_secretariat(actor):
        raise PermissionDenied
    if assignment.role != AssignmentRole.LEAD:
        raise ValidationError(_("Chỉ giao dự toán cho đơn vị chủ trì."))
    if kind not in SpendingKind.values or level not in BudgetLevel.values:
        raise ValidationError(_("Loại chi hoặc cấp ngân sách không hợp lệ."))
    amount = Decimal(amount)
    decision_number = (decision_number or "").strip()
    errors = {}
    if not decision_number:
        errors["decision_number"] = _("Vui lòng nhập số quyết định.")
    if amount == 0:
        errors["amount"] = _("Số tiền điều chỉnh phải khác 0.")
    if errors:
        raise ValidationError(errors)
    allocation, created = Allocation.objects.get_or_create(
        assignment=assignment,
        year=year,
        kind=kind,
        level=level,
        defaults={"created_by": actor, "created_at": now},
    )
    allocation = _locked(allocation)
    before = allocated(allocation)
    after = before + amount
    if after < 0:
        raise ValidationError(
            {
                "amount": _("Dự toán sau điều chỉnh không được âm: hiện là %(before)s, giảm %(cut)s.")
                % {"before": dong(before), "cut": dong(-amount)}
            }
        )
    spent = disbursed(allocation)
    if after < spent:
        raise ValidationError(
            {
                "amount": _(
                    "Không giảm được dự toán xuống %(after)s: đơn vị đã giải ngân %(spent)s theo dòng dự toán này."
                )
                % {"after": dong(after), "spent": dong(spent)}
            }
        )
    adjustment = Adjustment(
        allocation=allocation,
        decision_number=decision_number,
        decision_date=decision_date,
        amount=amount,
        reason=(reason or "").strip(),
        created_by=actor,
        created_at=now,
    )
    adjustment.full_clean()
    adjustment.save()
    audit_record(
        actor=actor,
        action="budget.adjust",
        obj=allocation,
        changes={
            "assignment": assignment.pk,
            "decision": [None, f"{decision_number} ({decision_date:%d/%m/%Y})"],
            "amount": [None, str(amount)],
            "allocated": [str(before), str(after)],
        },
        now=now,
    )
    return adjustment


def _check_period(allocation: Allocation, period, actor, today: datetime.date) -> None:
    if period.plan_id != allocation.assignment.subtask.plan_id or period.kind != PeriodKind.MONTHLY:
        raise ValidationError({"period": _("Chọn một kỳ báo cáo tháng của kế hoạch này.")})
    if period.start > today:
        raise ValidationError({"period": _("Kỳ %(label)s chưa bắt đầu.") % {"label": period.label}})
    if period.end.year != allocation.year:
        raise ValidationError(
            {
                "period": _("Kỳ %(label)s không thuộc năm ngân sách %(year)s của dòng dự toán này.")
                % {"label": period.label, "year": allocation.year}
            }
        )
    if period.refuses_reports_from(actor):
        raise ValidationError(
            {"period": _("Kỳ %(label)s đã khóa, không nhận báo cáo mới.") % {"label": period.label}}
        )


@transaction.atomic
def disbursement_report(
    *, allocation: Allocation, period, amount: Decimal, note: str = "", uploads=(), actor, now=None
) -> Disbursement:
    """The lead unit reports what it disbursed against `allocation` in `period` (that period's own
    amount), with its evidence. Reporting the same period again replaces the amount and adds the
    files."""
    now = now or timezone.now()
    assignment = allocation.assignment
    if not can_report_on(actor, assignment):
        raise PermissionDenied
    allocation = _locked(allocation)
    allocation.assignment = assignment
    _check_period(allocation, period, actor, timezone.localdate(now))
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Số tiền giải ngân trong kỳ phải lớn hơn 0.")})
    budget = allocated(allocation)
    total = disbursed(allocation, leaving_out_period=period) + amount
    if total > budget:
        raise ValidationError(
            {
                "amount": _(
                    "Không nhận số giải ngân này: lũy kế giải ngân sẽ là %(total)s, vượt dự toán được giao "
                    "%(budget)s (vượt %(over)s). Đề nghị Thường trực điều chỉnh tăng dự toán trước khi báo cáo."
                )
                % {"total": dong(total), "budget": dong(budget), "over": dong(total - budget)}
            }
        )
    existing = Disbursement.objects.filter(allocation=allocation, period=period).first()
    checked = checked_uploads(uploads)
    if not checked and (existing is None or not existing.files.exists()):
        raise ValidationError({"evidence": _("Vui lòng đính kèm ít nhất một tệp minh chứng giải ngân.")})
    before = str(existing.amount) if existing else None
    if existing is None:
        disbursement = Disbursement.objects.create(
            allocation=allocation,
            period=period,
            amount=amount,
            note=(note or "").strip(),
            reported_by=actor,
            reported_at=now,
        )
    else:
        disbursement = existing
        disbursement.amount = amount
        disbursement.note = (note or "").strip() or disbursement.note
        disbursement.reported_by = actor
        disbursement.reported_at = now
        disbursement.save()
    added = attach_checked(checked, files=disbursement.files, folder=FOLDER, actor=actor, now=now)
    audit_record(
        actor=actor,
        action="budget.disburse",
        obj=disbursement,
        changes={
            "assignment": assignment.pk,
            "period": period.label,
            "amount": [before, str(amount)],
            "disbursed": [str(total - amount + Decimal(before or 0)), str(total)],
            "evidence": [f.original_name for f in added],
        },
        now=now,
    )
    return disbursement

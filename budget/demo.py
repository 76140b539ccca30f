"""The demo's budget (load_demo, tasks/demo): a few lead units given allocations by decision at the
start of each budget year, one raised and one cut mid-year, and disbursements reported each month
with a payment document, as seed 001 §10 tells them (slow recurrent spending, faster investment).

Everything goes through the services, so the amounts obey the same rules as a user's.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from tasks.demo.files import pdf_bytes
from tasks.models import Assignment, AssignmentRole
from units.models import UnitKind

from .models import BudgetLevel, SpendingKind
from .services import allocated, allocation_adjust, disbursed, disbursement_report

TY = Decimal(10) ** 9
TRIEU = Decimal(10) ** 6
# How many lead assignments carry money, at most: departments and communes.
DEPARTMENTS, COMMUNES = 6, 4


def _lines(assignment, rng) -> list[tuple[str, str, Decimal]]:
    """(kind, level, yearly amount) of one assignment's budget."""
    if assignment.unit.kind == UnitKind.COMMUNE:
        return [(SpendingKind.DEVELOPMENT, BudgetLevel.COMMUNE, Decimal(450) * TRIEU)]
    lines = [(SpendingKind.RECURRENT, BudgetLevel.PROVINCE, Decimal(rng.randrange(8, 60)) * TY)]
    if rng.random() < 0.7:
        lines.append((SpendingKind.DEVELOPMENT, BudgetLevel.PROVINCE, Decimal(rng.randrange(40, 160)) * TY))
    if rng.random() < 0.2:
        lines.append((SpendingKind.DEVELOPMENT, BudgetLevel.CENTRAL, Decimal(rng.randrange(10, 40)) * TY))
    return lines


def _chosen(plan, staff: dict) -> list[Assignment]:
    leads = (
        Assignment.objects.filter(subtask__plan=plan, role=AssignmentRole.LEAD, unit_id__in=list(staff))
        .select_related("unit", "subtask__plan")
        .order_by("subtask__order", "unit__name")
    )
    departments, communes, seen = [], [], set()
    for a in leads:
        if a.unit.kind == UnitKind.COMMUNE and len(communes) < COMMUNES and a.unit_id not in seen:
            communes.append(a)
            seen.add(a.unit_id)
        elif (
            a.unit.kind == UnitKind.DEPARTMENT and len(departments) < DEPARTMENTS and a.subtask_id not in seen
        ):
            departments.append(a)
            seen.add(a.subtask_id)
    return departments + communes


def _upload(unit_name: str, period, amount: Decimal) -> SimpleUploadedFile:
    lines = [
        unit_name.upper(),
        f"Giay rut du toan / uy nhiem chi thang {period.end:%m/%Y}",
        f"So tien: {amount:,.0f} dong".replace(",", "."),
        "Kho bac Nha nuoc xac nhan",
    ]
    return SimpleUploadedFile(
        f"uy-nhiem-chi-{period.end:%Y-%m}.pdf", pdf_bytes(lines), content_type="application/pdf"
    )


def budget_story(*, plan, periods, secretariat, staff: dict, now: datetime.datetime, seed: int) -> int:
    """Give, adjust and disburse over the plan's monthly `periods` whose report is due by `now`.
    `staff`: unit id → the user who reports for it. Returns the number of disbursements."""
    from django.utils import timezone

    rng = random.Random(f"{seed}-budget")
    today = timezone.localdate(now)
    done = [p for p in periods if p.due_date < today]
    if not done:
        return 0
    chosen = _chosen(plan, staff)
    years = sorted({p.end.year for p in done})
    plans = {a.pk: _lines(a, rng) for a in chosen}
    count = 0
    for year in years:
        months = [p for p in done if p.end.year == year]
        given = (
            datetime.date(year, 1, 1)
            if year != months[0].start.year or months[0].start.month == 1
            else months[0].start
        )
        moment = timezone.make_aware(datetime.datetime.combine(given, datetime.time(9)))
        lines = []
        for number, a in enumerate(chosen, start=1):
            for kind, level, amount in plans[a.pk]:
                adjustment = allocation_adjust(
                    assignment=a,
                    year=year,
                    kind=kind,
                    level=level,
                    decision_number=f"{100 + number}/QĐ-UBND",
                    decision_date=given,
                    amount=amount,
                    reason="Giao dự toán năm",
                    actor=secretariat,
                    now=moment,
                )
                lines.append(adjustment.allocation)
        # Investment disburses faster than recurrent spending (seed 001: 45,6% against 12% by September).
        pace = {SpendingKind.RECURRENT: Decimal("0.02"), SpendingKind.DEVELOPMENT: Decimal("0.06")}
        for index, period in enumerate(months):
            reported = timezone.make_aware(
                datetime.datetime.combine(min(period.due_date, today), datetime.time(10))
            )
            if index == len(months) // 2 and lines:
                raised, cut = lines[0], lines[-1]
                allocation_adjust(
                    assignment=raised.assignment,
                    year=year,
                    kind=raised.kind,
                    level=raised.level,
                    decision_number="215/QĐ-UBND",
                    decision_date=period.start,
                    amount=allocated(raised) // 10,
                    reason="Bổ sung dự toán giữa năm",
                    actor=secretariat,
                    now=reported,
                )
                spare = allocated(cut) - disbursed(cut)
                if spare > 10 * TRIEU:
                    allocation_adjust(
                        assignment=cut.assignment,
                        year=year,
                        kind=cut.kind,
                        level=cut.level,
                        decision_number="216/QĐ-UBND",
                        decision_date=period.start,
                        amount=-(spare // 10 // TRIEU * TRIEU),
                        reason="Điều chuyển dự toán",
                        actor=secretariat,
                        now=reported,
                    )
            for line in lines:
                if rng.random() < 0.25:
                    continue  # nothing paid that month
                share = pace[line.kind] * Decimal(1 + index) * Decimal(rng.randrange(60, 140)) / 100
                amount = (allocated(line) * min(share, Decimal("0.2")) // TRIEU) * TRIEU
                room = allocated(line) - disbursed(line)
                amount = min(amount, room // TRIEU * TRIEU)
                if amount <= 0:
                    continue
                user = staff[line.assignment.unit_id]
                disbursement_report(
                    allocation=line,
                    period=period,
                    amount=amount,
                    note="",
                    uploads=[_upload(line.assignment.unit.name, period, amount)],
                    actor=user,
                    now=reported,
                )
                count += 1
    return count

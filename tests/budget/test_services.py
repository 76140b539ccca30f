import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from budget.models import Adjustment, Allocation, Disbursement, DisbursementFile
from budget.services import allocated, allocation_adjust, disbursed, disbursement_report

from .world import NOW, TY, World, evidence

pytestmark = pytest.mark.django_db


def give(world, amount, *, assignment=None, kind="development", level="province", number="QĐ 1", day=None):
    return allocation_adjust(
        assignment=assignment or world.lead_a,
        year=2025,
        kind=kind,
        level=level,
        decision_number=number,
        decision_date=day or datetime.date(2025, 1, 10),
        amount=Decimal(amount),
        reason="",
        actor=world.secretariat,
        now=NOW,
    )


def disburse(world, allocation, m, amount, *, actor=None, files=None):
    return disbursement_report(
        allocation=allocation,
        period=world.months[m],
        amount=Decimal(amount),
        uploads=[evidence(text=f"UNC {m} {amount}")] if files is None else files,
        actor=actor or world.staff_a,
        now=NOW,
    )


def test_it_makes_the_allocation_the_sum_of_its_decisions():
    world = World()
    first = give(world, 10 * TY)
    give(world, 2 * TY, number="QĐ 2")
    give(world, -3 * TY, number="QĐ 3")
    line = first.allocation
    assert Allocation.objects.count() == 1
    assert allocated(line) == 9 * TY
    assert AuditEvent.objects.filter(action="budget.adjust").count() == 3


def test_it_sums_periods_as_their_own_amounts_and_replaces_a_period_reported_again():
    world = World()
    line = give(world, 10 * TY).allocation
    disburse(world, line, 3, 2 * TY)
    disburse(world, line, 6, Decimal("1500000000"))
    assert disbursed(line) == Decimal("3500000000")
    disburse(world, line, 6, Decimal("2500000000"), files=[])  # a correction: the period's files stay
    assert disbursed(line) == Decimal("4500000000")
    assert Disbursement.objects.count() == 2
    assert DisbursementFile.objects.count() == 2
    event = AuditEvent.objects.filter(action="budget.disburse").latest("pk")
    assert event.changes["amount"] == ["1500000000", "2500000000"]


def test_it_refuses_a_disbursement_above_the_allocation_until_the_allocation_is_raised():
    world = World()
    line = give(world, 10 * TY).allocation
    disburse(world, line, 3, 8 * TY)
    with pytest.raises(ValidationError) as refused:
        disburse(world, line, 4, 3 * TY)
    message = refused.value.message_dict["amount"][0]
    assert "vượt dự toán được giao 10.000.000.000 đồng" in message
    assert "11.000.000.000 đồng" in message
    assert "điều chỉnh tăng dự toán" in message
    assert disbursed(line) == 8 * TY  # nothing changed
    give(world, 1 * TY, number="QĐ bổ sung")
    disburse(world, line, 4, 3 * TY)
    assert disbursed(line) == 11 * TY


def test_it_refuses_a_cut_below_what_was_disbursed_and_a_negative_allocation():
    world = World()
    line = give(world, 10 * TY).allocation
    disburse(world, line, 3, 6 * TY)
    with pytest.raises(ValidationError) as refused:
        give(world, -5 * TY, number="QĐ giảm")
    assert "đã giải ngân 6.000.000.000 đồng" in refused.value.message_dict["amount"][0]
    with pytest.raises(ValidationError):
        give(world, -11 * TY, number="QĐ giảm")
    assert allocated(line) == 10 * TY
    give(world, -4 * TY, number="QĐ giảm")
    assert allocated(line) == 6 * TY


def test_it_refuses_what_is_not_a_disbursement():
    world = World()
    line = give(world, 10 * TY).allocation
    with pytest.raises(ValidationError) as no_file:
        disburse(world, line, 3, TY, files=[])
    assert "minh chứng" in no_file.value.message_dict["evidence"][0]
    with pytest.raises(ValidationError):
        disburse(world, line, 3, 0)
    with pytest.raises(ValidationError) as future:
        disbursement_report(
            allocation=line,
            period=world.months[10],
            amount=TY,
            uploads=[evidence()],
            actor=world.staff_a,
            now=NOW - datetime.timedelta(days=30),
        )
    assert "chưa bắt đầu" in future.value.message_dict["period"][0]
    with pytest.raises(ValidationError) as bad_file:
        disburse(world, line, 3, TY, files=[evidence(name="virus.exe")])
    assert bad_file.value.message_dict["evidence"]
    world.months[3].locked = True
    world.months[3].save()
    with pytest.raises(ValidationError):
        disburse(world, line, 3, TY)
    assert Disbursement.objects.count() == 0


def test_only_the_lead_unit_reports_and_only_the_secretariat_allocates():
    world = World()
    line = give(world, 10 * TY).allocation
    with pytest.raises(PermissionDenied):
        disburse(world, line, 3, TY, actor=world.staff_b)
    with pytest.raises(PermissionDenied):
        allocation_adjust(
            assignment=world.lead_a,
            year=2025,
            kind="recurrent",
            level="province",
            decision_number="x",
            decision_date=datetime.date(2025, 1, 1),
            amount=TY,
            actor=world.staff_a,
            now=NOW,
        )
    assert Adjustment.objects.count() == 1

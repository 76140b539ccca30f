import datetime
from decimal import Decimal

import pytest

from budget import selectors
from budget.services import allocation_adjust, disbursement_report

from .world import NOW, World, evidence

pytestmark = pytest.mark.django_db
TY = Decimal(10) ** 9


def give(world, assignment, kind, level, amount, day=datetime.date(2025, 1, 10)):
    return allocation_adjust(
        assignment=assignment,
        year=2025,
        kind=kind,
        level=level,
        decision_number="QĐ",
        decision_date=day,
        amount=amount,
        actor=world.secretariat,
        now=NOW,
    ).allocation


def pay(world, line, m, amount, actor):
    disbursement_report(
        allocation=line,
        period=world.months[m],
        amount=amount,
        uploads=[evidence(text=f"{m}{amount}")],
        actor=actor,
        now=NOW,
    )


def seed_001(world):
    """Seed 001 §10 in miniature: 288 tỷ recurrent, 720 tỷ development; 34,9 and 328,4 disbursed."""
    recurrent = give(world, world.lead_a, "recurrent", "province", 288 * TY)
    development_a = give(world, world.lead_a, "development", "province", 704 * TY)
    development_b = give(world, world.lead_b, "development", "commune", 16 * TY)
    pay(world, recurrent, 5, Decimal("20000000000"), world.staff_a)
    pay(world, recurrent, 9, Decimal("14900000000"), world.staff_a)
    pay(world, development_a, 9, Decimal("325400000000"), world.staff_a)
    pay(world, development_b, 8, 3 * TY, world.staff_b)


def test_it_rolls_up_by_kind_level_unit_and_section_in_exact_decimals():
    world = World()
    seed_001(world)
    by_kind = {r["key"]: r for r in selectors.rollup("kind", plans=world.plan)}
    assert by_kind["recurrent"]["allocated"] == 288 * TY
    assert by_kind["recurrent"]["disbursed"] == Decimal("34900000000")
    assert by_kind["development"]["disbursed"] == Decimal("328400000000")
    assert by_kind["development"]["rate"] == Decimal("45.61")
    by_level = {r["key"]: r["disbursed"] for r in selectors.rollup("level", plans=world.plan)}
    assert by_level == {"province": Decimal("360300000000"), "commune": 3 * TY}
    by_unit = selectors.rollup("unit", plans=world.plan)
    assert [r["label"] for r in by_unit] == ["Sở Khoa học và Công nghệ", "Sở Tài chính"]
    assert by_unit[0]["allocated"] == 992 * TY
    by_section = selectors.rollup("section", plans=world.plan)
    assert [r["label"] for r in by_section] == ["I. Nhiệm vụ chung", "II. Nhiệm vụ cụ thể"]
    total = selectors.totals(plans=world.plan)
    assert total == {"allocated": 1008 * TY, "disbursed": 363_300_000_000, "rate": Decimal("36.04")}


def test_a_roll_up_as_of_a_day_counts_decisions_and_periods_up_to_it():
    world = World()
    line = give(world, world.lead_a, "recurrent", "province", 10 * TY)
    allocation_adjust(
        assignment=world.lead_a,
        year=2025,
        kind="recurrent",
        level="province",
        decision_number="QĐ 2",
        decision_date=datetime.date(2025, 9, 20),
        amount=5 * TY,
        actor=world.secretariat,
        now=NOW,
    )
    pay(world, line, 7, 2 * TY, world.staff_a)
    pay(world, line, 9, 12 * TY, world.staff_a)
    early = selectors.totals(plans=world.plan, as_of=datetime.date(2025, 8, 31))
    assert (early["allocated"], early["disbursed"]) == (10 * TY, 2 * TY)
    late = selectors.totals(plans=world.plan, as_of=datetime.date(2025, 9, 30))
    assert (late["allocated"], late["disbursed"]) == (15 * TY, 14 * TY)


def test_a_unit_sees_its_own_lines_only():
    world = World()
    seed_001(world)
    mine = selectors.totals(user=world.staff_b, plans=world.plan)
    assert mine["allocated"] == 16 * TY
    assert selectors.totals(user=world.outsider, plans=world.plan)["allocated"] == 0
    assert selectors.allocation_lines(user=world.outsider).count() == 0
    assert selectors.allocation_lines(user=world.secretariat).count() == 3


def test_roll_ups_cost_the_same_queries_however_many_lines(django_assert_num_queries):
    world = World()
    seed_001(world)
    with django_assert_num_queries(2):
        selectors.rollup("section", plans=world.plan)
    for m in (1, 2, 3):
        line = give(world, world.lead_b, "recurrent", "central", TY)
        pay(world, line, m, Decimal(1000), world.staff_b)
    with django_assert_num_queries(2):
        selectors.rollup("unit", plans=world.plan)


def test_the_budget_paragraph_reads_as_seed_001():
    world = World()
    seed_001(world)
    text = selectors.budget_paragraph(world.plan, datetime.date(2025, 9, 30))
    lines = text.splitlines()
    assert lines[0] == (
        "+ Trong năm 2025, tổng dự toán chi ngân sách thực hiện kế hoạch được giao là 1.008 tỷ đồng "
        "(bao gồm: chi thường xuyên 288 tỷ đồng và chi đầu tư phát triển 720 tỷ đồng)."
    )
    assert lines[1] == (
        "+ Tính đến ngày 30/9/2025, tổng số vốn đã giải ngân đạt 363,3 tỷ đồng, tương đương 36% tổng dự "
        "toán được giao, trong đó: Chi thường xuyên: 34,9/288 tỷ đồng, đạt 12,1% dự toán đã phân bổ và "
        "Chi đầu tư phát triển: 328,4/720 tỷ đồng, đạt 45,6% dự toán đã phân bổ, cụ thể:"
    )
    assert lines[2].startswith("++ Ngân sách cấp tỉnh giải ngân 360,3 tỷ đồng")
    assert lines[3].startswith("++ Ngân sách cấp xã giải ngân 3 tỷ đồng")
    assert lines[3].endswith(".")
    # One unit's report speaks of its own money; a year without budget says nothing.
    assert "16 tỷ đồng" in selectors.budget_paragraph(
        world.plan, datetime.date(2025, 9, 30), unit=world.unit_b
    )
    assert selectors.budget_paragraph(world.plan, datetime.date(2026, 3, 31)) == ""


def test_the_official_report_carries_the_budget_part():
    from reports.assembly import assemble, build_document, default_narrative, resolve_scope

    world = World()
    seed_001(world)
    scope = resolve_scope(kind="monthly", period=world.months[9], plan=world.plan)
    inputs = assemble(scope)
    assert inputs["budget"] == selectors.budget_paragraph(world.plan, datetime.date(2025, 9, 30))
    header = {"date": "2025-10-20", "title": "Báo cáo", "issuing_body": "Ban Chỉ đạo"}
    document = build_document(inputs, header, default_narrative(inputs))
    texts = [getattr(block, "text", "") for block in document.sections[0].blocks]
    assert any(t.endswith("Kinh phí thực hiện") for t in texts)
    assert any(
        t.startswith("+ Tính đến ngày 30/9/2025, tổng số vốn đã giải ngân đạt 363,3 tỷ đồng") for t in texts
    )

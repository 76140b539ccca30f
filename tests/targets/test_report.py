"""The official report's "Kết quả thực hiện các chỉ tiêu" and the workbook's targets and budget."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports.assembly import assemble, build_document, default_narrative, resolve_scope
from reports.excel import appendix_workbook_bytes
from targets.services import target_save, target_value_approve, target_value_report
from tests.budget.test_selectors import seed_001
from tests.budget.world import NOW, World
from tests.factories import UserFactory
from units.models import Role

from .world import evidence

pytestmark = pytest.mark.django_db

BY_CUTOFF = timezone.make_aware(datetime.datetime(2025, 9, 30, 16, 0))


def _targets(world):
    reviewer = UserFactory(username="tham-dinh", unit=None, roles=[Role.REVIEWER])
    share = target_save(
        plan=world.plan, code="1.1.5", measure="%", is_share=True,
        text="Có ≥ 80% dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính đủ điều kiện",
        baseline_value=D(20), baseline_date=datetime.date(2025, 1, 1),
        milestones=[(D(80), datetime.date(2026, 1, 1)), (D(100), datetime.date(2030, 12, 31))],
        units=[world.unit_a], actor=world.secretariat, now=NOW,
    )  # fmt: skip
    count = target_save(
        plan=world.plan, code="1.2.2", measure="công nghệ/sản phẩm", accumulation="per_period",
        text="Làm chủ được ít nhất 03 công nghệ/sản phẩm chiến lược",
        milestones=[(D(3), datetime.date(2025, 9, 1))], units=[world.unit_b], actor=world.secretariat, now=NOW,
    )  # fmt: skip
    for target, unit, m, figures in (
        (share, world.unit_a, 9, {"numerator": D(1290), "denominator": D(2060)}),
        (count, world.unit_b, 6, {"value": D(2)}),
        (count, world.unit_b, 8, {"value": D(1)}),
    ):
        row = target_value_report(
            target=target, unit=unit, period=world.months[m], uploads=[evidence(text=f"{target.code} {m}")],
            actor=world.secretariat, now=BY_CUTOFF, **figures,
        )  # fmt: skip
        # Approved on September's last day: the September report (cut-off 30/9) counts them.
        target_value_approve(target_value=row, reviewer=reviewer, now=BY_CUTOFF)


def test_the_report_states_each_target_and_the_workbook_lists_targets_and_budget():
    world = World()
    seed_001(world)
    _targets(world)
    inputs = assemble(resolve_scope(kind="monthly", period=world.months[9], plan=world.plan))
    header = {"date": "2025-10-20", "title": "Báo cáo", "issuing_body": "Ban Chỉ đạo"}
    document = build_document(inputs, header, default_narrative(inputs))
    blocks = document.sections[0].blocks
    texts = [getattr(b, "text", "") for b in blocks]
    headings = [t for t in texts if t[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert headings[-2:] == ["3. Kết quả thực hiện các chỉ tiêu", "4. Kinh phí thực hiện"]
    assert (
        "Kế hoạch đề ra 2 chỉ tiêu; đến thời điểm báo cáo có 1 chỉ tiêu đạt mốc đề ra, 1 chỉ tiêu chậm so với lộ trình."
        in texts
    )
    assert (
        "- Có ≥ 80% dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính đủ điều kiện: tính đến ngày "
        "30/9/2025 đạt 62,62% (1.290/2.060), chưa đạt chỉ tiêu (≥ 80% trước ngày 01/01/2026)."
    ) in texts
    # Per period: 2 in June and 1 in August make 3 by 31/8, the milestone of 1/9 is met.
    assert (
        "- Làm chủ được ít nhất 03 công nghệ/sản phẩm chiến lược: tính đến ngày 31/8/2025 đạt "
        "3 công nghệ/sản phẩm, đạt chỉ tiêu (≥ 3 công nghệ/sản phẩm trước ngày 01/09/2025)."
    ) in texts
    table = next(b for b in blocks if getattr(b, "caption", "").endswith("Kết quả thực hiện các chỉ tiêu"))
    assert table.caption == "Bảng 3. Kết quả thực hiện các chỉ tiêu"
    assert table.rows[0][2:] == (
        "62,62% (1.290/2.060)",
        "30/9/2025",
        "Chưa đạt chỉ tiêu (chậm so với lộ trình)",
    )
    flags = next(b for b in document.sections[1].blocks if getattr(b, "caption", "").startswith("Bảng"))
    assert flags.caption.startswith("Bảng 4. Cảnh báo đỏ")

    wb = load_workbook(io.BytesIO(appendix_workbook_bytes(document, inputs)))
    assert "Bảng 3" in wb.sheetnames and "Kinh phí" in wb.sheetnames
    targets = list(wb["Bảng 3"].iter_rows(values_only=True))
    assert targets[0][0] == "Bảng 3. Kết quả thực hiện các chỉ tiêu"
    assert targets[2][1:] == ("≥ 80% trước ngày 01/01/2026", "62,62% (1.290/2.060)", "30/9/2025",
                              "Chưa đạt chỉ tiêu (chậm so với lộ trình)")  # fmt: skip
    money = list(wb["Kinh phí"].iter_rows(values_only=True))
    allocated = sum(r[7] for r in money[1:])
    disbursed = sum(r[8] for r in money[1:])
    assert (allocated, disbursed) == (
        sum(int(D(r["allocated"])) for r in inputs["budget_lines"]),
        sum(int(D(r["disbursed"])) for r in inputs["budget_lines"]),
    )
    assert disbursed == 363_300_000_000  # the paragraph's "363,3 tỷ đồng"


def test_a_value_approved_after_the_cut_off_is_not_in_the_report():
    """Report of September (cut-off 30/9): August's value approved on 30/9 counts; September's,
    approved on 1/10, does not, whenever the report is generated; October's report counts it."""
    world = World()
    reviewer = UserFactory(username="tham-dinh", unit=None, roles=[Role.REVIEWER])
    share = target_save(
        plan=world.plan, code="1.1.5", measure="%", is_share=True,
        text="Có ≥ 80% dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính đủ điều kiện",
        baseline_value=D(20), baseline_date=datetime.date(2025, 1, 1),
        milestones=[(D(80), datetime.date(2026, 1, 1))], units=[world.unit_a], actor=world.secretariat, now=NOW,
    )  # fmt: skip
    after_cutoff = timezone.make_aware(datetime.datetime(2025, 10, 1, 8, 0))
    for m, figures, decided in (
        (8, {"numerator": D(1000), "denominator": D(2000)}, BY_CUTOFF),
        (9, {"numerator": D(1290), "denominator": D(2060)}, after_cutoff),
    ):
        row = target_value_report(
            target=share, unit=world.unit_a, period=world.months[m], uploads=[evidence(text=f"{m}")],
            actor=world.secretariat, now=BY_CUTOFF, **figures,
        )  # fmt: skip
        target_value_approve(target_value=row, reviewer=reviewer, now=decided)

    september = resolve_scope(kind="monthly", period=world.months[9], plan=world.plan)
    assert september.cutoff_at < after_cutoff
    inputs = assemble(september)
    (row,) = inputs["targets"]
    assert (row["value"], row["as_of"]) == ("50% (1.000/2.000)", "2025-08-31")
    # Generated again later (nothing changed since): the same figures, hence the same inputs.
    assert assemble(september)["targets"] == inputs["targets"]
    header = {"date": "2025-10-20", "title": "Báo cáo", "issuing_body": "Ban Chỉ đạo"}
    document = build_document(inputs, header, default_narrative(inputs))
    wb = load_workbook(io.BytesIO(appendix_workbook_bytes(document, inputs)))
    sheet = next(
        name
        for name in wb.sheetnames
        if list(wb[name].iter_rows(values_only=True))[0][0].endswith("chỉ tiêu")
    )
    listed = list(wb[sheet].iter_rows(values_only=True))
    assert listed[2][2:4] == ("50% (1.000/2.000)", "31/8/2025")
    assert not any("1.290" in str(cell) for r in listed for cell in r)

    october = world.months[10]
    (row,) = assemble(resolve_scope(kind="monthly", period=october, plan=world.plan))["targets"]
    assert (row["value"], row["as_of"]) == ("62,62% (1.290/2.060)", "2025-09-30")

"""Journey: a lead unit reports a disbursement in the browser — finds its budget from the menu, is
refused an amount above its allocation (what it typed kept), then reports within it with a payment
document and sees the rate; the secretariat's roll-ups show it."""

import pytest

from budget.models import Disbursement
from budget.services import allocation_adjust
from tests.budget.world import NOW, TY, World
from tests.evidence.corpus import pdf_bytes

from .test_journeys import PASSWORD, assert_clean

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_unit_reports_a_disbursement(journey, clock, tmp_path):
    clock.set(NOW, tick=True)
    world = World()
    line = allocation_adjust(
        assignment=world.lead_a, year=2025, kind="development", level="province", decision_number="12/QĐ-UBND",
        decision_date=NOW.date().replace(month=1, day=10), amount=10 * TY, actor=world.secretariat, now=NOW,
    ).allocation  # fmt: skip
    document = tmp_path / "uy-nhiem-chi-09-2025.pdf"
    document.write_bytes(pdf_bytes("Uy nhiem chi thang 9"))

    j = journey(name="unit")
    j.login("can-bo-a", PASSWORD)
    j.page.click("nav >> text=Kinh phí")
    j.page.wait_for_load_state("networkidle")
    assert "10 tỷ đồng" in j.page.locator("main").inner_text()
    j.shot("overview")
    j.page.click(f"main a[href='/budget/assignments/{world.lead_a.pk}/']")
    j.page.wait_for_load_state("networkidle")
    j.page.select_option("#id_allocation", str(line.pk))
    j.page.select_option("#id_period", str(world.months[9].pk))
    j.page.fill("#id_amount", "12.000.000.000")
    j.page.fill("#id_note", "Thanh toán hợp đồng nâng cấp hệ thống")
    j.page.set_input_files("#id_evidence", str(document))
    j.page.click("button:has-text('Gửi số giải ngân')")
    j.page.wait_for_load_state("networkidle")
    assert "vượt dự toán được giao 10.000.000.000 đồng" in j.page.locator("#disburse").inner_text()
    assert j.page.input_value("#id_amount") == "12.000.000.000"
    assert j.page.input_value("#id_note") == "Thanh toán hợp đồng nâng cấp hệ thống"
    j.shot("refused")
    j.page.fill("#id_amount", "3.650.000.000")
    j.page.set_input_files("#id_evidence", str(document))
    j.page.click("button:has-text('Gửi số giải ngân')")
    j.page.wait_for_load_state("networkidle")
    assert "Đã ghi số giải ngân kỳ Tháng 09/2025" in j.page.locator(".messages").inner_text()
    figures = j.page.locator(f"#line-{line.pk}").inner_text()
    assert "3,7 tỷ đồng" in figures and "36,5%" in figures
    assert "uy-nhiem-chi-09-2025.pdf" in figures
    j.shot("reported")
    assert Disbursement.objects.get().amount == 3_650_000_000

    s = journey(name="secretariat")
    s.login("thuong-truc", PASSWORD)
    s.go(f"/budget/?plan={world.plan.pk}&year=2025")
    assert "36,5%" in s.page.locator("main").inner_text()
    s.shot("rollups")
    s.go(f"/budget/assignments/{world.lead_a.pk}/")
    s.shot("secretariat-line")
    s.go("/reports/dashboard/?period=2025-09")
    tile = s.page.locator("a.tile:has-text('Giải ngân kinh phí năm 2025')")
    assert "36,5%" in tile.inner_text()
    s.shot("dashboard")
    j.go(f"/reports/dashboard/units/{world.unit_a.pk}/?period=2025-09")
    assert "36,5%" in j.page.locator("a.tile:has-text('Giải ngân kinh phí')").inner_text()
    j.shot("unit-dashboard")
    assert_clean(j, s, expected_status=(400,))

"""Journey: a responsible unit reports a target's value in the browser — finds the target from the
menu, is refused a numerator above its denominator (what it typed kept), then reports a share with
its document; a reviewer approves it; the plan's targets, the target's trajectory and the
dashboard show it behind its line to the next milestone."""

import pytest

from targets.models import TargetValue, ValueStatus
from tests.evidence.corpus import pdf_bytes
from tests.targets.world import NOW, World

from .test_journeys import PASSWORD, assert_clean

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_unit_reports_a_target_value_and_a_reviewer_approves_it(journey, clock, tmp_path):
    clock.set(NOW, tick=True)
    world = World()
    target = world.share_target()
    document = tmp_path / "so-lieu-dvc-09-2025.pdf"
    document.write_bytes(pdf_bytes("So lieu DVC thang 9"))

    j = journey(name="unit")
    j.login("can-bo-a", PASSWORD)
    j.page.click("nav >> text=Chỉ tiêu")
    j.page.wait_for_load_state("networkidle")
    j.page.click(f"main a[href='/targets/plans/{world.plan.pk}/']")
    j.page.wait_for_load_state("networkidle")
    assert "Chưa có số liệu" in j.page.locator("main").inner_text()
    j.shot("plan-targets")
    j.page.click(f"main a[href='/targets/{target.pk}/']")
    j.page.wait_for_load_state("networkidle")
    j.page.select_option("#id_period", str(world.months[9].pk))
    j.page.fill("#id_numerator", "2.100")
    j.page.fill("#id_denominator", "2.060")
    j.page.fill("#id_note", "Theo Cổng Dịch vụ công quốc gia")
    j.page.set_input_files("#id_evidence", str(document))
    j.page.click("button:has-text('Gửi số liệu')")
    j.page.wait_for_load_state("networkidle")
    assert "Tử số không được lớn hơn mẫu số." in j.page.locator("#report").inner_text()
    assert j.page.input_value("#id_numerator") == "2.100"
    assert j.page.input_value("#id_note") == "Theo Cổng Dịch vụ công quốc gia"
    j.shot("refused")
    j.page.fill("#id_numerator", "1.290")
    j.page.set_input_files("#id_evidence", str(document))
    j.page.click("button:has-text('Gửi số liệu')")
    j.page.wait_for_load_state("networkidle")
    assert "Đã gửi số liệu kỳ Tháng 09/2025" in j.page.locator(".messages").inner_text()
    row = TargetValue.objects.get()
    assert (row.value, row.status) == (row.value.__class__("62.6214"), ValueStatus.SUBMITTED)
    table = j.page.locator(f"#value-{row.pk}").inner_text()
    assert "62,62%" in table and "1.290/2.060" in table and "so-lieu-dvc-09-2025.pdf" in table
    j.shot("reported")

    r = journey(name="reviewer")
    r.login("tham-dinh", PASSWORD)
    r.go(f"/targets/{target.pk}/")
    r.shot("to-review")
    r.page.click(f"#value-{row.pk} button:has-text('Công nhận')")
    r.page.wait_for_load_state("networkidle")
    assert "Đã công nhận số liệu kỳ Tháng 09/2025" in r.page.locator(".messages").inner_text()
    row.refresh_from_db()
    assert row.status == ValueStatus.APPROVED
    main = r.page.locator("main").inner_text()
    assert "62,62%" in main and "Chậm so với lộ trình" in main
    assert r.page.locator("svg.target-chart circle").count() == 1
    r.shot("approved-trajectory")
    r.go(f"/targets/plans/{world.plan.pk}/")
    assert "Chậm so với lộ trình" in r.page.locator(f"#target-{target.pk}").inner_text()
    r.shot("plan-targets-after")
    r.go(f"/reports/dashboard/?period=2025-09&plan={world.plan.pk}")
    tile = r.page.locator("a.tile:has-text('Chỉ tiêu chậm so với lộ trình')")
    assert "1" in tile.locator(".tile-value").inner_text()
    card = r.page.locator("section[aria-labelledby='h-targets']").inner_text()
    assert "62,62%" in card and "≥ 80% · 01/01/2026" in card
    r.shot("dashboard")
    j.go(f"/reports/dashboard/units/{world.unit_a.pk}/?period=2025-09")
    assert "62,62%" in j.page.locator("section[aria-labelledby='h-targets']").inner_text()
    j.shot("unit-dashboard")
    assert_clean(j, r, expected_status=(400,))

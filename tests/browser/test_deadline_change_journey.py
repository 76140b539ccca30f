"""Journey: a lead unit asks for a new deadline on the sub-task's page — a date that does not exist is
refused with what it typed kept — with the document allowing it; a committee leader approves; the
sub-task page shows "30/11/2025 → 31/03/2026 theo văn bản …" and My tasks the new deadline."""

import datetime

import pytest
from django.utils import timezone

from tasks.models import DeadlineChange, DeadlineChangeStatus
from tests.evidence.corpus import pdf_bytes
from tests.factories import (
    AssignmentFactory,
    GeneralTaskFactory,
    PlanFactory,
    SectionFactory,
    SubTaskFactory,
    UnitFactory,
    UserFactory,
)
from units.models import Role

from .test_journeys import PASSWORD, assert_clean

pytestmark = pytest.mark.django_db(transaction=True)

NOW = timezone.make_aware(datetime.datetime(2025, 11, 20, 9))


def test_a_unit_requests_a_new_deadline_and_a_leader_approves(journey, clock, tmp_path):
    clock.set(NOW, tick=True)
    plan = PlanFactory(issue_date=datetime.date(2025, 11, 1), code="07-KH/BCĐ")
    general = GeneralTaskFactory(section=SectionFactory(plan=plan, code="I"), code="2")
    subtask = SubTaskFactory(
        general_task=general,
        plan=plan,
        code="2.1",
        title="Xây dựng cơ sở dữ liệu hộ tịch điện tử",
        start_date=datetime.date(2025, 11, 1),
        deadline=datetime.date(2025, 11, 30),
        deadline_text="30/11/2025",
    )
    justice = UnitFactory(name="Sở Tư pháp")
    AssignmentFactory(subtask=subtask, unit=justice)
    UserFactory(username="can-bo-tp", unit=justice, roles=[Role.STAFF])
    UserFactory(username="lanh-dao", unit=None, roles=[Role.LEADERSHIP], full_name="Trần Văn Lãnh")
    document = tmp_path / "cong-van-125.pdf"
    document.write_bytes(pdf_bytes("Cong van 125"))

    unit = journey(name="unit")
    unit.login("can-bo-tp", PASSWORD)
    unit.go(f"/plans/subtasks/{subtask.pk}/")
    unit.page.click("summary:has-text('Đề nghị điều chỉnh thời hạn')")
    unit.page.fill("#id_new_deadline", "31/02/2026")
    unit.page.fill("#id_reason", "Chờ Bộ Tư pháp hướng dẫn chuẩn dữ liệu hộ tịch")
    unit.page.fill("#id_document_number", "125/UBND-KSTT")
    unit.page.fill("#id_document_date", "18/11/2025")
    unit.page.click("button:has-text('Gửi đề nghị')")
    unit.page.wait_for_load_state("networkidle")
    section = unit.page.locator("#deadline-changes")
    assert "Ngày 31/02/2026 không tồn tại" in section.inner_text()
    assert unit.page.input_value("#id_reason") == "Chờ Bộ Tư pháp hướng dẫn chuẩn dữ liệu hộ tịch"
    assert unit.page.input_value("#id_document_number") == "125/UBND-KSTT"
    unit.shot("refused")
    unit.page.fill("#id_new_deadline", "31/03/2026")
    unit.page.set_input_files("#id_document", str(document))
    unit.page.click("button:has-text('Gửi đề nghị')")
    unit.page.wait_for_load_state("networkidle")
    assert "Đã gửi đề nghị điều chỉnh thời hạn" in unit.page.locator(".messages").inner_text()
    assert "Chờ quyết định" in unit.page.locator("#deadline-changes").inner_text()
    unit.shot("requested")

    leader = journey(name="leader")
    leader.login("lanh-dao", PASSWORD)
    leader.go("/notifications/")
    assert "Đề nghị điều chỉnh thời hạn: 2.1" in leader.page.locator("main").inner_text()
    leader.shot("notified")
    leader.go(f"/plans/subtasks/{subtask.pk}/#deadline-changes")
    row = leader.page.locator("#deadline-changes tbody tr").first
    assert "30/11/2025 → 31/03/2026" in row.inner_text()
    assert "cong-van-125.pdf" in row.inner_text()
    leader.shot("to-decide")
    row.locator("button[value=approve]").click()
    leader.page.wait_for_load_state("networkidle")
    facts = leader.page.locator(".deadline-big").inner_text()
    assert "30/11/2025 → 31/03/2026 theo văn bản số 125/UBND-KSTT ngày 18/11/2025" in " ".join(facts.split())
    assert "Đã chấp thuận" in leader.page.locator("#deadline-changes").inner_text()
    leader.shot("approved")
    assert DeadlineChange.objects.get().status == DeadlineChangeStatus.APPROVED

    unit.go("/kpis/")
    assert "30/11/2025 → 31/03/2026" in " ".join(unit.page.locator("main").inner_text().split())
    unit.shot("my-tasks")
    assert_clean(unit, leader, expected_status=(400,))

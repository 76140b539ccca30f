"""The unit head's sign-off in a real browser (issue 21, item 1): staff of a unit whose reports need
it sends a completion claim to the head; the head finds it under "Chờ thủ trưởng duyệt", sends it
back with a note; staff reads the note and sends it again; the head signs it off; the co-ordinating
unit confirms it; the reviewer sees who prepared it, who signed it off and the co-ordinating unit's
answer, and approves. Screenshots land in test-artifacts/browser/<this test>/<user>/."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.models import AssignmentState, CoordinationAnswer, ProgressReport, ReportStatus, Status
from tasks.models import AssignmentRole
from tests.evidence.corpus import pdf_bytes
from tests.evidence.world import make_world
from tests.factories import AssignmentFactory, UnitFactory, UserFactory
from units.models import Role

from .test_journeys import PASSWORD, assert_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = timezone.make_aware(datetime.datetime(2025, 12, 10, 9, 0))
NOTE = "Bổ sung số, ngày của Quyết định vào phần kết quả."


def _report(world) -> ProgressReport:
    return ProgressReport.objects.get(assignment=world.lead)


def test_head_sends_back_then_signs_off_and_the_reviewer_sees_both(journey, tmp_path, settings, clock):
    settings.EVIDENCE_CLAMD_SOCKET = ""
    settings.EVIDENCE_CLAMD_HOST = ""
    clock.set(NOW, tick=True)
    world = make_world()
    world.lead.unit.head_signoff_required = True
    world.lead.unit.save()
    head = UserFactory(
        unit=world.lead.unit, roles=[Role.HEAD], full_name="Lê Thủ Trưởng", position="Giám đốc Sở"
    )
    co = AssignmentFactory(subtask=world.subtask, unit=UnitFactory(name="Sở Nội vụ"), role=AssignmentRole.CO)
    co_staff = UserFactory(unit=co.unit, roles=[Role.STAFF])
    decision = tmp_path / "Quyết định ban hành quy chế.pdf"
    decision.write_bytes(pdf_bytes("Quyet dinh so 12/QD-STP"))
    form_url = reverse("kpis:report_form", args=[world.lead.pk])

    # 1. Staff claims completion: the unit's reports go to its head first.
    staff = journey(name="1-staff")
    staff.login(world.staff.username, PASSWORD)
    staff.go(form_url)
    staff.page.fill("#id_completion", "100")
    staff.page.fill("#id_results", "Đã ban hành quy chế số hoá hồ sơ.")
    staff.page.set_input_files("#id_evidence", [str(decision)])
    staff.page.locator(".attached li").first.wait_for()
    submit = staff.page.locator("button[name=action][value=submit]")
    assert "Gửi thủ trưởng duyệt" in submit.inner_text()
    staff.shot("claim-to-the-head")
    submit.click()
    staff.page.locator(".signoff-waiting").wait_for()
    assert _report(world).status == ReportStatus.SIGNOFF
    assert not AssignmentState.objects.filter(assignment=world.lead, status=Status.AWAITING_REVIEW).exists()
    assert staff.page.locator("button[name=action][value=submit]").count() == 0
    staff.shot("waiting-for-the-head")

    # 2. The head finds it in the menu's queue and sends it back with a note.
    boss = journey(name="2-head")
    boss.login(head.username, PASSWORD)
    boss.page.click("nav >> text=Chờ thủ trưởng duyệt")
    boss.page.wait_for_load_state("networkidle")
    queue = boss.page.locator("table.signoff-queue")
    assert "5.4" in queue.inner_text() and str(world.staff) in queue.inner_text()
    boss.shot("queue")
    queue.locator("a").first.click()
    boss.page.wait_for_load_state("networkidle")
    assert "Quyết định ban hành quy chế.pdf" in boss.page.content()
    boss.page.click("button:has-text('Trả lại cán bộ')")  # without a note first
    boss.page.wait_for_load_state("networkidle")
    assert "Vui lòng ghi ý kiến để cán bộ biết cần sửa gì." in boss.page.content()
    boss.shot("note-required")
    boss.page.fill("#id_note", NOTE)
    boss.page.click("button:has-text('Trả lại cán bộ')")
    boss.page.wait_for_load_state("networkidle")
    assert "Đã trả lại cán bộ" in boss.page.locator(".messages").inner_text()
    assert _report(world).status == ReportStatus.DRAFT
    boss.shot("sent-back")

    # 3. Staff reads the note and sends the claim again.
    staff.go(form_url)
    assert NOTE in staff.page.locator(".head-note").inner_text()
    staff.page.fill(
        "#id_results", "Đã ban hành Quyết định số 12/QĐ-STP ngày 05/12/2025 về quy chế số hoá hồ sơ."
    )
    staff.shot("head-note")
    staff.page.click("button[name=action][value=submit]")
    staff.page.locator(".signoff-waiting").wait_for()
    assert _report(world).status == ReportStatus.SIGNOFF

    # 4. The head signs it off: the claim reaches the committee.
    boss.go(reverse("kpis:signoff_queue"))
    boss.page.locator("table.signoff-queue a").first.click()
    boss.page.wait_for_load_state("networkidle")
    boss.shot("before-sign-off")
    boss.page.click("button:has-text('Duyệt và gửi Tổ thẩm định')")
    boss.page.wait_for_load_state("networkidle")
    assert "Đã duyệt và gửi Tổ thẩm định" in boss.page.locator(".messages").inner_text()
    assert AssignmentState.objects.get(assignment=world.lead).status == Status.AWAITING_REVIEW
    boss.shot("signed-off")

    # 5. The co-ordinating unit, told by a notification, confirms the claim.
    partner = journey(name="3-co-ordinating-unit")
    partner.login(co_staff.username, PASSWORD)
    partner.go(reverse("notifications:list"))
    partner.page.click("text=Đề nghị xác nhận hoàn thành")
    partner.page.wait_for_load_state("networkidle")
    claims = partner.page.locator("#claims")
    assert "Sở Tư pháp" in claims.inner_text()
    partner.page.check("input[value=confirmed]")
    partner.shot("confirm")
    partner.page.click("#claims button[type=submit]")
    partner.page.wait_for_load_state("networkidle")
    assert "Đã gửi xác nhận" in partner.page.locator(".messages").inner_text()
    assert CoordinationAnswer.objects.get().verdict == "confirmed"

    # 6. The reviewer sees who prepared it, who signed it off, the co-ordinating unit's answer.
    reviewer = journey(name="4-reviewer")
    reviewer.login(world.reviewer.username, PASSWORD)
    reviewer.go(reverse("evidence:claim", args=[world.lead.pk]))
    main = reviewer.page.locator(".claim-main")
    assert str(world.staff) in main.locator(".prepared-by").inner_text()
    assert "Lê Thủ Trưởng (Giám đốc Sở)" in main.locator(".signed-off-by").inner_text()
    assert "Sở Nội vụ" in main.locator("#coordination").inner_text()
    assert "Xác nhận" in main.locator("#coordination").inner_text()
    reviewer.shot("claim-with-sign-off")
    reviewer.page.click("button:has-text('Công nhận hoàn thành')")
    reviewer.page.wait_for_load_state("networkidle")
    assert AssignmentState.objects.get(assignment=world.lead).status == Status.COMPLETED
    assert_clean(staff, partner, reviewer)
    assert_clean(boss, expected_status=(400,))  # the note left out on purpose

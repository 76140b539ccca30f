"""Journey (issue 21, item 3): the secretariat re-imports an amended appendix into a plan in force,
is asked for the amending document (a missing date refused, what was typed kept), records it, and
reads the amendment on the plan page and the versions of a sub-task on its page."""

import datetime

import pytest
from django.core.management import call_command

from tasks.models import Amendment, Plan, SubTask
from tests.factories import UserFactory
from tests.tasks._import_helpers import small_rows, write_xlsx
from units.models import Role

from .test_journeys import PASSWORD, assert_clean

pytestmark = pytest.mark.django_db(transaction=True)

SCIENCE, JUSTICE = "Sở Khoa học và Công nghệ", "Sở Tư pháp"


def _upload(j, path, plan=None):
    j.go("/plans/import/")
    j.page.set_input_files("#id_file", str(path))
    if plan is not None:
        j.page.select_option("#id_plan", str(plan.pk))
    j.page.click("button:has-text('Tải lên và xem trước')")
    j.page.wait_for_load_state("networkidle")


def test_the_secretariat_records_an_amendment_and_reads_its_versions(journey, tmp_path):
    call_command("load_units", verbosity=0)
    UserFactory(username="thuongtruc", roles=[Role.SECRETARIAT], unit=None)
    j = journey(name="secretariat")
    j.login("thuongtruc", PASSWORD)
    _upload(j, write_xlsx(tmp_path / "phu-luc.xlsx", small_rows()))
    j.page.click("button:has-text('Áp dụng')")
    j.page.wait_for_load_state("networkidle")
    plan = Plan.objects.get()
    Plan.objects.filter(pk=plan.pk).update(
        status="in_force", code="7-KH/BCĐ", issue_date=datetime.date(2025, 11, 1)
    )

    amended = small_rows(deadline="31/03/2026", lead=f"{SCIENCE}, {JUSTICE}")[:2]
    amended.append([None, "1.3 Tiểu nhiệm vụ mới", "Kế hoạch", "02 hội nghị", JUSTICE, "", "30/06/2026"])
    _upload(j, write_xlsx(tmp_path / "phu-luc-sua-doi.xlsx", amended), plan=plan)
    main = j.page.locator("main").inner_text()
    assert "Văn bản sửa đổi, bổ sung" in main and "lần sửa đổi thứ 1" in main
    j.page.fill("#id_amendment-number", "15/KH-BCĐ")
    j.page.click("button:has-text('Áp dụng')")
    j.page.wait_for_load_state("networkidle")
    assert "Hãy ghi ngày của văn bản sửa đổi, bổ sung." in j.page.locator("main").inner_text()
    assert j.page.input_value("#id_amendment-number") == "15/KH-BCĐ"
    assert not Amendment.objects.exists()
    j.shot("amendment-date-missing")
    j.page.fill("#id_amendment-date", "27/02/2026")
    j.page.click("button:has-text('Áp dụng')")
    j.page.wait_for_load_state("networkidle")
    assert "Đã ghi nhận sửa đổi, bổ sung lần 1: văn bản số 15/KH-BCĐ ngày 27/02/2026." in j.page.inner_text(
        "body"
    )

    # The plan page lists the amendment and what it changed; the removed sub-task is marked, not gone.
    main = j.page.locator("main")
    assert "Lần 1: văn bản số 15/KH-BCĐ ngày 27/02/2026" in main.inner_text()
    assert "Đã bãi bỏ theo văn bản số 15/KH-BCĐ" in main.inner_text()
    j.page.click("#amendment-1 summary")
    changes = j.page.locator("#amendment-1 .amendment-changes").inner_text()
    assert "31/12/2025 → 31/03/2026" in changes and "Sở Tư pháp: giao mới (chủ trì)" in changes
    j.shot("plan-amendments")

    # A sub-task's versions, from the amendment's list.
    j.page.click("#amendment-1 .amendment-changes a:has-text('Tiểu nhiệm vụ một')")
    j.page.wait_for_load_state("networkidle")
    versions = j.page.locator("#versions").inner_text()
    assert "Bản ban hành" in versions and "Theo sửa đổi lần 1 (số 15/KH-BCĐ ngày 27/02/2026)" in versions
    assert "31/12/2025" in versions and "31/03/2026" in versions and JUSTICE in versions
    j.shot("subtask-versions")
    removed = SubTask.objects.get(plan=plan, code="1.2")
    j.go(f"/plans/subtasks/{removed.pk}/")
    assert "đã được bãi bỏ theo văn bản số 15/KH-BCĐ ngày 27/02/2026" in j.page.locator("main").inner_text()
    j.shot("removed-subtask")
    assert_clean(j, expected_status=(400,))  # the refused apply answers 400

"""Journey: the secretariat re-imports an amended appendix in the browser, reads each change and
its consequence in the preview (with every field read per row), and applies it; reports are kept."""

import pytest
from django.core.management import call_command

from tasks.models import Assignment, Plan, SubTask
from tests.factories import UserFactory
from tests.tasks._import_helpers import small_rows, write_xlsx
from units.models import Role

from .test_journeys import PASSWORD, assert_clean

pytestmark = pytest.mark.django_db(transaction=True)


def _upload(j, path, plan=None):
    j.go("/plans/import/")
    j.page.set_input_files("#id_file", str(path))
    if plan is not None:
        j.page.select_option("#id_plan", str(plan.pk))
    j.page.click("button:has-text('Tải lên và xem trước')")
    j.page.wait_for_load_state("networkidle")


def test_the_secretariat_re_imports_an_amended_appendix(journey, tmp_path):
    call_command("load_units", verbosity=0)
    UserFactory(username="thuongtruc", roles=[Role.SECRETARIAT], unit=None)
    first = write_xlsx(
        tmp_path / "phu-luc.xlsx", small_rows(lead="Sở Khoa học và Công nghệ", co="Sở Tài chính")
    )
    j = journey(name="secretariat")
    j.login("thuongtruc", PASSWORD)
    _upload(j, first)
    j.page.click("button:has-text('Áp dụng')")
    j.page.wait_for_load_state("networkidle")
    plan = Plan.objects.get()

    # The same file again as a new plan: warned, and offered the plan that holds it.
    _upload(j, first)
    assert "Phụ lục này đã được nhập" in j.page.locator("main").inner_text()
    j.shot("duplicate-warning")
    j.page.click("button:has-text('Cập nhật kế hoạch này thay vì tạo mới')")
    j.page.wait_for_load_state("networkidle")
    assert "Không có gì thay đổi" in j.page.locator("main").inner_text()

    amended = small_rows(deadline="31/03/2026", lead="Sở Tài chính", co="Sở Khoa học và Công nghệ")[:2]
    amended[1][1] = "1.1 Tiểu nhiệm vụ một (sửa theo góp ý)"
    amended.append(
        [None, "1.3 Tiểu nhiệm vụ mới", "Kế hoạch", "02 hội nghị", "Sở Tư pháp", "", "Quý II/2026"]
    )
    _upload(j, write_xlsx(tmp_path / "phu-luc-sua.xlsx", amended), plan=plan)
    main = j.page.locator("main").inner_text()
    assert "Sở Tài chính: phối hợp → chủ trì, giữ nguyên phân công" in main
    assert "Sở Khoa học và Công nghệ: thôi giao (chủ trì), phân công được đóng, không xoá" in main
    assert "30/06/2026" in main and "Quý II/2026" in main
    j.shot("amended-preview")
    j.page.click("button:has-text('Áp dụng')")
    j.page.wait_for_load_state("networkidle")
    assert "1 tiểu nhiệm vụ mới" in j.page.locator(".messages").inner_text()
    sub = SubTask.objects.get(plan=plan, code="1.1")
    assert sub.title == "Tiểu nhiệm vụ một (sửa theo góp ý)"
    assert set(Assignment.objects.filter(subtask=sub).values_list("unit__name", "role")) == {
        ("Sở Tài chính", "lead"),
        ("Sở Khoa học và Công nghệ", "co"),
    }
    assert Assignment.all_objects.filter(subtask__code="1.2", closed_at__isnull=False).exists()
    assert Plan.objects.count() == 1
    j.shot("applied")
    assert_clean(j)


def test_the_secretariat_imports_an_office_layout(journey, tmp_path):
    from tests.tasks.layouts import office_stt

    call_command("load_units", verbosity=0)
    UserFactory(username="thuongtruc", roles=[Role.SECRETARIAT], unit=None)
    j = journey(name="secretariat")
    j.login("thuongtruc", PASSWORD)
    _upload(j, office_stt(tmp_path / "phu-luc-van-phong.xlsx"))
    main = j.page.locator("main").inner_text()
    assert "Các cột được hiểu như sau" in main and "Nhiệm vụ › Nhiệm vụ cụ thể" in main
    j.shot("office-layout-preview")
    j.page.click("button:has-text('Áp dụng')")
    j.page.wait_for_load_state("networkidle")
    assert SubTask.objects.filter(plan=Plan.objects.get()).count() == 5
    assert_clean(j)

"""Journey: the secretariat manages units in the browser — finds one without accents, renames it
(the old name kept as another name), adds a member to a group, and merges two communes."""

import pytest
from django.core.management import call_command

from tasks.models import Assignment
from tests.factories import AssignmentFactory, UnitFactory, UserFactory
from units.models import Role, Unit, UnitKind

from .test_journeys import PASSWORD, assert_clean

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_secretariat_manages_units(journey):
    call_command("load_units", verbosity=0)
    UserFactory(username="thuongtruc", roles=[Role.SECRETARIAT], unit=None)
    old = UnitFactory(name="Xã Tân Lập", kind=UnitKind.COMMUNE)
    survivor = UnitFactory(name="Xã Tân Phú", kind=UnitKind.COMMUNE)
    assignment = AssignmentFactory(unit=old)

    j = journey(name="secretariat")
    j.login("thuongtruc", PASSWORD)
    j.page.click("nav >> text=Đơn vị")
    j.page.wait_for_load_state("networkidle")
    assert j.page.locator("h1").inner_text() == "Đơn vị"
    j.page.fill("#id_q", "so tu phap")
    j.page.click("button:has-text('Lọc')")
    j.page.wait_for_load_state("networkidle")
    assert j.page.locator("table.unit-list tbody tr").count() == 1
    j.shot("search")
    j.page.click("table.unit-list a:has-text('Sở Tư pháp')")
    j.page.wait_for_load_state("networkidle")
    j.page.fill("#id_name", "Sở Tư pháp tỉnh")
    j.page.click("button:has-text('Lưu')")
    j.page.wait_for_load_state("networkidle")
    assert "tên cũ “Sở Tư pháp” được giữ làm tên gọi khác" in j.page.locator(".messages").inner_text()
    j.shot("renamed")

    group = Unit.objects.filter(kind=UnitKind.GROUP).order_by("name").first()
    j.go(f"/units/{group.pk}/")
    j.page.select_option("#id_member", str(survivor.pk))
    j.page.click("button:has-text('Thêm vào nhóm')")
    j.page.wait_for_load_state("networkidle")
    assert "Xã Tân Phú" in j.page.locator(".member-list").inner_text()
    j.shot("group")

    j.go(f"/units/{old.pk}/")
    j.page.select_option("#id_target", str(survivor.pk))
    j.page.check("#id_confirm")
    j.shot("merge-form")
    j.page.click("button:has-text('Hợp nhất')")
    j.page.wait_for_load_state("networkidle")
    assert "Đã hợp nhất “Xã Tân Lập” vào “Xã Tân Phú”" in j.page.locator(".messages").inner_text()
    assert Assignment.objects.get(pk=assignment.pk).unit_id == survivor.pk
    assert "Xã Tân Lập" in j.page.locator("main").inner_text()  # now one of its other names
    j.shot("merged")
    assert_clean(j)

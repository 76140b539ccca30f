"""The units page in a browser: the secretariat makes the head's sign-off required for every unit of
a kind in one step, sees it in the list, and turns it off for one commune on its page."""

import pytest
from django.urls import reverse

from tests.factories import UnitFactory, UserFactory
from units.models import Role, Unit, UnitKind

from .test_journeys import PASSWORD, assert_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_sets_sign_off_by_kind_then_for_one_unit(journey):
    secretariat = UserFactory(unit=None, roles=[Role.SECRETARIAT])
    communes = [UnitFactory(name=f"UBND xã Thử Nghiệm {n}", kind=UnitKind.COMMUNE) for n in (1, 2)]
    department = UnitFactory(name="Sở Khoa học và Công nghệ", kind=UnitKind.DEPARTMENT)
    j = journey()
    j.login(secretariat.username, PASSWORD)
    j.go(reverse("units:unit_list"))
    j.page.select_option("form.kind-signoff select[name=kind]", UnitKind.COMMUNE)
    j.page.select_option("form.kind-signoff select[name=required]", "1")
    j.shot("by-kind")
    j.page.click("button:has-text('Áp dụng cho loại đơn vị')")
    j.page.wait_for_load_state("networkidle")
    assert "phải qua thủ trưởng duyệt (2 đơn vị đổi)" in j.page.locator(".messages").inner_text()
    assert all(Unit.objects.get(pk=c.pk).head_signoff_required for c in communes)
    assert not Unit.objects.get(pk=department.pk).head_signoff_required
    j.shot("list-with-the-setting")

    j.go(reverse("units:unit_detail", args=[communes[0].pk]))
    box = j.page.locator("input[name=head_signoff_required]")
    assert box.is_checked()
    box.uncheck()
    j.shot("one-commune")
    j.page.click("form:has(input[name=head_signoff_required]) button[type=submit]")
    j.page.wait_for_load_state("networkidle")
    assert not Unit.objects.get(pk=communes[0].pk).head_signoff_required
    assert Unit.objects.get(pk=communes[1].pk).head_signoff_required
    assert_clean(j)

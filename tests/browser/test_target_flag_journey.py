"""Journey: a target behind its line to the next milestone is a red flag. After the sweep, the
responsible unit's staff find it on their flag page, follow it to the target's page, which lists it;
the province's dashboard lists it with the tasks' flags."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from kpis.flags import FlagKind, RedFlag
from kpis.sweep import sweep
from notifications.services.events import notify_raised_flags
from targets.services import target_value_approve, target_value_report
from tests.factories import UserFactory
from tests.targets.world import NOW, World, evidence
from units.models import Role

from .test_journeys import PASSWORD, assert_clean

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_target_behind_its_line_is_flagged_to_its_unit(journey, clock):
    clock.set(NOW, tick=True)
    world = World()
    target = world.share_target()
    row = target_value_report(
        target=target, unit=world.unit_a, period=world.months[9], numerator=D(1290), denominator=D(2060),
        uploads=[evidence()], actor=world.staff_a, now=NOW,
    )  # fmt: skip
    target_value_approve(target_value=row, reviewer=world.reviewer, now=NOW)
    sweep(now=NOW)
    notify_raised_flags(now=NOW)
    flag = RedFlag.objects.get(kind=FlagKind.TARGET_BEHIND)
    UserFactory(username="lanh-dao", unit=None, roles=[Role.LEADERSHIP])

    j = journey(name="unit")
    j.login("can-bo-a", PASSWORD)
    j.go("/kpis/flags/")
    listed = j.page.locator(f"li.flag-{FlagKind.TARGET_BEHIND}").inner_text()
    assert "Chỉ tiêu chậm lộ trình" in listed and "Chỉ tiêu 1.1.5." in listed
    assert "theo lộ trình cần 64,71%" in listed
    j.shot("flag-page")
    j.page.click(f"li.flag-{FlagKind.TARGET_BEHIND} a.flag-task")
    j.page.wait_for_load_state("networkidle")
    assert j.page.url.endswith(f"/targets/{target.pk}/")
    flags = j.page.locator("section#flags").inner_text()
    assert "Chỉ tiêu chậm lộ trình" in flags and "đạt 62,62% (số liệu đến 30/09/2025)" in flags
    j.shot("target-page")

    d = journey(name="leader")
    d.login("lanh-dao", PASSWORD)
    d.go(f"/reports/dashboard/?plan={world.plan.pk}")
    item = d.page.locator(f"#flags li.flag-{FlagKind.TARGET_BEHIND}")
    assert "1.1.5" in item.inner_text()
    assert item.locator("a.flag-task").get_attribute("href") == f"/targets/{target.pk}/"
    item.scroll_into_view_if_needed()
    d.shot("dashboard-flags")
    assert flag.resolved_at is None and timezone.localdate(NOW) == datetime.date(2025, 10, 15)
    assert_clean(j, d)

"""'Đơn vị chưa báo cáo' in the browser: the task list has the width (the page was 21,665 px tall
with the list squeezed into a narrow column), and the units are reminded in one click."""

import datetime

import pytest
from django.utils import timezone

from kpis.services import periods_ensure
from notifications.models import Notification
from tests.factories import AssignmentFactory, PlanFactory, SubTaskFactory, UnitFactory, UserFactory
from units.models import Role

from .test_journeys import PASSWORD, assert_clean

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_not_reported_page_reads_wide_and_reminds_in_one_click(journey, clock):
    now = timezone.make_aware(datetime.datetime(2025, 11, 25, 9, 0))
    clock.set(now, tick=True)
    plan = PlanFactory(issue_date=datetime.date(2025, 11, 1))
    periods_ensure(now=now, plan=plan)
    for i in range(40):
        unit = UnitFactory(name=f"Phường Thử Nghiệm {i:02d}")
        UserFactory(unit=unit, roles=[Role.STAFF])
        sub = SubTaskFactory(
            general_task__section__plan=plan,
            plan=plan,
            title="Triển khai nền tảng số dùng chung cho phường, xã và kết nối dữ liệu dân cư " * 2,
        )
        AssignmentFactory(subtask=sub, unit=unit)
    UserFactory(username="thuongtruc", roles=[Role.SECRETARIAT], unit=None)
    j = journey(name="secretariat")
    j.login("thuongtruc", PASSWORD)
    j.go(f"/kpis/not-reported/?period={plan.periods.get(kind='monthly').pk}")
    j.page.wait_for_load_state("networkidle")
    list_width = j.page.locator("#not-reported-list").bounding_box()["width"]
    assert list_width > 700, list_width
    height = j.page.evaluate("document.documentElement.scrollHeight")
    assert height < 9000, height
    j.shot("not-reported")
    j.page.click("button:has-text('Nhắc tất cả các đơn vị chưa báo cáo')")
    j.page.wait_for_load_state("networkidle")
    assert "Đã nhắc 40 đơn vị" in j.page.locator(".messages").inner_text()
    assert Notification.objects.filter(kind="report_reminder").count() == 40
    assert_clean(j)

"""The dashboards in a real Chromium: charts drawn from static/, filters by htmx with the state in the
URL, a projector-sized and a phone-sized screen, and no Content-Security-Policy violation."""

import pytest

from reports.dashboard.scale_data import DEFAULT_PASSWORD
from tasks.models import Plan
from tests.reports.dashboard_world import NOW, make_data
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _pages_at_the_datas_day(clock):
    """The data is built as of NOW; the live server's pages read that day too (running on from it)."""
    clock.set(NOW, tick=True)


CHARTS_DRAWN = "() => window.Chart && Object.keys(window.Chart.instances).length >= 2"


def open_dashboard(j, username="scale_lanhdao", path="/reports/dashboard/"):
    j.login(username, DEFAULT_PASSWORD)
    j.go(path)
    j.page.wait_for_function(CHARTS_DRAWN)


def test_leaders_read_the_province_dashboard_on_a_projector_and_a_phone(journey):
    make_data("medium")
    plan = Plan.objects.order_by("code").first()

    j = journey(viewport=(1920, 1080), name="projector")
    open_dashboard(j)
    assert j.page.locator("h1").inner_text() == "Bảng điều hành toàn tỉnh"
    assert j.page.locator(".tile").count() == 6
    # Each chart has its data table for screen readers; the one behind the bars by item (a row of
    # links per section) is fetched when it is opened.
    assert j.page.locator("details.chart-table table").count() == 1
    j.page.click("#items-table summary")
    j.page.wait_for_selector("#items-table table tbody tr")
    assert j.page.locator("details.chart-table table").count() == 2
    assert j.page.locator("#items-table tbody tr").count() == j.page.evaluate(
        "JSON.parse(document.getElementById('chart-items-data').textContent).labels.length"
    )
    j.page.click("#items-table summary")  # closed again: the board looks as a leader left it
    j.shot("province")

    # A filter swaps the board without reloading the page, and the URL says what is shown.
    j.page.evaluate("window.__sameDocument = true")
    j.page.select_option("#f-plan", str(plan.pk))
    j.page.wait_for_url(f"**/reports/dashboard/?*plan={plan.pk}*")
    j.page.wait_for_function(CHARTS_DRAWN)
    assert j.page.evaluate("window.__sameDocument") is True
    assert j.page.locator("#f-section option").count() > 1
    assert "Theo mục và nhiệm vụ tổng quát" in j.page.locator("#h-items").inner_text()
    j.shot("plan")

    j.page.select_option("#f-kind", "commune")
    j.page.wait_for_url("**kind=commune*")
    j.page.wait_for_function(CHARTS_DRAWN)
    j.page.click("table.ranking thead >> text=Quá hạn")
    j.page.wait_for_url("**sort=overdue*")
    assert j.page.evaluate("window.__sameDocument") is True
    j.shot("communes-by-overdue")

    # The shared URL opens the same view as a whole page.
    shared = j.page.url
    j.go(shared.replace(j.base, ""))
    j.page.wait_for_function(CHARTS_DRAWN)
    assert j.page.locator("#f-kind").input_value() == "commune"
    assert j.page.locator("#f-plan").input_value() == str(plan.pk)

    # A number opens the list it counts.
    j.page.click(".tile >> nth=2")
    j.page.wait_for_load_state("networkidle")
    assert "overdue=1" in j.page.url and "Quá hạn" in j.page.locator("h1").inner_text()
    j.shot("overdue-list")
    assert j.csp_violations() == []

    phone = journey(viewport=(390, 844), name="phone")
    open_dashboard(phone)
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"the page scrolls sideways on a phone ({width}px)"
    phone.shot("province")
    assert phone.csp_violations() == []


def test_a_unit_head_sees_the_unit_dashboard_with_its_place(journey):
    make_data("medium")
    unit = Unit.objects.get(name="Sở Nội vụ")
    j = journey(viewport=(1920, 1080), name="unit-head")
    open_dashboard(j, "scale_thutruong", "/reports/dashboard/unit/")
    assert f"/reports/dashboard/units/{unit.pk}/" in j.page.url
    assert "Xếp hạng của đơn vị" in j.page.locator(".dash-place").inner_text()
    assert j.page.locator("table.ranking tr.mine").count() == 1
    j.shot("unit")
    j.go("/reports/dashboard/")
    assert "404" in j.page.title() or j.page.locator("h1").inner_text() != "Bảng điều hành toàn tỉnh"
    assert j.csp_violations() == []

    phone = journey(viewport=(390, 844), name="unit-phone")
    open_dashboard(phone, "scale_thutruong", "/reports/dashboard/unit/")
    phone.shot("unit")
    assert phone.csp_violations() == []

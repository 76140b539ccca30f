"""Printing: My tasks, the dashboards and the lists fit an A4 page (their right side was clipped:
29 pages for My tasks). Each page is laid out for print at A4 width and printed to PDF by Chromium."""

import pytest

from reports.dashboard.scale_data import DEFAULT_PASSWORD
from tests.reports.dashboard_world import NOW, make_data

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A4 is 210 mm; less the 12 mm margins of the print stylesheet, 186 mm ≈ 703 CSS px.
A4_CONTENT_PX = 703


@pytest.fixture(autouse=True)
def _pages_at_the_datas_day(clock):
    clock.set(NOW, tick=True)


def _fits_a4(j, name):
    j.page.emulate_media(media="print")
    j.page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
    j.page.wait_for_timeout(300)
    wide = j.page.evaluate(
        """() => { const w = document.documentElement.clientWidth; return [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > w + 1 && getComputedStyle(e).display !== 'none')
            .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 5) }"""
    )
    folder = ARTIFACTS / "print"
    folder.mkdir(parents=True, exist_ok=True)
    j.page.pdf(path=str(folder / f"{name}.pdf"), format="A4", print_background=True)
    return wide


@pytest.mark.parametrize(
    ("username", "path", "name"),
    [
        ("scale_canbo", "/kpis/", "my-tasks"),
        ("scale_lanhdao", "/reports/dashboard/", "dashboard"),
        ("scale_thutruong", "/reports/dashboard/unit/", "unit-dashboard"),
        ("scale_thuongtruc", "/kpis/flags/", "flags"),
        ("scale_thuongtruc", "/plans/", "plans"),
    ],
)
def test_lists_and_dashboards_print_on_a4_without_clipping(journey, username, path, name):
    make_data("small")
    j = journey(viewport=(1366, 900), name=name)
    j.login(username, DEFAULT_PASSWORD)
    j.go(path)
    j.page.wait_for_load_state("networkidle")
    assert _fits_a4(j, name) == []

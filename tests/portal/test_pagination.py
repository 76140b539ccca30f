"""Every paginated list uses one pagination (templates/partials/_pagination.html): its links keep the
list's filters and replace the page number, never repeat it."""

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

PAGINATED = [
    "templates/reports/dashboard_list.html",
    "templates/reports/archive_list.html",
    "evidence/templates/evidence/queue.html",
    "kpis/templates/kpis/period_list.html",
    "kpis/templates/kpis/not_reported.html",
    "templates/units/user_list.html",
    "templates/audit/event_list.html",
    "templates/tasks/plan_list.html",
    "templates/notifications/list.html",
]


def render(query: str, number: int) -> str:
    request = RequestFactory().get(f"/reports/dashboard/list/?{query}")
    page = Paginator(range(250), 50).get_page(number)
    with translation.override("vi"):
        return render_to_string("partials/_pagination.html", {"page": page}, request=request)


def test_the_links_keep_the_filters_and_replace_the_page():
    html = render("status=completed&unit=7&page=3", 3)
    assert 'href="?status=completed&amp;unit=7&amp;page=2"' in html
    assert 'href="?status=completed&amp;unit=7&amp;page=4"' in html
    assert html.count("page=") == 2  # one per link: the page is replaced, not repeated
    assert "Trang 3/5" in html


def test_the_first_and_last_pages_link_one_way_and_one_page_shows_none():
    first = render("q=ra+soat", 1)
    assert "page=2" in first and 'rel="prev"' not in first
    last = render("q=ra+soat&page=5", 5)
    assert 'rel="next"' not in last and "page=4" in last
    request = RequestFactory().get("/")
    single = Paginator(range(3), 50).get_page(1)
    assert render_to_string("partials/_pagination.html", {"page": single}, request=request).strip() == ""


@pytest.mark.parametrize("path", PAGINATED)
def test_no_list_builds_its_own_pagination(path):
    from django.conf import settings

    text = (settings.BASE_DIR / path).read_text()
    assert "previous_page_number" not in text and '{% include "partials/_pagination.html"' in text

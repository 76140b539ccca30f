"""Two tester's defects of the report form and its neighbours, in a real Chromium.

- Keyboard and screen readers: after "Gửi báo cáo" or "Lưu nháp" (an htmx swap) focus fell to the
  page's body, and after an error the user tabbed through ~25 stops to reach the field. Focus now goes
  to the first field in error, then to the saved message; every aria-describedby names an element
  that is there.
- Text people typed wraps: a 5,000-character pasted link in a co-ordination comment (and in a report's
  narrative) made the comment page, the lead unit's report page and the sub-task page ~48,000 px wide.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.models import Period
from kpis.services import ReportData, comment_add, report_save_draft, report_submit
from tasks.models import AssignmentRole
from tests.browser.test_accessibility import horizontal_overflow
from tests.browser.test_journeys import PASSWORD, REPORT_CODE, assert_clean, demo_world
from tests.factories import UserFactory
from units.models import Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = (390, 844)
DESKTOP = (1366, 900)
LONG_LINK = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma=" + "x9" * 2460
FOCUSED = "() => { const e = document.activeElement; return e === document.body ? 'body' : (e.id || e.outerHTML.slice(0, 80)); }"
MISSING_DESCRIPTIONS = """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(el =>
    el.getAttribute('aria-describedby').split(/\\s+/).filter(id => id && !document.getElementById(id))
      .map(id => (el.id || el.name) + ' -> ' + id))"""


def test_focus_goes_to_the_first_field_in_error_then_to_the_saved_message(journey, monkeypatch):
    _plan, _science, lead = demo_world(monkeypatch)
    assignment = lead(REPORT_CODE)
    j = journey(name="staff")
    j.login("demo_canbo_khcn", PASSWORD)
    page = j.page
    page.locator(f"#task-{assignment.pk} a:has-text('Báo cáo')").click()
    slot = page.locator(f"#slot-{assignment.pk}")
    slot.locator("#id_completion").wait_for()

    # An error: the first field in error has focus, and says what is wrong through its description.
    slot.locator("#id_completion").fill("mười")
    slot.locator("#id_results").fill("Đã tổ chức hội thảo lấy ý kiến; đang tổng hợp.")
    slot.locator("button[name=action][value=submit]").click()
    slot.locator("[data-error-summary]").wait_for()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'id_completion'")
    assert page.evaluate(MISSING_DESCRIPTIONS) == []
    described = page.evaluate(
        "() => document.getElementById(document.activeElement.getAttribute('aria-describedby')).textContent"
    )
    assert "Giá trị phải là một số" in described
    assert slot.locator("#id_results").input_value() == "Đã tổ chức hội thảo lấy ý kiến; đang tổng hợp."
    j.shot("focus-on-the-field-in-error")

    # Corrected and saved as a draft: focus on the message, then Tab goes on into the form.
    page.keyboard.press("Control+A")
    page.keyboard.type("30")
    slot.locator("button[name=action][value=draft]").click()
    slot.locator("[data-saved-message]").wait_for()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('[data-saved-message]')"
    )
    assert "Đã lưu nháp báo cáo" in page.evaluate("() => document.activeElement.textContent")
    j.shot("focus-on-the-saved-message")

    # Sent: the same.
    slot.locator("button[name=action][value=submit]").click()
    slot.get_by_text("Đã gửi báo cáo").wait_for()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('[data-saved-message]')"
    )
    assert "Đã gửi báo cáo" in page.evaluate("() => document.activeElement.textContent")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) != "body"
    assert page.evaluate("() => !!document.activeElement.closest('.report-panel')")
    assert_clean(j)


def _long_texts(assignment, co):
    """A co-ordination comment and a sent report whose narrative are a pasted link with no space."""
    comment_add(assignment=co, author=User.objects.get(username="demo_thuongtruc"), text=LONG_LINK)
    staff = User.objects.get(username="demo_canbo_khcn")
    now = timezone.now()
    today = timezone.localdate(now)
    period = Period.objects.get(
        plan=assignment.subtask.plan, kind="monthly", start__lte=today, end__gte=today
    )
    data = ReportData(completion=Decimal(40), results=LONG_LINK, difficulties=LONG_LINK, proposals=LONG_LINK)
    report = report_save_draft(assignment=assignment, period=period, actor=staff, data=data, now=now)
    report_submit(report=report, actor=staff, now=now)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_long_link_without_spaces_wraps_on_every_page_that_shows_it(journey, monkeypatch, viewport):
    _plan, _science, lead = demo_world(monkeypatch)
    assignment = lead(REPORT_CODE)
    co = assignment.subtask.assignments.filter(role=AssignmentRole.CO).select_related("unit").first()
    assert co is not None, "the sub-task needs a co-ordinating unit"
    _long_texts(assignment, co)
    UserFactory(username="phoi_hop", unit=co.unit, roles=[Role.STAFF])

    pages = {
        "comment-page": ("phoi_hop", reverse("kpis:comment_page", args=[co.pk])),
        "report-page": ("demo_canbo_khcn", reverse("kpis:report_form", args=[assignment.pk])),
        "subtask-page": ("demo_canbo_khcn", reverse("tasks:subtask_detail", args=[assignment.subtask_id])),
    }
    journeys = {}
    for name, (username, path) in pages.items():
        if username not in journeys:
            journeys[username] = journey(viewport=viewport, name=username)
            journeys[username].login(username, PASSWORD)
        j = journeys[username]
        j.go(path)
        assert LONG_LINK[:60] in j.page.content(), name
        assert horizontal_overflow(j.page) is None, (name, horizontal_overflow(j.page))
        j.shot(name)
    assert_clean(*journeys.values())

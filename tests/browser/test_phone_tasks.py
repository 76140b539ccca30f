"""My tasks and a sub-task's report history on a phone: cards, not a table that scrolls sideways.

At 390×844 each task of My tasks is a card: the code and the title on the first line(s), wrapping between
words, then "label: value" lines and the "Báo cáo" button, all inside the screen; the report form opened
under a card fits too. The sub-task page with its report history does not scroll sideways. At 1366 px
My tasks is the table it always was, header row and all.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.models import Period
from kpis.services import ReportData, report_save_draft, report_submit
from tests.browser.test_accessibility import run_axe
from tests.browser.test_journeys import PASSWORD, REPORT_CODE, assert_clean, demo_world
from units.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = (390, 844)
DESKTOP = (1366, 900)
SCROLL_WIDTH = "() => document.documentElement.scrollWidth"
BOX = "el => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; }"
# Words of a title drawn on more than one line: a word cut in two ("ngàn|h").
BROKEN_WORDS = """el => {
    const broken = [], text = el.firstChild;
    const re = /\\S+/g;
    let m;
    while ((m = re.exec(text.data))) {
        const range = document.createRange();
        range.setStart(text, m.index);
        range.setEnd(text, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
    }
    return broken;
}"""
# Anything inside the task list that needs a sideways scroll of its own.
SCROLLERS = """() => [...document.querySelectorAll('#task-results .table-wrap')]
    .filter(el => el.scrollWidth > el.clientWidth + 1).length"""


def submitted_report(assignment, staff):
    """A sent monthly report, made through the services the report form calls."""
    now = timezone.now()
    period = Period.objects.get(
        plan=assignment.subtask.plan,
        kind="monthly",
        start__lte=timezone.localdate(now),
        end__gte=timezone.localdate(now),
    )
    data = ReportData(
        completion=Decimal(40),
        results="Đã tổ chức hội nghị lấy ý kiến các sở, ngành; đang tổng hợp và hoàn thiện dự thảo Nghị quyết.",
        difficulties="Một số đơn vị chưa gửi góp ý đúng hạn.",
        proposals="Đề nghị Văn phòng đôn đốc các đơn vị gửi góp ý trước ngày 20.",
    )
    report = report_save_draft(assignment=assignment, period=period, actor=staff, data=data, now=now)
    return report_submit(report=report, actor=staff, now=now)


def test_on_a_phone_my_tasks_are_cards_and_the_report_form_fits(journey, monkeypatch):
    demo_world(monkeypatch)
    j = journey(viewport=PHONE, name="phone")
    j.login("demo_canbo_khcn", PASSWORD)
    j.go(reverse("kpis:my_tasks"))
    page = j.page
    assert page.evaluate(SCROLL_WIDTH) <= PHONE[0] + 2
    assert page.evaluate(SCROLLERS) == 0

    # The first card: its title has (nearly) the card's width and no word of it is cut in two.
    first = page.locator("#task-results tr[id^=task-]").first
    title_cell = first.locator("td.task-name")
    assert title_cell.evaluate(BOX)["width"] >= 250
    for title in page.locator("#task-results .task-title").all()[:10]:
        assert title.evaluate(BROKEN_WORDS) == [], title.inner_text()

    # The other cells read "label: value"; the header row is out of sight but still in the table.
    assert page.locator("#task-results thead th").first.is_hidden() is False  # visually hidden, not removed
    assert page.locator("#task-results thead").first.evaluate(BOX)["width"] <= 1
    labels = first.evaluate(
        "tr => [...tr.cells].map(td => getComputedStyle(td, '::before').content).filter(c => c !== 'none')"
    )
    assert '"Thời hạn"' in labels and '"Trạng thái"' in labels and '"Báo cáo kỳ này"' in labels

    # The first "Báo cáo" button lies inside the screen, and so does the form it opens.
    button = page.locator("#task-results td.task-action a.button", has_text="Báo cáo").first
    box = button.evaluate(BOX)
    assert box["left"] >= 0 and box["right"] <= PHONE[0], box
    j.shot("my-tasks")
    row_id = button.evaluate("a => a.closest('tr').id").removeprefix("task-")
    button.click()
    panel = page.locator(f"#slot-{row_id} .report-panel")
    panel.locator("#id_completion").wait_for()
    assert "/kpis/assignments/" not in page.url  # opened in place, by htmx
    box = panel.evaluate(BOX)
    assert box["left"] >= 0 and box["right"] <= PHONE[0], box
    for field in ("#id_completion", "#id_results", "button[name=action][value=submit]"):
        box = panel.locator(field).evaluate(BOX)
        assert box["left"] >= 0 and box["right"] <= PHONE[0], (field, box)
    assert page.evaluate(SCROLL_WIDTH) <= PHONE[0] + 2
    assert page.evaluate(SCROLLERS) == 0
    assert run_axe(page) == []
    panel.scroll_into_view_if_needed()
    j.shot("report-form-open")
    assert_clean(j)


def test_on_a_phone_the_subtask_page_with_report_history_does_not_scroll_sideways(journey, monkeypatch):
    _plan, _science, lead = demo_world(monkeypatch)
    assignment = lead(REPORT_CODE)
    submitted_report(assignment, User.objects.get(username="demo_canbo_khcn"))

    j = journey(viewport=PHONE, name="phone")
    j.login("demo_canbo_khcn", PASSWORD)
    j.go(reverse("tasks:subtask_detail", args=[assignment.subtask_id]))
    page = j.page
    history = page.locator("#subtask-progress table.stacked").last
    assert "Đã tổ chức hội nghị lấy ý kiến" in history.inner_text()
    assert page.evaluate(SCROLL_WIDTH) <= PHONE[0] + 2
    box = history.evaluate(BOX)
    assert box["left"] >= 0 and box["right"] <= PHONE[0], box
    assert run_axe(page) == []
    history.scroll_into_view_if_needed()
    j.shot("subtask-history")
    assert_clean(j)


def test_on_a_wide_screen_my_tasks_is_still_a_table(journey, monkeypatch):
    _plan, _science, lead = demo_world(monkeypatch)
    assignment = lead(REPORT_CODE)
    submitted_report(assignment, User.objects.get(username="demo_canbo_khcn"))

    j = journey(viewport=DESKTOP, name="desktop")
    j.login("demo_canbo_khcn", PASSWORD)
    j.go(reverse("kpis:my_tasks"))
    page = j.page
    header = page.locator("#task-results thead th").nth(1)
    assert header.is_visible() and header.inner_text() == "Tiểu nhiệm vụ"
    assert header.evaluate(BOX)["width"] > 100
    first = page.locator("#task-results tr[id^=task-]").first
    assert first.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    assert first.evaluate("tr => getComputedStyle(tr.cells[2], '::before').content") == "none"
    assert page.evaluate(SCROLL_WIDTH) <= DESKTOP[0]
    j.shot("my-tasks")

    j.go(reverse("tasks:subtask_detail", args=[assignment.subtask_id]))
    history = page.locator("#subtask-progress table.stacked").last
    assert history.locator("thead th").first.is_visible()
    assert history.locator("tbody tr").first.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    history.scroll_into_view_if_needed()
    j.shot("subtask-history")
    assert_clean(j)

"""Text typed into the report form survives "Mở kỳ này" and is never dropped without asking.

Reviewer's defect: staff typed "Kết quả đạt được", picked another period, pressed "Mở kỳ này", and the
text was gone. Now the text goes along into a period that has no report yet; a period with a report of
its own asks first (and so does leaving the page); sending the form asks nothing.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.models import Period, ProgressReport, ReportStatus
from kpis.services import ReportData, report_save_draft
from units.models import User

from .conftest import ARTIFACTS
from .test_journeys import PASSWORD, REPORT_CODE, assert_clean, demo_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = "Đã tổ chức hội thảo lấy ý kiến 12 sở, ngành về dự thảo Nghị quyết; đang tổng hợp góp ý."
QUARTER_TEXT = "Báo cáo quý đã lưu nháp trước đó."
QUESTION = "Bạn có nội dung chưa gửi. Rời trang này và bỏ nội dung đó?"


def the_world(monkeypatch):
    """The science department's task 10.1; a draft for this quarter; a month with no report."""
    plan, science, lead = demo_world(monkeypatch)
    assignment = lead(REPORT_CODE)
    today = timezone.localdate()
    periods = Period.objects.filter(plan=plan, start__lte=today)
    this_month = periods.get(kind="monthly", start__lte=today, end__gte=today)
    quarter = periods.get(kind="quarterly", start__lte=today, end__gte=today)
    empty = periods.filter(kind="monthly", end=this_month.start - datetime.timedelta(days=1)).first()
    assert empty is not None, "the plan needs a month before this one"
    ProgressReport.objects.filter(assignment=assignment).delete()
    staff = User.objects.get(username="demo_canbo_khcn")
    report_save_draft(
        assignment=assignment,
        period=quarter,
        actor=staff,
        data=ReportData(completion=20, results=QUARTER_TEXT),
    )
    return assignment, this_month, quarter, empty


class Dialogs:
    """Every dialog the page opens, answered as told (accept or dismiss)."""

    def __init__(self, page):
        self.seen: list[tuple[str, str]] = []
        self.accept = False
        page.on("dialog", self._answer)

    def _answer(self, dialog):
        self.seen.append((dialog.type, dialog.message))
        dialog.accept() if self.accept else dialog.dismiss()


def test_typed_text_survives_a_period_switch_and_nothing_is_dropped_without_asking(journey, monkeypatch):
    assignment, this_month, quarter, empty = the_world(monkeypatch)
    j = journey(name="staff")
    j.login("demo_canbo_khcn", PASSWORD)
    dialogs = Dialogs(j.page)
    page = j.page
    j.go(reverse("kpis:report_form", args=[assignment.pk]))
    results, period = page.locator("#id_results"), page.locator("#id_period")
    assert period.input_value() == str(this_month.pk)

    # 1. Typed text goes along into a month with no report, with a word saying so; nothing asked.
    results.fill(TYPED)
    period.select_option(str(empty.pk))
    page.get_by_role("button", name="Mở kỳ này").click()
    page.get_by_text("Đã giữ nội dung bạn đang nhập").wait_for()
    assert results.input_value() == TYPED
    assert period.input_value() == str(empty.pk)
    assert page.locator("input[name=loaded_period]").input_value() == str(empty.pk)
    assert dialogs.seen == []
    assert not ProgressReport.objects.filter(assignment=assignment, period=empty).exists()
    j.shot("text-carried-into-empty-month")

    # 2. The quarter has its own draft: opening it would drop the text, so the user is asked.
    #    Dismissing keeps the page as it was: the text, and the selector back on the month it belongs to.
    period.select_option(str(quarter.pk))
    page.get_by_role("button", name="Mở kỳ này").click()
    page.wait_for_timeout(300)
    assert dialogs.seen == [("confirm", QUESTION)]
    assert results.input_value() == TYPED
    assert period.input_value() == str(empty.pk)
    assert page.get_by_text(QUARTER_TEXT).count() == 0
    assert page.url.endswith(reverse("kpis:report_form", args=[assignment.pk]))

    # 3. Leaving the page by a link asks the browser's question; dismissing stays, the text intact.
    page.get_by_role("link", name="← Nhiệm vụ của tôi").click()
    page.wait_for_timeout(300)
    assert dialogs.seen[-1][0] == "beforeunload"
    assert page.url.endswith(reverse("kpis:report_form", args=[assignment.pk]))
    assert results.input_value() == TYPED
    j.shot("still-here-after-cancel")

    # 4. Sending the form asks nothing, and afterwards (all saved) leaving asks nothing either.
    asked = len(dialogs.seen)
    page.locator("#id_completion").fill("30")
    page.locator("button[name=action][value=submit]").click()
    page.get_by_text("Đã gửi báo cáo").wait_for()
    sent = ProgressReport.objects.get(assignment=assignment, period=empty)
    assert (sent.status, sent.results) == (ReportStatus.SUBMITTED, TYPED)
    j.shot("sent")
    page.get_by_role("link", name="← Nhiệm vụ của tôi").click()
    page.wait_for_url(f"**{reverse('kpis:my_tasks')}")
    assert len(dialogs.seen) == asked

    # 5. Agreeing to drop the text opens the quarter with its own draft.
    j.go(reverse("kpis:report_form", args=[assignment.pk]) + f"?period={empty.pk}")
    results.fill("Một câu sẽ bỏ đi.")
    period.select_option(str(quarter.pk))
    dialogs.accept = True
    page.get_by_role("button", name="Mở kỳ này").click()
    page.locator(f"input[name=loaded_period][value='{quarter.pk}']").wait_for(state="attached")
    assert dialogs.seen[-1] == ("confirm", QUESTION)
    assert results.input_value() == QUARTER_TEXT
    j.shot("quarter-opened-after-yes")
    assert_clean(j)


def test_without_htmx_sending_the_form_asks_nothing(journey, monkeypatch):
    """If htmx never loads, the form posts as a plain page: that is not leaving the text behind."""
    assignment, this_month, _quarter, _empty = the_world(monkeypatch)
    j = journey(name="staff")
    j.login("demo_canbo_khcn", PASSWORD)
    j.page.route("**/htmx.min.js", lambda route: route.abort())
    dialogs = Dialogs(j.page)
    j.go(reverse("kpis:report_form", args=[assignment.pk]))
    j.page.locator("#id_completion").fill("25")
    j.page.locator("#id_results").fill(TYPED)
    with j.page.expect_navigation():
        j.page.locator("button[name=action][value=draft]").click()
    j.page.get_by_text("Đã lưu nháp").first.wait_for()
    assert dialogs.seen == []
    assert ProgressReport.objects.get(assignment=assignment, period=this_month).results == TYPED


def test_without_javascript_the_text_still_goes_along(browser, live_server, monkeypatch):
    assignment, _this_month, quarter, empty = the_world(monkeypatch)
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="vi-VN", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("login"))
        page.fill("#id_username", "demo_canbo_khcn")
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        page.goto(live_server.url + reverse("kpis:report_form", args=[assignment.pk]))
        page.fill("#id_results", TYPED)
        page.select_option("#id_period", str(empty.pk))
        with page.expect_navigation():
            page.get_by_role("button", name="Mở kỳ này").click()
        assert page.locator("#id_results").input_value() == TYPED
        assert page.get_by_text("Đã giữ nội dung bạn đang nhập").count() == 1
        # A period with its own report does not take the text away: the page stays, and says how to go.
        page.select_option("#id_period", str(quarter.pk))
        with page.expect_navigation():
            page.get_by_role("button", name="Mở kỳ này").click()
        assert page.locator("#id_results").input_value() == TYPED
        assert page.locator("#id_period").input_value() == str(empty.pk)
        assert page.get_by_text("đã có báo cáo riêng").count() == 1
        folder = ARTIFACTS / "test_without_javascript_the_text_still_goes_along"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "01-stays-on-the-month-with-the-text.png"), full_page=True)
        page.get_by_role("link", name="và bỏ nội dung đang nhập").click()
        page.wait_for_load_state()
        assert page.locator("#id_results").input_value() == QUARTER_TEXT
    finally:
        context.close()

"""The header on a phone: one line (brand, bell, "Menu"), the rest behind the button.

At 390×844 the secretariat (the longest menu) sees the dashboard right under a one-line header; the
links, the user's name, "Đăng xuất" and the language switch appear when the button is pressed, by
mouse or keyboard, and Escape folds them back. Without JavaScript the button is not shown and the menu
lies open, as before. At 1280 px nothing changes: the links are there, no button.
"""

import pytest
from django.urls import reverse

from tests.browser.test_accessibility import assert_visible_focus, run_axe
from tests.browser.test_journeys import PASSWORD, demo_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = (390, 844)
WIDE = (1280, 800)
ONE_LINE = 72  # px: the header's height on a phone, bar padding included

BOX = "sel => { const r = document.querySelector(sel).getBoundingClientRect(); return [r.top, r.bottom, r.height]; }"


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement, s = getComputedStyle(el);
            return {cls: el.className, id: el.id, text: (el.innerText || '').trim(), tag: el.tagName.toLowerCase(),
                    outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
                    focusVisible: el.matches(':focus-visible')};
        }"""
    )


def test_on_a_phone_the_header_is_one_line_and_the_menu_opens_from_its_button(journey, monkeypatch):
    demo_world(monkeypatch)
    j = journey(viewport=PHONE, name="phone")
    j.login("demo_thuongtruc", PASSWORD)
    j.go(reverse("reports:dashboard"))
    page = j.page
    toggle = page.locator("header .menu-toggle")
    links = page.locator("header .mainnav a")
    assert links.count() >= 10  # the secretariat's menu, the longest

    # One line: brand, bell and button side by side, the dashboard's heading right below.
    top, bottom, height = page.evaluate(BOX, "header.topbar")
    assert height <= ONE_LINE, f"the header is {height}px high on a phone"
    for part in (".brand", "#notification-bell", ".menu-toggle"):
        part_top, part_bottom, _ = page.evaluate(BOX, f"header.topbar {part}")
        assert top <= part_top and part_bottom <= bottom, part
    assert page.evaluate(BOX, "main h1")[0] < ONE_LINE + 40
    for hidden in ("header .mainnav", "header .username", "header .userbox .link-button", "#lang-select"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert toggle.get_attribute("aria-expanded") == "false"
    controlled = page.locator("#" + toggle.get_attribute("aria-controls"))
    assert controlled.locator(".mainnav").count() == 1 and controlled.locator("#lang-select").count() == 1
    assert toggle.evaluate("el => el.tagName") == "BUTTON" and toggle.inner_text().strip() == "Menu"
    j.shot("closed")

    # Keyboard: the skip link first, then the brand, the bell and the button, which shows its focus.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(focused(page))
    assert "skip-link" in order[0]["cls"]
    assert "brand" in order[1]["cls"]
    assert order[2]["id"] == "notification-bell"
    assert "menu-toggle" in order[3]["cls"]
    assert_visible_focus(order[3])

    # Enter opens: aria-expanded, every link, the user box and the language switch are shown.
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    for i in range(links.count()):
        assert links.nth(i).is_visible(), links.nth(i).inner_text()
    for shown in ("header .username", "header .userbox .link-button", "#lang-select"):
        assert page.locator(shown).is_visible(), shown
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE[0]
    assert run_axe(page) == []
    j.shot("open")

    # Tab goes from the button into the menu; Escape there closes it and brings focus back to the button.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == links.first.inner_text().strip()
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert links.first.is_hidden()
    assert "menu-toggle" in focused(page)["cls"]

    # Space opens too; pressing the button again closes; a tap on the page outside the header closes.
    page.keyboard.press("Space")
    assert toggle.get_attribute("aria-expanded") == "true" and links.first.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false" and links.first.is_hidden()
    toggle.click()
    page.locator("main h1").click()
    assert toggle.get_attribute("aria-expanded") == "false"

    # A link in the menu goes to its page, where the menu is folded again.
    toggle.click()
    page.locator("header .mainnav a", has_text="Kế hoạch").first.click()
    page.wait_for_url("**/plans/")
    assert page.locator("header .menu-toggle").get_attribute("aria-expanded") == "false"
    assert page.evaluate(BOX, "header.topbar")[2] <= ONE_LINE

    # The language switch in the menu still posts (CSRF from the form) and comes back in English.
    page.locator("header .menu-toggle").click()
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("header .menu-toggle").inner_text().strip() == "Menu"
    assert page.evaluate(BOX, "header.topbar")[2] <= ONE_LINE, "the English brand fits on the line too"
    assert page.locator("header .mainnav").is_hidden()
    j.shot("english")

    # Growing to a wide screen puts the bell back in the user box; the button goes.
    page.set_viewport_size({"width": WIDE[0], "height": WIDE[1]})
    page.wait_for_function(
        "() => document.getElementById('notification-bell').parentElement.matches('.userbox')"
    )
    assert toggle.is_hidden() and page.locator("header .mainnav").is_visible()
    assert j.csp_violations() == []


def test_on_a_wide_screen_the_links_show_without_a_button(journey, monkeypatch):
    demo_world(monkeypatch)
    j = journey(viewport=WIDE, name="wide")
    j.login("demo_thuongtruc", PASSWORD)
    j.go(reverse("reports:dashboard"))
    page = j.page
    assert page.locator("header .menu-toggle").is_hidden()
    links = page.locator("header .mainnav a")
    for i in range(links.count()):
        assert links.nth(i).is_visible(), links.nth(i).inner_text()
    for shown in ("header .username", "header .userbox .link-button", "#lang-select"):
        assert page.locator(shown).is_visible(), shown
    # The bell is where it always was, at the head of the user box; Tab goes brand → first link.
    assert (
        page.evaluate("() => document.getElementById('notification-bell').parentElement.className")
        == "userbox"
    )
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == links.first.inner_text().strip()
    j.shot("dashboard")
    assert j.csp_violations() == []


def test_without_javascript_the_phone_menu_is_simply_open(browser, live_server, monkeypatch):
    demo_world(monkeypatch)
    context = browser.new_context(
        viewport={"width": PHONE[0], "height": PHONE[1]}, locale="vi-VN", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("login"))
        page.fill("#id_username", "demo_thuongtruc")
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")  # not the language switch's <noscript> OK
        page.goto(live_server.url + reverse("tasks:plan_list"))
        assert page.url.endswith(reverse("tasks:plan_list")), page.url
        assert page.locator("header .menu-toggle").is_hidden()
        links = page.locator("header .mainnav a")
        assert links.count() >= 10
        for i in range(links.count()):
            assert links.nth(i).is_visible(), links.nth(i).inner_text()
        assert page.locator("#lang-select").is_visible()
        assert page.locator(".langswitch button[type=submit]").is_visible()  # the <noscript> OK button
        assert page.locator("header .username").is_visible()
    finally:
        context.close()

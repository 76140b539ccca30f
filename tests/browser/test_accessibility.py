"""Accessibility and UX basics on every page a person uses, in a real Chromium.

- axe-core (vendored: tests/browser/vendor/axe.min.js, 4.14.1) finds no "serious" or "critical"
  violation: labels on every field, contrast, names of buttons and links, ARIA, landmarks;
- no page scrolls sideways on a 390×844 phone, nor at 1366×900;
- Tab reaches the main action of a page and the focused element shows a visible outline;
- every htmx request shows the #htmx-indicator while it runs (the request is held back with
  page.route until the indicator has been seen);
- a form error is shown beside its field.

Each page is checked logged in as the role that uses it, on the real appendix (`load_demo`).
Screenshots of every page at both widths land in test-artifacts/browser/<test>/.
"""

import json
import re
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from tasks.models import SubTask
from tests.browser.test_journeys import APPENDIX, CLAIM_CODE, PASSWORD, claim_by_services, demo_world
from units.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# rule id → why it cannot be fixed. Empty: nothing is allowed.
ALLOWED: dict[str, str] = {}


def route(name, *args) -> str | None:
    """The page's URL, or None while the app that serves it is not built."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def run_axe(page) -> list[str]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # add_script_tag would inline the script, which the CSP (script-src 'self') refuses;
        # evaluating the source through the DevTools protocol is not subject to the CSP.
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary)}));
        }"""
    )
    return [json.dumps(v, ensure_ascii=False) for v in result if v["id"] not in ALLOWED]


def horizontal_overflow(page) -> str | None:
    """None when the body does not scroll sideways; else the widest elements, to fix."""
    if page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"):
        return None
    culprits = page.evaluate(
        """() => {
            const w = window.innerWidth, out = [];
            for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.right > w + 1 && r.width > 0) {
                    let p = el.parentElement, hidden = false;
                    while (p) {
                        const s = getComputedStyle(p);
                        if (s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') { hidden = true; break; }
                        p = p.parentElement;
                    }
                    if (!hidden) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
                        ' right=' + Math.round(r.right));
                }
            }
            return out.slice(0, 8);
        }"""
    )
    width = page.evaluate("() => document.documentElement.scrollWidth")
    return f"scrollWidth {width} > {page.viewport_size['width']}: {culprits}"


class Audit:
    """Checks pages one after another and collects every problem, so one run shows them all."""

    def __init__(self, j):
        self.j = j
        self.problems: list[str] = []

    def page(self, name: str, url: str | None = None, *, ready=None):
        j = self.j
        if url is not None:
            j.page.set_viewport_size(DESKTOP)
            response = j.go(url)
            assert response.status == 200, (name, url, response.status)
        if ready:
            ready()
        self.check(name)

    def check(self, name: str):
        j = self.j
        for size, label in ((DESKTOP, "1366"), (PHONE, "390")):
            j.page.set_viewport_size(size)
            j.page.wait_for_timeout(100)
            overflow = horizontal_overflow(j.page)
            if overflow:
                # Charts and other scripts re-lay themselves out after a resize: measure again once settled.
                j.page.wait_for_timeout(600)
                overflow = horizontal_overflow(j.page)
            if overflow:
                self.problems.append(f"{name} @{label}: horizontal scroll — {overflow}")
            j.shot(f"{name}-{label}")
            self.problems += [f"{name} @{label}: axe {v}" for v in run_axe(j.page)]
        j.page.set_viewport_size(DESKTOP)

    def done(self):
        self.problems += [f"CSP/page error: {line}" for line in self.j.csp_violations()]
        self.problems += [
            f"console: {line}"
            for line in self.j.console
            # The not-found page is asked for on purpose.
            if line.startswith("error:") and "status of 404" not in line
        ]
        assert self.problems == [], "\n".join(self.problems)


def tab_to(page, predicate_js: str, limit: int = 250) -> dict:
    """Press Tab until the focused element matches; return what is focused and its outline."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    for _ in range(limit):
        page.keyboard.press("Tab")
        found = page.evaluate(
            """(pred) => {
                const el = document.activeElement;
                if (!el || el === document.body) return null;
                if (!(new Function('el', 'return ' + pred))(el)) return null;
                const s = getComputedStyle(el);
                return {text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim(),
                        tag: el.tagName.toLowerCase(), outlineStyle: s.outlineStyle,
                        outlineWidth: parseFloat(s.outlineWidth), outlineColor: s.outlineColor,
                        focusVisible: el.matches(':focus-visible')};
            }""",
            predicate_js,
        )
        if found:
            return found
    raise AssertionError(f"Tab never reached an element where {predicate_js}")


def assert_visible_focus(found: dict):
    assert found["focusVisible"], found
    assert found["outlineStyle"] not in ("none", "hidden") and found["outlineWidth"] >= 2, found


class HeldHtmx:
    """Holds back htmx requests (HX-Request header) until released, to see the indicator."""

    def __init__(self, page):
        self.page = page
        self.held = []
        page.route("**/*", self._handle)

    def _handle(self, route):
        if route.request.headers.get("hx-request") == "true":
            self.held.append(route)
        else:
            route.continue_()

    def check(self, name: str, action, *, after=None) -> str | None:
        """Do the action; the indicator must show while the request is held and go away after."""
        page = self.page
        self.held.clear()
        action()
        for _ in range(100):
            if self.held:
                break
            page.wait_for_timeout(20)
        if not self.held:
            return f"{name}: no htmx request was made"
        try:
            page.wait_for_function(
                "() => getComputedStyle(document.getElementById('htmx-indicator')).opacity === '1'",
                timeout=3000,
            )
        except Exception:  # noqa: BLE001 — reported as a problem, the request is still released
            problem = f"{name}: #htmx-indicator did not show during the request"
        else:
            problem = None
        while self.held:
            self.held.pop(0).continue_()
        page.wait_for_load_state("networkidle")
        page.wait_for_function(
            "() => getComputedStyle(document.getElementById('htmx-indicator')).opacity === '0'", timeout=3000
        )
        if after:
            after()
        return problem


def login(journey, username):
    j = journey(name=username)
    j.login(username, PASSWORD)
    return j


# ------------------------------------------------------------------------------------------ tests


def test_login_and_password_reset_pages(journey):
    j = journey(name="anonymous")
    audit = Audit(j)
    audit.page("login", route("login"))
    audit.page("password-reset", route("password_reset"))
    # A wrong password: the error is said in Vietnamese and the username typed is kept.
    j.go("/accounts/login/")
    j.page.fill("#id_username", "khong-co-ai")
    j.page.fill("#id_password", "sai")
    j.page.click("button[type=submit]")
    assert j.page.input_value("#id_username") == "khong-co-ai"
    audit.check("login-error")
    # Keyboard: from the top, Tab reaches the skip link, the fields and the button, all with a visible ring.
    j.go("/accounts/login/")
    assert_visible_focus(tab_to(j.page, "el.classList.contains('skip-link')"))
    assert_visible_focus(tab_to(j.page, "el.id === 'id_username'"))
    assert_visible_focus(tab_to(j.page, "el.id === 'id_password'"))
    found = tab_to(j.page, "el.type === 'submit'")
    assert_visible_focus(found)
    assert found["text"] == "Đăng nhập"
    j.shot("focus-on-login-button")
    audit.done()


def test_pages_of_the_secretariat(journey, monkeypatch):
    plan, science, lead = demo_world(monkeypatch)
    subtask = SubTask.objects.get(plan=plan, code="5.4")
    someone = User.objects.get(username="demo_canbo_khcn")
    claim_by_services(lead(CLAIM_CODE), someone)
    j = login(journey, "demo_thuongtruc")
    audit = Audit(j)
    audit.page("plan-list", route("tasks:plan_list"))
    audit.page("plan-tree", route("tasks:plan_detail", plan.pk))
    audit.page("subtask", route("tasks:subtask_detail", subtask.pk))
    audit.page("import-upload", route("tasks:import_plan"))
    # An upload without a file: the error stands beside the field.
    j.page.click("button:has-text('Tải lên và xem trước')")
    j.page.wait_for_load_state("networkidle")
    error = j.page.locator(".field.has-error .field-error")
    assert error.count() >= 1 and error.first.is_visible()
    assert j.page.locator(".field.has-error input[type=file]").count() == 1
    audit.check("import-upload-error")
    # Keyboard reaches the upload button with a visible ring.
    found = tab_to(j.page, "el.matches('button.primary')")
    assert_visible_focus(found)
    assert found["text"] == "Tải lên và xem trước"
    j.page.set_input_files("#id_file", str(APPENDIX))
    j.page.click("button:has-text('Tải lên và xem trước')")
    j.page.wait_for_load_state("networkidle")
    assert "/plans/import/" in j.page.url
    audit.page("import-preview")
    assert_visible_focus(tab_to(j.page, "el.matches('button.primary')"))
    audit.page("period-list", route("kpis:period_list"))
    audit.page("not-reported", route("kpis:not_reported"))
    audit.page("notifications", route("notifications:list"))
    audit.page("red-flags", route("kpis:flags"))
    audit.page("user-list", route("units:user_list"))
    audit.page("user-create", route("units:user_create"))
    # An empty new-user form: errors beside their fields.
    j.page.locator("main form button[type=submit]").first.click()
    j.page.wait_for_load_state("networkidle")
    assert j.page.locator(".field.has-error").count() >= 1
    audit.check("user-create-errors")
    audit.page("user-detail", route("units:user_detail", someone.pk))
    audit.page("audit", route("audit:event_list"))
    audit.page("password-change", route("password_change"))
    for name, url in (
        ("report-builder", route("reports:builder")),
        ("report-archive", route("reports:archive_list")),
        ("dashboard", route("reports:dashboard")),
    ):
        if url:
            audit.page(name, url)
    audit.page("not-found", None, ready=lambda: j.go("/plans/999999999/"))
    audit.done()


def test_pages_of_unit_staff(journey, monkeypatch):
    plan, science, lead = demo_world(monkeypatch)
    monthly = lead("10.1")
    j = login(journey, "demo_canbo_khcn")
    audit = Audit(j)
    audit.page("my-tasks", route("kpis:my_tasks"))

    def open_inline():
        j.page.locator(f"#task-{monthly.pk} a:has-text('Báo cáo')").click()
        j.page.locator(f"#slot-{monthly.pk} #id_completion").wait_for()

    audit.page("my-tasks-report-open", None, ready=open_inline)
    # On a phone the inline form sits in a table that scrolls sideways: its fields and buttons must
    # still lie within the screen without scrolling that table.
    j.page.set_viewport_size(PHONE)
    j.page.wait_for_timeout(100)
    for selector in ("#id_completion", "#id_results", "button[name=action][value=submit]"):
        left, right = j.page.locator(f"#slot-{monthly.pk} {selector}").evaluate(
            "el => { const r = el.getBoundingClientRect(); return [r.left, r.right]; }"
        )
        assert left >= 0 and right <= PHONE["width"], (selector, left, right)
    j.page.set_viewport_size(DESKTOP)
    # Keyboard: Tab reaches the report's send button, with a visible ring.
    found = tab_to(j.page, "el.matches('button[name=action][value=submit]')", limit=600)
    assert_visible_focus(found)
    assert found["text"] == "Gửi báo cáo"
    # A completion that is not a number: the error stands beside the field, what was typed is kept.
    slot = j.page.locator(f"#slot-{monthly.pk}")
    slot.locator("#id_completion").fill("sáu mươi")
    slot.locator("#id_results").fill("Đã làm một phần.")
    slot.locator("button[name=action][value=draft]").click()
    slot.locator(".field.has-error .field-error").first.wait_for()
    assert slot.locator("#id_completion").input_value() == "sáu mươi"
    assert slot.locator("#id_results").input_value() == "Đã làm một phần."
    audit.check("report-inline-error")
    # The form itself on a phone, to look at the error beside its field.
    j.page.set_viewport_size(PHONE)
    slot.screenshot(path=str(j.folder / "report-inline-error-form-390.png"))
    j.page.set_viewport_size(DESKTOP)
    audit.page("report-form", route("kpis:report_form", monthly.pk))
    audit.page("notifications", route("notifications:list"))
    audit.page("plan-tree", route("tasks:plan_detail", plan.pk))
    audit.page("subtask", route("tasks:subtask_detail", monthly.subtask_id))
    if route("reports:my_unit_dashboard"):
        audit.page("unit-dashboard", route("reports:my_unit_dashboard"))
    audit.done()


def test_pages_of_the_reviewer(journey, monkeypatch):
    plan, science, lead = demo_world(monkeypatch)
    claimed = lead(CLAIM_CODE)
    claim_by_services(claimed, User.objects.get(username="demo_canbo_khcn"))
    j = login(journey, "demo_thamdinh")
    audit = Audit(j)
    audit.page("review-queue", route("evidence:queue"))
    audit.page("review-claim", route("evidence:claim", claimed.pk))
    # Returning without a reason: the error stands beside the reason field.
    j.page.click("button:has-text('Trả lại')")
    j.page.wait_for_load_state("networkidle")
    assert j.page.locator(".has-error .field-error, .field-error").first.is_visible()
    audit.check("review-return-error")
    found = tab_to(j.page, "el.matches('button.primary')", limit=400)
    assert_visible_focus(found)
    assert found["text"] == "Công nhận hoàn thành"
    audit.done()


def test_pages_of_leadership(journey, monkeypatch):
    plan, science, lead = demo_world(monkeypatch)
    j = login(journey, "demo_lanhdao")
    audit = Audit(j)
    audit.page("plan-list", route("tasks:plan_list"))
    audit.page("plan-tree", route("tasks:plan_detail", plan.pk))
    for name, url in (
        ("dashboard", route("reports:dashboard")),
        ("dashboard-list", route("reports:dashboard_list")),
        ("unit-dashboard", route("reports:unit_dashboard", science.pk)),
        ("report-builder", route("reports:builder")),
        ("report-archive", route("reports:archive_list")),
    ):
        if url:
            audit.page(name, url)
    audit.done()


def test_every_htmx_request_shows_the_loading_indicator(journey, monkeypatch):
    plan, science, lead = demo_world(monkeypatch)
    monthly = lead("10.1")
    claimed = lead(CLAIM_CODE)
    claim_by_services(claimed, User.objects.get(username="demo_canbo_khcn"))
    problems = []

    staff = login(journey, "demo_canbo_khcn")
    held = HeldHtmx(staff.page)
    staff.go(reverse("kpis:my_tasks"))
    slot = staff.page.locator(f"#slot-{monthly.pk}")
    problems.append(
        held.check(
            "my-tasks: open the report form",
            lambda: staff.page.locator(f"#task-{monthly.pk} a:has-text('Báo cáo')").click(),
            after=lambda: slot.locator("#id_completion").wait_for(),
        )
    )
    staff.shot("report-open")
    slot.locator("#id_completion").fill("30")
    problems.append(
        held.check(
            "report form: save a draft",
            lambda: slot.locator("button[name=action][value=draft]").click(),
            after=lambda: slot.get_by_text("Đã lưu nháp").wait_for(),
        )
    )
    problems.append(
        held.check(
            "my-tasks: filter",
            lambda: staff.page.select_option("#f-sort", index=1),
            after=lambda: staff.page.locator(f"#task-{monthly.pk}").wait_for(),
        )
    )
    staff.go(reverse("tasks:plan_detail", args=[plan.pk]))
    problems.append(
        held.check(
            "plan tree: filter by unit",
            lambda: staff.page.locator("form.filter-form button[type=submit]").click(),
        )
    )
    staff.shot("plan-filtered")

    reviewer = login(journey, "demo_thamdinh")
    held_r = HeldHtmx(reviewer.page)
    reviewer.go(reverse("evidence:queue"))
    problems.append(
        held_r.check(
            "review queue: filter",
            lambda: reviewer.page.locator("main form[hx-get] [type=submit]").first.click(),
        )
    )
    reviewer.go(reverse("evidence:claim", args=[claimed.pk]))
    claim_links = reviewer.page.locator("main [hx-get]")
    if claim_links.count():
        problems.append(held_r.check("claim: preview a file", lambda: claim_links.first.click()))

    secretariat = login(journey, "demo_thuongtruc")
    held_s = HeldHtmx(secretariat.page)
    for name, url in (
        ("user list: filter", reverse("units:user_list")),
        ("audit: filter", reverse("audit:event_list")),
    ):
        secretariat.go(url)
        problems.append(
            held_s.check(
                name, lambda: secretariat.page.locator("main form[hx-get] [type=submit]").first.click()
            )
        )
    secretariat.go(reverse("kpis:not_reported"))
    problems.append(
        held_s.check(
            "not-reported: one unit's list",
            lambda: secretariat.page.locator("table.count-list a[hx-get]").first.click(),
        )
    )
    dashboard = route("reports:dashboard")
    if dashboard:
        secretariat.go(dashboard)
        problems.append(
            held_s.check("dashboard: filter", lambda: secretariat.page.select_option("#f-kind", index=1))
        )
    problems = [p for p in problems if p]
    for j in (staff, reviewer, secretariat):
        problems += [f"{line}" for line in j.csp_violations()]
    assert problems == [], "\n".join(problems)


def test_no_htmx_element_opts_out_of_the_page_indicator():
    """The body carries hx-indicator="#htmx-indicator"; only the notification bell's background
    polling shows its own (quieter) indicator instead, so it does not flash every minute."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for template in root.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        for match in re.finditer(r'hx-indicator="([^"]+)"', template.read_text()):
            if template.name == "base.html" and match.group(1) == "#htmx-indicator":
                continue
            if template.name == "_bell.html":
                continue
            offenders.append(f"{template.relative_to(root)}: {match.group(0)}")
    assert offenders == []


def test_the_checks_themselves_catch_what_they_look_for(journey):
    """A page with an unlabelled field, low contrast and a too-wide table fails every check."""
    j = journey(name="self-test")
    j.go(reverse("login"))
    j.page.evaluate(
        """() => {
            const main = document.getElementById('main');
            main.insertAdjacentHTML('beforeend',
                '<input type="text" name="x"><p class="lowc">chữ mờ</p><table class="wide"><tr><td>x</td></tr></table>');
            main.querySelector('.lowc').style.color = '#ddd';
            main.querySelector('.wide').style.width = '900px';
        }"""
    )
    ids = {json.loads(v)["id"] for v in run_axe(j.page)}
    assert {"label", "color-contrast"} <= ids
    j.page.set_viewport_size(PHONE)
    assert horizontal_overflow(j.page) is not None

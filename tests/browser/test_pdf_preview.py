"""A PDF's own JavaScript never runs in a staff browser: a claim's PDF carrying /OpenAction
app.alert(…) and app.launchURL(…) is drawn by the portal's pdf.js page, on the claim page and on
its own preview page, and no dialog and no new window opens. Screenshots land in
test-artifacts/browser/<this test>/."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from evidence.validation import check_upload
from tests.evidence.corpus import pdf_bytes
from tests.evidence.world import claim, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-thu-nghiem-1"
NAME = "Quyết định có mã độc.pdf"
SCRIPT = (
    "app.alert('Phiên làm việc đã hết hạn, hãy nhập lại mật khẩu');"
    "app.response('Mật khẩu:');"
    "app.launchURL('https://evil.invalid/', true);"
)


def hostile_pdf() -> bytes:
    """A one-page PDF (its text is drawn) whose catalog runs JavaScript on opening, as a
    document's and as its page's open action."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes("Quyet dinh so 12/QD-STP"))))

    def action():
        return DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(SCRIPT)}
        )

    writer._root_object[NameObject("/OpenAction")] = action()
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _watch(j):
    """Every dialog and every new page the context opens, from now on."""
    seen = []
    j.page.on("dialog", lambda dialog: (seen.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    j.context.on("page", lambda page: seen.append(f"page: {page.url}"))
    return seen


DRAWN = """canvas => {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 3] > 0) dark += 1;
    return {width: canvas.width, height: canvas.height, dark};
}"""


def _assert_page_drawn(frame):
    frame.wait_for_selector("#pdf-preview[data-rendered]", timeout=20_000)
    assert frame.locator("#pdf-preview").get_attribute("data-rendered") == "1"
    canvas = frame.locator(".pdf-page canvas")
    assert canvas.count() == 1
    drawn = canvas.evaluate(DRAWN)
    # An A4 page at the frame's width, and its line of text actually painted.
    assert drawn["width"] > 300 and drawn["height"] > drawn["width"]
    assert drawn["dark"] > 50, drawn
    assert frame.locator(".pdf-page figcaption").inner_text() == "Trang 1/1 của tệp PDF"


def test_a_pdf_with_javascript_is_shown_without_running_it(journey, settings):
    settings.EVIDENCE_CLAMD_SOCKET = ""
    settings.EVIDENCE_CLAMD_HOST = ""
    world = make_world()
    data = hostile_pdf()
    assert b"/OpenAction" in data and b"/S /JavaScript" in data
    assert check_upload(name=NAME, data_or_file=data, size=len(data)).kind == "pdf"  # still accepted
    report = claim(world, files=[SimpleUploadedFile(NAME, data, content_type="application/pdf")])
    evidence = report.evidence.get()

    reviewer = journey(name="reviewer")
    seen = _watch(reviewer)
    reviewer.login(world.reviewer.username, PASSWORD)

    # On the claim page the file is drawn in the preview frame.
    reviewer.go(reverse("evidence:claim", args=[world.lead.pk]) + f"?show={evidence.pk}")
    frame_element = reviewer.page.wait_for_selector("#preview-pane iframe.preview-frame")
    frame = frame_element.content_frame()
    _assert_page_drawn(frame)
    reviewer.page.wait_for_timeout(1500)  # time for any open action to have fired
    reviewer.shot("claim-page-with-pdf")

    # On its own preview page, as "Mở riêng" opens it.
    response = reviewer.go(reverse("evidence:preview", args=[evidence.pk]))
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    _assert_page_drawn(reviewer.page.main_frame)
    reviewer.page.wait_for_timeout(1500)
    reviewer.shot("preview-page")

    assert seen == []
    assert len(reviewer.context.pages) == 1
    assert reviewer.csp_violations() == []

    # On a phone the page fits the screen's width.
    phone = journey(viewport=(390, 844), name="phone")
    seen_on_phone = _watch(phone)
    phone.login(world.reviewer.username, PASSWORD)
    phone.go(reverse("evidence:preview", args=[evidence.pk]))
    phone.page.wait_for_selector("#pdf-preview[data-rendered]", timeout=20_000)
    shown_width = phone.page.locator(".pdf-page canvas").evaluate("c => c.getBoundingClientRect().width")
    assert 300 < shown_width <= 390
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("preview-on-a-phone")
    assert seen_on_phone == []


def test_the_download_is_an_attachment_never_opened_in_the_tab(journey, settings):
    settings.EVIDENCE_CLAMD_SOCKET = ""
    settings.EVIDENCE_CLAMD_HOST = ""
    world = make_world()
    data = hostile_pdf()
    report = claim(world, files=[SimpleUploadedFile(NAME, data, content_type="application/pdf")])
    evidence = report.evidence.get()

    reviewer = journey(name="reviewer")
    seen = _watch(reviewer)
    reviewer.login(world.reviewer.username, PASSWORD)
    reviewer.go(reverse("evidence:claim", args=[world.lead.pk]) + f"?show={evidence.pk}")
    with reviewer.page.expect_download() as caught:
        reviewer.page.locator("#preview-pane a", has_text="Tải về").click()
    download = caught.value
    assert download.suggested_filename == NAME
    reviewer.page.wait_for_timeout(1000)
    assert seen == []
    assert reviewer.page.url.endswith(f"?show={evidence.pk}")  # still on the claim page

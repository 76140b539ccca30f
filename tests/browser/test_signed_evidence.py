"""The review page in a real browser shows what the evidence's digital signatures were found to be:
a trusted, intact signature; a signed file that had a page added after signing; a scan with no
signature. Screenshots land in test-artifacts/browser/<this test>/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.evidence.corpus import pdf_bytes
from tests.evidence.signing import append_page, signed_pdf, standard_world
from tests.evidence.world import claim, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-thu-nghiem-1"


def test_the_reviewer_sees_who_signed_and_what_changed(journey, tmp_path, settings):
    settings.EVIDENCE_CLAMD_SOCKET = ""
    settings.EVIDENCE_CLAMD_HOST = ""
    ca, _signer = standard_world()
    (tmp_path / "roots").mkdir()
    (tmp_path / "roots" / "root-ca.pem").write_bytes(ca.pem)
    settings.EVIDENCE_TRUST_ROOTS_DIR = str(tmp_path / "roots")
    world = make_world()
    good = signed_pdf("Quyet dinh so 12/QD-STP")
    claim(
        world,
        files=[
            SimpleUploadedFile("Quyết định 12-QĐ-STP (ký số).pdf", good, content_type="application/pdf"),
            SimpleUploadedFile(
                "Kế hoạch (thêm trang sau khi ký).pdf",
                append_page(signed_pdf("Ke hoach 5")),
                content_type="application/pdf",
            ),
            SimpleUploadedFile("Bản chụp.pdf", pdf_bytes("Ban chup"), content_type="application/pdf"),
        ],
    )

    reviewer = journey(name="reviewer")
    reviewer.login(world.reviewer.username, PASSWORD)
    reviewer.go(reverse("evidence:claim", args=[world.lead.pk]))
    listing = reviewer.page.locator(".evidence-list").first.inner_text()
    assert "Ký số bởi Nguyễn Văn An (Sở Tư pháp tỉnh), lúc" in listing
    assert "tài liệu nguyên vẹn, chữ ký bao trùm toàn bộ tệp" in listing
    assert "cấp (tin cậy); chưa kiểm tra thu hồi" in listing
    assert "sau khi ký tệp đã được thêm nội dung" in listing
    assert "Không có chữ ký số" in listing
    reviewer.shot("claim-with-signatures")
    reviewer.page.click("text=Quyết định 12-QĐ-STP (ký số).pdf")
    reviewer.page.locator("#preview-pane .signatures").wait_for()
    assert (
        "Có chữ ký số — nguyên vẹn, tổ chức cấp tin cậy"
        in reviewer.page.locator("#preview-pane").inner_text()
    )
    reviewer.shot("signed-file-shown")
    assert reviewer.csp_violations() == []

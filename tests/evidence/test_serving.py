"""Files are served only through the access check, with headers the server builds."""

import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import storages
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from evidence.http import (
    DOWNLOAD_CSP,
    PDF_PREVIEW_CSP,
    PDF_WORKER_CSP,
    ascii_fallback,
    content_disposition,
    serve,
)
from evidence.services import evidence_add
from kpis.services import ReportData, report_save_draft
from nq57portal.middleware import SecurityHeadersMiddleware
from tasks.models import AssignmentRole
from tests.evidence.corpus import pdf_bytes
from tests.evidence.world import claim, client_for, docx_upload, pdf_upload, png_upload
from tests.factories import AssignmentFactory, UserFactory
from units.models import Role

pytestmark = pytest.mark.django_db
NAME = "Quyết định đã ký — số 12.pdf"


@pytest.fixture
def sent(world):
    report = claim(
        world, files=[pdf_upload(NAME), png_upload("Ảnh sản phẩm.png"), docx_upload("Báo cáo.docx")]
    )
    return {e.kind: e for e in report.evidence.all()}


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_download_carries_nosniff_and_a_disposition_built_by_the_server(world, sent):
    evidence = sent["pdf"]
    response = client_for(world.staff).get(reverse("evidence:download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="Quyet dinh da ky so 12.pdf"' in disposition
    # RFC 6266 / 8187: the Vietnamese name intact, percent-encoded UTF-8.
    assert f"filename*=UTF-8''{quote(NAME, safe='')}" in disposition
    assert "Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20%C4%91%C3%A3%20k%C3%BD" in disposition
    assert body(response) == pdf_bytes("Quyet dinh so 12")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"


def test_a_pdf_preview_is_the_portals_pdfjs_page_never_the_file_inline(world, sent):
    """The browser's own PDF viewer runs a document's JavaScript whatever the response's policy
    says: a PDF is drawn by pdf.js on a page of the portal's own scripts, from the download."""
    evidence = sent["pdf"]
    response = client_for(world.reviewer).get(reverse("evidence:preview", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    policy = response["Content-Security-Policy"]
    assert policy == PDF_PREVIEW_CSP
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'", "'wasm-unsafe-eval'"]
    assert "frame-ancestors 'self'" in policy and "default-src 'none'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert f'data-src="{reverse("evidence:download", args=[evidence.pk])}"' in html
    assert "/static/vendor/pdfjs/pdf.min.mjs" in html and "/static/vendor/pdfjs/pdf.worker.min.mjs" in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(" src=" in tag for tag in scripts)  # no inline code
    assert NAME in html


def test_a_pdf_is_never_served_inline_even_when_asked(world, sent):
    response = serve(sent["pdf"], inline=True)
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP
    assert response["X-Frame-Options"] == "DENY"
    response.close()


def test_pdfjs_gets_its_own_allowance_and_every_other_file_the_portals_policy(rf, settings):
    def answer(request):
        return HttpResponse("")

    middleware = SecurityHeadersMiddleware(answer)
    worker = middleware(rf.get("/static/vendor/pdfjs/pdf.worker.min.0123abcd.mjs"))
    assert worker["Content-Security-Policy"] == PDF_WORKER_CSP
    assert "'wasm-unsafe-eval'" in PDF_WORKER_CSP and "unsafe-inline" not in PDF_WORKER_CSP
    for path in ("/static/evidence/pdf-preview.mjs", "/static/js/portal.js", "/plans/"):
        assert middleware(rf.get(path))["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_pdfjs_is_vendored_with_its_licence():
    folder = Path(django_settings.BASE_DIR) / "static" / "vendor" / "pdfjs"
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert "5.6.205" in (folder / "README.md").read_text()
    for name in ("pdf.min.mjs", "pdf.worker.min.mjs", "wasm/jbig2.wasm", "standard_fonts/FoxitSerif.pfb"):
        assert (folder / name).stat().st_size > 1000, name
    # The preview sets isEvalSupported off and never asks for scripting.
    script = (Path(django_settings.BASE_DIR) / "static" / "evidence" / "pdf-preview.mjs").read_text()
    assert "isEvalSupported: false" in script and "enableScripting" not in script


def test_an_image_preview_is_inline(world, sent):
    response = client_for(world.staff).get(reverse("evidence:preview", args=[sent["png"].pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline; ")
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_anything_else_downloads_even_from_the_preview_route(world, sent):
    response = client_for(world.staff).get(reverse("evidence:preview", args=[sent["docx"].pk]))
    assert response["Content-Disposition"].startswith("attachment; ")
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o.docx" in response["Content-Disposition"]
    assert (
        response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("route", ["evidence:download", "evidence:preview", "evidence:remove"])
def test_another_units_user_gets_404_exactly_like_a_missing_id(world, sent, route):
    client = client_for(world.outsider)
    method = client.post if route == "evidence:remove" else client.get
    for evidence in sent.values():
        assert method(reverse(route, args=[evidence.pk])).status_code == 404
    assert method(reverse(route, args=[2_000_000_000])).status_code == 404


def test_readers_of_the_assignment_may_download(world, sent):
    co_staff = UserFactory(unit=AssignmentFactory(subtask=world.subtask, role=AssignmentRole.CO).unit)
    for user in (
        world.reviewer,
        world.leadership,
        co_staff,
        UserFactory(unit=None, roles=[Role.SECRETARIAT]),
    ):
        assert client_for(user).get(reverse("evidence:download", args=[sent["pdf"].pk])).status_code == 200


def test_a_drafts_files_are_the_units_own(world):
    draft = report_save_draft(
        assignment=world.lead, period=world.period, actor=world.staff, data=ReportData(completion=Decimal(30))
    )
    evidence = evidence_add(report=draft, upload=pdf_upload(), actor=world.staff)
    co_staff = UserFactory(unit=AssignmentFactory(subtask=world.subtask, role=AssignmentRole.CO).unit)
    url = reverse("evidence:download", args=[evidence.pk])
    assert client_for(co_staff).get(url).status_code == 404
    assert client_for(world.staff).get(url).status_code == 200
    assert client_for(world.reviewer).get(url).status_code == 200


def test_anonymous_is_sent_to_sign_in(sent):
    response = Client().get(reverse("evidence:download", args=[sent["pdf"].pk]))
    assert response.status_code == 302 and reverse("login") in response.url


def test_a_file_gone_from_the_storage_answers_404(world, sent):
    storages["private"].delete(sent["pdf"].stored_name)
    assert client_for(world.staff).get(reverse("evidence:download", args=[sent["pdf"].pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("Báo cáo đã ký.pdf", "Bao cao da ky.pdf"),
        ('Đề án "mới".docx', "De an _moi.docx"),
        ("测试.pdf", "tep.pdf"),
        ("a\\b.pdf", "a_b.pdf"),
    ],
)
def test_the_ascii_fallback(name, fallback):
    assert ascii_fallback(name) == fallback
    header = content_disposition("attachment", name)
    assert header.isascii() and "\r" not in header and "\n" not in header
    assert f"filename*=UTF-8''{quote(name, safe='')}" in header

"""Evidence that matches its output: the unit names the file that is the required document with
its number, date and issuer (proposed from a signed PDF's first page), the reviewer sees it beside
the output the appendix asked for; returns are given a reason from a list and counted by reason."""

import datetime

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from evidence.models import Evidence, ReturnReason, Review
from evidence.selectors import returns_by_reason
from evidence.services import review_return
from evidence.signatures.docinfo import read_document_facts
from kpis.models import ProgressReport
from tests.evidence.signing import sign_pdf, standard_world
from tests.evidence.world import claim, client_for, pdf_upload

pytestmark = pytest.mark.django_db


def decree30_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with these lines of text, top to bottom (ASCII: the standard Type1 font)."""
    body = b"BT /F1 12 Tf 60 780 Td 16 TL " + b" ".join(b"(%s) '" % line.encode() for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DECISION_LINES = [
    "UBND TINH QUANG NINH",
    "SO TU PHAP",
    "So: 12/QD-STP",
    "Quang Ninh, ngay 05 thang 3 nam 2026",
    "QUYET DINH",
    "Ve viec ban hanh quy che so hoa ho so",
]


def test_the_header_of_a_decree_30_document_is_read():
    facts = read_document_facts(
        "UBND TỈNH QUẢNG NINH        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "SỞ TƯ PHÁP                  Độc lập - Tự do - Hạnh phúc\n"
        "Số: 12/QĐ-UBND              Quảng Ninh, ngày 05 tháng 3 năm 2026\n"
        "QUYẾT ĐỊNH\n"
    )
    assert facts == {
        "number": "12/QĐ-UBND",
        "date": "2026-03-05",
        "issuer": "UBND TỈNH QUẢNG NINH - SỞ TƯ PHÁP",
    }
    assert read_document_facts("Biên bản họp, không số")["number"] == ""
    assert read_document_facts("ngày 31 tháng 2 năm 2026")["date"] == ""  # no such day: nothing guessed


def _signed_decision(world):
    ca, signer = standard_world()
    data = sign_pdf(decree30_pdf(DECISION_LINES), signer, chain=[ca])
    return SimpleUploadedFile("Quyết định 12-QĐ-STP.pdf", data, content_type="application/pdf")


def _upload(client, world, upload):
    return client.post(
        reverse("evidence:upload", args=[world.lead.pk]),
        {"period": str(world.period.pk), "file": upload},
        HTTP_ACCEPT="application/json",
    )


def _form(world, **extra):
    return {
        "period": str(world.period.pk),
        "completion": "100",
        "results": "Đã ban hành quyết định",
        "difficulties": "",
        "proposals": "",
        **extra,
    }


def test_the_number_date_and_issuer_are_proposed_from_a_signed_pdf_and_confirmed_by_the_unit(world):
    client = client_for(world.staff)
    response = _upload(client, world, _signed_decision(world))
    html = response.json()["html"]
    evidence = Evidence.objects.get()
    assert evidence.document_proposal == {
        "number": "12/QD-STP",
        "date": "2026-03-05",
        "issuer": "UBND TINH QUANG NINH - SO TU PHAP",
    }
    assert f'name="doc_number_{evidence.pk}"' in html and 'value="12/QD-STP"' in html
    assert 'value="05/03/2026"' in html and "Đọc từ trang 1 của tệp" in html
    assert evidence.output_document is False  # proposed, not yet confirmed

    # The unit corrects the symbol's letters and saves the draft: that is its confirmation.
    response = client.post(
        reverse("kpis:report_form", args=[world.lead.pk]),
        _form(
            world,
            action="draft",
            output_document=str(evidence.pk),
            **{
                f"doc_number_{evidence.pk}": "12/QĐ-STP",
                f"doc_date_{evidence.pk}": "05/03/2026",
                f"doc_issuer_{evidence.pk}": "Sở Tư pháp",
            },
        ),
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.output_document, evidence.document_number, evidence.document_issuer) == (
        True,
        "12/QĐ-STP",
        "Sở Tư pháp",
    )
    assert evidence.document_date == datetime.date(2026, 3, 5)
    event = AuditEvent.objects.get(action="evidence.document_confirm")
    assert (
        event.changes["after"]["number"] == "12/QĐ-STP" and event.changes["as_read"]["number"] == "12/QD-STP"
    )


def test_a_bad_date_is_refused_beside_what_was_typed_and_nothing_changes(world):
    client = client_for(world.staff)
    _upload(client, world, _signed_decision(world))
    evidence = Evidence.objects.get()
    page = client.post(
        reverse("kpis:report_form", args=[world.lead.pk]),
        _form(
            world,
            action="draft",
            results="Kết quả tôi vừa gõ",
            output_document=str(evidence.pk),
            **{
                f"doc_number_{evidence.pk}": "12/QĐ-STP",
                f"doc_date_{evidence.pk}": "35/13/2026",
                f"doc_issuer_{evidence.pk}": "Sở Tư pháp gõ tay",
            },
        ),
    ).content.decode()
    assert "Ngày ban hành của văn bản phải theo dạng ngày/tháng/năm" in page
    assert (
        'value="35/13/2026"' in page and 'value="Sở Tư pháp gõ tay"' in page and "Kết quả tôi vừa gõ" in page
    )
    evidence.refresh_from_db()
    assert evidence.output_document is False and evidence.document_number == ""
    assert not AuditEvent.objects.filter(action="evidence.document_confirm").exists()


def test_the_reviewer_sees_the_document_beside_the_required_output(world):
    client = client_for(world.staff)
    _upload(client, world, _signed_decision(world))
    evidence = Evidence.objects.get()
    client.post(
        reverse("kpis:report_form", args=[world.lead.pk]),
        _form(
            world,
            action="submit",
            output_document=str(evidence.pk),
            **{
                f"doc_number_{evidence.pk}": "12/QĐ-STP",
                f"doc_date_{evidence.pk}": "05/03/2026",
                f"doc_issuer_{evidence.pk}": "Sở Tư pháp",
            },
        ),
    )
    assert ProgressReport.objects.get().is_submitted
    page = client_for(world.reviewer).get(reverse("evidence:claim", args=[world.lead.pk])).content.decode()
    output_at = page.index("Quyết định ban hành quy chế")  # the output the appendix asked for
    document_at = page.index("Văn bản số 12/QĐ-STP ngày 05/03/2026 của Sở Tư pháp")
    assert output_at < document_at < page.index("Thời hạn")  # beside it, in the same facts
    assert "Ký số bởi Nguyễn Văn An" in page[document_at : document_at + 2000]


def test_without_a_named_document_the_reviewer_is_told(world):
    claim(world, files=[pdf_upload()])
    page = client_for(world.reviewer).get(reverse("evidence:claim", args=[world.lead.pk])).content.decode()
    assert "Đơn vị chưa chỉ ra tệp nào là văn bản sản phẩm đầu ra." in page


def test_the_return_reasons_are_the_listed_ones():
    assert ReturnReason.values == [
        "missing_document",
        "unsigned",
        "signature_invalid",
        "wrong_document",
        "not_output",
        "other",
    ]


def test_earlier_returns_become_other_keeping_their_reason_in_the_note(world):
    import importlib

    migration = importlib.import_module("evidence.migrations.0004_output_document_and_return_reasons")
    claim(world, files=[pdf_upload()])
    review = review_return(
        assignment=world.lead, reviewer=world.reviewer, reason_code="other", reason_text="x"
    )
    Review.objects.filter(pk=review.pk).update(reason_code="not_signed", reason_text="Chưa có dấu.")
    migration.earlier_returns_become_other(apps, None)
    review.refresh_from_db()
    assert review.reason_code == "other"
    assert review.reason_text == "Văn bản chưa được ký, ban hành: Chưa có dấu."


def test_the_leadership_dashboard_counts_returns_by_reason(world, django_assert_num_queries):
    claim(world, files=[pdf_upload()])
    review_return(
        assignment=world.lead, reviewer=world.reviewer, reason_code="unsigned", reason_text="Chưa ký"
    )
    with django_assert_num_queries(1):
        rows = returns_by_reason()
    assert ("unsigned", "Văn bản chưa được ký", 1) in rows and ("other", "Lý do khác", 0) in rows
    page = client_for(world.leadership).get(reverse("reports:dashboard")).content.decode()
    assert "Đề nghị bị trả lại, theo lý do" in page
    at = page.index('data-reason="unsigned"')
    assert "Văn bản chưa được ký" in page[at : at + 200] and ">1<" in page[at : at + 200]

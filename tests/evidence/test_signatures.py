"""Digitally signed evidence: PDFs signed by the tests' own certificate authority are checked
offline at upload, the result is stored and audited, and said in Vietnamese."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from audit.models import AuditEvent
from evidence.models import Evidence
from evidence.services import evidence_add, evidence_signatures_check
from evidence.signatures import describe, verify_pdf, verify_pdf_bounded
from kpis.services import ReportData, report_save_draft
from tests.evidence.corpus import pdf_bytes
from tests.evidence.signing import (
    alter_signed_bytes,
    append_page,
    make_ca,
    make_signer,
    sign_pdf,
    signed_pdf,
    standard_world,
)

NOW = datetime.datetime(2026, 6, 1, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def trusted(settings, tmp_path):
    """The province installed the test CA as its trust root."""
    ca, _signer = standard_world()
    folder = tmp_path / "roots"
    folder.mkdir()
    (folder / "root-ca.pem").write_bytes(ca.pem)
    settings.EVIDENCE_TRUST_ROOTS_DIR = str(folder)
    return ca


def only(result):
    assert result["revocation"] == "not_checked"
    assert len(result["signatures"]) == 1, result
    return result["signatures"][0]


def test_a_signed_intact_pdf_names_its_signer_and_trusted_issuer(trusted):
    entry = only(verify_pdf(signed_pdf(), now=NOW))
    assert entry["subject"]["common_name"] == "Nguyễn Văn An"
    assert entry["subject"]["organisation"] == "Sở Tư pháp tỉnh"
    assert entry["issuer"]["common_name"] == "CA Thử nghiệm NQ57"
    assert (entry["intact"], entry["valid"], entry["coverage"], entry["trust"]) == (
        True,
        True,
        "entire_file",
        "trusted",
    )
    assert entry["signing_time"]
    line = describe({"signatures": [entry], "revocation": "not_checked"}).lines[0]
    assert line.tone == "ok"
    assert line.sentence.startswith("Ký số bởi Nguyễn Văn An (Sở Tư pháp tỉnh), lúc ")
    assert "tài liệu nguyên vẹn" in line.sentence
    assert "chứng thư do CA Thử nghiệm NQ57 (Ban Cơ yếu Chính phủ (thử nghiệm)) cấp (tin cậy)" in (
        line.sentence
    )
    assert line.sentence.endswith("chưa kiểm tra thu hồi.")


def test_without_trust_roots_the_issuer_is_not_configured_never_trusted(settings):
    settings.EVIDENCE_TRUST_ROOTS_DIR = ""
    result = verify_pdf(signed_pdf(), now=NOW)
    entry = only(result)
    assert result["trust_roots"] == "not_configured"
    assert entry["intact"] is True and entry["trust"] == "not_configured"
    summary = describe(result)
    assert summary.tone == "warn"
    assert "chưa cấu hình" in summary.lines[0].sentence


def test_a_signed_then_altered_pdf_is_not_intact(trusted):
    altered = alter_signed_bytes(signed_pdf(), b"Quyet dinh so 12", b"Quyet dinh so 99")
    entry = only(verify_pdf(altered, now=NOW))
    assert entry["intact"] is False
    line = describe({"signatures": [entry]}).lines[0]
    assert line.tone == "bad" and "đã bị sửa sau khi ký" in line.sentence


def test_a_page_appended_after_signing_is_said(trusted):
    entry = only(verify_pdf(append_page(signed_pdf()), now=NOW))
    # The signed revision is still intact, but it no longer is the whole file.
    assert entry["intact"] is True
    assert entry["coverage"] == "entire_revision" and entry["modification"] == "other"
    line = describe({"signatures": [entry]}).lines[0]
    assert line.tone == "bad" and "tệp đã được thêm nội dung" in line.sentence


def test_an_unsigned_pdf_has_no_signature(trusted):
    result = verify_pdf(pdf_bytes("khong ky"), now=NOW)
    assert result["signatures"] == [] and result["error"] == ""
    assert describe(result).headline == "Không có chữ ký số"


def test_an_expired_certificate_is_not_trusted(trusted):
    ca, _ = standard_world()
    expired = make_signer(
        ca,
        not_before=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        not_after=datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC),
        key_name="expired",
    )
    entry = only(verify_pdf(sign_pdf(pdf_bytes(), expired, chain=[ca]), now=NOW))
    assert entry["intact"] is True and entry["expired"] is True and entry["trust"] == "untrusted"
    line = describe({"signatures": [entry]}).lines[0]
    assert line.tone == "bad" and "hết hạn" in line.sentence


def test_a_self_signed_certificate_is_not_trusted(trusted):
    own = make_signer(None, common="Tự ký", key_name="self")
    entry = only(verify_pdf(sign_pdf(pdf_bytes(), own), now=NOW))
    assert entry["self_signed"] is True and entry["trust"] == "untrusted"
    assert "tự ký" in describe({"signatures": [entry]}).lines[0].sentence


def test_an_unknown_ca_is_not_trusted(trusted):
    stranger = make_ca("CA Lạ", key_name="stranger-root")
    signer = make_signer(stranger, key_name="stranger-signer")
    entry = only(verify_pdf(sign_pdf(pdf_bytes(), signer, chain=[stranger]), now=NOW))
    assert entry["intact"] is True and entry["issuer"]["common_name"] == "CA Lạ"
    assert entry["trust"] == "untrusted"
    assert "không thuộc danh sách tin cậy" in describe({"signatures": [entry]}).lines[0].sentence


def test_a_timestamp_time_is_kept_beside_the_signing_time(trusted):
    ca, signer = standard_world()
    tsa = make_signer(ca, common="TSA Thử nghiệm", key_name="tsa", tsa=True)
    stamped_at = datetime.datetime(2026, 5, 1, 8, 0, tzinfo=datetime.UTC)
    data = sign_pdf(pdf_bytes(), signer, chain=[ca], timestamper_party=tsa, timestamp_at=stamped_at)
    entry = only(verify_pdf(data, now=NOW))
    assert entry["timestamp_time"] == stamped_at.isoformat() and entry["timestamp_intact"] is True
    assert "dấu thời gian 15:00 01/05/2026" in describe({"signatures": [entry]}).lines[0].sentence


def _corrupt_contents(signed: bytes) -> bytes:
    match = re.search(rb"/Contents <([0-9a-fA-F]+)>", signed)
    start, end = match.span(1)
    return signed[:start] + b"0" * 16 + b"ff" * 40 + signed[start + 96 : end] + signed[end:]


@pytest.mark.parametrize(
    "corrupt",
    [
        pytest.param(_corrupt_contents, id="garbage-cms"),
        pytest.param(
            lambda s: re.sub(rb"/ByteRange \[[^\]]*\]", b"/ByteRange [0 99999999 5 -7]", s), id="byterange"
        ),
        pytest.param(lambda s: s.replace(b"/Type /Sig", b"/Type /Zig", 1), id="not-a-sig"),
    ],
)
def test_a_corrupt_signature_dictionary_is_a_finding_not_a_crash(trusted, corrupt):
    data = corrupt(signed_pdf())
    result = verify_pdf(data, now=NOW)
    summary = describe(result)
    assert summary.tone == "bad"
    assert result["error"] or any(e.get("error") or not e.get("intact") for e in result["signatures"])


def test_a_hostile_file_that_outruns_the_limit_is_cut_off(settings, monkeypatch):
    import evidence.signatures.verify as verify_module

    def forever(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr(verify_module, "verify_pdf", forever)
    result = verify_pdf_bounded(signed_pdf(), now=NOW, timeout=0.5)
    assert result["error"] == "timeout" and result["signatures"] == []
    assert "quá thời gian" in describe(result).headline


def test_the_bounded_check_returns_the_same_result(trusted):
    data = signed_pdf()
    assert verify_pdf_bounded(data, now=NOW) == verify_pdf(data, now=NOW)


# ---------------------------------------------------------------- stored with the evidence


@pytest.fixture
def draft(world):
    return report_save_draft(
        assignment=world.lead, period=world.period, actor=world.staff, data=ReportData(completion=40)
    )


@pytest.mark.django_db
def test_an_uploaded_signed_pdf_keeps_its_result_and_the_audit_says_it(draft, world, trusted):
    upload = SimpleUploadedFile("Quyết định ký số.pdf", signed_pdf(), content_type="application/pdf")
    evidence = evidence_add(report=draft, upload=upload, actor=world.staff, now=NOW)
    evidence.refresh_from_db()
    entry = only(evidence.signatures)
    assert entry["trust"] == "trusted" and evidence.signatures["checked_at"] == NOW.isoformat()
    event = AuditEvent.objects.get(action="evidence.add", object_id=str(evidence.pk))
    assert event.changes["signatures"][0]["signer"] == "Nguyễn Văn An"
    assert event.changes["signatures"][0]["trust"] == "trusted"
    assert evidence.signature_summary.tone == "ok"


@pytest.mark.django_db
def test_an_image_has_no_signature_result(draft, world):
    from tests.evidence.world import png_upload

    evidence = evidence_add(report=draft, upload=png_upload(), actor=world.staff, now=NOW)
    assert evidence.signatures is None and evidence.signature_summary is None


@pytest.mark.django_db
def test_check_evidence_rechecks_signatures_once_trust_roots_are_installed(draft, world, settings, tmp_path):
    settings.EVIDENCE_TRUST_ROOTS_DIR = ""
    upload = SimpleUploadedFile("Quyết định ký số.pdf", signed_pdf(), content_type="application/pdf")
    evidence = evidence_add(report=draft, upload=upload, actor=world.staff, now=NOW)
    assert only(evidence.signatures)["trust"] == "not_configured"
    ca, _ = standard_world()
    (tmp_path / "roots").mkdir()
    (tmp_path / "roots" / "root.crt").write_bytes(ca.pem)
    settings.EVIDENCE_TRUST_ROOTS_DIR = str(tmp_path / "roots")
    call_command("check_evidence", "--signatures", stdout=__import__("io").StringIO())
    evidence.refresh_from_db()
    assert only(evidence.signatures)["trust"] == "trusted"
    assert AuditEvent.objects.filter(action="evidence.signatures_check", object_id=str(evidence.pk)).exists()


@pytest.mark.django_db
def test_recheck_of_a_kept_pdf_through_the_service(draft, world, trusted):
    upload = SimpleUploadedFile("a.pdf", pdf_bytes("khong ky"), content_type="application/pdf")
    evidence = evidence_add(report=draft, upload=upload, actor=world.staff, now=NOW)
    Evidence.objects.filter(pk=evidence.pk).update(signatures=None)
    evidence.refresh_from_db()
    result = evidence_signatures_check(evidence=evidence, now=NOW)
    assert result["signatures"] == [] and Evidence.objects.get(pk=evidence.pk).signatures == result


# ---------------------------------------------------------------- on the pages


@pytest.mark.django_db
def test_the_review_page_the_claim_page_and_the_evidence_list_say_who_signed(world, trusted):
    from django.urls import reverse

    from tests.evidence.world import claim, client_for, pdf_upload

    signed = SimpleUploadedFile("Quyết định ký số.pdf", signed_pdf(), content_type="application/pdf")
    claim(world, files=[signed, pdf_upload("Bản chụp.pdf")])
    review = client_for(world.reviewer).get(reverse("evidence:claim", args=[world.lead.pk])).content.decode()
    unit_page = (
        client_for(world.staff).get(reverse("kpis:report_form", args=[world.lead.pk])).content.decode()
    )
    for page in (review, unit_page):
        assert "Ký số bởi Nguyễn Văn An (Sở Tư pháp tỉnh), lúc " in page
        assert "tài liệu nguyên vẹn" in page
        assert "cấp (tin cậy)" in page and "chưa kiểm tra thu hồi" in page
        assert "Không có chữ ký số" in page  # the scanned copy
    shown = Evidence.objects.get(original_name="Quyết định ký số.pdf")
    pane = client_for(world.reviewer).get(
        reverse("evidence:claim", args=[world.lead.pk]), {"show": shown.pk}, HTTP_HX_REQUEST="true"
    )
    assert "Có chữ ký số — nguyên vẹn, tổ chức cấp tin cậy" in pane.content.decode()

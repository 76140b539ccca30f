"""The official report as signed by the committee (issue 23).

The committee signs the archived PDF outside the portal (its e-office system and token) and uploads
the signed file back to the archive entry it came from. A signer adds an incremental update: the
signed file starts with the archived PDF, byte for byte, and the signature covers it. The portal
checks exactly that — the bytes before the first signature's revision hash to the archived PDF's
SHA-256, and the signature is intact — then keeps the signed file beside the original (which stays
unchanged) and shows who signed and when.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audit.services import audit_record


class SignedReport(models.Model):
    report = models.OneToOneField(
        "reports.GeneratedReport",
        on_delete=models.PROTECT,
        related_name="signed",
        verbose_name=_lazy("báo cáo"),
    )
    stored_name = models.CharField(max_length=255, unique=True)
    original_name = models.CharField(_lazy("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_lazy("dung lượng"))
    signer = models.CharField(_lazy("người ký"), max_length=255, blank=True)
    signer_organisation = models.CharField(_lazy("tổ chức của người ký"), max_length=255, blank=True)
    signed_at = models.DateTimeField(_lazy("ký lúc"), null=True, blank=True)
    # The full result of the signature check (evidence.signatures.verify_pdf).
    signatures = models.JSONField(_lazy("chữ ký số"), default=dict)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_lazy("tải lên lúc"))

    class Meta:
        verbose_name = _lazy("báo cáo đã ký số")
        verbose_name_plural = _lazy("báo cáo đã ký số")

    def __str__(self):
        return f"{self.report} · {self.signer}"

    @property
    def signature_summary(self):
        from evidence.signatures import describe

        return describe(self.signatures)


def _refuse(message: str):
    raise ValidationError({"signed_pdf": [message]})


def signed_report_check(*, archived_sha256: str, archived_size: int, data: bytes, now) -> dict:
    """The signature result when `data` is the archived PDF (its SHA-256) with an intact signature
    added after it; a ValidationError in Vietnamese otherwise."""
    from evidence.signatures import verify_pdf_bounded
    from evidence.signatures.verify import first_signature_byte_range

    if not data.startswith(b"%PDF-"):
        _refuse(_("Tệp tải lên không phải tệp PDF."))
    byte_range = first_signature_byte_range(data)
    if byte_range is None:
        _refuse(_("Tệp PDF này không có chữ ký số. Hãy tải lên bản PDF đã được ký số."))
    # The first revision is what was signed over: it must be the archived PDF, byte for byte.
    first_revision = data[:archived_size]
    if len(data) <= archived_size or hashlib.sha256(first_revision).hexdigest() != archived_sha256:
        _refuse(
            _(
                "Tệp đã ký không phải bản báo cáo lưu trữ này: phần gốc của tệp không trùng khớp từng byte "
                "với bản PDF đã lưu (SHA-256 %(sha)s…). Hãy ký số đúng tệp tải về từ trang này, không mở "
                "và lưu lại bằng phần mềm khác trước khi ký."
            )
            % {"sha": archived_sha256[:16]}
        )
    start, first_length, second_start, second_length = (list(byte_range) + [0, 0, 0, 0])[:4]
    if start != 0 or first_length < archived_size or second_start + second_length <= archived_size:
        _refuse(_("Chữ ký số trong tệp không bao trùm bản báo cáo lưu trữ."))
    result = verify_pdf_bounded(data, now=now)
    signatures = result.get("signatures") or []
    first = signatures[0] if signatures else {}
    if not first or first.get("error") or not first.get("intact") or not first.get("valid"):
        _refuse(_("Chữ ký số không còn nguyên vẹn: tệp đã bị sửa sau khi ký, hoặc chữ ký bị hỏng."))
    if first.get("coverage") != "entire_file" and first.get("modification") not in ("none", "lta_updates"):
        _refuse(_("Sau chữ ký số, tệp đã được thêm nội dung khác; không nhận bản này."))
    return result


@transaction.atomic
def report_signed_upload(*, report, upload, actor, now=None) -> SignedReport:
    """Keep the committee's signed copy of a done report, after checking it is that report."""
    from .archive import GeneratedReport
    from .services import _require_builder

    now = now or timezone.now()
    _require_builder(actor)
    report = GeneratedReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_done:
        _refuse(_("Báo cáo chưa tạo xong nên chưa nhận bản ký số."))
    if SignedReport.objects.filter(report=report).exists():
        _refuse(_("Báo cáo này đã có bản ký số; bản đã nhận được giữ nguyên."))
    limit = int(getattr(settings, "EVIDENCE_MAX_FILE_BYTES", 25 * 1024 * 1024))
    if upload is None or not getattr(upload, "size", 0):
        _refuse(_("Vui lòng chọn tệp PDF đã ký số."))
    if upload.size > limit + 1024 * 1024:
        _refuse(_("Tệp quá lớn so với bản báo cáo lưu trữ."))
    upload.seek(0)
    data = upload.read()
    result = signed_report_check(
        archived_sha256=report.pdf_sha256, archived_size=report.pdf_size, data=data, now=now
    )
    name = storages["private"].save(f"reports/signed/{uuid.uuid4().hex}.pdf", ContentFile(data))
    try:
        signed = _record(
            report=report, name=name, upload=upload, data=data, result=result, actor=actor, now=now
        )
    except BaseException:
        storages["private"].delete(name)  # nothing half-kept
        raise
    return signed


def _record(*, report, name, upload, data, result, actor, now) -> SignedReport:
    from datetime import datetime

    first = result["signatures"][0]
    subject = first.get("subject") or {}
    signed_at = first.get("timestamp_time") or first.get("signing_time")
    signed = SignedReport.objects.create(
        report=report,
        stored_name=name,
        original_name=(getattr(upload, "name", "") or "")[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        signer=subject.get("common_name", "")[:255],
        signer_organisation=subject.get("organisation", "")[:255],
        signed_at=datetime.fromisoformat(signed_at) if signed_at else None,
        signatures=result,
        uploaded_by=actor,
        uploaded_at=now,
    )
    audit_record(
        actor=actor,
        action="report.signed_upload",
        obj=report,
        changes={
            "sha256": signed.sha256,
            "size": signed.size,
            "archived_sha256": report.pdf_sha256,
            "signer": signed.signer,
            "organisation": signed.signer_organisation,
            "signed_at": signed_at,
            "trust": first.get("trust"),
        },
        now=now,
    )
    return signed

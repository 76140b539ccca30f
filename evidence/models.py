from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Evidence(models.Model):
    """A file attached to a progress report. Stored under a generated name in the private storage;
    the name the user gave is only ever displayed."""

    report = models.ForeignKey("kpis.ProgressReport", on_delete=models.PROTECT, related_name="evidence")
    # A name in storages["private"], resolved at run time so the storage can be swapped (S3, tests).
    stored_name = models.CharField(_("tệp lưu trữ"), max_length=255, unique=True)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    content_type = models.CharField(_("loại tệp"), max_length=100)
    # What the content was found to be (evidence.validation.kinds): "pdf", "jpeg", "docx", …
    kind = models.CharField(_("loại nhận dạng"), max_length=20, blank=True)
    scanned = models.BooleanField(_("đã quét virus"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"))
    # The PDF's digital signatures as checked at upload (evidence.signatures.verify_pdf): None for
    # a file that is not a PDF or was kept before signatures were checked.
    signatures = models.JSONField(_("chữ ký số"), null=True, blank=True, editable=False)
    # The unit says this file is the document the sub-task's required output asks for, and records
    # its number and symbol, date and issuer (proposed from a PDF's first page, confirmed by the unit).
    output_document = models.BooleanField(_("là văn bản sản phẩm đầu ra"), default=False)
    document_number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    document_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    document_issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)

    class Meta:
        ordering = ["report", "uploaded_at", "id"]
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        constraints = [
            models.UniqueConstraint(fields=["report", "sha256"], name="uniq_evidence_report_sha256")
        ]

    def __str__(self):
        return self.original_name

    @property
    def previewable(self) -> bool:
        from .validation.kinds import PREVIEWABLE_KINDS

        return self.kind in PREVIEWABLE_KINDS

    @property
    def is_image(self) -> bool:
        from .validation.kinds import IMAGE_KINDS

        return self.kind in IMAGE_KINDS

    @property
    def signature_summary(self):
        """The stored signature result in Vietnamese, for the pages (None when not a PDF)."""
        if self.kind != "pdf" and self.signatures is None:
            return None
        from .signatures import describe

        return describe(self.signatures)

    @property
    def document_proposal(self) -> dict:
        """Number, date and issuer read from the PDF's first page at upload (may be empty)."""
        return (self.signatures or {}).get("document") or {}

    @property
    def label(self) -> str:
        from .validation.kinds import KINDS

        kind = KINDS.get(self.kind)
        return kind.label if kind else self.content_type


class Decision(models.TextChoices):
    APPROVED = "approved", _("Công nhận hoàn thành")
    RETURNED = "returned", _("Trả lại — chờ hoàn thiện")


class ReturnReason(models.TextChoices):
    MISSING_DOCUMENT = "missing_document", _("Thiếu văn bản minh chứng")
    UNSIGNED = "unsigned", _("Văn bản chưa được ký")
    SIGNATURE_INVALID = "signature_invalid", _("Chữ ký số không hợp lệ")
    WRONG_DOCUMENT = "wrong_document", _("Không đúng văn bản")
    NOT_OUTPUT = "not_output", _("Không phải sản phẩm đầu ra theo yêu cầu")
    OTHER = "other", _("Lý do khác")


class Review(models.Model):
    """A reviewer's decision on one completion claim. Never changed: a resubmitted claim gets its own."""

    # RESTRICT, not PROTECT: deleting a whole plan removes its reviews and reports together.
    report = models.ForeignKey(
        "kpis.ProgressReport",
        on_delete=models.RESTRICT,
        related_name="reviews",
        verbose_name=_("báo cáo đề nghị"),
    )
    assignment = models.ForeignKey(
        "tasks.Assignment", on_delete=models.CASCADE, related_name="reviews", verbose_name=_("phân công")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người thẩm định"),
    )
    decision = models.CharField(_("kết luận"), max_length=10, choices=Decision.choices)
    reason_code = models.CharField(_("lý do"), max_length=20, choices=ReturnReason.choices, blank=True)
    reason_text = models.TextField(_("nội dung"), blank=True)
    decided_at = models.DateTimeField(_("thời điểm"))

    class Meta:
        ordering = ["assignment", "-decided_at", "-id"]
        verbose_name = _("thẩm định")
        verbose_name_plural = _("thẩm định")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision="approved") | ~models.Q(reason_code=""),
                name="review_return_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["assignment", "decided_at"])]

    def __str__(self):
        return f"{self.get_decision_display()} · {self.assignment_id}"

    @property
    def reason(self) -> str:
        """What the unit reads: the reason chosen, then the reviewer's words."""
        if self.decision != Decision.RETURNED:
            return self.reason_text
        label = ReturnReason(self.reason_code).label if self.reason_code in ReturnReason.values else ""
        return f"{label}: {self.reason_text}" if self.reason_text else str(label)

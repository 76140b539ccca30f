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
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"))

    class Meta:
        ordering = ["report", "uploaded_at", "id"]
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        constraints = [
            models.UniqueConstraint(fields=["report", "sha256"], name="uniq_evidence_report_sha256")
        ]

    def __str__(self):
        return self.original_name

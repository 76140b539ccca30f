"""Reminder letters ("công văn đôn đốc") to a unit about an escalated red flag.

Drafted by the secretariat from the flag (its numbers, the unit's silence), rendered as a Decree
30/2020 công văn with the official report's PDF machinery (same stylesheet, fonts, page numbers)
and archived like the reports: the PDF is stored once, with its SHA-256, never changed.

A công văn has no document-type name: its subject ("V/v …") stands under the number line
(Decree 30, Appendix I, item 5b), so the letter has no "BÁO CÁO" heading.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record

from .document import date_line, document_number, list_punctuated

LETTER_SYMBOL = "BCĐ-VP"
MAX_BODY = 6000


class ReminderLetter(models.Model):
    flag = models.ForeignKey(
        "kpis.RedFlag", on_delete=models.PROTECT, related_name="+", verbose_name=_("cảnh báo")
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    header = models.JSONField(_("nội dung công văn"), default=dict)
    pdf_name = models.CharField(max_length=255)
    pdf_size = models.PositiveIntegerField(default=0)
    pdf_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người soạn")
    )
    created_at = models.DateTimeField(_("soạn lúc"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("công văn đôn đốc")
        verbose_name_plural = _("công văn đôn đốc")

    def __str__(self):
        return self.number_line

    @property
    def number_line(self) -> str:
        number = document_number(self.header.get("number", ""), LETTER_SYMBOL)
        return f"Số: {number or chr(0xA0) * 8 + '/' + LETTER_SYMBOL}"

    @property
    def download_name(self) -> str:
        number = self.header.get("number") or f"chưa có số (mã lưu trữ {self.pk})"
        return f"Công văn đôn đốc số {number} - {self.unit.short_name or self.unit.name}.pdf".replace(
            "/", "-"
        )


def can_draft_letters(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_secretariat)


def letter_defaults(flag, *, today: datetime.date) -> dict:
    """The letter the secretariat starts from: to the unit, about the flagged sub-task."""
    subtask, unit = flag.subtask, flag.unit
    respond_by = today + datetime.timedelta(days=7)
    body = [
        f"Thực hiện Kế hoạch {subtask.plan.code or 'triển khai'} của Ban Chỉ đạo tỉnh, {unit.name} được giao chủ trì "
        f"nhiệm vụ {subtask.code}: {subtask.title.rstrip('.')}"
        + (f", sản phẩm đầu ra: {subtask.output.rstrip('.')}." if subtask.output else "."),
        f"Theo dõi trên Cổng theo dõi thực hiện Nghị quyết 57 của tỉnh, nhiệm vụ đang bị cảnh báo đỏ "
        f"({flag.get_kind_display().lower()}): {flag.current_message()} Đơn vị chưa xác nhận cảnh báo và chưa nêu "
        "biện pháp khắc phục theo quy định.",
        f"Ban Chỉ đạo đề nghị {unit.name} khẩn trương chỉ đạo hoàn thành nhiệm vụ; xác nhận cảnh báo, nêu biện "
        f"pháp khắc phục và thời gian hoàn thành trên Cổng theo dõi, đồng thời báo cáo bằng văn bản về Ban Chỉ đạo "
        f"(qua Thường trực Ban Chỉ đạo) trước ngày {respond_by:%d/%m/%Y}.",
        f"Thủ trưởng {unit.name} chịu trách nhiệm trước Ban Chỉ đạo tỉnh về tiến độ, kết quả thực hiện nhiệm vụ "
        "được giao./.",
    ]
    return {
        "parent_body": "UBND TỈNH ĐỒNG NAI",
        "issuing_body": "BAN CHỈ ĐẠO KHCN, ĐMST, CĐS VÀ ĐỀ ÁN 06",
        "number": "",
        "place": "Đồng Nai",
        "date": today.isoformat(),
        "subject": f"đôn đốc thực hiện nhiệm vụ {subtask.code} bị cảnh báo đỏ",
        "recipient": unit.name,
        "body": "\n\n".join(body),
        "distribution": [
            "Như trên",
            "Trưởng Ban Chỉ đạo (b/c)",
            "Các Phó Trưởng Ban Chỉ đạo (b/c)",
            "Lưu: VT, CĐS",
        ],
        "authority": ["TM. BAN CHỈ ĐẠO", "KT. TRƯỞNG BAN"],
        "signer_title": "PHÓ TRƯỞNG BAN THƯỜNG TRỰC",
        "signer_name": "",
    }


def clean_letter(data: dict) -> dict:
    """Trimmed fields; errors by field, in Vietnamese."""
    out, errors = {}, {}
    for key in ("parent_body", "issuing_body", "number", "place", "date", "subject", "recipient", "body"):
        out[key] = str(data.get(key) or "").replace("\r\n", "\n").strip()
    for key in ("signer_title", "signer_name"):
        out[key] = str(data.get(key) or "").strip()
    for key in ("distribution", "authority"):
        value = data.get(key) or []
        if isinstance(value, str):
            value = value.splitlines()
        out[key] = [v.strip() for v in value if v and v.strip()]
    for key, label in (
        ("issuing_body", gettext("cơ quan ban hành")),
        ("place", gettext("địa danh")),
        ("subject", gettext("trích yếu")),
        ("recipient", gettext("nơi gửi đến")),
        ("body", gettext("nội dung")),
        ("signer_title", gettext("chức vụ người ký")),
    ):
        if not out[key]:
            errors[key] = gettext("Vui lòng nhập %(field)s.") % {"field": label}
    try:
        datetime.date.fromisoformat(out["date"])
    except ValueError:
        errors["date"] = gettext("Ngày không hợp lệ (dd/mm/yyyy).")
    if out["number"] and not out["number"].isdigit():
        errors["number"] = gettext("Số văn bản chỉ gồm chữ số (để trống nếu ghi tay sau khi ký).")
    if len(out["body"]) > MAX_BODY:
        errors["body"] = gettext("Nội dung dài quá %(max)s ký tự.") % {"max": MAX_BODY}
    if errors:
        raise ValidationError(errors)
    return out


def letter_context(header: dict) -> dict:
    day = datetime.date.fromisoformat(header["date"])
    number = document_number(header.get("number", ""), LETTER_SYMBOL)
    return {
        "h": header,
        "number_line": f"Số: {number or chr(0xA0) * 8 + '/' + LETTER_SYMBOL}",
        "date_line": date_line(header["place"], day),
        "paragraphs": [p.strip() for p in header["body"].split("\n") if p.strip()],
        "distribution": list_punctuated(header["distribution"]),
    }


def render_letter_pdf(header: dict) -> bytes:
    from .pdf.render.documents import _BETWEEN_TAGS, _write

    html = render_to_string("reports/pdf/letter.html", letter_context(header))
    pdf, _landscape = _write(_BETWEEN_TAGS.sub("><", html), numbered=True)
    return pdf


@transaction.atomic
def reminder_letter_create(*, flag, actor, data: dict, now=None) -> ReminderLetter:
    """Render the letter and archive it (the PDF stored once, with its checksum)."""
    if not can_draft_letters(actor) or not flag.is_open or flag.escalation_or_none is None:
        raise PermissionDenied
    now = now or timezone.now()
    header = clean_letter(data)
    pdf = render_letter_pdf(header)
    name = storages["private"].save(f"letters/{now:%Y/%m}/{secrets.token_hex(8)}.pdf", ContentFile(pdf))
    letter = ReminderLetter.objects.create(
        flag=flag,
        unit_id=flag.unit_id,
        header=header,
        pdf_name=name,
        pdf_size=len(pdf),
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        created_by=actor,
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="letter.create",
        obj=letter,
        changes={
            "flag": flag.pk,
            "unit": flag.unit_id,
            "number": header["number"],
            "sha256": letter.pdf_sha256,
        },
        now=now,
    )
    return letter

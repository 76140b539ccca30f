"""The evidence that is the sub-task's required output: the unit says which file it is and
records its number and symbol, date and issuer (proposed from the PDF's first page)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..models import Evidence

DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%Y-%m-%d")


def parse_document_date(raw: str) -> datetime.date | None:
    raw = (raw or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def evidence_document_confirm(
    *, report, evidence_id, number: str, date: str, issuer: str, actor, now=None
) -> Evidence:
    """Mark one file of a draft as the output document with its facts (the others are unmarked).
    Call inside the transaction that saves the draft: a refusal leaves everything as it was."""
    now = now or timezone.now()
    evidence = (
        Evidence.objects.filter(pk=evidence_id, report=report).first() if str(evidence_id).isdigit() else None
    )
    if evidence is None:
        raise ValidationError(_("Tệp được chọn làm văn bản sản phẩm đầu ra không thuộc báo cáo này."))
    number, issuer = (number or "").strip()[:60], (issuer or "").strip()[:255]
    errors = []
    if not number:
        errors.append(_("Vui lòng nhập số, ký hiệu của văn bản sản phẩm đầu ra (ví dụ 12/QĐ-UBND)."))
    parsed = parse_document_date(date)
    if parsed is None:
        errors.append(_("Ngày ban hành của văn bản phải theo dạng ngày/tháng/năm, ví dụ 05/03/2026."))
    elif parsed > timezone.localdate(now):
        errors.append(_("Ngày ban hành của văn bản không thể sau hôm nay."))
    if not issuer:
        errors.append(_("Vui lòng nhập cơ quan ban hành văn bản."))
    if errors:
        raise ValidationError(errors)
    before = {
        "output_document": evidence.output_document,
        "number": evidence.document_number,
        "date": evidence.document_date.isoformat() if evidence.document_date else "",
        "issuer": evidence.document_issuer,
    }
    after = {"output_document": True, "number": number, "date": parsed.isoformat(), "issuer": issuer}
    Evidence.objects.filter(report=report, output_document=True).exclude(pk=evidence.pk).update(
        output_document=False
    )
    if before == after:
        return evidence
    evidence.output_document = True
    evidence.document_number, evidence.document_date, evidence.document_issuer = number, parsed, issuer
    evidence.save(update_fields=["output_document", "document_number", "document_date", "document_issuer"])
    proposal = evidence.document_proposal
    audit_record(
        actor=actor,
        action="evidence.document_confirm",
        obj=evidence,
        changes={
            "before": before,
            "after": after,
            "as_read": {k: proposal.get(k, "") for k in ("number", "date", "issuer")},
        },
        now=now,
    )
    return evidence


def evidence_document_from_post(*, report, post, actor, now=None) -> Evidence | None:
    """The report form's choice: `output_document` (a file's id) and its doc_* fields."""
    chosen = (post.get("output_document") or "").strip()
    if not chosen:
        return None
    return evidence_document_confirm(
        report=report,
        evidence_id=chosen,
        number=post.get(f"doc_number_{chosen}", ""),
        date=post.get(f"doc_date_{chosen}", ""),
        issuer=post.get(f"doc_issuer_{chosen}", ""),
        actor=actor,
        now=now,
    )

"""Checking the digital signatures of evidence PDFs.

Run in the upload itself, right after the content checks and before the row is written, so the
result is stored with the evidence from its first moment: the unit sees at once that a decision
it attached is unsigned or was altered and can replace it before sending the claim, and the
reviewer never meets a "being checked" state. It is bounded (a forked child with a time and
memory limit, a file already capped at EVIDENCE_MAX_FILE_BYTES) and a 25 MB signed PDF takes
well under a second (bench/signatures.py). `check_evidence --signatures` re-runs it later, e.g.
once the province has installed its trust roots.
"""

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record

from ..models import Evidence
from ..signatures import verify_pdf_bounded

CHUNK = 1024 * 1024


def signature_audit_summary(result: dict | None) -> list[dict]:
    """What the audit trail keeps of a result: per signature, who, intact, coverage, trust."""
    if not result:
        return []
    return [
        {
            "signer": (entry.get("subject") or {}).get("common_name", ""),
            "intact": entry.get("intact"),
            "coverage": entry.get("coverage"),
            "modification": entry.get("modification"),
            "trust": entry.get("trust"),
            "error": entry.get("error", ""),
        }
        for entry in result.get("signatures") or []
    ] or [{"error": result.get("error", "")}]


def signatures_of_upload(upload, *, kind: str, now) -> dict | None:
    """The signature result for a file that passed the content checks; None unless a PDF."""
    if kind != "pdf":
        return None
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return verify_pdf_bounded(data, now=now)


def _read_stored(evidence: Evidence) -> bytes:
    from .files import private_storage

    with private_storage().open(evidence.stored_name, "rb") as handle:
        return handle.read()


@transaction.atomic
def evidence_signatures_check(*, evidence: Evidence, actor=None, now=None) -> dict | None:
    """Check a kept PDF's signatures again (new trust roots, an older row) and store the result."""
    now = now or timezone.now()
    if evidence.kind != "pdf":
        return None
    result = verify_pdf_bounded(_read_stored(evidence), now=now)
    before = signature_audit_summary(evidence.signatures)
    Evidence.objects.filter(pk=evidence.pk).update(signatures=result)
    evidence.signatures = result
    audit_record(
        actor=actor,
        action="evidence.signatures_check",
        obj=evidence,
        changes={"before": before, "after": signature_audit_summary(result)},
        now=now,
    )
    return result

"""Every state change of evidence and review. Views, the report form and jobs call these."""

from .documents import evidence_document_confirm, evidence_document_from_post
from .files import (
    FOLDER,
    cleanup_on_error,
    evidence_add,
    evidence_add_many,
    evidence_remove,
    private_storage,
    report_evidence_bytes,
)
from .review import claim_conflict, return_reason_text, review_approve, review_approve_many, review_return
from .signatures import evidence_signatures_check

__all__ = [
    "FOLDER",
    "claim_conflict",
    "cleanup_on_error",
    "evidence_add",
    "evidence_add_many",
    "evidence_document_confirm",
    "evidence_document_from_post",
    "evidence_remove",
    "evidence_signatures_check",
    "private_storage",
    "report_evidence_bytes",
    "return_reason_text",
    "review_approve",
    "review_approve_many",
    "review_return",
]

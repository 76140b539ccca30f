"""Keeping evidence files: every file is checked (evidence.validation) before it is stored.

A file is stored under a generated name (never anything the user typed) in storages["private"]
and only then recorded. Nothing is half-saved:
- storing fails → no row is written (the row comes after the file);
- the row or the surrounding transaction fails → the files stored inside `cleanup_on_error` are
  deleted; a file whose row is removed is deleted only after the commit.
A process killed between the two steps can still leave a file without a row: `check_evidence`
lists those as orphans.
"""

import contextlib
import contextvars
import logging
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, diff
from kpis.models import ProgressReport, ReportStatus
from units.permissions import can_report_on

from ..models import Evidence
from ..validation import UploadRejected, check_report_size, check_upload
from .signatures import signature_audit_summary, signatures_of_upload

log = logging.getLogger(__name__)

# Every evidence file lives under this folder of the private storage (check_evidence walks it).
FOLDER = "evidence"

_stored_in_block: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "evidence_stored", default=None
)


def private_storage():
    return storages["private"]


@contextlib.contextmanager
def cleanup_on_error():
    """Wrap a transaction that stores evidence: on any error, delete the files it stored."""
    stored: list[str] = []
    token = _stored_in_block.set(stored)
    try:
        yield
    except BaseException:
        _delete_quietly(stored)
        raise
    finally:
        _stored_in_block.reset(token)


def _delete_quietly(names) -> None:
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            log.exception("evidence file %s could not be deleted; check_evidence will list it", name)


def _rejected(exc: UploadRejected) -> ValidationError:
    # Under the form's "evidence" field, keeping the check's code for programs and tests.
    return ValidationError({"evidence": [ValidationError(exc.message, code=exc.code)]})


def _editable_draft(report: ProgressReport) -> ProgressReport:
    locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != ReportStatus.DRAFT:
        raise ValidationError(
            {
                "evidence": _(
                    "Báo cáo này đã gửi nên không thêm hay gỡ minh chứng được; hãy tạo phiên bản mới."
                )
            }
        )
    return locked


def report_evidence_bytes(report) -> int:
    return Evidence.objects.filter(report=report).aggregate(total=Sum("size"))["total"] or 0


def _store(upload, checked, now) -> str:
    storage = private_storage()
    upload.seek(0)
    target = f"{FOLDER}/{now:%Y/%m}/{uuid.uuid4().hex}"
    try:
        name = storage.save(target, File(upload))
    except BaseException:
        # A write that failed half-way may have left part of the file under the name we chose.
        _delete_quietly([target])
        raise
    registry = _stored_in_block.get()
    if registry is not None:
        registry.append(name)
    try:
        stored_size = storage.size(name)
    except OSError:
        stored_size = -1
    if stored_size != checked.size:
        _delete_quietly([name])
        raise ValidationError(
            {
                "evidence": _("Không lưu được tệp “%(name)s” (lưu trữ lỗi). Vui lòng thử lại.")
                % {"name": checked.display_name}
            }
        )
    return name


@transaction.atomic
def evidence_add(*, report, upload, actor, now=None) -> Evidence:
    """Check one uploaded file and attach it to a draft report. The same content twice in one
    report is kept once (the first one is returned)."""
    now = now or timezone.now()
    report = _editable_draft(report)
    name = getattr(upload, "name", "") or ""
    try:
        checked = check_upload(name=name, data_or_file=upload, size=getattr(upload, "size", 0) or 0)
    except UploadRejected as exc:
        raise _rejected(exc) from exc
    # The report's own files in upload order (the default ordering would join the report's).
    existing = (
        Evidence.objects.filter(report=report, sha256=checked.sha256).order_by("uploaded_at", "id").first()
    )
    if existing:
        return existing
    try:
        check_report_size(name=name, size=checked.size, report_bytes=report_evidence_bytes(report))
    except UploadRejected as exc:
        raise _rejected(exc) from exc
    signatures = signatures_of_upload(upload, kind=checked.kind, now=now)
    stored = _store(upload, checked, now)
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                report=report,
                stored_name=stored,
                original_name=checked.display_name,
                sha256=checked.sha256,
                size=checked.size,
                content_type=checked.mime,
                kind=checked.kind,
                scanned=checked.scanned,
                uploaded_by=actor,
                uploaded_at=now,
                signatures=signatures,
            )
    except BaseException:
        if _stored_in_block.get() is None:
            _delete_quietly([stored])
        raise
    before = _file_names(report, leaving_out=evidence)
    audit_record(
        actor=actor,
        action="evidence.add",
        obj=evidence,
        changes={
            "report": report.pk,
            **diff({}, _snapshot(evidence)),
            "evidence": [before, [*before, evidence.original_name]],
            **({"signatures": signature_audit_summary(signatures)} if signatures is not None else {}),
        },
        now=now,
    )
    return evidence


def _snapshot(evidence: Evidence) -> dict:
    """What the audit trail keeps of a file: added, every field from nothing; removed, to nothing."""
    return {
        "name": evidence.original_name,
        "sha256": evidence.sha256,
        "size": evidence.size,
        "kind": evidence.kind,
        "scanned": evidence.scanned,
    }


def _file_names(report, *, leaving_out: Evidence | None = None) -> list[str]:
    """The report's files (but one), by name: the audit trail lists them before and after a change."""
    files = Evidence.objects.filter(report=report).order_by("pk")
    if leaving_out is not None:
        files = files.exclude(pk=leaving_out.pk)
    return list(files.values_list("original_name", flat=True))


def evidence_add_many(*, report, uploads, actor, now=None) -> list[Evidence]:
    """All of the files or none: every file is checked first and every refusal is told at once.
    Call inside `cleanup_on_error()` and a transaction."""
    now = now or timezone.now()
    errors = []
    for upload in uploads:
        try:
            check_upload(
                name=getattr(upload, "name", "") or "",
                data_or_file=upload,
                size=getattr(upload, "size", 0) or 0,
            )
        except UploadRejected as exc:
            errors.append(ValidationError(exc.message, code=exc.code))
    if errors:
        raise ValidationError({"evidence": errors})
    # Checked twice for the kept files: cheap next to storing them, and evidence_add stays the
    # one way in (it re-checks against the report's total as the files add up).
    return [evidence_add(report=report, upload=u, actor=actor, now=now) for u in uploads]


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor, now=None) -> None:
    """Take a file off a draft before it is sent. The row goes now, the file after the commit."""
    now = now or timezone.now()
    report = _editable_draft(evidence.report)
    if not can_report_on(actor, report.assignment):
        raise ValidationError({"evidence": _("Bạn không được gỡ minh chứng của báo cáo này.")})
    stored = evidence.stored_name
    files = _file_names(report)
    audit_record(
        actor=actor,
        action="evidence.remove",
        obj=evidence,
        changes={
            "report": report.pk,
            **diff(_snapshot(evidence), {}),
            "evidence": [files, _file_names(report, leaving_out=evidence)],
        },
        now=now,
    )
    evidence.delete()
    transaction.on_commit(lambda: _delete_quietly([stored]))

"""The generation of an official report, as a Celery job.

Idempotent by report id: the job takes the row with a conditional update (queued → running), so
a duplicate message does nothing; a row left running by a worker that died (acks_late
redelivers the message) is taken over once it is older than the hard time limit. The files are
written under fresh names before the row is marked done in one conditional update, so a done
report always points at complete files and is never changed afterwards.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import secrets

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record

from .archive import GeneratedReport, GeneratedReportStatus

log = logging.getLogger(__name__)

TIME_LIMIT = 900
SOFT_TIME_LIMIT = 840


def private_storage():
    return storages["private"]


def _progress(pk: int, value: int) -> None:
    GeneratedReport.objects.filter(pk=pk, status=GeneratedReportStatus.RUNNING).update(progress=value)


def _take(pk: int, now) -> bool:
    stale = now - datetime.timedelta(seconds=TIME_LIMIT)
    return bool(
        GeneratedReport.objects.filter(pk=pk)
        .filter(
            Q(status=GeneratedReportStatus.QUEUED)
            | Q(status=GeneratedReportStatus.RUNNING, started_at__lt=stale)
        )
        .update(status=GeneratedReportStatus.RUNNING, started_at=now, progress=5, error="")
    )


def _store(report: GeneratedReport, data: bytes, ext: str) -> str:
    name = f"reports/{report.pk:08d}-{secrets.token_hex(8)}.{ext}"
    return private_storage().save(name, ContentFile(data))


def render_files(report: GeneratedReport, *, on_progress=lambda p: None) -> dict:
    """Assemble as of the cut-off, render the PDF and the workbook; returns what the row records."""
    import dataclasses

    from pypdf import PdfReader

    from .assembly import assemble, build_document, inputs_sha256
    from .excel import appendix_workbook_bytes
    from .pdf import render_report_pdf
    from .services import scope_of

    inputs = assemble(scope_of(report))
    digest = inputs_sha256(inputs)
    on_progress(30)
    doc = build_document(inputs, report.header, report.narrative)
    doc = dataclasses.replace(doc, sha256=digest)
    pdf = render_report_pdf(doc)
    on_progress(80)
    xlsx = appendix_workbook_bytes(doc)
    on_progress(90)
    return {
        "inputs": inputs,
        "inputs_sha256": digest,
        "pdf": pdf,
        "xlsx": xlsx,
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
    }


@shared_task(
    name="reports.generate_report", acks_late=True, time_limit=TIME_LIMIT, soft_time_limit=SOFT_TIME_LIMIT
)
def generate_report(report_id: int, now: str | None = None) -> str:
    started = datetime.datetime.fromisoformat(now) if now else timezone.now()
    if not _take(report_id, started):
        return "skipped"
    report = GeneratedReport.objects.select_related("period", "plan", "unit").get(pk=report_id)
    try:
        made = render_files(report, on_progress=lambda p: _progress(report_id, p))
        pdf_name = _store(report, made["pdf"], "pdf")
        xlsx_name = _store(report, made["xlsx"], "xlsx")
    except SoftTimeLimitExceeded:
        _fail(report_id, "Quá thời gian cho phép khi tạo báo cáo; vui lòng thử lại hoặc thu hẹp phạm vi.")
        raise
    except Exception as error:
        log.exception("report %s failed", report_id)
        _fail(report_id, f"Không tạo được báo cáo: {error.__class__.__name__}.")
        return "failed"
    finished = timezone.now()
    done = GeneratedReport.objects.filter(pk=report_id, status=GeneratedReportStatus.RUNNING).update(
        status=GeneratedReportStatus.DONE,
        progress=100,
        inputs=made["inputs"],
        inputs_sha256=made["inputs_sha256"],
        pdf_name=pdf_name,
        xlsx_name=xlsx_name,
        pdf_size=len(made["pdf"]),
        xlsx_size=len(made["xlsx"]),
        pdf_sha256=hashlib.sha256(made["pdf"]).hexdigest(),
        pages=made["pages"],
        finished_at=finished,
    )
    if not done:  # another worker took over a row it believed stale: keep its result, drop ours
        for name in (pdf_name, xlsx_name):
            private_storage().delete(name)
        return "superseded"
    audit_record(
        actor=None,
        action="report.done",
        obj=report,
        changes={"inputs_sha256": made["inputs_sha256"], "pages": made["pages"]},
        now=finished,
    )
    return "done"


def _fail(report_id: int, message: str) -> None:
    GeneratedReport.objects.filter(pk=report_id, status=GeneratedReportStatus.RUNNING).update(
        status=GeneratedReportStatus.FAILED, error=message, finished_at=timezone.now()
    )


@shared_task(name="reports.refresh_dashboard", acks_late=True, time_limit=900, soft_time_limit=840)
def refresh_dashboard_job(now: str | None = None) -> dict:
    """Rebuild the summary rows the dashboards read. Idempotent: a whole rebuild in one
    transaction; two at once are serialised by a lock."""
    from kpis.sweep import parse_now
    from reports.dashboard.summary import summary_refresh

    return summary_refresh(now=parse_now(now)).as_dict()

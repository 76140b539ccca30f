"""The generation of an official report, as a Celery job.

Idempotent by report id: the job takes the row with a conditional update (queued → running, or
running whose lease has run out), so a duplicate message does nothing. The job holds a lease of
REPORT_LEASE_SECONDS, renewed by a thread while it renders: a job that died (its pool process
killed, its worker gone) stops renewing, and once the lease has run out `reports.resume_reports`
(every minute) sends the report again; so does a report still queued long after it was sent (its
message lost while the broker was down). Every write of a run is conditional on its lease token,
so a run that lost its lease changes nothing. The files are written under fresh names before the
row is marked done in one conditional update, so a done report always points at complete files
and is never changed afterwards.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import secrets
import threading
import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from kpis.jobs import TRANSIENT_ERRORS
from nq57portal.replicas import replica_snapshot

from .archive import GeneratedReport, GeneratedReportStatus

log = logging.getLogger(__name__)

TIME_LIMIT = 900
SOFT_TIME_LIMIT = 840


def private_storage():
    return storages["private"]


def lease_seconds() -> int:
    return int(getattr(settings, "REPORT_LEASE_SECONDS", 120))


def _mine(pk: int, token: str):
    return GeneratedReport.objects.filter(pk=pk, status=GeneratedReportStatus.RUNNING, lease_token=token)


def _progress(pk: int, token: str, value: int) -> None:
    _mine(pk, token).update(progress=value)


def _take(pk: int, now, token: str) -> bool:
    lapsed = Q(status=GeneratedReportStatus.RUNNING, lease_until__lt=now)
    # Rows taken before leases existed: the hard time limit is their lease.
    unleased = Q(
        status=GeneratedReportStatus.RUNNING,
        lease_until__isnull=True,
        started_at__lt=now - datetime.timedelta(seconds=TIME_LIMIT),
    )
    return bool(
        GeneratedReport.objects.filter(pk=pk)
        .filter(Q(status=GeneratedReportStatus.QUEUED) | lapsed | unleased)
        .update(
            status=GeneratedReportStatus.RUNNING,
            started_at=now,
            lease_until=now + datetime.timedelta(seconds=lease_seconds()),
            lease_token=token,
            progress=5,
            error="",
        )
    )


class _LeaseRenewal(threading.Thread):
    """Renews the run's lease every third of its length until stopped (or the lease is lost)."""

    daemon = True

    def __init__(self, pk: int, token: str):
        super().__init__(name=f"report-{pk}-lease")
        self.pk, self.token, self.stopped = pk, token, threading.Event()

    def run(self):
        seconds = lease_seconds()
        try:
            while not self.stopped.wait(seconds / 3):
                try:
                    until = timezone.now() + datetime.timedelta(seconds=seconds)
                    if not _mine(self.pk, self.token).update(lease_until=until):
                        return
                except Exception:  # a database blip: try again at the next turn
                    log.warning("report %s: lease not renewed", self.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    def stop(self):
        self.stopped.set()
        self.join(10)


def _test_delay():
    # Only the integration test that kills a worker in the middle of a render sets this.
    delay = float(getattr(settings, "REPORT_RENDER_TEST_DELAY_SECONDS", 0) or 0)
    if delay:
        time.sleep(delay)


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

    # Every figure from one moment: one replica (or the primary), one REPEATABLE READ transaction.
    with replica_snapshot():
        inputs = assemble(scope_of(report))
    digest = inputs_sha256(inputs)
    on_progress(30)
    _test_delay()
    doc = build_document(inputs, report.header, report.narrative)
    doc = dataclasses.replace(doc, sha256=digest)
    pdf = render_report_pdf(doc)
    on_progress(80)
    xlsx = appendix_workbook_bytes(doc, inputs)
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
    token = secrets.token_hex(16)
    if not _take(report_id, started, token):
        return "skipped"
    lease = _LeaseRenewal(report_id, token)
    lease.start()
    try:
        return _generate(report_id, token)
    finally:
        lease.stop()


def _generate(report_id: int, token: str) -> str:
    report = GeneratedReport.objects.select_related("period", "plan", "unit").get(pk=report_id)
    try:
        made = render_files(report, on_progress=lambda p: _progress(report_id, token, p))
        pdf_name = _store(report, made["pdf"], "pdf")
        xlsx_name = _store(report, made["xlsx"], "xlsx")
    except SoftTimeLimitExceeded:
        _fail(
            report_id, token, "Quá thời gian cho phép khi tạo báo cáo; vui lòng thử lại hoặc thu hẹp phạm vi."
        )
        raise
    except Exception as error:
        log.exception("report %s failed", report_id)
        _fail(report_id, token, f"Không tạo được báo cáo: {error.__class__.__name__}.")
        return "failed"
    finished = timezone.now()
    with transaction.atomic():
        return _archive(report, token, made, pdf_name, xlsx_name, finished)


def _archive(report, token: str, made: dict, pdf_name: str, xlsx_name: str, finished) -> str:
    """Mark the report done, audit it and queue its webhooks, in one transaction."""
    from api.webhooks import webhooks_report_archived

    report_id = report.pk
    done = _mine(report_id, token).update(
        status=GeneratedReportStatus.DONE,
        progress=100,
        inputs=made["inputs"],
        inputs_sha256=made["inputs_sha256"],
        pdf_name=pdf_name,
        xlsx_name=xlsx_name,
        pdf_size=len(made["pdf"]),
        xlsx_size=len(made["xlsx"]),
        pdf_sha256=hashlib.sha256(made["pdf"]).hexdigest(),
        xlsx_sha256=hashlib.sha256(made["xlsx"]).hexdigest(),
        pages=made["pages"],
        finished_at=finished,
    )
    if not done:  # another run took over a lease it found lapsed: keep its result, drop ours
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
    report.refresh_from_db()
    webhooks_report_archived(report=report, now=finished)
    return "done"


def _fail(report_id: int, token: str, message: str) -> None:
    _mine(report_id, token).update(
        status=GeneratedReportStatus.FAILED, error=message, finished_at=timezone.now()
    )


def reports_resume(*, now=None) -> list[int]:
    """Send again the reports whose job was lost: still queued, or running with a lapsed lease, and
    not sent for REPORT_RESEND_SECONDS (so a message waiting its turn is not sent again every
    minute). Returns the ids sent."""
    from nq57portal.queue import enqueue

    now = now or timezone.now()
    quiet = now - datetime.timedelta(seconds=int(getattr(settings, "REPORT_RESEND_SECONDS", 120)))
    lost = (
        Q(status=GeneratedReportStatus.QUEUED)
        | Q(status=GeneratedReportStatus.RUNNING, lease_until__lt=now)
        | Q(
            status=GeneratedReportStatus.RUNNING,
            lease_until__isnull=True,
            started_at__lt=now - datetime.timedelta(seconds=TIME_LIMIT),
        )
    )
    not_sent_lately = Q(enqueued_at__lt=quiet) | Q(enqueued_at__isnull=True, created_at__lt=quiet)
    sent = []
    for pk in (
        GeneratedReport.objects.filter(lost & not_sent_lately).order_by("pk").values_list("pk", flat=True)
    ):
        if enqueue(generate_report, pk):
            GeneratedReport.objects.filter(pk=pk).update(enqueued_at=now)
            sent.append(pk)
    return sent


@shared_task(name="reports.resume_reports")
def resume_reports_job(now: str | None = None) -> list[int]:
    from kpis.sweep import parse_now

    return reports_resume(now=parse_now(now))


@shared_task(
    name="reports.refresh_dashboard",
    acks_late=True,
    time_limit=900,
    soft_time_limit=840,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def refresh_dashboard_job(now: str | None = None) -> dict:
    """Rebuild the summary rows the dashboards read. Idempotent: a whole rebuild in one
    transaction; two at once are serialised by a lock."""
    from kpis.sweep import parse_now
    from reports.dashboard.summary import summary_refresh

    return summary_refresh(now=parse_now(now)).as_dict()

"""Progress reports: drafts, submission, corrections (new versions) and the status they drive.

A submitted report is never written again: correcting it makes the next version, copied from it.
Only the current draft of an assignment and period is updated in place.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, diff
from evidence.services import evidence_add
from tasks.models import Assignment, AssignmentRole
from units.permissions import can_report_on

from ..models import (
    AssignmentState,
    KpiTarget,
    KpiValue,
    Measure,
    Period,
    ProgressReport,
    ReportStatus,
    Status,
    number_misfit,
    signs_off_for,
    target_met,
)
from ..signals import progress_changed
from ..sweep import sweep

HUNDRED = Decimal(100)


@dataclass
class ReportData:
    completion: Decimal
    results: str = ""
    difficulties: str = ""
    proposals: str = ""
    # target id -> actual value, for KPIs with structured targets
    actuals: dict[int, Decimal | None] = field(default_factory=dict)
    # kpi id -> what was achieved, for KPIs written only as text
    notes: dict[int, str] = field(default_factory=dict)


def kpi_rows(subtask) -> list[tuple]:
    """(kpi, target or None) in order: one row per structured target, one per KPI without targets."""
    rows = []
    for kpi in subtask.kpis.prefetch_related("targets"):
        targets = list(kpi.targets.all())
        if targets:
            rows.extend((kpi, t) for t in targets)
        else:
            rows.append((kpi, None))
    return rows


def proposed_completion(targets: list[KpiTarget], actuals: dict) -> Decimal | None:
    """Mean attainment of the numeric targets that have a value, capped at 100 % each."""
    ratios = []
    for target in targets:
        actual = actuals.get(target.pk)
        if actual is None:
            continue
        if target_met(target, actual):
            ratios.append(Decimal(1))
        elif target.direction == "at_most":
            ratios.append(target.value / actual if actual else Decimal(1))
        elif target.measure == Measure.RANK:
            ratios.append(Decimal(0))
        else:
            ratios.append(actual / target.value if target.value else Decimal(1))
    if not ratios:
        return None
    return (sum(ratios) / len(ratios) * HUNDRED).quantize(Decimal("0.01"))


def is_completion_claim(completion, targets: list[KpiTarget], actuals: dict) -> bool:
    """100 %, or every numeric target met: either way the unit says the task is done."""
    if completion is not None and Decimal(completion) >= HUNDRED:
        return True
    return bool(targets) and all(target_met(t, actuals.get(t.pk)) for t in targets)


def evidence_required_message(subtask) -> str:
    what = _(" — sản phẩm đầu ra: “%(output)s”") % {"output": subtask.output} if subtask.output else ""
    return _(
        "Báo cáo hoàn thành (100%% hoặc đạt mọi chỉ tiêu KPI) phải kèm ít nhất một tệp minh chứng"
        "%(what)s: văn bản đã ký, quyết định ban hành, báo cáo hoặc ảnh chụp sản phẩm. "
        "Hãy đính kèm minh chứng rồi gửi lại, hoặc lưu nháp."
    ) % {"what": what}


def awaiting_signoff_message(report: ProgressReport) -> str:
    return _(
        "Báo cáo %(period)s (phiên bản %(version)s) đang chờ thủ trưởng đơn vị duyệt; chưa sửa hay "
        "gửi thêm được cho đến khi thủ trưởng duyệt hoặc trả lại."
    ) % {"period": report.period.label, "version": report.version}


def check_can_report(*, assignment: Assignment, period: Period, actor, today) -> None:
    """Raise ValidationError with a message for the field it concerns."""
    if assignment.role != AssignmentRole.LEAD or not can_report_on(actor, assignment):
        raise ValidationError(
            {"__all__": _("Đơn vị của bạn không chủ trì tiểu nhiệm vụ này nên không thể báo cáo tiến độ.")}
        )
    if period.plan_id != assignment.subtask.plan_id:
        raise ValidationError({"period": _("Kỳ báo cáo không thuộc kế hoạch của tiểu nhiệm vụ này.")})
    if period.start > today:
        raise ValidationError({"period": _("Kỳ báo cáo %(period)s chưa bắt đầu.") % {"period": period.label}})
    if period.refuses_reports_from(actor):
        raise ValidationError(
            {
                "period": _(
                    "Kỳ báo cáo %(period)s đã khóa%(reason)s; chỉ Thường trực được báo cáo vào kỳ này. "
                    "Hãy chọn kỳ đang mở."
                )
                % {
                    "period": period.label,
                    "reason": f" ({period.lock_reason})" if period.lock_reason else "",
                }
            }
        )
    state = AssignmentState.objects.filter(assignment=assignment).only("status").first()
    if state and state.status == Status.COMPLETED:
        raise ValidationError(
            {"__all__": _("Nhiệm vụ đã được công nhận hoàn thành; không nhận thêm báo cáo.")}
        )


def _check_completion(value) -> Decimal:
    if value is None:
        raise ValidationError({"completion": _("Vui lòng nhập tỷ lệ hoàn thành (0–100).")})
    value = Decimal(value)
    if value < 0 or value > HUNDRED:
        raise ValidationError({"completion": _("Tỷ lệ hoàn thành phải từ 0 đến 100%.")})
    misfit = number_misfit(ProgressReport._meta.get_field("completion"), value)
    if misfit:
        raise ValidationError({"completion": misfit})
    return value


def _check_actuals(data: ReportData) -> None:
    """Each KPI value must be kept as typed (the form says so beside the field first)."""
    field = KpiValue._meta.get_field("actual")
    for target_id, actual in data.actuals.items():
        misfit = number_misfit(field, actual)
        if misfit:
            target = KpiTarget.objects.select_related("kpi").filter(pk=target_id).first()
            label = (target.label or target.kpi.text) if target else ""
            raise ValidationError({"__all__": f"{label}: {misfit}" if label else misfit})


def _values_for(subtask, data: ReportData, rows=None) -> list[KpiValue]:
    values = []
    for kpi, target in kpi_rows(subtask) if rows is None else rows:
        if target is not None:
            actual = data.actuals.get(target.pk)
            if actual is not None:
                values.append(KpiValue(kpi=kpi, target=target, actual=actual))
        elif data.notes.get(kpi.pk, "").strip():
            values.append(KpiValue(kpi=kpi, note=data.notes[kpi.pk].strip()))
    return values


def _write_values(
    report: ProgressReport, data: ReportData, rows=None, created: bool = False
) -> list[KpiValue]:
    """The report's KPI values, as `data` has them; `rows` is kpi_rows(subtask) when already read.
    A version just created has none to remove."""
    if not created:
        report.kpi_values.all().delete()
    values = _values_for(report.assignment.subtask, data, rows)
    for value in values:
        value.report = report
    return KpiValue.objects.bulk_create(values)


def _value_keys(values) -> set[tuple]:
    return {(v.kpi_id, v.target_id, v.actual, v.note or "") for v in values}


def _same_content(report: ProgressReport, assignment, completion: Decimal, data: ReportData) -> bool:
    """Whether saving `data` would write exactly what `report` holds."""
    return (
        report.completion == completion
        and (report.results, report.difficulties, report.proposals)
        == (data.results, data.difficulties, data.proposals)
        and _value_keys(report.kpi_values.all()) == _value_keys(_values_for(assignment.subtask, data))
    )


def report_token(*, assignment_id: int, period_id: int) -> str:
    """What a form shows of this assignment's report for the period: the latest version and its
    status. Posted back with the form, it tells a repeat of a submission that has just been made
    (a double click, a second tab sending the same draft) from a new one."""
    latest = (
        ProgressReport.objects.filter(assignment_id=assignment_id, period_id=period_id)
        .order_by("-version")
        .values_list("pk", "status")
        .first()
    )
    return f"{period_id}:{latest[0]}:{latest[1]}" if latest else f"{period_id}:0:"


def lock_assignment(assignment_id: int) -> None:
    """Hold this assignment for the rest of the transaction: its drafts, submissions and corrections
    (and a double click's two requests) run one after the other, the second seeing what the first
    wrote. The lock is taken before any report or status row, always in that order, and leaves the
    assignment's key free (FOR NO KEY UPDATE): rows that refer to it are still written meanwhile.
    A database without row locks (SQLite, `make run`) has one writer at a time anyway: no query."""
    if not connection.features.has_select_for_update:
        return
    list(
        Assignment.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk=assignment_id)
        .order_by()
        .values_list("pk", flat=True)
    )


def _snapshot(report: ProgressReport, values=None) -> dict:
    """What the audit trail keeps of a report version: status, figures, texts and KPI values, so an
    event can say what each field was before and after (audit.services.diff). `values`: its KPI
    values when just written (their KPI and target in hand), else they are read."""
    snapshot = {
        "status": report.status,
        "completion": str(Decimal(report.completion).quantize(Decimal("0.01"))),
        "is_claim": report.is_claim,
        "results": report.results,
        "difficulties": report.difficulties,
        "proposals": report.proposals,
    }
    if values is not None:
        snapshot.update(v.audit_entry for v in values)
    elif report.pk:
        snapshot.update(v.audit_entry for v in report.kpi_values.select_related("kpi", "target"))
    return snapshot


@transaction.atomic
def report_save_draft(
    *,
    assignment: Assignment,
    period: Period,
    actor,
    data: ReportData,
    uploads=(),
    now=None,
    seen: str | None = None,
) -> ProgressReport:
    """Save the draft of this assignment and period (the next version when one was already sent).

    `seen` is the form's report_token: when the version sent since the form was shown holds
    exactly `data` (and nothing is uploaded), that version is returned, already submitted, and
    nothing is written."""
    now = now or timezone.now()
    check_can_report(assignment=assignment, period=period, actor=actor, today=timezone.localdate(now))
    completion = _check_completion(data.completion)
    _check_actuals(data)
    lock_assignment(assignment.pk)
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .filter(assignment=assignment, period=period, status=ReportStatus.DRAFT)
        .order_by()
        .first()
    )
    created = report is None
    if created and seen is not None and not uploads:
        latest = (
            ProgressReport.objects.filter(assignment=assignment, period=period).order_by("-version").first()
        )
        if (
            latest is not None
            and (latest.is_submitted or latest.awaits_signoff)
            and seen != report_token(assignment_id=assignment.pk, period_id=period.pk)
            and _same_content(latest, assignment, completion, data)
        ):
            # The form was showing an earlier state (the draft, or nothing), and what it sends was
            # sent a moment ago: the same submission again, answered with the version it made.
            return latest
    if created:
        waiting = (
            ProgressReport.objects.filter(assignment=assignment, period=period, status=ReportStatus.SIGNOFF)
            .order_by()
            .first()
        )
        if waiting is not None:
            raise ValidationError({"__all__": awaiting_signoff_message(waiting)})
    before = {} if created else _snapshot(report)
    if created:
        last = ProgressReport.objects.filter(assignment=assignment, period=period).aggregate(
            v=Max("version")
        )["v"]
        report = ProgressReport(
            assignment=assignment, period=period, version=(last or 0) + 1, created_by=actor, created_at=now
        )
    report.assignment = assignment
    report.completion = completion
    report.results, report.difficulties, report.proposals = data.results, data.difficulties, data.proposals
    rows = kpi_rows(assignment.subtask)
    targets = [target for _kpi, target in rows if target is not None]
    report.is_claim = is_completion_claim(completion, targets, data.actuals)
    report.updated_at = now
    report.save()
    values = _write_values(report, data, rows, created=created)
    for upload in uploads:
        evidence_add(report=report, upload=upload, actor=actor, now=now)
    audit_record(
        actor=actor,
        action="report.create_draft" if created else "report.update_draft",
        obj=report,
        changes={
            "period": report.period.label,
            "version": report.version,
            **diff(before, _snapshot(report, values)),
        },
        now=now,
    )
    return report


@transaction.atomic
def report_submit(*, report: ProgressReport, actor, now=None) -> ProgressReport:
    """Send a draft. A completion claim without evidence is refused; with evidence it awaits review."""
    now = now or timezone.now()
    lock_assignment(report.assignment_id)
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("assignment__subtask__plan", "assignment__unit", "period")
        .get(pk=report.pk)
    )
    if report.status != ReportStatus.DRAFT:
        raise ValidationError({"__all__": _("Báo cáo này đã được gửi; muốn sửa hãy tạo phiên bản mới.")})
    check_can_report(
        assignment=report.assignment, period=report.period, actor=actor, today=timezone.localdate(now)
    )
    if report.is_claim and not report.evidence.exists():
        raise ValidationError({"evidence": evidence_required_message(report.assignment.subtask)})
    report.prepared_by = actor
    report.prepared_at = now
    report.updated_at = now
    if report.goes_to_head(actor):
        # The unit's head answers for its data: the version waits for them, unseen by the committee.
        report.status = ReportStatus.SIGNOFF
        report.save(update_fields=["status", "prepared_by", "prepared_at", "updated_at"])
        audit_record(
            actor=actor,
            action="report.send_for_signoff",
            obj=report,
            changes={
                "period": report.period.label,
                "version": report.version,
                "completion": str(report.completion),
                "is_claim": report.is_claim,
                "status": [ReportStatus.DRAFT, report.status],
            },
            now=now,
        )
        after_commit_notify("notify_signoff_requested", report=report, now=now)
        return report
    if report.assignment.unit.head_signoff_required and signs_off_for(actor, report.assignment):
        report.signed_off_by, report.signed_off_at = actor, now  # the head sending their own
    report.save(update_fields=["prepared_by", "prepared_at", "signed_off_by", "signed_off_at", "updated_at"])
    return send_to_committee(report=report, actor=actor, now=now, action="report.submit")


def send_to_committee(*, report: ProgressReport, actor, now, action: str) -> ProgressReport:
    """The version reaches the committee: sent (counted, a claim awaits review), the assignment's
    status moved, its flags swept, and a claim's co-ordinating units asked to confirm it."""
    before_status = report.status
    report.status = ReportStatus.SUBMITTED
    report.submitted_by = actor
    report.submitted_at = now
    report.updated_at = now
    report.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    before, after = _apply_submission(report, now)
    audit_record(
        actor=actor,
        action=action,
        obj=report,
        changes={
            "period": report.period.label,
            "version": report.version,
            "completion": str(report.completion),
            "is_claim": report.is_claim,
            "status": [before_status, report.status],
            "assignment_status": [before, after],
        },
        now=now,
    )
    sweep(now=now, assignment_ids=[report.assignment_id])  # e.g. the missing report, resolved at once
    progress_changed.send(sender="kpis.report_submit", now=now, assignment_ids=[report.assignment_id])
    if report.is_claim and after == Status.AWAITING_REVIEW:
        after_commit_notify("notify_coordination_asked", report=report, now=now)
    return report


def after_commit_notify(name: str, **kwargs) -> None:
    """Write a notification in a savepoint: the rows commit with the change, and a failure to
    notify (or the notifications app being absent) never undoes it."""
    import logging

    try:
        from notifications import services as notifications
    except ImportError:  # pragma: no cover - depends on which apps are installed
        return
    try:
        with transaction.atomic():
            getattr(notifications, name)(**kwargs)
    except Exception:
        logging.getLogger(__name__).exception("%s not written", name)


@transaction.atomic
def report_correct(*, report: ProgressReport, actor, now=None) -> ProgressReport:
    """Start a correction of a submitted report: a new draft version copied from it."""
    now = now or timezone.now()
    lock_assignment(report.assignment_id)
    report = ProgressReport.objects.select_related("assignment__subtask", "period").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError({"__all__": _("Chỉ sửa được báo cáo đã gửi; bản nháp thì sửa trực tiếp.")})
    check_can_report(
        assignment=report.assignment, period=report.period, actor=actor, today=timezone.localdate(now)
    )
    latest = ProgressReport.objects.filter(assignment=report.assignment, period=report.period).order_by(
        "-version"
    )
    if latest.first().pk != report.pk:
        raise ValidationError({"__all__": _("Đã có phiên bản mới hơn của báo cáo này.")})
    values = list(report.kpi_values.all())
    copy = ProgressReport.objects.create(
        assignment=report.assignment,
        period=report.period,
        version=report.version + 1,
        status=ReportStatus.DRAFT,
        completion=report.completion,
        results=report.results,
        difficulties=report.difficulties,
        proposals=report.proposals,
        is_claim=report.is_claim,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    KpiValue.objects.bulk_create(
        KpiValue(report=copy, kpi_id=v.kpi_id, target_id=v.target_id, actual=v.actual, note=v.note)
        for v in values
    )
    audit_record(
        actor=actor,
        action="report.correct",
        obj=copy,
        changes={
            "period": copy.period.label,
            "corrects": report.pk,
            "version": [report.version, copy.version],
            # The new version starts as a copy: what differs from the corrected one (its later edits
            # are recorded by report.update_draft, field by field).
            **diff(_snapshot(report), _snapshot(copy)),
        },
        now=now,
    )
    return copy


def _apply_submission(report: ProgressReport, now) -> tuple[str, str]:
    """Move the assignment's status after a submission; returns (before, after).

    The status follows the latest period reported: a late correction of an older period keeps
    the figures of the newer one. A returned claim stays "Chờ hoàn thiện" until a new claim.
    """
    state, _ = (
        AssignmentState.objects.select_for_update(of=("self",))
        .select_related("latest_report__period")
        .get_or_create(assignment=report.assignment)
    )
    before = state.status
    latest = state.latest_report
    if latest is not None and latest.period.start > report.period.start:
        return before, before
    state.latest_report = report
    state.latest_completion = report.completion
    state.last_reported_at = now
    if report.is_claim:
        state.status = Status.AWAITING_REVIEW
        state.claim_report = report
        state.claimed_at = report.submitted_at
    elif before != Status.RETURNED:
        state.status = Status.IN_PROGRESS
        state.claim_report = None
        state.claimed_at = None
    state.updated_at = now
    state.save()
    return before, state.status

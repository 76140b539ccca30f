import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from kpis.models import AssignmentState, Status
from kpis.services import claim_approve, claim_return, report_correct, report_save_draft, report_submit

from .conftest import at, data, pdf

pytestmark = pytest.mark.django_db


def status(assignment):
    state = AssignmentState.objects.filter(assignment=assignment).first()
    return state.status if state else Status.NOT_STARTED


def submit(assignment, actor, period, completion, when, files=()):
    report = report_save_draft(
        assignment=assignment,
        period=period,
        actor=actor,
        data=data(completion),
        uploads=list(files),
        now=when,
    )
    return report_submit(report=report, actor=actor, now=when)


def test_not_started_in_progress_awaiting_review_completed_on_time(lead, staff, reviewer, november, december):
    assert status(lead) == Status.NOT_STARTED
    report_save_draft(assignment=lead, period=november, actor=staff, data=data("20"), now=at(2025, 11, 5))
    assert status(lead) == Status.NOT_STARTED  # a draft is not a report yet
    submit(lead, staff, november, "20", at(2025, 11, 6))
    assert status(lead) == Status.IN_PROGRESS
    submit(lead, staff, december, "100", at(2025, 12, 30), files=[pdf()])
    assert status(lead) == Status.AWAITING_REVIEW
    state = claim_approve(assignment=lead, reviewer=reviewer, now=at(2026, 1, 10))
    assert (state.status, state.completed_on_time) == (Status.COMPLETED, True)  # claimed before the deadline
    assert AuditEvent.objects.filter(action="claim.approve").count() == 1


def test_a_claim_after_the_deadline_is_completed_late(lead, staff, reviewer, december, plan):
    from kpis.services import periods_ensure

    periods_ensure(now=at(2026, 1, 5))
    january = plan.periods.get(kind="monthly", start=datetime.date(2026, 1, 1))
    submit(lead, staff, january, "100", at(2026, 1, 5), files=[pdf()])
    state = claim_approve(assignment=lead, reviewer=reviewer, now=at(2026, 1, 6))
    assert (state.status, state.completed_on_time) == (Status.COMPLETED, False)


def test_returned_then_resubmitted_with_new_evidence(lead, staff, reviewer, november):
    first = submit(lead, staff, november, "100", at(2025, 11, 5), files=[pdf()])
    state = claim_return(assignment=lead, reviewer=reviewer, reason="Văn bản chưa ký", now=at(2025, 11, 7))
    assert (state.status, state.return_reason) == (Status.RETURNED, "Văn bản chưa ký")
    assert Status(state.status).label == "Chờ hoàn thiện"
    # A progress report without a new claim leaves it returned: it must be completed and resubmitted.
    correction = report_correct(report=first, actor=staff, now=at(2025, 11, 8))
    report_save_draft(assignment=lead, period=november, actor=staff, data=data("90"), now=at(2025, 11, 8))
    report_submit(report=correction, actor=staff, now=at(2025, 11, 8))
    assert status(lead) == Status.RETURNED
    # The claim again, with the old evidence only on the old version: refused.
    again = report_save_draft(
        assignment=lead, period=november, actor=staff, data=data("100"), now=at(2025, 11, 9)
    )
    with pytest.raises(ValidationError):
        report_submit(report=again, actor=staff, now=at(2025, 11, 9))
    report_save_draft(
        assignment=lead,
        period=november,
        actor=staff,
        data=data("100"),
        uploads=[pdf("quyet-dinh-da-ky.pdf", b"%PDF-1.4 signed\n%%EOF\n")],
        now=at(2025, 11, 9),
    )
    report_submit(report=again, actor=staff, now=at(2025, 11, 9))
    assert status(lead) == Status.AWAITING_REVIEW
    state = claim_approve(assignment=lead, reviewer=reviewer, now=at(2025, 11, 10))
    assert state.status == Status.COMPLETED and state.completed_on_time


def test_a_completed_assignment_takes_no_more_reports(lead, staff, reviewer, november, december):
    submit(lead, staff, november, "100", at(2025, 11, 5), files=[pdf()])
    claim_approve(assignment=lead, reviewer=reviewer, now=at(2025, 11, 6))
    with pytest.raises(ValidationError, match="công nhận hoàn thành"):
        submit(lead, staff, december, "100", at(2025, 12, 5), files=[pdf()])


def test_only_reviewers_decide_and_only_claims_awaiting_review(lead, staff, reviewer, november):
    with pytest.raises(ValidationError):
        claim_approve(assignment=lead, reviewer=reviewer, now=at(2025, 11, 6))
    submit(lead, staff, november, "100", at(2025, 11, 5), files=[pdf()])
    with pytest.raises(PermissionDenied):
        claim_approve(assignment=lead, reviewer=staff, now=at(2025, 11, 6))
    with pytest.raises(ValidationError):
        claim_return(assignment=lead, reviewer=reviewer, reason="", now=at(2025, 11, 6))
    claim_approve(assignment=lead, reviewer=reviewer, now=at(2025, 11, 6))
    with pytest.raises(ValidationError):
        claim_return(assignment=lead, reviewer=reviewer, reason="Muộn", now=at(2025, 11, 7))


def test_withdrawing_a_claim_moves_back_to_in_progress(lead, staff, november, december):
    submit(lead, staff, november, "100", at(2025, 11, 5), files=[pdf()])
    submit(lead, staff, december, "80", at(2025, 12, 5))
    assert status(lead) == Status.IN_PROGRESS


def test_a_late_correction_of_an_older_period_keeps_the_newer_figures(lead, staff, november, december):
    nov = submit(lead, staff, november, "30", at(2025, 11, 5))
    submit(lead, staff, december, "60", at(2025, 12, 5))
    fix = report_correct(report=nov, actor=staff, now=at(2025, 12, 6))
    report_submit(report=fix, actor=staff, now=at(2025, 12, 6))
    state = AssignmentState.objects.get(assignment=lead)
    assert state.latest_completion == 60

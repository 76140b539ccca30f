"""A submission sent twice (a double click on "Gửi", a second tab sending the same draft) makes one
version: the second request sees the version the first made. Sequential here; the same requests
at the same moment against PostgreSQL are in tests/integration/test_double_submit.py."""

import datetime
import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from kpis.models import Period, ProgressReport, ReportStatus
from kpis.services import periods_ensure, report_save_draft, report_submit, report_token

from .conftest import at, data

pytestmark = pytest.mark.django_db


def _send(*, lead, period, staff, seen, completion="40", now):
    report = report_save_draft(
        assignment=lead,
        period=period,
        actor=staff,
        data=data(completion, results="Đã ban hành kế hoạch"),
        now=now,
        seen=seen,
    )
    if not report.is_submitted:
        report = report_submit(report=report, actor=staff, now=now)
    return report


def test_a_submission_repeated_from_the_same_form_makes_one_version(lead, staff, november):
    now = at(2025, 12, 5)
    report_save_draft(assignment=lead, period=november, actor=staff, data=data("30"), now=now)
    seen = report_token(assignment_id=lead.pk, period_id=november.pk)  # what the form shows: the draft
    first = _send(lead=lead, period=november, staff=staff, seen=seen, now=now)
    second = _send(lead=lead, period=november, staff=staff, seen=seen, now=now)
    assert second.pk == first.pk
    assert list(ProgressReport.objects.values_list("version", "status")) == [(1, ReportStatus.SUBMITTED)]
    assert AuditEvent.objects.filter(action="report.submit").count() == 1


def test_the_first_submission_repeated_makes_one_version(lead, staff, november):
    now = at(2025, 12, 5)
    seen = report_token(assignment_id=lead.pk, period_id=november.pk)  # nothing reported yet
    first = _send(lead=lead, period=november, staff=staff, seen=seen, now=now)
    second = _send(lead=lead, period=november, staff=staff, seen=seen, now=now)
    assert second.pk == first.pk and ProgressReport.objects.count() == 1


def test_a_different_submission_from_an_old_form_still_makes_the_next_version(lead, staff, november):
    now = at(2025, 12, 5)
    seen = report_token(assignment_id=lead.pk, period_id=november.pk)
    _send(lead=lead, period=november, staff=staff, seen=seen, now=now)
    other = _send(lead=lead, period=november, staff=staff, seen=seen, completion="45", now=now)
    assert (other.version, other.completion) == (2, 45)


def test_sending_again_from_a_form_that_showed_the_sent_version_makes_the_next_version(lead, staff, november):
    """Sending the same figures again on purpose (a claim returned, sent back unchanged) is a new
    version: the form was showing the version already sent."""
    now = at(2025, 12, 5)
    _send(lead=lead, period=november, staff=staff, seen=None, now=now)
    seen = report_token(assignment_id=lead.pk, period_id=november.pk)
    again = _send(lead=lead, period=november, staff=staff, seen=seen, now=now)
    assert again.version == 2 and again.is_submitted


@pytest.fixture
def current(plan):
    periods_ensure()
    today = datetime.date.today()
    return Period.objects.get(plan=plan, kind="monthly", start__lte=today, end__gte=today)


def test_a_double_click_on_send_answers_both_clicks_with_the_one_version(client, staff, lead, current):
    client.force_login(staff)
    url = reverse("kpis:report_form", args=[lead.pk])
    form = client.get(url, {"period": current.pk}).content.decode()
    seen = re.search(r'name="seen_report" value="([^"]*)"', form).group(1)
    post = {
        "period": str(current.pk),
        "completion": "40",
        "results": "Đã ban hành",
        "difficulties": "",
        "proposals": "",
        "seen_report": seen,
        "action": "submit",
    }
    first, second = client.post(url, post), client.post(url, post)
    assert (first.status_code, second.status_code) == (302, 302)
    assert ProgressReport.objects.filter(assignment=lead).count() == 1
    page = client.get(second.url).content.decode()
    assert "Đã gửi báo cáo" in page and "(phiên bản 1)" in page

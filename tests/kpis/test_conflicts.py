"""What PostgreSQL aborts to break a deadlock never reaches the user as an error page: the action
is run again; and the dashboards' sync, however it fails, never fails a report or a decision."""

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from kpis.models import ProgressReport, ReportStatus
from kpis.services import report_save_draft, report_submit
from nq57portal.retry import retry_on_conflict

from .conftest import at, data

pytestmark = pytest.mark.django_db


class _Aborted(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _aborted(sqlstate) -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = _Aborted(sqlstate)
    return error


@pytest.mark.django_db(transaction=True)  # as a request runs: outside any transaction
@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_an_action_aborted_by_a_deadlock_or_serialization_failure_is_run_again(sqlstate):
    calls = []

    @retry_on_conflict
    def view(request):
        calls.append(1)
        if len(calls) == 1:
            raise _aborted(sqlstate)
        return HttpResponse("ok")

    assert view(RequestFactory().post("/")).content == b"ok"
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_other_database_errors_are_not_run_again():
    calls = []

    @retry_on_conflict
    def view(request):
        calls.append(1)
        raise _aborted("23505")

    with pytest.raises(OperationalError):
        view(RequestFactory().post("/"))
    assert len(calls) == 1


def test_a_failing_dashboard_sync_does_not_fail_the_submission(lead, staff, november, monkeypatch):
    import reports.dashboard.rows as rows

    def broken(*args, **kwargs):
        raise _aborted("40P01")

    monkeypatch.setattr(rows, "_write", broken)
    now = at(2025, 12, 5)
    draft = report_save_draft(assignment=lead, period=november, actor=staff, data=data("40"), now=now)
    report = report_submit(report=draft, actor=staff, now=now)
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED

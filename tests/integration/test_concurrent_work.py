"""Six units saving and submitting while a reviewer returns claims and a worker rebuilds the
dashboards as fast as changes queue rebuilds (gunicorn, Celery worker, Redis, PostgreSQL): no
request answers 500, no return is lost, every submission is a version.

The outside test ran this for a minute and saw four deadlocks (waits on sections, general tasks
and units locked through a report's ordering, against the dashboard's lock and its cells). This
runs the same minute, harder: every unit's assignments share one general task, so every sync
re-sums the same cells; the rebuild is queued one second after a change instead of thirty, so one
runs at nearly every moment; and the six units send continuously, with no think time."""

import datetime
import threading
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.models import ReturnReason
from kpis.models import AssignmentState, Period, ProgressReport, ReportStatus, Status
from kpis.services import ReportData, periods_ensure, report_save_draft, report_submit
from reports.dashboard.summary import summary_refresh
from tests.factories import (
    AssignmentFactory,
    GeneralTaskFactory,
    PlanFactory,
    SectionFactory,
    SubTaskFactory,
    UnitFactory,
    UserFactory,
)
from tests.kpis.conftest import pdf
from units.models import Role

from .conftest import start_celery, stop_process

pytestmark = pytest.mark.integration

SCENARIO_SECONDS = 60
UNITS = 6


@pytest.fixture
def world(db):
    plan = PlanFactory(issue_date=datetime.date(2025, 11, 1))
    periods_ensure()
    today = timezone.localdate()
    period = Period.objects.get(plan=plan, kind="monthly", start__lte=today, end__gte=today)
    general_task = GeneralTaskFactory(section=SectionFactory(plan=plan))
    units = []
    for i in range(UNITS):
        unit = UnitFactory()
        staff = UserFactory(unit=unit, roles=[Role.STAFF])
        work, claimed = (
            AssignmentFactory(
                unit=unit,
                subtask=SubTaskFactory(general_task=general_task, start_date=datetime.date(2025, 11, 1)),
            )
            for _ in range(2)
        )
        now = timezone.now()
        draft = report_save_draft(
            assignment=claimed,
            period=period,
            actor=staff,
            data=ReportData(completion=100, results=f"Xong {i}"),
            uploads=[pdf()],
            now=now,
        )
        report_submit(report=draft, actor=staff, now=now)
        units.append((staff, work, claimed))
    summary_refresh()
    return period, units, UserFactory(unit=None, roles=[Role.REVIEWER])


def test_units_and_a_reviewer_at_work_with_the_dashboards_rebuilding_see_no_500(
    gunicorn_server, portal_user, production_env, redis_queue, world
):
    period, units, reviewer = world
    env = {"CELERY_DEFAULT_QUEUE": redis_queue, "DASHBOARD_REFRESH_DELAY_SECONDS": "1"}
    base = gunicorn_server(workers=4, **env)
    worker = start_celery("worker", {**production_env, **env}, redis_queue)
    answers: list[tuple[str, int | None, str]] = []
    crashed: list[str] = []  # an exception in a thread would otherwise end it silently
    sent = {work.pk: 0 for _, work, _ in units}

    def unit_at_work(user, work):
        url = reverse("kpis:report_form", args=[work.pk])
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            action = "submit" if n % 2 == 0 else "draft"
            post = {
                "period": str(period.pk),
                "completion": str(n % 90),
                "results": f"Lần {n}",
                "action": action,
            }
            status, body = user.request(url, post)
            answers.append((url, status, body[:3000] if status != 302 else ""))
            if status == 302 and action == "submit":
                sent[work.pk] += 1

    def reviewer_at_work(user):
        for _staff, _work, claimed in units:
            time.sleep(SCENARIO_SECONDS / (UNITS + 2))
            post = {
                "reason_code": ReturnReason.MISSING_DOCUMENT,
                "reason_text": "Thiếu quyết định ban hành có chữ ký",
            }
            url = reverse("evidence:return", args=[claimed.pk])
            status, body = user.request(url, post)
            answers.append((url, status, body[:3000] if status not in (200, 302) else ""))

    def guarded(target, *args):
        try:
            target(*args)
        except Exception as exc:
            crashed.append(f"{target.__name__}: {exc!r}")

    # Signed in here: the threads only speak HTTP. The minute starts once everyone is signed in.
    threads = [
        threading.Thread(target=guarded, args=(unit_at_work, portal_user(base, s), w)) for s, w, _ in units
    ]
    threads.append(threading.Thread(target=guarded, args=(reviewer_at_work, portal_user(base, reviewer))))
    stop_at = time.monotonic() + SCENARIO_SECONDS
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(SCENARIO_SECONDS + 300)
    finally:
        output = stop_process(worker)
    assert not crashed, crashed
    failed = [a for a in answers if a[1] not in (200, 302)]
    assert not failed, (failed[:3], output[-5000:])
    assert len(answers) > UNITS * 4
    returned = AssignmentState.objects.filter(assignment__in=[c for _, _, c in units], status=Status.RETURNED)
    assert returned.count() == UNITS  # no reviewer's return lost
    for _staff, work, _claimed in units:
        versions = ProgressReport.objects.filter(
            assignment=work, period=period, status=ReportStatus.SUBMITTED
        )
        assert versions.count() == sent[work.pk]

"""Two requests for one report at the same moment (a double click on "Gửi", the first draft or
submission posted twice) under gunicorn against PostgreSQL: one version, no 500.

To make "at the same moment" certain rather than likely, the test holds the report table while
both requests arrive (LOCK TABLE … IN EXCLUSIVE MODE: reads go on, writes and row locks wait), and
lets go once PostgreSQL shows both waiting; they then race exactly as two clicks do."""

import datetime
import re
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from kpis.models import Period, ProgressReport, ReportStatus
from kpis.services import ReportData, periods_ensure, report_save_draft
from tests.factories import (
    AssignmentFactory,
    GeneralTaskFactory,
    PlanFactory,
    SectionFactory,
    SubTaskFactory,
    UserFactory,
)
from units.models import Role

from .conftest import wait_for

pytestmark = pytest.mark.integration


def _waiting_backends() -> int:
    with connection.cursor() as cursor:
        # Called inside the transaction that holds the lock, where PostgreSQL would answer every
        # read of pg_stat_activity from the first one's snapshot: before the requests came.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _at_once(user, path: str, posts: list[dict]) -> list:
    """POST each of `posts` from its own thread, all held until every one is waiting in PostgreSQL."""
    answers = [None] * len(posts)

    def send(i):
        answers[i] = user.request(path, posts[i], timeout=300)

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE kpis_progressreport IN EXCLUSIVE MODE")
        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(posts))]
        for thread in threads:
            thread.start()
        # Generous: a gunicorn worker's first request on a loaded machine can take a while.
        if not wait_for(lambda: _waiting_backends() >= len(posts), 240):
            with connection.cursor() as cursor:  # what the server's connections were doing instead
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT state, wait_event_type, wait_event, left(query, 200) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                activity = cursor.fetchall()
            for thread in threads:
                thread.join(5)
            # What the requests answered instead of waiting (an error page, a refusal), to say why.
            pytest.fail(
                "the requests never reached the lock: "
                f"{[a and (a[0], a[1][:1500]) for a in answers]}; database sessions: {activity}"
            )
    for thread in threads:
        thread.join(300)
    return answers


@pytest.fixture
def world(db):
    plan = PlanFactory(issue_date=datetime.date(2025, 11, 1))
    periods_ensure()
    today = timezone.localdate()
    period = Period.objects.get(plan=plan, kind="monthly", start__lte=today, end__gte=today)
    general_task = GeneralTaskFactory(section=SectionFactory(plan=plan))
    leads = [
        AssignmentFactory(
            subtask=SubTaskFactory(general_task=general_task, start_date=datetime.date(2025, 11, 1)),
        )
        for _ in range(3)
    ]
    unit = leads[0].unit
    for lead in leads[1:]:
        lead.unit = unit
        lead.save()
    return period, leads, UserFactory(unit=unit, roles=[Role.STAFF])


def _form(user, lead, period) -> dict:
    status, page = user.request(reverse("kpis:report_form", args=[lead.pk]) + f"?period={period.pk}")
    assert status == 200, page[:2000]
    seen = re.search(r'name="seen_report" value="([^"]*)"', page)
    return {
        "period": str(period.pk),
        "loaded_period": str(period.pk),
        "seen_report": seen.group(1) if seen else "",
        "completion": "40",
        "results": "Đã ban hành kế hoạch triển khai",
        "difficulties": "",
        "proposals": "",
    }


def test_a_double_click_on_send_and_a_first_report_posted_twice_make_one_version(
    gunicorn_server, portal_user, world
):
    period, (drafted, first_submit, first_draft), staff = world
    user = portal_user(gunicorn_server(workers=4), staff)
    report_save_draft(
        assignment=drafted, period=period, actor=staff, data=ReportData(completion=30), now=timezone.now()
    )
    cases = {
        drafted: {**_form(user, drafted, period), "action": "submit"},  # a draft saved, "Gửi" twice
        first_submit: {**_form(user, first_submit, period), "action": "submit"},  # nothing yet, sent twice
        first_draft: {**_form(user, first_draft, period), "action": "draft"},  # nothing yet, saved twice
    }
    seen, wanted = {}, {}
    for lead, post in cases.items():
        answers = _at_once(user, reverse("kpis:report_form", args=[lead.pk]), [post, post])
        status = ReportStatus.SUBMITTED if post["action"] == "submit" else ReportStatus.DRAFT
        versions = list(ProgressReport.objects.filter(assignment=lead).values_list("version", "status"))
        seen[lead.pk] = ([code for code, _ in answers], versions)
        wanted[lead.pk] = ([302, 302], [(1, status)])
    assert seen == wanted

"""A flag is stored in Vietnamese (official reports print it) whatever language the request that
ran the sweep spoke, and is shown in the reader's language from its numbers."""

import datetime

import pytest
from django.utils import translation

from kpis.flags import FlagKind, RedFlag
from kpis.models import Status
from kpis.services import periods_ensure
from kpis.sweep import sweep

from .conftest import DEADLINE, at, day_n, set_state

pytestmark = pytest.mark.django_db


def test_a_sweep_run_in_an_english_request_still_stores_vietnamese(make_lead):
    lead = make_lead()
    set_state(lead, completion="9.99")
    with translation.override("en"):
        sweep(now=day_n(30))
    flag = RedFlag.objects.get(kind=FlagKind.LAGGING)
    assert (
        flag.message_vi == "Chậm tiến độ: đã qua 30/150 ngày thực hiện, dự kiến đạt 20 %, báo cáo mới 9,99 %."
    )


def test_open_flags_read_in_english_with_english_decimals(make_lead):
    lead = make_lead()
    set_state(lead, completion="9.99")
    sweep(now=day_n(30))
    lagging = RedFlag.objects.get(kind=FlagKind.LAGGING)
    with translation.override("en"):
        assert lagging.current_message(day_n(30).date()) == (
            "Behind schedule: 30 of 150 days gone, 20 % expected, 9.99 % last reported."
        )
    with translation.override("vi"):
        assert lagging.current_message(day_n(30).date()) == lagging.message_vi
    sweep(now=at(DEADLINE + datetime.timedelta(days=1), 0))
    overdue = RedFlag.objects.get(kind=FlagKind.OVERDUE)
    with translation.override("en"):
        assert overdue.current_message(DEADLINE + datetime.timedelta(days=3)) == (
            "Overdue by 3 days (deadline 31/05/2025), not completed."
        )


def test_resolved_and_quality_flags_read_in_english_from_their_numbers(make_lead):
    lead = make_lead()
    set_state(
        lead, status=Status.RETURNED, completion=100, returned_at=day_n(40), return_reason="Thiếu quyết định"
    )
    sweep(now=day_n(41))
    quality = RedFlag.objects.get(kind=FlagKind.QUALITY)
    with translation.override("en"):
        # The reviewer's reason is quoted as written.
        assert (
            quality.current_message()
            == "Completion claim returned on 10/02/2025 (to be completed): Thiếu quyết định"
        )
    set_state(lead, status=Status.AWAITING_REVIEW, completion=100)
    sweep(now=day_n(42))
    quality.refresh_from_db()
    assert quality.resolved_at is not None
    with translation.override("en"):
        assert quality.current_message().startswith("Completion claim returned on 10/02/2025")
    with translation.override("vi"):
        assert quality.current_message() == quality.message_vi


def test_a_missed_month_reads_in_english(make_lead):
    lead = make_lead(start_date=None, deadline=None, ongoing=True, deadline_text="Thường xuyên")
    periods_ensure(now=at(datetime.date(2025, 2, 21)))
    sweep(now=at(datetime.date(2025, 2, 21)))
    flag = RedFlag.objects.get(kind=FlagKind.NO_REPORT, assignment=lead)
    assert flag.message_vi == "Chưa gửi báo cáo tháng 02/2025 (hạn 20/02/2025)."
    with translation.override("en"):
        assert flag.current_message() == "No report for month 02/2025 (due 20/02/2025)."


def test_numbers_missing_a_field_fall_back_to_the_stored_text():
    flag = RedFlag(kind=FlagKind.NO_REPORT, numbers={}, message_vi="Chưa gửi báo cáo tháng 01/2025.")
    with translation.override("en"):
        assert flag.current_message() == "Chưa gửi báo cáo tháng 01/2025."


def test_a_deadline_before_the_start_reads_in_english(make_lead, plan):
    plan.start_date = datetime.date(2025, 11, 1)
    plan.save(update_fields=["start_date"])
    lead = make_lead(start_date=None, deadline=datetime.date(2025, 9, 30))
    # Raised before lagging ended at the deadline (one kept in the history), read again today.
    numbers = {
        "expected": 100.0,
        "actual": 0.0,
        "day": -32,
        "total_days": -32,
        "start": "2025-11-01",
        "deadline": "2025-09-30",
    }
    flag = RedFlag.objects.create(
        kind=FlagKind.LAGGING,
        assignment=lead,
        subtask=lead.subtask,
        unit=lead.unit,
        numbers=numbers,
        message_vi="x",
        raised_at=at(datetime.date(2026, 11, 23)),
    )
    with translation.override("en"):
        assert (
            flag.current_message()
            == "Behind schedule: deadline 30/09/2025 passed, 100 % expected, 0 % last reported."
        )

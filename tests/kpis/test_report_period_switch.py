""" "Mở kỳ này" on the report form: text the user typed is never dropped without their say."""

import datetime
import re

import pytest
from django.urls import reverse

from kpis.models import Period, ProgressReport
from kpis.services import periods_ensure, report_save_draft, report_submit

from .conftest import data

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "slot-1"}
TYPED = "Đã tổ chức hội thảo lấy ý kiến các sở, ngành về dự thảo."


@pytest.fixture
def months(plan):
    """(previous month, this month), whatever day the tests run."""
    periods_ensure()
    today = datetime.date.today()
    this = Period.objects.get(plan=plan, kind="monthly", start__lte=today, end__gte=today)
    previous = Period.objects.get(plan=plan, kind="monthly", end=this.start - datetime.timedelta(days=1))
    return previous, this


def marked_unsaved(body: str) -> bool:
    """The form says it shows typed values that are not saved (data-unsaved, not data-unsaved-warning)."""
    return re.search(r"\sdata-unsaved[\s>]", body) is not None


def url(assignment):
    return reverse("kpis:report_form", args=[assignment.pk])


def switch(client, assignment, *, to, shown, **fields):
    post = {
        "period": str(to.pk),
        "loaded_period": str(shown.pk),
        "completion": "",
        "results": "",
        "difficulties": "",
        "proposals": "",
        "action": "load",
        **fields,
    }
    return client.post(url(assignment), post, **HTMX).content.decode()


def test_the_form_names_the_period_it_shows_and_the_periods_with_a_report(client_staff, lead, staff, months):
    previous, this = months
    report_save_draft(assignment=lead, period=previous, actor=staff, data=data("20"))
    body = client_staff.get(url(lead), **HTMX).content.decode()
    assert f'name="loaded_period" value="{this.pk}"' in body
    assert f'data-reported-periods="{previous.pk}"' in body
    assert "data-unsaved-warning" in body and not marked_unsaved(body)
    assert 'data-msg-unsaved="Bạn có nội dung chưa gửi. Rời trang này và bỏ nội dung đó?"' in body


def test_typed_text_goes_along_into_a_period_without_a_report(client_staff, lead, months):
    previous, this = months
    body = switch(client_staff, lead, to=previous, shown=this, results=TYPED, completion="30")
    assert TYPED in body and 'value="30"' in body
    assert "Đã giữ nội dung bạn đang nhập" in body
    assert f'name="loaded_period" value="{previous.pk}"' in body
    assert marked_unsaved(body)  # still not saved: leaving the page asks
    assert not ProgressReport.objects.exists()


def test_saved_text_is_not_copied_into_another_period(client_staff, lead, staff, months):
    previous, this = months
    report = report_save_draft(
        assignment=lead, period=this, actor=staff, data=data("40", results="Của tháng này")
    )
    report_submit(report=report, actor=staff)
    body = switch(client_staff, lead, to=previous, shown=this, results="Của tháng này", completion="40")
    assert "Của tháng này" not in body  # a period's narrative belongs to it
    assert "Đã giữ nội dung" not in body


def test_reopening_the_same_period_keeps_what_was_typed(client_staff, lead, staff, months):
    _previous, this = months
    report_save_draft(assignment=lead, period=this, actor=staff, data=data("40", results="Bản nháp đã lưu"))
    # Enter in a field clicks the first button of the form, which is "Mở kỳ này".
    body = switch(client_staff, lead, to=this, shown=this, results=TYPED, completion="40")
    assert TYPED in body and "Bản nháp đã lưu" not in body


def test_without_the_script_a_period_with_its_own_report_does_not_take_the_typed_text_away(
    client_staff, lead, staff, months
):
    previous, this = months
    report_save_draft(assignment=lead, period=previous, actor=staff, data=data("20", results="Tháng trước"))
    body = switch(client_staff, lead, to=previous, shown=this, results=TYPED)
    assert TYPED in body and "Tháng trước" not in body
    assert f'name="loaded_period" value="{this.pk}"' in body
    assert "đã có báo cáo riêng" in body
    assert f"{url(lead)}?period={previous.pk}" in body  # a plain link opens it, dropping the text


def test_once_the_user_agreed_a_period_with_its_own_report_opens_with_that_report(
    client_staff, lead, staff, months
):
    previous, this = months
    report_save_draft(assignment=lead, period=previous, actor=staff, data=data("20", results="Tháng trước"))
    body = switch(client_staff, lead, to=previous, shown=this, results=TYPED, discard_unsaved="1")
    assert "Tháng trước" in body and TYPED not in body
    assert f'name="loaded_period" value="{previous.pk}"' in body
    assert not marked_unsaved(body)


def test_a_form_shown_again_after_an_error_counts_as_unsaved(client_staff, lead, months):
    _previous, this = months
    post = {"period": str(this.pk), "completion": "150", "results": TYPED, "action": "draft"}
    body = client_staff.post(url(lead), post, **HTMX).content.decode()
    assert TYPED in body and marked_unsaved(body)

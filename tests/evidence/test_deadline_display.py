"""A deadline reads the same on every page (tasks/_deadline.html): the date, then the appendix's
own words only when they say more than that date, quoted — never brackets inside brackets."""

import datetime
import html

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from tests.evidence.world import claim, make_world, pdf_upload
from tests.factories import SubTaskFactory

pytestmark = pytest.mark.django_db


def shown(subtask, **context) -> str:
    text = strip_tags(render_to_string("tasks/_deadline.html", {"subtask": subtask, **context}))
    text = html.unescape(text)
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("30/9/2025 (đã thực hiện)", "30/09/2025 ghi trong phụ lục: “30/9/2025 (đã thực hiện)”"),
        ("30/9/2025", "30/09/2025"),
        ("30/09/2025", "30/09/2025"),
        ("", "30/09/2025"),
        ("Trong tháng 9/2025", "30/09/2025 ghi trong phụ lục: “Trong tháng 9/2025”"),
    ],
)
def test_the_appendix_words_show_only_when_they_add_something(written, expected):
    subtask = SubTaskFactory.build(deadline=datetime.date(2025, 9, 30), deadline_text=written, ongoing=False)
    assert shown(subtask) == expected


def test_ongoing_and_undated_deadlines():
    ongoing = SubTaskFactory.build(deadline=None, deadline_text="Thường xuyên", ongoing=True)
    assert shown(ongoing) == "Thường xuyên"
    yearly = SubTaskFactory.build(deadline=None, deadline_text="Hằng năm", ongoing=True)
    assert shown(yearly) == "Thường xuyên ghi trong phụ lục: “Hằng năm”"
    words_only = SubTaskFactory.build(deadline=None, deadline_text="Khi có yêu cầu", ongoing=False)
    assert shown(words_only) == "Khi có yêu cầu"
    none = SubTaskFactory.build(deadline=None, deadline_text="", ongoing=False)
    assert shown(none) == "Chưa có thời hạn"


def test_on_one_line_the_words_follow_a_dot():
    subtask = SubTaskFactory.build(
        deadline=datetime.date(2025, 9, 30), deadline_text="30/9/2025 (đã thực hiện)", ongoing=False
    )
    assert shown(subtask, inline=True) == "30/09/2025 · ghi trong phụ lục: “30/9/2025 (đã thực hiện)”"


def test_the_review_page_and_the_subtask_page_agree(no_scanner):
    world = make_world()
    day = world.subtask.deadline
    world.subtask.deadline_text = f"{day.day}/{day.month}/{day.year} (đã thực hiện)"
    world.subtask.save()
    claim(world, files=[pdf_upload()])
    client = Client()
    client.force_login(world.reviewer)
    review = client.get(reverse("evidence:claim", args=[world.lead.pk])).content.decode()
    subtask = client.get(reverse("tasks:subtask_detail", args=[world.subtask.pk])).content.decode()
    words = f"ghi trong phụ lục: “{world.subtask.deadline_text}”"
    for page in (review, subtask):
        text = " ".join(html.unescape(strip_tags(page)).split())
        assert f"{day:%d/%m/%Y}" in text and words in text
        assert f"({world.subtask.deadline_text})" not in text
    assert f"{day:%d/%m/%Y} · {words}" in " ".join(html.unescape(strip_tags(review)).split())

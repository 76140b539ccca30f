"""Issue 17's proof on the demo that has lived: after a sweep, at most 1.3 open flags per flagged
assignment, none overdue and lagging at once, and each notice's counts are its unit's flag page.

A reduced demo with an explicit `--now` (the calendar does not matter); `manage.py sweep_flags
--check` says the same of the whole demo (README)."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kpis.flag_selectors import flag_picture
from notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

NOW = "2026-03-16T10:00"
# A week on, March's report is past due for the units that have not sent it: new flags, notices.
LATER = timezone.make_aware(datetime.datetime(2026, 3, 23, 7))


def test_after_a_sweep_one_picture_per_assignment_and_notices_agree_with_the_pages(capsys, client, clock):
    call_command(
        "load_demo", "--with-users", "--now", NOW, "--months", "2", "--communes", "3", "--report-months", "0",
        verbosity=0,
    )  # fmt: skip
    capsys.readouterr()
    call_command("sweep_flags", "--now", LATER.isoformat(), "--check")
    out = capsys.readouterr().out

    picture = flag_picture()
    assert picture["flagged"] > 20, picture
    assert picture["per_flagged"] <= 1.3, picture
    assert picture["overdue_and_lagging"] == 0, picture
    assert f"({picture['per_flagged']} mỗi nhiệm vụ)" in out and "0 lệch với trang cảnh báo" in out

    # The notices of that sweep listing a unit's flags, read against the page its recipient opens.
    notices = Notification.objects.filter(
        kind=NotificationKind.FLAG_RAISED, created_at=LATER, object_type="units.unit"
    ).select_related("recipient")
    assert notices.exists()
    clock.set(LATER)
    for notice in notices:
        client.force_login(notice.recipient)
        totals = client.get(reverse("kpis:flags")).context["totals"]
        assert notice.params["open"] == {
            "total": totals["total"],
            "kinds": [[k, n] for k, n in totals.items() if k != "total" and n],
        }, notice.recipient.unit

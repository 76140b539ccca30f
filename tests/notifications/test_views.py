import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.sweep import sweep
from notifications.models import Notification, NotificationPreference
from notifications.services import notify_raised_flags
from tests.factories import UserFactory
from tests.flags.conftest import day_n
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(lead, staff):
    sweep(now=day_n(90))
    notify_raised_flags(now=day_n(90))
    return Notification.objects.get(recipient=staff)


def test_the_bell_shows_the_unread_count_and_polls_itself(client, staff, flagged):
    client.force_login(staff)
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'id="notification-bell"' in page
    assert 'hx-trigger="every 60s"' in page
    assert 'class="bell-count">1<' in page
    assert "<script>" not in page and " style=" not in page
    bell = client.get(reverse("notifications:bell"), HTTP_HX_REQUEST="true")
    assert bell["Cache-Control"] == "private, no-store"
    assert 'class="bell-count">1<' in bell.content.decode()


def test_the_list_shows_the_notification_with_its_link(client, staff, flagged, lead):
    client.force_login(staff)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "đã qua 90/150 ngày thực hiện, dự kiến đạt 60 %" in page
    assert f'href="/plans/subtasks/{lead.subtask_id}/"' in page


def test_mark_as_read_is_a_post(client, staff, flagged):
    client.force_login(staff)
    url = reverse("notifications:mark_read", args=[flagged.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    flagged.refresh_from_db()
    assert flagged.read_at is not None
    bell = client.get(reverse("notifications:bell")).content.decode()
    assert "bell-count" not in bell


def test_someone_elses_notification_is_not_touched(client, flagged):
    outsider = UserFactory(roles=[Role.STAFF])
    client.force_login(outsider)
    client.post(reverse("notifications:mark_read", args=[flagged.pk]))
    client.post(reverse("notifications:mark_all_read"))
    flagged.refresh_from_db()
    assert flagged.read_at is None
    assert "dự kiến 60 %" not in client.get(reverse("notifications:list")).content.decode()


def test_mark_all_read_and_choose_the_digest(client, staff, flagged):
    client.force_login(staff)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=staff, read_at__isnull=True).exists()
    saved = client.post(reverse("notifications:preferences"), {"daily_digest": "on"}, follow=True)
    assert NotificationPreference.objects.get(user=staff).daily_digest
    assert "Đã lưu: thông báo sẽ được gửi gộp một thư mỗi ngày." in saved.content.decode()  # said, not silent
    saved = client.post(reverse("notifications:preferences"), {}, follow=True)
    assert not NotificationPreference.objects.get(user=staff).daily_digest
    assert "Đã lưu: mỗi thông báo được gửi thư điện tử ngay." in saved.content.decode()


def test_csrf_is_required(staff, flagged):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post(reverse("notifications:mark_read", args=[flagged.pk])).status_code == 403


def test_anonymous_users_are_sent_to_login(client):
    assert client.get(reverse("notifications:bell")).status_code == 302


def test_the_flags_page_shows_a_subtasks_flags_to_its_unit_not_to_outsiders(client, staff, flagged, lead):
    client.force_login(staff)
    page = client.get(reverse("kpis:flags"), {"subtask": lead.subtask_id}).content.decode()
    # an open flag speaks as of today (long after this 2025 deadline): expected has reached 100 %
    assert "Chậm tiến độ: đã qua 150/150 ngày thực hiện, dự kiến đạt 100 %, báo cáo mới 0 %." in page
    client.force_login(UserFactory(roles=[Role.STAFF]))
    page = client.get(reverse("kpis:flags"), {"subtask": lead.subtask_id}).content.decode()
    assert "Không có cảnh báo đỏ." in page


def test_the_list_runs_a_constant_number_of_queries(client, staff, lead, django_assert_max_num_queries):
    from notifications.services import notify_users

    client.force_login(staff)
    for i in range(30):
        notify_users(
            users=[staff],
            kind="flag_raised",
            template="approved",
            params={"code": f"{i}.1", "title": "T", "reason": ""},
            url="/",
            key=f"k{i}",
        )
    with django_assert_max_num_queries(12):
        client.get(reverse("notifications:list"))


def test_the_flags_page_names_each_flags_subtask_and_narrows_to_a_unit(client, staff, flagged, lead):
    """Across sub-tasks a flag says which sub-task it is about (a link to it) and which unit (a link
    narrowing the list to that unit's flags), so a leader knows what to chase."""
    from kpis.flags import RedFlag
    from tests.factories import AssignmentFactory, SubTaskFactory, UnitFactory
    from tests.flags.conftest import DEADLINE, START

    other_unit = UnitFactory(name="Sở Tài chính")
    other = AssignmentFactory(
        subtask=SubTaskFactory(start_date=START, deadline=DEADLINE, general_task=lead.subtask.general_task),
        unit=other_unit,
    )
    sweep(now=day_n(90))
    leader = UserFactory(roles=[Role.LEADERSHIP])
    client.force_login(leader)
    page = client.get(reverse("kpis:flags")).content.decode()
    for assignment in (lead, other):
        subtask = assignment.subtask
        assert f'href="{reverse("tasks:subtask_detail", args=[subtask.pk])}"' in page
        assert f"{subtask.code}. {subtask.title}" in page
        assert f'href="?unit={assignment.unit_id}"' in page
    narrowed = client.get(reverse("kpis:flags"), {"unit": other_unit.pk})
    flags = list(narrowed.context["flags"])
    assert flags and {f.unit_id for f in flags} == {other_unit.pk}
    assert len(flags) == RedFlag.objects.filter(unit=other_unit, resolved_at__isnull=True).count()
    assert "Sở Tài chính" in narrowed.content.decode().split("</h1>")[0]
    assert narrowed.context["totals"]["total"] == len(flags)
    # Unit staff narrowing to another unit see nothing of it.
    client.force_login(staff)
    assert list(client.get(reverse("kpis:flags"), {"unit": other_unit.pk}).context["flags"]) == []


def test_unit_staff_read_their_own_units_flags_first_and_coordinated_ones_on_request(client, staff, lead):
    """The page's figures are then those of the unit's dashboard; the flags of a task the unit only
    co-ordinates belong to another unit and come with ?co=1, labelled as such."""
    from kpis.flags import RedFlag
    from tasks.models import AssignmentRole
    from tests.factories import AssignmentFactory, SubTaskFactory, UnitFactory
    from tests.flags.conftest import DEADLINE, START

    other_unit = UnitFactory(name="Sở Tài chính")
    theirs = SubTaskFactory(start_date=START, deadline=DEADLINE, general_task=lead.subtask.general_task)
    AssignmentFactory(subtask=theirs, unit=other_unit)
    AssignmentFactory(subtask=theirs, unit=lead.unit, role=AssignmentRole.CO)
    sweep(now=day_n(90))
    own = RedFlag.objects.filter(unit=lead.unit, resolved_at__isnull=True).count()
    assert own and RedFlag.objects.filter(unit=other_unit, resolved_at__isnull=True).exists()
    client.force_login(staff)
    page = client.get(reverse("kpis:flags"))
    assert {f.unit_id for f in page.context["flags"]} == {lead.unit_id}
    assert page.context["totals"]["total"] == own
    html = page.content.decode()
    assert lead.unit.name in html.split("</h1>")[0]
    assert 'href="?co=1"' in html
    wider = client.get(reverse("kpis:flags"), {"co": "1"})
    assert {f.unit_id for f in wider.context["flags"]} == {lead.unit_id, other_unit.pk}
    assert "Gồm cả nhiệm vụ đơn vị tôi phối hợp" in wider.content.decode()
    # The kind links keep the wider choice.
    assert "&amp;co=1" in wider.content.decode()


def test_notifications_read_in_english_and_stay_vietnamese_as_sent(client, staff, lead, settings):
    """Stored (and e-mailed) as sent, in Vietnamese; shown in the reader's language from the
    parameters they were written from."""
    import datetime

    from notifications.services import notify_claim_decision
    from notifications.services.reminders import reminders_send

    notify_claim_decision(assignment=lead, decision="returned", reason="Thiếu quyết định", actor=None)
    lead.subtask.deadline = timezone.localdate() + datetime.timedelta(days=7)
    lead.subtask.save()
    reminders_send()
    returned = Notification.objects.get(recipient=staff, kind="claim_returned")
    assert returned.subject.startswith("Đề nghị hoàn thành bị trả lại:")
    assert "Lý do: Thiếu quyết định" in returned.body
    client.force_login(staff)
    vi = client.get(reverse("notifications:list")).content.decode()
    assert "Đề nghị hoàn thành bị trả lại:" in vi
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = client.get(reverse("notifications:list")).content.decode()
    assert f"Completion claim returned: {lead.subtask.code}" in en
    assert "Reason: Thiếu quyết định" in en  # the reviewer's own words as written
    assert "Deadline near (7 days left)" in en
    assert "Đề nghị hoàn thành bị trả lại:" not in en and "Sắp đến hạn" not in en


def test_a_flag_notification_reads_in_english(client, staff, flagged, settings):
    notification = Notification.objects.filter(recipient=staff, kind="flag_raised").first()
    assert notification.subject.startswith("Cảnh báo đỏ — ")
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = client.get(reverse("notifications:list")).content.decode()
    assert "Red flag — " in en and "Cảnh báo đỏ — " not in en

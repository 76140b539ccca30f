"""A target falling behind its straight line to the next milestone is a red flag like a task's
(issue 22): the sweep raises it as of its `now`, once per responsible unit, and resolves it when the
target is back on its line; the flag page, the dashboard's flag list and the target's page show it;
the notice tells the unit once, its counts those of the unit's flag page."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.flag_selectors import flags_visible_to, open_flag_totals
from kpis.flags import FlagKind, RedFlag, task_kinds
from kpis.sweep import sweep
from notifications.models import Notification
from notifications.services.events import notify_raised_flags
from reports.dashboard.selectors.flags import flag_page
from reports.dashboard.selectors.scope import Scope
from targets.services import target_value_approve, target_value_report
from tasks.models import PlanStatus
from tests.factories import UserFactory
from tests.kpis.test_exports import read_csv
from tests.targets.world import World, evidence
from units.models import Role

pytestmark = pytest.mark.django_db


def at(y, m, d, hour=12):
    return timezone.make_aware(datetime.datetime(y, m, d, hour))


def report(world, target, unit, month, *, when, **figures):
    row = target_value_report(
        target=target, unit=unit, period=world.months[month], uploads=[evidence(text=f"{target.code} {month}")],
        actor=world.secretariat, now=when, **figures,
    )  # fmt: skip
    return target_value_approve(target_value=row, reviewer=world.reviewer, now=when)


@pytest.fixture
def world():
    return World()


@pytest.fixture
def behind(world):
    """≥ 80% by 1/1/2026 from 20% on 1/1/2025: on 30/6 the line stands at 49,59%; June reads 40%."""
    target = world.share_target()
    report(world, target, world.unit_a, 6, when=at(2025, 7, 3), numerator=D(1000), denominator=D(2500))
    return target


def test_the_sweep_raises_it_as_of_its_now_and_resolves_it_back_on_the_line(world, behind):
    # On 29/6 June has not ended: no reading yet, nothing behind.
    sweep(now=at(2025, 6, 29))
    assert not RedFlag.objects.filter(kind=FlagKind.TARGET_BEHIND).exists()

    result = sweep(now=at(2025, 7, 5))
    assert result.raised[FlagKind.TARGET_BEHIND] == 1
    flag = RedFlag.objects.get(kind=FlagKind.TARGET_BEHIND, resolved_at__isnull=True)
    assert (flag.target, flag.unit, flag.assignment, flag.subtask) == (behind, world.unit_a, None, None)
    assert flag.message_vi == (
        "Chậm so với lộ trình: đạt 40% (số liệu đến 30/06/2025), theo lộ trình cần 49,59% "
        "để đạt mốc ≥ 80% trước ngày 01/01/2026."
    )
    assert flag.numbers["value"] == "40.0000" and flag.numbers["due"] == "2026-01-01"
    assert (flag.subject_code, flag.subject_url) == ("1.1.5", reverse("targets:detail", args=[behind.pk]))

    # Swept again: the same open flag, no second one.
    assert sweep(now=at(2025, 7, 6)).raised[FlagKind.TARGET_BEHIND] == 0
    assert RedFlag.objects.filter(kind=FlagKind.TARGET_BEHIND).count() == 1

    # July reads 65%, above the line (54,68% on 31/7): resolved once July has ended, kept as history.
    report(world, behind, world.unit_a, 7, when=at(2025, 7, 25), numerator=D(1300), denominator=D(2000))
    assert sweep(now=at(2025, 7, 30)).resolved[FlagKind.TARGET_BEHIND] == 0  # July not ended yet
    assert sweep(now=at(2025, 8, 2)).resolved[FlagKind.TARGET_BEHIND] == 1
    flag.refresh_from_db()
    assert flag.resolved_at == at(2025, 8, 2)


def test_reaching_the_milestone_resolves_it_and_a_plan_out_of_force_has_none(world):
    target = world.count_target()  # 3 mechanisms by 30/9/2026 (per period), both units responsible
    report(world, target, world.unit_b, 3, when=at(2025, 4, 2), value=D(0))
    # A count target without a baseline starts from 0 at the plan's start: on 31/3 the line is 0,42.
    sweep(now=at(2025, 4, 5))
    flags = RedFlag.objects.filter(kind=FlagKind.TARGET_BEHIND, resolved_at__isnull=True)
    assert sorted(flags.values_list("unit__name", flat=True)) == ["Công an tỉnh", "Văn phòng UBND tỉnh"]

    world.plan.status = PlanStatus.CLOSED
    world.plan.save(update_fields=["status"])
    sweep(now=at(2025, 4, 6))
    assert not flags.exists()  # only plans in force are flagged
    world.plan.status = PlanStatus.IN_FORCE
    world.plan.save(update_fields=["status"])
    sweep(now=at(2025, 4, 7))
    assert flags.count() == 2

    report(world, target, world.unit_a, 4, when=at(2025, 5, 2), value=D(3))
    sweep(now=at(2025, 5, 5))
    assert not flags.exists()  # 3 reached: the milestone is met
    assert RedFlag.objects.filter(kind=FlagKind.TARGET_BEHIND).count() == 4


def test_the_unit_is_told_once_and_the_notice_counts_as_its_flag_page(world, behind, client):
    count = world.count_target()
    report(world, count, world.unit_a, 6, when=at(2025, 7, 3), value=D(0))
    sweep(now=at(2025, 7, 5))
    # Unit A: both targets behind; unit B (responsible for the second) too.
    assert notify_raised_flags(now=at(2025, 7, 5)) == 2
    notice = Notification.objects.get(recipient=world.staff_a)
    page = _flag_page(client, world.staff_a)
    totals = page.context["totals"]
    assert totals[FlagKind.TARGET_BEHIND] == 2 == totals["total"]
    assert notice.params["open"] == {"total": 2, "kinds": [[FlagKind.TARGET_BEHIND, 2]]}
    assert notice.subject == (
        "Văn phòng UBND tỉnh: 2 nhiệm vụ, chỉ tiêu có cảnh báo đỏ (2 chỉ tiêu chậm lộ trình), 2 cảnh báo mới"
    )
    assert "1.1.5 Có ≥ 80% dịch vụ công" in notice.body
    single = Notification.objects.get(recipient=world.staff_b)
    assert single.subject.startswith("Cảnh báo đỏ — Chỉ tiêu chậm lộ trình: 1.2.1 Ban hành 03 cơ chế")
    assert "Chỉ tiêu 1.2.1: Ban hành 03 cơ chế chính sách" in single.body
    assert single.url == reverse("targets:detail", args=[count.pk])

    # Swept and notified again: nothing new. Resolved and raised anew on the same reading: not news.
    sweep(now=at(2025, 7, 6))
    assert notify_raised_flags(now=at(2025, 7, 6)) == 0
    behind.milestones.update(value=D(40))
    sweep(now=at(2025, 7, 7))
    behind.milestones.update(value=D(80))
    sweep(now=at(2025, 7, 8))
    assert RedFlag.objects.filter(target=behind, resolved_at__isnull=True).count() == 1
    assert notify_raised_flags(now=at(2025, 7, 8)) == 0
    assert Notification.objects.filter(recipient=world.staff_a).count() == 1


def _flag_page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("kpis:flags"), params)


def test_it_shows_on_the_flag_page_the_dashboard_and_the_target_page(world, behind, client):
    sweep(now=at(2025, 7, 5))
    flag = RedFlag.objects.get(kind=FlagKind.TARGET_BEHIND)
    target_url = reverse("targets:detail", args=[behind.pk])

    page = _flag_page(client, world.staff_a)
    assert [f.pk for f in page.context["flags"]] == [flag.pk]
    html = page.content.decode()
    assert target_url in html and "Chỉ tiêu chậm lộ trình" in html and "theo lộ trình cần 49,59%" in html
    download = read_csv(client.get(reverse("kpis:flags"), {"export": "csv"}))
    assert download[1][:5] == ["Chỉ tiêu chậm lộ trình", "Văn phòng UBND tỉnh", world.plan.code or world.plan.title,
                               "1.1.5", behind.text]  # fmt: skip
    by_plan = page.context["plans"]
    assert [(plan.pk, counts["total"]) for plan, counts in by_plan] == [(world.plan.pk, 1)]
    narrowed = _flag_page(client, world.staff_a, target=behind.pk, history=1)
    assert [f.pk for f in narrowed.context["flags"]] == [flag.pk]
    assert narrowed.context["target"] == behind

    # The province: the secretariat's flag page and the dashboard's flag list.
    leader = UserFactory(username="lanh-dao", unit=None, roles=[Role.LEADERSHIP])
    assert open_flag_totals(flags_visible_to(leader))[FlagKind.TARGET_BEHIND] == 1
    client.force_login(leader)
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    listed = dashboard[dashboard.index('class="flag-list"') :]
    assert f'href="{target_url}"' in listed and flag.message_vi in listed
    (shown,), more = flag_page(Scope(plan=world.plan))
    assert (shown["id"], shown["code"], shown["url"], more) == (flag.pk, "1.1.5", target_url, False)
    assert FlagKind.TARGET_BEHIND not in task_kinds()  # not a count column of the assignments' rows

    # The target's own page lists it, with the way to the flag page.
    detail = client.get(target_url)
    assert [f.pk for f in detail.context["flags"]] == [flag.pk]
    assert f"{reverse('kpis:flags')}?target={behind.pk}" in detail.content.decode()

    # A unit not responsible for the target does not see its flags.
    assert not flags_visible_to(world.outsider).exists()
    page = _flag_page(client, world.outsider, co=1)
    assert list(page.context["flags"]) == [] and page.context["totals"]["total"] == 0
    assert _flag_page(client, world.outsider, target=behind.pk).context["target"] is None

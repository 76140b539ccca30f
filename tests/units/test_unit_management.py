"""Units managed by the secretariat: list and search, create, rename, aliases, groups, merge,
deactivate; every change audited and guarded against breaking live assignments."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from kpis.models import Period, ProgressReport
from tasks.models import Assignment
from tests.factories import AssignmentFactory, PlanFactory, SubTaskFactory, UnitFactory, UserFactory
from units.models import GroupMembership, Role, Unit, UnitAlias, UnitKind
from units.registry import UnitRegistry

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2025, 12, 10, 9, 0))


@pytest.fixture
def secretary(client):
    user = UserFactory(roles=[Role.SECRETARIAT], unit=None)
    client.force_login(user)
    return user


def test_the_list_searches_without_accents_in_names_and_aliases_and_filters_by_kind(client, secretary):
    UnitFactory(name="Sở Thông tin và Truyền thông", kind=UnitKind.DEPARTMENT)
    ward = UnitFactory(name="Phường Đông Hải", kind=UnitKind.COMMUNE)
    UnitAlias.objects.create(unit=ward, name="UBND phường Đông Hải")
    UnitFactory(name="Nhóm Sở ngành", kind=UnitKind.GROUP)
    html = client.get(reverse("units:unit_list"), {"q": "thong tin"}).content.decode()
    assert "Sở Thông tin và Truyền thông" in html and "Phường Đông Hải" not in html
    html = client.get(reverse("units:unit_list"), {"q": "ubnd phuong dong hai"}).content.decode()
    assert "Phường Đông Hải" in html
    html = client.get(reverse("units:unit_list"), {"kind": UnitKind.GROUP}).content.decode()
    assert "Nhóm Sở ngành" in html and "Phường Đông Hải" not in html


def test_create_then_rename_keeps_the_old_name_as_an_alias(client, secretary):
    response = client.post(
        reverse("units:unit_create"),
        {"name": "Sở Khoa học và Công nghệ", "short_name": "KHCN", "kind": "department"},
    )
    unit = Unit.objects.get(name="Sở Khoa học và Công nghệ")
    assert response["Location"] == reverse("units:unit_detail", args=[unit.pk])
    refused = client.post(
        reverse("units:unit_create"), {"name": "Sở khoa học và công nghệ", "kind": "department"}
    )
    assert (
        refused.status_code == 200 and "Đã có đơn vị “Sở Khoa học và Công nghệ”" in refused.content.decode()
    )
    client.post(
        reverse("units:unit_detail", args=[unit.pk]),
        {"name": "Sở Khoa học, Công nghệ và Đổi mới sáng tạo", "short_name": "KHCN", "kind": "department"},
    )
    unit.refresh_from_db()
    assert unit.name == "Sở Khoa học, Công nghệ và Đổi mới sáng tạo"
    assert list(unit.aliases.values_list("name", flat=True)) == ["Sở Khoa học và Công nghệ"]
    assert UnitRegistry.load().resolve("Sở Khoa học và Công nghệ") == unit
    event = AuditEvent.objects.get(action="unit.update")
    assert event.changes["name"] == ["Sở Khoa học và Công nghệ", "Sở Khoa học, Công nghệ và Đổi mới sáng tạo"]


def test_an_alias_taken_by_another_unit_is_refused_beside_the_field(client, secretary):
    one, other = UnitFactory(name="Sở Tư pháp"), UnitFactory(name="Sở Nội vụ")
    response = client.post(reverse("units:unit_alias_add", args=[other.pk]), {"alias": "Sở Tư Pháp"})
    assert response.status_code == 400
    assert "Đã có đơn vị “Sở Tư pháp”" in response.content.decode()
    client.post(reverse("units:unit_alias_add", args=[one.pk]), {"alias": "STP"})
    alias = UnitAlias.objects.get(name="STP")
    client.post(reverse("units:unit_alias_remove", args=[one.pk, alias.pk]))
    assert not UnitAlias.objects.filter(name="STP").exists()
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="unit.").order_by("pk")] == [
        "unit.alias_add",
        "unit.alias_remove",
    ]


def test_group_members_are_added_and_removed(client, secretary):
    group = UnitFactory(name="Sở ngành", kind=UnitKind.GROUP)
    member = UnitFactory(name="Sở Y tế")
    client.post(reverse("units:unit_member_add", args=[group.pk]), {"member": member.pk})
    assert GroupMembership.objects.filter(group=group, member=member).exists()
    assert "Sở Y tế" in client.get(reverse("units:unit_detail", args=[group.pk])).content.decode()
    client.post(reverse("units:unit_member_remove", args=[group.pk, member.pk]))
    assert not GroupMembership.objects.exists()
    assert {e.action for e in AuditEvent.objects.filter(action__startswith="unit.")} == {
        "unit.member_add",
        "unit.member_remove",
    }


def test_a_unit_with_live_work_is_not_deactivated_nor_turned_into_a_group(client, secretary):
    unit = UnitFactory(name="Sở Tài chính")
    AssignmentFactory(unit=unit)
    response = client.post(reverse("units:unit_set_active", args=[unit.pk]), {"active": "0"})
    assert response.status_code == 400 and "còn 1 phân công" in response.content.decode()
    unit.refresh_from_db()
    assert unit.is_active
    response = client.post(reverse("units:unit_detail", args=[unit.pk]), {"name": unit.name, "kind": "group"})
    assert response.status_code == 400 and "Không thể đổi giữa" in response.content.decode()
    idle = UnitFactory(name="Ban Quản lý cũ")
    client.post(reverse("units:unit_set_active", args=[idle.pk]), {"active": "0"})
    idle.refresh_from_db()
    assert not idle.is_active
    assert UnitRegistry.load().resolve("Ban Quản lý cũ") is None


def test_merging_moves_assignments_reports_accounts_and_keeps_the_name_as_an_alias(client, secretary):
    old = UnitFactory(name="Xã Tân Lập", kind=UnitKind.COMMUNE)
    survivor = UnitFactory(name="Xã Tân Phú", kind=UnitKind.COMMUNE)
    group = UnitFactory(name="UBND cấp xã", kind=UnitKind.GROUP)
    GroupMembership.objects.create(group=group, member=old)
    plan = PlanFactory()
    assignment = AssignmentFactory(unit=old, subtask=SubTaskFactory(general_task__section__plan=plan))
    staff = UserFactory(unit=old, roles=[Role.STAFF])
    period = Period.objects.create(
        plan=plan,
        kind="monthly",
        start=datetime.date(2025, 11, 1),
        end=datetime.date(2025, 11, 30),
        cutoff=datetime.date(2025, 11, 20),
        due_date=datetime.date(2025, 11, 20),
    )
    report = ProgressReport.objects.create(
        assignment=assignment, period=period, completion=40, created_by=staff, created_at=NOW, updated_at=NOW
    )
    response = client.post(
        reverse("units:unit_merge", args=[old.pk]), {"target": survivor.pk, "confirm": "on"}
    )
    assert response["Location"] == reverse("units:unit_detail", args=[survivor.pk])
    assert not Unit.objects.filter(pk=old.pk).exists()
    assert Assignment.objects.get(pk=assignment.pk).unit == survivor
    assert ProgressReport.objects.get(pk=report.pk).assignment.unit == survivor
    staff.refresh_from_db()
    assert staff.unit == survivor
    assert GroupMembership.objects.filter(group=group, member=survivor).exists()
    assert UnitRegistry.load().resolve("Xã Tân Lập") == survivor
    event = AuditEvent.objects.get(action="unit.merge")
    assert event.changes["merged"] == "Xã Tân Lập" and event.changes["assignments"] == 1


def test_a_merger_is_refused_while_both_units_are_on_the_same_sub_task(client, secretary):
    one, two = UnitFactory(name="Xã A"), UnitFactory(name="Xã B")
    sub = SubTaskFactory(code="5.4")
    AssignmentFactory(unit=one, subtask=sub)
    AssignmentFactory(unit=two, subtask=sub, role="co")
    response = client.post(reverse("units:unit_merge", args=[one.pk]), {"target": two.pk, "confirm": "on"})
    assert response.status_code == 400
    assert "Cả hai đơn vị cùng được giao 1 tiểu nhiệm vụ (5.4" in response.content.decode()
    assert Unit.objects.filter(pk=one.pk).exists()
    unconfirmed = client.post(reverse("units:unit_merge", args=[one.pk]), {"target": two.pk})
    assert "Đánh dấu để xác nhận hợp nhất" in unconfirmed.content.decode()


@pytest.mark.parametrize("role", [Role.STAFF, Role.HEAD, Role.REVIEWER, Role.LEADERSHIP])
def test_others_get_404_on_the_unit_pages(client, role):
    unit = UnitFactory(name="Sở Xây dựng")
    client.force_login(UserFactory(roles=[role], unit=unit))
    assert client.get(reverse("units:unit_list")).status_code == 404
    assert client.get(reverse("units:unit_detail", args=[unit.pk])).status_code == 404
    assert client.post(reverse("units:unit_set_active", args=[unit.pk]), {"active": "0"}).status_code == 404


def test_the_menu_leads_to_units_and_no_longer_to_the_django_admin(client, secretary):
    html = client.get(reverse("units:unit_list")).content.decode()
    assert f'href="{reverse("units:unit_list")}"' in html
    assert f'href="{reverse("admin:index")}"' not in html


def test_the_list_costs_the_same_queries_for_few_and_many_units(client, secretary):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("units:unit_list")).status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        UnitAlias.objects.create(unit=UnitFactory(name=f"Xã Một {i}"), name=f"UBND xã Một {i}")
    queries()  # the first request of a session warms its caches
    few = queries()
    for i in range(30):
        unit = UnitFactory(name=f"Xã Hai {i}")
        UnitAlias.objects.create(unit=unit, name=f"UBND xã Hai {i}")
        AssignmentFactory(unit=unit)
    assert queries() == few

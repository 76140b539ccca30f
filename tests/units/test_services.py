import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from tests.factories import UnitFactory, UserFactory
from units import services
from units.access import unit_group_name
from units.models import Role, UnitKind, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat():
    return UserFactory(roles=[Role.SECRETARIAT], unit=None)


def _groups(user):
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def test_it_creates_a_user_with_roles_group_and_audit(secretariat):
    unit = UnitFactory()
    user = services.user_create(
        username="nguyenvana",
        password="mot-mat-khau-dai-123",
        full_name="Nguyễn Văn A",
        email="a@sotp.vn",
        unit=unit,
        roles=[Role.STAFF, Role.HEAD],
        actor=secretariat,
    )
    assert user.check_password("mot-mat-khau-dai-123")
    assert user.role_set == {Role.STAFF, Role.HEAD}
    assert _groups(user) == {unit_group_name(unit.pk)}
    event = AuditEvent.objects.get(action="user.create")
    assert event.actor == secretariat
    assert event.object_id == str(user.pk)
    assert event.changes["username"] == [None, "nguyenvana"]
    assert event.changes["roles"] == [None, ["head", "staff"]]
    assert "password" not in event.changes


def test_it_refuses_a_weak_password_and_a_taken_username(secretariat):
    UserFactory(username="taken")
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            username="TAKEN", password="x-long-enough-1", roles=[Role.LEADERSHIP], actor=secretariat
        )
    assert "username" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.user_create(username="new", password="12345", roles=[Role.LEADERSHIP], actor=secretariat)
    assert "password" in exc.value.error_dict
    assert not AuditEvent.objects.filter(action="user.create").exists()


USERNAME_RULE = "Tên đăng nhập chỉ gồm chữ cái, chữ số và các ký tự @ . + - _ (không có dấu cách)"


@pytest.mark.parametrize("username", ["nguyen van a", "a/b", "tên#1"])
def test_it_refuses_a_username_django_would_refuse_in_vietnamese(secretariat, username):
    with pytest.raises(ValidationError) as caught:
        services.user_create(
            username=username, password="mot-mat-khau-dai-123", roles=[Role.LEADERSHIP], actor=secretariat
        )
    assert USERNAME_RULE in " ".join(caught.value.message_dict["username"])
    user = UserFactory(username="dung")
    with pytest.raises(ValidationError) as caught:
        services.user_update(user=user, actor=secretariat, username=username)
    assert USERNAME_RULE in " ".join(caught.value.message_dict["username"])
    assert not User.objects.filter(username=username).exists()


def test_a_vietnamese_username_is_a_username(secretariat):
    user = services.user_create(
        username="nguyễn.văn-a@sở+1",
        password="mot-mat-khau-dai-123",
        roles=[Role.LEADERSHIP],
        actor=secretariat,
    )
    assert user.username == "nguyễn.văn-a@sở+1"


def test_it_requires_a_unit_for_unit_roles_and_refuses_group_units(secretariat):
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            username="u1", password="mot-mat-khau-dai-123", roles=[Role.STAFF], actor=secretariat
        )
    assert "unit" in exc.value.error_dict
    group = UnitFactory(name="Sở ngành", kind=UnitKind.GROUP)
    with pytest.raises(ValidationError):
        services.user_create(
            username="u2", password="mot-mat-khau-dai-123", roles=[Role.STAFF], unit=group, actor=secretariat
        )


def test_it_records_before_and_after_on_update(secretariat):
    old_unit, new_unit = UnitFactory(), UnitFactory()
    user = UserFactory(unit=old_unit, roles=[Role.STAFF], full_name="Trần B")
    services.user_update(
        user=user, actor=secretariat, full_name="Trần Thị B", unit=new_unit, roles=[Role.HEAD]
    )
    event = AuditEvent.objects.get(action="user.update")
    assert event.changes["full_name"] == ["Trần B", "Trần Thị B"]
    assert event.changes["unit"] == [old_unit.name, new_unit.name]
    assert event.changes["roles"] == [["staff"], ["head"]]
    # Changing unit moves the user between unit groups: the old unit's rights end.
    assert _groups(user) == {unit_group_name(new_unit.pk)}


def test_an_update_that_changes_nothing_writes_no_event(secretariat):
    user = UserFactory(roles=[Role.STAFF])
    services.user_update(user=user, actor=secretariat, full_name=user.full_name)
    assert not AuditEvent.objects.filter(action="user.update").exists()


def test_it_sets_roles(secretariat):
    user = UserFactory(roles=[Role.STAFF])
    services.user_set_roles(user=user, roles=[Role.REVIEWER, Role.STAFF], actor=secretariat)
    assert User.objects.get(pk=user.pk).role_set == {Role.REVIEWER, Role.STAFF}
    assert AuditEvent.objects.get(action="user.update").changes == {
        "roles": [["staff"], ["reviewer", "staff"]]
    }


def test_secretariat_cannot_drop_own_secretariat_role(secretariat):
    with pytest.raises(ValidationError):
        services.user_set_roles(user=secretariat, roles=[Role.LEADERSHIP], actor=secretariat)


def test_it_deactivates_keeping_history_and_leaves_the_unit_group(secretariat):
    user = UserFactory(roles=[Role.STAFF])
    services.user_update(user=user, actor=secretariat, position="Chuyên viên")
    assert _groups(user)
    services.user_deactivate(user=user, actor=secretariat)
    user.refresh_from_db()
    assert not user.is_active
    assert _groups(user) == set()
    assert Group.objects.filter(name=unit_group_name(user.unit_id)).exists()
    actions = list(AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert actions == ["user.deactivate", "user.update"]
    services.user_activate(user=user, actor=secretariat)
    assert _groups(user) == {unit_group_name(user.unit_id)}


def test_it_refuses_to_deactivate_yourself(secretariat):
    with pytest.raises(ValidationError):
        services.user_deactivate(user=secretariat, actor=secretariat)
    secretariat.refresh_from_db()
    assert secretariat.is_active
